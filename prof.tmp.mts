import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { startEtcd, freePort } from './test/support/etcd-server.ts';
import { LineCollector } from './test/lab/line-collector.ts';
const N = Number(process.argv[2] ?? 2000);
const etcd = await startEtcd();
const port = await freePort();
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir', '/tmp/lprof', '--import', TSX, 'src/cli/linkd.ts'], {
  env: { PATH: process.env.PATH ?? '', LINK_ETCD: etcd.url, LINK_INTERFACE: 'lo', LINK_HOSTNAME: 'prof', LINK_LISTEN: `127.0.0.1:${port}`, LINK_DRY_RUN: 'true', LINK_MAX_ENDPOINTS: String(N), LINK_LOG_LEVEL: 'info' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new LineCollector(child.stdout).waitFor((l) => l.includes('"linkd started"'), 60000, 'start');
const url = `http://127.0.0.1:${port}`;
const t0 = performance.now();
const res = await fetch(`${url}/endpoints/bulk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ create: Array.from({ length: N }, (_, i) => ({ plugin: 'arp', plugin_config: { ip: `10.79.${Math.floor(i / 250)}.${(i % 250) + 1}/32` } })) }) });
console.log('bulk', res.status, (performance.now() - t0).toFixed(0), 'ms');
for (;;) {
  const s = await (await fetch(`${url}/endpoints/summary`)).json();
  if ((s.by_state.ACTIVATED ?? 0) === N) break;
  await new Promise((r) => setTimeout(r, 500));
}
console.log('all ACTIVATED', (performance.now() - t0).toFixed(0), 'ms');
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
await etcd.destroy();
