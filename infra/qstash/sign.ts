// QStash's request signature: a JWT (HS256) over the destination URL and the body's SHA-256,
// exactly what @upstash/qstash's Receiver verifies.
import { createHash, createHmac, randomBytes } from 'node:crypto';

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export interface SignatureInput {
  /** A signing key (QSTASH_CURRENT_SIGNING_KEY). */
  key: string;
  /** The destination URL: the token's subject. */
  url: string;
  body: string | Buffer;
  /** Seconds since the epoch (default: now). */
  now?: number;
  /** Lifetime in seconds (QStash: 5 minutes). */
  ttlSeconds?: number;
}

export function bodyHash(body: string | Buffer): string {
  return b64url(createHash('sha256').update(body).digest());
}

export function qstashSignature(input: SignatureInput): string {
  const now = input.now ?? Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(
    JSON.stringify({
      iss: 'Upstash',
      sub: input.url,
      exp: now + (input.ttlSeconds ?? 300),
      nbf: now,
      iat: now,
      jti: `jwt_${randomBytes(12).toString('hex')}`,
      body: bodyHash(input.body),
    }),
  );
  const signature = b64url(createHmac('sha256', input.key).update(`${header}.${payload}`).digest());
  return `${header}.${payload}.${signature}`;
}
