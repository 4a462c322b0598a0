import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockWatcher } from '../../src/actors/lock-watcher.js';
import { EtcdCoordination } from '../../src/etcd/etcd-coordination.js';
import { keys } from '../../src/model/keys.js';
import { systemClock } from '../../src/ports/clock.js';
import type { LockState } from '../../src/ports/coordination.js';
import { type Logger, silentLogger } from '../../src/ports/logger.js';
import { firstMatch } from '../lab/agents.js';
import { type EtcdServer, startEtcd } from '../support/etcd-server.js';
import { StallingRelay } from '../support/stalling-relay.js';

let etcd: EtcdServer;
beforeAll(async () => {
  etcd = await startEtcd();
});
afterAll(async () => {
  await etcd?.destroy();
});

/**
 * Fault class "compacted watch": the agent's lock watch loses its connection while the locks change
 * and an operator (or auto-compaction) compacts etcd's history past the watch's last revision. etcd
 * cancels a watch resumed from a compacted revision; the agent must open a new one and re-read the
 * current state (resync: each VIP campaigns, reading the lock), never stay blind.
 */
describe('the lock watch resumed from a compacted revision, real etcd', () => {
  it('re-opens the watch, re-reads the current state and sees later changes', {
    timeout: 60_000,
  }, async () => {
    const { hostname, port } = new URL(etcd.url);
    const relay = await StallingRelay.start({ host: hostname, port: Number(port) });
    const agentSide = new EtcdCoordination({ endpoints: [relay.url], callTimeoutMs: 1000 });
    const writer = new Etcd3({ hosts: etcd.url.replace('http://', '') });
    const logs: { at: number; msg: string; err: string }[] = [];
    const keep = (fields: Record<string, unknown>, msg: string) =>
      void logs.push({ at: Date.now(), msg, err: String(fields.err) });
    const logger: Logger = { ...silentLogger, warn: keep, info: keep, child: () => logger };
    const watcher = new LockWatcher(agentSide.lock, keys.lockPrefix, systemClock, logger);
    const key = keys.lock('10.0.0.1_32');
    const seen: { at: number; lock: LockState | undefined }[] = [];
    const resyncs: number[] = [];
    try {
      watcher.on(key, (lock) => seen.push({ at: Date.now(), lock }));
      watcher.onResync(() => resyncs.push(Date.now()));
      await watcher.start();
      await writer.put(key).value('a');
      await firstMatch(
        () => seen,
        (s) => s.lock?.holder === 'a',
        5000,
        'the first put',
      );

      // The watch's connection stalls; meanwhile the lock changes hands and history is compacted.
      relay.stall();
      await writer.delete().key(key);
      const put = await writer.put(key).value('b').exec();
      await writer.kv.compact({ revision: put.header.revision, physical: true });
      const missed = seen.length;
      // The connection drops: the watch resumes from its last revision, which etcd no longer has.
      const droppedAt = Date.now();
      relay.reset();
      // etcd cancelled the resumed watch (its revision was compacted): the watcher opened a new one
      // and asked for a re-read of the current state.
      const broke = await firstMatch(
        () => logs,
        (w) => w.msg === 'lock watch broke; re-opening it',
        10_000,
        'the cancelled watch',
      );
      // The resumed watch may report itself connected just before etcd cancels it (same
      // millisecond): only a resync after the new watch is open counts.
      const reopenedAt = (
        await firstMatch(
          () => logs,
          (l) => l.msg === 'lock watch re-opened' && l.at >= broke.at,
          10_000,
          'the new watch',
        )
      ).at;
      const reopened = await firstMatch(
        () => resyncs,
        (at) => at >= reopenedAt,
        10_000,
        'a resync after the re-open',
      );
      // Changes after the recovery reach the watcher again.
      await writer.put(key).value('c');
      const later = await firstMatch(
        () => seen.slice(missed),
        (s) => s.lock?.holder === 'c',
        10_000,
        'a put after the recovery',
      );
      console.info(
        `watch resumed from a compacted revision: cancelled by etcd (${broke.err}) ${broke.at - droppedAt} ms after the drop, ` +
          `re-opened and re-read ${reopened - droppedAt} ms after it, ` +
          `a later put seen ${later.at - droppedAt} ms after it`,
      );
      expect(later.lock?.holder).toBe('c');
    } finally {
      await watcher.stop();
      writer.close();
      await agentSide.close();
      await relay.close();
    }
  });
});
