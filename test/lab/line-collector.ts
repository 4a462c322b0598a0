import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Keeps every line a stream prints and lets a test wait for one that matches. */
export class LineCollector {
  readonly lines: string[] = [];
  readonly #waiters = new Set<(line: string) => void>();
  readonly #listeners = new Set<(line: string) => void>();
  #ended = false;
  readonly #onEnd = new Set<() => void>();

  constructor(stream: Readable) {
    const reader = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    reader.on('line', (line) => {
      this.lines.push(line);
      for (const listener of this.#listeners) listener(line);
      for (const waiter of [...this.#waiters]) waiter(line);
    });
    reader.on('close', () => {
      this.#ended = true;
      for (const end of [...this.#onEnd]) end();
    });
  }

  onLine(listener: (line: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The first line (already seen or to come) matching `predicate`; rejects after `timeoutMs`. */
  waitFor(
    predicate: (line: string) => boolean,
    timeoutMs: number,
    what = 'a matching line',
  ): Promise<string> {
    const seen = this.lines.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        this.#onEnd.delete(onEnd);
      };
      const waiter = (line: string) => {
        if (!predicate(line)) return;
        done();
        resolve(line);
      };
      const onEnd = () => {
        done();
        reject(new Error(`stream ended before ${what}; last lines:\n${this.lines.slice(-10).join('\n')}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(`no ${what} within ${timeoutMs} ms; last lines:\n${this.lines.slice(-10).join('\n')}`),
        );
      }, timeoutMs);
      this.#waiters.add(waiter);
      if (this.#ended) onEnd();
      else this.#onEnd.add(onEnd);
    });
  }
}
