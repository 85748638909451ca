import type { WaitUntil } from '../api/index.js';

export interface WakeLog {
  warn(message: string): void;
}

/**
 * One wake-up per isolate per `cooldownMs` at most: a call while one is in flight or cooling
 * down only marks another as due, sent when the window ends. A burst of 1,000 creates thus sends
 * two or three wake-ups, and a job created after the woken worker looked is still covered by the
 * trailing one.
 */
export function coalesce(
  send: () => Promise<unknown>,
  options: { cooldownMs: number; log: WakeLog; what: string },
): (ctx: WaitUntil) => void {
  let running: Promise<void> | undefined;
  let again = false;

  async function loop(): Promise<void> {
    try {
      do {
        again = false;
        const started = Date.now();
        try {
          await send();
        } catch (error) {
          options.log.warn(`edgekue: ${options.what} failed: ${String(error)}`);
        }
        const rest = options.cooldownMs - (Date.now() - started);
        if (rest > 0) await new Promise((r) => setTimeout(r, rest));
      } while (again);
    } finally {
      running = undefined;
    }
  }

  return (ctx) => {
    if (running) again = true;
    else running = loop();
    // Every request that asked registers the chain, so a Worker keeps it alive to the end.
    ctx.waitUntil(running);
  };
}
