/**
 * A host's interface failing under its agent, in the style of `lab.partition()`:
 *
 * ```ts
 * await renameInterface(lab, 'a', 'eth0', 'lan0');  // down, renamed, up: `eth0` is gone, the link lives on
 * await deleteInterface(lab, 'a');                  // the veth pair is gone, with its addresses
 * await recreateInterface(lab, 'a');                // the same MAC and addresses, a new ifindex
 * ```
 */
import { ip, type Lab, type NodeRef } from './lab.js';

/** Renames a host's interface; the kernel renames only a link that is down, so it is set down first. */
export async function renameInterface(lab: Lab, ref: NodeRef, from: string, to: string): Promise<void> {
  const ns = lab.node(ref).ns;
  await ip(['-n', ns, 'link', 'set', from, 'down']);
  await ip(['-n', ns, 'link', 'set', from, 'name', to]);
  await ip(['-n', ns, 'link', 'set', to, 'up']);
}

/** Deletes a host's veth pair (its bridge port too): every address on it and any capture end. */
export async function deleteInterface(lab: Lab, ref: NodeRef): Promise<void> {
  const node = lab.node(ref);
  await ip(['-n', node.ns, 'link', 'del', node.iface]);
}

/** Builds the host's link again as `createLab` did: same names, MAC and addresses, on the bridge. */
export async function recreateInterface(lab: Lab, ref: NodeRef): Promise<void> {
  const node = lab.node(ref);
  const sw = lab.switch;
  // Each end lands directly in its namespace: the root namespace's interfaces are never touched.
  await ip([
    'link',
    'add',
    node.iface,
    'netns',
    node.ns,
    'address',
    node.mac,
    'type',
    'veth',
    'peer',
    'name',
    node.port,
    'netns',
    sw.ns,
  ]);
  await ip(['-n', sw.ns, 'link', 'set', node.port, 'master', 'br0', 'up']);
  await ip(['-n', node.ns, 'link', 'set', node.iface, 'up']);
  await ip(['-n', node.ns, 'addr', 'add', `${node.ip}/24`, 'dev', node.iface]);
  await ip(['-n', node.ns, 'addr', 'add', `${node.ip6}/64`, 'dev', node.iface, 'nodad']);
}

/** Every IPv4/IPv6 address in a host's namespace, by interface (whatever the interfaces are called). */
export async function addressesByInterface(lab: Lab, ref: NodeRef): Promise<Map<string, string[]>> {
  const stdout = await ip(['-n', lab.node(ref).ns, '-j', 'addr', 'show']);
  const links = JSON.parse(stdout) as { ifname: string; addr_info: { local: string }[] }[];
  return new Map(links.map((link) => [link.ifname, link.addr_info.map((info) => info.local)]));
}
