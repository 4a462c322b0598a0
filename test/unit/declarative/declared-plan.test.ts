import { describe, expect, it } from 'vitest';
import type { EndpointView } from '../../../src/agent/agent-service.js';
import { planDeclared } from '../../../src/declarative/declared-plan.js';
import type { DeclaredEndpoint } from '../../../src/model/endpoints-file-schema.js';

const TCP = { type: 'TCP' as const, host: '127.0.0.1', port: 5432 };

function view(n: number, overrides: Partial<EndpointView> = {}): EndpointView {
  return {
    id: `vip-00000000-0000-0000-0000-00000000000${n}`,
    status: 'ACTIVATED',
    bound: true,
    ip: `10.0.0.${n}/32`,
    checks: [TCP],
    healthcheck_interval: 0,
    plugin: 'arp',
    election_key: `10.0.0.${n}_32`,
    fault_policy: 'activate',
    preferred_hosts: [],
    holder: 'h1',
    fencing_token: '1',
    lease_deadline: null,
    health: null,
    last_fault: null,
    conflicts: 0,
    conflict_mac: null,
    ...overrides,
  };
}

const declared = (n: number, extra: Partial<DeclaredEndpoint> = {}): DeclaredEndpoint => ({
  ip: `10.0.0.${n}/32`,
  checks: [TCP],
  healthcheckInterval: 0,
  ...extra,
});

const base = { owned: new Set<string>(), prune: false, defaultFaultPolicy: 'activate' as const };

describe('planDeclared', () => {
  it('keeps what is as declared, updates checks in place, creates what is missing', () => {
    const result = planDeclared({
      ...base,
      declared: [declared(1), declared(2, { checks: [], healthcheckInterval: 5 }), declared(3)],
      current: [view(1), view(2)],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plan.unchanged.map((c) => c.ip)).toEqual(['10.0.0.1/32']);
    expect(result.plan.update).toEqual([
      { ip: '10.0.0.2/32', id: view(2).id, fields: ['checks', 'healthcheck_interval'] },
    ]);
    expect(result.plan.create).toEqual([{ ip: '10.0.0.3/32' }]);
    expect(result.changes).toEqual({
      create: [{ ip: '10.0.0.3/32', checks: [TCP], healthcheckInterval: 0, faultPolicy: 'activate' }],
      update: [{ id: view(2).id, checks: [], healthcheckInterval: 5 }],
      delete: [],
    });
    expect(result.owned).toEqual(['10.0.0.1_32', '10.0.0.2_32', '10.0.0.3_32']);
  });

  it('deletes only what the file owned, unless pruning', () => {
    const current = [view(1), view(2), view(3)];
    const owned = new Set(['10.0.0.2_32']);
    const kept = planDeclared({ ...base, owned, declared: [declared(1)], current });
    expect(kept.ok && kept.plan.delete.map((c) => c.ip)).toEqual(['10.0.0.2/32']);
    const pruned = planDeclared({ ...base, owned, prune: true, declared: [declared(1)], current });
    expect(pruned.ok && pruned.changes.delete).toEqual([view(2).id, view(3).id]);
  });

  it('refuses a fault policy that differs from the running one, naming the entry', () => {
    const result = planDeclared({
      ...base,
      declared: [declared(3), declared(1, { faultPolicy: 'release' })],
      current: [view(1)],
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors)).toEqual(['endpoints.1.fault_policy']);
  });
});
