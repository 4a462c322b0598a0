/**
 * `npm run soak -- --minutes N [--vips N] [--seed N] [--faults T,T] [--out FILE] [--runtime compiled|tsx]`: the
 * soak of bench/soak/, with a Markdown report on stdout (and in FILE) and the raw numbers next to it
 * as JSON. linkd runs compiled by default, as operators run it. Needs root.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { FAULT_TYPES, type FaultType, runSoak, soakMarkdown } from './soak/soak-run.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    vips: { type: 'string', default: '300' },
    seed: { type: 'string' },
    faults: { type: 'string' },
    out: { type: 'string' },
    'log-dir': { type: 'string' },
    runtime: { type: 'string', default: 'compiled' },
  },
});
if (process.getuid?.() !== 0) {
  console.error('soak: needs root (network namespaces)');
  process.exit(2);
}
const minutes = Number(values.minutes);
const vips = Number(values.vips);
if (!(minutes > 0) || !(vips > 0)) {
  console.error('soak: --minutes and --vips take positive numbers');
  process.exit(2);
}
const runtime = values.runtime;
if (runtime !== 'compiled' && runtime !== 'tsx') {
  console.error('soak: --runtime takes compiled or tsx');
  process.exit(2);
}
const faults = values.faults?.split(',').map((type) => type.trim());
const unknown = faults?.filter((type) => !(FAULT_TYPES as readonly string[]).includes(type)) ?? [];
if (faults && (faults.length === 0 || unknown.length > 0)) {
  console.error(`soak: --faults: unknown fault type ${unknown.join(', ')}; known: ${FAULT_TYPES.join(', ')}`);
  process.exit(2);
}
if (values['log-dir']) mkdirSync(values['log-dir'], { recursive: true });
// The revision that runs, read before the run: work on the tree during a long soak must not relabel it.
const git = (args: string[]) => {
  try {
    return execFileSync('git', args, { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
};
const dirty = git(['status', '--porcelain', '--untracked-files=no', 'src'])
  ? ' (src/ with uncommitted changes)'
  : '';
const revision = `${git(['rev-parse', '--short', 'HEAD'])}${dirty}`;
const t0 = Date.now();
const report = await runSoak({
  minutes,
  vips,
  ...(values.seed ? { seed: Number(values.seed) } : {}),
  ...(faults ? { faultTypes: faults as FaultType[] } : {}),
  ...(values['log-dir'] ? { logDir: values['log-dir'] } : {}),
  runtime,
  log: (line) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(5)} s] ${line}`),
});
const markdown = soakMarkdown(report, revision);
console.log(`\n${markdown}`);
if (values.out) {
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, markdown);
  writeFileSync(values.out.replace(/\.md$/, '.json'), `${JSON.stringify(report, null, 2)}\n`);
}
process.exit(
  report.violations.length === 0 && report.endpointsLost === 0 && report.earlyTakeoversOfLiveHost === 0
    ? 0
    : 1,
);
