// The bench's edgekue client as a Worker: creates or processes the workload inside workerd,
// through the Workers build of @upstash/redis, as a deployed producer and worker would.
// POST /create?mode&n&batchSize&concurrency, POST /process?mode&concurrency&maxJobs&lanes.
import { Redis } from '@upstash/redis/cloudflare';
import { createQueue } from '../../core/index.js';
import { benchQueueOptions, createJobs, drain, type EdgekueMode, registryFor } from './runs.js';

interface Env {
  BRIDGE_URL: string;
  BRIDGE_TOKEN: string;
}

function count(url: URL, name: string): number {
  const value = Number(url.searchParams.get(name));
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const mode: EdgekueMode = url.searchParams.get('mode') === 'single' ? 'single' : 'batch';
    // As bench/edgekue/client.ts opens a queue: auto-pipelining on, the same queue options.
    const redis = new Redis({
      url: env.BRIDGE_URL,
      token: env.BRIDGE_TOKEN,
      enableAutoPipelining: true,
    });
    const queue = createQueue({ redis }, benchQueueOptions());
    const concurrency = count(url, 'concurrency');
    try {
      if (url.pathname === '/create') {
        const n = count(url, 'n');
        await createJobs(queue, mode, { n, batchSize: count(url, 'batchSize'), concurrency });
        return Response.json({ created: n });
      }
      if (url.pathname === '/process') {
        const registry = registryFor(mode, concurrency, { onStart: () => {} });
        const completed = await drain(queue, registry, count(url, 'maxJobs'), count(url, 'lanes'));
        return Response.json({ completed });
      }
      return Response.json({ error: 'not found' }, { status: 404 });
    } catch (error) {
      return Response.json({ error: String(error) }, { status: 500 });
    }
  },
};
