import { result } from './say.js';

/**
 * Every PID the demo started, printed as a `DEMO-RESULT {"type":"processes"}` line whenever new
 * ones appear, so whoever runs the demo can check afterwards that none is left.
 */
export class ProcessReport {
  readonly #seen = new Set<number>();

  add(pids: Iterable<number>): void {
    let grew = false;
    for (const pid of pids) {
      if (this.#seen.has(pid)) continue;
      this.#seen.add(pid);
      grew = true;
    }
    if (grew) result({ type: 'processes', pids: [...this.#seen] });
  }
}
