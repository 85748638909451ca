// The packed edgekue's type declarations, as a TypeScript project of its own sees them (tsc with
// nodenext resolution, strict). Each @ts-expect-error must meet an error: were the declarations
// missing (every import `any`), they would not, and tsc fails.
import { createQueue, Job } from 'edgekue';
import { startBunServer } from 'edgekue/bun';
import { createWorker, type EdgekueWorker } from 'edgekue/cloudflare';
import { startDenoServer } from 'edgekue/deno';
import { createApp } from 'edgekue/http';
import { startNodeServer } from 'edgekue/node';
import { startBridge } from 'edgekue/redis-http';
import { vercelFunction } from 'edgekue/vercel';
import { HandlerRegistry } from 'edgekue/worker';

const queue = createQueue({ url: 'http://127.0.0.1:8079', token: 't' }, { prefix: 'app' });
const registry = new HandlerRegistry();
registry.process('email', 10, async (job: Job) => ({ to: job.data }));

export const worker: EdgekueWorker = createWorker(registry);
export const saved: Promise<Job> = queue.create('email', { to: 'a@example.com' }).save();
export const app = createApp;
export const bridge = startBridge;
export const vercel = vercelFunction({ registry });
export const deno = () => startDenoServer({ registry, port: 0 });
export const bun = () => startBunServer({ registry, port: 0 });

// the data's shape, as the creating and the handling code say it (unchecked at run time)
interface Welcome {
  to: string;
}
registry.process<Welcome>('welcome', async (job) => job.data.to.toUpperCase());
registry.process<Welcome>('welcome-kue', 2, (job, done) => done(null, job.data.to.length));
// @ts-expect-error: a Welcome has no `from`
registry.process<Welcome>('welcome-typo', async (job) => job.data.from);
export const welcome: Job<Welcome> = queue.create<Welcome>('welcome', { to: 'a@example.com' });
// @ts-expect-error: the data must be a Welcome
queue.create<Welcome>('welcome', { from: 'a@example.com' });
export const fetched: Promise<Job<Welcome>> = Job.get<Welcome>(queue, 1);
export const saved2: Promise<Job<Welcome>> = welcome.priority('high').save();

// @ts-expect-error: a platform entry needs the registry of handlers it runs
startNodeServer({ port: 0 });
// @ts-expect-error: priority takes a name or a number
queue.create('email', {}).priority(true);
