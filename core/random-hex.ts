// Random hex ids for request tokens, lease tokens and call ids. Each crypto.getRandomValues call
// costs some 15 µs in Node 20 whatever its size, and the one-job path makes one per save(): the
// bytes are drawn 4 KiB at a time and handed out from that pool. Still a CSPRNG's bytes, each
// used once. Web Crypto only, so it runs on every runtime.
const POOL_BYTES = 4096;
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
let pool = new Uint8Array(0);
let at = 0;

/** `bytes` random bytes as lowercase hex (2 characters a byte). */
export function randomHex(bytes: number): string {
  if (at + bytes > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(Math.max(POOL_BYTES, bytes)));
    at = 0;
  }
  let out = '';
  for (let i = at; i < at + bytes; i++) out += HEX[pool[i]!];
  at += bytes;
  return out;
}
