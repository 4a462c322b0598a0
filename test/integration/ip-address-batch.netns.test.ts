import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IpRouteAddressPort } from '../../src/net/address/ip-address.js';
import { runIp } from '../../src/net/address/ip-command.js';
import { createLab, type Lab } from '../lab/lab.js';

const isRoot = process.getuid?.() === 0;

describe.skipIf(!isRoot)('IpRouteAddressPort with hundreds of VIPs, real iproute2 (root)', () => {
  let lab: Lab;
  let port: IpRouteAddressPort;
  const vips = Array.from({ length: 300 }, (_, i) => `10.79.${Math.floor(i / 250)}.${(i % 250) + 1}/32`);

  beforeAll(async () => {
    lab = await createLab({ hosts: 1, prefix: 'lki' });
    const ns = lab.host('a').ns;
    // The port runs `ip` in the lab's namespace, never in the test's own.
    port = new IpRouteAddressPort('eth0', { run: (args, input) => runIp(['-n', ns, ...args], input) });
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  it('binds and unbinds them together through ip -batch, as the kernel sees it', async () => {
    const started = performance.now();
    await Promise.all(vips.map((vip) => port.add(vip)));
    const bindMs = performance.now() - started;
    const bound = new Set(await lab.addressesOf('a'));
    expect(vips.every((vip) => bound.has(vip.split('/')[0] as string))).toBe(true);
    expect((await Promise.all(vips.map((vip) => port.has(vip)))).every(Boolean)).toBe(true);

    // Half of them twice, so the batch holds deletes of absent addresses as well.
    await Promise.all([...vips, ...vips.slice(0, 150)].map((vip) => port.remove(vip)));
    const left = new Set(await lab.addressesOf('a'));
    expect(vips.some((vip) => left.has(vip.split('/')[0] as string))).toBe(false);
    expect(left.has(lab.host('a').ip)).toBe(true);
    console.info(`${vips.length} concurrent binds in ${bindMs.toFixed(0)} ms`);
  });
});
