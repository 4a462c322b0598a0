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

describe('the lock watch after an etcd outage, real etcd', () => {
  it('sees changes again within a couple of seconds of etcd returning', { timeout: 60_000 }, async () => {
    const watching = new EtcdCoordination({ endpoints: [etcd.url], callTimeoutMs: CALL_TIMEOUT_MS });
    coordination = watching;
    const seen: { key: string; at: number }[] = [];
    await watching.lock.watch('/link/', {
      onChange: (change) => seen.push({ key: change.key, at: Date.now() }),
      onReconnect: () => undefined,
      onError: () => undefined,
    });
    await etcd.stop();
    // Long enough for a default backoff to grow past several seconds.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    await etcd.start();
    const back = Date.now();
    const writer = new EtcdCoordination({ endpoints: [etcd.url], callTimeoutMs: 5000 });
    try {
      await writer.kv.put('/link/default/after-the-outage', 'b');
    } finally {
      await writer.close();
    }
    const deadline = Date.now() + 20_000;
    while (!seen.some((s) => s.key.endsWith('after-the-outage')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const event = seen.find((s) => s.key.endsWith('after-the-outage'));
    console.info(`watch saw the put ${event ? event.at - back : 'never'} ms after etcd returned`);
    expect(event).toBeDefined();
    expect((event?.at ?? Number.POSITIVE_INFINITY) - back).toBeLessThan(2500);
  });
});

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
