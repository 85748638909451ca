// Abuse: edgekue's whole HTTP app (createApp, auth configured, served by @hono/node-server in its
// own process) and the Redis bridge, attacked with hostile input and auth bypass attempts.
//  1. Without valid credentials, every route, method, path trick and raw request is refused, and
//     nothing in Redis changes (the queue's whole keyspace is fingerprinted before and after).
//  2. Tokens that share more or less of the real one are timed (reported, not asserted).
//  3. With valid credentials, random and crafted input on every route never gets a 5xx or
//     crashes the server, and never touches the sentinel jobs (fingerprinted before and after).
//  4. Crafted strings (Lua-breaking, unicode, key patterns...) round-trip exactly as type and data.
//  5. The bridge refuses server administration (see bridge-isolation.ts).
import { randomBytes } from 'node:crypto';
import { auditQueue } from '../../lib/audit.js';
import { beginScenario } from '../../lib/begin.js';
import { heapSummary, type MemorySummary, RssSampler } from '../../lib/memory.js';
import { type ChildHandle, startTsChild } from '../../lib/processes.js';
import { chaosQueue } from '../../lib/queue.js';
import { check, type ScenarioReport, type Size } from '../../lib/report.js';
import { chaosPrefix, startChaosStack } from '../../lib/stack.js';
import {
  badCredentials,
  rawTricks,
  type Secrets,
  trickMethods,
  trickPaths,
  workAttempts,
} from './auth-attempts.js';
import { bridgeIsolation } from './bridge-isolation.js';
import { pooled, type RawRequest, type RawResponse, send, sendRaw } from './http.js';
import { craftedStrings, randomString } from './inputs.js';
import { type FuzzContext, fuzzRequest, pct, type Route } from './requests.js';
import {
  createSentinels,
  fingerprintDiff,
  keyspaceFingerprint,
  sentinelFingerprint,
} from './sentinels.js';

export interface AbuseOptions {
  fuzzRequests: number;
  /** Requests per token kind in the timing probe. */
  timingSamples: number;
  concurrency: number;
  seed?: number;
}

export const abuseSizes: Record<Size, AbuseOptions> = {
  quick: { fuzzRequests: 1_500, timingSamples: 40, concurrency: 6 },
  full: { fuzzRequests: 25_000, timingSamples: 400, concurrency: 8 },
};

/** What "refused" may look like: never a 2xx or 3xx, never a 5xx. */
const refusedStatuses = new Set([0, 400, 401, 403, 404, 405, 413, 414, 431]);
/** Text only the sentinels hold: it must never appear in an answer to an intruder. */
const sentinelMarker = 'keepsake';

const secretToken = () => randomBytes(24).toString('base64url');

function statusHistogram(responses: RawResponse[]): string {
  const counts = new Map<number, number>();
  for (const r of responses) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s === 0 ? 'no answer' : s}: ${n}`)
    .join(', ');
}

function concretePath(path: string, id: string): string {
  return path
    .replace(/:id(\{[^}]*\})?/, id)
    .replace(/:state/, 'complete')
    .replace(/:type/, 'sentinel')
    .replace(/:priority/, 'high')
    .replace(/:range(\{[^/]*\})?/, '0..10')
    .replace(/\/:order\?/, '')
    .replace(/:file/, 'app.js');
}

export async function abuse(
  size: Size,
  overrides: Partial<AbuseOptions> = {},
): Promise<ScenarioReport> {
  const { o, rnd, report } = beginScenario('abuse', size, abuseSizes, overrides);
  const started = Date.now();
  const stack = await startChaosStack();
  const prefix = chaosPrefix('abuse');
  const secrets: Secrets = {
    token: secretToken(),
    user: 'admin',
    password: secretToken(),
    workerSecret: secretToken(),
    bridgeToken: stack.token,
  };
  let server: ChildHandle | undefined;
  let sampler: RssSampler | undefined;
  let heapRow: MemorySummary | undefined;
  try {
    const queue = chaosQueue({ url: stack.bridgeUrl, token: stack.token, prefix });
    const sentinelIds = await createSentinels(queue);
    const started_ = await startTsChild('test/chaos/servers/app-server.ts', {
      env: {
        CHAOS_APP: JSON.stringify({
          bridgeUrl: stack.bridgeUrl,
          bridgeToken: stack.token,
          prefix,
          authToken: secrets.token,
          user: secrets.user,
          password: secrets.password,
          workerSecret: secrets.workerSecret,
        }),
      },
      label: 'app',
      nodeArgs: ['--expose-gc'],
    });
    server = started_.child;
    const app = String(started_.ready.url);
    const host = new URL(app).host;
    const allRoutes = (started_.ready.routes as Route[]).filter((r) => r.method !== 'ALL');
    const routes = [...new Map(allRoutes.map((r) => [`${r.method} ${r.path}`, r])).values()];
    report.figures.routes = routes.length;
    sampler = new RssSampler(() => ({ 'app server': server!.pid }), 1_000);
    const auth = { authorization: `Bearer ${secrets.token}` };

    // Jobs of the fuzz's own, which its writes may change.
    const fuzzTypes = ['fuzz', 'fuzz:other', 'fuzz two'];
    const seeded = await send(app, {
      method: 'POST',
      path: '/job',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(
        Array.from({ length: 60 }, (_, i) => ({
          type: fuzzTypes[i % fuzzTypes.length],
          data: { i, words: 'fuzz words here' },
          options: { attempts: 3, ...(i % 5 === 0 ? { delay: 3_600_000 } : {}) },
        })),
      ),
    });
    const fuzzIds = (JSON.parse(seeded.body) as { id: number }[]).map((r) => String(r.id));
    check(
      report,
      'the app created the fuzz-owned jobs',
      seeded.status === 200 && fuzzIds.length === 60,
      `${seeded.status}`,
    );

    const sentinelsBefore = await sentinelFingerprint(stack.admin, prefix, sentinelIds);
    const keyspaceBefore = await keyspaceFingerprint(stack.admin, prefix);

    // 1. no credentials, wrong credentials, detours
    const intruder: (() => Promise<{ what: string; res: RawResponse }>)[] = [];
    const creds = badCredentials(secrets);
    for (const route of routes) {
      const path = concretePath(route.path, sentinelIds[0]!);
      for (const headers of creds) {
        // the worker secret is the right credential for POST /work
        if (route.path === '/work' && headers.authorization === `Bearer ${secrets.workerSecret}`) {
          continue;
        }
        const r: RawRequest = { method: route.method, path, headers, timeoutMs: 5_000 };
        if (route.method === 'POST' || route.method === 'PUT') {
          r.body = JSON.stringify({ type: 'intruder', data: {} });
          r.headers = { ...headers, 'content-type': 'application/json' };
        }
        intruder.push(async () => ({
          what: `${r.method} ${r.path} ${JSON.stringify(headers).slice(0, 60)}`,
          res: await send(app, r),
        }));
      }
    }
    for (const path of trickPaths) {
      for (const method of trickMethods) {
        intruder.push(async () => ({
          what: `${method} ${path}`,
          res: await send(app, { method, path, timeoutMs: 5_000 }),
        }));
      }
      for (const authorization of [
        `Bearer ${secrets.workerSecret}`,
        `Bearer ${secrets.bridgeToken}`,
      ]) {
        intruder.push(async () => ({
          what: `GET ${path} (wrong secret)`,
          res: await send(app, {
            method: 'GET',
            path,
            headers: { authorization },
            timeoutMs: 5_000,
          }),
        }));
      }
    }
    for (const bytes of rawTricks(host, secrets)) {
      intruder.push(async () => ({
        what: `raw ${JSON.stringify(bytes.slice(0, 60))}`,
        res: await sendRaw(app, bytes),
      }));
    }
    for (const r of workAttempts(secrets)) {
      intruder.push(async () => ({
        what: `${r.method} ${r.path} ${JSON.stringify(r.headers).slice(0, 60)}`,
        res: await send(app, r),
      }));
    }
    const refusals = await pooled(intruder, o.concurrency);
    report.figures['requests without valid credentials'] = refusals.length;
    report.figures['their answers'] = statusHistogram(refusals.map((r) => r.res));
    const let_in = refusals.filter((r) => !refusedStatuses.has(r.res.status));
    check(
      report,
      'every request without valid credentials was refused (no 2xx, 3xx or 5xx)',
      let_in.length === 0,
      let_in
        .slice(0, 5)
        .map((r) => `${r.what} → ${r.res.status}`)
        .join(' | '),
    );
    const leaked = refusals.filter((r) => r.res.body.includes(sentinelMarker));
    check(
      report,
      'no refused answer carried job data',
      leaked.length === 0,
      leaked
        .slice(0, 3)
        .map((r) => r.what)
        .join(' | '),
    );
    const unanswered = refusals.filter((r) => r.res.status === 0 && !r.what.startsWith('raw'));
    report.figures['refusals by closing the connection (well-formed requests)'] = unanswered.length;
    const keyspaceAfterIntruders = await keyspaceFingerprint(stack.admin, prefix);
    const intruderDiff = fingerprintDiff(keyspaceBefore, keyspaceAfterIntruders);
    check(
      report,
      'nothing in Redis changed while intruders knocked',
      intruderDiff.length === 0,
      intruderDiff.slice(0, 4).join(' | '),
    );

    // 2. timing of near-miss tokens (reported)
    const t = secrets.token;
    const kinds: Record<string, string> = {
      'wrong, same length': secretToken(),
      'right but the last character': t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A'),
      'right first half': t.slice(0, t.length / 2) + secretToken().slice(t.length / 2),
      'one character': 'x',
      '4 KiB': 'x'.repeat(4096),
    };
    const times = new Map<string, number[]>(Object.keys(kinds).map((k) => [k, []]));
    for (let i = 0; i < o.timingSamples; i++) {
      for (const [kind, token] of Object.entries(kinds)) {
        const res = await send(app, {
          method: 'GET',
          path: '/stats',
          headers: { authorization: `Bearer ${token}` },
        });
        times.get(kind)!.push(res.ms);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    report.figures['refusal time, median ms by token kind'] = [...times]
      .map(([k, xs]) => `${k} ${median(xs).toFixed(2)}`)
      .join('; ');

    const heapBefore = await server.ask({ t: 'mem' }, 'mem', 10_000);

    // 3. authorized fuzz
    const ctx: FuzzContext = {
      rnd,
      sentinelIds: new Set(sentinelIds),
      fuzzIds,
      fuzzTypes,
      auth,
      workerSecret: secrets.workerSecret,
    };
    const fuzz = Array.from({ length: o.fuzzRequests }, () => fuzzRequest(ctx, routes));
    const fuzzed = await pooled(
      fuzz.map((r) => async () => ({ r, res: await send(app, r) })),
      o.concurrency,
    );
    report.figures['fuzz requests (valid credentials)'] = fuzzed.length;
    report.figures['fuzz answers'] = statusHistogram(fuzzed.map((f) => f.res));
    const serverErrors = fuzzed.filter((f) => f.res.status >= 500);
    check(
      report,
      'no fuzz request got a 5xx',
      serverErrors.length === 0,
      serverErrors
        .slice(0, 5)
        .map(
          (f) =>
            `${f.r.method} ${f.r.path.slice(0, 80)} → ${f.res.status} ${f.res.body.slice(0, 100)}`,
        )
        .join(' | '),
    );
    const bodyBytes = (b: RawRequest['body']) => (b === undefined ? 0 : Buffer.byteLength(b));
    // A request refused before its body was read (a body on a method no route reads one for, a
    // bad id, an oversized upload) may see the socket reset under the rest of its upload instead
    // of the 4xx: @hono/node-server drains an unread body for 500 ms at most and then closes the
    // connection with bytes unread, which a loaded machine can overrun. Any body larger than the
    // socket buffers can race that way; small ones on routes that read them cannot.
    const bodyless = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);
    const unread = (f: { r: RawRequest }) =>
      bodyBytes(f.r.body) > 64 * 1024 || (bodyless.has(f.r.method) && f.r.body !== undefined);
    const noAnswer = fuzzed.filter(
      (f) => f.res.status === 0 && !f.res.error?.startsWith('not sent'),
    );
    const dropped = noAnswer.filter((f) => !unread(f));
    report.figures[
      'connections reset under a refused upload (large body, or a body on GET, HEAD, DELETE, OPTIONS)'
    ] = noAnswer.length - dropped.length;
    check(
      report,
      'every other fuzz request got an answer',
      dropped.length === 0,
      dropped
        .slice(0, 5)
        .map((f) => `${f.r.method} ${f.r.path.slice(0, 80)}: ${f.res.error}`)
        .join(' | '),
    );
    report.figures['fuzz requests node:http refused to send'] = fuzzed.filter((f) =>
      f.res.error?.startsWith('not sent'),
    ).length;
    const heapAfter = await server.ask({ t: 'mem' }, 'mem', 10_000);
    if (heapBefore && heapAfter) {
      heapRow = heapSummary(Number(heapBefore.heapUsed), Number(heapAfter.heapUsed));
    }
    const alive = await send(app, { method: 'GET', path: '/stats', headers: auth });
    check(
      report,
      'the app server is alive and answering',
      server.alive && alive.status === 200,
      `${alive.status}`,
    );
    const crashes = server.messages.filter((m) => m.t === 'crash');
    check(
      report,
      'no uncaught exception in the app server',
      crashes.length === 0,
      String(crashes[0]?.message ?? '').slice(0, 300),
    );
    const errorLogs = server.messages.filter((m) => m.t === 'log' && m.level === 'error');
    report.figures['errors the app logged'] = errorLogs.length;
    if (errorLogs.length > 0)
      report.notes.push(`first logged error: ${String(errorLogs[0]!.message).slice(0, 300)}`);

    // 4. crafted strings round-trip as type and data
    const strings = [...craftedStrings, ...Array.from({ length: 40 }, () => randomString(rnd))];
    let created = 0;
    const mismatches: string[] = [];
    const searchFailures: string[] = [];
    for (const s of strings) {
      const data = { s, list: [s, { s }], nested: { key: s } };
      const res = await send(app, {
        method: 'POST',
        path: '/job',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ type: `rt ${s}`.slice(0, 200), data }),
      });
      if (res.status >= 500)
        mismatches.push(`create ${JSON.stringify(s).slice(0, 40)} → ${res.status}`);
      if (res.status !== 200) continue;
      created++;
      const id = String((JSON.parse(res.body) as { id: number }).id);
      const got = await send(app, { method: 'GET', path: `/job/${id}`, headers: auth });
      const job = JSON.parse(got.body) as { type: string; data: unknown };
      const sent = JSON.parse(JSON.stringify({ type: `rt ${s}`.slice(0, 200), data }));
      if (job.type !== sent.type || JSON.stringify(job.data) !== JSON.stringify(sent.data)) {
        mismatches.push(
          `${JSON.stringify(s).slice(0, 40)}: type ${JSON.stringify(job.type).slice(0, 40)}`,
        );
      }
      const search = await send(app, {
        method: 'GET',
        path: `/job/search?q=${pct(s)}`,
        headers: auth,
      });
      if (search.status !== 200 && search.status !== 400)
        searchFailures.push(`${JSON.stringify(s).slice(0, 30)} → ${search.status}`);
    }
    report.figures['crafted strings created as jobs'] = `${created} of ${strings.length}`;
    check(
      report,
      'crafted strings round-trip exactly as type and data',
      mismatches.length === 0,
      mismatches.slice(0, 5).join(' | '),
    );
    check(
      report,
      'search answers every crafted query (200, or 400 for an over-long one)',
      searchFailures.length === 0,
      searchFailures.slice(0, 5).join(' | '),
    );

    const sentinelsAfter = await sentinelFingerprint(stack.admin, prefix, sentinelIds);
    const sentinelDiff = fingerprintDiff(sentinelsBefore, sentinelsAfter);
    check(
      report,
      'the sentinel jobs are exactly as they were',
      sentinelDiff.length === 0,
      sentinelDiff.slice(0, 4).join(' | '),
    );
    const audit = await auditQueue(stack.admin, prefix);
    check(
      report,
      'every job is whole and indexed as its state says',
      audit.problemCount === 0,
      audit.problems.slice(0, 3).join('; '),
    );
    report.jobs = audit.total;
    report.faults = { 'hostile requests': refusals.length + fuzzed.length + strings.length * 3 };
    await queue.close();

    // 5. the bridge
    await bridgeIsolation(report, stack);
  } finally {
    if (sampler) report.memory = sampler.stop();
    if (heapRow) report.memory['app server heap after GC, around the fuzz'] = heapRow;
    await server?.stop();
    await stack.stop();
  }
  report.durationMs = Date.now() - started;
  return report;
}
