import { Redis } from '@upstash/redis';
import { createQueue, type Queue, type RedisClient } from '../../core/index.js';
import { scripts } from '../../core/scripts/index.generated.js';
import { envSchema } from '../../functions/config.js';
import { nodeRedis } from '../../functions/node-redis.js';
import { benchQueueOptions } from './runs.js';

const scriptNames = new Map<string, string>(Object.values(scripts).map((s) => [s.sha, s.name]));

/** Script calls by script name, for the profile (the bridge only sees `evalsha`). */
export class ScriptTally {
  counts: Record<string, number> = {};

  add(name: string): void {
    this.counts[name] = (this.counts[name] ?? 0) + 1;
  }

  take(): Record<string, number> {
    const c = this.counts;
    this.counts = {};
    return c;
  }
}

export interface BridgeAccess {
  url: string;
  token: string;
}

/**
 * edgekue's client on Node (functions/node-redis.ts: the unmodified @upstash/redis client,
 * auto-pipelined, sending over node:http), or with `fetch` the client as core's connect() builds
 * it (Node's fetch), seen through a pass-through that tallies which script each call runs.
 */
function tallyingClient(bridge: BridgeAccess, tally: ScriptTally, fetch: boolean): RedisClient {
  // each request under the timeout a deployment gives it by default (EDGEKUE_REDIS_TIMEOUT_MS)
  const timeoutMs = envSchema.shape.EDGEKUE_REDIS_TIMEOUT_MS.parse(undefined);
  const redis: RedisClient = fetch
    ? new Redis({
        url: bridge.url,
        token: bridge.token,
        enableAutoPipelining: true,
        signal: () => AbortSignal.timeout(timeoutMs),
      })
    : nodeRedis({ url: bridge.url, token: bridge.token, timeoutMs });
  return {
    evalsha(sha, keys, args) {
      tally.add(scriptNames.get(sha) ?? sha);
      return redis.evalsha(sha, keys, args);
    },
    eval(script, keys, args) {
      tally.add('(eval fallback)');
      return redis.eval(script, keys, args);
    },
  };
}

/** A queue as an application would open one (benchQueueOptions), its script calls tallied. */
export function benchQueue(
  bridge: BridgeAccess,
  tally: ScriptTally,
  options: { search?: boolean; jobEvents?: boolean; fetch?: boolean } = {},
): Queue {
  const redis = tallyingClient(bridge, tally, options.fetch ?? false);
  return createQueue({ redis }, benchQueueOptions(options));
}
