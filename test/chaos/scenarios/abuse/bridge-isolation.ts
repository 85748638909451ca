// The bridge must not let a token holder administer the Redis server behind it: server commands
// (CONFIG, FLUSHALL, SCRIPT KILL, DEBUG, SHUTDOWN, replication, ACL, persistence...) and commands
// that change a shared connection's state are refused in every form the protocol offers (single
// command, pipeline, transaction, URL path, any case), unless the bridge was started with
// allowDangerousCommands. Afterwards Redis still runs with its data and configuration untouched.
// Also measured, not enforced by the bridge (its README says Lua runs with full rights): which
// server commands a script passed to EVAL can still reach.
import type { Redis as IORedis } from 'ioredis';
import { startBridge } from '../../../../infra/redis-http/index.js';
import { startRedisServer } from '../../../../infra/redis-server/index.js';
import { check, type ScenarioReport } from '../../lib/report.js';
import type { ChaosStack } from '../../lib/stack.js';
import { send } from './http.js';

const dangerous: string[][] = [
  ['FLUSHALL'],
  ['flushall'],
  ['FlushAll', 'ASYNC'],
  ['FLUSHDB'],
  ['flushdb', 'SYNC'],
  ['CONFIG', 'GET', '*'],
  ['CONFIG', 'SET', 'maxmemory', '1'],
  ['config', 'set', 'dir', '/tmp'],
  ['CONFIG', 'REWRITE'],
  ['CONFIG', 'RESETSTAT'],
  ['SCRIPT', 'KILL'],
  ['SCRIPT', 'FLUSH'],
  ['script', 'flush', 'sync'],
  ['FUNCTION', 'FLUSH'],
  ['FUNCTION', 'DELETE', 'x'],
  ['FUNCTION', 'KILL'],
  ['DEBUG', 'SLEEP', '0'],
  ['DEBUG', 'SEGFAULT'],
  ['debug', 'set-active-expire', '0'],
  ['SHUTDOWN', 'NOSAVE'],
  ['SHUTDOWN'],
  ['shutdown', 'nosave', 'now', 'force'],
  ['REPLICAOF', '127.0.0.1', '1'],
  ['SLAVEOF', '127.0.0.1', '1'],
  ['REPLICAOF', 'NO', 'ONE'],
  ['FAILOVER'],
  ['CLUSTER', 'RESET'],
  ['MODULE', 'LOAD', '/tmp/nothing.so'],
  ['ACL', 'SETUSER', 'intruder', 'on', '>pw', '+@all', '~*'],
  ['ACL', 'DELUSER', 'default'],
  ['SAVE'],
  ['BGSAVE'],
  ['BGREWRITEAOF'],
  ['MIGRATE', '127.0.0.1', '1', 'canary', '0', '1000'],
  ['SWAPDB', '0', '1'],
  ['MOVE', 'canary', '1'],
  ['SELECT', '1'],
  ['MULTI'],
  ['EXEC'],
  ['WATCH', 'canary'],
  ['CLIENT', 'KILL', 'TYPE', 'normal'],
  ['CLIENT', 'PAUSE', '10000'],
  ['client', 'list'],
  ['MONITOR'],
  ['SYNC'],
  ['PSYNC', '?', '-1'],
  ['HELLO', '3'],
  ['AUTH', 'default', 'x'],
  ['RESET'],
  ['QUIT'],
  ['WAIT', '1', '0'],
  ['PFDEBUG', 'GETREG', 'canary'],
  ['PFSELFTEST'],
];

/** Commands a script might try, and whether Redis let it (measured on a throwaway server). */
const fromScript: string[][] = [
  ['CONFIG', 'GET', 'maxmemory'],
  ['CONFIG', 'SET', 'maxmemory', '1'],
  ['DEBUG', 'SLEEP', '0'],
  ['SCRIPT', 'FLUSH'],
  ['ACL', 'LIST'],
  ['CLIENT', 'LIST'],
  ['SAVE'],
  ['BGSAVE'],
  ['REPLICAOF', 'NO', 'ONE'],
  ['MODULE', 'LIST'],
  ['SWAPDB', '0', '1'],
  ['FLUSHDB'],
  ['FLUSHALL'],
  ['SHUTDOWN', 'NOSAVE'],
];

const configKeys = [
  'maxmemory',
  'save',
  'appendonly',
  'dir',
  'maxclients',
  'notify-keyspace-events',
];

/** Keys minus keys with a TTL, over every database, from INFO keyspace. */
function persistentKeys(info: string): number {
  let n = 0;
  for (const m of info.matchAll(/^db\d+:keys=(\d+),expires=(\d+)/gm)) {
    n += Number(m[1]) - Number(m[2]);
  }
  return n;
}

async function serverState(admin: IORedis): Promise<string> {
  const parts: string[] = [];
  for (const k of configKeys) parts.push(JSON.stringify(await admin.config('GET', k)));
  // Keys without a TTL: the app's retry answers ({q}:request:*, kept 60 s) from the fuzz before
  // expire while this runs, and a key expiring is not a change an intruder made.
  parts.push(`persistent keys=${persistentKeys(await admin.info('keyspace'))}`);
  parts.push(`canary=${await admin.get('chaos:canary')}`);
  parts.push(`role=${JSON.stringify(await admin.call('ROLE'))}`);
  parts.push(`acl=${JSON.stringify(await admin.call('ACL', 'LIST'))}`);
  return parts.join('\n');
}

/** The ways a command can travel to the bridge. */
function forms(cmd: string[]): { path: string; body?: string }[] {
  return [
    { path: '/', body: JSON.stringify(cmd) },
    { path: '/pipeline', body: JSON.stringify([['PING'], cmd]) },
    { path: '/multi-exec', body: JSON.stringify([['SET', 'chaos:tx', '1'], cmd]) },
    { path: `/${cmd.map(encodeURIComponent).join('/')}` },
  ];
}

export async function bridgeIsolation(report: ScenarioReport, stack: ChaosStack): Promise<void> {
  const { admin } = stack;
  await admin.set('chaos:canary', 'alive');
  const before = await serverState(admin);
  const auth = { authorization: `Bearer ${stack.token}` };

  let sent = 0;
  const accepted: string[] = [];
  for (const cmd of dangerous) {
    for (const form of forms(cmd)) {
      for (const encoding of [undefined, 'base64']) {
        const headers: Record<string, string> = { ...auth, 'content-type': 'application/json' };
        if (encoding) headers['upstash-encoding'] = encoding;
        const res = await send(stack.bridgeUrl, {
          method: 'POST',
          path: form.path,
          headers,
          ...(form.body === undefined ? {} : { body: form.body }),
        });
        sent++;
        // Refused: an error answer, or (pipeline) an error in the dangerous command's place.
        let refused = res.status >= 400;
        if (res.status === 200 && form.path === '/pipeline') {
          const entries = JSON.parse(res.body) as { error?: string }[];
          refused = entries[1]?.error !== undefined;
        }
        if (res.status === 0 || res.status >= 500) refused = false;
        if (!refused)
          accepted.push(`${form.path} ${cmd.join(' ')} → ${res.status} ${res.body.slice(0, 80)}`);
      }
    }
  }
  report.figures['bridge: server and connection commands sent (4 forms × 2 encodings)'] = sent;
  check(
    report,
    'the bridge refused every server or connection-state command in every form',
    accepted.length === 0,
    accepted.slice(0, 5).join(' | '),
  );
  const after = await serverState(admin);
  check(
    report,
    'Redis kept its data, configuration, role and users',
    after === before && (await admin.ping()) === 'PONG',
    after === before ? '' : after,
  );
  check(
    report,
    'no refused transaction left a write behind',
    (await admin.exists('chaos:tx')) === 0,
  );

  // The bridge's own auth, and its admin paths.
  const attempts: {
    headers: Record<string, string>;
    path: string;
    method: string;
    body?: string;
  }[] = [
    { method: 'POST', path: '/', headers: {}, body: '["GET","chaos:canary"]' },
    {
      method: 'POST',
      path: '/',
      headers: { authorization: 'Bearer wrong' },
      body: '["GET","chaos:canary"]',
    },
    {
      method: 'POST',
      path: '/',
      headers: { authorization: `Bearer ${stack.token}x` },
      body: '["GET","chaos:canary"]',
    },
    { method: 'POST', path: '/?_token=wrong', headers: {}, body: '["GET","chaos:canary"]' },
    { method: 'GET', path: '/get/chaos:canary', headers: {} },
    { method: 'GET', path: '//get/chaos:canary', headers: {} },
    { method: 'GET', path: '/./get/chaos:canary', headers: {} },
    { method: 'GET', path: '/%2e%2e/get/chaos:canary', headers: {} },
    { method: 'GET', path: '/__stats', headers: {} },
    { method: 'GET', path: '//__stats', headers: {} },
    { method: 'GET', path: '/__stats/', headers: {} },
    { method: 'GET', path: '/__STATS', headers: {} },
    { method: 'POST', path: '/__stats/reset', headers: {} },
    { method: 'POST', path: '/pipeline', headers: {}, body: '[["GET","chaos:canary"]]' },
    { method: 'POST', path: '/multi-exec', headers: {}, body: '[["GET","chaos:canary"]]' },
    { method: 'POST', path: '/subscribe/chaos', headers: {} },
  ];
  const leaks: string[] = [];
  for (const a of attempts) {
    const res = await send(stack.bridgeUrl, { ...a, timeoutMs: 3_000 });
    if (res.status < 400 || res.body.includes('alive'))
      leaks.push(`${a.method} ${a.path} → ${res.status}`);
  }
  check(
    report,
    'the bridge refused every request without its token',
    leaks.length === 0,
    leaks.join(', '),
  );

  // The switch: the same commands pass a bridge started with allowDangerousCommands.
  const open = await startBridge({
    redisUrl: stack.redisUrl,
    token: stack.token,
    port: 0,
    allowDangerousCommands: true,
    log: () => {},
  });
  try {
    const res = await send(open.url, {
      method: 'POST',
      path: '/',
      headers: auth,
      body: JSON.stringify(['CONFIG', 'GET', 'maxmemory']),
    });
    check(
      report,
      'a bridge started with allowDangerousCommands lets CONFIG through',
      res.status === 200 && res.body.includes('maxmemory'),
      `${res.status} ${res.body.slice(0, 80)}`,
    );
  } finally {
    await open.close();
  }

  report.figures['server commands a script can still run through EVAL (documented)'] =
    (await reachableFromScripts()).join(', ') || 'none';
}

/** On a throwaway server (FLUSHALL, SWAPDB and SHUTDOWN are among the attempts). */
async function reachableFromScripts(): Promise<string[]> {
  const redis = await startRedisServer();
  const bridge = await startBridge({ redisUrl: redis.url, token: 't', port: 0, log: () => {} });
  const reachable: string[] = [];
  try {
    for (const cmd of fromScript) {
      const script = `return redis.call(${cmd.map((c) => `'${c}'`).join(', ')})`;
      const res = await send(bridge.url, {
        method: 'POST',
        path: '/',
        headers: { authorization: 'Bearer t' },
        body: JSON.stringify(['EVAL', script, '0']),
        timeoutMs: 5_000,
      });
      if (res.status === 200) reachable.push(cmd.slice(0, 2).join(' '));
    }
  } finally {
    await bridge.close();
    await redis.stop();
  }
  return reachable;
}
