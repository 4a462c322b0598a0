import { describe, expect, it } from 'vitest';
import type { NewEndpoint } from '../../../src/agent/agent-service.js';
import { ChangesIncompleteError, ChangesRefusedError } from '../../../src/model/errors.js';
import { keys } from '../../../src/model/keys.js';
import { simCluster } from '../../support/sim-cluster.js';

const spec = (i: number): NewEndpoint => ({
  ip: `10.50.${Math.floor(i / 250)}.${(i % 250) + 1}/32`,
  checks: [],
  healthcheckInterval: 0,
  faultPolicy: 'activate',
});
const specs = (n: number) => Array.from({ length: n }, (_, i) => spec(i));
const stored = (sim: ReturnType<typeof simCluster>, host: string) =>
  [...sim.etcd.data.keys()].filter((k) => k.startsWith(keys.endpointsOf(host))).length;

describe('bulk changes on an agent (simulated time)', () => {
  it('creates 300 endpoints in 3 transactions, each VIP elected and bound', async () => {
    const sim = simCluster(['h1'], { maxEndpoints: 0 });
    const agent = sim.hosts[0]!.agent;
    await agent.start();
    const before = sim.etcd.calls.get('txn_batch') ?? 0;
    const applied = await agent.apply({ create: specs(300) });
    expect(applied.created).toHaveLength(300);
    expect((sim.etcd.calls.get('txn_batch') ?? 0) - before).toBe(3);
    expect(stored(sim, 'h1')).toBe(300);
    await sim.advance(1000);
    expect(agent.rows().filter((r) => r.status === 'ACTIVATED')).toHaveLength(300);
    expect(sim.hosts[0]!.addresses.bound.size).toBe(300);
  });

  it('deletes and updates many at once; a deleted IP can be created again by the same request', async () => {
    const sim = simCluster(['h1'], { maxEndpoints: 0 });
    const agent = sim.hosts[0]!.agent;
    await agent.start();
    const { created } = await agent.apply({ create: specs(200) });
    await sim.advance(500);
    const doomed = created.slice(0, 150).map((e) => e.id);
    const kept = created[199]!;
    const done = agent.apply({
      delete: doomed,
      update: [
        { id: kept.id, checks: [{ type: 'TCP', host: '127.0.0.1', port: 9 }], healthcheckInterval: 3 },
      ],
      create: [spec(0)],
    });
    await sim.advance(5000);
    const applied = await done;
    expect(applied.deleted).toHaveLength(150);
    expect(applied.updated[0]).toMatchObject({ id: kept.id, healthcheck_interval: 3 });
    expect(applied.created[0]?.ip).toBe(spec(0).ip);
    expect(agent.list()).toHaveLength(51);
    expect(stored(sim, 'h1')).toBe(51);
    expect(JSON.parse(sim.etcd.data.get(keys.endpoint('h1', kept.id))!.value).healthcheck_interval).toBe(3);
  });

  it('refuses the whole request with every problem listed, and changes nothing', async () => {
    const sim = simCluster(['h1'], { maxEndpoints: 100 });
    const agent = sim.hosts[0]!.agent;
    await agent.start();
    await agent.create(spec(0));
    const error = await agent.apply({ create: specs(101) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChangesRefusedError);
    expect(Object.keys((error as ChangesRefusedError).errors)).toEqual(['create.0.ip', 'create']);
    expect(agent.list()).toHaveLength(1);
    expect(stored(sim, 'h1')).toBe(1);
  });

  it('when etcd refuses part-way, runs what was stored and says where it stopped', async () => {
    const sim = simCluster(['h1'], { maxEndpoints: 0 });
    const agent = sim.hosts[0]!.agent;
    await agent.start();
    sim.etcd.failBatchAfter = 1;
    const error = await agent.apply({ create: specs(300) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChangesIncompleteError);
    expect((error as Error).message).toMatch(/creates, 128 of 300 applied/);
    expect(agent.list()).toHaveLength(128);
    expect(stored(sim, 'h1')).toBe(128);
    // The rest can be sent again: the IPs already created are refused by name, the others pass.
    sim.etcd.failBatchAfter = undefined;
    const again = await agent.apply({ create: specs(300) }).catch((e: unknown) => e);
    expect(Object.keys((again as ChangesRefusedError).errors)).toHaveLength(128);
    const rest = await agent.apply({ create: specs(300).slice(128) });
    expect(rest.created).toHaveLength(172);
  });

  it('a restart restores 1000 stored endpoints', async () => {
    const sim = simCluster(['h1'], { maxEndpoints: 0 });
    const agent = sim.hosts[0]!.agent;
    await agent.start();
    await agent.apply({ create: specs(1000) });
    const sim2 = simCluster(['h1'], { maxEndpoints: 0 });
    for (const [key, entry] of sim.etcd.data)
      if (key.startsWith(keys.endpointsOf('h1'))) sim2.etcd.data.set(key, entry);
    await sim2.hosts[0]!.agent.start();
    expect(sim2.hosts[0]!.agent.rows()).toHaveLength(1000);
  });
});
