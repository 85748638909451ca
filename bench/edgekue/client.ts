import { Redis } from '@upstash/redis';
import { createQueue, type Queue, type RedisClient } from '../../core/index.js';
import { scripts } from '../../core/scripts/index.generated.js';
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
 * The unmodified @upstash/redis client (auto-pipelining on, as core's connect() sets it), seen
 * through a pass-through that tallies which script each call runs.
 */
function tallyingClient(bridge: BridgeAccess, tally: ScriptTally): RedisClient {
  const redis = new Redis({ url: bridge.url, token: bridge.token, enableAutoPipelining: true });
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
  options: { search?: boolean; jobEvents?: boolean } = {},
): Queue {
  return createQueue({ redis: tallyingClient(bridge, tally) }, benchQueueOptions(options));
}
