import type { Lab, NodeRef } from './lab.js';

/** Kernel packet counters of one interface, as `ip -s -j link` reports them. */
export interface LinkCounters {
  where: string;
  rxPackets: number;
  rxDropped: number;
  txPackets: number;
  txDropped: number;
}

interface IpLinkStats {
  stats64?: {
    rx?: { packets?: number; dropped?: number };
    tx?: { packets?: number; dropped?: number };
  };
}

async function countersOf(lab: Lab, ref: NodeRef, iface: string): Promise<LinkCounters> {
  const { stdout } = await lab.exec(ref, 'ip', ['-s', '-j', 'link', 'show', 'dev', iface]);
  const stats = (JSON.parse(stdout) as IpLinkStats[])[0]?.stats64;
  return {
    where: `${lab.node(ref).name}/${iface}`,
    rxPackets: stats?.rx?.packets ?? 0,
    rxDropped: stats?.rx?.dropped ?? 0,
    txPackets: stats?.tx?.packets ?? 0,
    txDropped: stats?.tx?.dropped ?? 0,
  };
}

/**
 * The counters along the path from a host to the client (host eth0, both bridge ports, client
 * eth0): when a capture misses frames the sender reported sent, they say where the frames went.
 */
export async function pathCounters(lab: Lab, from: NodeRef): Promise<LinkCounters[]> {
  return Promise.all([
    countersOf(lab, from, 'eth0'),
    countersOf(lab, 'switch', lab.node(from).port),
    countersOf(lab, 'switch', lab.node('client').port),
    countersOf(lab, 'client', 'eth0'),
  ]);
}

/** One line per interface: packets and drops since `before`. */
export function describePathDelta(before: LinkCounters[], after: LinkCounters[]): string {
  return after
    .map((now, i) => {
      const then = before[i] ?? now;
      return (
        `${now.where}: rx +${now.rxPackets - then.rxPackets} (dropped +${now.rxDropped - then.rxDropped}), ` +
        `tx +${now.txPackets - then.txPackets} (dropped +${now.txDropped - then.txDropped})`
      );
    })
    .join('; ');
}
