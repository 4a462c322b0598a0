import { EndpointNotFoundError, FailoverRefusedError } from '../model/errors.js';
import type { Clock } from '../ports/clock.js';
import type { Caller } from './agent-service.js';
import type { StatusPublisher } from './status-publisher.js';
import type { TransitionRecorder } from './transition-recorder.js';
import type { VipRef, VipSystem } from './vip-system.js';
import type { VipViews } from './vip-views.js';
import { waitWhile } from './vip-waits.js';

export interface FailoverDeps {
  hostname: string;
  clock: Clock;
  handoverTimeoutMs: number;
  vips: VipSystem;
  views: VipViews;
  publisher: StatusPublisher;
  recorder: TransitionRecorder;
}

/** A failover asked through the API: the holder yields its VIP to another participating host. */
export class Failover {
  constructor(private readonly deps: FailoverDeps) {}

  /** Every host that participates for this endpoint's IP, this one included. */
  async hosts(id: string): Promise<string[]> {
    const view = this.deps.views.get(id);
    if (!view) throw new EndpointNotFoundError(id);
    return this.deps.publisher.linkedHosts(view.election_key);
  }

  /** Resolves once the VIP has left ACTIVATED here (LinK answered before anything happened), bounded. */
  async ask(id: string, caller?: Caller): Promise<void> {
    const { hostname, views, vips, clock } = this.deps;
    const view = views.get(id);
    if (!view) throw new EndpointNotFoundError(id);
    if (view.status !== 'ACTIVATED') {
      throw new FailoverRefusedError(
        `this host (${hostname}) does not hold ${view.ip}: it is ${view.status}`,
      );
    }
    const others = (await this.hosts(id)).filter((h) => h !== hostname);
    if (others.length === 0) throw new FailoverRefusedError(`no other host participates for ${view.ip}`);
    const ref = vips.ref(id) as VipRef;
    // Bounded by the time the holder yields for.
    const demoted = waitWhile(ref, 'ACTIVATED', clock, this.deps.handoverTimeoutMs + 500);
    this.deps.recorder.apiWrite(id, view.ip, 'failover', caller);
    ref.send({ type: 'failover' });
    await demoted;
  }
}
