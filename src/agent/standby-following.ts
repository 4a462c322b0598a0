import type { PeerVerdict } from '../actors/peer-monitor.js';
import type { VipStatus } from '../machines/vip.status.js';
import type { VipSnapshot } from './vip-system.js';

export interface StandbyFollowingDeps {
  hostname: string;
  /** Sends a VIP what the peer monitor learnt of the host it stands by for. */
  send: (id: string, event: { type: `holder.${Exclude<PeerVerdict, 'suspected'>}`; host: string }) => void;
  /** The hosts the peer monitor should watch: those holding a VIP this host stands by for. */
  watch: (holders: Set<string>) => void;
  /** A VIP this host took after its holder's claim was ended early (metrics). */
  earlyTakeover?: () => void;
}

/**
 * Which other host each standing-by VIP follows, so the peer monitor watches exactly those hosts
 * and its verdicts reach the VIPs that wait on them; and which takeovers followed an ended claim.
 */
export class StandbyFollowing {
  /** VIP id -> the other host it stands by for. */
  private readonly standbyFor = new Map<string, string>();
  /** Host -> how many VIPs stand by for it: the watched set changes only when a count passes 0. */
  private readonly followers = new Map<string, number>();
  /** VIPs whose holder's claim was ended early while they stood by: their takeover is an early one. */
  private readonly afterEndedClaim = new Set<string>();

  constructor(private readonly deps: StandbyFollowingDeps) {}

  /** Hosts whose VIPs were last told `confirmed` or `claim_ended`: an `alive` must reach them. */
  private readonly toldDead = new Set<string>();

  /**
   * Tells the VIPs standing by for `host` that it was confirmed dead, its claim ended, or that it
   * is alive after all. A mere suspicion is not passed on: a busy observer (thousands of VIPs, its
   * probes answered late) suspects and clears a live host every few hundred ms, and telling every
   * VIP each time cost thousands of transitions a round, which kept the observer busier still.
   */
  tell(host: string, verdict: PeerVerdict): void {
    if (verdict === 'suspected') return;
    if (verdict === 'alive' && !this.toldDead.delete(host)) return;
    if (verdict !== 'alive') this.toldDead.add(host);
    for (const [id, holder] of this.standbyFor) {
      if (holder === host) this.deps.send(id, { type: `holder.${verdict}`, host });
    }
  }

  /** Follows one VIP snapshot: the host it stands by for, and a takeover after an ended claim. */
  follow(id: string, snapshot: VipSnapshot, status: VipStatus): void {
    const { hostname } = this.deps;
    const holder = snapshot.context.holder;
    const before = this.standbyFor.get(id);
    const now = status === 'STANDBY' && holder && holder !== hostname ? holder : undefined;
    if (snapshot.matches({ running: { contending: { STANDBY: 'HOLDER_CLAIM_ENDED' } } }))
      this.afterEndedClaim.add(id);
    else if (this.afterEndedClaim.has(id) && holder === hostname) {
      this.afterEndedClaim.delete(id);
      this.deps.earlyTakeover?.();
    } else if (status !== 'STANDBY') this.afterEndedClaim.delete(id);
    if (before === now) return;
    if (now) this.standbyFor.set(id, now);
    else this.standbyFor.delete(id);
    // Rebuilding the set from every VIP on each change was quadratic in a bulk start.
    const lost = before !== undefined && this.#unfollow(before);
    const gained = now !== undefined && this.#follow(now);
    if (lost || gained) this.deps.watch(new Set(this.followers.keys()));
  }

  /** Whether `host` is newly followed. */
  #follow(host: string): boolean {
    const count = this.followers.get(host) ?? 0;
    this.followers.set(host, count + 1);
    return count === 0;
  }

  /** Whether `host` is no longer followed. */
  #unfollow(host: string): boolean {
    const count = (this.followers.get(host) ?? 1) - 1;
    if (count > 0) this.followers.set(host, count);
    else this.followers.delete(host);
    return count <= 0;
  }
}
