import { expect } from 'vitest';
import { errorSchema, maxBatch } from '../../functions/api/schema.js';
import type { Send } from './cases.js';

/**
 * Malformed requests of every kind: each answers 4xx with a JSON `{error}` and leaves Redis
 * byte-for-byte as it was (every key under the prefix DUMPed and hashed before and after).
 */
export interface Bad {
  method: string;
  path: string;
  /** A JSON value to send, or raw text when `raw` is set. */
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  status: number;
  /** What the error message must say (it names the field at fault). */
  error?: RegExp;
}

const long = 'x'.repeat(201);
const opt = (options: unknown): Bad => ({
  method: 'POST',
  path: '/job',
  body: { type: 'a', options },
  status: 400,
  error: /^options/,
});
const job = (body: unknown, error?: RegExp, status = 400): Bad => ({
  method: 'POST',
  path: '/job',
  body,
  status,
  error,
});
const rawJob = (raw: string, error?: RegExp, status = 400): Bad => ({
  method: 'POST',
  path: '/job',
  raw,
  status,
  error,
});
const get = (path: string, error?: RegExp, status = 400): Bad => ({
  method: 'GET',
  path,
  status,
  error,
});
let nested = '1';
for (let i = 0; i < 100; i++) nested = `[${nested}]`;

export const badCases: Bad[] = [
  // ids that are not positive integers
  get('/job/abc', /^id: must be a positive integer/),
  get('/job/-1', /^id:/),
  get('/job/0', /^id:/),
  get('/job/1.5', /^id:/),
  get('/job/1e3', /^id:/),
  get('/job/0x10', /^id:/),
  get('/job/00012', /^id:/),
  get('/job/9999999999999999', /^id:/),
  get('/job/%20', /^id:/),
  get('/job/abc/log', /^id:/),
  get('/job/-5/log', /^id:/),
  { method: 'DELETE', path: '/job/abc', status: 400, error: /^id:/ },
  { method: 'DELETE', path: '/job/-1', status: 400, error: /^id:/ },
  { method: 'DELETE', path: '/job/0', status: 400, error: /^id:/ },
  { method: 'PUT', path: '/job/abc/state/inactive', status: 400, error: /^id:/ },
  { method: 'PUT', path: '/job/1.0/state/complete', status: 400, error: /^id:/ },
  { method: 'PUT', path: '/job/abc/priority/high', status: 400, error: /^id:/ },
  get('/inactive/abc', /^id:/),
  get('/inactive/-3', /^id:/),
  { method: 'POST', path: '/jobs/0/retry', status: 400, error: /^id:/ },
  { method: 'POST', path: '/jobs/0007/retry', status: 400, error: /^id:/ },
  // unknown states
  { method: 'PUT', path: '/job/1/state/done', status: 400, error: /^state: must be one of/ },
  { method: 'PUT', path: '/job/1/state/INACTIVE', status: 400, error: /^state:/ },
  { method: 'PUT', path: '/job/1/state/%00', status: 400, error: /^state:/ },
  get('/jobs/done/0..5', /^state:/),
  get('/jobs/email/done/0..5', /^state:/),
  get('/jobs/email/done/stats', /^state:/),
  {
    method: 'POST',
    path: '/jobs/done/retry',
    status: 400,
    error: /^state: "done" is neither a job id nor a state/,
  },
  { method: 'POST', path: '/jobs/-1/retry', status: 400, error: /^state:/ },
  { method: 'DELETE', path: '/jobs/done', status: 400, error: /^state:/ },
  { method: 'DELETE', path: '/jobs/__proto__', status: 400, error: /^state:/ },
  { method: 'POST', path: '/jobs/constructor/retry', status: 400, error: /^state:/ },
  // unknown priorities
  { method: 'PUT', path: '/job/1/priority/urgent', status: 400, error: /^priority: must be/ },
  { method: 'PUT', path: '/job/1/priority/1.5', status: 400, error: /^priority:/ },
  { method: 'PUT', path: '/job/1/priority/99999999', status: 400, error: /^priority:/ },
  { method: 'PUT', path: '/job/1/priority/-2000000', status: 400, error: /^priority:/ },
  { method: 'PUT', path: '/job/1/priority/NaN', status: 400, error: /^priority:/ },
  { method: 'PUT', path: '/job/1/priority/Infinity', status: 400, error: /^priority:/ },
  { method: 'PUT', path: '/job/1/priority/%20high', status: 400, error: /^priority:/ },
  { method: 'PUT', path: `/job/1/priority/${long}`, status: 400, error: /^priority:/ },
  // negative, reversed, huge and malformed ranges
  get('/jobs/-1..5', /^from:/),
  get('/jobs/0..-1', /^to:/),
  get('/jobs/5..1', /^to: must not be below from/),
  get('/jobs/0..1000', /^to: a range holds at most/),
  get('/jobs/0..99999999999', /^to:/),
  get('/jobs/a..b', /^from:/),
  get('/jobs/1.5..3', /^from:/),
  get('/jobs/..5', /^from:/),
  get('/jobs/0..', /^to:/),
  get('/jobs/0...5', /^to:/),
  get('/jobs/0..5/up', /^order: must be asc or desc/),
  get('/jobs/inactive/0..5/ASC', /^order:/),
  get('/jobs/inactive/-10..-1', /^from:/),
  get('/jobs/email/inactive/0..5000', /^to:/),
  get('/jobs/email/inactive/3..2/desc', /^to:/),
  // type names that are too long or hold control characters
  get(`/jobs/${long}/inactive/stats`, /^type:/),
  get(`/jobs/${long}/inactive/0..5`, /^type:/),
  get('/jobs/a%01b/inactive/0..5', /^type:/),
  { method: 'POST', path: `/types/${long}/pause`, status: 400, error: /^type:/ },
  { method: 'POST', path: '/types/a%0Ab/resume', status: 400, error: /^type:/ },
  { method: 'POST', path: `/jobs/failed/retry?type=${long}`, status: 400, error: /^type:/ },
  { method: 'DELETE', path: '/jobs/complete?type=%07', status: 400, error: /^type:/ },
  // query strings
  get('/throughput?minutes=0', /^minutes:/),
  get('/throughput?minutes=-5', /^minutes:/),
  get('/throughput?minutes=abc', /^minutes:/),
  get('/throughput?minutes=1441', /^minutes:/),
  get('/throughput?minutes=100000', /^minutes: .*1440/),
  get('/throughput?minutes=1.5', /^minutes:/),
  get(`/job/search?q=${'w'.repeat(2001)}`, /^q: .*2,000/),
  // 33 distinct words: using 32 of them would widen the search
  get(
    `/job/search?q=${Array.from({ length: 33 }, (_, i) => `w${i}`).join('+')}`,
    /^q has 33 distinct words.*\(32\)/,
  ),
  get('/jobs/99999999999999..99999999999999', /^from: .*999999999/),
  get('/job/search?q=welcome&state=done', /^state:/),
  get(`/job/search?q=welcome&type=${long}`, /^type:/),
  get('/events?since=abc', /^since:/),
  get('/events?since=1-2-3', /^since:/),
  get('/events?since=99999999999999999999999', /^since:/),
  get('/events?since=1234567890123456-0', /^since:/),
  get(`/events?type=${long}`, /^type:/),
  {
    method: 'GET',
    path: '/events',
    headers: { 'last-event-id': 'x' },
    status: 400,
    error: /^last-event-id:/,
  },
  // pause bodies
  {
    method: 'POST',
    path: '/types/email/pause',
    body: { ms: -1 },
    status: 400,
    error: /^ms:/,
  },
  {
    method: 'POST',
    path: '/types/email/pause',
    body: { ms: 'soon' },
    status: 400,
    error: /^ms:/,
  },
  {
    method: 'POST',
    path: '/types/email/pause',
    body: { ms: 1.5 },
    status: 400,
    error: /^ms:/,
  },
  {
    method: 'POST',
    path: '/types/email/pause',
    body: { ms: 1, x: 1 },
    status: 400,
    error: /^x: is not a known field/,
  },
  { method: 'POST', path: '/types/email/pause', body: [1, 2], status: 400, error: /^body/ },
  {
    method: 'POST',
    path: '/types/email/pause',
    raw: '{"ms":',
    status: 400,
    error: /^body is not valid JSON/,
  },
  {
    method: 'POST',
    path: '/types/email/pause',
    raw: '{"__proto__":{"ms":5}}',
    status: 400,
    error: /__proto__/,
  },
  {
    method: 'POST',
    path: '/types/email/pause',
    raw: 'ms=5',
    headers: { 'content-type': 'text/plain' },
    status: 415,
  },
  // invalid JSON and bodies that are not jobs
  rawJob('{', /^body is not valid JSON/),
  rawJob('{"type": "a",}', /^body is not valid JSON/),
  rawJob('[1, 2', /^body is not valid JSON/),
  rawJob("{'type': 'a'}", /^body is not valid JSON/),
  rawJob('null', /^body: must be a job object/),
  rawJob('"a string"', /^body: must be a job object/),
  rawJob('42', /^body: must be a job object/),
  rawJob('true', /^body: must be a job object/),
  rawJob('{"type":"a","data":1e400}', /^data: number out of range/),
  rawJob(`{"type":"a","data":${nested}}`, /nested deeper than 64 levels/),
  // missing or malformed fields
  job({ type: '' }, /^Must provide job type$/),
  job({ type: null }, /^Must provide job type$/),
  job({ data: {} }, /^Must provide job type$/),
  job({ type: 5 }, /^type:/),
  job({ type: ['a'] }, /^type:/),
  job({ type: {} }, /^type:/),
  job({ type: long }, /^type: must be at most 200/),
  job({ type: 'a\u0000b' }, /^type:/),
  opt({ priority: 'urgent' }),
  opt({ priority: 1.5 }),
  opt({ priority: 5_000_000 }),
  opt({ priority: true }),
  opt({ attempts: 0 }),
  opt({ attempts: -1 }),
  opt({ attempts: 'many' }),
  opt({ attempts: 1.5 }),
  opt({ delay: -5 }),
  opt({ delay: 'later' }),
  opt({ ttl: 0 }),
  opt({ backoff: 'sometimes' }),
  opt({ backoff: { type: 'random' } }),
  opt({ backoff: { type: 'fixed', delay: -1 } }),
  opt({ searchKeys: [1, 2] }),
  opt({ searchKeys: '' }),
  opt({ removeOnComplete: 'yes' }),
  opt({ unique: '' }),
  opt({ unknownOption: 1 }),
  // the message says what is wanted, not zod's generic words
  job({ type: 'a', options: { priority: -5.5 } }, /^options\.priority: must be low, normal/),
  job({ type: 'a', options: { priority: null } }, /^options\.priority: must be low, normal/),
  job({ type: 'a', options: { attempts: 1e20 } }, /^options\.attempts: .*1000000/),
  job({ type: 'a', options: { priority: 1e20 } }, /^options\.priority: must be low, normal/),
  job({ type: 'a', options: { backoff: { type: 'linear' } } }, /^options\.backoff\.type: .*fixed/),
  job({ type: 'a', options: { searchKeys: ['a', 2] } }, /^options\.searchKeys\[1\]: .*string/),
  job(
    { type: 'a', options: { unknownOption: 1 } },
    /^options\.unknownOption: is not a known field/,
  ),
  job({ type: 'a', options: 'fast' }, /^options:/),
  job({ type: 'a', options: [] }, /^options:/),
  job({ type: 'a', extra: 1 }, /^extra: is not a known field/),
  // prototype-pollution keys, anywhere in the body
  rawJob('{"type":"a","__proto__":{"polluted":1}}', /^__proto__: the key is not allowed/),
  rawJob('{"type":"a","data":{"constructor":{"prototype":{"x":1}}}}', /^data\.constructor:/),
  rawJob('{"type":"a","options":{"__proto__":{"attempts":5}}}', /^options\.__proto__:/),
  rawJob('[{"type":"a","prototype":1}]', /^\[0\]\.prototype:/),
  rawJob('[{"type":"a"},{"type":"b","data":{"__proto__":1}}]', /^\[1\]\.data\.__proto__:/),
  rawJob('{"type":"a","data":[{"x":[{"__proto__":null}]}]}', /__proto__/),
  // arrays where nothing is valid (each answers 400 with its errors in place)
  job([{}, { type: '' }]),
  job([null, 5]),
  job([[{ type: 'a' }]]),
  job([{ type: 'a', options: { attempts: 0 } }]),
  job(
    Array.from({ length: maxBatch + 1 }, () => ({})),
    /^body: at most 1000 jobs/,
  ),
  // media types and sizes
  {
    method: 'POST',
    path: '/job',
    raw: '{"type":"a"}',
    headers: { 'content-type': 'text/plain' },
    status: 415,
  },
  {
    method: 'POST',
    path: '/job',
    raw: 'type=a',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
  },
  job({ type: 'a', data: 'x'.repeat(600 * 1024) }, /^data is \d+ bytes, over the limit/, 413),
  job({ type: 'a', data: 'x'.repeat(1100 * 1024) }, /over the limit of 1048576 bytes/, 413),
  job([{ type: 'a', data: 'x'.repeat(600 * 1024) }], undefined, 400),
  // unknown jobs and routes
  get('/job/999999', /doesn't exist/, 404),
  get('/job/999999/log', /doesn't exist/, 404),
  get('/inactive/999999', /doesn't exist/, 404),
  { method: 'DELETE', path: '/job/999999', status: 404 },
  { method: 'POST', path: '/jobs/999999/retry', status: 404 },
  { method: 'PUT', path: '/job/999999/priority/high', status: 404 },
  { method: 'PUT', path: '/job/999999/state/complete', status: 404 },
  get('/nope', /no route/, 404),
  { method: 'POST', path: '/stats', status: 404 },
  get('/job/1/log/extra', undefined, 404),
  get('/jobs/0..5/asc/extra', undefined, 404),
];

/** Sends every case; answers the failures (status or message), checking each error's shape. */
export async function runBadCases(send: Send, headers: Record<string, string> = {}) {
  const failures: string[] = [];
  for (const c of badCases) {
    const body = c.raw ?? (c.body === undefined ? undefined : JSON.stringify(c.body));
    const res = await send(c.method, c.path, {
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
        ...c.headers,
      },
      body,
    });
    const label = `${c.method} ${c.path.slice(0, 60)} ${(body ?? '').slice(0, 60)}`;
    const text = await res.text();
    if (res.status !== c.status) {
      failures.push(`${label}: ${res.status} ${text.slice(0, 200)}`);
      continue;
    }
    expect(res.headers.get('content-type'), label).toMatch(/^application\/json/);
    const json: unknown = JSON.parse(text);
    const messages = Array.isArray(json)
      ? json.filter((x) => 'error' in x).map((x) => errorSchema.parse(x).error)
      : [errorSchema.parse(json).error];
    expect(messages.length, label).toBeGreaterThan(0);
    if (c.error && !messages.some((m) => c.error!.test(m))) {
      failures.push(`${label}: ${messages.join(' | ').slice(0, 200)} !~ ${c.error}`);
    }
  }
  return failures;
}
