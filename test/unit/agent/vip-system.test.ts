import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { VipSystem } from '../../../src/agent/vip-system.js';
import { agentMachine } from '../../../src/machines/agent.machine.js';
import type { Endpoint } from '../../../src/model/endpoint.js';
import { silentLogger } from '../../../src/ports/logger.js';
import { simulatedClock } from '../../fakes/sim-time.js';

const stubVip = setup({ types: { input: {} as { endpoint: Endpoint } } }).createMachine({
  context: ({ input }) => ({ endpoint: input.endpoint }),
  initial: 'running',
  states: { running: { on: { stop: 'STOPPED' } }, STOPPED: { type: 'final' } },
  output: ({ context }) => ({ id: context.endpoint.id }),
});

const endpoint = (n: number): Endpoint => ({
  id: `vip-${n}`,
  ip: `10.0.0.${n}/32`,
  checks: [],
  healthcheckInterval: 0,
  faultPolicy: 'activate',
});

describe('VipSystem', () => {
  it('hands out one record of VIPs per set of VIPs, so listings can cache on it (their sort of 10 000 ids)', async () => {
    const vips = new VipSystem({
      machine: agentMachine.provide({ actors: { vip: stubVip as never } }),
      hostname: 'h1',
      spread: false,
      clock: simulatedClock(),
      logger: silentLogger,
      inspect: () => {},
      onSpawned: () => {},
    });
    vips.start();
    vips.spawn([endpoint(1), endpoint(2)]);
    const first = vips.vips();
    expect(Object.keys(first).sort()).toEqual(['vip-1', 'vip-2']);
    expect(vips.vips()).toBe(first);
    vips.spawn([endpoint(3)]);
    expect(Object.keys(vips.vips()).sort()).toEqual(['vip-1', 'vip-2', 'vip-3']);
    await vips.remove(vips.ref('vip-1') as NonNullable<ReturnType<typeof vips.ref>>, 'vip-1');
    expect(Object.keys(vips.vips()).sort()).toEqual(['vip-2', 'vip-3']);
  });
});
