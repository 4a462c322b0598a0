import { describe, expect, it } from 'vitest';
import {
  announcementFrames,
  garpReply,
  garpRequest,
  icmpv6Checksum,
  macBytes,
  parseClaim,
  unsolicitedNa,
} from '../../../../src/net/frames/frame-codec.js';

const MAC = '0a:1b:2c:3d:4e:5f';
const OTHER = '02:aa:bb:cc:dd:ee';

/** Hex written field by field, spaces and comments ignored. */
function hex(...fields: string[]): string {
  return fields.join('').replace(/\s+/g, '');
}

// 10.77.0.50 = 0a 4d 00 32
const ARP_REQUEST_HEX = hex(
  'ffffffffffff', // Ethernet destination: broadcast
  '0a1b2c3d4e5f', // Ethernet source: our MAC
  '0806', // ARP
  '0001 0800 06 04', // Ethernet/IPv4, address lengths 6 and 4
  '0001', // op: request
  '0a1b2c3d4e5f 0a4d0032', // sender: our MAC, the VIP
  '000000000000 0a4d0032', // target: zero MAC, the VIP again
  '00'.repeat(18), // padding to the 60-byte Ethernet minimum
);

const ARP_REPLY_HEX = hex(
  'ffffffffffff',
  '0a1b2c3d4e5f',
  '0806',
  '0001 0800 06 04',
  '0002', // op: reply
  '0a1b2c3d4e5f 0a4d0032',
  '0a1b2c3d4e5f 0a4d0032', // target MAC = our own MAC, never broadcast
  '00'.repeat(18),
);

// Checksum 0xd658 computed separately and confirmed by `tcpdump -vv` ("[icmp6 sum ok]").
const NA_HEX = hex(
  '333300000001', // all-nodes multicast MAC
  '0a1b2c3d4e5f',
  '86dd',
  '60000000', // version 6, traffic class 0, flow 0
  '0020 3a ff', // payload 32, next header ICMPv6, hop limit 255
  'fd770000000000000000000000000050', // source: the VIP
  'ff020000000000000000000000000001', // destination: ff02::1
  '88 00 d658', // type 136, code 0, checksum
  '20000000', // flags: Override only
  'fd770000000000000000000000000050', // target: the VIP
  '02 01 0a1b2c3d4e5f', // target link-layer address option
);

describe('gratuitous ARP', () => {
  it('builds the request shape byte for byte', () => {
    expect(garpRequest(MAC, '10.77.0.50').toString('hex')).toBe(ARP_REQUEST_HEX);
  });

  it('builds the reply shape with our own MAC as target', () => {
    expect(garpReply(MAC, '10.77.0.50').toString('hex')).toBe(ARP_REPLY_HEX);
  });

  it('sends both shapes per IPv4 round and one NA per IPv6 round', () => {
    expect(announcementFrames(MAC, '10.77.0.50', 4).map((f) => f.toString('hex'))).toEqual([
      ARP_REQUEST_HEX,
      ARP_REPLY_HEX,
    ]);
    expect(announcementFrames(MAC, 'fd77::50', 6).map((f) => f.toString('hex'))).toEqual([NA_HEX]);
  });

  it('accepts upper-case MACs and refuses malformed ones', () => {
    expect(garpRequest(MAC.toUpperCase(), '10.77.0.50').toString('hex')).toBe(ARP_REQUEST_HEX);
    expect(() => macBytes('0a:1b:2c')).toThrow(/not a MAC/);
  });
});

describe('unsolicited neighbour advertisement', () => {
  it('builds the frame byte for byte, checksum included', () => {
    expect(unsolicitedNa(MAC, 'fd77::50').toString('hex')).toBe(NA_HEX);
  });

  it('writes a checksum that a receiver verifies (the sum with it in place folds to 0xffff)', () => {
    const frame = unsolicitedNa(OTHER, '2001:db8:1234::beef');
    const pseudo = Buffer.concat([frame.subarray(22, 54), Buffer.from('000000200000003a', 'hex')]);
    const all = Buffer.concat([pseudo, frame.subarray(54)]);
    let sum = 0;
    for (let i = 0; i < all.length; i += 2) sum += all.readUInt16BE(i);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    expect(sum).toBe(0xffff);
  });

  it('matches a checksum worked out by hand on an odd-length message', () => {
    // Pseudo-header words: ::1 -> 0001, ff02::2 -> ff02 + 0002, length 5 -> 0005, next header -> 003a.
    // Message 80 00 [ffff ignored] 01 -> 8000 + 0100 (odd byte padded with zero).
    // Sum 0x0001 + 0xff02 + 0x0002 + 0x0005 + 0x003a + 0x8000 + 0x0100 = 0x18044 -> fold 0x8045
    // -> complement 0x7fba.
    const loopback = Buffer.alloc(16);
    loopback[15] = 1;
    const allRouters = Buffer.from('ff020000000000000000000000000002', 'hex');
    expect(icmpv6Checksum(loopback, allRouters, Buffer.from([0x80, 0x00, 0xff, 0xff, 0x01]))).toBe(0x7fba);
  });
});

describe('parseClaim', () => {
  it('reads our own frames back', () => {
    expect(parseClaim(garpRequest(MAC, '10.77.0.50'))).toEqual({
      kind: 'arp-request',
      ip: '10.77.0.50',
      mac: MAC,
      sourceMac: MAC,
    });
    expect(parseClaim(garpReply(MAC, '10.77.0.50'))?.kind).toBe('arp-reply');
    expect(parseClaim(unsolicitedNa(MAC, 'fd77::50'))).toEqual({
      kind: 'neighbour-advert',
      ip: 'fd77::50',
      mac: MAC,
      sourceMac: MAC,
    });
  });

  it("recognises a kernel's unpadded unicast ARP reply", () => {
    const reply = Buffer.from(
      hex(
        '0a1b2c3d4e5f 02aabbccddee 0806',
        '0001 0800 06 04 0002',
        '02aabbccddee 0a4d0032',
        '0a1b2c3d4e5f 0a4d0064',
      ),
      'hex',
    );
    expect(parseClaim(reply)).toEqual({ kind: 'arp-reply', ip: '10.77.0.50', mac: OTHER, sourceMac: OTHER });
  });

  it('skips ARP probes, which claim nothing', () => {
    const probe = Buffer.from(
      hex(
        'ffffffffffff 02aabbccddee 0806',
        '0001 0800 06 04 0001',
        '02aabbccddee 00000000',
        '000000000000 0a4d0032',
      ),
      'hex',
    );
    expect(parseClaim(probe)).toBeUndefined();
  });

  it('reads an ARP behind one VLAN tag', () => {
    const tagged = Buffer.from(
      hex(
        'ffffffffffff 02aabbccddee 8100 0064 0806',
        '0001 0800 06 04 0001',
        '02aabbccddee 0a4d0032',
        '000000000000 0a4d0032',
      ),
      'hex',
    );
    expect(parseClaim(tagged)?.mac).toBe(OTHER);
  });

  it('falls back to the Ethernet source when an NA has no link-layer option', () => {
    const na = Buffer.from(unsolicitedNa(MAC, 'fd77::50').subarray(0, 78));
    na.writeUInt16BE(24, 18); // payload length without the option
    Buffer.from('02aabbccddee', 'hex').copy(na, 6);
    expect(parseClaim(na)).toMatchObject({ ip: 'fd77::50', mac: OTHER });
  });

  it('ignores NDP that did not come from a neighbour (hop limit below 255)', () => {
    const na = unsolicitedNa(MAC, 'fd77::50');
    na.writeUInt8(64, 21);
    expect(parseClaim(na)).toBeUndefined();
  });

  it('treats a solicitation sent from the address as a claim, but not a DAD probe from ::', () => {
    const ns = (source: string) =>
      Buffer.from(
        hex(
          '3333ff000050 02aabbccddee 86dd',
          '60000000 0020 3a ff',
          source,
          'ff0200000000000000000001ff000050',
          '87 00 0000 00000000', // NS (checksum not checked by the parser)
          'fd770000000000000000000000000064',
          '01 01 02aabbccddee', // source link-layer address option
        ),
        'hex',
      );
    expect(parseClaim(ns('fd770000000000000000000000000050'))).toEqual({
      kind: 'neighbour-solicit',
      ip: 'fd77::50',
      mac: OTHER,
      sourceMac: OTHER,
    });
    expect(parseClaim(ns('00000000000000000000000000000000'))).toBeUndefined();
  });

  it('ignores other traffic and truncated frames', () => {
    expect(parseClaim(Buffer.alloc(10))).toBeUndefined();
    expect(parseClaim(garpRequest(MAC, '10.77.0.50').subarray(0, 30))).toBeUndefined();
    const ipv4 = Buffer.from(hex('ffffffffffff 02aabbccddee 0800', '45'.padEnd(40, '0')), 'hex');
    expect(parseClaim(ipv4)).toBeUndefined();
  });
});
