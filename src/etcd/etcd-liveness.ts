import { type Etcd3, EtcdLeaseInvalidError, type IKeyValue, type Watcher } from 'etcd3';
import type { LeaseId } from '../ports/coordination.js';
import type { LivenessRecord, LivenessStorePort, LivenessWatchHandlers } from '../ports/liveness.js';
import { rangePrefix } from './prefix-range.js';
import { followWatchBreaks } from './watch-breaks.js';

/** Runs one call on a connection of the adapter's choosing, counted under `kind`. */
export type LivenessCall = <T>(kind: string, call: (client: Etcd3) => Promise<T>) => Promise<T>;

/**
 * The liveness records in etcd: probe addresses, suspicions and refutations ride their writers'
 * leases, so a dead observer's suspicion and a dead host's address vanish with them. Calls go
 * through `call`, i.e. a connection of their own: a loaded host whose hundreds of campaigns time
 * out opens the shared client's circuit breakers, and a refutation refused unsent there would let
 * peers end a live host's claim.
 */
export function etcdLivenessStore(
  call: LivenessCall,
  watchClient: Etcd3,
  opts: () => { deadline: Date },
): LivenessStorePort {
  return {
    put: async (key, value, leaseId) => {
      const res = await call('put', (c) => c.put(key).value(value).lease(leaseId).options(opts()).exec());
      return res.header.revision;
    },
    delete: async (key) => {
      await call('delete', (c) => c.delete().key(key).options(opts()).exec());
    },
    list: async (prefix) => {
      const kvs = await rangePrefix(prefix, (request) => call('range', (c) => c.kv.range(request, opts())));
      return kvs.map(toRecord);
    },
    watch: (prefix, handlers) => watchRecords(watchClient, prefix, handlers),
    timeToLive: async (leaseId) => {
      const res = await call('lease_ttl', (c) => c.leaseClient.leaseTimeToLive({ ID: leaseId }, opts()));
      return Number(res.TTL);
    },
    grant: async (ttlSeconds) => {
      const res = await call('lease_grant', (c) => c.leaseClient.leaseGrant({ TTL: ttlSeconds }, opts()));
      return res.ID;
    },
    revoke: async (leaseId: LeaseId) => {
      try {
        await call('lease_revoke', (c) => c.leaseClient.leaseRevoke({ ID: leaseId }, opts()));
      } catch (error) {
        if (!(error instanceof EtcdLeaseInvalidError || /lease not found/.test(String(error)))) throw error;
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
  watcher.on('put', (kv) => handlers.onPut(toRecord(kv)));
  watcher.on('delete', (kv) => handlers.onDelete(kv.key.toString()));
  followWatchBreaks(watcher, handlers);
  return () => watcher.cancel();
}

function toRecord(kv: IKeyValue): LivenessRecord {
  return { key: kv.key.toString(), value: kv.value.toString(), leaseId: kv.lease, revision: kv.mod_revision };
}
