import type { Job, Queue } from '../core/index.js';
import { type HandlerRegistry, runWake, type TickResult } from '../worker-handlers/index.js';
import type { WaitUntil } from './api/index.js';
import { type Config, invocationOptions } from './config.js';
import { reportRun } from './run-report.js';
import { continueElsewhere, type WakeMode } from './wake/index.js';
import { INVALID_SIGNATURE, workAuth } from './wake/verify.js';

export interface WorkRouteOptions {
  queue: Queue;
  registry: HandlerRegistry;
  config: Config;
  /** Aborted when the process shuts down (Node): running batches stop gracefully. */
  signal?: AbortSignal;
  /** Script calls one run may make (a Worker invocation's subrequest limit); default unlimited. */
  maxCalls?: number;
  log?: { warn?(message: string): void; error(message: string, error?: unknown): void };
  /** Retries put off by a backoff: the app's wake-up schedules a run for when they fall due. */
  wake?: (jobs: Job[], ctx: WaitUntil) => void;
  /** How `wake` reaches a worker: a run that ends with work left wakes another (not in process). */
  wakeMode?: WakeMode;
}

/**
 * The largest body POST /work reads, in bytes. A wake-up's body is tiny (QStash delivers
 * `{"wake":"edgekue"}`, a direct call sends none), but the route answers anyone until the body is
 * checked: a QStash signature covers the exact body, so it is read before it can be verified. 4 KiB
 * is two hundred times a wake-up and keeps an anonymous sender from filling the isolate's memory
 * (a Worker has 128 MB) with an unbounded body, as EDGEKUE_BODY_LIMIT does for the API.
 */
export const WORK_BODY_LIMIT = 4 * 1024;

/**
 * The body as text, read chunk by chunk and given up past `limit` bytes (undefined), so an
 * oversized one is never held whole. Decoded as request.text() decodes, so a signature over the
 * bytes sent verifies.
 */
async function readBodyUpTo(request: Request, limit: number): Promise<string | undefined> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) return undefined;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
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
  const { wake, wakeMode } = options;
  const run = async (ctx: WaitUntil): Promise<TickResult> => {
    const result = await runWake(options.queue, options.registry, {
      ...invocationOptions(config),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.maxCalls ? { calls: { remaining: options.maxCalls } } : {}),
      ...(wake ? { onRetry: (jobs: Job[]) => wake(jobs, ctx) } : {}),
    });
    if (wake && wakeMode) continueElsewhere(result, wakeMode, wake, options.queue, ctx);
    return result;
  };
  return async function work(request, ctx) {
    // Neither credential: refused before a byte of the body is read (the check needs no body).
    if (!request.headers.has('authorization') && !request.headers.has('upstash-signature')) {
      return json(401, { error: (await authorise(request, '')) ?? 'POST /work needs credentials' });
    }
    const body = await readBodyUpTo(request, WORK_BODY_LIMIT);
    if (body === undefined) {
      // Not drained, unlike the API's 413: only QStash and edgekue's own wake-ups send here, with
      // bodies of a few bytes; an oversized body is a misuse or an attack, answered at once.
      return json(413, {
        error: `POST /work: request body is over the limit of ${WORK_BODY_LIMIT} bytes`,
      });
    }
    const refused = await authorise(request, body);
    if (refused === INVALID_SIGNATURE) {
      options.log?.warn?.(
        'edgekue: refused POST /work: its QStash signature did not verify: check QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY (and EDGEKUE_WORKER_URL, the URL QStash signs)',
      );
    }
    if (refused !== undefined) return json(401, { error: refused });
    if (new URL(request.url).searchParams.get('wait') === '1') {
      return json(200, await run(ctx));
    }
    ctx.waitUntil(
      run(ctx).then(
        (r) => {
          if (options.log) reportRun(options.log, 'a worker run', r);
        },
        (error: unknown) => options.log?.error('edgekue: worker run failed', error),
      ),
    );
    return json(202, { accepted: true });
  };
}
