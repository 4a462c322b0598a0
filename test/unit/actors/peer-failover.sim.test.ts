import { describe, expect, it } from 'vitest';
import type { NewEndpoint } from '../../../src/agent/agent-service.js';
import type { FaultPolicy } from '../../../src/model/endpoint.js';
import { keys } from '../../../src/model/keys.js';
import { type SimHost, simCluster } from '../../support/sim-cluster.js';

const IP = '10.0.0.10/32';
const spec = (faultPolicy: FaultPolicy = 'activate'): NewEndpoint => ({
  ip: IP,
  checks: [],
  healthcheckInterval: 1,
  faultPolicy,
});

async function started(names: string[], faultPolicy: FaultPolicy = 'activate') {
  const sim = simCluster(names);
  for (const host of sim.hosts) await host.agent.start();
  for (const host of sim.hosts) await host.agent.create(spec(faultPolicy));
  await sim.advance(500);
  const holder = sim.hosts.find((h) => h.name === sim.holders(IP)[0]) as SimHost;
  const others = sim.hosts.filter((h) => h !== holder);
  /** Simulated ms until `done` holds, polled every 10 ms, at most `limit`. */
  const until = async (done: () => boolean, limit: number) => {
    let waited = 0;
    while (!done() && waited < limit) {
      await sim.advance(10);
      waited += 10;
    }
    return waited;
  };
  const newHolder = () => others.find((h) => h.addresses.bound.has(IP));
  return { sim, holder, others, until, newHolder };
}

/** Host death: its kernel stops answering and its agent no longer reaches etcd. */
function crash(sim: ReturnType<typeof simCluster>, host: SimHost): void {
  sim.kernels.down.add(host.name);
  host.online = false;
}

const claimsEnded = (sim: ReturnType<typeof simCluster>) => sim.etcd.calls.get('revoke') ?? 0;

describe('fast failover when the holder host dies', () => {
  it('2 hosts: a silent, unrefuted holder loses its claim within a few hundred ms, not the lease TTL', async () => {
    const { sim, holder, until, newHolder } = await started(['h1', 'h2']);
    crash(sim, holder);
    const waited = await until(() => newHolder() !== undefined, 7000);
    // suspect after 100 ms + confirm window 100 ms + revoke, watch and campaign.
    expect(waited).toBeLessThan(400);
    expect(claimsEnded(sim)).toBe(1);
    expect(sim.etcd.leases.has(holder.agent.hostLease.inForce?.leaseId ?? '')).toBe(false);
  });

  it('3 hosts: both standbys observe the silent holder and one takes over fast', async () => {
    const { sim, holder, until, newHolder } = await started(['h1', 'h2', 'h3']);
    crash(sim, holder);
    const waited = await until(() => newHolder() !== undefined, 7000);
    expect(waited).toBeLessThan(500);
    expect(sim.holders(IP)).toHaveLength(2); // the dead host's kernel state stays, unreachable
  });

  it("the standby's peer statechart goes from suspected to claim ended, and the VIP is taken", async () => {
    const { sim, holder, others } = await started(['h1', 'h2']);
    const standby = others[0] as SimHost;
    const seen = new Set<string>();
    const id = standby.agent.list()[0]?.id as string;
    crash(sim, holder);
    for (let t = 0; t < 400; t += 5) {
      const value = JSON.stringify(standby.agent.peerMonitor?.peers().get(holder.name)?.value ?? null);
      seen.add(value);
      await sim.advance(5);
    }
    expect([...seen].join(' ')).toMatch(/ALIVE.*SUSPECTED.*CLAIM_ENDED/);
    expect(standby.agent.get(id)?.status).toBe('ACTIVATED');
  });
});

describe('no early takeover of a live host', () => {
  it('a holder whose agent is paused but whose kernel answers keeps the lease path (about the TTL)', async () => {
    const { sim, holder, until, newHolder } = await started(['h1', 'h2']);
    holder.online = false; // paused agent: no keepalive, no refutation; the kernel still answers
    const waited = await until(() => newHolder() !== undefined, 8000);
    expect(waited).toBeGreaterThan(4000);
    expect(claimsEnded(sim)).toBe(0);
  });

  it('peers cut from each other while both reach etcd: suspicions are refuted and nothing moves', async () => {
    const { sim, holder, others } = await started(['h1', 'h2']);
    const standby = others[0] as SimHost;
    sim.kernels.cut(holder.name, standby.name);
    await sim.advance(20_000);
    expect(sim.holders(IP)).toEqual([holder.name]);
    expect(claimsEnded(sim)).toBe(0);
    // Backing off 1, 2, 4, 8 s after each refutation: a handful of suspicions in 20 s, not hundreds.
    const suspicionPuts = sim.etcd.calls.get('put') ?? 0;
    expect(suspicionPuts).toBeLessThan(40);
    sim.kernels.heal();
    await sim.advance(1000);
    expect(sim.holders(IP)).toEqual([holder.name]);
  });

  it('3 hosts: one observer cut from a holder that cannot refute is not enough', async () => {
    const { sim, holder, others } = await started(['h1', 'h2', 'h3']);
    const [a] = others as [SimHost, SimHost];
    sim.kernels.cut(holder.name, a.name);
    holder.online = false; // it cannot refute, but the other observer still hears its kernel
    await sim.advance(3000);
    expect(claimsEnded(sim)).toBe(0);
    expect(sim.holders(IP)).toEqual([holder.name]);
  });
});

describe('release endpoints after an early end of the claim', () => {
  it('the successor binds only once the old lease could have expired, after the old holder unbound', async () => {
    const { sim, holder, until, newHolder } = await started(['h1', 'h2'], 'release');
    // Cut off from everything, its agent running: the worst case for overlap.
    sim.kernels.down.add(holder.name);
    holder.online = false;
    const removedAt = await until(() => !holder.addresses.bound.has(IP), 8000);
    const boundAt = removedAt + (await until(() => newHolder() !== undefined, 8000));
    expect(claimsEnded(sim)).toBe(1);
    expect(boundAt).toBeGreaterThan(removedAt);
    const order = sim.journal.filter((line) => line.endsWith(IP)).slice(-2);
    expect(order).toEqual([`${holder.name} remove ${IP}`, `${newHolder()?.name} add ${IP}`]);
  });

  it('an activate endpoint does not wait', async () => {
    const { sim, holder, until, newHolder } = await started(['h1', 'h2']);
    crash(sim, holder);
    expect(await until(() => newHolder() !== undefined, 7000)).toBeLessThan(400);
    expect([...sim.etcd.data.keys()].some((k) => k.startsWith(keys.endedPrefix))).toBe(true);
  });
});
