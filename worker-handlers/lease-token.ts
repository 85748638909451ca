/** Random ids from the Web Crypto API, which Workers and Node both have. */
function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes);
  crypto.getRandomValues(buf);
  return Array.from(buf, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A lease token: fresh per claim, so a stale worker cannot settle a job claimed again since. */
export function leaseToken(): string {
  return randomHex(16);
}

/** Names one script call, so that a retry of it is answered, not run again. */
export function callId(): string {
  return randomHex(12);
}

/** Names an invocation in the jobs it claims (the job's workerId, as Kue showed it). */
export function workerName(label = 'edgekue'): string {
  return `${label}:${randomHex(6)}`;
}
