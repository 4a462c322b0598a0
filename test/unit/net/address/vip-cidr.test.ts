import { describe, expect, it } from 'vitest';
import { parseVip, vipAddress } from '../../../../src/net/address/vip-cidr.js';

describe('parseVip', () => {
  it('reads IPv4 and IPv6 CIDRs and bare addresses', () => {
    expect(parseVip('10.0.0.10/24')).toEqual({
      ip: '10.0.0.10',
      family: 4,
      prefix: 24,
      cidr: '10.0.0.10/24',
    });
    expect(parseVip('10.0.0.10')).toMatchObject({ prefix: 32, cidr: '10.0.0.10/32' });
    expect(parseVip('FD00:0:0::0010/64')).toEqual({
      ip: 'fd00::10',
      family: 6,
      prefix: 64,
      cidr: 'fd00::10/64',
    });
    expect(parseVip('fd00::10')).toMatchObject({ prefix: 128 });
  });

  it('treats an IPv4-mapped IPv6 address as IPv4', () => {
    expect(vipAddress('::ffff:10.0.0.1')).toBe('10.0.0.1');
  });

  it.each(['10.1', '010.0.0.1', '10.0.0.256', 'fe80::1%eth0', 'host', ''])('refuses %j', (text) => {
    expect(() => parseVip(text)).toThrow(/not an IP address or CIDR: '.*' is not an IPv4 or IPv6 address/);
  });

  it.each(['10.0.0.1/33', 'fd00::1/129', '10.0.0.1/x', '10.0.0.1/', '10.0.0.1/24/1', '::ffff:10.0.0.1/128'])(
    'refuses the prefix of %j',
    (text) => {
      expect(() => parseVip(text)).toThrow(/not an IP address or CIDR: prefix length must be 0 to/);
    },
  );
});
