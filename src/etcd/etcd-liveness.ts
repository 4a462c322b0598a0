import { type Etcd3, EtcdLeaseInvalidError, type IKeyValue, type Watcher } from 'etcd3';
import type { LeaseId } from '../ports/coordination.js';
import type { LivenessRecord, LivenessStorePort, LivenessWatchHandlers } from '../ports/liveness.js';

/**
 * The liveness records in etcd: probe addresses, suspicions and refutations ride their writers'
 * leases, so a dead observer's suspicion and a dead host's address vanish with them.
 */
export function etcdLivenessStore(
  client: Etcd3,
  opts: () => { deadline: Date },
  count: <T>(kind: string, call: Promise<T>) => Promise<T>,
): LivenessStorePort {
  return {
    put: async (key, value, leaseId) => {
      const res = await count('put', client.put(key).value(value).lease(leaseId).options(opts()).exec());
      return res.header.revision;
    },
    delete: async (key) => {
      await count('delete', client.delete().key(key).options(opts()).exec());
    },
    list: async (prefix) => {
      const res = await count('range', client.getAll().prefix(prefix).options(opts()).exec());
      return res.kvs.map(toRecord);
    },
    watch: (prefix, handlers) => watchRecords(client, prefix, handlers),
    timeToLive: async (leaseId) => {
      const res = await count('lease_ttl', client.leaseClient.leaseTimeToLive({ ID: leaseId }, opts()));
      return Number(res.TTL);
    },
    grant: async (ttlSeconds) => {
      const res = await count('lease_grant', client.leaseClient.leaseGrant({ TTL: ttlSeconds }, opts()));
      return res.ID;
    },
    revoke: async (leaseId: LeaseId) => {
      try {
        await count('lease_revoke', client.leaseClient.leaseRevoke({ ID: leaseId }, opts()));
      } catch (error) {
        if (!(error instanceof EtcdLeaseInvalidError)) throw error;
      }
    },
  };
}

async function watchRecords(
  client: Etcd3,
  prefix: string,
  handlers: LivenessWatchHandlers,
): Promise<() => Promise<void>> {
  const watcher: Watcher = await client.watch().prefix(prefix).create();
  let broken = false;
  watcher.on('put', (kv) => handlers.onPut(toRecord(kv)));
  watcher.on('delete', (kv) => handlers.onDelete(kv.key.toString()));
  watcher.on('disconnected', () => {
    broken = true;
  });
  watcher.on('connected', () => {
    if (broken) handlers.onReconnect();
    broken = false;
  });
  watcher.on('error', (err) => handlers.onError(err));
  return () => watcher.cancel();
}

function toRecord(kv: IKeyValue): LivenessRecord {
  return { key: kv.key.toString(), value: kv.value.toString(), leaseId: kv.lease, revision: kv.mod_revision };
}
