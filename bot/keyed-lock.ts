/**
 * A per-key mutex: work under the same key runs one at a time, in arrival order; different keys run
 * concurrently. The App serialises the events of one repository with it, so two deliveries racing
 * on the same sticky comment or check run in one process cannot both create it.
 */

/** Serialises async work per key. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** How many keys have work queued or running. */
  get size(): number {
    return this.tails.size;
  }

  /** Runs `work` once every earlier `work` under `key` has settled; returns its result. */
  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => done);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
