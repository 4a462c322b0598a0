import { describe, expect, it } from 'vitest';
import type { NewEndpoint } from '../../../src/agent/agent-service.js';
import { VipRefusedError } from '../../../src/model/errors.js';
import { vipRangeProblem } from '../../../src/model/vip-range-policy.js';
import { simCluster } from '../../support/sim-cluster.js';

const spec = (ip: string): NewEndpoint => ({
  ip,
  checks: [],
  healthcheckInterval: 0,
  faultPolicy: 'activate',
});
const vipProblem = (cidr: string) =>
  vipRangeProblem(cidr, { allowed: ['10.0.0.0/24'], interfaceAddresses: () => ['10.0.0.5/24'] });

describe('allowed VIP ranges in the agent', () => {
  it('refuses a create outside the ranges, storing and binding nothing', async () => {
    const sim = simCluster(['h1'], {}, { vipProblem });
    const agent = sim.hosts[0]!.agent;
    await agent.start();
    await expect(agent.create(spec('10.9.0.1/32'))).rejects.toThrow(VipRefusedError);
    await expect(agent.create(spec('10.0.0.5/32'))).rejects.toThrow(/this host's interfaces/);
    await agent.create(spec('10.0.0.10/32'));
    await sim.advance(500);
    expect(agent.list().map((view) => view.ip)).toEqual(['10.0.0.10/32']);
    expect([...sim.hosts[0]!.addresses.bound]).toEqual(['10.0.0.10/32']);
  });

  it('refuses a bulk create listing each address refused', async () => {
    const sim = simCluster(['h1'], {}, { vipProblem });
    const agent = sim.hosts[0]!.agent;
    await agent.start();
    const refused = await agent
      .apply({ create: [spec('10.0.0.11/32'), spec('127.0.0.1/32')] })
      .catch((error: { errors?: unknown }) => error.errors);
    expect(refused).toEqual({ 'create.1.ip': ['127.0.0.1 is a loopback address, never a virtual IP'] });
    expect(agent.list()).toEqual([]);
  });
});
