/**
 * Everything the demo creates registers its removal here, at creation time, so every way out
 * (the end of the story, Ctrl-C, SIGTERM, SIGHUP, an error, a plain exit) removes it. Steps run
 * last-created first, each at most once; a failed step does not stop the others.
 */
export interface TeardownStep {
  name: string;
  /** The normal path. */
  run: () => Promise<void> | void;
  /** For exit hooks and a second Ctrl-C, where nothing asynchronous runs any more. */
  runSync: () => void;
}

export class Teardown {
  readonly #steps: TeardownStep[] = [];
  #running: Promise<boolean> | undefined;

  add(step: TeardownStep): void {
    this.#steps.push(step);
  }

  get pending(): number {
    return this.#steps.length;
  }

  /** Runs every step once; resolves whether all succeeded. Concurrent calls share one run. */
  run(timeoutMs = 15_000): Promise<boolean> {
    this.#running ??= this.#runAll(timeoutMs).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #runAll(timeoutMs: number): Promise<boolean> {
    let ok = true;
    for (let step = this.#steps.pop(); step; step = this.#steps.pop()) {
      try {
        await withTimeout(Promise.resolve(step.run()), timeoutMs, step.name);
      } catch (error) {
        ok = false;
        process.stderr.write(`demo: cleanup of ${step.name} failed: ${(error as Error).message}\n`);
        try {
          step.runSync();
        } catch {
          // Reported above; the remaining steps still run.
        }
      }
    }
    return ok;
  }

  /** Runs whatever has not run yet, synchronously. */
  runSync(): void {
    for (let step = this.#steps.pop(); step; step = this.#steps.pop()) {
      try {
        step.runSync();
      } catch (error) {
        process.stderr.write(`demo: cleanup of ${step.name} failed: ${(error as Error).message}\n`);
      }
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
