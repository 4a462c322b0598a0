import ipaddr from 'ipaddr.js';

/**
 * Pure builders and parsers for the frames that move a VIP between hosts. Shapes follow what Linux
 * neighbours accept, including within `locktime` (1 s) of a previous update:
 * - ARP request-style: op 1, SPA = TPA = VIP, THA zero, broadcast (RFC 5227 announcement);
 * - ARP reply-style: op 2, THA = our own MAC, broadcast. A broadcast THA is ignored within
 *   `locktime`, so it is never sent;
 * - IPv6 unsolicited NA to all-nodes with the Override flag (RFC 4861 7.2.6).
 */

export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';
/** Ethernet multicast for ff02::1 (33:33 + the group's low 32 bits). */
export const ALL_NODES_MAC = '33:33:00:00:00:01';
export const ALL_NODES_IP = 'ff02::1';

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_ARP = 0x0806;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_IPV6 = 0x86dd;
const ARP_REQUEST = 1;
const ARP_REPLY = 2;
const NEXT_HEADER_ICMPV6 = 58;
const ICMPV6_NS = 135;
const ICMPV6_NA = 136;
const NA_FLAG_OVERRIDE = 0x20;
const OPTION_SOURCE_LLA = 1;
const OPTION_TARGET_LLA = 2;
/** Smallest Ethernet frame without FCS. */
const ETHERNET_MIN = 60;

export function macBytes(mac: string): Buffer {
  const bytes = Buffer.from(mac.replaceAll(':', ''), 'hex');
  if (bytes.length !== 6) throw new RangeError(`"${mac}" is not a MAC address such as 0a:1b:2c:3d:4e:5f`);
  return bytes;
}

export function macText(frame: Uint8Array, offset: number): string {
  return Buffer.from(frame.subarray(offset, offset + 6))
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1:');
}

function ipv4Bytes(ip: string): Buffer {
  return Buffer.from(ipaddr.IPv4.parse(ip).toByteArray());
}

function ipv6Bytes(ip: string): Buffer {
  return Buffer.from(ipaddr.IPv6.parse(ip).toByteArray());
}

function ethernetHeader(dst: string, src: string, ethertype: number): Buffer {
  const header = Buffer.alloc(14);
  macBytes(dst).copy(header, 0);
  macBytes(src).copy(header, 6);
  header.writeUInt16BE(ethertype, 12);
  return header;
}

function arpFrame(op: number, mac: string, ip: string, targetMac: Buffer): Buffer {
  // Padded to the Ethernet minimum: hardware pads short frames, but veth and tap paths forward
  // 42-byte runts as they are, and some switches drop those.
  const frame = Buffer.alloc(ETHERNET_MIN);
  ethernetHeader(BROADCAST_MAC, mac, ETHERTYPE_ARP).copy(frame, 0);
  frame.writeUInt16BE(1, 14); // hardware: Ethernet
  frame.writeUInt16BE(ETHERTYPE_IPV4, 16);
  frame.writeUInt8(6, 18);
  frame.writeUInt8(4, 19);
  frame.writeUInt16BE(op, 20);
  macBytes(mac).copy(frame, 22); // sender MAC
  ipv4Bytes(ip).copy(frame, 28); // sender IP
  targetMac.copy(frame, 32);
  ipv4Bytes(ip).copy(frame, 38); // target IP = sender IP: that is what makes it gratuitous
  return frame;
}

/** Request-style gratuitous ARP: "who has VIP, tell VIP" from our MAC, target MAC zero. */
export function garpRequest(mac: string, ip: string): Buffer {
  return arpFrame(ARP_REQUEST, mac, ip, Buffer.alloc(6));
}

/** Reply-style gratuitous ARP: "VIP is at our MAC", target MAC = our MAC (never broadcast). */
export function garpReply(mac: string, ip: string): Buffer {
  return arpFrame(ARP_REPLY, mac, ip, macBytes(mac));
}

/**
 * ARP probe (RFC 5227 2.1.1): "who has `ip`?" from our MAC with sender IP 0.0.0.0, so no cache
 * learns anything from it; a station that has `ip` answers with a reply.
 */
export function arpProbe(mac: string, ip: string): Buffer {
  const frame = arpFrame(ARP_REQUEST, mac, ip, Buffer.alloc(6));
  Buffer.alloc(4).copy(frame, 28); // sender IP 0.0.0.0
  return frame;
}

/**
 * Duplicate address detection (RFC 4862 5.4.2): a neighbour solicitation for `ip` from the
 * unspecified address to its solicited-node multicast group, without a source link-layer option
 * (forbidden from ::). A station that has `ip` answers with an advertisement to all nodes.
 */
export function dadSolicitation(mac: string, ip: string): Buffer {
  const target = ipv6Bytes(ip);
  const source = Buffer.alloc(16);
  const destination = ipv6Bytes('ff02::1:ff00:0');
  target.copy(destination, 13, 13, 16);
  const icmp = Buffer.alloc(24);
  icmp.writeUInt8(ICMPV6_NS, 0);
  target.copy(icmp, 8);
  icmp.writeUInt16BE(icmpv6Checksum(source, destination, icmp), 2);
  const ipv6 = Buffer.alloc(40);
  ipv6.writeUInt32BE(0x60000000, 0);
  ipv6.writeUInt16BE(icmp.length, 4);
  ipv6.writeUInt8(NEXT_HEADER_ICMPV6, 6);
  ipv6.writeUInt8(255, 7);
  source.copy(ipv6, 8);
  destination.copy(ipv6, 24);
  const multicastMac = `33:33:ff:${[...target.subarray(13, 16)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
  return Buffer.concat([ethernetHeader(multicastMac, mac, ETHERTYPE_IPV6), ipv6, icmp]);
}

/**
 * Unsolicited neighbour advertisement for `ip` to all nodes: hop limit 255 (receivers drop NDP
 * that crossed a router), Override set so caches replace the old MAC, Solicited clear as RFC 4861
 * requires for multicast. The source address is the VIP itself, as Linux does for its own
 * unsolicited NAs, so no link-local address has to be looked up.
 */
export function unsolicitedNa(mac: string, ip: string): Buffer {
  const source = ipv6Bytes(ip);
  const destination = ipv6Bytes(ALL_NODES_IP);
  const icmp = Buffer.alloc(32);
  icmp.writeUInt8(ICMPV6_NA, 0);
  icmp.writeUInt8(0, 1); // code
  icmp.writeUInt8(NA_FLAG_OVERRIDE, 4); // R=0 (not a router), S=0, O=1
  source.copy(icmp, 8); // target address
  icmp.writeUInt8(OPTION_TARGET_LLA, 24);
  icmp.writeUInt8(1, 25); // option length in units of 8 bytes
  macBytes(mac).copy(icmp, 26);
  icmp.writeUInt16BE(icmpv6Checksum(source, destination, icmp), 2);

  const ipv6 = Buffer.alloc(40);
  ipv6.writeUInt32BE(0x60000000, 0); // version 6, traffic class 0, flow label 0
  ipv6.writeUInt16BE(icmp.length, 4);
  ipv6.writeUInt8(NEXT_HEADER_ICMPV6, 6);
  ipv6.writeUInt8(255, 7);
  source.copy(ipv6, 8);
  destination.copy(ipv6, 24);
  return Buffer.concat([ethernetHeader(ALL_NODES_MAC, mac, ETHERTYPE_IPV6), ipv6, icmp]);
}

/**
 * ICMPv6 checksum (RFC 4443 2.3, RFC 8200 8.1): one's complement sum over the pseudo-header
 * (source, destination, upper-layer length, next header) and the message with its checksum zero.
 */
export function icmpv6Checksum(source: Uint8Array, destination: Uint8Array, message: Uint8Array): number {
  const pseudo = Buffer.alloc(40);
  Buffer.from(source).copy(pseudo, 0);
  Buffer.from(destination).copy(pseudo, 16);
  pseudo.writeUInt32BE(message.length, 32);
  pseudo.writeUInt8(NEXT_HEADER_ICMPV6, 39);
  let sum = sum16(pseudo) + sum16(message, 2);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Sums 16-bit big-endian words, skipping the word at `skip` (the checksum field) and padding an odd tail. */
function sum16(bytes: Uint8Array, skip = -1): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) {
    if (i === skip) continue;
    sum += ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
  }
  return sum;
}

/** One announcement round for `ip`: both ARP shapes for IPv4, one NA for IPv6. */
export function announcementFrames(mac: string, ip: string, family: 4 | 6): Buffer[] {
  return family === 4 ? [garpRequest(mac, ip), garpReply(mac, ip)] : [unsolicitedNa(mac, ip)];
}

/** A frame by which a station says "this IP is mine". */
export interface Claim {
  kind: 'arp-request' | 'arp-reply' | 'neighbour-advert' | 'neighbour-solicit';
  /** Canonical address claimed. */
  ip: string;
  /** MAC the frame asks neighbours to use for `ip`. */
  mac: string;
  /** Ethernet source, which may differ from `mac` behind a proxy or a bridge. */
  sourceMac: string;
}

/**
 * Recognises a frame claiming an address: any ARP whose sender is that address (requests included,
 * since a host asking with the VIP as source has it bound), an NA for it, or an NS sent from it.
 * ARP probes (sender 0.0.0.0) and DAD solicitations (source ::) claim nothing and are skipped.
 */
export function parseClaim(frame: Uint8Array): Claim | undefined {
  if (frame.length < 14) return undefined;
  const view = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  const sourceMac = macText(view, 6);
  let offset = 12;
  let ethertype = view.readUInt16BE(offset);
  if (ethertype === ETHERTYPE_VLAN && view.length >= 18) {
    offset += 4;
    ethertype = view.readUInt16BE(offset);
  }
  offset += 2;
  if (ethertype === ETHERTYPE_ARP) return parseArp(view, offset, sourceMac);
  if (ethertype === ETHERTYPE_IPV6) return parseNdp(view, offset, sourceMac);
  return undefined;
}

function parseArp(view: Buffer, at: number, sourceMac: string): Claim | undefined {
  if (view.length < at + 28) return undefined;
  const isEthernetIpv4 =
    view.readUInt16BE(at) === 1 &&
    view.readUInt16BE(at + 2) === ETHERTYPE_IPV4 &&
    view.readUInt8(at + 4) === 6 &&
    view.readUInt8(at + 5) === 4;
  const op = view.readUInt16BE(at + 6);
  if (!isEthernetIpv4 || (op !== ARP_REQUEST && op !== ARP_REPLY)) return undefined;
  const ip = ipaddr.fromByteArray([...view.subarray(at + 14, at + 18)]).toString();
  if (ip === '0.0.0.0') return undefined;
  return {
    kind: op === ARP_REQUEST ? 'arp-request' : 'arp-reply',
    ip,
    mac: macText(view, at + 8),
    sourceMac,
  };
}

function parseNdp(view: Buffer, at: number, sourceMac: string): Claim | undefined {
  const icmpAt = at + 40;
  if (view.length < icmpAt + 24) return undefined;
  // Only ICMPv6 straight after the fixed header, with hop limit 255: NDP never carries extension
  // headers, and anything that crossed a router is not from a neighbour.
  if (view.readUInt8(at) >> 4 !== 6 || view.readUInt8(at + 6) !== NEXT_HEADER_ICMPV6) return undefined;
  if (view.readUInt8(at + 7) !== 255 || view.readUInt8(icmpAt + 1) !== 0) return undefined;
  const type = view.readUInt8(icmpAt);
  const end = Math.min(view.length, icmpAt + view.readUInt16BE(at + 4));
  if (type === ICMPV6_NA) {
    const ip = ipv6Text(view, icmpAt + 8);
    const mac = findOptionMac(view, icmpAt + 24, end, OPTION_TARGET_LLA) ?? sourceMac;
    return { kind: 'neighbour-advert', ip, mac, sourceMac };
  }
  if (type === ICMPV6_NS) {
    const ip = ipv6Text(view, at + 8);
    if (ip === '::') return undefined;
    const mac = findOptionMac(view, icmpAt + 24, end, OPTION_SOURCE_LLA) ?? sourceMac;
    return { kind: 'neighbour-solicit', ip, mac, sourceMac };
  }
  return undefined;
}

function ipv6Text(view: Buffer, at: number): string {
  return ipaddr.fromByteArray([...view.subarray(at, at + 16)]).toString();
}

function findOptionMac(view: Buffer, from: number, end: number, wanted: number): string | undefined {
  for (let at = from; at + 8 <= end; ) {
    const type = view.readUInt8(at);
    const units = view.readUInt8(at + 1);
    if (units === 0) return undefined; // malformed: RFC 4861 says drop it
    if (type === wanted) return macText(view, at + 2);
    at += units * 8;
  }
  return undefined;
}
