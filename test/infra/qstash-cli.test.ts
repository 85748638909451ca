// `npm run qstash`: `ready <url>` and the four QSTASH_* lines on stdout, a publish through
// @upstash/qstash's Client delivered signed with the printed keys, and SIGTERM exits 0.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client, Receiver } from '@upstash/qstash';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

describe('qstash CLI', () => {
  it('prints its URL and keys, delivers a publish signed with them, and stops on SIGTERM', async () => {
    const child = spawn(
      join(root, 'node_modules', '.bin', 'tsx'),
      ['infra/qstash/cli.ts', '--port', '0', '--token', 'cli_qstash_token'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        // the keys come from the environment when no flag names them; the token flag wins
        env: { ...process.env, QSTASH_TOKEN: 'ignored', QSTASH_CURRENT_SIGNING_KEY: 'sig_env_cur' },
      },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    const bodies: string[] = [];
    let receiver: Receiver | undefined;
    const target = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', async () => {
        const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/hook`;
        const ok = await receiver!
          .verify({ signature: String(req.headers['upstash-signature']), body, url })
          .then(
            () => true,
            () => false,
          );
        bodies.push(`${ok ? 'signed' : 'UNSIGNED'} ${body}`);
        res.writeHead(200).end();
      });
    });
    try {
      await expect.poll(() => stdout.split('\n').length, { timeout: 20_000 }).toBeGreaterThan(5);
      const lines = stdout.trimEnd().split('\n');
      expect(lines[0], `stdout was ${JSON.stringify(stdout)}`).toMatch(
        /^ready http:\/\/127\.0\.0\.1:\d+$/,
      );
      const url = lines[0]!.slice('ready '.length);
      const vars = Object.fromEntries(
        lines.slice(1).map((l) => l.split('=', 2) as [string, string]),
      );
      expect(Object.keys(vars)).toEqual([
        'QSTASH_URL',
        'QSTASH_TOKEN',
        'QSTASH_CURRENT_SIGNING_KEY',
        'QSTASH_NEXT_SIGNING_KEY',
      ]);
      expect(vars.QSTASH_URL).toBe(url);
      expect(vars.QSTASH_TOKEN).toBe('cli_qstash_token');
      expect(vars.QSTASH_CURRENT_SIGNING_KEY).toBe('sig_env_cur');
      expect(vars.QSTASH_NEXT_SIGNING_KEY).toMatch(/^sig_[0-9a-f]{32}$/);

      receiver = new Receiver({
        currentSigningKey: vars.QSTASH_CURRENT_SIGNING_KEY!,
        nextSigningKey: vars.QSTASH_NEXT_SIGNING_KEY!,
      });
      await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
      const hook = `http://127.0.0.1:${(target.address() as AddressInfo).port}/hook`;
      const client = new Client({
        baseUrl: vars.QSTASH_URL!,
        token: vars.QSTASH_TOKEN!,
        enableTelemetry: false,
      });
      const published = await client.publishJSON({ url: hook, body: { wake: 'edgekue' } });
      expect(published.messageId).toMatch(/^msg_/);
      await expect.poll(() => bodies, { timeout: 5_000 }).toEqual(['signed {"wake":"edgekue"}']);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await expect(fetch(`${url}/__health`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await new Promise((r) => target.close(r));
    }
  });
});
