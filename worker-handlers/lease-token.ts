// Random ids from the Web Crypto API (core/random-hex.ts), which Workers and Node both have.
import { randomHex } from '../core/index.js';

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
