// The bench's own connection to redis-server: flushing between systems, memory, completion
// checks and MONITOR sync markers. Its commands are bookkeeping: CommandMonitor excludes its
// address, and edgekue's counts come from the bridge, which never sees it.
import { Redis as IORedis } from 'ioredis';
import { sleep } from './workload.js';

/** A key's pattern: random tokens (16+ characters) become `*`, other digit runs `#`. */
export function keyPattern(key: string): string {
  return key
    .split(':')
    .map((part) => (/^[\w-]{16,}$/.test(part) && /\d/.test(part) ? '*' : part.replace(/\d+/g, '#')))
    .join(':');
}

export class AdminRedis {
  readonly #redis: IORedis;
  /** `ip:port` as Redis sees this connection (MONITOR prints it). */
  readonly address: string;

  private constructor(redis: IORedis, address: string) {
    this.#redis = redis;
    this.address = address;
  }

  static async open(url: string): Promise<AdminRedis> {
    const redis = new IORedis(url, { lazyConnect: true, enableReadyCheck: false });
    await redis.connect();
    const info = String(await redis.call('CLIENT', 'INFO'));
    const address = /\baddr=(\S+)/.exec(info)?.[1];
    if (!address) throw new Error(`CLIENT INFO gave no addr: ${info}`);
    return new AdminRedis(redis, address);
  }

  async flushAll(): Promise<void> {
    await this.#redis.flushall();
  }

  /** `used_memory` from INFO memory, in bytes. */
  async usedMemory(): Promise<number> {
    const info = await this.#redis.info('memory');
    const m = /^used_memory:(\d+)/m.exec(info);
    if (!m) throw new Error('INFO memory has no used_memory');
    return Number(m[1]);
  }

  /**
   * Deletes the keys that carry a TTL, as their expiry would, and answers their MEMORY USAGE:
   * state that goes by itself (edgekue's retry answers, kept 60 s; a peer's locks) is not state
   * kept per job. Every system's memory is read after it, the same way.
   */
  async dropExpiring(): Promise<number> {
    const expiring = (await this.#keySizes()).filter((k) => k.ttlMs > 0);
    for (let i = 0; i < expiring.length; i += 1000) {
      await this.#redis.unlink(...expiring.slice(i, i + 1000).map((k) => k.key));
    }
    // Redis shrinks the expires table a cron cycle (100 ms) after it empties, as after expiry
    await new Promise((r) => setTimeout(r, 300));
    return expiring.reduce((sum, k) => sum + k.bytes, 0);
  }

  /** Every key with its MEMORY USAGE (exact: SAMPLES 0) and PTTL (-1: none). */
  async #keySizes(): Promise<{ key: string; bytes: number; ttlMs: number }[]> {
    const out: { key: string; bytes: number; ttlMs: number }[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.#redis.scan(cursor, 'COUNT', 1000);
      cursor = next;
      if (keys.length === 0) continue;
      const pipeline = this.#redis.pipeline();
      for (const key of keys) {
        pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
        pipeline.pttl(key);
      }
      const replies = (await pipeline.exec()) ?? [];
      keys.forEach((key, i) => {
        const bytes = Number(replies[2 * i]?.[1] ?? 0);
        out.push({ key, bytes, ttlMs: Number(replies[2 * i + 1]?.[1] ?? -1) });
      });
    } while (cursor !== '0');
    return out;
  }

  /**
   * Every command Redis has run, top-level and inside scripts (INFO commandstats counts both),
   * minus the INFO calls that read it.
   */
  async totalCalls(): Promise<number> {
    const info = await this.#redis.info('commandstats');
    let total = 0;
    for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      if (m[1] !== 'info') total += Number(m[2]);
    }
    return total;
  }

  /** CPU time of Redis' main thread (user + system), in ms: where Redis' share of a phase goes. */
  async cpuMs(): Promise<number> {
    const info = await this.#redis.info('cpu');
    const user = /^used_cpu_user_main_thread:([\d.]+)/m.exec(info)?.[1];
    const sys = /^used_cpu_sys_main_thread:([\d.]+)/m.exec(info)?.[1];
    if (user === undefined || sys === undefined)
      throw new Error('INFO cpu has no main-thread times');
    return (Number(user) + Number(sys)) * 1000;
  }

  /**
   * MEMORY USAGE of every key, summed by key pattern (`q:job:17` and `q:job:18` are `q:job:#`):
   * where a system's memory per job goes.
   */
  async memoryByKeyGroup(): Promise<Record<string, number>> {
    const groups: Record<string, number> = {};
    for (const { key, bytes } of await this.#keySizes()) {
      const group = keyPattern(key);
      groups[group] = (groups[group] ?? 0) + bytes;
    }
    return groups;
  }

  /** Members of a set or sorted set, or of an edgekue id set (its `n` count). */
  async count(key: string, kind: 'zset' | 'set' | 'idset'): Promise<number> {
    if (kind === 'idset') return Number((await this.#redis.hget(key, 'n')) ?? 0);
    return kind === 'zset' ? this.#redis.zcard(key) : this.#redis.scard(key);
  }

  /** Polls `count(key)` until it reaches `target` (5 ms steps, so end times are close). */
  async waitForCount(
    key: string,
    kind: 'zset' | 'set' | 'idset',
    target: number,
    timeoutMs: number,
    onCount?: (n: number) => void,
  ): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const n = await this.count(key, kind);
      onCount?.(n);
      if (n >= target) return;
      if (Date.now() > until) throw new Error(`${key}: ${n} of ${target} after ${timeoutMs} ms`);
      await sleep(5);
    }
  }

  async loadScript(source: string): Promise<string> {
    return String(await this.#redis.script('LOAD', source));
  }

  /** A command that shows up in MONITOR as a sync point. */
  async echo(text: string): Promise<void> {
    await this.#redis.echo(text);
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}
