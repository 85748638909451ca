import type { Queue } from '../../../core/index.js';
import { HandlerRegistry, runTick } from '../../../worker-handlers/index.js';
import { loopUntil } from './util.js';

/**
 * The cron tick with no handlers: every `intervalMs` it promotes due jobs and recovers expired
 * leases (inside the claim), as a scheduled Worker does between wake-ups. Runs until stopped.
 */
export function startCron(queue: Queue, intervalMs: number): { stop(): Promise<number> } {
  const stop = new AbortController();
  let errors = 0;
  const running = loopUntil(
    stop.signal,
    100_000,
    async () => {
      await runTick(queue, new HandlerRegistry(), {
        budgetMs: 5_000,
        graceMs: 0,
        intervalMs,
        signal: stop.signal,
      });
    },
    () => {
      errors++;
    },
  );
  return {
    async stop() {
      stop.abort();
      await running;
      return errors;
    },
  };
}
