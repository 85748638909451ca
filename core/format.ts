/**
 * printf-style formatting for job.log(), as Kue (and Node's util.format) did: %s %d %i %f %j %o %O
 * and %%. Objects are shown as JSON, which reads well in the dashboard. No Node API: core runs in
 * Workers too.
 */
function inspect(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return `[Function ${value.name || 'anonymous'}]`;
  try {
    const seen = new WeakSet<object>();
    const text = JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'bigint') return `${v}n`;
      if (v !== null && typeof v === 'object') {
        if (seen.has(v)) return '[Circular]';
        seen.add(v);
      }
      return v;
    });
    return text ?? String(value);
  } catch {
    return String(value);
  }
}

export function format(fmt: unknown, ...args: unknown[]): string {
  if (typeof fmt !== 'string') return [fmt, ...args].map(inspect).join(' ');
  let i = 0;
  const out = fmt.replace(/%([sdifjoO%])/g, (match, spec: string) => {
    if (spec === '%') return '%';
    if (i >= args.length) return match;
    const arg = args[i++];
    switch (spec) {
      case 's':
        return typeof arg === 'string' ? arg : inspect(arg);
      case 'd':
      case 'f':
        return String(Number(arg));
      case 'i':
        return String(Number.parseInt(String(arg), 10));
      default:
        return inspect(arg);
    }
  });
  const rest = args.slice(i).map(inspect);
  return rest.length > 0 ? `${out} ${rest.join(' ')}` : out;
}
