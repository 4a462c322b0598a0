/**
 * `npm run soak -- --minutes N [--vips N] [--seed N] [--out FILE]`: the soak of bench/soak/, with
 * a Markdown report on stdout (and in FILE) and the raw numbers next to it as JSON. Needs root.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { runSoak, soakMarkdown } from './soak/soak-run.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    vips: { type: 'string', default: '300' },
    seed: { type: 'string' },
    out: { type: 'string' },
    'log-dir': { type: 'string' },
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
if (values['log-dir']) mkdirSync(values['log-dir'], { recursive: true });
const t0 = Date.now();
const report = await runSoak({
  minutes,
  vips,
  ...(values.seed ? { seed: Number(values.seed) } : {}),
  ...(values['log-dir'] ? { logDir: values['log-dir'] } : {}),
  log: (line) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(5)} s] ${line}`),
});
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
const markdown = soakMarkdown(report, `${git(['rev-parse', '--short', 'HEAD'])}${dirty}`);
console.log(`\n${markdown}`);
if (values.out) {
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, markdown);
  writeFileSync(values.out.replace(/\.md$/, '.json'), `${JSON.stringify(report, null, 2)}\n`);
}
process.exit(report.violations.length === 0 && report.endpointsLost === 0 ? 0 : 1);
