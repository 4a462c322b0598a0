import { describe, expect, it } from 'vitest';
import { type AnyStateNode, getNextSnapshot, type SnapshotFrom } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import type { VipEvent } from '../../../src/machines/vip.events.js';
import { type VipInput, vipMachine } from '../../../src/machines/vip.machine.js';
import { statusOf, VIP_STATUSES } from '../../../src/machines/vip.status.js';
import { FAULT_POLICIES, type FaultPolicy } from '../../../src/model/endpoint.js';

type VipSnapshot = SnapshotFrom<typeof vipMachine>;

/**
 * One event of each type the machine handles. The graph functions step the bare machine without
 * running its actors or timers, so actors' completions and named delays are sent as the events
 * they would produce.
 */
const after = (delay: string, state: string) =>
  ({ type: `xstate.after.${delay}.vip.${state}` }) as unknown as VipEvent;
const done = (actor: string) =>
  ({ type: `xstate.done.actor.${actor}`, output: undefined, actorId: actor }) as unknown as VipEvent;
const failed = (actor: string) =>
  ({
    type: `xstate.error.actor.${actor}`,
    error: new Error('refused'),
    actorId: actor,
  }) as unknown as VipEvent;
const events: VipEvent[] = [
  { type: 'elected', holder: 'h1', revision: '7' },
  { type: 'elected', holder: 'h1', revision: '8', reannounce: true },
  { type: 'demoted', holder: 'h2', revision: '7' },
  { type: 'demoted', holder: 'h0', revision: '9' },
  { type: 'demoted', holder: 'h2', revision: '10', awaitHolder: true },
  { type: 'handback.done', detail: '02:00:00:00:00:02 announced it' },
  after('awaitHolderTimeout', 'running.contending.HANDING_BACK'),
  { type: 'fault', reason: 'etcd unreachable' },
  { type: 'health_check_fail', detail: 'ECONNREFUSED' },
  { type: 'health_check_success', detail: 'ok' },
  { type: 'failover' },
  { type: 'lease.expiring', deadline: 0 },
  { type: 'stop', mode: 'release' },
  { type: 'stop', mode: 'hold' },
  { type: 'net.bound' },
  { type: 'bind.failed', detail: 'EPERM' },
  { type: 'net.error', detail: 'EPERM' },
  { type: 'arp.conflict', mac: '02:00:00:00:00:02' },
  { type: 'address.taken', mac: '02:00:00:00:00:09' },
  { type: 'xstate.after.bindCheck.vip.running.contending.CHECKING_ADDRESS' } as unknown as VipEvent,
  { type: 'xstate.after.bindRecheck.vip.running.contending.ADDRESS_CONFLICT' } as unknown as VipEvent,
  { type: 'checks.update', checks: [], intervalMs: 1000 },
  { type: 'elected', holder: 'h1', revision: '9', holdOffMs: 5000 },
  { type: 'holder.confirmed', host: 'h2' },
  { type: 'holder.claim_ended', host: 'h2' },
  { type: 'holder.alive', host: 'h2' },
  { type: 'xstate.after.oldLeaseDeadline.vip.running.contending.AWAITING_OLD_LEASE' } as unknown as VipEvent,
  { type: 'drain' },
  { type: 'undrain' },
  { type: 'link.down', detail: 'eth0: no carrier' },
  { type: 'link.up' },
  { type: 'preferred.claim', claimant: 'h0' },
  after('retryDelay', 'running.contending.ACTIVATED.bindRetry'),
  failed('releaseLock'),
  after('retryDelay', 'running.FAILING.lockReleaseRetry'),
  done('releaseLock'),
  after('handoverTimeout', 'running.DRAINING'),
  after('handoverTimeout', 'STOPPING.handingOver'),
  done('handover'),
  done('unbindOnStop'),
  // The preferred host's stable period, as the clock would end it.
  {
    type: 'xstate.after.preemptDelay.vip.running.contending.STANDBY.following.settling',
  } as unknown as VipEvent,
];

const input = (faultPolicy: FaultPolicy): VipInput => ({
  // h1 preferred after h0: a standby h1 claims the VIP from h2, not from h0.
  endpoint: {
    id: 'vip-1',
    ip: '10.0.0.10/32',
    checks: [],
    healthcheckInterval: 0,
    faultPolicy,
    preferredHosts: ['h0', 'h1'],
  },
  hostname: 'h1',
});

// States, not contexts: a path per place in the chart, whatever the health detail; the holder
// too, since whether a preferred standby claims the VIP depends on who holds it.
const serializeState = (snapshot: VipSnapshot) =>
  JSON.stringify([snapshot.value, snapshot.context.holder ?? null]);

// With the address check before the first bind on (`--bind-check` > 0), as linkd runs by default.
const machine = vipMachine.provide({ guards: { addressCheckOn: () => true } });

function reachable(faultPolicy: FaultPolicy, fromState?: VipSnapshot) {
  return getShortestPaths(machine, {
    events,
    input: input(faultPolicy),
    serializeState,
    ...(fromState ? { fromState } : {}),
  });
}

/** Every state node a snapshot is in: its leaves and their ancestors. */
function stateIdsOf(snapshot: VipSnapshot): string[] {
  return snapshot._nodes.map((node: AnyStateNode) => node.id);
}

function allStateIds(): string[] {
  const ids: string[] = [];
  const visit = (node: AnyStateNode) => {
    ids.push(node.id);
    Object.values(node.states).forEach(visit);
  };
  visit(vipMachine.root);
  return ids;
}

describe.each(FAULT_POLICIES)('VIP statechart paths, fault policy %s', (faultPolicy) => {
  const paths = reachable(faultPolicy);

  it('reaches every state from the initial state', () => {
    const visited = new Set(paths.flatMap((p) => stateIdsOf(p.state)));
    // `starting` only chooses between the election and DRAINED: no snapshot ever rests there.
    const resting = allStateIds().filter((id) => id !== 'vip.running.starting');
    expect([...visited].sort()).toEqual(resting.sort());
    expect(new Set(paths.map((p) => statusOf(p.state)))).toEqual(new Set(VIP_STATUSES));
  });

  it('reaches STOPPED from every state', () => {
    for (const { state } of paths) {
      const toStopped = reachable(faultPolicy, state).filter((p) => statusOf(p.state) === 'STOPPED');
      expect(toStopped, `no way to STOPPED from ${serializeState(state)}`).not.toHaveLength(0);
      expect(toStopped[0]?.state.status).toBe('done');
    }
  });

  it('stops from anywhere while running: at once to hold, after the handover and the unbind to release', () => {
    const running = paths.filter((p) => p.state.status === 'active' && statusOf(p.state) !== 'STOPPING');
    for (const { state } of running) {
      const held = getNextSnapshot(vipMachine, state, { type: 'stop', mode: 'hold' });
      expect(statusOf(held), serializeState(state)).toBe('STOPPED');
      const stopping = getNextSnapshot(vipMachine, state, { type: 'stop', mode: 'release' });
      expect(stopping.value, serializeState(state)).toEqual({ STOPPING: 'handingOver' });
      // A successor that announced the VIP, or none before the timeout: either way, unbind then stop.
      for (const next of [done('handover'), after('handoverTimeout', 'STOPPING.handingOver')]) {
        const unbinding = getNextSnapshot(vipMachine, stopping, next);
        expect(unbinding.value).toEqual({ STOPPING: 'unbinding' });
        expect(getNextSnapshot(vipMachine, unbinding, done('unbindOnStop')).status).toBe('done');
      }
    }
  });
});
