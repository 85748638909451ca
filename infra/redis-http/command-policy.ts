// Which commands the bridge runs, and where. The bridge multiplexes many HTTP requests over a
// few Redis connections, so a command may not change a connection's state (the next request
// would inherit it), may not block a shared connection (every other request would wait behind
// it), and, unless the operator opts in, may not reach beyond the data (config, persistence,
// replication, shutdown).
import type { RedisCommand } from './command-input.js';

export type CommandVerdict =
  /** Runs on the shared connection. */
  | { readonly kind: 'shared' }
  /** Runs on a connection of its own so its wait stalls nobody. */
  | { readonly kind: 'blocking' }
  | { readonly kind: 'refused'; readonly message: string };

export interface CommandPolicyOptions {
  readonly allowDangerousCommands: boolean;
}

/** Commands whose effect is the state of the connection they run on. */
const CONNECTION_STATE = new Set([
  'select',
  'multi',
  'exec',
  'discard',
  'watch',
  'unwatch',
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'unsubscribe',
  'punsubscribe',
  'sunsubscribe',
  'monitor',
  'quit',
  'reset',
  'hello',
  'auth',
  'client',
  'sync',
  'psync',
  'replconf',
  // WAIT/WAITAOF wait for the writes of *their* connection, which here is everyone's.
  'wait',
  'waitaof',
  'readonly',
  'readwrite',
  'asking',
]);

/**
 * Subcommands that change the state of their connection: SCRIPT DEBUG puts it in the Lua
 * debugger, and every request after it on the shared connection got the debugger's answers
 * (SYNC mode froze the whole server for every client). Refused even with allowDangerousCommands:
 * no operator can use them through a connection others share.
 */
const CONNECTION_STATE_SUBCOMMANDS: Readonly<Record<string, ReadonlySet<string>>> = {
  script: new Set(['debug']),
};

/** Commands that wait server-side until data arrives or their timeout passes. */
const ALWAYS_BLOCKING = new Set([
  'blpop',
  'brpop',
  'brpoplpush',
  'blmove',
  'blmpop',
  'bzpopmin',
  'bzpopmax',
  'bzmpop',
]);

/** Server administration: refused unless `allowDangerousCommands`. */
const DANGEROUS = new Set([
  'config',
  'flushall',
  'flushdb',
  'debug',
  'shutdown',
  'replicaof',
  'slaveof',
  'failover',
  'cluster',
  'module',
  'acl',
  'save',
  'bgsave',
  'bgrewriteaof',
  'migrate',
  'swapdb',
  'move',
  'pfdebug',
  'pfselftest',
]);

/** Subcommands that wipe or interrupt server-wide state. SCRIPT LOAD/EXISTS stay allowed. */
const DANGEROUS_SUBCOMMANDS: Readonly<Record<string, ReadonlySet<string>>> = {
  script: new Set(['flush', 'kill']),
  function: new Set(['flush', 'delete', 'kill', 'restore']),
};

function subcommandOf(command: RedisCommand): string {
  const first = command.args[0];
  return first === undefined ? '' : first.toString().toLowerCase();
}

/** XREAD/XREADGROUP block only with a BLOCK option, which comes before STREAMS. */
function isBlockingStreamRead(command: RedisCommand): boolean {
  if (command.name !== 'xread' && command.name !== 'xreadgroup') return false;
  for (const arg of command.args) {
    const token = arg.toString().toLowerCase();
    if (token === 'streams') return false;
    if (token === 'block') return true;
  }
  return false;
}

export function classifyCommand(
  command: RedisCommand,
  options: CommandPolicyOptions,
): CommandVerdict {
  const { name } = command;
  if (
    CONNECTION_STATE.has(name) ||
    CONNECTION_STATE_SUBCOMMANDS[name]?.has(subcommandOf(command))
  ) {
    return {
      kind: 'refused',
      message:
        `ERR '${CONNECTION_STATE.has(name) ? name : `${name} ${subcommandOf(command)}`}' is not supported by this HTTP bridge: it changes the state of a Redis ` +
        'connection, and connections are shared between requests (use /multi-exec for transactions ' +
        'and /subscribe/<channel> for pub/sub)',
    };
  }
  if (!options.allowDangerousCommands) {
    const sub = DANGEROUS_SUBCOMMANDS[name];
    const subName = sub ? subcommandOf(command) : '';
    if (DANGEROUS.has(name) || sub?.has(subName)) {
      const label = sub ? `${name} ${subName}` : name;
      return {
        kind: 'refused',
        message:
          `ERR '${label}' is disabled on this HTTP bridge: it administers the whole server ` +
          '(start the bridge with --allow-dangerous / allowDangerousCommands to enable it)',
      };
    }
  }
  if (ALWAYS_BLOCKING.has(name) || isBlockingStreamRead(command)) return { kind: 'blocking' };
  return { kind: 'shared' };
}
