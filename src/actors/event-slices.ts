/**
 * Runs callbacks in order, at most `slice` of them per macrotask. One etcd watch answer can carry
 * thousands of events (a crashed host's locks ended at once, a bulk create): dispatched in one
 * task, every VIP's transition ran back to back, 1 s at 10 000 VIPs, and the lease keepalive's
 * timer waited behind them. A few events still run at once, as they come.
 */
export class EventSlices {
  readonly #queue: (() => void)[] = [];
  #ranThisTask = 0;
  #scheduled = false;

  constructor(
    private readonly onError: (error: unknown) => void,
    private readonly slice = 256,
  ) {}

  run(callback: () => void): void {
    if (this.#queue.length === 0 && this.#ranThisTask < this.slice) {
      // The count covers one synchronous run of the caller: it restarts at the next microtask.
      if (this.#ranThisTask++ === 0) queueMicrotask(() => (this.#ranThisTask = 0));
      this.#call(callback);
      return;
    }
    this.#queue.push(callback);
    this.#schedule();
  }

  /** Drops what waits (the watch is closed). */
  clear(): void {
    this.#queue.length = 0;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      for (const callback of this.#queue.splice(0, this.slice)) this.#call(callback);
      if (this.#queue.length > 0) this.#schedule();
    });
  }

  #call(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.onError(error);
    }
  }
}
