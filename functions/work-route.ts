import type { Job, Queue } from '../core/index.js';
import { type HandlerRegistry, runWake, type TickResult } from '../worker-handlers/index.js';
import type { WaitUntil } from './api/index.js';
import { type Config, invocationOptions } from './config.js';
import { workAuth } from './wake/verify.js';

export interface WorkRouteOptions {
  queue: Queue;
  registry: HandlerRegistry;
  config: Config;
  /** Aborted when the process shuts down (Node): running batches stop gracefully. */
  signal?: AbortSignal;
  /** Script calls one run may make (a Worker invocation's subrequest limit); default unlimited. */
  maxCalls?: number;
  log?: { error(message: string, error?: unknown): void };
  /** Retries put off by a backoff: the app's wake-up schedules a run for when they fall due. */
  wake?: (jobs: Job[], ctx: WaitUntil) => void;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/**
 * POST /work: a wake-up (QStash delivery or direct call) starts one worker run. It answers 202 at
 * once and runs in the background (QStash need not wait, and a Worker's waitUntil keeps it
 * alive); `?wait=1` runs it before answering, with the run's counts.
 */
export function workRoute(
  options: WorkRouteOptions,
): (request: Request, ctx: WaitUntil) => Promise<Response> {
  const { config } = options;
  const authorise = workAuth({
    secret: config.EDGEKUE_WORKER_SECRET,
    currentSigningKey: config.QSTASH_CURRENT_SIGNING_KEY,
    nextSigningKey: config.QSTASH_NEXT_SIGNING_KEY,
    url: config.EDGEKUE_WORKER_URL,
  });
  const { wake } = options;
  const run = (ctx: WaitUntil): Promise<TickResult> =>
    runWake(options.queue, options.registry, {
      ...invocationOptions(config),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.maxCalls ? { calls: { remaining: options.maxCalls } } : {}),
      ...(wake ? { onRetry: (jobs: Job[]) => wake(jobs, ctx) } : {}),
    });
  return async function work(request, ctx) {
    const body = await request.text();
    const refused = await authorise(request, body);
    if (refused !== undefined) return json(401, { error: refused });
    if (new URL(request.url).searchParams.get('wait') === '1') {
      return json(200, await run(ctx));
    }
    ctx.waitUntil(
      run(ctx).catch((error: unknown) => options.log?.error('edgekue: worker run failed', error)),
    );
    return json(202, { accepted: true });
  };
}
