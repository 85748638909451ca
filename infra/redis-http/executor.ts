// Runs parsed commands against Redis and turns what comes back into per-command outcomes.
// Redis errors (`WRONGTYPE`, `NOSCRIPT`, Lua errors) are outcomes: they belong to one command
// and pass through verbatim. Connection failures are not: they fail the whole request (503),
// because the client must not mistake "Redis was unreachable" for an answer.
import { type Redis, ReplyError } from 'ioredis';
import type { RedisCommand } from './command-input.js';
import { type CommandVerdict, classifyCommand } from './command-policy.js';
import { corked, type RedisConnections, sendRaw } from './connections.js';
import {
  BridgeHttpError,
  CommandRefusedError,
  RedisTimeoutError,
  RedisUnavailableError,
  TransactionAbortedError,
} from './errors.js';
import type { CommandOutcome, RedisReply } from './resp-encoding.js';
import type { StatsCollector } from './stats.js';

// ioredis types ReplyError as `any`; this is the class its parser really throws.
const RedisServerReplyError = ReplyError as ErrorConstructor;

function isReplyError(err: unknown): err is Error {
  return err instanceof RedisServerReplyError;
}

export interface ExecutorOptions {
  readonly allowDangerousCommands: boolean;
  readonly commandTimeoutMs: number;
}

/** A command of a batch, already judged by the policy. */
interface JudgedCommand {
  readonly command: RedisCommand;
  readonly verdict: CommandVerdict;
}

/** Pending reply of a command that was sent, or the refusal of one that was not. */
type Pending = Promise<CommandOutcome> | CommandOutcome;

export class CommandExecutor {
  constructor(
    private readonly connections: RedisConnections,
    private readonly stats: StatsCollector,
    private readonly options: ExecutorOptions,
  ) {}

  private judge(commands: readonly RedisCommand[]): JudgedCommand[] {
    return commands.map((command) => ({
      command,
      verdict: classifyCommand(command, {
        allowDangerousCommands: this.options.allowDangerousCommands,
      }),
    }));
  }

  /** Maps a connection-level failure to the HTTP error that reports it. */
  private connectionFailure(err: unknown): BridgeHttpError {
    if (err instanceof BridgeHttpError) return err;
    const message = err instanceof Error ? err.message : String(err);
    // ioredis' wording for "the connection dropped with this command in flight" (we allow 0 retries).
    if (err instanceof Error && err.name === 'MaxRetriesPerRequestError') {
      return new RedisUnavailableError('the connection to Redis was lost during the command');
    }
    if (message === 'Command timed out')
      return new RedisTimeoutError(this.options.commandTimeoutMs);
    return new RedisUnavailableError(message);
  }

  /** Sends without awaiting; the promise never rejects for Redis errors, only for connection ones. */
  private send(connection: Redis, command: RedisCommand): Promise<CommandOutcome> {
    this.stats.countCommand(command.name);
    return sendRaw(connection, command.name, command.args).then(
      (reply): CommandOutcome => ({ ok: true, reply }),
      (err: unknown): CommandOutcome => {
        if (isReplyError(err)) return { ok: false, error: err.message };
        throw this.connectionFailure(err);
      },
    );
  }

  /**
   * Runs a batch in order and answers one outcome per command. Refused commands get their
   * error and the others still run. The batch goes to Redis in one write on the shared
   * connection, or, if any command blocks, on a dedicated connection (released when done, or
   * closed when `signal` reports that the HTTP client went away).
   */
  async runPipeline(
    commands: readonly RedisCommand[],
    signal?: AbortSignal,
  ): Promise<CommandOutcome[]> {
    const judged = this.judge(commands);
    const blocking = judged.some((j) => j.verdict.kind === 'blocking');
    const dispatch = (connection: Redis): Pending[] =>
      corked(connection, () =>
        judged.map(({ command, verdict }) =>
          verdict.kind === 'refused'
            ? { ok: false as const, error: verdict.message }
            : this.send(connection, command),
        ),
      );

    if (!blocking) {
      this.connections.assertSharedReady();
      return this.settle(dispatch(this.connections.shared));
    }
    const lease = await this.connections.leaseDedicated();
    if (signal?.aborted) {
      // The client left while we were connecting: do not start a wait nobody will read.
      lease.release(true);
      throw new RedisUnavailableError('the client went away before the command was sent');
    }
    const onAbort = () => lease.release(false);
    signal?.addEventListener('abort', onAbort, { once: true });
    let reusable = false;
    try {
      const outcomes = await this.settle(dispatch(lease.connection));
      reusable = true;
      return outcomes;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      lease.release(reusable && !signal?.aborted);
    }
  }

  /** One command: its Redis error becomes the request's error (400), like on Upstash. */
  async runCommand(command: RedisCommand, signal?: AbortSignal): Promise<CommandOutcome> {
    const verdict = classifyCommand(command, this.options);
    if (verdict.kind === 'refused') throw new CommandRefusedError(verdict.message);
    const [outcome] = await this.runPipeline([command], signal);
    return outcome as CommandOutcome;
  }

  /**
   * MULTI, the commands and EXEC, written at once on the shared connection. Redis queues
   * everything a connection sends between MULTI and EXEC, and since the block is contiguous in
   * the connection's stream, nothing from another request can land inside it. Blocking commands
   * do not block inside a transaction, so no dedicated connection is needed. The transaction
   * is refused as a whole if any command is refused, and discarded (EXECABORT) if Redis rejects
   * one while queuing; then nothing ran.
   */
  async runTransaction(commands: readonly RedisCommand[]): Promise<CommandOutcome[]> {
    const judged = this.judge(commands);
    judged.forEach(({ verdict }, index) => {
      if (verdict.kind === 'refused') {
        throw new CommandRefusedError(
          `${verdict.message} (command ${index + 1} of the transaction)`,
        );
      }
    });
    this.connections.assertSharedReady();
    const shared = this.connections.shared;
    const { begin, queued, exec } = corked(shared, () => {
      const begin = sendRaw(shared, 'multi', []);
      const queued = commands.map((command) => {
        this.stats.countCommand(command.name);
        // Resolves with the queuing error of a command Redis refused to queue, if any.
        return sendRaw(shared, command.name, command.args).then(
          () => undefined,
          (err: unknown) => {
            if (isReplyError(err)) return err.message;
            throw err;
          },
        );
      });
      const exec = sendRaw(shared, 'exec', []);
      return { begin, queued, exec };
    });

    // Collect everything before deciding, so no rejection is left unobserved.
    const [beginResult, queueResults, execResult] = await Promise.allSettled([
      begin,
      Promise.all(queued),
      exec,
    ]);
    for (const result of [beginResult, queueResults]) {
      if (result.status === 'rejected') throw this.connectionFailure(result.reason);
    }
    if (execResult.status === 'rejected') {
      const err: unknown = execResult.reason;
      if (!isReplyError(err)) throw this.connectionFailure(err);
      const queueErrors = queueResults.status === 'fulfilled' ? queueResults.value : [];
      const firstBad = queueErrors.findIndex((e) => e !== undefined);
      const cause =
        firstBad >= 0
          ? ` (command ${firstBad + 1}, ${commands[firstBad]?.name}: ${queueErrors[firstBad]})`
          : '';
      throw new TransactionAbortedError(`${err.message}${cause}`);
    }
    const replies = execResult.value;
    if (!Array.isArray(replies)) {
      throw new TransactionAbortedError(
        'EXECABORT Transaction discarded (EXEC returned no results)',
      );
    }
    return replies.map(
      (reply: RedisReply): CommandOutcome =>
        reply instanceof Error ? { ok: false, error: reply.message } : { ok: true, reply },
    );
  }

  /** Awaits every pending outcome; the first connection failure fails the request. */
  private async settle(pending: Pending[]): Promise<CommandOutcome[]> {
    const settled = await Promise.allSettled(pending);
    const outcomes: CommandOutcome[] = [];
    for (const result of settled) {
      if (result.status === 'rejected') throw this.connectionFailure(result.reason);
      outcomes.push(result.value);
    }
    return outcomes;
  }
}
