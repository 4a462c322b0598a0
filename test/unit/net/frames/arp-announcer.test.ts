import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import { announceBurst, CapAnnouncer } from '../../../../src/net/frames/arp-announcer.js';
import { garpReply, garpRequest, unsolicitedNa } from '../../../../src/net/frames/frame-codec.js';
import type { FrameLink } from '../../../../src/net/frames/frame-link.js';
import { FrameLinkRegistry } from '../../../../src/net/frames/frame-link-registry.js';
import type { AnnouncerPort } from '../../../../src/ports/network.js';

const OWN = '02:00:00:00:00:0a';
const OTHER = '02:00:00:00:00:0b';

/** A link that records what is sent and lets the test inject received frames. */
class FakeLink implements FrameLink {
  sent: Buffer[] = [];
  closed = false;
  failSends = false;
  readonly index = 2;
  readonly listeners: ((frame: Buffer) => void)[] = [];
  readonly lostListeners: ((reason: Error) => void)[] = [];
  constructor(
    readonly iface: string,
    readonly mac: string,
  ) {}
  async send(frames: readonly Buffer[]) {
    if (this.closed) throw new Error('closed');
    if (this.failSends) throw new Error('Network is down');
    this.sent.push(...frames.map((frame) => Buffer.from(frame)));
  }
  onFrame(listener: (frame: Buffer) => void) {
    this.listeners.push(listener);
  }
  onLost(listener: (reason: Error) => void) {
    this.lostListeners.push(listener);
  }
  receive(frame: Buffer) {
    for (const listener of this.listeners) listener(frame);
  }
  /** The worker died, e.g. the interface went down. */
  lose() {
    this.closed = true;
    for (const listener of this.lostListeners) listener(new Error('worker died'));
  }
  close() {
    this.closed = true;
  }
}

function setup() {
  const links: FakeLink[] = [];
  const identity = { index: 2, mac: OWN };
  const registry = new FrameLinkRegistry(
    async (iface) => {
      const link = new FakeLink(iface, OWN);
      links.push(link);
      return link;
    },
    async () => identity,
  );
  return { links, registry, identity };
}

describe('CapAnnouncer', () => {
  it('opens lazily and sends both ARP shapes per IPv4 round', async () => {
    const { links, registry } = setup();
    const announcer = new CapAnnouncer({ iface: 'eth0', registry });
    expect(links).toHaveLength(0);
    await announcer.announce('10.0.0.10/32');
    expect(links[0]?.sent).toEqual([garpRequest(OWN, '10.0.0.10'), garpReply(OWN, '10.0.0.10')]);
    expect(announcer.counters()).toEqual({ rounds: 1, framesSent: 2, failures: 0, conflicts: 0 });
  });

  it('sends one unsolicited NA per IPv6 round', async () => {
    const { links, registry } = setup();
    const announcer = new CapAnnouncer({ iface: 'eth0', registry });
    await announcer.announce('fd00:0::10/128');
    expect(links[0]?.sent).toEqual([unsolicitedNa(OWN, 'fd00::10')]);
  });

  it('shares one handle per interface and closes it with the last user', async () => {
    const { links, registry } = setup();
    const a = new CapAnnouncer({ iface: 'eth0', registry });
    const b = new CapAnnouncer({ iface: 'eth0', registry });
    const c = new CapAnnouncer({ iface: 'eth1', registry });
    await Promise.all([a.announce('10.0.0.1'), b.announce('10.0.0.2'), c.announce('10.0.0.3')]);
    expect(links.map((l) => l.iface)).toEqual(['eth0', 'eth1']);
    await a.close();
    expect(links[0]?.closed).toBe(false);
    await b.close();
    expect(links[0]?.closed).toBe(true);
    expect(registry.interfaces()).toEqual(['eth1']);
    await c.close();
    expect(registry.interfaces()).toEqual([]);
  });

  it('keeps the link when a send fails on a downed interface', async () => {
    const { links, registry } = setup();
    const announcer = new CapAnnouncer({ iface: 'eth0', registry });
    await announcer.announce('10.0.0.10');
    links[0]!.failSends = true;
    await expect(announcer.announce('10.0.0.10')).rejects.toThrow(/Network is down/);
    links[0]!.failSends = false;
    await announcer.announce('10.0.0.10');
    expect(links).toHaveLength(1);
    expect(announcer.counters()).toMatchObject({ rounds: 2, framesSent: 4, failures: 1 });
  });

  it('opens a fresh link when the interface was re-created', async () => {
    const { links, registry, identity } = setup();
    const announcer = new CapAnnouncer({ iface: 'eth0', registry });
    await announcer.announce('10.0.0.10');
    links[0]!.failSends = true;
    identity.index = 7;
    await expect(announcer.announce('10.0.0.10')).rejects.toThrow(/Network is down/);
    expect(links[0]?.closed).toBe(true);
    await announcer.announce('10.0.0.10');
    expect(links).toHaveLength(2);
  });

  it('reopens a lost link by itself while someone watches, with backoff', async () => {
    vi.useFakeTimers();
    try {
      const { links, registry } = setup();
      const announcer = new CapAnnouncer({ iface: 'eth0', registry });
      const seen: string[] = [];
      announcer.watchConflicts('10.0.0.10', ({ mac }) => seen.push(mac));
      await vi.advanceTimersByTimeAsync(0);
      links[0]!.lose();
      await vi.advanceTimersByTimeAsync(999);
      expect(links).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(links).toHaveLength(2);
      links[1]!.receive(garpReply(OTHER, '10.0.0.10'));
      expect(seen).toEqual([OTHER]);
      await announcer.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('leaves a lost link closed when nobody watches, until the next announcement', async () => {
    const { links, registry } = setup();
    const announcer = new CapAnnouncer({ iface: 'eth0', registry });
    await announcer.announce('10.0.0.10');
    links[0]!.lose();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(links).toHaveLength(1);
    await announcer.announce('10.0.0.10');
    expect(links).toHaveLength(2);
  });

  it('reports claims from another MAC, ignores its own, and unsubscribes', async () => {
    const { links, registry } = setup();
    const announcer = new CapAnnouncer({ iface: 'eth0', registry });
    const seen: unknown[] = [];
    const stop = announcer.watchConflicts('10.0.0.10/32', (conflict) => seen.push(conflict));
    await announcer.announce('10.0.0.10/32'); // the handle is open now
    const link = links[0]!;
    link.receive(garpRequest(OWN, '10.0.0.10'));
    link.receive(garpReply(OTHER, '10.0.0.11')); // another address
    link.receive(garpReply(OTHER, '10.0.0.10'));
    link.receive(garpRequest(OTHER, '10.0.0.10'));
    expect(seen).toEqual([
      { ip: '10.0.0.10', mac: OTHER },
      { ip: '10.0.0.10', mac: OTHER },
    ]);
    stop();
    link.receive(garpReply(OTHER, '10.0.0.10'));
    expect(seen).toHaveLength(2);
    expect(announcer.counters().conflicts).toBe(2);
  });

  it("reports its kernel's own frames claiming a watched address, in the order they were seen", async () => {
    const { links, registry } = setup();
    const announcer = new CapAnnouncer({ iface: 'eth0', registry });
    const seen: string[] = [];
    announcer.watchConflicts('10.0.0.10/32', () => seen.push('other'));
    const stop = announcer.watchOwnClaims((ip) => seen.push(`own ${ip}`));
    await announcer.announce('10.0.0.10/32');
    const link = links[0]!;
    link.receive(garpRequest(OTHER, '10.0.0.10'));
    link.receive(garpRequest(OWN, '10.0.0.10')); // e.g. our kernel resolving a client, VIP as sender
    link.receive(garpRequest(OWN, '10.0.0.1')); // not a watched address
    expect(seen).toEqual(['other', 'own 10.0.0.10']);
    stop();
    link.receive(garpRequest(OWN, '10.0.0.10'));
    expect(seen).toHaveLength(2);
    expect(announcer.counters().conflicts).toBe(1);
  });

  it('matches IPv6 claims whatever the spelling of the watched address', async () => {
    const { links, registry } = setup();
    const announcer = new CapAnnouncer({ iface: 'eth0', registry });
    const seen: string[] = [];
    announcer.watchConflicts('FD00:0:0::10/64', ({ mac }) => seen.push(mac));
    await new Promise((resolve) => setImmediate(resolve)); // watching opens the handle by itself
    links[0]!.receive(unsolicitedNa(OTHER, 'fd00::10'));
    expect(seen).toEqual([OTHER]);
  });

  it('keeps dispatching when a conflict handler throws', async () => {
    const { links, registry } = setup();
    const announcer = new CapAnnouncer({ iface: 'eth0', registry });
    const seen: string[] = [];
    announcer.watchConflicts('10.0.0.10', () => {
      throw new Error('boom');
    });
    announcer.watchConflicts('10.0.0.10', ({ mac }) => seen.push(mac));
    await announcer.announce('10.0.0.10');
    links[0]!.receive(garpReply(OTHER, '10.0.0.10'));
    expect(seen).toEqual([OTHER]);
  });

  it('refuses to announce after close', async () => {
    const { registry } = setup();
    const announcer = new CapAnnouncer({ iface: 'eth0', registry });
    await announcer.close();
    await expect(announcer.announce('10.0.0.10')).rejects.toThrow(/closed/);
  });
});

describe('announceBurst', () => {
  it('spaces rounds on the given clock', async () => {
    const clock = new SimulatedClock();
    const times: number[] = [];
    const port: AnnouncerPort = {
      announce: async () => void times.push(clock.now()),
      probe: async () => {},
      watchConflicts: () => () => {},
    };
    const done = announceBurst(port, '10.0.0.10', { count: 3, intervalMs: 1000 }, clock);
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      clock.increment(1000);
    }
    await done;
    expect(times).toEqual([0, 1000, 2000]);
  });

  it('stops when aborted', async () => {
    const clock = new SimulatedClock();
    let rounds = 0;
    const port: AnnouncerPort = {
      announce: async () => void rounds++,
      probe: async () => {},
      watchConflicts: () => () => {},
    };
    const abort = new AbortController();
    const done = announceBurst(port, '10.0.0.10', { count: 5, intervalMs: 100 }, clock, abort.signal);
    await new Promise((resolve) => setImmediate(resolve));
    abort.abort();
    clock.increment(100);
    await done;
    expect(rounds).toBe(1);
  });
});
