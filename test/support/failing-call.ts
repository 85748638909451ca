// Clients that misbehave on the calls of one script, as a network does: the real client (through
// the test bridge) for every other call.
import type { RedisClient } from '../../core/index.js';
import { scripts } from '../../core/scripts/index.generated.js';
import { testRedis } from './stack.js';

type Send = () => Promise<unknown>;

/**
 * The real client, except that each call of the named script goes through `around(send, n)`
 * (n counts them from 1), which decides whether, when and how it reaches Redis.
 */
export function aroundCalls(
  name: string,
  around: (send: Send, n: number) => Promise<unknown>,
): RedisClient {
  const redis = testRedis({ enableAutoPipelining: true });
  const sha = Object.values(scripts).find((s) => s.name === name)?.sha;
  if (!sha) throw new Error(`no script named ${name}`);
  let n = 0;
  return {
    evalsha: (called, keys, args) => {
      const send = () => redis.evalsha(called, keys, args);
      return called === sha ? around(send, ++n) : send();
    },
    eval: (script, keys, args) => redis.eval(script, keys, args),
  };
}

/** The `nth` call (from 1) of the named script throws before it reaches Redis; `calls` counts them. */
export function failingCall(
  name: string,
  nth: number,
): { client: RedisClient; calls: () => number } {
  let calls = 0;
  const client = aroundCalls(name, (send, n) => {
    calls = n;
    return n === nth ? Promise.reject(new TypeError('fetch failed')) : send();
  });
  return { client, calls: () => calls };
}
