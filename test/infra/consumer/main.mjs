// A project of its own on the packed edgekue, installed in its node_modules, in plain Node (no
// TypeScript loader): what each entry point does, printed as JSON for test/infra/package.test.ts.
import { createQueue, Job, JobNotFound } from 'edgekue';
import { createApp, readConfig } from 'edgekue/http';
import { nodeRedis, startNodeServer } from 'edgekue/node';
import { HandlerRegistry, runWake } from 'edgekue/worker';

const [url, token, prefix] = process.argv.slice(2);
const env = {
  UPSTASH_REDIS_REST_URL: url,
  UPSTASH_REDIS_REST_TOKEN: token,
  EDGEKUE_PREFIX: prefix,
  EDGEKUE_AUTH_TOKEN: 'consumer-api-token-0123456789',
};
const out = {};

const queue = createQueue({ url, token }, { prefix });
const job = await queue.create('shout', { text: 'hello' }).priority('high').save();
const registry = new HandlerRegistry();
registry.process('shout', async (j) => j.data.text.toUpperCase());
const run = await runWake(queue, registry, { maxJobs: 5 });
out.run = { claimed: run.claimed, completed: run.completed };

// the same job through the Node client of edgekue/node
const read = await Job.get(createQueue({ redis: nodeRedis({ url, token }) }, { prefix }), job.id);
out.job = { state: read.state(), result: read.result, priority: read.priority() };
out.notFound = await queue.getJob(999_999_999).then(
  () => 'found',
  (error) => (error instanceof JobNotFound ? error.code : String(error)),
);

const app = createApp({ queue, config: readConfig(env) });
const bearer = { authorization: `Bearer ${env.EDGEKUE_AUTH_TOKEN}` };
const api = await app.request(`/job/${job.id}`, { headers: bearer });
out.api = { status: api.status, state: (await api.json()).state };
const page = await app.request('/', { headers: bearer });
out.dashboard = { status: page.status, html: (await page.text()).includes('</html>') };

const server = await startNodeServer({ env, port: 0, host: '127.0.0.1', registry, tick: false });
const stats = await fetch(`${server.url}/stats`, { headers: bearer });
out.server = { status: stats.status, completeCount: (await stats.json()).completeCount };
await server.close();

out.withoutRegistry = await Promise.resolve()
  .then(() => startNodeServer({ env, port: 0 }))
  .then(
    (s) => s.close().then(() => 'started'),
    (error) => `${error.name}: ${error.message}`,
  );
out.workerWithoutRegistry = await import('edgekue/cloudflare').then(({ createWorker }) => {
  try {
    createWorker();
    return 'created';
  } catch (error) {
    return error.message;
  }
});
out.deepImport = await import('edgekue/core/queue.js').then(
  () => 'imported',
  (error) => error.code,
);
await queue.close();
process.stdout.write(`${JSON.stringify(out)}\n`);
