import { describe, expect, it } from 'vitest';
import { drainBody } from '../../functions/api/drain-body.js';

/** A request whose body is `chunks` chunks of 1 KiB, counting what was pulled and cancelled. */
function streamedRequest(chunks: number) {
  const seen = { pulled: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (seen.pulled === chunks) return controller.close();
      seen.pulled++;
      controller.enqueue(new Uint8Array(1024));
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  const request = new Request('http://x/job', {
    method: 'POST',
    body,
    duplex: 'half',
  } as RequestInit);
  return { request, seen };
}

describe('drainBody', () => {
  it('reads a body to its end when it is under the cap', async () => {
    const { request, seen } = streamedRequest(20);
    await drainBody(request, 64 * 1024);
    expect(seen).toEqual({ pulled: 20, cancelled: false });
  });

  it('stops and cancels past the cap', async () => {
    const { request, seen } = streamedRequest(1_000);
    await drainBody(request, 8 * 1024);
    expect(seen.cancelled).toBe(true);
    expect(seen.pulled).toBeLessThan(20);
  });

  it('leaves a body someone is already reading alone', async () => {
    const { request, seen } = streamedRequest(5);
    const reader = request.body!.getReader();
    await drainBody(request, 64 * 1024);
    expect(seen.pulled).toBeLessThanOrEqual(1);
    reader.releaseLock();
  });
});
