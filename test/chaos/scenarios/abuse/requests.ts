// Turns the app's route table into concrete hostile requests: every parameter filled with valid,
// malformed and crafted values, odd query strings and headers, hostile bodies, other methods.
// Writes never aim at the sentinels: ids and types that would select them are only used to read.
import type { Random } from '../../lib/util.js';
import type { RawRequest } from './http.js';
import {
  craftedStrings,
  hostileBodies,
  oddIds,
  oddOrders,
  oddPriorities,
  oddRanges,
  oddStates,
  randomJson,
  randomString,
  states,
} from './inputs.js';
import { SENTINEL_TYPE } from './sentinels.js';

export interface Route {
  method: string;
  path: string;
}

export interface FuzzContext {
  rnd: Random;
  sentinelIds: ReadonlySet<string>;
  /** Jobs the fuzz created itself: fair game for writes. */
  fuzzIds: string[];
  fuzzTypes: string[];
  auth: Record<string, string>;
  workerSecret: string;
}

const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];

/** GET routes that change a job anyway (Kue's restart). */
const writingGets = [/^\/inactive\//];

const isSentinelType = (v: string) => v.trim().toLowerCase() === SENTINEL_TYPE;

/** Hono route segments: `:name`, `:name{regex}`, `:name?`. */
const paramSegment = /^:([A-Za-z_]+)(\{.*\})?(\?)?$/;

/** Percent-encoding of the UTF-8 bytes (a lone surrogate goes as U+FFFD, as any client sends it). */
export function pct(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...Buffer.from(value, 'utf8')]
      .map((b) => `%${b.toString(16).padStart(2, '0')}`)
      .join('');
  }
}

function encode(rnd: Random, value: string): string {
  const r = rnd.next();
  if (r < 0.75) return pct(value);
  // raw when node:http can send it as is
  if (r < 0.9 && /^[\x21-\x7e]*$/.test(value) && !/[/?#%]/.test(value)) return value;
  // every byte percent-encoded, digits and letters too
  return [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

function idValue(c: FuzzContext, writes: boolean): string {
  const { rnd } = c;
  for (let i = 0; i < 20; i++) {
    const r = rnd.next();
    const v =
      r < 0.4 && c.fuzzIds.length > 0
        ? rnd.pick(c.fuzzIds)
        : r < 0.55 && !writes
          ? rnd.pick([...c.sentinelIds])
          : r < 0.85
            ? rnd.pick(oddIds)
            : rnd.chance(0.5)
              ? rnd.pick(craftedStrings)
              : String(rnd.int(1_000_000, 999_999_999));
    if (!writes || !c.sentinelIds.has(v.replace(/^0+/, '').trim())) return v;
  }
  return '999999999';
}

function typeValue(c: FuzzContext, writes: boolean): string {
  const { rnd } = c;
  for (let i = 0; i < 20; i++) {
    const r = rnd.next();
    const v =
      r < 0.35
        ? rnd.pick(c.fuzzTypes)
        : r < 0.5 && !writes
          ? SENTINEL_TYPE
          : r < 0.85
            ? rnd.pick(craftedStrings)
            : randomString(rnd);
    if (!writes || !isSentinelType(v)) return v;
  }
  return 'fuzz';
}

function paramValue(c: FuzzContext, name: string, writes: boolean): string {
  const { rnd } = c;
  switch (name) {
    case 'id':
      return idValue(c, writes);
    case 'type':
      return typeValue(c, writes);
    case 'state':
      return rnd.chance(0.7) ? rnd.pick(states) : rnd.pick([...oddStates, ...craftedStrings]);
    case 'priority':
      return rnd.pick(oddPriorities);
    case 'range':
      return rnd.chance(0.8) ? rnd.pick(oddRanges) : `${rnd.pick(craftedStrings)}..1`;
    case 'order':
      return rnd.pick(oddOrders);
    case 'file':
      return rnd.pick([
        'app.js',
        'style.css',
        'icon.svg',
        '../app.ts',
        '..%2fpackage.json',
        '__proto__',
        'constructor',
        'toString',
        ...craftedStrings,
      ]);
    default:
      return rnd.pick(craftedStrings);
  }
}

function fill(c: FuzzContext, path: string, writes: boolean): string {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    const m = paramSegment.exec(seg);
    if (!m) {
      out.push(seg);
      continue;
    }
    if (m[3] && c.rnd.chance(0.4)) continue;
    out.push(encode(c.rnd, paramValue(c, m[1]!, writes)));
  }
  return out.join('/') || '/';
}

function queryFor(c: FuzzContext, path: string, writes: boolean): string {
  const { rnd } = c;
  const q: [string, string][] = [];
  const odd = () => (rnd.chance(0.5) ? rnd.pick(craftedStrings) : randomString(rnd));
  if (path === '/job/search') {
    q.push(['q', rnd.chance(0.2) ? 'word '.repeat(rnd.int(10, 2_000)) : odd()]);
  } else if (path === '/events') {
    if (rnd.chance(0.5)) {
      q.push([
        'since',
        rnd.pick(['0', '0-0', '$', '-', '+', '99999999999999-0', 'abc', '1-1-1', odd()]),
      ]);
    }
    if (rnd.chance(0.5)) q.push(['type', typeValue(c, false)]);
  } else if (path === '/throughput') {
    q.push(['minutes', rnd.pick(['0', '-1', '1440', '1441', '1e9', 'NaN', '', odd()])]);
  } else if (/^\/jobs\/:state(\/retry)?$/.test(path)) {
    // bulk writes: always one type, never the sentinels'
    const v = rnd.chance(0.15) ? '' : typeValue(c, true);
    q.push(['type', v]);
    if (rnd.chance(0.1)) q.push(['type', typeValue(c, true)]);
  } else if (path === '/') {
    for (const k of ['state', 'type', 'order', 'q', 'sort', 'from', 'view']) {
      if (rnd.chance(0.4)) q.push([k, k === 'type' ? typeValue(c, false) : odd()]);
    }
  }
  if (rnd.chance(0.15) && !writes) q.push([odd(), odd()]);
  if (q.length === 0) return '';
  return `?${q.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&')}`;
}

const bulkPath = /^\/+jobs\/+[^/]+(\/+retry)?\/*$/i;

function decoded(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Hostile bodies are large (megabytes): built once per type. */
const bodyCache = new Map<string, ReturnType<typeof hostileBodies>>();
function bodiesFor(rnd: Random, type: string) {
  let bodies = bodyCache.get(type);
  if (!bodies) {
    bodies = hostileBodies(rnd, type);
    bodyCache.set(type, bodies);
  }
  return bodies;
}

/** One random hostile request against one of the routes, with valid credentials. */
export function fuzzRequest(c: FuzzContext, routes: Route[]): RawRequest {
  const { rnd } = c;
  const route = rnd.pick(routes);
  const method = rnd.chance(0.85) ? route.method : rnd.pick(methods);
  const writes =
    !(method === 'GET' || method === 'HEAD' || method === 'OPTIONS') ||
    writingGets.some((re) => re.test(route.path));
  const headers: Record<string, string> = { ...c.auth };
  let path = fill(c, route.path, writes) + queryFor(c, route.path, writes);
  // A filled value can turn a path into a bulk write of every type (`POST /jobs/:id/retry` with
  // the id `inactive` is `POST /jobs/inactive/retry`): a legitimate request, but not the fuzz's
  // to send, since it would rightly change the sentinels. Such paths get a type of the fuzz's own.
  if (writes && bulkPath.test(decoded(path.split('?')[0]!)) && !/[?&]type=/.test(path)) {
    path += `${path.includes('?') ? '&' : '?'}type=${pct(rnd.pick(c.fuzzTypes))}`;
  }
  if (route.path === '/work') {
    headers.authorization = `Bearer ${c.workerSecret}`;
    if (rnd.chance(0.5)) path = '/work?wait=1';
  }
  if (route.path === '/events' && rnd.chance(0.5)) {
    headers['last-event-id'] = rnd.pick(['0', '0-0', '$', '99999999999999-99', 'x', '-1', '1-']);
  }
  const request: RawRequest = { method, path, headers, timeoutMs: 10_000 };
  if (method === 'POST' || method === 'PUT' || method === 'PATCH' || rnd.chance(0.05)) {
    const b = rnd.chance(0.6)
      ? rnd.pick(bodiesFor(rnd, rnd.pick(c.fuzzTypes)))
      : { body: JSON.stringify(randomJson(rnd, 5)) };
    request.body = b.body;
    headers['content-type'] = b.type ?? 'application/json';
  }
  return request;
}
