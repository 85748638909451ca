import { Client } from '@upstash/qstash';
import type { Queue } from '../../core/index.js';
import type { RunningBatches, TickResult } from '../../worker-handlers/index.js';
import { requeuedJob, type WaitUntil, type Wake } from '../api/index.js';
import type { Config } from '../config.js';
import type { WakeLog } from './coalesce.js';
import { directWake, type Fetcher } from './direct.js';
import { inProcessWake, serverInProcessWake } from './in-process.js';
import { qstashWake } from './qstash.js';

export { coalesce, type WakeLog } from './coalesce.js';
export { type DirectWakeOptions, directWake, type Fetcher } from './direct.js';
export { inProcessWake, serverInProcessWake } from './in-process.js';
export { type QStashPublisher, type QStashWakeOptions, qstashWake } from './qstash.js';
export { type WorkAuth, type WorkAuthOptions, workAuth } from './verify.js';

export type WakeMode = 'qstash' | 'direct' | 'in-process';

/**
 * Picks how created jobs wake a worker, from the configuration:
 * - QStash (QSTASH_TOKEN and EDGEKUE_WORKER_URL): also wakes delayed jobs on time;
 * - direct (EDGEKUE_WORKER_URL and EDGEKUE_WORKER_SECRET, or a service binding): POST /work;
 * - otherwise in-process: the creating invocation runs the worker itself (`runLocal`); a server
 *   (`running` given) first hands the job to a batch it runs with a free slot, and wakes delayed
 *   jobs on time.
 */
export function createWake(
  config: Config,
  options: {
    runLocal: () => Promise<unknown>;
    fetcher?: Fetcher;
    log: WakeLog;
    /** A long-lived server's running batches (serverInProcessWake). */
    running?: RunningBatches;
  },
): { wake: Wake; mode: WakeMode } {
  const url = config.EDGEKUE_WORKER_URL;
  if (config.QSTASH_TOKEN && url) {
    const client = new Client({
      token: config.QSTASH_TOKEN,
      ...(config.QSTASH_URL ? { baseUrl: config.QSTASH_URL } : {}),
      enableTelemetry: false,
      devMode: false,
    });
    return {
      mode: 'qstash',
      wake: qstashWake({ client, url, prefix: config.EDGEKUE_PREFIX, log: options.log }),
    };
  }
  const secret = config.EDGEKUE_WORKER_SECRET;
  if (secret && (url || options.fetcher)) {
    return {
      mode: 'direct',
      wake: directWake({
        url: url ?? 'https://edgekue.internal/work',
        secret,
        ...(options.fetcher ? { fetcher: options.fetcher } : {}),
        log: options.log,
      }),
    };
  }
  const wake = options.running
    ? serverInProcessWake(options.runLocal, options.running, options.log)
    : inProcessWake(options.runLocal, options.log);
  return { mode: 'in-process', wake };
}

/**
 * Where wake-ups reach another invocation (QStash, direct), a run that ended with work left (its
 * budget or its calls ran out, or runs it cut were given back) starts one for it, rather than
 * leave it to the next cron tick; in process, the next tick or wake-up here finds it.
 */
export function continueElsewhere(
  result: TickResult,
  mode: WakeMode,
  wake: Wake,
  queue: Queue,
  ctx: WaitUntil,
): void {
  if (result.moreWaiting && mode !== 'in-process') wake([requeuedJob(queue)], ctx);
}
