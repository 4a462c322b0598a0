import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import type { VipEvent } from '../../../src/machines/vip.events.js';
import { vipMachine } from '../../../src/machines/vip.machine.js';
import { statusOf, type VipStatus } from '../../../src/machines/vip.status.js';
import type { FaultPolicy } from '../../../src/model/endpoint.js';
import { simulatedClock } from '../../fakes/sim-time.js';
import { vipEndpoint } from '../../fakes/vip-endpoint.js';

const endpoint = vipEndpoint;

/** The bare machine: its actors are no-op placeholders, so only the transition table runs. */
function vipIn(status: VipStatus, faultPolicy: FaultPolicy = 'activate') {
  const actor = createActor(vipMachine, {
    input: { endpoint: endpoint(faultPolicy), hostname: 'h1' },
    clock: simulatedClock(),
  });
  actor.start();
  const reach: Record<string, VipEvent[]> = {
    BOOTING: [],
    STANDBY: [{ type: 'demoted', holder: 'h2', revision: '5' }],
    ACTIVATED: [{ type: 'elected', holder: 'h1', revision: '5' }],
    FAILING: [{ type: 'health_check_fail', detail: 'down' }],
  };
  for (const event of reach[status] ?? []) actor.send(event);
  expect(statusOf(actor.getSnapshot())).toBe(status);
  return actor;
}

const events: Record<string, VipEvent> = {
  fault: { type: 'fault', reason: 'etcd unreachable' },
  elected: { type: 'elected', holder: 'h1', revision: '7' },
  demoted: { type: 'demoted', holder: 'h2', revision: '7' },
  health_check_fail: { type: 'health_check_fail', detail: 'ECONNREFUSED' },
  health_check_success: { type: 'health_check_success', detail: 'ok' },
};

// LinK's transition table, cell by cell.
const table: Record<string, Record<string, VipStatus>> = {
  BOOTING: {
    fault: 'ACTIVATED',
    elected: 'ACTIVATED',
    demoted: 'STANDBY',
    health_check_fail: 'FAILING',
    health_check_success: 'BOOTING',
  },
  STANDBY: {
    fault: 'ACTIVATED',
    elected: 'ACTIVATED',
    demoted: 'STANDBY',
    health_check_fail: 'FAILING',
    health_check_success: 'STANDBY',
  },
  ACTIVATED: {
    fault: 'ACTIVATED',
    elected: 'ACTIVATED',
    demoted: 'STANDBY',
    health_check_fail: 'FAILING',
    health_check_success: 'ACTIVATED',
  },
  FAILING: {
    fault: 'FAILING',
    elected: 'FAILING',
    demoted: 'FAILING',
    health_check_fail: 'FAILING',
    health_check_success: 'STANDBY',
  },
};

describe('VIP statechart: LinK transition table', () => {
  for (const [from, row] of Object.entries(table)) {
    for (const [event, to] of Object.entries(row)) {
      it(`${from} --${event}--> ${to}`, () => {
        const actor = vipIn(from as VipStatus);
        actor.send(events[event] as VipEvent);
        expect(statusOf(actor.getSnapshot())).toBe(to);
        actor.stop();
      });
    }
  }
});

describe('VIP statechart: fault policies', () => {
  const cases: [FaultPolicy, VipStatus, VipStatus][] = [
    ['activate', 'BOOTING', 'ACTIVATED'],
    ['activate', 'STANDBY', 'ACTIVATED'],
    ['activate', 'ACTIVATED', 'ACTIVATED'],
    ['hold', 'BOOTING', 'BOOTING'],
    ['hold', 'STANDBY', 'STANDBY'],
    ['hold', 'ACTIVATED', 'ACTIVATED'],
    ['release', 'BOOTING', 'BOOTING'],
    ['release', 'STANDBY', 'STANDBY'],
    ['release', 'ACTIVATED', 'ACTIVATED'],
  ];
  for (const [policy, from, to] of cases) {
    it(`${policy}: fault in ${from} leads to ${to}`, () => {
      const actor = vipIn(from, policy);
      actor.send(events.fault as VipEvent);
      expect(statusOf(actor.getSnapshot())).toBe(to);
    });
  }

  const expiring: VipEvent = { type: 'lease.expiring', deadline: 0 };
  it('release: an expiring lease unbinds an ACTIVATED VIP before the deadline', () => {
    const actor = vipIn('ACTIVATED', 'release');
    actor.send(events.fault as VipEvent);
    actor.send(expiring);
    expect(statusOf(actor.getSnapshot())).toBe('STANDBY');
  });
  for (const policy of ['activate', 'hold'] as const) {
    it(`${policy}: an expiring lease keeps the VIP`, () => {
      const actor = vipIn('ACTIVATED', policy);
      actor.send(expiring);
      expect(statusOf(actor.getSnapshot())).toBe('ACTIVATED');
    });
  }
});

describe('VIP statechart: stop', () => {
  for (const from of ['BOOTING', 'STANDBY', 'ACTIVATED', 'FAILING'] as const) {
    for (const mode of ['release', 'hold'] as const) {
      it(`reaches STOPPED from ${from} (${mode})`, async () => {
        const actor = vipIn(from);
        const done = new Promise<unknown>((resolve) =>
          actor.subscribe({ complete: () => resolve(actor.getSnapshot().output) }),
        );
        actor.send({ type: 'stop', mode });
        expect(statusOf(actor.getSnapshot())).toMatch(/STOPPING|STOPPED/);
        await expect(done).resolves.toEqual({ id: endpoint().id });
        expect(statusOf(actor.getSnapshot())).toBe('STOPPED');
        expect(actor.getSnapshot().context.stopMode).toBe(mode);
      });
    }
  }
});

describe('VIP statechart: context', () => {
  it('records the holder, fencing token and last health verdict', () => {
    const actor = vipIn('BOOTING');
    actor.send({ type: 'demoted', holder: 'h2', revision: '42' });
    actor.send({ type: 'health_check_success', detail: '1 check(s) passed' });
    const { context } = actor.getSnapshot();
    expect(context.holder).toBe('h2');
    expect(context.revision).toBe('42');
    expect(context.health).toEqual({ ok: true, detail: '1 check(s) passed' });
  });
  it('counts conflicts while ACTIVATED', () => {
    const actor = vipIn('ACTIVATED');
    actor.send({ type: 'arp.conflict', mac: '02:00:00:00:00:02' });
    expect(actor.getSnapshot().context.conflicts).toBe(1);
  });
});
