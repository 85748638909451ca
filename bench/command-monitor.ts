// Counts the commands clients send to redis-server, from a MONITOR connection. MONITOR prints
// every command once, with the sending client's address, or `lua` for a command a script ran:
// those are the script's inside work, not billed (the EVALSHA that ran it is). Commands inside
// MULTI/EXEC are printed (and counted) one by one, as Upstash bills them.
import net from 'node:net';
import type { AdminRedis } from './redis-admin.js';

export interface CommandCounts {
  /** Top-level commands from clients other than the bench's own. */
  commands: number;
  byCommand: Record<string, number>;
  /** Commands run inside Lua scripts. */
  scriptInternal: number;
}

function emptyCounts(): CommandCounts {
  return { commands: 0, byCommand: {}, scriptInternal: 0 };
}

export class CommandMonitor {
  readonly #socket: net.Socket;
  readonly #admin: AdminRedis;
  #counts = emptyCounts();
  #rest = '';
  #markers = new Map<string, () => void>();
  #seq = 0;
  #live = false;
  #onLive: (() => void) | undefined;

  private constructor(socket: net.Socket, admin: AdminRedis) {
    this.#socket = socket;
    this.#admin = admin;
  }

  /** Connects, sends MONITOR and resolves once Redis confirmed it. */
  static async start(host: string, port: number, admin: AdminRedis): Promise<CommandMonitor> {
    const socket = net.connect(port, host);
    const monitor = new CommandMonitor(socket, admin);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => monitor.#consume(chunk.toString('latin1')));
    socket.on('error', () => {});
    const live = new Promise<void>((resolve) => {
      monitor.#onLive = resolve;
    });
    socket.write('MONITOR\r\n');
    await live;
    await monitor.mark();
    return monitor;
  }

  #consume(text: string): void {
    const data = this.#rest + text;
    let from = 0;
    for (;;) {
      const end = data.indexOf('\r\n', from);
      if (end < 0) break;
      this.#line(data, from, end);
      from = end + 2;
    }
    this.#rest = data.slice(from);
  }

  // `+1700000000.123456 [0 127.0.0.1:5000] "set" "k" "v"`; arguments are escaped by Redis, so a
  // line never holds a raw CRLF.
  #line(data: string, from: number, end: number): void {
    if (data.charCodeAt(from) !== 43 /* + */) return;
    if (!this.#live) {
      // MONITOR's own +OK: from here on every command is printed.
      this.#live = true;
      this.#onLive?.();
      return;
    }
    const open = data.indexOf(' [', from);
    if (open < 0 || open > end) return;
    const close = data.indexOf('] ', open);
    if (close < 0 || close > end) return;
    const space = data.indexOf(' ', open + 2);
    const address = data.slice(space + 1, close);
    if (address === 'lua') {
      this.#counts.scriptInternal++;
      return;
    }
    if (address === this.#admin.address) {
      const line = data.slice(close + 2, end);
      for (const [marker, resolve] of this.#markers) {
        if (line.includes(marker)) {
          this.#markers.delete(marker);
          resolve();
        }
      }
      return;
    }
    const nameEnd = data.indexOf('"', close + 3);
    const name = data.slice(close + 3, nameEnd > 0 && nameEnd < end ? nameEnd : end).toLowerCase();
    this.#counts.commands++;
    this.#counts.byCommand[name] = (this.#counts.byCommand[name] ?? 0) + 1;
  }

  /**
   * Sends a marker through the bench's connection and resolves when MONITOR printed it: every
   * command Redis ran before it has then been counted. Returns the counts at that point.
   */
  async mark(): Promise<CommandCounts> {
    const marker = `bench-mark-${process.pid}-${++this.#seq}`;
    const seen = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#markers.delete(marker);
        reject(new Error('MONITOR did not show the marker within 60 s'));
      }, 60_000);
      this.#markers.set(marker, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await this.#admin.echo(marker);
    await seen;
    return this.snapshot();
  }

  snapshot(): CommandCounts {
    return { ...this.#counts, byCommand: { ...this.#counts.byCommand } };
  }

  /** Marks, then starts counting from zero. */
  async reset(): Promise<void> {
    await this.mark();
    this.#counts = emptyCounts();
  }

  stop(): void {
    this.#socket.destroy();
  }
}

/** The counts of a window: `after` minus `before`. */
export function difference(after: CommandCounts, before: CommandCounts): CommandCounts {
  const byCommand: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.byCommand)) {
    const d = v - (before.byCommand[k] ?? 0);
    if (d !== 0) byCommand[k] = d;
  }
  return {
    commands: after.commands - before.commands,
    byCommand,
    scriptInternal: after.scriptInternal - before.scriptInternal,
  };
}
