/** When a published message is due, from QStash's headers (delay units as QStash takes them). */
const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `Upstash-Delay: 10s`, `1m30s`, `2h`...; undefined when absent or malformed. */
export function parseDelay(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (!/^(\d+(ms|s|m|h|d))+$/.test(trimmed)) return undefined;
  let ms = 0;
  for (const [, n, unit] of trimmed.matchAll(/(\d+)(ms|s|m|h|d)/g)) ms += Number(n) * units[unit!]!;
  return ms;
}

/** The delivery time in ms: the later of now + delay and Upstash-Not-Before (unix seconds). */
export function dueAt(
  now: number,
  headers: { delay?: string | undefined; notBefore?: string | undefined },
): number {
  let at = now;
  const delay = parseDelay(headers.delay);
  if (delay !== undefined) at = Math.max(at, now + delay);
  const notBefore = Number(headers.notBefore);
  if (headers.notBefore && Number.isFinite(notBefore)) at = Math.max(at, notBefore * 1000);
  return at;
}
