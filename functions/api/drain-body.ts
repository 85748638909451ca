/**
 * Reads and drops what is left of a request body, up to `cap` bytes. An answer sent while the
 * client is still uploading (a 413 for a body over the limit) reaches it only if the upload can
 * finish: a runtime that closes with the body unread resets the connection, and the client sees
 * a write error instead of the 413. Past the cap the rest is cancelled (and may be reset).
 */
/** How much of a body over the limit is read (and dropped) so the client gets its 413. */
export const BODY_DRAIN_BYTES = 16 * 1024 * 1024;

export async function drainBody(request: Request, cap: number): Promise<void> {
  const body = request.body;
  if (!body || request.bodyUsed || body.locked) return;
  let read = 0;
  try {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
      if (read > cap) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // the client went away, or the body was already being read: nothing left to drain
  }
}
