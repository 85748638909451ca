import type { Queue } from '../core/index.js';
import type { WorkerContext } from './handler.js';

/**
 * What a handler gets beside its job. One per running job, so it keeps nothing a handler may not
 * use: the AbortSignal is made when first read (Node builds one in about 2.5 µs, a tenth of what
 * the worker spends on a job in a batch), and pause/resume live on the prototype.
 */
export class JobContext implements WorkerContext {
  readonly #queue: Queue;
  readonly #type: string;
  readonly #controller: AbortController;
  readonly workerId: string;

  constructor(queue: Queue, type: string, controller: AbortController, workerId: string) {
    this.#queue = queue;
    this.#type = type;
    this.#controller = controller;
    this.workerId = workerId;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  pause(ms?: number): Promise<void>;
  pause(callback: (err?: Error) => void, ms?: number): void;
  pause(a?: number | ((err?: Error) => void), b?: number): Promise<void> | undefined {
    const ms = typeof a === 'function' ? (b ?? 0) : (a ?? 0);
    const done = this.#queue.pause(this.#type, ms).then(() => {});
    if (typeof a !== 'function') return done;
    done.then(
      () => a(),
      (err: unknown) => a(err instanceof Error ? err : new Error(String(err))),
    );
    return undefined;
  }

  resume(): Promise<void> {
    return this.#queue.resume(this.#type).then(() => {});
  }
}
