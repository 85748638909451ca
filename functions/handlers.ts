/**
 * The job handlers edgekue's own entry points (worker.ts' default export, node-server.ts, deno.ts,
 * bun.ts, vercel.ts) run. Replace the demo handlers with your own, or keep them in a project of
 * your own and give them to `createWorker(registry)` (a Worker; functions/README.md):
 *
 *   handlers.process('email', 10, async (job, ctx) => { ...; return result; });
 *   handlers.process('email', (job, done) => { ...; done(err, result); });   // Kue's style
 *
 * The number is the type's concurrency across every invocation (0 or absent: no limit).
 */
import { HandlerRegistry } from '../worker-handlers/index.js';

export const handlers = new HandlerRegistry();

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

interface DemoData {
  to?: string;
  frames?: unknown;
  failRate?: number;
}

const data = (job: { data: unknown }): DemoData =>
  job.data && typeof job.data === 'object' ? (job.data as DemoData) : {};

// ---- demo handlers: they only sleep, log and report progress ----

/** A quick job, Kue's canonical example. */
handlers.process('email', 5, async (job, ctx) => {
  const to = data(job).to ?? 'someone@example.com';
  await job.log('sending to %s', to);
  await sleep(50 + Math.floor(Math.random() * 250), ctx.signal);
  return { to, messageId: crypto.randomUUID() };
});

/** A long job in steps, with progress and a log line per step (coalesced by the worker). */
handlers.process('video', 2, (job, done, ctx) => {
  // anything a client sent: a number of frames from 1 to 200, else 20
  const asked = Number(data(job).frames ?? 20);
  const frames = Number.isFinite(asked) ? Math.min(Math.max(Math.floor(asked), 1), 200) : 20;
  let frame = 0;
  const step = () => {
    if (ctx.signal.aborted) return done(ctx.signal.reason);
    frame++;
    void job.log('rendered frame %d of %d', frame, frames);
    void job.progress(frame, frames, { frame });
    if (frame >= frames) return done(null, { frames });
    setTimeout(step, 100);
  };
  step();
});

/** Fails often, to show attempts, backoff and the failed list. */
handlers.process('flaky', async (job, ctx) => {
  await sleep(100, ctx.signal);
  const failRate = data(job).failRate ?? 0.5;
  if (Math.random() < failRate) {
    throw new Error(`flaky network (attempt ${job.attempts().made + 1})`);
  }
  return 'made it';
});

/** A report that retries on a schedule computed in code (a custom backoff). */
handlers.process(
  'report',
  { concurrency: 1, backoff: (attempt) => 1_000 * attempt },
  async (job, ctx) => {
    await job.log('building report');
    await sleep(300, ctx.signal);
    if (job.attempts().made === 0) throw new Error('source not ready yet');
    return { rows: 42 };
  },
);
