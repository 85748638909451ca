/**
 * Waits `ms` (at once when negative), or less: resolves as soon as `signal` is, or becomes,
 * aborted, and leaves no listener behind. Never rejects: a stop ends the wait, it is not an error.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}
