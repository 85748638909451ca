/**
 * Compares a secret a client sent with the configured one without leaking where they differ or
 * how long the secret is: both sides are hashed with SHA-256 (Web Crypto: Workers and Node), and
 * the fixed-length digests are compared without an early exit.
 */
const encoder = new TextEncoder();

export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** A comparer bound to one secret, whose digest is computed once. */
export function secretMatcher(secret: string): (candidate: string) => Promise<boolean> {
  let expected: Promise<Uint8Array> | undefined;
  return async function matches(candidate) {
    expected ??= sha256(secret);
    const [a, b] = await Promise.all([expected, sha256(candidate)]);
    return equalBytes(a, b);
  };
}

/** The token of an `Authorization: Bearer <token>` header (any case, any spaces), if it is one. */
export function bearerToken(header: string | null | undefined): string | undefined {
  return /^bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim();
}
