import {
  type ActorRefFrom,
  type AnyActorRef,
  assign,
  type DoneActorEvent,
  enqueueActions,
  fromCallback,
  sendTo,
  setup,
} from 'xstate';
import type { AddressReconcilerCommand } from '../actors/address-reconciler.js';
import type { Endpoint } from '../model/endpoint.js';
import { vipMachine } from './vip.machine.js';

export type AgentEvent =
  /** Spawns one VIP statechart per endpoint: one event (and one copy of xstate's children) for many. */
  | { type: 'endpoints.add'; endpoints: Endpoint[] }
  /** Stops one VIP through its statechart; it leaves the actor tree once it reaches STOPPED. */
  | { type: 'endpoint.remove'; id: string }
  | { type: 'shutdown'; mode: 'release' | 'hold' }
  /** Maintenance: every VIP hands over and stays out of elections; new ones start drained. */
  | { type: 'host.drain' }
  | { type: 'host.undrain' }
  /** The VIP interface's link, followed once for the host and passed to every VIP. */
  | { type: 'link.down'; detail: string }
  | { type: 'link.up' };

export interface AgentContext {
  // The VIPs are the machine's children only (`vipsOf`): a record of them in the context was
  // copied on every spawn and every removal, 20 ms each at 10 000 VIPs.
  hostname: string;
  /** VIPs still to reach STOPPED once a shutdown began. */
  stopping: number;
  drained: boolean;
  spread: boolean;
  /** The link's last bad verdict while it lasts: VIPs spawned meanwhile are told at once. */
  linkDown: string | undefined;
}

/** The supervisor's timers, as named delays; the composition root provides the configured ones. */
export const AGENT_DELAYS = {
  /** Between two checks that every VIP this host has bound is still on the interface (`--reconcile-interval`). */
  reconcileInterval: 2000,
};

/**
 * The supervisor: spawns one VIP statechart per configured endpoint and shuts them all down
 * through their own STOPPING state, so a shutdown hands every VIP over the same way a delete does.
 */
export const agentMachine = setup({
  types: {
    context: {} as AgentContext,
    events: {} as AgentEvent | DoneActorEvent<{ id: string }>,
    input: {} as { hostname: string; drained?: boolean; spread?: boolean },
  },
  actors: {
    vip: vipMachine,
    /** Checks every bound VIP against one read of the interface. src/actors/address-reconciler.ts */
    addressReconciler: fromCallback<AddressReconcilerCommand>(() => {}),
    /** Follows the VIP interface's link; reports link.down and link.up. src/actors/link.actor.ts */
    linkState: fromCallback<AgentEvent>(() => {}),
  },
  delays: AGENT_DELAYS,
  guards: {
    noVipsLeft: ({ context }) => context.stopping === 0,
  },
}).createMachine({
  id: 'agent',
  context: ({ input }) => ({
    hostname: input.hostname,
    stopping: 0,
    drained: input.drained === true,
    spread: input.spread === true,
    linkDown: undefined,
  }),
  initial: 'running',
  states: {
    running: {
      invoke: [
        { id: 'addressReconciler', src: 'addressReconciler' },
        { id: 'linkState', src: 'linkState' },
      ],
      initial: 'reconciling',
      states: {
        // An operator or DHCP may remove a bound VIP: one host-wide check re-binds it, not a timer per VIP.
        reconciling: {
          after: {
            reconcileInterval: {
              target: 'reconciling',
              reenter: true,
              actions: sendTo('addressReconciler', { type: 'reconcile' } satisfies AddressReconcilerCommand),
            },
          },
        },
      },
      on: {
        // A deleted VIP leaves the context and the actor tree: xstate keeps a finished child in
        // the snapshot until it is stopped, and a long-lived agent would keep every VIP it deleted.
        'xstate.done.actor.*': {
          actions: enqueueActions(({ event, enqueue }) => {
            if ('output' in event) enqueue.stopChild(event.output.id);
          }),
        },
        'link.down': {
          actions: enqueueActions(({ event, enqueue, self }) => {
            enqueue.assign({ linkDown: event.detail });
            for (const vip of vipsOf(self)) enqueue.sendTo(vip, event);
          }),
        },
        'link.up': {
          actions: enqueueActions(({ event, enqueue, self }) => {
            enqueue.assign({ linkDown: undefined });
            for (const vip of vipsOf(self)) enqueue.sendTo(vip, event);
          }),
        },
        'endpoints.add': {
          actions: [
            // Spawned in one assign: xstate copies its record of children once for the batch.
            assign(({ context, event, spawn }) => {
              for (const endpoint of event.endpoints) {
                spawn('vip', {
                  id: endpoint.id,
                  input: {
                    endpoint,
                    hostname: context.hostname,
                    drained: context.drained,
                    spread: context.spread,
                  },
                });
              }
              return {};
            }),
            // Spawned while the link is down: they learn it as those already running did.
            enqueueActions(({ context, event, enqueue }) => {
              const detail = context.linkDown;
              if (detail === undefined) return;
              for (const endpoint of event.endpoints)
                enqueue.sendTo(endpoint.id, { type: 'link.down', detail });
            }),
          ],
        },
        'endpoint.remove': {
          actions: enqueueActions(({ event, enqueue, self }) => {
            if (self.getSnapshot().children[event.id])
              enqueue.sendTo(event.id, { type: 'stop', mode: 'release' });
          }),
        },
        'host.drain': {
          actions: enqueueActions(({ enqueue, self }) => {
            enqueue.assign({ drained: true });
            for (const vip of vipsOf(self)) enqueue.sendTo(vip, { type: 'drain' });
          }),
        },
        'host.undrain': {
          actions: enqueueActions(({ enqueue, self }) => {
            enqueue.assign({ drained: false });
            for (const vip of vipsOf(self)) enqueue.sendTo(vip, { type: 'undrain' });
          }),
        },
        shutdown: {
          target: 'shuttingDown',
          actions: enqueueActions(({ event, enqueue, self }) => {
            const vips = vipsOf(self);
            enqueue.assign({ stopping: vips.length });
            for (const vip of vips) enqueue.sendTo(vip, { type: 'stop', mode: event.mode });
          }),
        },
      },
    },
    // Counted down, not removed one by one: each removal copies xstate's record of children, and
    // 10 000 of them took minutes. The actor's own stop releases them all at once.
    shuttingDown: {
      always: { guard: 'noVipsLeft', target: 'stopped' },
      on: {
        'xstate.done.actor.*': {
          actions: assign({ stopping: ({ context }) => context.stopping - 1 }),
        },
      },
    },
    /**
     * Not a final state: reaching one makes xstate stop each child with a copy of the record of
     * the others (quadratic in the VIP count); `VipSystem.stop()` ends the actor instead.
     */
    stopped: { tags: ['stopped'] },
  },
});

export type AgentMachine = typeof agentMachine;

type VipRef = ActorRefFrom<typeof vipMachine>;

/** Whether one of the supervisor's children is a VIP statechart (the others are its host-wide actors). */
export function isVip(child: AnyActorRef | undefined): child is VipRef {
  return child?.src === 'vip';
}

/** The VIP statecharts among the supervisor's children. */
export function vipsOf(supervisor: AnyActorRef): VipRef[] {
  return Object.values(supervisor.getSnapshot().children as Record<string, AnyActorRef>).filter(isVip);
}
