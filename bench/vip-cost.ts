/**
 * What one VIP costs the agent in memory, measured in-process: one agent on the in-memory etcd and
 * network fakes (simulated clock), with pino logging to /dev/null as linkd does, `n` VIPs created
 * in one bulk change and settled to ACTIVATED, heap compared with the empty agent after a full GC.
 *
 *   node --expose-gc --import tsx bench/vip-cost.ts [N] [--standby] [--heap-snapshot FILE]
 *
 * With `--standby` another agent on the same etcd takes every VIP first, so the measured agent's
 * VIPs are all STANDBY (no holder actor), as two thirds of them are on each of 3 agents.
 */
import { writeHeapSnapshot } from 'node:v8';
import { pino } from 'pino';
import { defaultSettings } from '../src/agent/agent-settings.js';
import { composeAgent } from '../src/daemon/composition-root.js';
import type { Logger } from '../src/ports/logger.js';
import { FakeEtcd } from '../test/fakes/fake-coordination.js';
import { FakeAddresses, FakeAnnouncer, FakeProbe, fakeMac } from '../test/fakes/fake-network.js';
import { advance, simulatedClock } from '../test/fakes/sim-time.js';
import { scaleVips } from './scale.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function heapMb(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 5000);
  const snapshotAt = process.argv.indexOf('--heap-snapshot');
  const clock = simulatedClock();
  const etcd = new FakeEtcd(clock);
  const logger = pino({ level: 'info' }, pino.destination('/dev/null')) as unknown as Logger;
  const specs = scaleVips(n).map((ip) => ({
    ip,
    checks: [],
    healthcheckInterval: 0,
    faultPolicy: 'activate' as const,
  }));
  if (process.argv.includes('--standby')) {
    const holder = agentOn('holder', etcd, clock, logger);
    await holder.start();
    await holder.apply({ create: specs });
    await advance(clock, 2000, 50);
  }
  const agent = agentOn('cost', etcd, clock, logger);
  await agent.start();
  await advance(clock, 100);
  const empty = heapMb();
  const started = performance.now();
  await agent.apply({ create: specs });
  await advance(clock, 6000, 50);
  const createMs = performance.now() - started;
  const states = new Map<string, number>();
  for (const row of agent.rows()) states.set(row.status, (states.get(row.status) ?? 0) + 1);
  const withStore = heapMb();
  // The in-memory etcd's copy of the records, status and audit trails lives in etcd, not the agent.
  etcd.data.clear();
  const full = heapMb();
  const perVip = ((full - empty) * 1024 * 1024) / n;
  process.stdout.write(
    `${n} VIPs (${JSON.stringify(Object.fromEntries(states))}): heap ${empty.toFixed(1)} -> ${full.toFixed(1)} MB ` +
      `(${withStore.toFixed(1)} MB with the fake etcd's store), ` +
      `${(perVip / 1024).toFixed(2)} KiB per VIP; created and settled in ${createMs.toFixed(0)} ms (simulated 6 s)\n`,
  );
  if (snapshotAt > 0) {
    const file = writeHeapSnapshot(process.argv[snapshotAt + 1]);
    process.stdout.write(`heap snapshot: ${file}\n`);
  }
  process.exit(0);
}

function agentOn(hostname: string, etcd: FakeEtcd, clock: ReturnType<typeof simulatedClock>, logger: Logger) {
  return composeAgent({
    hostname,
    version: 'bench',
    coordination: etcd.port(),
    address: new FakeAddresses(),
    announcer: new FakeAnnouncer(fakeMac(hostname === 'cost' ? 1 : 2), new Set()),
    probe: new FakeProbe(),
    clock,
    logger,
    settings: { ...defaultSettings, maxEndpoints: 0 },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`vip-cost: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
