// A client that fails one call of a script, as a connection refused would: the real client
// (through the test bridge) for every other call.
import type { RedisClient } from '../../core/index.js';
import { scripts } from '../../core/scripts/index.generated.js';
import { testRedis } from './stack.js';

/** The `nth` call (from 1) of the named script throws before it reaches Redis; `calls` counts them. */
export function failingCall(
  name: string,
  nth: number,
): { client: RedisClient; calls: () => number } {
  const redis = testRedis({ enableAutoPipelining: true });
  const sha = Object.values(scripts).find((s) => s.name === name)?.sha;
  if (!sha) throw new Error(`no script named ${name}`);
  let calls = 0;
  const client: RedisClient = {
    evalsha: async (called, keys, args) => {
      if (called === sha && ++calls === nth) throw new TypeError('fetch failed');
      return redis.evalsha(called, keys, args);
    },
    eval: (script, keys, args) => redis.eval(script, keys, args),
  };
  return { client, calls: () => calls };
}
