import { describe, expect, it } from 'vitest';
import { IpRouteAddressPort } from '../../../../src/net/address/ip-address.js';
import { IpCommandError, type IpRunner } from '../../../../src/net/address/ip-command.js';
import { NetError } from '../../../../src/net/net-error.js';

/** A fake `ip` that keeps an address list and answers like iproute2 does. */
function fakeIp(initial: { local: string; prefixlen: number }[] = []) {
  const bound = [...initial];
  const calls: string[][] = [];
  const fail = (args: readonly string[], stderr: string, code = 2) => {
    throw new IpCommandError(args, stderr, code);
  };
  const run: IpRunner = async (args) => {
    // The port learns the interface's index once, beside its first bind (see the rename tests).
    if (args[1] === 'link') return '[]';
    calls.push([...args]);
    if (args.includes('eth9')) fail(args, 'Cannot find device "eth9"', 1);
    if (args[0] === '-j') {
      return JSON.stringify([
        {
          ifname: 'eth0',
          addr_info: [{ family: 'inet6', local: 'fe80::1', prefixlen: 64 }, ...bound.map((a) => ({ ...a }))],
        },
      ]);
    }
    const [, verb, cidr = ''] = args;
    const [local = '', prefix = ''] = cidr.split('/');
    const index = bound.findIndex((a) => a.local === local && a.prefixlen === Number(prefix));
    if (verb === 'replace' && index < 0) bound.push({ local, prefixlen: Number(prefix) });
    if (verb === 'del') {
      // Kernels with extended ack word it this way; older ones say "Cannot assign requested address".
      if (index < 0) fail(args, `Error: ipv${local.includes(':') ? 6 : 4}: Address not found.`);
      bound.splice(index, 1);
    }
    return '';
  };
  return { run, calls, bound };
}

describe('IpRouteAddressPort', () => {
  it('binds with replace, and with nodad for IPv6', async () => {
    const ip = fakeIp();
    const port = new IpRouteAddressPort('eth0', { run: ip.run });
    await port.add('10.0.0.10/32');
    await port.add('fd00:0::10/128');
    expect(ip.calls).toEqual([
      ['addr', 'replace', '10.0.0.10/32', 'dev', 'eth0'],
      ['addr', 'replace', 'fd00::10/128', 'dev', 'eth0', 'nodad'],
    ]);
  });

  it('compares by address, ignoring the prefix and the spelling', async () => {
    const port = new IpRouteAddressPort('eth0', { run: fakeIp([{ local: 'fd00::10', prefixlen: 64 }]).run });
    expect(await port.has('fd00:0:0::10/128')).toBe(true);
    expect(await port.has('fd00::11/128')).toBe(false);
    expect(await port.has('fe80::1')).toBe(true);
  });

  it('removes idempotently', async () => {
    const ip = fakeIp([{ local: '10.0.0.10', prefixlen: 32 }]);
    const port = new IpRouteAddressPort('eth0', { run: ip.run });
    await port.remove('10.0.0.10/32');
    await port.remove('10.0.0.10/32');
    await port.remove('10.0.0.99');
    expect(ip.bound).toEqual([]);
  });

  it('also reads the older wording of an absent address', async () => {
    const deletes: string[] = [];
    const failingWith =
      (stderr: string): IpRunner =>
      async (args, input) => {
        if (args[0] === '-j') return '[]';
        deletes.push(input ?? args.join(' '));
        throw new IpCommandError(args, stderr, 2);
      };
    const older = new IpRouteAddressPort('eth0', {
      run: failingWith('RTNETLINK answers: Cannot assign requested address'),
    });
    await expect(older.remove('10.0.0.10/32')).resolves.toBeUndefined();
    expect(deletes.join('\n')).toMatch(/del 10\.0\.0\.10\/32/);
    // Any other failure is not taken for "already gone".
    const refused = new IpRouteAddressPort('eth0', {
      run: failingWith('RTNETLINK answers: Operation not permitted'),
    });
    await expect(refused.remove('10.0.0.10/32')).rejects.toThrow(/could not unbind 10.0.0.10\/32/);
  });

  it('leaves an address bound with another prefix and says why', async () => {
    const ip = fakeIp([{ local: '10.0.0.10', prefixlen: 24 }]);
    const port = new IpRouteAddressPort('eth0', { run: ip.run });
    const error = await port.remove('10.0.0.10/32').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetError);
    expect((error as Error).message).toMatch(/bound on eth0 as \/24, not \/32/);
    expect((error as Error).cause).toBeInstanceOf(IpCommandError);
    expect(ip.bound).toHaveLength(1);
  });

  it('names a missing interface and keeps the cause', async () => {
    const port = new IpRouteAddressPort('eth9', { run: fakeIp().run });
    const error = await port.add('10.0.0.10/32').catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /^interface eth9 not found: could not bind 10\.0\.0\.10\/32 on it/,
    );
    expect((error as Error).cause).toBeInstanceOf(IpCommandError);
    await expect(port.remove('10.0.0.10/32')).rejects.toThrow(/interface eth9 not found/);
  });

  it('rejects something that is not an address before calling ip', async () => {
    const ip = fakeIp();
    const port = new IpRouteAddressPort('eth0', { run: ip.run });
    await expect(port.add('10.0.0.300/32')).rejects.toThrow(/not an IP address or CIDR/);
    await expect(port.add('10.0.0.3/33')).rejects.toThrow(
      /not an IP address or CIDR: prefix length must be 0 to 32/,
    );
    expect(ip.calls).toEqual([]);
  });
});

describe('IpRouteAddressPort on a renamed interface', () => {
  /** `ip` on a host whose eth0 (index 2) can be renamed; `dev NAME` of a missing name fails. */
  function renamingIp() {
    const link = {
      ifindex: 2,
      ifname: 'eth0',
      addr_info: [{ family: 'inet', local: '10.0.0.10', prefixlen: 32 }],
    };
    const lo = {
      ifindex: 1,
      ifname: 'lo',
      addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }],
    };
    const calls: string[][] = [];
    const run: IpRunner = async (args) => {
      calls.push([...args]);
      const dev = args[args.indexOf('dev') + 1];
      if (args.includes('dev') && dev !== link.ifname)
        throw new IpCommandError(args, `Device "${dev}" does not exist.`, 1);
      if (args[0] === '-j') return JSON.stringify(args.includes('dev') ? [link] : [lo, link]);
      const [, verb, cidr = ''] = args;
      const [local = ''] = cidr.split('/');
      if (verb === 'del') link.addr_info = link.addr_info.filter((info) => info.local !== local);
      if (verb === 'replace') link.addr_info.push({ family: 'inet', local, prefixlen: 32 });
      return '';
    };
    return { run, calls, link };
  }

  it('still sees, and removes, a VIP that went with the interface to its new name', async () => {
    const ip = renamingIp();
    const port = new IpRouteAddressPort('eth0', { run: ip.run, readMaxAgeMs: 0 });
    expect(await port.has('10.0.0.10/32')).toBe(true);
    ip.link.ifname = 'lan0';
    expect(await port.has('10.0.0.10/32')).toBe(true);
    await port.remove('10.0.0.10/32');
    expect(ip.calls).toContainEqual(['addr', 'del', '10.0.0.10/32', 'dev', 'lan0']);
    expect(ip.link.addr_info).toEqual([]);
    expect(await port.has('10.0.0.10/32')).toBe(false);
  });

  it('removes a VIP it bound without ever reading the interface, after a rename', async () => {
    const ip = renamingIp();
    const port = new IpRouteAddressPort('eth0', { run: ip.run, readMaxAgeMs: 0 });
    await port.add('10.0.0.11/32');
    ip.link.ifname = 'lan0';
    expect(await port.has('10.0.0.11/32')).toBe(true);
    await port.remove('10.0.0.11/32');
    expect(ip.calls).toContainEqual(['addr', 'del', '10.0.0.11/32', 'dev', 'lan0']);
  });

  it('binds only on the configured name', async () => {
    const ip = renamingIp();
    const port = new IpRouteAddressPort('eth0', { run: ip.run, readMaxAgeMs: 0 });
    await port.has('10.0.0.10/32');
    ip.link.ifname = 'lan0';
    await expect(port.add('10.0.0.11/32')).rejects.toThrow(/interface eth0 not found/);
  });

  it('an interface it never read, or one deleted, is an error as before', async () => {
    const ip = renamingIp();
    ip.link.ifname = 'lan0';
    const port = new IpRouteAddressPort('eth0', { run: ip.run, readMaxAgeMs: 0 });
    await expect(port.has('10.0.0.10/32')).rejects.toThrow(/interface eth0 not found/);
    await expect(port.remove('10.0.0.10/32')).rejects.toThrow(/interface eth0 not found/);
  });
});
