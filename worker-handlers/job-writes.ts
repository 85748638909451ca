import type { JobWriter, TouchEntry } from '../core/index.js';

/**
 * A running job's log lines and progress, held until the next flush: a handler that logs in a
 * tight loop costs one touch call a second, not one per line. Logs keep their order; only the
 * latest progress is sent.
 */
export class JobWrites implements JobWriter {
  #logs: string[] = [];
  /**
   * The number of #logs[0] among the lines the handler logged: touch.lua skips lines its job's log
   * mark already counts, so a flush sent again after its answer was lost writes none twice.
   */
  #first = 0;
  #progress: [number] | [number, string] | undefined;
  readonly #onWrite: () => void;
  readonly #maxLines: number;

  /** maxLines: the job's log keeps its newest maxLines lines, so no more are ever worth sending. */
  constructor(onWrite: () => void, maxLines: number) {
    this.#onWrite = onWrite;
    this.#maxLines = maxLines;
  }

  log(line: string): void {
    this.#logs.push(line);
    // Dropped in bulk, not one shift per line: a handler logging in a tight loop stays linear.
    if (this.#logs.length >= 2 * this.#maxLines) {
      this.#first += this.#logs.length - this.#maxLines;
      this.#logs = this.#logs.slice(-this.#maxLines);
    }
    this.#onWrite();
  }

  progress(percent: number, data: string | undefined): void {
    this.#progress = data === undefined ? [percent] : [percent, data];
    this.#onWrite();
  }

  get pending(): boolean {
    return this.#logs.length > 0 || this.#progress !== undefined;
  }

  get pendingLogs(): boolean {
    return this.#logs.length > 0;
  }

  /**
   * Moves what is held into a touch entry; `restore` puts it back if the touch fails, less what
   * its calls that went through wrote (`written`: the first lines, and whether the progress).
   */
  take(
    id: string,
    token: string,
  ): { entry: TouchEntry; restore: (written?: { lines: number; progress: boolean }) => void } {
    const dropped = Math.max(0, this.#logs.length - this.#maxLines);
    const logs = dropped > 0 ? this.#logs.slice(dropped) : this.#logs;
    const from = this.#first + dropped;
    const progress = this.#progress;
    this.#logs = [];
    this.#first = from + logs.length;
    this.#progress = undefined;
    const entry: TouchEntry = { id, token };
    if (logs.length > 0) {
      entry.logs = logs;
      entry.at = [token, from];
    }
    if (progress) entry.progress = progress;
    return {
      entry,
      restore: (written = { lines: 0, progress: false }) => {
        // Unless newer lines pushed them out of the newest maxLines meanwhile.
        if (this.#first === from + logs.length) {
          this.#logs = [...logs.slice(written.lines), ...this.#logs];
          this.#first = from + written.lines;
        }
        if (!written.progress) this.#progress ??= progress;
      },
    };
  }
}
