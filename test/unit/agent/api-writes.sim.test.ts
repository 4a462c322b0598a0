import { describe, expect, it } from 'vitest';
import type { NewEndpoint } from '../../../src/agent/agent-service.js';
import { createMetrics } from '../../../src/api/metrics.js';
import { simCluster } from '../../support/sim-cluster.js';

const spec: NewEndpoint = { ip: '10.0.0.10/32', checks: [], healthcheckInterval: 0, faultPolicy: 'activate' };
const caller = { remote: '10.0.0.7', user: 'admin' };

describe('API writes in the transition history', () => {
  it('records each write with who asked, beside the transitions it causes', async () => {
    const sim = simCluster(['h1', 'h2']);
    const [a, b] = sim.hosts.map((host) => host.agent);
    for (const agent of [a!, b!]) await agent.start();
    const metrics = createMetrics({ processMetrics: false });
    metrics.bindAgent(a!);
    const view = await a!.create(spec, caller);
    await b!.create(spec);
    await sim.advance(500);
    const holder = a!.get(view.id)?.status === 'ACTIVATED' ? a! : b!;
    const id = holder.list()[0]!.id;
    await holder.updateChecks(id, [], { remote: '::1' });
    const failing = holder.failover(id, caller);
    await sim.advance(3000);
    await failing;
    const removing = holder.remove(id, caller);
    await sim.advance(3000);
    await removing;

    const writes = holder.history(id).filter((record) => record.event.startsWith('api.'));
    expect(
      writes.map(({ event, cause, caller, from, to }) => ({ event, cause, caller, same: from === to })),
    ).toEqual([
      ...(holder === a
        ? [
            {
              event: 'api.create',
              cause: 'created through the API by admin from 10.0.0.7',
              caller,
              same: true,
            },
          ]
        : []),
      {
        event: 'api.update',
        cause: 'health checks changed through the API by anonymous from ::1',
        caller: { remote: '::1' },
        same: true,
      },
      {
        event: 'api.failover',
        cause: 'failover asked through the API by admin from 10.0.0.7',
        caller,
        same: true,
      },
      { event: 'api.delete', cause: 'deleted through the API by admin from 10.0.0.7', caller, same: true },
    ]);
    // A create without a caller (b's, above) records nothing; writes are not counted as transitions.
    expect(b!.history().some((record) => record.event === 'api.create')).toBe(false);
    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/link_transitions_total\{[^}]*event="api\./);
  });
});
