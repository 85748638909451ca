// Queues for chaos runs: the unmodified @upstash/redis client with auto-pipelining and its default
// retries (as in production), and a stream cap large enough to keep every event of the run, since
// the completion records are counted from it.
import { Redis } from '@upstash/redis';
import { Queue } from '../../../core/index.js';

export interface ChaosQueueOptions {
  url: string;
  token: string;
  prefix: string;
  /** Stream cap: jobs × events per job, with room. */
  eventsMax?: number;
}

export function chaosQueue(o: ChaosQueueOptions): Queue {
  const redis = new Redis({
    url: o.url,
    token: o.token,
    enableAutoPipelining: true,
    enableTelemetry: false,
  });
  return new Queue(redis, { prefix: o.prefix, eventsMax: o.eventsMax ?? 10_000 });
}
