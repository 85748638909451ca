// The deployment's worker settings: defaults, values from the environment's strings, and a
// refusal that names the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, invocationOptions, readConfig } from '../../functions/config.js';

const base = { UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:1', UPSTASH_REDIS_REST_TOKEN: 't' };

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
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(() => readConfig({ ...base, [name]: value })).toThrow(ConfigError);
    expect(() => readConfig({ ...base, [name]: value })).toThrow(name);
  });
});
