import { describe, expect, it } from 'vitest';
import {
  arpProbe,
  dadSolicitation,
  icmpv6Checksum,
  parseClaim,
} from '../../../../src/net/frames/frame-codec.js';

const MAC = '02:00:00:00:00:01';

describe('address probes', () => {
  it('an ARP probe asks for the address with sender IP 0.0.0.0 and claims nothing', () => {
    const frame = arpProbe(MAC, '10.0.0.10');
    expect(frame.subarray(0, 6).toString('hex')).toBe('ffffffffffff');
    expect(frame.readUInt16BE(12)).toBe(0x0806);
    expect(frame.readUInt16BE(20)).toBe(1); // request
    expect(frame.subarray(22, 28).toString('hex')).toBe('020000000001');
    expect([...frame.subarray(28, 32)]).toEqual([0, 0, 0, 0]);
    expect([...frame.subarray(32, 38)]).toEqual([0, 0, 0, 0, 0, 0]);
    expect([...frame.subarray(38, 42)]).toEqual([10, 0, 0, 10]);
    expect(parseClaim(frame)).toBeUndefined();
  });

  it('a DAD solicitation goes from :: to the solicited-node group, checksummed, and claims nothing', () => {
    const frame = dadSolicitation(MAC, 'fd00::12:3456');
    expect(frame.subarray(0, 6).toString('hex')).toBe('3333ff123456');
    expect(frame.readUInt16BE(12)).toBe(0x86dd);
    const ipv6 = frame.subarray(14, 54);
    expect(ipv6.readUInt8(7)).toBe(255);
    expect(ipv6.subarray(8, 24).every((byte) => byte === 0)).toBe(true);
    expect(ipv6.subarray(24, 40).toString('hex')).toBe('ff0200000000000000000001ff123456');
    const icmp = frame.subarray(54);
    expect(icmp.readUInt8(0)).toBe(135);
    expect(icmp.length).toBe(24); // no source link-layer option from ::
    expect(icmp.readUInt16BE(2)).toBe(icmpv6Checksum(ipv6.subarray(8, 24), ipv6.subarray(24, 40), icmp));
    expect(parseClaim(frame)).toBeUndefined();
  });
});
