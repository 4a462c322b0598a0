import { type Clock, sleep } from '../../ports/clock.js';
import { type Logger, silentLogger } from '../../ports/logger.js';
import type { AnnounceOptions, AnnouncerPort, Conflict } from '../../ports/network.js';
import { parseVip, vipAddress } from '../address/vip-cidr.js';
import { announcementFrames, arpProbe, dadSolicitation, parseClaim } from './frame-codec.js';
import type { FrameLink } from './frame-link.js';
import { type FrameLinkRegistry, frameLinks, type SharedFrameLink } from './frame-link-registry.js';

export interface AnnouncerCounters {
  /** Announcement rounds completed (one round = both ARP shapes, or one NA). */
  rounds: number;
  framesSent: number;
  /** Rounds that failed, whether opening the link or sending. */
  failures: number;
  /** Frames from another station claiming a watched VIP. */
  conflicts: number;
}

export interface CapAnnouncerOptions {
  iface: string;
  /** Defaults to the process-wide registry, so every announcer on `iface` shares one handle. */
  registry?: FrameLinkRegistry;
  logger?: Logger;
}

/**
 * Announces VIPs on one interface with raw frames (gratuitous ARP both ways, unsolicited NA) and
 * watches the same handle for other stations claiming them, RFC 5227-style. When to announce is the
 * caller's policy (see `announceBurst`).
 */
export class CapAnnouncer implements AnnouncerPort {
  readonly #shared: SharedFrameLink;
  readonly #logger: Logger;
  readonly #watchers = new Map<string, Set<(conflict: Conflict) => void>>();
  readonly #ownClaimListeners = new Set<(ip: string) => void>();
  #unsubscribe: (() => void) | undefined;
  #closed = false;
  readonly #counters: AnnouncerCounters = { rounds: 0, framesSent: 0, failures: 0, conflicts: 0 };

  constructor(options: CapAnnouncerOptions) {
    this.#shared = (options.registry ?? frameLinks).acquire(options.iface);
    this.#logger = (options.logger ?? silentLogger).child({ iface: options.iface });
  }

  get iface(): string {
    return this.#shared.iface;
  }

  /** Accepts the VIP with or without its prefix (`10.0.0.10/32` or `10.0.0.10`). */
  async announce(ip: string): Promise<void> {
    if (this.#closed) throw new Error(`announcer on ${this.iface} is closed`);
    const vip = parseVip(ip);
    let link: FrameLink;
    try {
      link = await this.#shared.link();
    } catch (error) {
      this.#counters.failures += 1;
      throw error;
    }
    const frames = announcementFrames(link.mac, vip.ip, vip.family);
    try {
      await link.send(frames);
    } catch (error) {
      this.#counters.failures += 1;
      await this.#shared.checkStale(link);
      throw error;
    }
    this.#counters.framesSent += frames.length;
    this.#counters.rounds += 1;
  }

  async probe(ip: string): Promise<void> {
    if (this.#closed) throw new Error(`announcer on ${this.iface} is closed`);
    const vip = parseVip(ip);
    const link = await this.#shared.link();
    const frame = vip.family === 4 ? arpProbe(link.mac, vip.ip) : dadSolicitation(link.mac, vip.ip);
    try {
      await link.send([frame]);
    } catch (error) {
      await this.#shared.checkStale(link);
      throw error;
    }
    this.#counters.framesSent += 1;
  }

  watchConflicts(ip: string, onConflict: (conflict: Conflict) => void): () => void {
    const key = vipAddress(ip);
    let set = this.#watchers.get(key);
    if (!set) {
      set = new Set();
      this.#watchers.set(key, set);
    }
    set.add(onConflict);
    this.#unsubscribe ??= this.#shared.subscribe((frame, link) => this.#onFrame(frame, link));
    // Watching needs the handle open even before the first announcement.
    this.#shared.link().catch((error: unknown) => {
      this.#logger.warn(
        { err: error, ip: key },
        'cannot watch for address conflicts until the interface opens',
      );
    });
    return () => {
      set.delete(onConflict);
      if (set.size === 0 && this.#watchers.get(key) === set) this.#watchers.delete(key);
    };
  }

  watchOwnClaims(listener: (ip: string) => void): () => void {
    this.#ownClaimListeners.add(listener);
    return () => this.#ownClaimListeners.delete(listener);
  }

  counters(): AnnouncerCounters {
    return { ...this.#counters };
  }

  /**
   * Opens the interface's link ahead of the first announcement, so a takeover does not wait for
   * the frame worker to start (~0.1 s compiled, ~0.5 s under tsx); optional, since everything
   * opens on first use.
   */
  async warmUp(): Promise<void> {
    await this.#shared.link();
  }

  /** Releases this announcer's share of the interface handle; the last one closes it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe?.();
    this.#watchers.clear();
    this.#shared.release();
  }

  #onFrame(frame: Buffer, link: FrameLink): void {
    if (this.#watchers.size === 0) return;
    const claim = parseClaim(frame);
    if (!claim) return;
    const watchers = this.#watchers.get(claim.ip);
    if (!watchers) return;
    // Our kernel's frames (libpcap sees outgoing ones, though not those sent on this handle).
    if (claim.mac === link.mac || claim.sourceMac === link.mac) {
      this.#dispatch(this.#ownClaimListeners, claim.ip, claim.ip);
      return;
    }
    this.#counters.conflicts += 1;
    this.#dispatch(watchers, claim.ip, { ip: claim.ip, mac: claim.mac });
  }

  #dispatch<T>(listeners: Iterable<(value: T) => void>, ip: string, value: T): void {
    for (const listener of [...listeners]) {
      // This runs in the link's frame callback: a throw would surface as an uncaught exception.
      try {
        listener(value);
      } catch (error) {
        this.#logger.error({ err: error, ip }, 'address claim handler failed');
      }
    }
  }
}

/**
 * Sends `count` rounds `intervalMs` apart on `clock` (LinK: 1 + 3 over ~3 s; keepalived: 5).
 * Stops early when `signal` aborts; a failed round rejects, leaving retries to the caller.
 */
export async function announceBurst(
  port: AnnouncerPort,
  ip: string,
  options: AnnounceOptions,
  clock: Clock,
  signal?: AbortSignal,
): Promise<void> {
  for (let round = 0; round < options.count; round++) {
    if (signal?.aborted) return;
    if (round > 0) await sleep(clock, options.intervalMs);
    if (signal?.aborted) return;
    await port.announce(ip);
  }
}
