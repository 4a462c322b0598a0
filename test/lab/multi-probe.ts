import { fileURLToPath } from 'node:url';
import type { Lab, NodeRef } from './lab.js';
import { LineCollector } from './line-collector.js';
import { type Outage, outagesOf, type ProbeSample } from './probe-loop.js';
import { exited } from './processes.js';

const CLIENT_SCRIPT = fileURLToPath(new URL('./probe-client.mjs', import.meta.url));

export interface MultiProbe {
  /** Samples per target, in order. */
  readonly samples: Map<string, ProbeSample[]>;
  /** Outages of one target, optionally only those overlapping [from, to]. */
  outages(target: string, from?: number, to?: number): Outage[];
  stop(): Promise<void>;
}

/**
 * One client process probing several targets (VIPs) in parallel, each every `everyMs`: cheaper
 * than one probe loop per VIP when a soak watches a sample of hundreds.
 */
export async function startMultiProbe(
  lab: Lab,
  ref: NodeRef,
  targets: readonly string[],
  port: number,
  everyMs: number,
  timeoutMs = Math.max(everyMs, 250),
  options: { keepMs?: number } = {},
): Promise<MultiProbe> {
  const child = lab.spawnIn(ref, process.execPath, [
    CLIENT_SCRIPT,
    String(port),
    String(everyMs),
    String(timeoutMs),
    ...targets,
  ]);
  child.stderr.resume();
  const samples = new Map<string, ProbeSample[]>(targets.map((t) => [t, []]));
  const lines = new LineCollector(child.stdout);
  // A long soak would otherwise keep every line twice: keep only the parsed samples.
  lines.lines.length = 0;
  lines.onLine((line) => {
    lines.lines.length = 0;
    try {
      const sample = JSON.parse(line) as ProbeSample & { t: string };
      const list = samples.get(sample.t);
      if (!list) return;
      list.push({
        at: sample.at,
        ok: sample.ok,
        ms: sample.ms,
        ...(sample.answer === undefined ? {} : { answer: sample.answer }),
      });
      if (options.keepMs && list.length % 1000 === 0) {
        const cutoff = Date.now() - options.keepMs;
        const drop = list.findIndex((s) => s.at >= cutoff);
        if (drop > 0) list.splice(0, drop);
      }
    } catch {
      // Not a sample.
    }
  });
  await lines.waitFor(() => true, 5000, 'first probe sample');
  return {
    samples,
    outages(target, from = Number.NEGATIVE_INFINITY, to = Number.POSITIVE_INFINITY) {
      return outagesOf(samples.get(target) ?? []).filter(
        (o) => o.from <= to && (o.to ?? Number.POSITIVE_INFINITY) >= from,
      );
    },
    async stop() {
      const done = exited(child);
      child.stdin.end();
      child.kill('SIGKILL');
      await done;
    },
  };
}
