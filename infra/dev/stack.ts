// The whole local stack behind `npm start` (started by ./start.ts, in its own process group):
// redis-server (data in .data/redis, or EDGEKUE_DATA_DIR; or REDIS_URL's, or an Upstash database from
// UPSTASH_REDIS_REST_URL/_TOKEN), the Upstash-compatible HTTP bridge, the local QStash stand-in,
// and the Worker under `wrangler dev` (workerd) with the demo handlers, its cron driven every minute and wake-ups through QStash in between, plus a
// trickle of demo jobs. Prints one stdout line, `ready <url>` (dashboard and JSON API, open to
// loopback without credentials); everything else goes to stderr. Ctrl-C stops it all.
//
//   npm start                 with demo jobs (on a Redis of its own; see demoWanted)
//   npm start -- --no-demo    without them
//   npm start -- --demo       with them on UPSTASH_REDIS_REST_URL's or REDIS_URL's database too
import { randomBytes } from 'node:crypto';
import { join, relative, resolve } from 'node:path';
import { createQueue, DATA_FORMAT } from '../../core/index.js';
import { type QStashHandle, startQStash } from '../qstash/index.js';
import { type BridgeHandle, startBridge } from '../redis-http/index.js';
import { findFreePort, type RedisServerHandle, startRedisServer } from '../redis-server/index.js';
import { driveCron } from './cron.js';
import { lockDataDir, prepareDataDir } from './data-dir.js';
import { demoWanted, startDemoJobs } from './demo-jobs.js';
import { startWranglerDev, type WranglerDev } from './wrangler-dev.js';

const root = join(import.meta.dirname, '..', '..');
const secret = (label: string) => `${label}_${randomBytes(18).toString('hex')}`;
const say = (line: string) => process.stderr.write(`start: ${line}\n`);
const SHUTDOWN_TIMEOUT_MS = 20_000;

const stops: (() => Promise<void> | void)[] = [];
let shuttingDown: Promise<void> | undefined;

function shutdown(code: number): Promise<void> {
  shuttingDown ??= (async () => {
    say('stopping…');
    const force = setTimeout(() => {
      say('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        say(`while stopping: ${String(error)}`);
      }
    }
    clearTimeout(force);
    say('stopped');
    process.exit(code);
  })();
  return shuttingDown;
}

// Stop when asked, and when the launcher goes away however it goes (its pipe to us closes).
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.stdin.on('end', () => void shutdown(0));
process.stdin.on('error', () => void shutdown(0));
process.stdin.resume();

/**
 * The HTTP Redis the stack uses: a real Upstash database when UPSTASH_REDIS_REST_URL and _TOKEN
 * are set; else the bridge, in front of REDIS_URL when set, or of a redis-server of our own.
 */
async function httpRedis(): Promise<{ url: string; token: string; own: boolean }> {
  const { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token, REDIS_URL } = process.env;
  if (url && token) {
    say(`using the HTTP Redis at ${url} (UPSTASH_REDIS_REST_URL)`);
    return { url, token, own: false };
  }
  let redisUrl = REDIS_URL;
  if (redisUrl) {
    say(`using the Redis at ${redisUrl} (REDIS_URL)`);
  } else {
    // EDGEKUE_DATA_DIR: another directory, so that two stacks (a second clone's, a test's) never
    // share one redis-server's files.
    const dataDir = process.env.EDGEKUE_DATA_DIR
      ? resolve(process.env.EDGEKUE_DATA_DIR)
      : join(root, '.data', 'redis');
    const shown = relative(root, dataDir).startsWith('..') ? dataDir : relative(root, dataDir);
    stops.push(lockDataDir(dataDir));
    const moved = prepareDataDir(dataDir, DATA_FORMAT);
    if (moved.movedTo) {
      say(
        `${shown} held data of format ${moved.previous} (this code writes ${DATA_FORMAT}): ` +
          `moved to ${moved.movedTo}, starting empty`,
      );
    }
    say(`starting redis-server (data in ${shown})`);
    const redis: RedisServerHandle = await startRedisServer({ dataDir });
    stops.push(() => redis.stop());
    say(`redis-server on ${redis.url}`);
    redisUrl = redis.url;
  }
  const bridgeToken = secret('redis');
  const bridge: BridgeHandle = await startBridge({
    redisUrl,
    token: bridgeToken,
    log: (line) => say(`redis-http: ${line}`),
  });
  stops.push(() => bridge.close());
  say(`redis-http bridge on ${bridge.url}`);
  say(
    `scripts reach it with UPSTASH_REDIS_REST_URL=${bridge.url} UPSTASH_REDIS_REST_TOKEN=${bridgeToken}`,
  );
  return { url: bridge.url, token: bridgeToken, own: !REDIS_URL };
}

async function main(): Promise<void> {
  const http = await httpRedis();
  const demo = demoWanted(process.argv, http.own);
  // EDGEKUE_PREFIX: the queue's keys in a database of your own (wrangler.toml's is "q").
  const prefix = process.env.EDGEKUE_PREFIX || 'q';
  if (!http.own) {
    say(
      `the Worker runs functions/handlers.ts' handlers (the demo's, unless you replaced them) on that database's queue "${prefix}" (EDGEKUE_PREFIX), and its cron recovers the queue's expired leases`,
    );
  }

  const qstashToken = secret('qstash');
  const signing = { currentSigningKey: secret('sig'), nextSigningKey: secret('sig') };
  const qstash: QStashHandle = await startQStash({
    token: qstashToken,
    ...signing,
    log: (line) => say(line),
  });
  stops.push(() => qstash.close());
  say(`QStash stand-in on ${qstash.url}`);

  const port = await findFreePort();
  say('starting the Worker under wrangler dev (workerd)…');
  const worker: WranglerDev = await startWranglerDev({
    root,
    port,
    vars: {
      UPSTASH_REDIS_REST_URL: http.url,
      UPSTASH_REDIS_REST_TOKEN: http.token,
      EDGEKUE_PREFIX: prefix,
      EDGEKUE_WORKER_URL: `http://127.0.0.1:${port}/work`,
      EDGEKUE_WORKER_SECRET: secret('worker'),
      QSTASH_URL: qstash.url,
      QSTASH_TOKEN: qstashToken,
      QSTASH_CURRENT_SIGNING_KEY: signing.currentSigningKey,
      QSTASH_NEXT_SIGNING_KEY: signing.nextSigningKey,
    },
    log: (line) => process.stderr.write(`wrangler: ${line}\n`),
  });
  stops.push(() => worker.stop());
  // Stopped first (stops run in reverse): no delivery goes out to a Worker on its way down.
  stops.push(() => qstash.close());

  const cron = driveCron(worker.url, say);
  stops.push(() => cron.stop());

  if (demo) {
    const queue = createQueue({ url: http.url, token: http.token }, { prefix });
    const jobs = startDemoJobs(worker.url, queue, say);
    stops.push(() => jobs.stop());
    say('creating demo jobs (npm start -- --no-demo to skip)');
  } else if (!http.own) {
    say('no demo jobs on a database of yours (npm start -- --demo to create them anyway)');
  }

  process.stdout.write(`ready ${worker.url}/\n`);
  say('Ctrl-C stops everything');
}

main().catch((error: unknown) => {
  say(`failed: ${error instanceof Error ? error.message : String(error)}`);
  void shutdown(1);
});
