import { ip, type Lab, type NodeRef } from './lab.js';

/**
 * A second segment for the lab: bridge br1 in the switch namespace and a veth `eth1` per host, with
 * the route to the switch's br0 address (where the lab's etcd listens) through it. A host's eth0
 * can then lose its carrier while the host still reaches etcd, as with a separate management
 * network. Each host's address is `<subnet>.<n>` as on eth0.
 */
export async function addSecondPath(lab: Lab, subnet = '10.78.0'): Promise<void> {
  const sw = lab.switch;
  const hosts = lab.hosts;
  for (const host of hosts)
    await ip([
      'link',
      'add',
      'eth1',
      'netns',
      host.ns,
      'type',
      'veth',
      'peer',
      'name',
      `q-${host.name}`,
      'netns',
      sw.ns,
    ]);
  await batch(sw.ns, [
    'link add br1 type bridge',
    'link set br1 up',
    `addr add ${subnet}.254/24 dev br1`,
    ...hosts.map((host) => `link set q-${host.name} master br1 up`),
  ]);
  for (const [i, host] of hosts.entries())
    await batch(host.ns, [
      'link set eth1 up',
      `addr add ${subnet}.${i + 1}/24 dev eth1`,
      `route add ${sw.ip}/32 via ${subnet}.254 dev eth1`,
    ]);
}

/** Pulls the cable of a host's eth0: its bridge port goes down, so eth0 has no carrier. */
export async function cutCarrier(lab: Lab, ref: NodeRef): Promise<void> {
  await batch(lab.switch.ns, [`link set ${lab.node(ref).port} down`]);
}

export async function restoreCarrier(lab: Lab, ref: NodeRef): Promise<void> {
  await batch(lab.switch.ns, [`link set ${lab.node(ref).port} up`]);
}

async function batch(ns: string, commands: string[]): Promise<void> {
  for (const command of commands) await ip(['-n', ns, ...command.split(' ')]);
}
