import { Etcd3, type Watcher } from 'etcd3';
import { keys } from '../../src/model/keys.js';
import { firstMatch } from './agents.js';

export interface LockEvent {
  at: number;
  /** The holder's hostname after a put, undefined after a delete (lease expired, released). */
  holder: string | undefined;
}

export interface LockTimeline {
  readonly events: LockEvent[];
  /**
   * The first event (already seen or to come) matching `predicate`: the test's own watch may deliver
   * a change after the lab has seen its effect, so a test waits for it instead of reading `events`.
   */
  waitFor(predicate: (event: LockEvent) => boolean, timeoutMs: number, what: string): Promise<LockEvent>;
  close(): Promise<void>;
}

/**
 * Watches one VIP's lock key from the test process (through a forward into the lab) and keeps a
 * timestamped list of its holders: when etcd deleted the lock, when a new host took it.
 */
export async function watchLock(localEndpoints: string[], electionKey: string): Promise<LockTimeline> {
  const client = new Etcd3({ hosts: localEndpoints.map((url) => url.replace(/^https?:\/\//, '')) });
  const events: LockEvent[] = [];
  const watcher: Watcher = await client.watch().key(keys.lock(electionKey)).create();
  watcher.on('put', (kv) => events.push({ at: Date.now(), holder: kv.value.toString() }));
  watcher.on('delete', () => events.push({ at: Date.now(), holder: undefined }));
  return {
    events,
    waitFor(predicate, timeoutMs, what) {
      return firstMatch(() => events, predicate, timeoutMs, `lock event: ${what}`);
    },
    async close() {
      await watcher.cancel().catch(() => undefined);
      client.close();
    },
  };
}
