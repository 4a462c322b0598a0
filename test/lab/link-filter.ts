/**
 * Partial and one-way partitions of a lab host, in the style of `lab.partition()`: frames are
 * dropped on the host's link without touching its carrier or the bridge.
 *
 * ```ts
 * await cutFromSegment(lab, 'a');  // a reaches etcd (the switch's own address) and nothing else
 * await cutFromEtcd(lab, 'a');     // a reaches its peers and the client, not etcd
 * await dropInbound(lab, 'a');     // one-way: a's frames go out, nothing reaches a
 * await restoreLink(lab, 'a');
 * ```
 *
 * Frames leaving the switch towards the host are filtered on its bridge port (`p-a`, egress), frames
 * leaving the host on its `eth0` (egress). This kernel has no tc drop action (act_gact) and no
 * netfilter tools, so a u32 classifier sends dropped frames to an HTB class whose queue holds 0
 * packets.
 */
import type { Lab, NodeRef } from './lab.js';

/** A frame by Ethernet source or destination MAC, or an ARP packet for an IPv4 target. */
export type FrameMatch = { srcMac: string } | { dstMac: string } | { arpFor: string };

/** `drop`: these frames are dropped, others pass; `only`: these frames pass, others are dropped. */
export type FrameFilter = { drop: readonly FrameMatch[] } | { only: readonly FrameMatch[] };

const PASS = '1:10';
const DROP = '1:20';

/** u32 selectors (offsets from the network header; the Ethernet header starts at -14). */
function selector(match: FrameMatch): string {
  if ('arpFor' in match) {
    const hex = match.arpFor
      .split('.')
      .map((octet) => Number(octet).toString(16).padStart(2, '0'))
      .join('');
    // The ARP target protocol address is at byte 24 of the ARP packet.
    return `protocol arp u32 match u32 0x${hex} 0xffffffff at 24`;
  }
  // u32 keys must be aligned: the destination MAC (at -14) as 2 + 4 bytes, the source (at -8) as 4 + 2.
  if ('dstMac' in match) {
    const hex = match.dstMac.split(':').join('');
    return `protocol all u32 match u16 0x${hex.slice(0, 4)} 0xffff at -14 match u32 0x${hex.slice(4)} 0xffffffff at -12`;
  }
  const hex = match.srcMac.split(':').join('');
  return `protocol all u32 match u32 0x${hex.slice(0, 8)} 0xffffffff at -8 match u16 0x${hex.slice(8)} 0xffff at -4`;
}

/** Replaces the egress filter of `dev` in `ref`'s namespace. */
export async function filterEgress(lab: Lab, ref: NodeRef, dev: string, filter: FrameFilter): Promise<void> {
  await clearEgress(lab, ref, dev);
  const only = 'only' in filter;
  const matches = only ? filter.only : filter.drop;
  const commands = [
    `qdisc add dev ${dev} root handle 1: htb default 10`,
    `class add dev ${dev} parent 1: classid ${PASS} htb rate 10gbit quantum 60000`,
    `class add dev ${dev} parent 1: classid ${DROP} htb rate 10gbit quantum 60000`,
    `qdisc add dev ${dev} parent ${DROP} handle 20: pfifo limit 0`,
    ...matches.map(
      (match, i) =>
        `filter add dev ${dev} parent 1: prio ${i + 1} ${selector(match)} flowid ${only ? PASS : DROP}`,
    ),
    ...(only
      ? [
          `filter add dev ${dev} parent 1: prio ${matches.length + 1} protocol all u32 match u32 0 0 flowid ${DROP}`,
        ]
      : []),
  ];
  await lab.exec(ref, 'tc', ['-batch', '-'], { input: `${commands.join('\n')}\n` });
}

/** Removes the egress filter of `dev` (none is fine). */
export async function clearEgress(lab: Lab, ref: NodeRef, dev: string): Promise<void> {
  await lab.exec(ref, 'tc', ['qdisc', 'del', 'dev', dev, 'root']).catch(() => undefined);
}

/** The host reaches etcd (on the switch's own address) and nothing else; nothing else reaches it. */
export async function cutFromSegment(lab: Lab, ref: NodeRef): Promise<void> {
  const host = lab.node(ref);
  const sw = lab.switch;
  await filterEgress(lab, lab.switch, host.port, { only: [{ srcMac: sw.mac }] });
  await filterEgress(lab, host, host.iface, { only: [{ dstMac: sw.mac }, { arpFor: sw.ip }] });
}

/** The host reaches its peers and the client but not etcd (the switch's own address). */
export async function cutFromEtcd(lab: Lab, ref: NodeRef): Promise<void> {
  const host = lab.node(ref);
  const sw = lab.switch;
  await filterEgress(lab, lab.switch, host.port, { drop: [{ srcMac: sw.mac }] });
  await filterEgress(lab, host, host.iface, { drop: [{ dstMac: sw.mac }, { arpFor: sw.ip }] });
}

/** One-way: every frame the host sends goes out, none reaches it (etcd's answers neither). */
export async function dropInbound(lab: Lab, ref: NodeRef): Promise<void> {
  const host = lab.node(ref);
  await filterEgress(lab, lab.switch, host.port, { only: [] });
}

/** Lifts whatever the functions above put on the host's link. */
export async function restoreLink(lab: Lab, ref: NodeRef): Promise<void> {
  const host = lab.node(ref);
  await Promise.all([clearEgress(lab, lab.switch, host.port), clearEgress(lab, host, host.iface)]);
}
