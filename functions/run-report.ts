import { withoutCommandEcho } from '../core/index.js';
import type { TickResult } from '../worker-handlers/index.js';

/**
 * A run in the background (a cron tick, a wake-up, a POST /work) resolves with what failed in its
 * result rather than rejecting: say so in one line, without the client's echo of the command (no
 * stack either: it would come every minute).
 */
export function reportRun(
  log: { error(message: string): void },
  what: string,
  result: TickResult,
): void {
  if (result.errors === 0) return;
  const reason = withoutCommandEcho(result.lastError ?? 'no answer');
  log.error(`edgekue: ${what} cannot reach Redis: ${reason}`);
}
