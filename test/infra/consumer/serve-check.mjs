// What the Deno and Bun consumers check: their package entry serves the API and runs a job of the
// registry's on its in-process wake-up, then closes.
import { HandlerRegistry } from 'edgekue/worker';

export async function serveCheck(start, [url, token, prefix]) {
  const registry = new HandlerRegistry().process('shout', async (job) =>
    job.data.text.toUpperCase(),
  );
  const env = {
    UPSTASH_REDIS_REST_URL: url,
    UPSTASH_REDIS_REST_TOKEN: token,
    EDGEKUE_PREFIX: prefix,
  };
  const out = {
    withoutRegistry: await Promise.resolve()
      .then(() => start({ env, port: 0 }))
      .then(
        (s) => s.close().then(() => 'started'),
        (error) => error.name,
      ),
  };
  const server = await start({ env, registry, port: 0, hostname: '127.0.0.1' });
  const res = await fetch(`${server.url}/job`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'shout', data: { text: 'from a server' } }),
  });
  const { id } = await res.json();
  let job = {};
  for (const until = Date.now() + 15_000; Date.now() < until; ) {
    job = await (await fetch(`${server.url}/job/${id}`)).json();
    if (job.state === 'complete') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await server.close();
  out.job = { state: job.state, result: job.result };
  return out;
}
