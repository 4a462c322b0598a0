import { describe, expect, it } from 'vitest';
import { outranks, rank, rendezvousWeight } from '../../../src/model/placement.js';

describe('placement', () => {
  it('ranks listed hosts in their order, before any other host', () => {
    const policy = { preferredHosts: ['b', 'a'], spread: false };
    expect(outranks(policy, 'k', 'b', 'a')).toBe(true);
    expect(outranks(policy, 'k', 'a', 'b')).toBe(false);
    expect(outranks(policy, 'k', 'a', 'z')).toBe(true);
    expect(outranks(policy, 'k', 'z', 'a')).toBe(false);
    // Without spread, hosts not listed are equals: none takes a VIP from another.
    expect(outranks(policy, 'k', 'y', 'z')).toBe(false);
    expect(outranks(policy, 'k', 'z', 'y')).toBe(false);
    expect(outranks(policy, 'k', 'a', 'a')).toBe(false);
  });

  it('with spread, orders every pair of other hosts one way, the same on every host', () => {
    const policy = { preferredHosts: [], spread: true };
    for (const key of ['10.0.0.1_32', '10.0.0.2_32', 'fd00::1_128'])
      expect(outranks(policy, key, 'h1', 'h2')).toBe(!outranks(policy, key, 'h2', 'h1'));
    expect(rendezvousWeight('h1', '10.0.0.1_32')).toBe(rendezvousWeight('h1', '10.0.0.1_32'));
  });

  it('spreads VIPs evenly, and a host leaving moves only the VIPs it held', () => {
    const hosts = ['node-1', 'node-2', 'node-3', 'node-4'];
    const policy = { preferredHosts: [], spread: true };
    const keys = Array.from({ length: 1000 }, (_, i) => `10.${i >> 8}.${i & 255}.1_32`);
    const first = new Map(keys.map((k) => [k, rank(policy, k, hosts)[0]]));
    for (const host of hosts) {
      const count = [...first.values()].filter((h) => h === host).length;
      expect(count, host).toBeGreaterThan(200);
      expect(count, host).toBeLessThan(300);
    }
    const without = hosts.filter((h) => h !== 'node-2');
    for (const key of keys) {
      const next = rank(policy, key, without)[0];
      if (first.get(key) !== 'node-2') expect(next).toBe(first.get(key));
    }
  });
});
