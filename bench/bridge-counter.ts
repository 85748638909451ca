// edgekue's billed commands and HTTP requests, from the bridge's own counters (GET /__stats):
// what the unmodified @upstash/redis client sent, each pipeline entry counted as one command, as
// Upstash bills. The admin endpoints themselves are not counted. Also the CPU time the bridge's
// process has spent, so a phase's share of it is known exactly.

export interface BridgeCounts {
  requests: number;
  commands: number;
  byCommand: Record<string, number>;
  /** The bridge process' CPU time (ms); only differences mean something. */
  cpuMs: number;
}

export class BridgeCounter {
  readonly #url: string;
  readonly #token: string;

  constructor(url: string, token: string) {
    this.#url = url;
    this.#token = token;
  }

  async #admin(path: '/__stats' | '/__stats/reset'): Promise<unknown> {
    const res = await fetch(`${this.#url}${path}`, {
      method: path === '/__stats' ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${this.#token}` },
    });
    if (!res.ok) throw new Error(`bridge ${path} answered ${res.status}`);
    return res.json();
  }

  async reset(): Promise<void> {
    await this.#admin('/__stats/reset');
  }

  async read(): Promise<BridgeCounts> {
    const s = (await this.#admin('/__stats')) as BridgeCounts;
    return {
      requests: s.requests,
      commands: s.commands,
      byCommand: { ...s.byCommand },
      cpuMs: s.cpuMs,
    };
  }
}

export function bridgeDifference(after: BridgeCounts, before: BridgeCounts): BridgeCounts {
  const byCommand: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.byCommand)) {
    const d = v - (before.byCommand[k] ?? 0);
    if (d !== 0) byCommand[k] = d;
  }
  return {
    requests: after.requests - before.requests,
    commands: after.commands - before.commands,
    byCommand,
    cpuMs: after.cpuMs - before.cpuMs,
  };
}
