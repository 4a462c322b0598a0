import { Etcd3, type Watcher } from 'etcd3';

export interface LockEvent {
  at: number;
  /** The holder's hostname after a put, undefined after a delete (lease expired, released). */
  holder: string | undefined;
}

export interface LockTimeline {
  readonly events: LockEvent[];
  close(): Promise<void>;
}

/**
 * Watches one VIP's lock key from the test process (through a forward into the lab) and keeps a
 * timestamped list of its holders: when etcd deleted the lock, when a new host took it.
 */
export async function watchLock(localEndpoints: string[], electionKey: string): Promise<LockTimeline> {
  const client = new Etcd3({ hosts: localEndpoints.map((url) => url.replace(/^https?:\/\//, '')) });
  const events: LockEvent[] = [];
  const watcher: Watcher = await client.watch().key(`/link/default/${electionKey}`).create();
  watcher.on('put', (kv) => events.push({ at: Date.now(), holder: kv.value.toString() }));
  watcher.on('delete', () => events.push({ at: Date.now(), holder: undefined }));
  return {
    events,
    async close() {
      await watcher.cancel().catch(() => undefined);
      client.close();
    },
  };
}
