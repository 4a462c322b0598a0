import { describe, expect, it } from 'vitest';
import { IpCommandError } from '../../../../src/net/address/ip-command.js';
import { LinkMonitor, linkStateOf } from '../../../../src/net/address/link-monitor.js';
import { silentLogger } from '../../../../src/ports/logger.js';
import type { LinkState } from '../../../../src/ports/network.js';
import { advance, simulatedClock } from '../../../fakes/sim-time.js';

describe('linkStateOf', () => {
  it('is up with UP and LOWER_UP, whatever the operstate of a virtual link', () => {
    expect(linkStateOf('eth0', { flags: ['BROADCAST', 'UP', 'LOWER_UP'], operstate: 'UNKNOWN' }).up).toBe(
      true,
    );
  });
  it('is down without carrier, or set down', () => {
    expect(
      linkStateOf('eth0', { flags: ['NO-CARRIER', 'BROADCAST', 'UP'], operstate: 'LOWERLAYERDOWN' }),
    ).toEqual({
      up: false,
      detail: 'eth0: no carrier (operstate LOWERLAYERDOWN)',
    });
    expect(linkStateOf('eth0', { flags: ['BROADCAST'], operstate: 'DOWN' })).toEqual({
      up: false,
      detail: 'eth0: set down (operstate DOWN)',
    });
  });
});

describe('LinkMonitor', () => {
  it('reads the link once per interval for every listener, and reports changes only', async () => {
    const clock = simulatedClock();
    let flags = ['UP', 'LOWER_UP'];
    let vanished = false;
    let reads = 0;
    const run = async () => {
      reads += 1;
      if (vanished) throw new IpCommandError(['link'], 'Device "eth0" does not exist.', 1);
      return JSON.stringify([{ flags, operstate: 'UP' }]);
    };
    const monitor = new LinkMonitor({ iface: 'eth0', pollMs: 500, clock, logger: silentLogger, run });
    await monitor.start();
    const seen: LinkState[][] = [[], [], []];
    for (const list of seen) monitor.watch((state) => list.push(state));
    await advance(clock, 2000, 50);
    expect(reads).toBe(5);
    flags = ['NO-CARRIER', 'UP'];
    await advance(clock, 500, 50);
    vanished = true;
    await advance(clock, 1000, 50);
    vanished = false;
    flags = ['UP', 'LOWER_UP'];
    await advance(clock, 500, 50);
    monitor.stop();
    for (const list of seen) expect(list.map((s) => s.up)).toEqual([true, false, true]);
    expect(reads).toBe(9);
  });

  it('keeps the last state when a read fails for another reason', async () => {
    const clock = simulatedClock();
    let fail = false;
    const run = async () => {
      if (fail) throw new Error('ip timed out');
      return JSON.stringify([{ flags: ['UP', 'LOWER_UP'] }]);
    };
    const monitor = new LinkMonitor({ iface: 'eth0', pollMs: 500, clock, logger: silentLogger, run });
    await monitor.start();
    const seen: boolean[] = [];
    monitor.watch((state) => seen.push(state.up));
    fail = true;
    await advance(clock, 2000, 50);
    monitor.stop();
    expect(seen).toEqual([true]);
  });

  it('reads a real interface', async () => {
    const monitor = new LinkMonitor({
      iface: 'lo',
      pollMs: 1000,
      clock: simulatedClock(),
      logger: silentLogger,
    });
    expect(await monitor.read()).toEqual({ up: true, detail: 'lo: link up' });
    const missing = new LinkMonitor({
      iface: 'nosuch0',
      pollMs: 1000,
      clock: simulatedClock(),
      logger: silentLogger,
    });
    expect(await missing.read()).toEqual({ up: false, detail: 'nosuch0: the interface vanished' });
  });
});
