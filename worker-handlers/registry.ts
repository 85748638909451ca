import { type BackoffFunction, jobTypeSchema, ValidationError } from '../core/index.js';
import type { Handler } from './handler.js';

export interface ProcessOptions {
  /** Most jobs of the type active at once, across every invocation (0: no limit). */
  concurrency?: number;
  /** Retry delay for jobs of this type with a custom backoff (else `queue.backoffFunctions`). */
  backoff?: BackoffFunction;
}

export interface Registration {
  readonly type: string;
  readonly concurrency: number;
  readonly handler: Handler;
  readonly backoff: BackoffFunction | undefined;
}

/**
 * Kue's `queue.process(type, concurrency?, handler)`, without a long-lived worker: it records
 * what an invocation may run. Invocations (cron ticks, wake-ups) claim jobs of these types.
 *
 * Concurrency is global: live leases of the type across every invocation, enforced by the claim
 * script. Kue's was per process, defaulting to 1; serverless has no processes, so the default here
 * is no limit beyond each invocation's `maxJobs`.
 */
export class HandlerRegistry {
  readonly #handlers = new Map<string, Registration>();

  // D: what the handler takes the type's job data to be (`process<Email>('email', ...)`); the data
  // itself is whatever was stored, unchecked.
  process<D = unknown>(type: string, handler: Handler<D>): this;
  process<D = unknown>(
    type: string,
    concurrency: number | ProcessOptions,
    handler: Handler<D>,
  ): this;
  process(type: string, a: number | ProcessOptions | Handler, b?: Handler): this {
    const handler = typeof a === 'function' ? a : b;
    const options: ProcessOptions =
      typeof a === 'number' ? { concurrency: a } : typeof a === 'object' && a !== null ? a : {};
    // A misspelt option ({ concurency: 2 }) would otherwise run the type without a limit.
    const unknown = Object.keys(options).find((k) => k !== 'concurrency' && k !== 'backoff');
    if (unknown !== undefined) {
      throw new ValidationError(
        `options: "${unknown}" is not an option of process() (concurrency, backoff)`,
        'options',
      );
    }
    const parsed = jobTypeSchema.safeParse(type);
    if (!parsed.success)
      throw new ValidationError(`type: ${parsed.error.issues[0]?.message}`, 'type');
    if (typeof handler !== 'function') {
      throw new ValidationError('process(type, [concurrency], handler) needs a handler', 'handler');
    }
    const concurrency = options.concurrency ?? 0;
    if (!Number.isInteger(concurrency) || concurrency < 0) {
      throw new ValidationError(
        `concurrency must be an integer from 0, got ${concurrency}`,
        'concurrency',
      );
    }
    // Kue started more workers on a second process() of a type; here a second handler would
    // silently replace the first, concurrency and all: the type's total is given once.
    if (this.#handlers.has(parsed.data)) {
      throw new ValidationError(
        `type: '${parsed.data}' already has a handler: register each type once, with its total concurrency (Kue added workers per process() call)`,
        'type',
      );
    }
    this.#handlers.set(parsed.data, {
      type: parsed.data,
      concurrency,
      handler,
      backoff: options.backoff,
    });
    return this;
  }

  get(type: string): Registration | undefined {
    return this.#handlers.get(type);
  }

  /** What the claim script takes: each type with its concurrency. */
  claimTypes(): { type: string; concurrency: number }[] {
    return [...this.#handlers.values()].map((r) => ({ type: r.type, concurrency: r.concurrency }));
  }

  get size(): number {
    return this.#handlers.size;
  }
}
