// edgekue's client in workerd, the runtime it is built for: the bench's Worker
// (bench/edgekue/workerd-entry.ts) bundled as a deploy bundles, run by Miniflare, reaching the
// same bridge. Node's fetch (undici, in JavaScript) costs several times what workerd's native
// fetch does per request, and an HTTP client pays it on every call.
import { join } from 'node:path';
import { bootWorker, buildWorker } from '../../infra/build/workerd-bundle.js';
import type { Progress } from '../progress.js';
import type { AdminRedis } from '../redis-admin.js';
import type { ChildParams } from '../settings.js';
import { now } from '../workload.js';
import type { BridgeAccess } from './client.js';
import { COMPLETE_KEY, type EdgekueMode, setUp } from './setup.js';

export interface BenchWorker {
  /** One request to the Worker; its JSON answer, or an error naming what failed. */
  call(path: '/create' | '/process', params: Record<string, string | number>): Promise<unknown>;
  close(): Promise<void>;
}

export async function startBenchWorker(bridge: BridgeAccess): Promise<BenchWorker> {
  const script = await buildWorker({ config: join(import.meta.dirname, 'workerd-bench.toml') });
  const { mf: worker } = await bootWorker(script, {
    BRIDGE_URL: bridge.url,
    BRIDGE_TOKEN: bridge.token,
  });
  return {
    async call(path, params) {
      const query = new URLSearchParams(
        Object.entries(params).map(([k, v]) => [k, String(v)] as [string, string]),
      );
      const res = await worker.dispatchFetch(`http://bench.local${path}?${query}`, {
        method: 'POST',
      });
      const body = (await res.json()) as { error?: string };
      if (!res.ok) throw new Error(`workerd ${path}: ${res.status} ${body.error ?? ''}`);
      return body;
    },
    close: () => worker.dispose(),
  };
}

/** One pass with the client in workerd: create N jobs, process them; each phase timed from here. */
export async function timedInWorkerd(
  mode: EdgekueMode,
  s: ChildParams,
  admin: AdminRedis,
  progress: Progress,
  worker: BenchWorker,
): Promise<{ createMs: number; processMs: number }> {
  const { maxJobs, lanes, reset } = setUp(mode, s, admin, progress);
  const common = { mode, concurrency: s.concurrency };
  await reset();
  let t = now();
  await worker.call('/create', { ...common, n: s.n, batchSize: s.batchSize });
  const createMs = now() - t;
  t = now();
  const { completed } = (await worker.call('/process', { ...common, maxJobs, lanes })) as {
    completed: number;
  };
  const processMs = now() - t;
  const inRedis = await admin.count(COMPLETE_KEY, 'idset');
  if (completed !== s.n || inRedis !== s.n) {
    throw new Error(`workerd processed ${completed} jobs (${inRedis} complete in Redis) of ${s.n}`);
  }
  await admin.flushAll();
  return { createMs, processMs };
}
