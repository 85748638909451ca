// What every server entry (Node, Deno, Bun) shares from functions/server-runtime.ts: where it
// listens, what a failed start prints, its signals, and a tick that cannot reach Redis saying so.
import { describe, expect, inject, it } from 'vitest';
import { ConfigError } from '../../functions/config.js';
import {
  createServerRuntime,
  listenAddress,
  onStopSignals,
  startFailure,
} from '../../functions/server-runtime.js';

describe('the server runtime', () => {
  it('listens on PORT and HOST: unset or empty is 3000 on loopback, anything else must be a port', () => {
    expect(listenAddress({})).toEqual({ port: 3000, hostname: '127.0.0.1' });
    expect(listenAddress({ PORT: '', HOST: '' })).toEqual({ port: 3000, hostname: '127.0.0.1' });
    expect(listenAddress({ PORT: '0', HOST: '::' })).toEqual({ port: 0, hostname: '::' });
    expect(listenAddress({ PORT: '65535' }).port).toBe(65_535);
    for (const bad of ['abc', '70000', '-1', '80.5', ' 80']) {
      expect(() => listenAddress({ PORT: bad })).toThrow(ConfigError);
      expect(() => listenAddress({ PORT: bad })).toThrow(/^PORT must be/);
    }
    expect(startFailure(new ConfigError('PORT must be ...'))).toBe(
      'edgekue: could not start: PORT must be ...',
    );
  });

  it('stops gracefully on the first signal and at once on the second, saying so', async () => {
    const lines: string[] = [];
    const exits: number[] = [];
    let finish = () => {};
    const stopping = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const onSignal = onStopSignals(
      () => stopping,
      (code) => exits.push(code),
      (line) => lines.push(line),
    );
    onSignal();
    expect(exits).toEqual([]);
    onSignal();
    expect(exits).toEqual([1]);
    expect(lines[1]).toMatch(/stopping now; jobs still running are retried/);
    finish();
    await stopping;
    await Promise.resolve();
    expect(exits).toEqual([1, 0]);
  });

  it('says once that its tick cannot reach Redis (a wrong token is otherwise silent)', async () => {
    const warnings: string[] = [];
    const runtime = createServerRuntime({
      env: {
        UPSTASH_REDIS_REST_URL: inject('bridgeUrl'),
        UPSTASH_REDIS_REST_TOKEN: 'not-the-token',
        EDGEKUE_BUDGET_MS: '200',
      },
      tickBudgetMs: 150,
      intervalMs: 50,
      log: { warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    });
    runtime.startTicking();
    const deadline = Date.now() + 10_000;
    while (warnings.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    // several ticks fail meanwhile: one line, not one per tick
    await new Promise((r) => setTimeout(r, 600));
    await runtime.stop();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/the cron tick cannot reach Redis: .+/);
  });
});
