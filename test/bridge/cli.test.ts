// `npm run redis-http`: one `ready <url>` line on stdout, serves, and SIGTERM leaves nothing behind.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pingRedis } from '../../infra/redis-server/ping.js';

const root = join(import.meta.dirname, '..', '..');

describe('redis-http CLI', () => {
  it('prints one ready line, serves with its throwaway Redis, and stops both on SIGTERM', async () => {
    const child = spawn(
      join(root, 'node_modules', '.bin', 'tsx'),
      ['infra/redis-http/cli.ts', '--port', '0', '--token', 'cli_token'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, REDIS_URL: '' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    try {
      await expect.poll(() => stdout, { timeout: 20_000 }).toMatch(/\n$/);
      const match = /^ready (http:\/\/127\.0\.0\.1:(\d+))\n$/.exec(stdout);
      expect(match, `stdout was ${JSON.stringify(stdout)}`).not.toBeNull();
      const url = match![1]!;
      expect(Number(match![2])).toBeGreaterThan(0);

      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: 'Bearer cli_token' },
        body: '["ping"]',
      });
      expect(await res.json()).toEqual({ result: 'PONG' });

      const redisPort = Number(/redis:\/\/127\.0\.0\.1:(\d+)/.exec(stderr)?.[1]);
      expect(redisPort).toBeGreaterThan(0);
      expect(await pingRedis('127.0.0.1', redisPort)).toBe(true);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await pingRedis('127.0.0.1', redisPort)).toBe(false);
      expect(stdout.split('\n').filter(Boolean)).toHaveLength(1);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
