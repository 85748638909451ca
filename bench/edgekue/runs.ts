// The edgekue side of the workload, free of Node APIs: the bench runs it in Node, and bundled
// into a Worker in workerd (bench/edgekue/workerd-entry.ts), the runtime edgekue is built for.
import type { NewJob, Queue, QueueOptions } from '../../core/index.js';
import { HandlerRegistry, runWake, type TickResult } from '../../worker-handlers/index.js';
import { forEachConcurrent, JOB_TYPE, Limiter, type Payload, payload, work } from '../workload.js';

export type EdgekueMode = 'batch' | 'single';

/**
 * A bench queue's options, as an application would open one. Search indexing is off by default:
 * none of the peers indexes job data (Kue 0.11 has it off by default too), so all five store the
 * same thing.
 */
export function benchQueueOptions(
  options: { search?: boolean; jobEvents?: boolean } = {},
): QueueOptions {
  return { prefix: 'q', disableSearch: !options.search, jobEvents: options.jobEvents ?? true };
}

/** What a phase's handler does when a job starts (swapped per phase). */
export interface Hooks {
  onStart: (data: Payload) => void;
}

/**
 * The handler registry every edgekue invocation uses. The batch path holds up to `batchSize`
 * leases per invocation but runs at most `concurrency` handler bodies at once, so every system
 * does the work with the same concurrency.
 */
export function registryFor(mode: EdgekueMode, concurrency: number, hooks: Hooks): HandlerRegistry {
  const registry = new HandlerRegistry();
  if (mode === 'batch') {
    const limiter = new Limiter(concurrency);
    registry.process(JOB_TYPE, async (job) => {
      const data = job.data as Payload;
      await limiter.run(async () => {
        hooks.onStart(data);
        await work(data);
      });
    });
  } else {
    registry.process(JOB_TYPE, async (job) => {
      const data = job.data as Payload;
      hooks.onStart(data);
      await work(data);
    });
  }
  return registry;
}

/**
 * Creates jobs 0..n-1 with `concurrency` producers (or `producers` on the batch path), as every
 * system creates: the batch path with createMany of `batchSize` each (calls made in the same tick
 * share a request, as auto-pipelining sends them); the one-job path with save() (saves made in the
 * same tick share an enqueue call), given several queues each producer with its own.
 */
export async function createJobs(
  queues: Queue | Queue[],
  mode: EdgekueMode,
  p: { n: number; batchSize: number; concurrency: number; producers?: number },
  onStep: (done: number) => void = () => {},
): Promise<void> {
  const all = Array.isArray(queues) ? queues : [queues];
  const queue = all[0]!;
  if (mode === 'batch') {
    const batches = Math.ceil(p.n / p.batchSize);
    let created = 0;
    await forEachConcurrent(batches, p.producers ?? p.concurrency, async (b) => {
      const from = b * p.batchSize;
      const items: NewJob[] = [];
      for (let i = from; i < Math.min(p.n, from + p.batchSize); i++) {
        items.push({ type: JOB_TYPE, data: payload(i) });
      }
      await queue.createMany(items);
      created += items.length;
      onStep(created);
    });
  } else {
    await forEachConcurrent(
      p.n,
      p.concurrency,
      (i, lane) => all[lane % all.length]!.create(JOB_TYPE, payload(i)).save(),
      onStep,
    );
  }
}

/** Woken invocations until one finds the queue empty (each has the default 25 s budget). */
export async function drain(
  queue: Queue,
  registry: HandlerRegistry,
  maxJobs: number,
  lanes: number,
): Promise<number> {
  let completed = 0;
  for (;;) {
    const r: TickResult = await runWake(queue, registry, { maxJobs, lanes });
    if (r.failed > 0 || r.lost > 0 || r.shutdown > 0) {
      throw new Error(`edgekue run: ${r.failed} failed, ${r.lost} lost, ${r.shutdown} shut down`);
    }
    completed += r.completed;
    if (r.claimed === 0) return completed;
  }
}
