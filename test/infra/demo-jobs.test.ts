// `npm start` creates demo jobs only on a redis-server of its own unless told: on the user's
// database (UPSTASH_REDIS_REST_URL, REDIS_URL) they would be written among real jobs, billed,
// and run by the demo handlers.
import { describe, expect, it } from 'vitest';
import { demoWanted } from '../../infra/dev/demo-jobs.js';

describe('demoWanted', () => {
  it('creates demo jobs on a Redis of its own, not on a database of yours, unless told', () => {
    expect(demoWanted(['node', 'stack.ts'], true)).toBe(true);
    expect(demoWanted(['node', 'stack.ts'], false)).toBe(false);
    expect(demoWanted(['node', 'stack.ts', '--demo'], false)).toBe(true);
    expect(demoWanted(['node', 'stack.ts', '--no-demo'], true)).toBe(false);
    expect(demoWanted(['node', 'stack.ts', '--no-demo', '--demo'], false)).toBe(false);
  });
});
