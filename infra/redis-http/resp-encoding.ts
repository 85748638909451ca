// Serializes raw RESP2 replies as Upstash's JSON. Replies arrive from ioredis without any
// transformation: bulk and status strings as Buffers, integers as decimal strings (ioredis'
// `stringNumbers`, so 64-bit integers keep every digit), nil as null, arrays nested at will,
// and errors inside arrays (EXEC, Lua) as Error objects.
//
// With `Upstash-Encoding: base64` every bulk and status string, at every depth and including
// "OK", is the base64 of its raw bytes, which is what @upstash/redis decodes by default. An
// error inside a reply (an EXEC entry, a Lua table holding redis.error_reply) is a string of the
// result like any other, so it is encoded too: the client decodes every string of a result.
// Only the top-level `{"error": …}` text stays plain, as the client reads it as it is.
// Without the header strings are UTF-8 text (invalid bytes become U+FFFD, as on Upstash).
// Integers are JSON numbers.

export type RedisReply = Buffer | string | number | null | Error | RedisReply[];

export type ReplyEncoding = 'base64' | 'utf8';

const INTEGER = /^-?\d+$/;

export function replyToJson(reply: RedisReply, encoding: ReplyEncoding): string {
  if (reply === null || reply === undefined) return 'null';
  if (Buffer.isBuffer(reply)) {
    // Base64 needs no JSON escaping.
    return encoding === 'base64'
      ? `"${reply.toString('base64')}"`
      : JSON.stringify(reply.toString('utf8'));
  }
  if (typeof reply === 'string') {
    // An integer reply: written as a JSON number with all of its digits.
    if (INTEGER.test(reply)) return reply;
    return replyToJson(Buffer.from(reply, 'utf8'), encoding);
  }
  if (typeof reply === 'number') return Number.isFinite(reply) ? String(reply) : 'null';
  if (reply instanceof Error) return replyToJson(Buffer.from(reply.message, 'utf8'), encoding);
  let out = '[';
  for (let i = 0; i < reply.length; i++) {
    if (i > 0) out += ',';
    out += replyToJson(reply[i] as RedisReply, encoding);
  }
  return `${out}]`;
}

/** The outcome of one command, as it appears in a response. */
export type CommandOutcome =
  | { readonly ok: true; readonly reply: RedisReply }
  | { readonly ok: false; readonly error: string };

export function outcomeToJson(outcome: CommandOutcome, encoding: ReplyEncoding): string {
  return outcome.ok
    ? `{"result":${replyToJson(outcome.reply, encoding)}}`
    : `{"error":${JSON.stringify(outcome.error)}}`;
}

export function errorToJson(message: string): string {
  return JSON.stringify({ error: message });
}
