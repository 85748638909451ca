/** A batch as a wake-up reaches it: told to look again, it says whether it will. */
export interface Lookout {
  /** Claims now (or with its next ack) if it has a free slot; false if it will not. */
  lookAgain(): boolean;
}

/**
 * The batches a process is running, for its own wake-ups: a job created while a batch runs a long
 * job starts in that batch's free slot at once, instead of after the batch (and the long job)
 * ends. A server passes one to its ticks and wake-ups (`BatchOptions.running`). Not for Workers:
 * a request may not do I/O for a batch another request runs.
 */
export class RunningBatches {
  readonly #batches = new Set<Lookout>();

  add(batch: Lookout): void {
    this.#batches.add(batch);
  }

  delete(batch: Lookout): void {
    this.#batches.delete(batch);
  }

  /** Tells one running batch with a free slot to claim; false when none has one. */
  wake(): boolean {
    for (const batch of this.#batches) if (batch.lookAgain()) return true;
    return false;
  }

  get size(): number {
    return this.#batches.size;
  }
}
