/**
 * Look before the first bind, on a real segment: a real linkd in the namespace lab asked to take an
 * address that another station (the client namespace) already uses. The kernel of that station
 * answers the agent's ARP probe; the agent must neither bind nor announce the address, must say who
 * answered, and must take it once the station lets it go.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundOn, eventually, type LabAgent, startAgents } from '../lab/agents.js';
import { type Capture, startCapture } from '../lab/capture.js';
import { createLab, type Lab } from '../lab/lab.js';

const isRoot = process.getuid?.() === 0;
if (!isRoot)
  console.warn('test/integration/address-conflict.netns.test.ts skipped: network namespaces need root');

const VIP = '10.77.0.70';

describe.skipIf(!isRoot)('an address already used on the segment (root)', () => {
  let lab: Lab;
  let agent: LabAgent;
  let capture: Capture;
  let clientMac: string;
  let agentMac: string;

  beforeAll(async () => {
    lab = await createLab({ hosts: 1, client: true, prefix: 'lkx' });
    const etcd = await lab.startEtcd();
    [agent] = (await startAgents(lab, {
      etcd: etcd.endpoints,
      env: { LINK_BIND_CHECK: '1000', LINK_BIND_RECHECK: '2' },
      startTimeoutMs: 120_000,
    })) as [LabAgent];
    clientMac = await lab.macOf('client');
    agentMac = await lab.macOf('a');
    await lab.exec('client', 'ip', ['addr', 'add', `${VIP}/24`, 'dev', 'eth0']);
    capture = await startCapture(lab, 'client', 'arp');
  }, 240_000);

  afterAll(async () => {
    await capture?.stop().catch(() => undefined);
    await lab?.destroy();
  });

  it('is not bound nor announced, and its status names the MAC that answered', async () => {
    const created = await agent.createVip(`${VIP}/32`);
    await eventually(
      async () => (await agent.endpoints()).find((e) => e.id === created.id)?.status === 'ADDRESS_CONFLICT',
      20_000,
      `${VIP} in ADDRESS_CONFLICT`,
    );
    const view = (await agent.endpoints()).find((e) => e.id === created.id);
    expect(view?.conflict_mac).toBe(clientMac);
    // The probe went out as RFC 5227 says, and the client's kernel answered it.
    await capture.waitFor(new RegExp(`${agentMac}.*Request who-has ${VIP} tell 0\\.0\\.0\\.0`), 5000);
    await capture.waitFor(new RegExp(`${clientMac}.*Reply ${VIP} is-at ${clientMac}`), 5000);
    // A second probe round (every 2 s here) still finds it in use.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await agent.endpoints()).find((e) => e.id === created.id)?.status).toBe('ADDRESS_CONFLICT');
    expect(await boundOn(lab, VIP)).toEqual([]);
    const claims = capture.lines.filter((line) => line.includes(agentMac) && line.includes(`tell ${VIP}`));
    const replies = capture.lines.filter((line) => line.includes(`is-at ${agentMac}`));
    expect([...claims, ...replies], 'gratuitous ARP from the agent').toEqual([]);
    const res = await fetch(`${agent.forward?.url}/metrics`);
    expect(await res.text()).toContain(`mac="${clientMac}"} 1`);
  }, 60_000);

  it('takes the address once the station has let it go', async () => {
    await lab.exec('client', 'ip', ['addr', 'del', `${VIP}/24`, 'dev', 'eth0']);
    await eventually(
      async () => (await agent.status(`${VIP}/32`)) === 'ACTIVATED',
      20_000,
      `${VIP} ACTIVATED`,
    );
    // ACTIVATED starts with the bind (LinK's status): wait for the kernel, not read it at that instant.
    await eventually(async () => (await boundOn(lab, VIP)).join() === 'a', 10_000, `${VIP} bound on a`).catch(
      () => undefined,
    );
    expect(await boundOn(lab, VIP)).toEqual(['a']);
    expect((await agent.endpoints())[0]?.conflict_mac).toBeNull();
    await capture.waitFor(new RegExp(`${agentMac}.*(tell ${VIP}|is-at ${agentMac})`), 10_000);
  }, 60_000);
});
