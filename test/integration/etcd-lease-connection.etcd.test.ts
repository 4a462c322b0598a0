import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EtcdCoordination } from '../../src/etcd/etcd-coordination.js';
import { type EtcdServer, startEtcd } from '../support/etcd-server.js';
import { StallingRelay } from '../support/stalling-relay.js';

const CALL_TIMEOUT_MS = 800;

let etcd: EtcdServer;
let relay: StallingRelay;
let coordination: EtcdCoordination | undefined;

beforeAll(async () => {
  etcd = await startEtcd();
});
afterEach(async () => {
  await coordination?.close();
  await relay?.close();
});
afterAll(async () => {
  await etcd?.destroy();
});

async function throughRelay(): Promise<EtcdCoordination> {
  const { hostname, port } = new URL(etcd.url);
  relay = await StallingRelay.start({ host: hostname, port: Number(port) });
  coordination = new EtcdCoordination({ endpoints: [relay.url], callTimeoutMs: CALL_TIMEOUT_MS });
  return coordination;
}

/**
 * The host lease must recover as soon as etcd can be reached again. A connection that lost packets
 * in a partition waits for TCP's backed-off retransmission after the heal, so the lease's calls
 * moved to a fresh connection of their own: grpc-js otherwise shares one per target between clients.
 */
describe('the host lease connection, real etcd behind a relay', () => {
  it('is a connection of its own, apart from the campaigns and watches', async () => {
    const etcdPort = await throughRelay();
    await etcdPort.kv.get('/anything');
    const lease = await etcdPort.lease.grant(30);
    expect(await etcdPort.lease.keepAlive(lease)).toBeGreaterThan(0);
    expect(relay.accepted).toBe(2);
  });

  it('moves to a fresh connection after a keepalive that got no answer', async () => {
    const etcdPort = await throughRelay();
    // A watch keeps the campaigns' connection busy, as in the agent (closed with the client).
    await etcdPort.lock.watch('/link/', {
      onChange: () => undefined,
      onReconnect: () => undefined,
      onError: () => undefined,
    });
    const lease = await etcdPort.lease.grant(30);
    expect(await etcdPort.lease.keepAlive(lease)).toBeGreaterThan(0);
    const before = relay.accepted;

    relay.stall();
    await expect(etcdPort.lease.keepAlive(lease)).rejects.toThrow(/deadline/i);

    // The stalled connection stays open and silent: only a new one can answer in time.
    const startedAt = Date.now();
    expect(await etcdPort.lease.keepAlive(lease)).toBeGreaterThan(0);
    console.info(`keepalive answered ${Date.now() - startedAt} ms after the stall, on a new connection`);
    expect(relay.accepted).toBeGreaterThan(before);
  });
});
