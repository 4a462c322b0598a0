import { vipAddress } from '../net/address/vip-cidr.js';
import type { Clock } from '../ports/clock.js';

/**
 * Per VIP, whether neighbours were last told that it is here: this host's own claim (an
 * announcement, or its kernel's ARP with the VIP as sender) is the last claim heard on the wire.
 * A host giving the VIP up keeps it until the holder has spoken when this says so (HANDING_BACK).
 *
 * Another station's claim heard within `inFlightMs` of our own may have left before ours did (a
 * frame in flight, a capture read late: after a heal, both hosts defend at once), so it does not
 * take the last word from us. Erring this way costs a short wait for the holder's announcement;
 * the other way, an outage until the holder's next round.
 */
export class LastWord {
  readonly #ours = new Map<string, { ours: boolean; at: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly inFlightMs = 100,
  ) {}

  /** This host claimed `ip`: its announcer is about to send, or its own frame was seen leaving. */
  ownClaim(ip: string): void {
    this.#ours.set(vipAddress(ip), { ours: true, at: this.clock.now() });
  }

  /** Another station claimed `ip`. */
  otherClaim(ip: string): void {
    const key = vipAddress(ip);
    const now = this.clock.now();
    const last = this.#ours.get(key);
    if (last?.ours && now - last.at < this.inFlightMs) return;
    this.#ours.set(key, { ours: false, at: now });
  }

  ours(ip: string): boolean {
    return this.#ours.get(vipAddress(ip))?.ours === true;
  }
}
