// startBridge(): an Upstash-compatible REST server in front of a Redis server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestHandler } from './app.js';
import { createTokenChecker } from './auth.js';
import { RedisConnections } from './connections.js';
import { CommandExecutor } from './executor.js';
import { type BridgeOptions, resolveBridgeOptions } from './options.js';
import { type BridgeStats, StatsCollector } from './stats.js';
import type { StreamRegistry } from './subscription-stream.js';

export interface BridgeHandle {
  /** Base URL for `new Redis({ url, token })`, e.g. `http://127.0.0.1:8079`. */
  readonly url: string;
  readonly port: number;
  stats(): BridgeStats;
  resetStats(): void;
  /** Stops accepting requests, ends subscription streams and closes the Redis connections. */
  close(): Promise<void>;
}

/** How long start-up waits for Redis before serving anyway (requests answer 503 until it is up). */
const REDIS_READY_WAIT_MS = 5_000;
/** How long close() lets in-flight requests finish before cutting connections. */
const CLOSE_GRACE_MS = 2_000;

const defaultLog = (line: string) => process.stderr.write(`${line}\n`);

function processCpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startBridge(options: BridgeOptions): Promise<BridgeHandle> {
  const opts = resolveBridgeOptions(options);
  const log = options.log ?? defaultLog;

  const connections = new RedisConnections({
    redisUrl: opts.redisUrl,
    commandTimeoutMs: opts.commandTimeoutMs,
    maxDedicatedConnections: opts.maxDedicatedConnections,
    log,
  });
  if (!(await connections.waitUntilReady(REDIS_READY_WAIT_MS))) {
    log(`redis-http: Redis at ${opts.redisUrl} is not reachable yet; serving 503 until it is`);
  }

  const stats = new StatsCollector();
  const statsSnapshot = (): BridgeStats => ({
    ...stats.snapshot(),
    cpuMs: processCpuMs(),
    connections: connections.describeConnections(),
  });
  const streams: StreamRegistry = new Set();
  const executor = new CommandExecutor(connections, stats, {
    allowDangerousCommands: opts.allowDangerousCommands,
    commandTimeoutMs: opts.commandTimeoutMs,
  });
  const handler = createRequestHandler({
    executor,
    connections,
    stats,
    statsSnapshot,
    checkToken: createTokenChecker(opts.token),
    bodyLimitBytes: opts.bodyLimitBytes,
    answerLimitBytes: opts.answerLimitBytes,
    streams,
    log,
  });

  const server = createServer({ keepAliveTimeout: 30_000, noDelay: true }, handler);
  let port: number;
  try {
    port = await listen(server, opts.port, opts.host);
  } catch (err) {
    await connections.close();
    throw err;
  }
  // A wildcard bind is reached through loopback.
  const urlHost = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  const url = `http://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    stats: statsSnapshot,
    resetStats: () => stats.reset(),
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const end of [...streams]) end();
        server.closeIdleConnections();
        const grace = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        await closed;
        clearTimeout(grace);
        await connections.close();
      })();
      return closing;
    },
  };
}
