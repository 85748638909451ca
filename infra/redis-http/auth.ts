// Bearer-token authentication, as on Upstash: `Authorization: Bearer <token>` or `?_token=`.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Returns a checker comparing in constant time. Both sides are hashed first so the comparison
 * takes the same time whatever the presented token's length.
 */
export function createTokenChecker(token: string): (presented: string | undefined) => boolean {
  const expected = digest(token);
  return (presented) => presented !== undefined && timingSafeEqual(digest(presented), expected);
}

/** The token a request presents, from the Authorization header or the `_token` query parameter. */
export function presentedToken(req: IncomingMessage, query: URLSearchParams): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    return match?.[1];
  }
  return query.get('_token') ?? undefined;
}
