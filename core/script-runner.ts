import { redisError } from './errors.js';
import { wellFormedStrings } from './json-text.js';
import type { Keys } from './keys.js';
import type { RedisClient } from './redis-client.js';
import { type ScriptName, scripts } from './scripts/index.generated.js';

/** Settings every script reads from ARGV[2]. */
export interface ScriptConfig {
  events_max: number;
  events_off?: boolean;
  /** Interrupted runs given back without counting an attempt (lib/fail-attempt.lua give_back). */
  interruptions_max?: number;
  /**
   * Complete and failed jobs kept at most, and for at most this many ms after they finish
   * (lib/retention.lua); absent: all, for ever.
   */
  keep_complete?: number;
  keep_failed?: number;
  keep_complete_ms?: number;
  keep_failed_ms?: number;
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.toUpperCase().includes('NOSCRIPT');
}

/**
 * Runs one script: EVALSHA first, EVAL when Redis answers NOSCRIPT (after a restart or SCRIPT
 * FLUSH). Every script takes the same arguments (the queue's id key for slot routing, then key
 * prefix, config and input JSON) and answers JSON text, which the client may already have parsed.
 */
export class ScriptRunner {
  readonly #redis: RedisClient;
  readonly #keys: Keys;
  readonly #config: string;

  constructor(redis: RedisClient, keys: Keys, config: ScriptConfig) {
    this.#redis = redis;
    this.#keys = keys;
    this.#config = JSON.stringify(config);
  }

  /**
   * `extra`: texts passed as ARGV[4...] as they are, outside the input JSON (enqueue's job data):
   * JSON text inside JSON text would be escaped twice on the wire and decoded by the script.
   */
  async run<T>(name: ScriptName, input: unknown, extra?: readonly string[]): Promise<T> {
    const script = scripts[name];
    const keys = [this.#keys.ids];
    const args = [this.#keys.base, this.#config, inputText(input)];
    if (extra) for (const text of extra) args.push(text);
    let raw: unknown;
    try {
      raw = await this.#redis.evalsha(script.sha, keys, args).catch((error: unknown) => {
        if (isNoScript(error)) return this.#redis.eval(script.source, keys, args);
        throw error;
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw redisError(`${name}: ${message}`, error);
    }
    return (typeof raw === 'string' ? JSON.parse(raw) : raw) as T;
  }
}

/**
 * JSON.stringify writes a lone surrogate (in a log line, an error text...) as a \ud800-style
 * escape, which would make cjson fail the whole call: only text that has such an escape is
 * written again with the replacer that swaps them out (a replacer on every call costs a few µs a
 * job).
 */
const surrogateEscape = /\\ud[89a-f]/i;

function inputText(input: unknown): string {
  const text = JSON.stringify(input);
  return surrogateEscape.test(text) ? JSON.stringify(input, wellFormedStrings) : text;
}

/** cjson encodes an empty Lua table as {}: read a list that may have come back that way. */
export function list<T>(value: T[] | Record<string, never> | undefined | null): T[] {
  return Array.isArray(value) ? value : [];
}
