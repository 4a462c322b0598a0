import { afterAll, beforeAll } from 'vitest';
import { EtcdCoordination } from '../../src/etcd/etcd-coordination.js';
import { type EtcdServer, startEtcd } from './etcd-server.js';

/**
 * A real etcd and a coordination client on it for the enclosing suite (or file): started before
 * its tests (`started` receives both), closed and deleted after them.
 */
export function etcdForSuite(started: (coordination: EtcdCoordination, etcd: EtcdServer) => void): void {
  let etcd: EtcdServer | undefined;
  let coordination: EtcdCoordination | undefined;
  beforeAll(async () => {
    etcd = await startEtcd();
    coordination = new EtcdCoordination({ endpoints: [etcd.url], callTimeoutMs: 5000 });
    started(coordination, etcd);
  });
  afterAll(async () => {
    await coordination?.close();
    await etcd?.destroy();
  });
}
