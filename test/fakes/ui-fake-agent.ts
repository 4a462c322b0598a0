import type {
  AgentService,
  EndpointView,
  LeaseView,
  PeerStatus,
  TransitionRecord,
} from '../../src/agent/agent-service.js';
import type { EndpointRow } from '../../src/agent/endpoint-query.js';
import { NO_FACTS_YET, toEndpointView } from '../../src/agent/endpoint-view.js';
import { vipMachine } from '../../src/machines/vip.machine.js';
import type { VipStatus } from '../../src/machines/vip.status.js';
import { FakeTransitions } from './fake-transitions.js';

/**
 * The reads the live view makes of an agent, with knobs to move a VIP, publish peers and break etcd.
 * Writes are not the view's business: they throw.
 */
export class UiFakeAgent implements AgentService {
  readonly version = '0.1.0-test';
  readonly endpoints = new Map<string, EndpointView>();
  peers: PeerStatus[] = [];
  /** Set to make `cluster()` fail, as with etcd unreachable. */
  clusterError: Error | undefined;
  /** Set to make `cluster()` never answer. */
  clusterHangs = false;
  leaseView: LeaseView = { leaseId: '694d7a1b2c3d', deadline: null, etcdReachable: true };
  private readonly transitions: FakeTransitions;

  constructor(
    readonly hostname = 'node-a',
    now: () => number = Date.now,
  ) {
    this.transitions = new FakeTransitions(hostname, now);
  }

  add(ip: string, overrides: Partial<EndpointView> = {}): EndpointView {
    const id = `vip-${String(this.endpoints.size + 1).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const endpoint = { id, ip, checks: [], healthcheckInterval: 5, faultPolicy: 'activate' as const };
    const view: EndpointView = { ...toEndpointView(endpoint, NO_FACTS_YET), ...overrides };
    this.endpoints.set(view.id, view);
    return view;
  }

  /** Moves a VIP as its statechart would, and reports the transition to listeners. */
  transition(id: string, to: VipStatus, event: string, cause: string, changes: Partial<EndpointView> = {}) {
    const view = this.endpoints.get(id);
    if (!view) throw new Error(`no endpoint ${id}`);
    this.endpoints.set(id, { ...view, ...changes, status: to });
    return this.transitions.record(view, to, event, cause);
  }

  get listenerCount(): number {
    return this.transitions.listenerCount;
  }

  list(): EndpointView[] {
    return [...this.endpoints.values()];
  }

  rows(): EndpointRow[] {
    return [...this.endpoints.values()];
  }

  get(id: string): EndpointView | undefined {
    return this.endpoints.get(id);
  }

  history(id?: string): TransitionRecord[] {
    return this.transitions.history(id);
  }

  onTransition(listener: (record: TransitionRecord) => void): () => void {
    return this.transitions.subscribe(listener);
  }

  /** The election keys of each `cluster()` read, for tests that check what the view asks etcd for. */
  readonly clusterReads: Array<readonly string[] | undefined> = [];

  async cluster(electionKeys?: readonly string[]): Promise<PeerStatus[]> {
    this.clusterReads.push(electionKeys);
    if (this.clusterHangs) return new Promise(() => {});
    if (this.clusterError) throw this.clusterError;
    return electionKeys ? this.peers.filter((peer) => electionKeys.includes(peer.electionKey)) : this.peers;
  }

  lease(): LeaseView {
    return this.leaseView;
  }

  machineDefinition(): unknown {
    return vipMachine.toJSON();
  }

  async create(): Promise<EndpointView> {
    throw new Error('the live view does not create endpoints');
  }

  async apply(): Promise<never> {
    throw new Error('the live view does not change endpoints');
  }

  async updateChecks(): Promise<EndpointView> {
    throw new Error('the live view does not change checks');
  }

  async remove(): Promise<void> {
    throw new Error('the live view does not remove endpoints');
  }

  async failover(): Promise<void> {
    throw new Error('the live view does not fail over');
  }

  drained = false;

  async drain(): Promise<never> {
    throw new Error('the live view does not drain');
  }

  async undrain(): Promise<void> {
    throw new Error('the live view does not undrain');
  }

  async drainedHosts(): Promise<string[]> {
    return [];
  }

  async hosts(): Promise<string[]> {
    return [this.hostname, ...new Set(this.peers.map((p) => p.hostname))];
  }
}
