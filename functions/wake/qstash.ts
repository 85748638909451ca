import type { Job } from '../../core/index.js';
import type { Wake } from '../api/index.js';
import type { WakeLog } from './coalesce.js';

/** The part of @upstash/qstash's Client a wake-up uses. */
export interface QStashPublisher {
  publishJSON(request: {
    url: string;
    body: unknown;
    notBefore?: number;
    deduplicationId?: string;
    retries?: number;
  }): Promise<{ messageId?: string; deduplicated?: boolean }>;
}

export interface QStashWakeOptions {
  client: QStashPublisher;
  /** The worker's POST /work URL (QStash signs it as the token's subject). */
  url: string;
  /** Keeps dedupe ids of deployments sharing one QStash account apart. */
  prefix: string;
  log: WakeLog;
  /** Test seam: the clock in ms. */
  now?: () => number;
}

const MEMO_LIMIT = 2_048;

/**
 * Wakes workers through QStash, one message per second at most, whatever the burst. Messages are
 * keyed by the second they are delivered in (deduplication id), across every isolate:
 *
 * - a create sends "now" for its second; if that second's message was sent already (by us, or by
 *   another isolate: QStash answers `deduplicated`), it may have been delivered before this job
 *   existed, so a trailing message for the next second is sent instead (notBefore);
 * - a delayed job sends a message for the second it falls due in, so it starts on time without
 *   a cron tick (a woken worker waits the few hundred ms left).
 */
export function qstashWake(options: QStashWakeOptions): Wake {
  const sent = new Set<number>();
  const now = options.now ?? Date.now;
  const body = { wake: 'edgekue' };

  function remember(second: number): boolean {
    if (sent.has(second)) return false;
    sent.add(second);
    if (sent.size > MEMO_LIMIT) sent.delete(sent.values().next().value!);
    return true;
  }

  async function publish(second: number, at: 'now' | 'then'): Promise<boolean> {
    const r = await options.client.publishJSON({
      url: options.url,
      body,
      deduplicationId: `${options.prefix}-wake-${second}`,
      ...(at === 'then' ? { notBefore: second } : {}),
    });
    return r.deduplicated === true;
  }

  async function trailing(second: number): Promise<void> {
    if (remember(second)) await publish(second, 'then');
  }

  async function immediate(second: number): Promise<void> {
    if (!remember(second)) return trailing(second + 1);
    const deduplicated = await publish(second, 'now');
    if (deduplicated) await trailing(second + 1);
  }

  function dueSecond(job: Job): number | undefined {
    const at = Number(job.promote_at);
    return Number.isFinite(at) && at > 0 ? Math.floor(at / 1000) : undefined;
  }

  return (jobs, ctx) => {
    const current = Math.floor(now() / 1000);
    const work: Promise<void>[] = [];
    if (jobs.some((job) => job.state() === 'inactive')) work.push(immediate(current));
    const dues = new Set<number>();
    for (const job of jobs) {
      if (job.state() !== 'delayed') continue;
      const second = dueSecond(job);
      if (second !== undefined) dues.add(second);
    }
    for (const second of dues) {
      work.push(second <= current ? immediate(current) : trailing(second));
    }
    if (work.length === 0) return;
    ctx.waitUntil(
      Promise.all(work).catch((error: unknown) => {
        options.log.warn(`edgekue: QStash wake-up failed: ${String(error)}`);
      }),
    );
  };
}
