// startBridge(): an Upstash-compatible REST server in front of a Redis server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestHandler } from './app.js';
import { createTokenChecker } from './auth.js';
import { RedisConnections } from './connections.js';
import { CommandExecutor } from './executor.js';
import { type BridgeOptions, MAX_HEADERS_TIMEOUT_MS, resolveBridgeOptions } from './options.js';
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
/**
 * An idle keep-alive connection (one that has had a request) is kept this long: longer than the
 * 60 s idle timeout of the proxies usually put in front (AWS ALB, nginx's upstream keepalive),
 * so the proxy closes it first and never sends a request on a connection the bridge is closing
 * (a 502 for that request). A connection that never sends a request is cut by headersTimeout.
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * Node checks the header and request timeouts on a timer (every 30 s by default, so a 10 s limit
 * could hold for 40 s): check often enough for the limits to hold within a quarter of them.
 */
function timeoutCheckInterval(timeoutMs: number): number {
  return Math.max(50, Math.min(1_000, Math.floor(timeoutMs / 4)));
}

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
    log(
      `redis-http: Redis at ${connections.safeUrl} is not reachable yet; serving 503 until it is`,
    );
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
    maxPipelineCommands: opts.maxPipelineCommands,
    subscriberBacklogBytes: opts.subscriberBacklogBytes,
    streams,
    log,
  });

  // Slow clients: a request must arrive whole (headers and body) within requestTimeoutMs, its
  // headers within 10 s, or the client gets 408 and the connection is closed. Waiting for the
  // answer is not counted, so a BLPOP of any timeout and a subscription stream are never cut.
  const headersTimeout = Math.min(MAX_HEADERS_TIMEOUT_MS, opts.requestTimeoutMs);
  const server = createServer(
    {
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      headersTimeout,
      requestTimeout: opts.requestTimeoutMs,
      connectionsCheckingInterval: timeoutCheckInterval(headersTimeout),
      noDelay: true,
    },
    handler,
  );
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
