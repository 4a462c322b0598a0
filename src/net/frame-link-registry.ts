import { openCapLink } from './cap-link.js';
import type { FrameLink, FrameLinkOpener } from './frame-link.js';

export type FrameListener = (frame: Buffer, link: FrameLink) => void;

/**
 * One interface's link, shared by every VIP announced on it: opened on first use, re-opened after
 * a send failure (the interface may have been re-created with another index or MAC), closed when
 * the last user releases it. Listeners survive a re-open.
 */
export class SharedFrameLink {
  #current: FrameLink | undefined;
  #opening: Promise<FrameLink> | undefined;
  #closed = false;
  #opens = 0;
  readonly #listeners = new Set<FrameListener>();

  constructor(
    readonly iface: string,
    private readonly opener: FrameLinkOpener,
    private readonly onIdle: () => void,
    /** Users holding this link; the registry counts them. */
    public refs = 0,
  ) {}

  /** How many times a handle was opened, re-opens included. */
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
        link.onFrame((frame) => {
          for (const listener of this.#listeners) listener(frame, link);
        });
        return link;
      },
      (error: unknown) => {
        this.#opening = undefined;
        throw error;
      },
    );
    return this.#opening;
  }

  /** Drops `link` if it is still the current one, so the next `link()` opens a fresh handle. */
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
    this.#listeners.clear();
    this.#current?.close();
    this.#current = undefined;
    this.onIdle();
  }
}

/** Hands out one `SharedFrameLink` per interface, counting its users. */
export class FrameLinkRegistry {
  readonly #links = new Map<string, SharedFrameLink>();

  constructor(private readonly opener: FrameLinkOpener = openCapLink) {}

  /** Each call must be matched by one `release()` on the returned link. */
  acquire(iface: string): SharedFrameLink {
    let shared = this.#links.get(iface);
    if (!shared) {
      const created = new SharedFrameLink(iface, this.opener, () => {
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
