// `npm run qstash -- [--port 8080] [--token TOKEN] [--current-signing-key KEY]
//   [--next-signing-key KEY] [--retries N] [--retry-delay-ms MS] [--host 127.0.0.1]`
//
// Runs the QStash stand-in in the foreground. Once it serves, stdout gets `ready <url>` and then
// the four variables a publisher and a receiver need, one `NAME=value` a line; everything else
// (deliveries given up on) goes to stderr. Ctrl-C / SIGTERM stops it.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { integer, nonEmpty, readFlags, refuseCommandLine } from '../cli-flags.js';
import { type QStashHandle, startQStash } from './server.js';

const USAGE = `usage: npm run qstash -- [--port 8080] [--host 127.0.0.1] [--token TOKEN]
       [--current-signing-key KEY] [--next-signing-key KEY] [--retries N] [--retry-delay-ms MS]

  --port                 HTTP port (0 = any free port; default 8080, as QStash's own dev server)
  --host                 interface to listen on (default 127.0.0.1)
  --token                what publishers present (default: $QSTASH_TOKEN, else a random one)
  --current-signing-key  signs deliveries (default: $QSTASH_CURRENT_SIGNING_KEY, else random)
  --next-signing-key     the key after it (default: $QSTASH_NEXT_SIGNING_KEY, else random)
  --retries              retries of a failed delivery when a message sets none (default 3)
  --retry-delay-ms       a fixed wait between attempts (default: QStash's backoff, 1 s, 12 s,
                         2 min 28 s...)`;

const CliSchema = z.object({
  port: integer('--port', 0, 65_535).default(8080),
  host: nonEmpty('--host').default('127.0.0.1'),
  token: nonEmpty('--token'),
  currentSigningKey: nonEmpty('--current-signing-key'),
  nextSigningKey: nonEmpty('--next-signing-key'),
  retries: integer('--retries', 0, 10).optional(),
  retryDelayMs: integer('--retry-delay-ms', 0, 86_400_000).optional(),
});

const random = (kind: string) => `${kind}_${randomBytes(16).toString('hex')}`;
const fromEnv = (name: string) => process.env[name] || undefined;

function parseCli(argv: string[]): z.output<typeof CliSchema> {
  const options = {
    port: { type: 'string' },
    host: { type: 'string' },
    token: { type: 'string' },
    'current-signing-key': { type: 'string' },
    'next-signing-key': { type: 'string' },
    retries: { type: 'string' },
    'retry-delay-ms': { type: 'string' },
  } as const;
  return readFlags(argv, USAGE, options, CliSchema, (values) => ({
    port: values.port,
    host: values.host,
    token: values.token ?? fromEnv('QSTASH_TOKEN') ?? random('qstash_token'),
    currentSigningKey:
      values['current-signing-key'] ?? fromEnv('QSTASH_CURRENT_SIGNING_KEY') ?? random('sig'),
    nextSigningKey:
      values['next-signing-key'] ?? fromEnv('QSTASH_NEXT_SIGNING_KEY') ?? random('sig'),
    retries: values.retries,
    retryDelayMs: values['retry-delay-ms'],
  }));
}

async function main(): Promise<void> {
  let options: z.output<typeof CliSchema>;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (err) {
    refuseCommandLine('qstash', USAGE, err);
  }

  let qstash: QStashHandle | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) process.exit(code);
    stopping = true;
    await qstash?.close().catch(() => {});
    process.exit(code);
  };
  // A requested stop is a clean exit, not a failure.
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    qstash = await startQStash({
      ...options,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    if (stopping) return;
    process.stdout.write(
      [
        `ready ${qstash.url}`,
        `QSTASH_URL=${qstash.url}`,
        `QSTASH_TOKEN=${options.token}`,
        `QSTASH_CURRENT_SIGNING_KEY=${options.currentSigningKey}`,
        `QSTASH_NEXT_SIGNING_KEY=${options.nextSigningKey}`,
        '',
      ].join('\n'),
    );
  } catch (err) {
    process.stderr.write(`qstash: ${err instanceof Error ? err.message : String(err)}\n`);
    await shutdown(1);
  }
}

await main();
