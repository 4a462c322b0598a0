import { describe, expect, it } from 'vitest';
import { rangeOf, type VipRangePolicy, vipRangeProblem } from '../../../src/model/vip-range-policy.js';

const host: VipRangePolicy = {
  allowed: [],
  interfaceAddresses: () => ['127.0.0.1/8', '::1/128', '10.0.0.5/24', 'fd00::5/64', '192.168.9.1/31'],
};

describe('vipRangeProblem', () => {
  it('never accepts loopback, link-local or multicast addresses', () => {
    expect(vipRangeProblem('127.0.0.1/32', host)).toBe('127.0.0.1 is a loopback address, never a virtual IP');
    expect(vipRangeProblem('127.8.0.1/32', host)).toMatch(/loopback/);
    expect(vipRangeProblem('::1/128', host)).toMatch(/loopback/);
    expect(vipRangeProblem('169.254.1.1/32', host)).toMatch(/link-local/);
    expect(vipRangeProblem('fe80::1/128', host)).toMatch(/link-local/);
    expect(vipRangeProblem('224.0.0.1/32', host)).toMatch(/multicast/);
    expect(vipRangeProblem('ff02::1/128', host)).toMatch(/multicast/);
  });

  it("never accepts the host's own addresses, or its subnets' network and broadcast addresses", () => {
    expect(vipRangeProblem('10.0.0.5/32', host)).toBe(
      "10.0.0.5 is an address of this host's interfaces (10.0.0.5/24), not a virtual IP",
    );
    expect(vipRangeProblem('fd00::5/128', host)).toMatch(/this host's interfaces/);
    expect(vipRangeProblem('10.0.0.0/32', host)).toBe(
      '10.0.0.0 is the network address of the interface subnet 10.0.0.0/24',
    );
    expect(vipRangeProblem('10.0.0.255/32', host)).toBe(
      '10.0.0.255 is the broadcast address of the interface subnet 10.0.0.0/24',
    );
    // A /31 has no network or broadcast address (RFC 3021).
    expect(vipRangeProblem('192.168.9.0/32', host)).toBeUndefined();
    expect(vipRangeProblem('10.0.0.100/32', host)).toBeUndefined();
  });

  it('limits VIPs to the allowed ranges, naming them', () => {
    const policy = { ...host, allowed: ['10.0.0.0/25', 'fd00::/64'] };
    expect(vipRangeProblem('10.0.0.100/32', policy)).toBeUndefined();
    expect(vipRangeProblem('fd00::100/128', policy)).toBeUndefined();
    expect(vipRangeProblem('10.0.0.200/32', policy)).toBe(
      '10.0.0.200 is outside the allowed VIP ranges 10.0.0.0/25, fd00::/64 (--vip-ranges)',
    );
    expect(vipRangeProblem('fd01::1/128', policy)).toMatch(/outside the allowed VIP ranges/);
  });

  it('names a range by its network address', () => {
    expect(rangeOf('10.1.2.3/20')).toBe('10.1.0.0/20');
    expect(rangeOf('fd00::1:2/112')).toBe('fd00::1:0/112');
    expect(rangeOf('10.1.2.3/0')).toBe('0.0.0.0/0');
  });
});
