// functions/vercel.ts as Vercel's Node.js runtime runs a Web handler: the template entry
// (infra/deploy/vercel/api/index.ts, placed one folder below the root as on Vercel) is imported and
// called with Requests, and Vercel's request context, through which @vercel/functions' waitUntil
// reaches the platform, is stood in for by a recorder of the promises it is handed.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createQueue } from '../../core/index.js';
import { createdSchema, jobSchema, statsSchema } from '../../functions/api/schema.js';
import { vercelFunction } from '../../functions/vercel.js';
import { testRedis } from '../support/stack.js';

const root = join(import.meta.dirname, '..', '..');
const template = join(root, 'infra', 'deploy', 'vercel');
const prefix = `vercel-${randomBytes(5).toString('hex')}`;
const token = `t-${randomBytes(8).toString('hex')}`;
const cronSecret = `c-${randomBytes(12).toString('hex')}`;

/** Vercel's runtime publishes each request's context under this symbol (@vercel/functions reads it). */
const REQUEST_CONTEXT = Symbol.for('@vercel/request-context');
const background: Promise<unknown>[] = [];
const placed = join(root, `.vercel-test-${randomBytes(4).toString('hex')}`);

let handler: { fetch(request: Request): Promise<Response> };

beforeAll(async () => {
  Object.assign(process.env, {
    UPSTASH_REDIS_REST_URL: inject('bridgeUrl'),
    UPSTASH_REDIS_REST_TOKEN: inject('bridgeToken'),
    EDGEKUE_PREFIX: prefix,
    EDGEKUE_AUTH_TOKEN: token,
    CRON_SECRET: cronSecret,
    EDGEKUE_BUDGET_MS: '3000',
  });
  (globalThis as Record<symbol, unknown>)[REQUEST_CONTEXT] = {
    get: () => ({ waitUntil: (p: Promise<unknown>) => background.push(p) }),
  };
  // one folder below the root, where Vercel has it, so its relative import resolves the same way
  // (a folder of its own, removed afterwards)
  mkdirSync(placed);
  copyFileSync(join(template, 'api', 'index.ts'), join(placed, 'index.ts'));
  handler = (await import(join(placed, 'index.ts'))).default;
});

afterAll(async () => {
  rmSync(placed, { recursive: true, force: true });
  await Promise.allSettled(background);
  const redis = testRedis();
  const keys = await redis.keys(`*${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
});

const call = (path: string, init: RequestInit = {}, auth = `Bearer ${token}`) =>
  handler.fetch(
    new Request(`https://edgekue.vercel.app${path}`, {
      ...init,
      headers: { authorization: auth, 'content-type': 'application/json', ...init.headers },
    }),
  );

async function settled(): Promise<void> {
  while (background.length > 0) await Promise.all(background.splice(0));
}

describe('functions on Vercel', () => {
  it('serves the API and the dashboard to configured credentials only', async () => {
    const stats = await call('/stats');
    expect(stats.status).toBe(200);
    statsSchema.parse(await stats.json());
    // no caller of a Vercel Function is loopback: without credentials it is refused
    expect((await call('/stats', {}, '')).status).toBe(401);
    const page = await call('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    // a path it does not serve (the function deployed without the rewrite of every path) is JSON
    const unknown = await call('/api/stats');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: expect.stringContaining('/api/stats') });
  });

  it("runs a created job in Vercel's waitUntil", async () => {
    const created = await call('/job', {
      method: 'POST',
      body: JSON.stringify({ type: 'email', data: { to: 'tj@example.com' } }),
    });
    const { id } = createdSchema.parse(await created.json());
    expect(background.length).toBeGreaterThan(0);
    await settled();
    const job = jobSchema.parse(await (await call(`/job/${id}`)).json());
    expect(job.state).toBe('complete');
  });

  it('runs the cron tick on GET /cron with CRON_SECRET, and only with it', async () => {
    // a due delayed job that woke nobody: only a tick promotes it
    const behind = createQueue(
      { url: inject('bridgeUrl'), token: inject('bridgeToken') },
      { prefix },
    );
    const job = await behind.create('email', { to: 'ann@example.com' }).delay(1).save();
    await behind.close();
    await new Promise((r) => setTimeout(r, 20));

    expect((await call('/cron', {}, '')).status).toBe(401);
    expect((await call('/cron', {}, `Bearer ${token}`)).status).toBe(401);
    expect(jobSchema.parse(await (await call(`/job/${job.id}`)).json()).state).toBe('delayed');

    const tick = await call('/cron', {}, `Bearer ${cronSecret}`);
    expect(tick.status).toBe(200);
    const result = (await tick.json()) as { promoted: number; completed: number };
    expect(result.promoted).toBeGreaterThanOrEqual(1);
    expect(result.completed).toBeGreaterThanOrEqual(1);
    await settled();
    expect(jobSchema.parse(await (await call(`/job/${job.id}`)).json()).state).toBe('complete');
  });

  it('without auth configured, refuses every caller, saying what to set (none is local here)', async () => {
    const warned: unknown[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => warned.push(...args);
    try {
      const open = vercelFunction({
        env: () => ({
          UPSTASH_REDIS_REST_URL: inject('bridgeUrl'),
          UPSTASH_REDIS_REST_TOKEN: inject('bridgeToken'),
          EDGEKUE_PREFIX: prefix,
        }),
      });
      const res = await open.fetch(
        new Request('https://edgekue.vercel.app/stats', {
          headers: { 'x-forwarded-for': '127.0.0.1' },
        }),
      );
      expect(res.status).toBe(403);
      const { error } = (await res.json()) as { error: string };
      expect(error).toContain('EDGEKUE_AUTH_TOKEN');
      expect(error).not.toContain('this machine');
    } finally {
      console.warn = original;
    }
    expect(warned.join(' ')).toContain('no caller of this deployment is local');
  });

  it('answers 500 naming nothing while a variable is bad, and logs which', async () => {
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => logged.push(...args);
    try {
      const broken = vercelFunction({ env: () => ({ UPSTASH_REDIS_REST_URL: 'redis://x:1' }) });
      const res = await broken.fetch(new Request('https://edgekue.vercel.app/stats'));
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({
        error: "edgekue is not configured: see the function's log",
      });
    } finally {
      console.error = original;
    }
    expect(logged.join(' ')).toMatch(/UPSTASH_REDIS_REST_URL: must be an http\(s\) URL/);
  });

  it('ships a vercel.json that sends every path, and the cron, to that entry', () => {
    const config = JSON.parse(readFileSync(join(template, 'vercel.json'), 'utf8')) as {
      rewrites: { source: string; destination: string }[];
      crons: { path: string; schedule: string }[];
      functions: Record<string, unknown>;
    };
    expect(config.rewrites).toEqual([{ source: '/(.*)', destination: '/api' }]);
    expect(config.crons.map((c) => c.path)).toEqual(['/cron']);
    expect(Object.keys(config.functions)).toEqual(['api/index.ts']);
  });
});
