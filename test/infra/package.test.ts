// edgekue as a package: built and packed as `npm pack` does (its prepack), the tarball unpacked into the
// node_modules of a project of its own (test/infra/consumer/), and that project using it the way
// package.json's `exports` and `bin` offer it: plain Node importing every entry, Deno and Bun
// serving from theirs, tsc typechecking against the declarations, wrangler bundling a Worker run
// in workerd, and the bridge's bin in front of the test's Redis. The dependencies are the checkout's (symlinked), not downloaded.
import { execFile, spawn } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bootWorker, buildWorker } from '../../infra/build/workerd-bundle.js';
import { randomPrefix } from '../support/stack.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  exports: Record<string, unknown>;
};

let dir: string;
let installed: string;
let bridge: { url: string; stop(): Promise<number | null> } | undefined;
const booted: Miniflare[] = [];

/** The packed bridge's bin, run as a command, in front of the test's redis-server. */
async function startPackedBridge(token: string): Promise<typeof bridge & {}> {
  const child = spawn(
    join(dir, 'node_modules', 'edgekue', 'dist', 'infra', 'redis-http', 'cli.js'),
    ['--port', '0', '--redis-url', inject('redisUrl')],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, UPSTASH_REDIS_REST_TOKEN: token },
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('ready ')) resolve(line.slice('ready '.length));
    });
    child.once('exit', (code) => reject(new Error(`edgekue-redis-http exited with ${code}`)));
  });
  return {
    url,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgekue-consumer-'));
  // built as prepack builds it, but staged outside the checkout (its dist/ stays as it was)
  const stage = join(dir, 'stage');
  await run(process.execPath, [join(root, 'infra', 'build', 'package.mjs'), '--out', stage], {
    cwd: root,
  });
  const packed = await run(
    'npm',
    ['pack', '--ignore-scripts', '--pack-destination', dir, '--json'],
    {
      cwd: stage,
      env: { ...process.env, npm_config_loglevel: 'error' },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
  cpSync(join(root, 'test', 'infra', 'consumer'), dir, { recursive: true });
  mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
  await run('tar', ['-xzf', join(dir, filename), '-C', join(dir, 'node_modules')]);
  installed = join(dir, 'node_modules', 'edgekue');
  renameSync(join(dir, 'node_modules', 'package'), installed);
  // what `npm install` would put beside it: the package's dependencies (and @types/node for tsc)
  for (const name of [...Object.keys(pkg.dependencies), '@types/node']) {
    mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
    symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name), 'dir');
  }
  bridge = await startPackedBridge('consumer-bridge-token');
}, 120_000);

afterAll(async () => {
  for (const mf of booted) await mf.dispose();
  await bridge?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('asks for ranges of its dependencies, so a project shares one copy of hono, zod...', () => {
    // an exact pin beside a project's own hono installed a second copy, under which Hono's
    // route() sent every API error to the other copy's default handler (a text 500)
    for (const [name, spec] of Object.entries(pkg.dependencies)) {
      expect(spec, name).toMatch(/^\^\d+\.\d+\.\d+$/);
    }
  });

  it('holds every file package.json names, and the bin as a command', () => {
    const names = Object.values(pkg.exports).flatMap((e) =>
      typeof e === 'string' ? [e] : Object.values(e as Record<string, string>),
    );
    for (const name of names) expect(statSync(join(installed, name)).isFile(), name).toBe(true);
    const bin = statSync(join(installed, 'dist', 'infra', 'redis-http', 'cli.js'));
    expect(bin.mode & 0o111).not.toBe(0);
    // sources and tests stay out of the package
    expect(() => statSync(join(installed, 'core', 'index.ts'))).toThrow();
    expect(() => statSync(join(installed, 'test'))).toThrow();
  });

  it('works from plain Node: core, worker, http and node entries, through its own bridge', async () => {
    const prefix = randomPrefix('pkg');
    const { stdout } = await run(
      process.execPath,
      [join(dir, 'main.mjs'), bridge!.url, 'consumer-bridge-token', prefix],
      { cwd: dir },
    );
    expect(JSON.parse(stdout)).toEqual({
      run: { claimed: 1, completed: 1 },
      job: { state: 'complete', result: 'HELLO', priority: -10 },
      notFound: 'JOB_NOT_FOUND',
      api: { status: 200, state: 'complete' },
      dashboard: { status: 200, html: true },
      server: { status: 200, completeCount: 1 },
      withoutRegistry: expect.stringMatching(
        /^TypeError: startNodeServer\(\{ registry \}\) needs the handlers to run/,
      ),
      // the message shows the call as it is made (createWorker takes the registry itself)
      workerWithoutRegistry: expect.stringMatching(/^createWorker\(registry\) needs the handlers/),
      deepImport: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
    });
  }, 60_000);

  for (const [runtime, command, args] of [
    ['Deno', 'deno', ['run', '--allow-all', 'deno.mjs']],
    ['Bun', 'bun', ['bun.mjs']],
  ] as const) {
    it(`serves from ${runtime} (edgekue/${command}), running the registry's job on its wake-up`, async () => {
      const { stdout } = await run(
        join(root, 'node_modules', '.bin', command),
        [...args, bridge!.url, 'consumer-bridge-token', randomPrefix(`pkg${command}`)],
        { cwd: dir, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } },
      );
      expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({
        withoutRegistry: 'TypeError',
        job: { state: 'complete', result: 'FROM A SERVER' },
      });
    }, 60_000);
  }

  it("loads with require() from CommonJS, as Kue's users wrote", async () => {
    const { stdout } = await run(process.execPath, [join(dir, 'kue-style.cjs')], { cwd: dir });
    expect(JSON.parse(stdout)).toEqual([true, -10, [{ type: 'email', concurrency: 5 }]]);
  });

  it('typechecks a TypeScript project against its declarations', async () => {
    const tsc = join(root, 'node_modules', '.bin', 'tsc');
    const result = await run(tsc, ['-p', join(dir, 'tsconfig.json')], { cwd: dir }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    expect(result).toBe('');
  }, 120_000);

  it('bundles into a Worker of its own that runs its handlers in workerd', async () => {
    const script = await buildWorker({ config: join(dir, 'wrangler.toml') });
    const { mf, url } = await bootWorker(script, {
      UPSTASH_REDIS_REST_URL: bridge!.url,
      UPSTASH_REDIS_REST_TOKEN: 'consumer-bridge-token',
      EDGEKUE_PREFIX: randomPrefix('pkgw'),
    });
    booted.push(mf);
    const created = await fetch(new URL('/job', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'shout', data: { text: 'from workerd' } }),
    });
    expect(created.status).toBe(200);
    const { id } = (await created.json()) as { id: number };
    await (await mf.getWorker()).scheduled({ cron: '* * * * *' });
    const until = Date.now() + 15_000;
    let job: { state: string; result?: unknown } = { state: '' };
    while (Date.now() < until) {
      job = (await (await fetch(new URL(`/job/${id}`, url))).json()) as typeof job;
      if (job.state === 'complete') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(job).toMatchObject({ state: 'complete', result: 'FROM WORKERD' });
  }, 120_000);
});
