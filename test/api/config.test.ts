// The deployment's worker settings: defaults, values from the environment's strings, and a
// refusal that names the variable.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { queueOptionsSchema } from '../../core/index.js';
import {
  ConfigError,
  configWarnings,
  envSchema,
  invocationOptions,
  queueOptions,
  readConfig,
  workerCalls,
} from '../../functions/config.js';
import { createServerRuntime } from '../../functions/server-runtime.js';

const base = { UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:1', UPSTASH_REDIS_REST_TOKEN: 't' };

/** A bad value stops the start with a ConfigError whose line names the variable. */
function refusesNaming(name: string, value: string): void {
  expect(() => readConfig({ ...base, [name]: value })).toThrow(ConfigError);
  expect(() => readConfig({ ...base, [name]: value })).toThrow(`${name}: `);
}

describe('worker settings', () => {
  it('defaults to 10 jobs per call in one lane', () => {
    expect(invocationOptions(readConfig(base))).toEqual({
      budgetMs: 25_000,
      leaseMs: 30_000,
      maxJobs: 10,
      lanes: 1,
    });
  });

  it('reads EDGEKUE_MAX_JOBS and EDGEKUE_LANES from strings', () => {
    const c = readConfig({ ...base, EDGEKUE_MAX_JOBS: '100', EDGEKUE_LANES: '2' });
    expect(invocationOptions(c)).toMatchObject({ maxJobs: 100, lanes: 2 });
  });

  it.each([
    ['EDGEKUE_LANES', '0'],
    ['EDGEKUE_LANES', 'two'],
    ['EDGEKUE_MAX_JOBS', '2.5'],
    ['EDGEKUE_MAX_JOBS', '5000'],
    ['EDGEKUE_MAX_CALLS', 'lots'],
    ['EDGEKUE_MAX_CALLS', '0'],
  ])('refuses %s=%s, naming it', refusesNaming);

  it("gives a Worker invocation 900 script calls, or EDGEKUE_MAX_CALLS (the plan's subrequests)", () => {
    expect(workerCalls(readConfig(base))).toBe(900);
    expect(workerCalls(readConfig({ ...base, EDGEKUE_MAX_CALLS: '45' }))).toBe(45);
    expect(workerCalls(readConfig({ ...base, EDGEKUE_MAX_CALLS: '9000' }))).toBe(9000);
  });

  it('refuses calls too few to claim with the jobs and lanes set, naming EDGEKUE_MAX_CALLS', () => {
    // 10 jobs in one lane need 21: the calls to ack and keep them, and the claim
    expect(() => readConfig({ ...base, EDGEKUE_MAX_CALLS: '20' })).toThrow(/EDGEKUE_MAX_CALLS: /);
    expect(() => readConfig({ ...base, EDGEKUE_MAX_CALLS: '21' })).not.toThrow();
    const wide = { ...base, EDGEKUE_MAX_JOBS: '100', EDGEKUE_LANES: '16' };
    expect(() => readConfig({ ...wide, EDGEKUE_MAX_CALLS: '1000' })).toThrow(/at least 1611/);
    // unset, the Worker's default is checked where the Worker starts
    expect(() => workerCalls(readConfig(wide))).toThrow(
      /EDGEKUE_MAX_CALLS: 900 \(unset: a Worker's default\) calls are too few .* at least 1611/,
    );
  });
});

describe('the Redis endpoint and empty vars', () => {
  it('says a missing URL or token is required, and refuses a URL that is not http(s)', () => {
    expect(() => readConfig({})).toThrow(/UPSTASH_REDIS_REST_URL: is required/);
    expect(() => readConfig({})).toThrow(/UPSTASH_REDIS_REST_TOKEN: is required/);
    refusesNaming('UPSTASH_REDIS_REST_URL', 'redis://127.0.0.1:6379');
    refusesNaming('UPSTASH_REDIS_REST_URL', 'not a url');
    // URL parsing forgives a scheme in capitals; @upstash/redis refuses it (echoing the URL) at the
    // first call (spaces around a variable are trimmed: they never reach it)
    refusesNaming('UPSTASH_REDIS_REST_URL', 'HTTPS://x.upstash.io');
    expect(readConfig({ ...base, UPSTASH_REDIS_REST_URL: 'https://x.upstash.io' })).toMatchObject({
      UPSTASH_REDIS_REST_URL: 'https://x.upstash.io',
    });
  });

  it("reads every empty var as unset, as a .env template's NAME= leaves them", () => {
    const empty = Object.fromEntries(
      Object.keys(envSchema.shape)
        .filter((name) => !name.startsWith('UPSTASH_REDIS_REST_'))
        .map((name) => [name, '']),
    );
    expect(readConfig({ ...base, ...empty })).toEqual(readConfig(base));
  });
});

describe('the Redis timeout', () => {
  it('gives each Redis request 10 s, or EDGEKUE_REDIS_TIMEOUT_MS', () => {
    expect(readConfig(base).EDGEKUE_REDIS_TIMEOUT_MS).toBe(10_000);
    expect(readConfig({ ...base, EDGEKUE_REDIS_TIMEOUT_MS: '2500' }).EDGEKUE_REDIS_TIMEOUT_MS).toBe(
      2_500,
    );
  });

  it.each([
    ['EDGEKUE_REDIS_TIMEOUT_MS', 'soon'],
    ['EDGEKUE_REDIS_TIMEOUT_MS', '0'],
    ['EDGEKUE_REDIS_TIMEOUT_MS', '99'],
    ['EDGEKUE_REDIS_TIMEOUT_MS', '1.5'],
    ['EDGEKUE_REDIS_TIMEOUT_MS', '600001'],
  ])('refuses %s=%s, naming it', refusesNaming);
});

describe('wake-up settings', () => {
  const qstash = {
    ...base,
    QSTASH_TOKEN: 'qstash-token',
    EDGEKUE_WORKER_URL: 'https://edgekue.example.workers.dev/work',
  };
  const keys = { QSTASH_CURRENT_SIGNING_KEY: 'sig_current', QSTASH_NEXT_SIGNING_KEY: 'sig_next' };

  it('refuses QStash wake-ups without both signing keys: its deliveries could not be verified', () => {
    expect(() => readConfig(qstash)).toThrow(ConfigError);
    expect(() => readConfig(qstash)).toThrow(
      /QSTASH_CURRENT_SIGNING_KEY, QSTASH_NEXT_SIGNING_KEY: required with QSTASH_TOKEN and EDGEKUE_WORKER_URL/,
    );
    const { QSTASH_NEXT_SIGNING_KEY: _, ...current } = keys;
    expect(() => readConfig({ ...qstash, ...current })).toThrow(/\n {2}QSTASH_NEXT_SIGNING_KEY: /);
    // a worker secret does not help: QStash does not send it
    expect(() => readConfig({ ...qstash, EDGEKUE_WORKER_SECRET: 'w'.repeat(16) })).toThrow(
      ConfigError,
    );
    expect(readConfig({ ...qstash, ...keys })).toMatchObject(keys);
  });

  it('refuses an EDGEKUE_WORKER_URL whose path does not end in /work', () => {
    refusesNaming('EDGEKUE_WORKER_URL', 'https://edgekue.example.workers.dev');
    refusesNaming('EDGEKUE_WORKER_URL', 'https://edgekue.example.workers.dev/stats');
    // not a URL at all (a scheme left out): the variable named, not a TypeError from the check
    refusesNaming('EDGEKUE_WORKER_URL', 'edgekue.example.workers.dev/work');
    refusesNaming('EDGEKUE_WORKER_URL', 'not a url');
    refusesNaming('EDGEKUE_WORKER_URL', 'https://edgekue.example.workers.dev/worker');
    expect(() => readConfig({ ...base, EDGEKUE_WORKER_URL: 'https://x.dev' })).toThrow(
      /path ending in \/work/,
    );
    for (const url of ['https://x.dev/work', 'https://x.dev/work/', 'https://x.dev/kue/work']) {
      expect(readConfig({ ...base, EDGEKUE_WORKER_URL: url }).EDGEKUE_WORKER_URL).toBe(url);
    }
  });

  it('warns, once per process, of a QSTASH_TOKEN without EDGEKUE_WORKER_URL (QStash unused)', () => {
    const lonely = { ...base, QSTASH_TOKEN: 'qstash-token' };
    expect(configWarnings(readConfig(lonely))).toEqual([
      expect.stringMatching(/QSTASH_TOKEN is set without EDGEKUE_WORKER_URL/),
    ]);
    expect(configWarnings(readConfig(base))).toEqual([]);
    expect(configWarnings(readConfig({ ...qstash, ...keys }))).toEqual([]);
    const warned: string[] = [];
    const runtime = createServerRuntime({
      env: lonely,
      tick: false,
      log: { warn: (m) => warned.push(m), error: (m) => warned.push(m) },
    });
    expect(warned).toEqual(configWarnings(readConfig(lonely)));
    expect(runtime.wakeMode).toBe('in-process');
    return runtime.stop();
  });
});

describe('queue options', () => {
  const all = {
    EDGEKUE_PREFIX: 'shop',
    EDGEKUE_DISABLE_SEARCH: '1',
    EDGEKUE_JOB_EVENTS: 'false',
    EDGEKUE_EVENTS_MAX: '500',
    EDGEKUE_MAX_DATA_BYTES: '2048',
    EDGEKUE_MAX_LOG_LINES: '3',
    EDGEKUE_MAX_INTERRUPTIONS: '0',
    EDGEKUE_MAX_SEARCH_RESULTS: '50',
    EDGEKUE_KEEP_COMPLETE: '1000',
    EDGEKUE_KEEP_FAILED: '0',
    EDGEKUE_KEEP_COMPLETE_MS: '86400000',
    EDGEKUE_KEEP_FAILED_MS: '604800000',
  };

  it("leaves what is unset (or set empty) to core's defaults", () => {
    expect(queueOptions(readConfig(base))).toEqual({ prefix: 'q' });
    expect(
      queueOptions(readConfig({ ...base, EDGEKUE_JOB_EVENTS: '', EDGEKUE_MAX_LOG_LINES: '' })),
    ).toEqual({
      prefix: 'q',
    });
  });

  it('reads every queue option from its var', () => {
    const options = queueOptions(readConfig({ ...base, ...all }));
    expect(options).toEqual({
      prefix: 'shop',
      disableSearch: true,
      jobEvents: false,
      eventsMax: 500,
      maxDataBytes: 2048,
      maxLogLines: 3,
      maxInterruptions: 0,
      maxSearchResults: 50,
      keepComplete: 1000,
      keepFailed: 0,
      keepCompleteMs: 86_400_000,
      keepFailedMs: 604_800_000,
    });
    // A queue option added to core without a var fails here.
    expect(Object.keys(options).sort()).toEqual(Object.keys(queueOptionsSchema.shape).sort());
  });

  it.each([
    ['EDGEKUE_DISABLE_SEARCH', 'yes'],
    ['EDGEKUE_JOB_EVENTS', 'flase'],
    ['EDGEKUE_EVENTS_MAX', '5'],
    ['EDGEKUE_MAX_DATA_BYTES', '1.5'],
    ['EDGEKUE_MAX_LOG_LINES', '0'],
    ['EDGEKUE_MAX_INTERRUPTIONS', '-1'],
    ['EDGEKUE_MAX_INTERRUPTIONS', '1001'],
    ['EDGEKUE_MAX_SEARCH_RESULTS', 'many'],
    ['EDGEKUE_MAX_SEARCH_RESULTS', '2000000'],
    ['EDGEKUE_PREFIX', 'my queue'],
    ['EDGEKUE_KEEP_COMPLETE', '-1'],
    ['EDGEKUE_KEEP_FAILED_MS', '1.5'],
    ['EDGEKUE_KEEP_COMPLETE_MS', '9999999999999999'],
  ])('refuses %s=%s, naming it', refusesNaming);
});

describe('the configuration table', () => {
  it('in functions/README.md lists every variable', () => {
    const readme = readFileSync(new URL('../../functions/README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('Tests: '));
    const rows = section.split('\n').filter((line) => line.startsWith('| `'));
    const missing = Object.keys(envSchema.shape).filter(
      (name) => !rows.some((row) => row.split('|')[1]?.includes(`\`${name}\``)),
    );
    expect(missing).toEqual([]);
  });
});
