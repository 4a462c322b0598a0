import { describe, expect, it, vi } from 'vitest';
import { IpRouteAddressPort } from '../../../../src/net/address/ip-address.js';
import { IpCommandError, type IpRunner } from '../../../../src/net/address/ip-command.js';

/** A fake `ip` that understands `-j addr show`, `addr replace|del` and `-force -batch -`. */
function fakeIp(readDelayMs = 5) {
  const bound = new Set<string>();
  const calls: { args: string[]; input?: string }[] = [];
  let failBatches = false;
  const apply = (args: readonly string[]) => {
    const [, verb, cidr = ''] = args;
    if (args.includes('eth9')) throw new IpCommandError(args, 'Cannot find device "eth9"', 1);
    if (verb === 'replace') bound.add(cidr);
    if (verb === 'del' && !bound.delete(cidr))
      throw new IpCommandError(args, 'Error: ipv4: Address not found.', 2);
  };
  const run: IpRunner = async (args, input) => {
    // The port learns the interface's index once, beside its first bind (see the rename tests).
    if (args[1] === 'link') return '[]';
    calls.push({ args: [...args], ...(input === undefined ? {} : { input }) });
    if (args[0] === '-j') {
      // The answer reflects the moment the read started; it arrives later.
      const snapshot = [...bound];
      await new Promise((resolve) => setTimeout(resolve, readDelayMs));
      const addrInfo = snapshot.map((cidr) => ({
        local: cidr.split('/')[0],
        prefixlen: Number(cidr.split('/')[1]),
      }));
      return JSON.stringify([{ ifname: 'eth0', addr_info: addrInfo }]);
    }
    await new Promise((resolve) => setTimeout(resolve, 5)); // a fork takes a while
    if (args[0] === '-j') {
      const addrInfo = [...bound].map((cidr) => ({
        local: cidr.split('/')[0],
        prefixlen: Number(cidr.split('/')[1]),
      }));
      return JSON.stringify([{ ifname: 'eth0', addr_info: addrInfo }]);
    }
    if (args[1] === '-batch') {
      // A parse error: iproute2 stops there and reports no line.
      if (failBatches) throw new IpCommandError(args, 'Error: any valid prefix is expected', 255);
      // -force: every line runs; each failure is reported with its line number.
      const report: string[] = [];
      (input ?? '')
        .trim()
        .split('\n')
        .forEach((line, i) => {
          try {
            apply(line.split(' '));
          } catch (error) {
            report.push((error as IpCommandError).stderr, `Command failed -:${i + 1}`);
          }
        });
      if (report.length > 0) throw new IpCommandError(args, report.join('\n'), 1);
      return '';
    }
    apply(args);
    return '';
  };
  return {
    run,
    calls,
    bound,
    reads: () => calls.filter((c) => c.args[0] === '-j').length,
    failBatches: () => {
      failBatches = true;
    },
  };
}

const vips = (n: number) =>
  Array.from({ length: n }, (_, i) => `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}/32`);

describe('IpRouteAddressPort with many VIPs', () => {
  it('answers concurrent has() calls with one read of the address list', async () => {
    const ip = fakeIp();
    const port = new IpRouteAddressPort('eth0', { run: ip.run });
    const answers = await Promise.all(vips(300).map((vip) => port.has(vip)));
    expect(answers.every((bound) => bound === false)).toBe(true);
    expect(ip.reads()).toBe(1);
  });

  it('tells after each unbind, not after a bind, so a cached list of the interfaces is read again', async () => {
    const ip = fakeIp(0);
    let unbinds = 0;
    const port = new IpRouteAddressPort('eth0', { run: ip.run, onUnbind: () => unbinds++ });
    await Promise.all(vips(3).map((vip) => port.add(vip)));
    expect(unbinds).toBe(0);
    await Promise.all(vips(2).map((vip) => port.remove(vip)));
    expect(unbinds).toBe(2);
  });

  it('reuses a read for readMaxAgeMs, then reads again', async () => {
    let now = 1000;
    const ip = fakeIp();
    const port = new IpRouteAddressPort('eth0', { run: ip.run, readMaxAgeMs: 500, now: () => now });
    await port.has('10.0.0.1/32');
    now += 400;
    await port.has('10.0.0.2/32');
    expect(ip.reads()).toBe(1);
    now += 200;
    await port.has('10.0.0.3/32');
    expect(ip.reads()).toBe(2);
  });

  it('reads again after readMaxAgeMs of monotonic time even when the wall clock stepped back an hour', async () => {
    const ip = fakeIp(0);
    const port = new IpRouteAddressPort('eth0', { run: ip.run, readMaxAgeMs: 500 });
    const wall = Date.now();
    const mono = performance.now();
    await port.has('10.0.0.1/32');
    // An NTP step of one hour back, and 600 ms of real time.
    vi.spyOn(Date, 'now').mockReturnValue(wall - 3_600_000);
    vi.spyOn(performance, 'now').mockReturnValue(mono + 600);
    try {
      await port.has('10.0.0.1/32');
    } finally {
      vi.restoreAllMocks();
    }
    expect(ip.reads()).toBe(2);
  });

  it('applies its own binds and unbinds over the shared read instead of reading again', async () => {
    const ip = fakeIp();
    const port = new IpRouteAddressPort('eth0', { run: ip.run, readMaxAgeMs: 60_000 });
    expect(await port.has('10.0.0.1/32')).toBe(false);
    await port.add('10.0.0.1/32');
    await port.add('10.0.0.2/32');
    expect(await port.has('10.0.0.1/32')).toBe(true);
    await port.remove('10.0.0.1/32');
    expect(await port.has('10.0.0.1/32')).toBe(false);
    expect(await port.addresses()).toEqual([{ ip: '10.0.0.2', prefix: 32 }]);
    expect(ip.reads()).toBe(1);
  });

  it('applies a bind that completes while a read is under way', async () => {
    const ip = fakeIp(50);
    const port = new IpRouteAddressPort('eth0', { run: ip.run, readMaxAgeMs: 60_000 });
    const before = port.has('10.0.0.1/32'); // the read starts before the bind...
    await port.add('10.0.0.1/32'); // ...which completes before the read answers
    // The read itself does not show it; the answers do.
    expect(await before).toBe(true);
    expect(await port.has('10.0.0.1/32')).toBe(true);
    expect(ip.reads()).toBe(1);
  });

  it('counts a bind still queued as bound, so an unbind asked meanwhile is not skipped', async () => {
    const ip = fakeIp();
    const port = new IpRouteAddressPort('eth0', { run: ip.run, readMaxAgeMs: 60_000 });
    expect(await port.has('10.0.0.1/32')).toBe(false); // a recent read says absent
    const busy = port.add('10.0.0.2/32'); // the writer is busy with another VIP...
    const bind = port.add('10.0.0.1/32'); // ...so this bind waits in the queue
    // The VIP is demoted while its bind waits: the next state asks whether to unbind.
    const bound = await port.has('10.0.0.1/32');
    if (bound) await port.remove('10.0.0.1/32');
    await Promise.all([busy, bind]);
    expect(bound).toBe(true);
    expect(ip.bound.has('10.0.0.1/32')).toBe(false);
  });

  it('reads afresh after a write that failed', async () => {
    const ip = fakeIp();
    const port = new IpRouteAddressPort('eth0', { run: ip.run, readMaxAgeMs: 60_000 });
    await port.has('10.0.0.1/32');
    await port.remove('10.0.0.9/32'); // absent: iproute2 fails, and the state is read again
    await port.has('10.0.0.1/32');
    expect(ip.reads()).toBe(2);
  });

  it('sends the binds requested while one runs through one ip -batch', async () => {
    const ip = fakeIp();
    const port = new IpRouteAddressPort('eth0', { run: ip.run });
    const all = vips(200);
    await Promise.all(all.map((vip) => port.add(vip)));
    expect(ip.bound.size).toBe(200);
    // The first goes alone, the 199 queued behind it together.
    expect(ip.calls.map((c) => c.args.join(' '))).toEqual([
      'addr replace 10.0.0.1/32 dev eth0',
      '-force -batch -',
    ]);
    expect(ip.calls[1]?.input?.trim().split('\n')).toHaveLength(199);
    expect(await port.has('10.0.0.200/32')).toBe(true);
  });

  it('gives each caller in a batch its own answer, in iproute2 words', async () => {
    const ip = fakeIp();
    const port = new IpRouteAddressPort('eth0', { run: ip.run });
    const other = new IpRouteAddressPort('eth9', { run: ip.run });
    const results = await Promise.allSettled([
      port.add('10.0.0.1/32'),
      port.add('10.0.0.2/32'),
      port.remove('10.0.0.3/32'), // absent: already in the wanted state
      port.add('10.0.0.4/32'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    // One bind alone, the rest in one batch, then the read that confirms the absent one is not bound otherwise.
    expect(ip.calls.map((c) => c.args.join(' '))).toEqual([
      'addr replace 10.0.0.1/32 dev eth0',
      '-force -batch -',
      '-j addr show dev eth0',
    ]);
    expect([...ip.bound].sort()).toEqual(['10.0.0.1/32', '10.0.0.2/32', '10.0.0.4/32']);
    const missing = await Promise.allSettled([
      other.add('10.0.0.5/32'),
      other.add('10.0.0.6/32'),
      other.add('10.0.0.7/32'),
    ]);
    for (const result of missing) {
      expect(result.status).toBe('rejected');
      expect(String((result as PromiseRejectedResult).reason)).toMatch(/interface eth9 not found/);
    }
  });

  it('runs the writes one at a time when a batch stops without saying where', async () => {
    const ip = fakeIp();
    ip.failBatches();
    const port = new IpRouteAddressPort('eth0', { run: ip.run });
    await Promise.all(['10.0.0.1/32', '10.0.0.2/32', '10.0.0.3/32'].map((vip) => port.add(vip)));
    await port.remove('10.0.0.9/32');
    expect([...ip.bound].sort()).toEqual(['10.0.0.1/32', '10.0.0.2/32', '10.0.0.3/32']);
    expect(ip.calls.map((c) => c.args.join(' '))).toEqual([
      'addr replace 10.0.0.1/32 dev eth0',
      '-force -batch -',
      'addr replace 10.0.0.2/32 dev eth0',
      'addr replace 10.0.0.3/32 dev eth0',
      'addr del 10.0.0.9/32 dev eth0',
      '-j addr show dev eth0',
    ]);
  });
});
