import type { VipStatus } from '../machines/vip.status.js';
import type { FaultPolicy } from '../model/endpoint.js';
import type { HealthCheck } from '../ports/health.js';
import type { EndpointRow } from './endpoint-query.js';

/** What a VIP looks like from outside: LinK's Endpoint shape plus what LinK never showed. */
export interface EndpointView {
  id: string;
  status: VipStatus;
  /**
   * Not LinK's: in ACTIVATED, whether the address is bound yet (false while the bind is pending or
   * being retried); null in other statuses.
   */
  bound: boolean | null;
  ip: string;
  checks: HealthCheck[];
  healthcheck_interval: number;
  plugin: 'arp';
  election_key: string;
  fault_policy: FaultPolicy;
  /** Hosts that should hold this VIP, most preferred first (empty: no preference). */
  preferred_hosts: string[];
  /** Hostname holding the lock, as last seen; null when unknown (etcd unreachable, or no holder). */
  holder: string | null;
  /** Create revision of the lock key: a fencing token for the current holder. */
  fencing_token: string | null;
  /** Epoch ms at which this host's lease runs out unless renewed; null without a lease. */
  lease_deadline: number | null;
  health: { ok: boolean; detail: string } | null;
  last_fault: string | null;
  conflicts: number;
  /**
   * In ADDRESS_CONFLICT: the MAC of the station that answered the probe for the address, which
   * this host therefore does not take; null otherwise.
   */
  conflict_mac: string | null;
}

export interface NewEndpoint {
  ip: string;
  checks: HealthCheck[];
  healthcheckInterval: number;
  faultPolicy: FaultPolicy;
  preferredHosts?: string[];
}

/** A change to an existing endpoint's health checks (and, when given, their interval). */
export interface EndpointUpdate {
  id: string;
  checks: HealthCheck[];
  healthcheckInterval?: number | undefined;
}

/** Many endpoint writes in one request: applied deletes first, then updates, then creates. */
export interface EndpointChanges {
  create?: NewEndpoint[];
  update?: EndpointUpdate[];
  delete?: string[];
}

export interface ChangesApplied {
  created: EndpointView[];
  updated: EndpointView[];
  deleted: string[];
}

/** What a drain did: the VIPs this host held and who holds them now. */
export interface DrainReport {
  drained: true;
  handed_over: { id: string; ip: string; holder: string | null }[];
}

/** One transition of one VIP, kept for the audit trail and streamed to the live view. */
/** Who asked for a change through the API: recorded in the history with the change. */
export interface Caller {
  /** The peer's address; `unknown` when the request did not come over a socket. */
  remote: string;
  /** The basic auth user; absent when the API has no credentials. */
  user?: string;
}

export interface TransitionRecord {
  at: number;
  endpointId: string;
  electionKey: string;
  /** The VIP, e.g. `10.0.0.100/32` (absent in records written before it was kept). */
  ip?: string;
  /** The lock holder as this host saw it after the transition; null when none or unknown. */
  holder?: string | null;
  hostname: string;
  from: VipStatus;
  to: VipStatus;
  /** The event that caused it, e.g. `elected` or `health_check_fail`. */
  event: string;
  /** Human-readable cause, e.g. the failing check or the new holder. */
  cause: string;
  /**
   * On records of API writes (`event` `api.create`, `api.update`, `api.delete`, `api.failover`,
   * with `from` equal to `to`): who asked.
   */
  caller?: Caller;
}

/** Another host's published view of a VIP, read from `/link/status/<key>/<host>`. */
export interface PeerStatus {
  hostname: string;
  electionKey: string;
  status: VipStatus;
  holder: string | null;
  updatedAt: number;
}

export interface LeaseView {
  leaseId: string | null;
  deadline: number | null;
  etcdReachable: boolean;
}

/**
 * Everything the HTTP API needs from the agent. Reads come from actor snapshots; writes send
 * events. The API never calls etcd or `ip` itself.
 */
export interface AgentService {
  readonly hostname: string;
  readonly version: string;
  list(): EndpointView[];
  /** Id, IP, state and holder of every endpoint: what listings filter and page on. */
  rows(): EndpointRow[];
  get(id: string): EndpointView | undefined;
  /** Throws DuplicateEndpointError, TooManyEndpointsError or ShuttingDownError. */
  create(spec: NewEndpoint, caller?: Caller): Promise<EndpointView>;
  /**
   * Many creates, updates and deletes at once, checked as a whole (ChangesRefusedError lists every
   * problem; nothing is changed), stored in chunked etcd transactions (ChangesIncompleteError when
   * etcd refused part-way). Throws ShuttingDownError. With `dryRun`, only checks: resolves empty.
   */
  apply(changes: EndpointChanges, options?: { dryRun?: boolean; caller?: Caller }): Promise<ChangesApplied>;
  /** Throws EndpointNotFoundError. */
  updateChecks(id: string, checks: HealthCheck[], caller?: Caller): Promise<EndpointView>;
  /** Resolves once the VIP is released: another host holds it, or a bounded wait passed. */
  remove(id: string, caller?: Caller): Promise<void>;
  /** Throws EndpointNotFoundError or FailoverRefusedError. */
  failover(id: string, caller?: Caller): Promise<void>;
  /** Every host that participates for this endpoint's IP, this one included. */
  hosts(id: string): Promise<string[]>;
  /** Recent transitions, newest last. */
  history(id?: string): TransitionRecord[];
  /** Live transitions; returns an unsubscribe. */
  onTransition(listener: (record: TransitionRecord) => void): () => void;
  /**
   * Every host's published status for these VIPs (election keys), or for every VIP when absent: a
   * page of a large cluster reads only its own keys.
   */
  cluster(electionKeys?: readonly string[]): Promise<PeerStatus[]>;
  lease(): LeaseView;
  /** This host is drained for maintenance. */
  readonly drained: boolean;
  /**
   * Hands every held VIP over and keeps the host out of elections until `undrain`, across restarts.
   * Throws DrainRefusedError when a held VIP has no other host to go to, unless `force`.
   */
  drain(options: { force: boolean; caller?: Caller }): Promise<DrainReport>;
  undrain(caller?: Caller): Promise<void>;
  /** Hosts drained for maintenance, cluster-wide. */
  drainedHosts(): Promise<string[]>;
  /** The statechart definition, `machine.toJSON()`, for the live view. */
  machineDefinition(): unknown;
}
