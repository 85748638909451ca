// Requests that try to get past the app's auth: no credentials, malformed or near-miss ones,
// credentials of the wrong kind (the worker secret, the bridge token), credentials in places the
// app does not read, forwarding headers, and path and method tricks that might reach a route
// without passing the auth middleware. Every one must be refused.
import type { RawRequest } from './http.js';

export interface Secrets {
  token: string;
  user: string;
  password: string;
  workerSecret: string;
  bridgeToken: string;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** Authorization headers (or none) that must all be refused by the API and the dashboard. */
export function badCredentials(s: Secrets): Record<string, string | string[]>[] {
  const flip = (t: string) => t.slice(0, -1) + (t.endsWith('a') ? 'b' : 'a');
  return [
    {},
    { authorization: '' },
    { authorization: 'Bearer' },
    { authorization: 'Bearer ' },
    { authorization: 'bearer' },
    { authorization: `Bearer ${flip(s.token)}` },
    { authorization: `Bearer ${s.token.slice(0, -1)}` },
    { authorization: `Bearer ${s.token}x` },
    { authorization: `Bearer ${s.token.slice(0, 16)}` },
    { authorization: `Bearer ${s.token.toUpperCase()}` },
    { authorization: `Bearer "${s.token}"` },
    { authorization: `Bearer ${s.token} ${s.token}` },
    { authorization: `Bearer ${encodeURIComponent(s.token)}%00` },
    { authorization: `Bearer ${b64(s.token)}` },
    { authorization: `Token ${s.token}` },
    { authorization: `${s.token}` },
    { authorization: `Bearer ${s.workerSecret}` },
    { authorization: `Bearer ${s.bridgeToken}` },
    { authorization: `Basic ${b64(s.token)}` },
    { authorization: `Basic ${b64(`:${s.token}`)}` },
    { authorization: `Basic ${b64(`${s.user}:`)}` },
    { authorization: `Basic ${b64(`${s.user}:${s.password}x`)}` },
    { authorization: `Basic ${b64(`${s.user.toUpperCase()}:${s.password}`)}` },
    { authorization: `Basic ${b64(`${s.user}:${s.password.slice(0, -1)}`)}` },
    { authorization: `Basic ${b64(`${s.user}\u0000:${s.password}`)}` },
    { authorization: 'Basic !!!not-base64!!!' },
    { authorization: `Basic ${b64(s.user)}` },
    { authorization: `Digest username="${s.user}", response="${s.password}"` },
    { authorization: ['Bearer wrong', 'Bearer also-wrong'] },
    { authorization: `Bearer ${'x'.repeat(60_000)}` },
    { cookie: `token=${s.token}; auth=${s.token}` },
    { 'x-api-key': s.token, 'x-auth-token': s.token },
    { 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1' },
    { forwarded: 'for=127.0.0.1', 'cf-connecting-ip': '127.0.0.1' },
    { 'x-original-url': '/stats', 'x-rewrite-url': '/stats' },
    { 'x-http-method-override': 'GET', 'x-method-override': 'GET' },
  ];
}

/** Paths (as sent, not normalised) that point at a route by a detour. */
export const trickPaths = [
  '//stats',
  '///stats',
  '//job/1',
  '/./stats',
  '/%2e/stats',
  '/%2E%2E/stats',
  '/%2e%2e/%2e%2e/stats',
  '/stats/',
  '/stats//',
  '/STATS',
  '/Stats',
  '/job/../stats',
  '/job/%2e%2e/stats',
  '/%2fstats',
  '/%2Fjob%2F1',
  '/%73tats',
  '/work/../stats',
  '/work/..%2fstats',
  '/work%2f..%2fstats',
  '/work;/stats',
  '/work/',
  '/WORK',
  '/work?x=/stats',
  '/_dashboard/../stats',
  '/_dashboard/..%2fopenapi.json',
  '/_dashboard/%2e%2e%2fstats',
  '/_dashboard/..',
  '/stats%00',
  '/stats%20',
  '/stats?',
  '/stats#x',
  '/stats;.css',
  '/stats.json',
  '/openapi.json/..',
  '/docs/../stats',
  '/job/1%2flog',
  '/jobs/0..10',
  '/jobs/complete',
  '/?state=complete',
  '/index.html',
  '/events?since=0',
  '/throughput?minutes=1',
];

export const trickMethods = [
  'GET',
  'POST',
  'PUT',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'TRACE',
  'PROPFIND',
  'get',
];

/** Whole requests as raw bytes, for what node:http would refuse to send. */
export function rawTricks(host: string, s: Secrets): string[] {
  return [
    `GET http://${host}/stats HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
    `GET http://evil.example/stats HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
    `GET * HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
    `OPTIONS * HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
    `GET /stats HTTP/1.0\r\n\r\n`,
    `GET /stats HTTP/1.1\r\nHost: evil.example\r\n\r\n`,
    `GET /stats HTTP/1.1\r\nHost: ${host}\r\nHost: other\r\n\r\n`,
    `GET /stats HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${s.token.slice(0, -1)}\u0000\r\n\r\n`,
    `GET /stats HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer\t${s.token.slice(1)}\r\n\r\n`,
    `GET /stats\u0000 HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
    `GET /stats HTTP/1.1\r\nHost: ${host}\r\nX-Long: ${'a'.repeat(100_000)}\r\n\r\n`,
    `POST /job HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /stats HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
    `GET /stats HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 0\r\nContent-Length: 10\r\n\r\n`,
    `GET /\\stats HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
    `GET /st ats HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
    `\r\n\r\nGET /stats HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
    `GET /stats HTTP/9.9\r\nHost: ${host}\r\n\r\n`,
    `DELETE /jobs/complete HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${s.token.slice(0, -1)}\r\n\r\n`,
  ];
}

/** POST /work without the worker secret. */
export function workAttempts(s: Secrets): RawRequest[] {
  const post = (headers: Record<string, string>, path = '/work'): RawRequest => ({
    method: 'POST',
    path,
    headers,
    body: '{}',
  });
  return [
    post({}),
    post({}, '/work?wait=1'),
    post({ authorization: `Bearer ${s.token}` }, '/work?wait=1'),
    post({ authorization: `Bearer ${s.bridgeToken}` }, '/work?wait=1'),
    post({ authorization: `Bearer ${s.workerSecret.slice(0, -1)}` }, '/work?wait=1'),
    post({ authorization: `Basic ${b64(`${s.user}:${s.password}`)}` }, '/work?wait=1'),
    post({ 'upstash-signature': 'eyJhbGciOiJIUzI1NiJ9.e30.garbage' }, '/work?wait=1'),
    post({ 'upstash-signature': '' }, '/work?wait=1'),
  ];
}
