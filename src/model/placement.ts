/**
 * Where a VIP should live. An endpoint may list preferred hosts, most preferred first; with the
 * cluster-wide `spread` placement every other host is ranked by rendezvous (highest random weight)
 * hashing of host and election key, so VIPs spread evenly and adding or removing a host moves only
 * the VIPs that rank it first. Pure: the VIP statechart's guards call it.
 */
export interface PlacementPolicy {
  preferredHosts: readonly string[];
  spread: boolean;
}

/** Whether `a` should hold the VIP rather than `b`. Hosts neither listed nor spread are equals. */
export function outranks(policy: PlacementPolicy, electionKey: string, a: string, b: string): boolean {
  if (a === b) return false;
  const ia = policy.preferredHosts.indexOf(a);
  const ib = policy.preferredHosts.indexOf(b);
  if (ia >= 0 || ib >= 0) return ia >= 0 && (ib < 0 || ia < ib);
  if (!policy.spread) return false;
  const wa = rendezvousWeight(a, electionKey);
  const wb = rendezvousWeight(b, electionKey);
  return wa > wb || (wa === wb && a < b);
}

/** The hosts in placement order, most preferred first. */
export function rank(policy: PlacementPolicy, electionKey: string, hosts: readonly string[]): string[] {
  return [...hosts].sort((a, b) =>
    outranks(policy, electionKey, a, b) ? -1 : outranks(policy, electionKey, b, a) ? 1 : 0,
  );
}

/**
 * FNV-1a (32 bits) of `host NUL key`, then a murmur3 finaliser so that names differing in one
 * character still land far apart. Every agent computes the same weight with no coordination.
 */
export function rendezvousWeight(host: string, electionKey: string): number {
  let h = 0x811c9dc5;
  const text = `${host}\u0000${electionKey}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
