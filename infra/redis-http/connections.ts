// The bridge's Redis connections. One shared connection carries every ordinary command,
// pipeline and transaction (Redis executes a connection's commands in order, so writing a whole
// batch at once keeps it contiguous). Blocking commands and subscriptions get connections of
// their own, so a BLPOP waiting 30 s or a subscriber never holds up anyone else.
//
// Failure policy: fail fast. No offline queue (a command sent while Redis is down is rejected
// at once), in-flight commands are rejected when the connection drops instead of being resent
// (a resent INCR could apply twice), and the shared connection keeps reconnecting in the
// background so service resumes by itself when Redis comes back.
import { Command, Redis, type RedisOptions } from 'ioredis';
import { RedisUnavailableError } from './errors.js';
import { redactRedisUrl } from './options.js';
import type { RedisReply } from './resp-encoding.js';

/** A command whose reply ioredis hands over untouched (no HGETALL-to-object and the like). */
class RawCommand extends Command {
  override transformReply(result: Buffer | Buffer[]): Buffer | Buffer[] {
    return result;
  }
}

/** Writes one command and resolves with its raw reply (rejects with a ReplyError or a connection error). */
export function sendRaw(
  connection: Redis,
  name: string,
  args: readonly (string | Buffer)[],
): Promise<RedisReply> {
  const command = new RawCommand(name, [...args]);
  connection.sendCommand(command);
  return command.promise as Promise<RedisReply>;
}

/**
 * Runs `write` with the socket corked, so a batch of commands leaves in one write (one TCP
 * segment when it fits) instead of one syscall per command.
 */
export function corked<T>(connection: Redis, write: () => T): T {
  const stream = connection.stream as Redis['stream'] | undefined;
  stream?.cork();
  try {
    return write();
  } finally {
    stream?.uncork();
  }
}

export interface RedisConnectionsOptions {
  readonly redisUrl: string;
  /** Shared-connection commands failing after this long answer 504 (blocking commands: no limit). */
  readonly commandTimeoutMs: number;
  /** Upper bound on connections opened for blocking commands and subscriptions together. */
  readonly maxDedicatedConnections: number;
  readonly log: (line: string) => void;
}

/** A dedicated connection lent to one request. */
export interface DedicatedLease {
  readonly connection: Redis;
  /** Gives it back: to the idle pool when `reusable`, otherwise it is closed. */
  release(reusable: boolean): void;
}

const BASE_OPTIONS: RedisOptions = {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  autoResubscribe: false,
  stringNumbers: true,
  connectTimeout: 2_000,
  connectionName: 'edgekue-redis-http',
};

const MAX_IDLE_DEDICATED = 8;

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class RedisConnections {
  readonly shared: Redis;
  private readonly idle: Redis[] = [];
  private dedicatedCount = 0;
  private closed = false;
  private wasReady = false;
  /** The last connection failure logged, so a retry failing the same way is not logged again. */
  private lastFailure: string | undefined;
  /** The Redis URL as logs show it (no password). */
  readonly safeUrl: string;

  constructor(private readonly options: RedisConnectionsOptions) {
    this.safeUrl = redactRedisUrl(options.redisUrl);
    this.shared = new Redis(options.redisUrl, {
      ...BASE_OPTIONS,
      commandTimeout: options.commandTimeoutMs,
      // Reconnect quickly but without hammering a server that is down.
      retryStrategy: (attempt) => Math.min(50 * attempt, 1_000),
    });
    // ioredis emits 'error' on every failed reconnect; log the transitions and each new reason
    // (a wrong password, WRONGPASS/NOAUTH, would otherwise only show as 503s), not each attempt.
    this.shared.on('error', (err) => {
      const reason = this.scrub(describe(err));
      if (this.wasReady) {
        options.log(`redis-http: lost Redis at ${this.safeUrl}: ${reason}`);
      } else if (reason !== this.lastFailure) {
        options.log(`redis-http: cannot connect to Redis at ${this.safeUrl}: ${reason}`);
      }
      this.lastFailure = reason;
      this.wasReady = false;
    });
    this.shared.on('ready', () => {
      if (!this.wasReady) options.log(`redis-http: connected to Redis at ${this.safeUrl}`);
      this.wasReady = true;
      this.lastFailure = undefined;
    });
    this.shared.connect().catch(() => {
      // Not fatal: the retry strategy keeps trying, and requests answer 503 meanwhile.
    });
  }

  /** Resolves true once the shared connection is ready, false if `timeoutMs` passes first. */
  async waitUntilReady(timeoutMs: number): Promise<boolean> {
    if (this.shared.status === 'ready') return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.shared.off('ready', onReady);
        resolve(false);
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.shared.once('ready', onReady);
    });
  }

  /** An error text without the password of the Redis URL, should it ever quote it. */
  private scrub(text: string): string {
    let password = '';
    try {
      password = decodeURIComponent(new URL(this.options.redisUrl).password);
    } catch {
      // no password to hide
    }
    return password ? text.split(password).join('***') : text;
  }

  /** Whether the shared connection is up, from its known state (no command is sent). */
  isSharedReady(): boolean {
    return this.shared.status === 'ready';
  }

  /** Fails fast (503) when the shared connection is not up, before anything is sent. */
  assertSharedReady(): void {
    if (this.shared.status !== 'ready') {
      throw new RedisUnavailableError(`connection is ${this.shared.status}`);
    }
  }

  /** Opens a connection that is not shared and does not reconnect (its owner decides its fate). */
  private async openDedicated(): Promise<Redis> {
    if (this.closed) throw new RedisUnavailableError('the bridge is shutting down');
    if (this.dedicatedCount >= this.options.maxDedicatedConnections) {
      throw new RedisUnavailableError(
        `too many blocking commands and subscriptions at once (limit ${this.options.maxDedicatedConnections})`,
      );
    }
    this.dedicatedCount++;
    const connection = new Redis(this.options.redisUrl, {
      ...BASE_OPTIONS,
      retryStrategy: () => null,
    });
    connection.on('error', () => {
      // Surfaced through the pending command or the 'end' event.
    });
    connection.once('end', () => {
      this.dedicatedCount--;
      const index = this.idle.indexOf(connection);
      if (index >= 0) this.idle.splice(index, 1);
    });
    try {
      await connection.connect();
    } catch (err) {
      connection.disconnect();
      throw new RedisUnavailableError(describe(err));
    }
    return connection;
  }

  /** Lends a connection for blocking commands: an idle one if any, else a new one. */
  async leaseDedicated(): Promise<DedicatedLease> {
    let connection = this.idle.pop();
    while (connection && connection.status !== 'ready') {
      connection.disconnect();
      connection = this.idle.pop();
    }
    connection ??= await this.openDedicated();
    const leased = connection;
    let released = false;
    return {
      connection: leased,
      release: (reusable) => {
        if (released) return;
        released = true;
        if (
          reusable &&
          !this.closed &&
          leased.status === 'ready' &&
          this.idle.length < MAX_IDLE_DEDICATED
        ) {
          this.idle.push(leased);
        } else {
          leased.disconnect();
        }
      },
    };
  }

  /** Opens a connection for one subscription stream; the caller disconnects it when done. */
  openSubscriber(): Promise<Redis> {
    return this.openDedicated();
  }

  /** Counts of open connections, for /__stats. */
  describeConnections(): { shared: string; dedicated: number; idleDedicated: number } {
    return {
      shared: this.shared.status,
      dedicated: this.dedicatedCount,
      idleDedicated: this.idle.length,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const connection of this.idle.splice(0)) connection.disconnect();
    try {
      if (this.shared.status === 'ready') await this.shared.quit();
    } catch {
      // fall through to a hard disconnect
    }
    this.shared.disconnect();
  }
}
