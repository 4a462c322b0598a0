import type { InspectionEvent } from 'xstate';
import { statusOf, type VipStatus } from '../machines/vip.status.js';
import { electionKeyOf } from '../model/endpoint.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Caller, EndpointView, TransitionRecord } from './agent-service.js';
import type { StatusPublisher } from './status-publisher.js';
import { causeOf, TransitionLog } from './transition-log.js';
import type { VipSnapshot } from './vip-system.js';

export type ApiWrite = 'create' | 'update' | 'delete' | 'failover' | 'drain' | 'undrain';

const API_WRITE_WORDS: Record<ApiWrite, string> = {
  create: 'created',
  update: 'health checks changed',
  delete: 'deleted',
  failover: 'failover asked',
  drain: 'host drained',
  undrain: 'host undrained',
};

export interface TransitionRecorderDeps {
  hostname: string;
  clock: Clock;
  logger: Logger;
  publisher: StatusPublisher;
  /** The VIP's view now, for the published status. */
  view: (id: string) => EndpointView | undefined;
  /** Every VIP snapshot, as it comes, before it is recorded. */
  onSnapshot: (id: string, snapshot: VipSnapshot, status: VipStatus) => void;
  /** A VIP reached STOPPED. */
  onStopped: (electionKey: string, id: string) => void;
}

/**
 * The history of this host's VIPs: turns the actor system's snapshot changes into transition
 * records (logged, kept, streamed, published for other hosts), and records who changed an
 * endpoint through the API beside them.
 */
export class TransitionRecorder {
  private readonly log = new TransitionLog();
  private readonly lastStatus = new Map<string, VipStatus>();
  /** The holder each VIP last saw, so a standby's published view follows failovers between others. */
  private readonly lastHolder = new Map<string, string | null>();

  constructor(private readonly deps: TransitionRecorderDeps) {}

  history(id?: string): TransitionRecord[] {
    return this.log.list(id);
  }

  onTransition(listener: (record: TransitionRecord) => void): () => void {
    return this.log.subscribe(listener);
  }

  /** The actor system's inspection: snapshot changes of VIP actors become transition records. */
  observe(event: InspectionEvent): void {
    if (event.type !== '@xstate.snapshot') return;
    const id = (event.actorRef as { id?: string }).id ?? '';
    if (!id.startsWith('vip-')) return;
    const snapshot = event.snapshot as VipSnapshot;
    if (!snapshot.context?.endpoint) return;
    const { hostname, clock, logger, publisher } = this.deps;
    const to = statusOf(snapshot);
    const from = this.lastStatus.get(id) ?? 'BOOTING';
    const { endpoint } = snapshot.context;
    this.deps.onSnapshot(id, snapshot, to);
    const holder = snapshot.context.holder ?? null;
    const holderChanged = (this.lastHolder.get(id) ?? null) !== holder;
    if (to === 'STOPPED') {
      this.deps.onStopped(electionKeyOf(endpoint.ip), id);
      this.lastStatus.delete(id);
      this.lastHolder.delete(id);
    } else {
      this.lastStatus.set(id, to);
      this.lastHolder.set(id, holder);
    }
    if (from === to) {
      // No transition, but the cluster view would otherwise keep showing the previous holder.
      const view = holderChanged && to !== 'STOPPED' ? this.deps.view(id) : undefined;
      if (view) void publisher.refresh(view, clock.now());
      return;
    }
    const record: TransitionRecord = {
      at: clock.now(),
      endpointId: id,
      electionKey: electionKeyOf(endpoint.ip),
      ip: endpoint.ip,
      holder,
      hostname,
      from,
      to,
      event: event.event.type,
      cause: causeOf(event.event),
    };
    // The VIP's id and IP as fields of the line, as a child logger per VIP would add them.
    logger.info(
      { endpoint: id, ip: endpoint.ip, from, to, event: record.event, cause: record.cause },
      `${endpoint.ip}: ${from} -> ${to}`,
    );
    this.log.add(record);
    void publisher.publish(record, this.deps.view(id) ?? null);
  }

  /**
   * Who changed an endpoint through the API, in the history beside the transitions (from = to:
   * a write is not a state change) and in the log. Without a caller (the agent's own changes,
   * embedding) nothing is recorded.
   */
  apiWrite(id: string, ip: string, action: ApiWrite, caller: Caller | undefined): void {
    if (!caller) return;
    const status = this.lastStatus.get(id) ?? 'BOOTING';
    const who = `${caller.user ?? 'anonymous'} from ${caller.remote}`;
    const record: TransitionRecord = {
      at: this.deps.clock.now(),
      endpointId: id,
      electionKey: electionKeyOf(ip),
      ip,
      holder: this.lastHolder.get(id) ?? null,
      hostname: this.deps.hostname,
      from: status,
      to: status,
      event: `api.${action}`,
      cause: `${API_WRITE_WORDS[action]} through the API by ${who}`,
      caller,
    };
    this.deps.logger.info({ endpoint: id, ip, event: record.event, caller }, `${ip}: ${record.cause}`);
    this.log.add(record);
  }
}
