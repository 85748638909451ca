#!/usr/bin/env node
// `edgekue-redis-http --port 8079 ...` (the package's bin), in a checkout
// `npm run redis-http -- --port 8079 [--host 127.0.0.1] [--allow-dangerous] [--body-limit BYTES]
//   [--answer-limit BYTES] [--max-pipeline N] [--subscriber-backlog BYTES] [--request-timeout MS]`
// with the token and Redis URL from UPSTASH_REDIS_REST_TOKEN and REDIS_URL (or --token and
// --redis-url, which any user of the machine can read in `ps`).
//
// Runs the bridge in the foreground, in front of the given Redis (--redis-url or REDIS_URL) or
// of a throwaway redis-server it starts itself. Prints exactly one line on stdout,
// `ready <url>`, once it serves; everything else goes to stderr. Ctrl-C / SIGTERM stops both.
import { z } from 'zod';
import { integer, nonEmpty, readFlags, refuseCommandLine } from '../cli-flags.js';
import { type RedisServerHandle, startRedisServer } from '../redis-server/index.js';
import {
  DEFAULT_ANSWER_LIMIT_BYTES,
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_MAX_PIPELINE_COMMANDS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_SUBSCRIBER_BACKLOG_BYTES,
} from './options.js';
import { type BridgeHandle, startBridge } from './server.js';

const USAGE = `usage: edgekue-redis-http [--port 8079] [--host 127.0.0.1] [--token TOKEN]
       [--redis-url redis://host:port] [--allow-dangerous] [--body-limit BYTES]
       [--answer-limit BYTES] [--max-pipeline N] [--subscriber-backlog BYTES]
       [--request-timeout MS]
       (in edgekue's checkout: npm run redis-http -- [flags])

  --port             HTTP port (0 = any free port; default 8079)
  --host             interface to listen on (default 127.0.0.1)
  --token            bearer token clients must present (default: $UPSTASH_REDIS_REST_TOKEN or
                     local_token); prefer the variable: arguments show in ps
  --redis-url        Redis to serve (default: $REDIS_URL, else a throwaway redis-server started
                     here); prefer the variable when the URL holds a password
  --allow-dangerous  let FLUSHALL, CONFIG, SCRIPT FLUSH... through (never on a shared Redis)
  --body-limit       largest request body in bytes (default ${DEFAULT_BODY_LIMIT_BYTES})
  --answer-limit     largest answer of one command in bytes, as Upstash's max request size
                     (default ${DEFAULT_ANSWER_LIMIT_BYTES})
  --max-pipeline     most commands in one pipeline or transaction (default ${DEFAULT_MAX_PIPELINE_COMMANDS})
  --subscriber-backlog
                     unsent bytes a subscription stream may hold before it is cut
                     (default ${DEFAULT_SUBSCRIBER_BACKLOG_BYTES}, Redis' pubsub hard limit)
  --request-timeout  ms a client has to send a whole request; 408 after (default ${DEFAULT_REQUEST_TIMEOUT_MS})`;

const CliSchema = z.object({
  port: integer('--port', 0, 65_535).default(8079),
  host: nonEmpty('--host').default('127.0.0.1'),
  token: nonEmpty('--token'),
  redisUrl: z.string().optional(),
  allowDangerous: z.boolean().default(false),
  bodyLimit: integer('--body-limit', 1, 1024 * 1024 * 1024).default(DEFAULT_BODY_LIMIT_BYTES),
  answerLimit: integer('--answer-limit', 1, 1024 * 1024 * 1024).default(DEFAULT_ANSWER_LIMIT_BYTES),
  maxPipeline: integer('--max-pipeline', 1, 10_000_000).default(DEFAULT_MAX_PIPELINE_COMMANDS),
  subscriberBacklog: integer('--subscriber-backlog', 1, 1024 * 1024 * 1024).default(
    DEFAULT_SUBSCRIBER_BACKLOG_BYTES,
  ),
  requestTimeout: integer('--request-timeout', 100, 3_600_000).default(DEFAULT_REQUEST_TIMEOUT_MS),
});

function parseCli(argv: string[]): z.output<typeof CliSchema> {
  const options = {
    port: { type: 'string' },
    host: { type: 'string' },
    token: { type: 'string' },
    'redis-url': { type: 'string' },
    'allow-dangerous': { type: 'boolean' },
    'body-limit': { type: 'string' },
    'answer-limit': { type: 'string' },
    'max-pipeline': { type: 'string' },
    'subscriber-backlog': { type: 'string' },
    'request-timeout': { type: 'string' },
  } as const;
  return readFlags(argv, USAGE, options, CliSchema, (values) => ({
    port: values.port,
    host: values.host,
    token: values.token ?? process.env.UPSTASH_REDIS_REST_TOKEN ?? 'local_token',
    redisUrl: values['redis-url'] ?? (process.env.REDIS_URL || undefined),
    allowDangerous: values['allow-dangerous'],
    bodyLimit: values['body-limit'],
    answerLimit: values['answer-limit'],
    maxPipeline: values['max-pipeline'],
    subscriberBacklog: values['subscriber-backlog'],
    requestTimeout: values['request-timeout'],
  }));
}

async function main(): Promise<void> {
  let options: z.output<typeof CliSchema>;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (err) {
    refuseCommandLine('redis-http', USAGE, err);
  }

  let redis: RedisServerHandle | undefined;
  let bridge: BridgeHandle | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) {
      // A second Ctrl-C: stop waiting (Redis still gets SIGTERM from the exit hook).
      process.exit(code);
    }
    stopping = true;
    await bridge?.close().catch(() => {});
    await redis?.stop().catch(() => {});
    process.exit(code);
  };
  // A requested stop is a clean exit, not a failure.
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    let redisUrl = options.redisUrl;
    if (!redisUrl) {
      redis = await startRedisServer();
      redisUrl = redis.url;
      process.stderr.write(`redis-http: started a throwaway redis-server at ${redisUrl}\n`);
    }
    bridge = await startBridge({
      redisUrl,
      token: options.token,
      port: options.port,
      host: options.host,
      bodyLimitBytes: options.bodyLimit,
      answerLimitBytes: options.answerLimit,
      maxPipelineCommands: options.maxPipeline,
      subscriberBacklogBytes: options.subscriberBacklog,
      requestTimeoutMs: options.requestTimeout,
      allowDangerousCommands: options.allowDangerous,
    });
    if (stopping) return;
    process.stdout.write(`ready ${bridge.url}\n`);
  } catch (err) {
    process.stderr.write(`redis-http: ${err instanceof Error ? err.message : String(err)}\n`);
    await shutdown(1);
  }
}

await main();
