// One progress line on stderr: rewritten in place on a terminal, a line every few seconds
// otherwise (CI logs, the quick-mode test), so stdout stays free for the table.

const TTY = process.stderr.isTTY === true;
const QUIET_MS = TTY ? 100 : 3_000;

export class Progress {
  readonly #label: string;
  #last = 0;
  #open = false;

  constructor(label: string) {
    this.#label = label;
  }

  /** A phase's progress; throttled, except for the first and last step. */
  step(phase: string, done: number, total: number): void {
    const t = Date.now();
    if (done !== 0 && done < total && t - this.#last < QUIET_MS) return;
    this.#last = t;
    const pct = total > 0 ? Math.floor((done * 100) / total) : 100;
    this.#write(`${phase} ${done}/${total} (${pct}%)`);
  }

  /** A message that stays. */
  note(text: string): void {
    this.#write(text);
    if (TTY) {
      process.stderr.write('\n');
      this.#open = false;
    }
  }

  #write(text: string): void {
    const line = `[${this.#label}] ${text}`;
    if (TTY) {
      process.stderr.write(`\r\x1b[K${line}`);
      this.#open = true;
    } else {
      process.stderr.write(`${line}\n`);
    }
  }

  end(): void {
    if (TTY && this.#open) process.stderr.write('\n');
    this.#open = false;
  }
}
