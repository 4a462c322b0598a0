import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, release } from 'node:os';
import { dirname } from 'node:path';
import { type FailoverMeasure, median } from './failover-measure.js';

export interface ScenarioSpec {
  /** Short name, e.g. `host crash`. */
  name: string;
  /** What the issue allows, in ms. */
  boundMs: number;
  /** How the bound is derived, e.g. `TTL 6 s + 2 s`. */
  boundText: string;
}

/** Collects failover measurements per scenario and renders them as a Markdown report. */
export class FailoverReport {
  readonly #scenarios = new Map<string, { spec: ScenarioSpec; runs: FailoverMeasure[] }>();
  readonly #notes: string[] = [];

  constructor(
    readonly title: string,
    readonly setup: string,
  ) {}

  add(spec: ScenarioSpec, measure: FailoverMeasure): void {
    let entry = this.#scenarios.get(spec.name);
    if (!entry) {
      entry = { spec, runs: [] };
      this.#scenarios.set(spec.name, entry);
    }
    entry.runs.push(measure);
  }

  note(text: string): void {
    this.#notes.push(text);
  }

  get empty(): boolean {
    return this.#scenarios.size === 0 && this.#notes.length === 0;
  }

  /** One line per scenario, for the test log. */
  summary(): string {
    return [...this.#scenarios.values()]
      .map(({ spec, runs }) => {
        const failover = median(runs.map((r) => r.failoverMs));
        const outage = median(runs.map((r) => r.outageMs));
        const all = runs.map((r) => r.failoverMs).join(', ');
        return `${spec.name}: median failover ${failover} ms, median outage ${outage} ms (bound ${spec.boundMs} ms; runs: ${all})`;
      })
      .join('\n');
  }

  markdown(now = new Date()): string {
    const rows = [...this.#scenarios.values()].map(({ spec, runs }) => {
      const failover = median(runs.map((r) => r.failoverMs));
      const outage = median(runs.map((r) => r.outageMs));
      return `| ${spec.name} | ${spec.boundText} = ${spec.boundMs} | ${runs.length} | ${failover} | ${outage} |`;
    });
    const samples = [...this.#scenarios.values()].flatMap(({ spec, runs }) =>
      runs.map(
        (r, i) =>
          `| ${spec.name} | ${i + 1} | ${r.from} -> ${r.to} | ${r.failoverMs} | ${r.outageMs} | ${r.failedProbes} |`,
      ),
    );
    const [one, five] = loadavg();
    return [
      `# ${this.title}`,
      '',
      this.setup,
      '',
      `Measured ${now.toISOString()} on Linux ${release()}, Node ${process.version}, load average ${one?.toFixed(2)} / ${five?.toFixed(2)} (1 / 5 min).`,
      '',
      '*Failover* is the time from the fault to the first probe answered by the new holder; *outage* the',
      'longest run of failed probes in between. Medians over the runs.',
      '',
      '| scenario | bound (ms) | runs | median failover (ms) | median outage (ms) |',
      '|---|---|---|---|---|',
      ...rows,
      '',
      '## Samples',
      '',
      '| scenario | run | holder | failover (ms) | outage (ms) | failed probes |',
      '|---|---|---|---|---|---|',
      ...samples,
      ...(this.#notes.length > 0 ? ['', '## Notes', '', ...this.#notes.map((n) => `- ${n}`)] : []),
      '',
    ].join('\n');
  }

  write(path: string): void {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, this.markdown());
  }
}
