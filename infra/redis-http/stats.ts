// Request and command counters behind GET /__stats. Benchmarks reset them, run a workload and
// read how many HTTP round trips and Redis commands it cost. Admin endpoints (/__stats,
// /__health) are not counted, so reading the numbers does not change them.

/** Which kind of request was served. */
export type BridgeEndpoint =
  | 'command'
  | 'path-command'
  | 'pipeline'
  | 'multi-exec'
  | 'subscribe'
  | 'psubscribe'
  | 'other';

/** The counters, as kept by StatsCollector. */
export interface BridgeCounters {
  /** HTTP requests served, admin endpoints excluded. */
  requests: number;
  /** Redis commands sent on behalf of clients (each pipeline or transaction entry is one; refused ones are not sent). */
  commands: number;
  byEndpoint: Record<string, number>;
  /** Commands by lower-case name, e.g. `{ "evalsha": 12, "get": 3 }`. */
  byCommand: Record<string, number>;
  /** Responses by HTTP status, e.g. `{ "200": 40, "400": 1 }`. */
  byStatus: Record<string, number>;
  /** When counting started (bridge start or last reset), ms since the epoch. */
  startedAt: number;
}

/** What GET /__stats answers: the counters plus the state of the Redis connections. */
export interface BridgeStats extends BridgeCounters {
  /**
   * CPU time (user + system) of the process serving the bridge since it started, in ms; not
   * reset. A benchmark reads it before and after a workload to learn what serving it cost (when
   * the bridge runs inside another program, that program's own work counts too).
   */
  cpuMs: number;
  connections: {
    /** ioredis status of the shared connection: `ready` when Redis is reachable. */
    shared: string;
    /** Open connections for blocking commands and subscriptions (leased and idle). */
    dedicated: number;
    idleDedicated: number;
  };
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

export class StatsCollector {
  private requests = 0;
  private commands = 0;
  private readonly byEndpoint = new Map<string, number>();
  private readonly byCommand = new Map<string, number>();
  private readonly byStatus = new Map<string, number>();
  private startedAt = Date.now();

  countRequest(endpoint: BridgeEndpoint): void {
    this.requests++;
    increment(this.byEndpoint, endpoint);
  }

  countStatus(status: number): void {
    increment(this.byStatus, String(status));
  }

  countCommand(name: string): void {
    this.commands++;
    increment(this.byCommand, name);
  }

  snapshot(): BridgeCounters {
    return {
      requests: this.requests,
      commands: this.commands,
      byEndpoint: Object.fromEntries(this.byEndpoint),
      byCommand: Object.fromEntries(this.byCommand),
      byStatus: Object.fromEntries(this.byStatus),
      startedAt: this.startedAt,
    };
  }

  reset(): void {
    this.requests = 0;
    this.commands = 0;
    this.byEndpoint.clear();
    this.byCommand.clear();
    this.byStatus.clear();
    this.startedAt = Date.now();
  }
}
