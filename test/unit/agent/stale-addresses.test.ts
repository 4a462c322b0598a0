import { describe, expect, it } from 'vitest';
import { unbindStaleAddresses } from '../../../src/agent/stale-addresses.js';
import { electionKeyOf } from '../../../src/model/endpoint.js';
import { keys } from '../../../src/model/keys.js';
import { silentLogger } from '../../../src/ports/logger.js';
import { FakeEtcd } from '../../fakes/fake-coordination.js';
import { FakeAddresses } from '../../fakes/fake-network.js';
import { simulatedClock } from '../../fakes/sim-time.js';
import { vipEndpoint } from '../../fakes/vip-endpoint.js';

function endpointOn(ip: string) {
  return { ...vipEndpoint(), id: `vip-${ip}`, ip };
}

describe('unbindStaleAddresses (start of an agent that died with VIPs bound)', () => {
  it('unbinds at once the addresses whose lock another host holds, and only those', async () => {
    const etcd = new FakeEtcd(simulatedClock());
    const lease = etcd.grantExternal(6);
    const lockedBy = (ip: string, host: string) => etcd.forcePut(keys.lock(electionKeyOf(ip)), host, lease);
    lockedBy('10.0.0.1/32', 'b'); // taken over by b while this host was down: stale here
    lockedBy('10.0.0.2/32', 'a'); // still this host's (a restart that kept the VIPs): stays
    // 10.0.0.3: nobody holds it: stays for the statechart (always at least one host binds it)
    lockedBy('10.0.0.4/32', 'c'); // another host's, and not bound here: nothing to do
    const address = new FakeAddresses('a');
    for (const ip of ['10.0.0.1/32', '10.0.0.2/32', '10.0.0.3/32']) await address.add(ip);

    const unbound = await unbindStaleAddresses(
      ['10.0.0.1/32', '10.0.0.2/32', '10.0.0.3/32', '10.0.0.4/32'].map(endpointOn),
      { hostname: 'a', address, locks: etcd.port().lock, logger: silentLogger },
    );

    expect(unbound).toBe(1);
    expect([...address.bound].sort()).toEqual(['10.0.0.2/32', '10.0.0.3/32']);
  });
});
