/**
 * `npm run bench`: failover (LinK and keepalived), scale and API latency in network-namespace labs
 * (root), results in bench/results/latest.{md,svg,json}.
 *
 *   npm run bench                              # everything: 5 repeats, 1/1000/5000/10000 VIPs, 1000 endpoints
 *   npm run bench -- --only failover --repeats 10
 *   npm run bench -- --scale 1,100 --runtime tsx
 *   npm run bench -- --only scale --scale 1000 --create api   # one POST /endpoints per VIP
 *   npm run bench -- --only scale --scale 1000 --logs /tmp/scale-logs   # keep each agent's log
 *   npm run bench -- --quick                   # 1 repeat, small N: checks the machinery
 */

import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runBench, SUITES, type Suite } from './bench.js';
import { DEFAULT_TOOLS, SCENARIOS, type Scenario, TOOLS, type ToolName } from './failover.js';
import type { LinkdRuntime } from './linkd-build.js';

function list<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  fallback: readonly T[],
  flag: string,
): T[] {
  if (value === undefined) return [...fallback];
  const items = value.split(',').map((v) => v.trim()) as T[];
  const wrong = items.filter((item) => !allowed.includes(item));
  if (wrong.length > 0)
    throw new Error(`--${flag}: unknown ${wrong.join(', ')} (expected ${allowed.join(', ')})`);
  return items;
}

function positive(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag}: expected a positive integer, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the bench builds network namespaces: run it as root');
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      tools: { type: 'string' },
      scenarios: { type: 'string' },
      repeats: { type: 'string' },
      scale: { type: 'string' },
      create: { type: 'string' },
      placement: { type: 'string' },
      api: { type: 'string' },
      runtime: { type: 'string' },
      out: { type: 'string' },
      logs: { type: 'string' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'npm run bench -- [--only failover,scale,api] [--tools link,keepalived,keepalived-v3,link-ttl3] [--scenarios crash,graceful,backend]\n' +
        '                 [--repeats N] [--scale 1,1000,5000,10000] [--create bulk|api] [--placement preferred|spread] [--api N] [--runtime compiled|tsx]\n' +
        '                 [--out DIR] [--logs DIR] [--quick]\n',
    );
    return;
  }
  const quick = values.quick;
  const runtime = (values.runtime ?? (quick ? 'tsx' : 'compiled')) as LinkdRuntime;
  if (runtime !== 'compiled' && runtime !== 'tsx')
    throw new Error(`--runtime: compiled or tsx, got ${runtime}`);
  const scale = values.scale
    ? values.scale.split(',').map((v) => positive(v, 1, 'scale'))
    : quick
      ? [1, 20]
      : [1, 1000, 5000, 10000];
  const results = await runBench({
    suites: list<Suite>(values.only, SUITES, SUITES, 'only'),
    tools: list<ToolName>(values.tools, TOOLS, DEFAULT_TOOLS, 'tools'),
    scenarios: list<Scenario>(values.scenarios, SCENARIOS, SCENARIOS, 'scenarios'),
    repeats: positive(values.repeats, quick ? 1 : 5, 'repeats'),
    scale,
    scaleCreate: list(values.create, ['bulk', 'api'] as const, ['bulk'], 'create')[0] ?? 'bulk',
    scalePlacement:
      list(values.placement, ['preferred', 'spread'] as const, ['preferred'], 'placement')[0] ?? 'preferred',
    apiEndpoints: positive(values.api, quick ? 50 : 1000, 'api'),
    runtime,
    ...(values.logs ? { logDir: values.logs } : {}),
    outDir: values.out ?? fileURLToPath(new URL('./results', import.meta.url)),
    log: (line) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
  });
  process.stdout.write(`results in ${values.out ?? 'bench/results'}/latest.{md,svg,json}\n`);
  if (results.errors.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
