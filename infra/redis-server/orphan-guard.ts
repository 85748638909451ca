import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

/**
 * A tiny `sh` process that kills `pid` once our process is gone, however it goes (even SIGKILL,
 * which skips every exit hook). It blocks reading a pipe from us; when we die the kernel closes
 * the pipe, `read` returns, and it sends SIGTERM. It runs in its own process group so a Ctrl-C
 * aimed at us does not kill it before it has done its job.
 */
export interface OrphanGuard {
  /** Stops the guard without letting it signal anything (call after `pid` has exited). */
  dispose(): void;
}

export function spawnOrphanGuard(pid: number): OrphanGuard {
  const guard = spawn('sh', ['-c', 'read _ignored; kill -TERM "$0" 2>/dev/null', String(pid)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // Neither the guard nor its pipe may keep our event loop alive.
  guard.unref();
  const stdin = guard.stdin as (Writable & { unref?: () => void }) | null;
  stdin?.on('error', () => {});
  stdin?.unref?.();
  return {
    dispose() {
      // SIGKILL first: a clean EOF would make it run `kill` against a pid that may be reused.
      if (guard.exitCode === null && guard.signalCode === null) guard.kill('SIGKILL');
      stdin?.destroy();
    },
  };
}
