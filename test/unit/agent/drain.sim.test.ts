import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../src/agent/agent-settings.js';
import { composeAgent } from '../../../src/daemon/composition-root.js';
import { DrainRefusedError } from '../../../src/model/errors.js';
import { keys } from '../../../src/model/keys.js';
import { silentLogger } from '../../../src/ports/logger.js';
import { FakeAddresses, FakeAnnouncer, FakeProbe } from '../../fakes/fake-network.js';
import { type SimHost, simCluster, vipSpec } from '../../support/sim-cluster.js';
import { neighbourOn } from '../../support/sim-neighbour.js';

const IP = '10.0.0.10/32';
const CHECK = { type: 'TCP' as const, host: '127.0.0.1', port: 8080 };

async function cluster(names = ['h1', 'h2']) {
  const sim = simCluster(names, { healthIntervalMs: 1000, healthFall: 1 });
  const wire = neighbourOn(sim, IP, 10);
  await sim.startWith(vipSpec(IP, { checks: [CHECK] }), 3000);
  const { holder, others } = sim.roles();
  return { sim, holder, others, ...wire };
}

describe('drain: maintenance of a host', () => {
  it('hands the VIP over make-before-break and keeps the host out of elections until undrained', async () => {
    const { sim, holder, others, neighbour, dangling, step } = await cluster();
    const [successor] = others as [SimHost];

    const draining = holder.agent.drain({ force: false });
    await step(1500);
    const report = await draining;

    expect(report.handed_over).toEqual([{ id: holder.agent.list()[0]?.id, ip: IP, holder: successor.name }]);
    expect(dangling).toEqual([]);
    expect(neighbour.mac).toBe(successor.announcer.mac);
    expect(sim.journal.slice(-2)).toEqual([`${successor.name} add ${IP}`, `${holder.name} remove ${IP}`]);
    expect(holder.agent.list()[0]?.status).toBe('DRAINED');
    expect(holder.agent.drained).toBe(true);
    expect(await holder.agent.drainedHosts()).toEqual([holder.name]);

    // The successor fails: a drained host does not take the VIP, whatever happens.
    successor.probe.down.add('127.0.0.1:8080');
    await sim.advance(3000);
    expect(successor.agent.list()[0]?.status).toBe('FAILING');
    expect(holder.agent.list()[0]?.status).toBe('DRAINED');
    expect(sim.holders(IP)).toEqual([]);

    await holder.agent.undrain();
    await sim.advance(3000);
    expect(holder.agent.drained).toBe(false);
    expect(holder.agent.list()[0]?.status).toBe('ACTIVATED');
    expect(sim.holders(IP)).toEqual([holder.name]);
    expect(await holder.agent.drainedHosts()).toEqual([]);
  });

  it('is refused while no other host could take a held VIP, and forced drains anyway', async () => {
    const { sim, holder, others } = await cluster();
    const [other] = others as [SimHost];
    other.probe.down.add('127.0.0.1:8080');
    await sim.advance(2500);
    expect(other.agent.list()[0]?.status).toBe('FAILING');

    await expect(holder.agent.drain({ force: false })).rejects.toThrow(DrainRefusedError);
    await expect(holder.agent.drain({ force: false })).rejects.toThrow(
      /no other host can take 10\.0\.0\.10\/32/,
    );
    expect(holder.agent.drained).toBe(false);
    expect(sim.holders(IP)).toEqual([holder.name]);

    const forcing = holder.agent.drain({ force: true });
    await sim.advance(3000);
    await forcing;
    expect(holder.agent.list()[0]?.status).toBe('DRAINED');
    expect(sim.holders(IP)).toEqual([]);
  });

  it('a drained peer does not count as a successor', async () => {
    const { sim, holder, others } = await cluster(['h1', 'h2', 'h3']);
    const [first, second] = others as [SimHost, SimHost];
    const firstDrain = first.agent.drain({ force: false });
    await sim.advance(500);
    await firstDrain;
    second.probe.down.add('127.0.0.1:8080');
    await sim.advance(2500);
    await expect(holder.agent.drain({ force: false })).rejects.toThrow(DrainRefusedError);
  });

  it('stays drained across a restart: the flag is in etcd, not bound to the lease', async () => {
    const { sim, holder } = await cluster();
    const draining = holder.agent.drain({ force: false });
    await sim.advance(2000);
    await draining;
    const stopping = holder.agent.shutdown({ hold: false, deadlineMs: 3000 });
    await sim.advance(3000);
    await stopping;
    expect(await sim.etcd.port().kv.get(keys.maintenance(holder.name))).toBeDefined();

    const restarted = composeAgent({
      hostname: holder.name,
      version: 'test',
      coordination: sim.etcd.port(),
      address: new FakeAddresses(holder.name, sim.journal),
      announcer: new FakeAnnouncer('02:00:00:00:01:01', sim.segment),
      probe: new FakeProbe(),
      clock: sim.clock,
      logger: silentLogger,
      settings: defaultSettings,
    });
    const campaigns = sim.etcd.calls.get('txn') ?? 0;
    await restarted.start();
    await sim.advance(3000);
    expect(restarted.drained).toBe(true);
    expect(restarted.list()[0]?.status).toBe('DRAINED');
    expect(sim.etcd.calls.get('txn') ?? 0).toBe(campaigns);
  });
});
