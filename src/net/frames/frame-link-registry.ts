import { readInterfaceInfo } from '../address/interface-info.js';
import { openCapLink } from './cap-link.js';
import type { FrameLink, FrameLinkOpener } from './frame-link.js';

export type FrameListener = (frame: Buffer, link: FrameLink) => void;

/** Reads what identifies an interface, to tell a re-created one from one that is merely down. */
export type InterfaceIdentity = (iface: string) => Promise<{ index: number; mac: string }>;

const REOPEN_FIRST_MS = 1000;
const REOPEN_MAX_MS = 30_000;

/**
 * One interface's link, shared by every VIP announced on it: opened on first use, closed when the
 * last user releases it. If the link is lost (its worker died when the interface went down) while
 * someone watches for conflicts, it is reopened with backoff; listeners survive a reopen.
 */
export class SharedFrameLink {
  #current: FrameLink | undefined;
  #opening: Promise<FrameLink> | undefined;
  #closed = false;
  #opens = 0;
  #reopenDelay = REOPEN_FIRST_MS;
  #reopenTimer: NodeJS.Timeout | undefined;
  readonly #listeners = new Set<FrameListener>();

  constructor(
    readonly iface: string,
    private readonly opener: FrameLinkOpener,
    private readonly identity: InterfaceIdentity,
    private readonly onIdle: () => void,
    /** Users holding this link; the registry counts them. */
    public refs = 0,
  ) {}

  /** How many times a link was opened, reopens included. */
  get opens(): number {
    return this.#opens;
  }

  get isOpen(): boolean {
    return this.#current !== undefined;
  }

  /** The open link, opening it if needed; concurrent callers share one attempt. */
  link(): Promise<FrameLink> {
    if (this.#closed) return Promise.reject(new Error(`frame link on ${this.iface} was released`));
    if (this.#current) return Promise.resolve(this.#current);
    this.#opening ??= this.opener(this.iface).then(
      (link) => {
        this.#opening = undefined;
        if (this.#closed) {
          link.close();
          throw new Error(`frame link on ${this.iface} was released while opening`);
        }
        this.#opens += 1;
        this.#current = link;
        this.#reopenDelay = REOPEN_FIRST_MS;
        link.onFrame((frame) => {
          for (const listener of this.#listeners) listener(frame, link);
        });
        link.onLost(() => this.#lost(link));
        return link;
      },
      (error: unknown) => {
        this.#opening = undefined;
        throw error;
      },
    );
    return this.#opening;
  }

  /**
   * After a failed send: drops `link` if the interface was deleted or re-created (another index or
   * MAC), so the next use opens a fresh one. A merely downed interface keeps its link, which works
   * again once it is up.
   */
  async checkStale(link: FrameLink): Promise<void> {
    const now = await this.identity(this.iface).catch(() => undefined);
    if (now && now.index === link.index && now.mac === link.mac) return;
    this.invalidate(link);
  }

  /** Drops `link` if it is still the current one. */
  invalidate(link: FrameLink): void {
    if (this.#current !== link) return;
    this.#current = undefined;
    link.close();
  }

  subscribe(listener: FrameListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  release(): void {
    this.refs -= 1;
    if (this.refs > 0) return;
    this.#closed = true;
    clearTimeout(this.#reopenTimer);
    this.#listeners.clear();
    this.#current?.close();
    this.#current = undefined;
    this.onIdle();
  }

  #lost(link: FrameLink): void {
    if (this.#current === link) this.#current = undefined;
    this.#scheduleReopen();
  }

  /** Watchers need frames even when nobody announces: reopen on our own while any listens. */
  #scheduleReopen(): void {
    if (this.#closed || this.#listeners.size === 0 || this.#reopenTimer) return;
    this.#reopenTimer = setTimeout(() => {
      this.#reopenTimer = undefined;
      if (this.#current || this.#closed) return;
      this.link().catch(() => {
        this.#reopenDelay = Math.min(this.#reopenDelay * 2, REOPEN_MAX_MS);
        this.#scheduleReopen();
      });
    }, this.#reopenDelay);
    this.#reopenTimer.unref();
  }
}

/** Hands out one `SharedFrameLink` per interface, counting its users. */
export class FrameLinkRegistry {
  readonly #links = new Map<string, SharedFrameLink>();

  constructor(
    private readonly opener: FrameLinkOpener = openCapLink,
    private readonly identity: InterfaceIdentity = readInterfaceInfo,
  ) {}

  /** Each call must be matched by one `release()` on the returned link. */
  acquire(iface: string): SharedFrameLink {
    let shared = this.#links.get(iface);
    if (!shared) {
      const created = new SharedFrameLink(iface, this.opener, this.identity, () => {
        if (this.#links.get(iface) === created) this.#links.delete(iface);
      });
      this.#links.set(iface, created);
      shared = created;
    }
    shared.refs += 1;
    return shared;
  }

  /** Interfaces with at least one user. */
  interfaces(): string[] {
    return [...this.#links.keys()];
  }
}

/** The process-wide registry, so all announcers on an interface share its handle. */
export const frameLinks = new FrameLinkRegistry();
