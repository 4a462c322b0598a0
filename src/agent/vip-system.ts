import { type Actor, type ActorRefFrom, type AnyActorRef, createActor, type InspectionEvent } from 'xstate';
import { type AgentEvent, type AgentMachine, isVip, vipsOf } from '../machines/agent.machine.js';
import type { vipMachine } from '../machines/vip.machine.js';
import { type Endpoint, electionKeyOf } from '../model/endpoint.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { CurrentEndpoints } from './endpoint-changes.js';
import { indexDelayedEvents } from './indexed-scheduler.js';

export type VipRef = ActorRefFrom<typeof vipMachine>;
export type VipSnapshot = ReturnType<VipRef['getSnapshot']>;

export interface VipSystemOptions {
  /** The supervisor, its `vip` actor provided with the real (or fake) I/O. */
  machine: AgentMachine;
  hostname: string;
  spread: boolean;
  clock: Clock;
  logger: Logger;
  inspect: (event: InspectionEvent) => void;
  /** Each endpoint whose VIP actor was just spawned (this host then says it takes part). */
  onSpawned: (endpoint: Endpoint) => void;
}

/** VIPs started per supervisor event; a macrotask runs between two such slices. */
const SPAWN_BATCH = 128;

/**
 * The actor system: the supervisor and its VIP statecharts, with the index of the election keys
 * they hold so duplicate checks stay O(1) at 10 000 VIPs.
 */
export class VipSystem {
  private readonly actor: Actor<AgentMachine>;
  /** Election key -> id of every VIP actor until it stops. */
  private readonly idByKey = new Map<string, string>();
  /** Election keys reserved by a create in flight, so two concurrent creates cannot both pass. */
  private readonly reserved = new Set<string>();

  constructor(private readonly options: VipSystemOptions) {
    const { machine, hostname, spread, clock, logger, inspect } = options;
    this.actor = createActor(machine, { input: { hostname, spread }, clock, inspect });
    indexDelayedEvents(this.actor.system);
    // An unhandled actor error would otherwise crash the process.
    this.actor.subscribe({ error: (error) => logger.error({ err: error }, 'agent actor system failed') });
  }

  start(): void {
    this.actor.start();
  }

  /**
   * Every running VIP statechart, by endpoint id: one object per set of VIPs (xstate's record of
   * children is new whenever one comes or goes), so callers may key caches on it.
   */
  vips(): Record<string, VipRef> {
    const children = this.actor.getSnapshot().children;
    let vips = this.#vipsOfChildren.get(children);
    if (!vips) {
      vips = Object.fromEntries(vipsOf(this.actor).map((ref) => [ref.id, ref]));
      this.#vipsOfChildren.set(children, vips);
    }
    return vips;
  }

  readonly #vipsOfChildren = new WeakMap<object, Record<string, VipRef>>();

  ref(id: string): VipRef | undefined {
    const child = this.actor.getSnapshot().children[id] as AnyActorRef | undefined;
    return isVip(child) ? child : undefined;
  }

  endpoints(): Endpoint[] {
    return Object.values(this.vips()).map((ref) => ref.getSnapshot().context.endpoint);
  }

  get drained(): boolean {
    return this.actor.getSnapshot().context.drained;
  }

  send(event: AgentEvent): void {
    this.actor.send(event);
  }

  /** What a create or a bulk change is checked against: running VIPs and creates in flight. */
  current(): CurrentEndpoints {
    return {
      byId: (id: string) => this.ref(id)?.getSnapshot().context.endpoint,
      idOfKey: (key: string) =>
        this.idByKey.get(key) ?? (this.reserved.has(key) ? '(being created)' : undefined),
      count: this.idByKey.size + this.reserved.size,
    };
  }

  reserve(electionKey: string): void {
    this.reserved.add(electionKey);
  }

  unreserve(electionKey: string): void {
    this.reserved.delete(electionKey);
  }

  /** Whether `endpoint`'s id or IP already runs here (a restore must not start it twice). */
  runs(endpoint: Endpoint): boolean {
    return this.ref(endpoint.id) !== undefined || this.idByKey.has(electionKeyOf(endpoint.ip));
  }

  /** Indexes `endpoints` at once, before they start, so concurrent creates see every IP. */
  index(endpoints: Endpoint[]): void {
    for (const endpoint of endpoints) this.idByKey.set(electionKeyOf(endpoint.ip), endpoint.id);
  }

  /** A VIP reached STOPPED: its IP is free again unless another VIP took it since. */
  forget(electionKey: string, id: string): void {
    if (this.idByKey.get(electionKey) === id) this.idByKey.delete(electionKey);
  }

  /** Starts the VIP actors of `endpoints` (one supervisor event) and says this host takes part. */
  spawn(endpoints: Endpoint[]): void {
    if (endpoints.length === 0) return;
    this.index(endpoints);
    this.actor.send({ type: 'endpoints.add', endpoints });
    for (const endpoint of endpoints) this.options.onSpawned(endpoint);
  }

  /**
   * Spawns in slices with a macrotask between them: thousands of VIPs starting in one go would hold
   * the event loop for seconds, and the host lease's keepalive with it.
   */
  async spawnInBatches(endpoints: Endpoint[]): Promise<void> {
    for (let i = 0; i < endpoints.length; i += SPAWN_BATCH) {
      if (i > 0) await yieldToEventLoop();
      this.spawn(endpoints.slice(i, i + SPAWN_BATCH));
    }
  }

  /** Stops one VIP through its statechart; resolves once it is released. */
  remove(ref: VipRef, id: string): Promise<void> {
    const done = waitForDone(ref);
    this.actor.send({ type: 'endpoint.remove', id });
    return done;
  }

  /** Sends every VIP to STOPPING; resolves once all have stopped or `deadlineMs` passed. */
  async shutdown(mode: 'hold' | 'release', deadlineMs: number): Promise<void> {
    const { clock } = this.options;
    const finished = new Promise<void>((resolve) => {
      const over = () => {
        const snapshot = this.actor.getSnapshot();
        return snapshot.status !== 'active' || snapshot.hasTag('stopped');
      };
      const sub = this.actor.subscribe({
        next: () => {
          if (!over()) return;
          sub.unsubscribe();
          resolve();
        },
        complete: resolve,
        error: () => resolve(),
      });
      if (over()) {
        sub.unsubscribe();
        resolve();
      }
    });
    this.actor.send({ type: 'shutdown', mode });
    let timer: unknown;
    const timeout = new Promise<void>((resolve) => {
      timer = clock.setTimeout(resolve, deadlineMs);
    });
    await Promise.race([finished, timeout]);
    clock.clearTimeout(timer);
  }

  stop(): void {
    // Once every VIP has ended (they stop themselves on reaching STOPPED) nothing is left to
    // cancel; stopping the supervisor as well makes xstate stop each finished child with a copy
    // of the record of the others: 4.4 s of CPU for 3000 VIPs, quadratic in their number.
    if (this.actor.getSnapshot().hasTag('stopped')) return;
    this.actor.stop();
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Resolves once the VIP actor has stopped (reached STOPPED, or failed). */
export function waitForDone(ref: VipRef): Promise<void> {
  return new Promise((resolve) => {
    if (ref.getSnapshot().status !== 'active') return resolve();
    ref.subscribe({ complete: () => resolve(), error: () => resolve() });
  });
}
