import { fileURLToPath } from 'node:url';
import type { Lab, NodeRef } from './lab.js';
import { LineCollector } from './line-collector.js';
import { exited } from './processes.js';

const CLIENT_SCRIPT = fileURLToPath(new URL('./probe-client.mjs', import.meta.url));

export interface ProbeSample {
  /** Epoch ms when the probe started (same clock as the test process). */
  at: number;
  ok: boolean;
  ms: number;
  /** What the backend answered (its host name) when ok. */
  answer?: string;
  /** Error code when not ok: ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ... */
  detail?: string;
}

/** A run of failed probes: from the first failure to the next success (`to` unset if ongoing). */
export interface Outage {
  from: number;
  to: number | undefined;
  durationMs: number;
  failed: number;
}

export interface ProbeLoopOptions {
  /** Per-probe connect-and-answer timeout (default max(everyMs, 250)). */
  timeoutMs?: number;
}

export interface ProbeLoop {
  readonly samples: ProbeSample[];
  outages(): Outage[];
  /** Successive distinct answers, e.g. `['a', 'b']` across a failover. */
  answers(): string[];
  waitFor(predicate: (sample: ProbeSample) => boolean, timeoutMs: number): Promise<ProbeSample>;
  stop(): Promise<ProbeSample[]>;
}

/** Where a probe loop runs and what it probes: the node, the target address and port, the period. */
export type ProbeLoopArgs = [
  ref: NodeRef,
  target: string,
  port: number,
  everyMs: number,
  options?: ProbeLoopOptions,
];

export async function startProbeLoop(
  lab: Lab,
  ...[ref, target, port, everyMs, options = {}]: ProbeLoopArgs
): Promise<ProbeLoop> {
  const timeoutMs = options.timeoutMs ?? Math.max(everyMs, 250);
  const child = lab.spawnIn(ref, process.execPath, [
    CLIENT_SCRIPT,
    String(port),
    String(everyMs),
    String(timeoutMs),
    target,
  ]);
  child.stderr.resume();
  const lines = new LineCollector(child.stdout);
  const samples: ProbeSample[] = [];
  lines.onLine((line) => {
    try {
      const { t: _target, ...sample } = JSON.parse(line) as ProbeSample & { t: string };
      samples.push(sample);
    } catch {
      // Not a sample (a warning from node): ignore.
    }
  });
  // The first sample proves the client runs; its result does not matter.
  await lines.waitFor(() => true, 5000, 'first probe sample');

  return {
    samples,
    outages: () => outagesOf(samples),
    answers: () =>
      samples
        .flatMap((s) => (s.ok && s.answer ? [s.answer] : []))
        .filter((answer, i, all) => answer !== all[i - 1]),
    waitFor: (predicate, waitMs) => {
      const seen = samples.find(predicate);
      if (seen) return Promise.resolve(seen);
      return lines
        .waitFor(
          (line) => {
            try {
              return predicate(JSON.parse(line) as ProbeSample);
            } catch {
              return false;
            }
          },
          waitMs,
          'matching probe sample',
        )
        .then((line) => JSON.parse(line) as ProbeSample);
    },
    stop: async () => {
      const done = exited(child);
      child.stdin.end(); // the client exits on EOF
      child.kill('SIGKILL');
      await done;
      return samples;
    },
  };
}

export function outagesOf(samples: readonly ProbeSample[]): Outage[] {
  const outages: Outage[] = [];
  let current: Outage | undefined;
  for (const sample of samples) {
    if (!sample.ok) {
      current ??= { from: sample.at, to: undefined, durationMs: 0, failed: 0 };
      current.failed += 1;
      current.durationMs = sample.at + sample.ms - current.from;
    } else if (current) {
      current.to = sample.at;
      current.durationMs = sample.at - current.from;
      outages.push(current);
      current = undefined;
    }
  }
  if (current) outages.push(current);
  return outages;
}
