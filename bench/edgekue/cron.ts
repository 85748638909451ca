import type { Queue } from '../../core/index.js';
import { type HandlerRegistry, runTick, type TickResult } from '../../worker-handlers/index.js';
import type { TickSchedule } from '../settings.js';

/**
 * A cron trigger, as Cloudflare (or any scheduler) fires it: worker-handlers' runTick every
 * `periodMs`, each with its own budget, polling every `intervalMs` inside it.
 */
export class CronTicks {
  readonly #queue: Queue;
  readonly #registry: HandlerRegistry;
  readonly #schedule: TickSchedule;
  readonly #maxJobs: number;
  readonly #lanes: number;
  readonly #controller = new AbortController();
  readonly #running = new Set<Promise<unknown>>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    queue: Queue,
    registry: HandlerRegistry,
    schedule: TickSchedule,
    maxJobs: number,
    lanes: number,
  ) {
    this.#queue = queue;
    this.#registry = registry;
    this.#schedule = schedule;
    this.#maxJobs = maxJobs;
    this.#lanes = lanes;
  }

  /** One tick now; resolves when its invocation ends. */
  tick(): Promise<TickResult> {
    const s = this.#schedule;
    const run = runTick(this.#queue, this.#registry, {
      intervalMs: s.intervalMs,
      budgetMs: s.budgetMs,
      graceMs: s.graceMs,
      maxJobs: this.#maxJobs,
      lanes: this.#lanes,
      signal: this.#controller.signal,
    });
    this.#running.add(run);
    run.then(
      () => this.#running.delete(run),
      (error: unknown) => {
        this.#running.delete(run);
        process.stderr.write(`cron tick failed: ${String(error)}\n`);
      },
    );
    return run;
  }

  /** Ticks now and then every period. */
  start(): void {
    void this.tick().catch(() => {});
    this.#timer = setInterval(() => void this.tick().catch(() => {}), this.#schedule.periodMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#controller.abort();
    await Promise.allSettled([...this.#running]);
  }
}
