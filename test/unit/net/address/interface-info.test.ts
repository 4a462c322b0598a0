import { describe, expect, it } from 'vitest';
import { readInterfaceInfo } from '../../../../src/net/address/interface-info.js';
import { IpCommandError } from '../../../../src/net/address/ip-command.js';

const link = (fields: object) => async () => JSON.stringify([fields]);

describe('readInterfaceInfo', () => {
  it('reads the MAC and index of an Ethernet interface', async () => {
    const run = link({
      ifindex: 7,
      ifname: 'eth0',
      link_type: 'ether',
      address: '0A:1B:2C:3D:4E:5F',
      flags: ['UP'],
    });
    expect(await readInterfaceInfo('eth0', run)).toEqual({
      name: 'eth0',
      index: 7,
      mac: '0a:1b:2c:3d:4e:5f',
      up: true,
    });
  });

  it('refuses loopback, whose MAC is all zeros (read from the real `ip`)', async () => {
    await expect(readInterfaceInfo('lo')).rejects.toThrow(/interface lo has no Ethernet MAC address/);
  });

  it('refuses an interface without a MAC', async () => {
    const run = link({ ifindex: 9, ifname: 'tun0', link_type: 'none' });
    await expect(readInterfaceInfo('tun0', run)).rejects.toThrow(
      /tun0 has no Ethernet MAC address \(link type none\)/,
    );
  });

  it('names a missing interface (read from the real `ip`)', async () => {
    const error = await readInterfaceInfo('nosuchif0').catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^interface nosuchif0 not found/);
    expect((error as Error).cause).toBeInstanceOf(IpCommandError);
  });
});
