import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runApiLatency } from './api-latency.js';
import { runFailover, type Scenario, type ToolName } from './failover.js';
import { summarizeFailover } from './failover-summary.js';
import type { LinkdRuntime } from './linkd-build.js';
import { loadAverage, machineInfo } from './machine.js';
import { renderMarkdown } from './report-markdown.js';
import { renderSvg } from './report-svg.js';
import type { BenchResults } from './results.js';
import { runScale } from './scale.js';

export const SUITES = ['failover', 'scale', 'api'] as const;
export type Suite = (typeof SUITES)[number];

export interface BenchOptions {
  suites: readonly Suite[];
  tools: readonly ToolName[];
  scenarios: readonly Scenario[];
  repeats: number;
  scale: readonly number[];
  /** How the scale suite creates its endpoints (default bulk). */
  scaleCreate?: 'bulk' | 'api';
  /** The agents' `--placement` in the scale suite (default preferred, linkd's default). */
  scalePlacement?: 'preferred' | 'spread';
  /** Where the scale runs' agent logs go (none kept without it). */
  logDir?: string;
  apiEndpoints: number;
  runtime: LinkdRuntime;
  /** Where latest.{json,md,svg} go; nothing is written without it. */
  outDir?: string;
  /** Idle window of the scale suite. */
  idleMs?: number;
  log: (line: string) => void;
}

/** Runs the chosen suites one after another and writes the results; a failed suite is recorded, not fatal. */
export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const { log } = options;
  const load = { start: loadAverage(), end: 0, max: loadAverage() };
  const sampler = setInterval(() => {
    load.max = Math.max(load.max, loadAverage());
  }, 5000);
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    finishedAt: '',
    machine: machineInfo(),
    load,
    runtime: options.runtime,
    errors: [],
  };
  const attempt = async (suite: Suite, run: () => Promise<void>) => {
    if (!options.suites.includes(suite)) return;
    log(`== ${suite} (load ${loadAverage()})`);
    try {
      await run();
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`${suite} failed: ${message}`);
      results.errors.push({ suite, message });
    }
  };
  try {
    await attempt('failover', async () => {
      const failover = await runFailover({
        tools: options.tools,
        scenarios: options.scenarios,
        repeats: options.repeats,
        runtime: options.runtime,
        log,
      });
      results.failover = { ...failover, rows: summarizeFailover(failover.runs) };
    });
    await attempt('scale', async () => {
      results.scale = [];
      for (const vips of options.scale) {
        results.scale.push(
          await runScale({
            vips,
            log,
            runtime: options.runtime,
            ...(options.scaleCreate ? { create: options.scaleCreate } : {}),
            ...(options.scalePlacement ? { placement: options.scalePlacement } : {}),
            ...(options.logDir ? { logDir: options.logDir } : {}),
            ...(options.idleMs ? { idleMs: options.idleMs, returnSettleMs: options.idleMs } : {}),
          }),
        );
      }
    });
    await attempt('api', async () => {
      results.api = await runApiLatency({ endpoints: options.apiEndpoints, runtime: options.runtime, log });
    });
  } finally {
    clearInterval(sampler);
  }
  load.end = loadAverage();
  load.max = Math.max(load.max, load.end);
  results.finishedAt = new Date().toISOString();
  if (options.outDir) writeResults(results, options.outDir);
  return results;
}

export function writeResults(results: BenchResults, outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(outDir, 'latest.md'), renderMarkdown(results));
  writeFileSync(join(outDir, 'latest.svg'), renderSvg(results));
}
