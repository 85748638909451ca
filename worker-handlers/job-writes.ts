import type { JobWriter, TouchEntry } from '../core/index.js';

/**
 * A running job's log lines and progress, held until the next flush: a handler that logs in a
 * tight loop costs one touch call a second, not one per line. Logs keep their order; only the
 * latest progress is sent.
 */
export class JobWrites implements JobWriter {
  #logs: string[] = [];
  #progress: [number] | [number, string] | undefined;
  readonly #onWrite: () => void;

  constructor(onWrite: () => void) {
    this.#onWrite = onWrite;
  }

  log(line: string): void {
    this.#logs.push(line);
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

  /** Moves what is held into a touch entry; `restore` puts it back if the call fails. */
  take(id: string, token: string): { entry: TouchEntry; restore: () => void } {
    const logs = this.#logs;
    const progress = this.#progress;
    this.#logs = [];
    this.#progress = undefined;
    const entry: TouchEntry = { id, token };
    if (logs.length > 0) entry.logs = logs;
    if (progress) entry.progress = progress;
    return {
      entry,
      restore: () => {
        this.#logs = [...logs, ...this.#logs];
        this.#progress ??= progress;
      },
    };
  }
}
