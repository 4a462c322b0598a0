import { startTimeOf } from '../test/lab/processes.js';
import { result } from './say.js';

/**
 * Every PID the demo started, printed as a `DEMO-RESULT {"type":"processes"}` line whenever new
 * ones appear, so whoever runs the demo can check afterwards that none is left.
 */
export class ProcessReport {
  readonly #seen = new Map<number, string | undefined>();

  add(pids: Iterable<number>): void {
    let grew = false;
    for (const pid of pids) {
      if (this.#seen.has(pid)) continue;
      this.#seen.set(pid, startTimeOf(pid));
      grew = true;
    }
    if (!grew) return;
    const started: Record<string, string> = {};
    for (const [pid, start] of this.#seen) if (start) started[pid] = start;
    result({ type: 'processes', pids: [...this.#seen.keys()], started });
  }
}
