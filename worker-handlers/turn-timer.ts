/** Cancels what `afterTurn` or `afterMs` scheduled (no-op once it ran). */
export type CancelTimer = () => void;

// Node clamps setTimeout(fn, 0) to 1 ms: a wait each acknowledgment would pay while the worker
// holds leases it could already hand back. setImmediate runs as soon as the current task and its
// microtasks are done, where the runtime has it (Node, Bun, Deno, workerd with nodejs_compat).
const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
const cancelImmediate = (globalThis as { clearImmediate?: (handle: unknown) => void })
  .clearImmediate;

/** Runs `fn` once the current task and its microtasks are done: a loop in progress completes. */
export function afterTurn(fn: () => void): CancelTimer {
  if (immediate && cancelImmediate) {
    const handle = immediate(fn);
    return () => cancelImmediate(handle);
  }
  return afterMs(fn, 0);
}

/** Runs `fn` after `ms`. */
export function afterMs(fn: () => void, ms: number): CancelTimer {
  const handle = setTimeout(fn, ms);
  return () => clearTimeout(handle);
}
