import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBench } from '../../bench/bench.js';
import { renderMarkdown } from '../../bench/report-markdown.js';

const isRoot = process.getuid?.() === 0;
const hasKeepalived = (() => {
  try {
    execFileSync('keepalived', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!isRoot) console.warn('bench smoke run skipped: the bench builds network namespaces and needs root');

/**
 * `npm run bench` in miniature (1 repeat, small N), so the bench cannot rot. Its timings are
 * printed, never asserted: the machine is shared. What must hold is that every suite ran and
 * collected samples.
 */
describe.skipIf(!isRoot)('bench smoke run (root)', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'link-bench-smoke-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('runs failover, scale and API once each and writes the results', { timeout: 900_000 }, async () => {
    const tools = hasKeepalived ? (['link', 'keepalived'] as const) : (['link'] as const);
    const results = await runBench({
      suites: ['failover', 'scale', 'api'],
      tools,
      scenarios: ['crash', 'graceful', 'backend'],
      repeats: 1,
      scale: [1, 10],
      apiEndpoints: 20,
      runtime: 'tsx',
      idleMs: 4000,
      outDir,
      log: (line) => console.info(`bench: ${line}`),
    });
    console.info(renderMarkdown(results));

    expect(results.errors).toEqual([]);
    const runs = results.failover?.runs ?? [];
    expect(runs).toHaveLength(tools.length * 3);
    for (const run of runs)
      expect(run.probes, `${run.tool} ${run.scenario}: probe samples`).toBeGreaterThan(0);
    expect(results.failover?.rows).toHaveLength(tools.length * 3);

    expect(results.scale?.map((s) => s.vips)).toEqual([1, 10]);
    for (const scale of results.scale ?? []) {
      expect(scale.convergeMs).toBeGreaterThan(0);
      expect(scale.agentUsage).toHaveLength(3);
      for (const usage of scale.agentUsage) expect(usage.rssMb).toBeGreaterThan(0);
      expect(scale.etcdIdle.byMethod.LeaseKeepAlive, 'etcd saw keepalives while idle').toBeGreaterThan(0);
      expect(scale.failover.held).toBeGreaterThan(0);
    }

    expect(results.api?.create.n).toBe(20);
    expect(results.api?.list.n).toBeGreaterThan(0);

    const markdown = readFileSync(join(outDir, 'latest.md'), 'utf8');
    expect(markdown).toContain('## Failover');
    expect(markdown).toContain('## Scale');
    expect(markdown).toContain('## API latency');
    expect(readFileSync(join(outDir, 'latest.svg'), 'utf8')).toMatch(
      /^<svg[^>]*>[\s\S]*<rect[\s\S]*<\/svg>\n$/,
    );
    expect(JSON.parse(readFileSync(join(outDir, 'latest.json'), 'utf8')).machine.nproc).toBeGreaterThan(0);
  });
});
