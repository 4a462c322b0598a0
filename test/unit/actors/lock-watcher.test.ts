import { describe, expect, it } from 'vitest';
import { LockWatcher } from '../../../src/actors/lock-watcher.js';
import type { LockPort, WatchHandlers } from '../../../src/ports/coordination.js';
import { silentLogger } from '../../../src/ports/logger.js';
import { advance, flush, simulatedClock } from '../../fakes/sim-time.js';

/** A lock port whose watches the test breaks by hand; `failOpens` makes the next opens fail. */
function watchablePort() {
  const opened: { at: number; handlers: WatchHandlers }[] = [];
  const state = { failOpens: 0 };
  const clock = simulatedClock();
  const locks = {
    watch: async (_prefix: string, handlers: WatchHandlers) => {
      if (state.failOpens > 0) {
        state.failOpens -= 1;
        throw new Error('etcd unreachable');
      }
      opened.push({ at: clock.now(), handlers });
      return async () => {};
    },
  } as unknown as LockPort;
  return { opened, state, clock, locks };
}

/** A watcher with a 1 s retry period, open for 5 s, noting when it asks for a resync. */
async function startedWatcher() {
  const port = watchablePort();
  const watcher = new LockWatcher(port.locks, '/link/default/', port.clock, silentLogger, 1000);
  const resyncs: number[] = [];
  watcher.onResync(() => resyncs.push(port.clock.now()));
  await watcher.start();
  port.clock.increment(5000);
  return { ...port, watcher, resyncs };
}

describe('LockWatcher: a broken watch', () => {
  it('is re-opened at once, and a resync follows the re-open', async () => {
    // etcd cancels a watch resumed from a compacted revision: a standby blind for a retry period
    // would miss a lock freed meanwhile.
    const { opened, clock, watcher, resyncs } = await startedWatcher();
    const brokeAt = clock.now();
    opened[0]?.handlers.onError(new Error('Watcher canceled: compacted'));
    await flush();
    expect(opened.map((o) => o.at)).toEqual([1_000_000, brokeAt]);
    expect(resyncs).toEqual([brokeAt]);
    await watcher.stop();
  });

  it('waits the retry period when it breaks again that soon, and when an open fails', async () => {
    const { opened, state, clock, watcher, resyncs } = await startedWatcher();
    const firstBreak = clock.now();
    opened[0]?.handlers.onError(new Error('broke'));
    await flush();
    await advance(clock, 100);
    opened[1]?.handlers.onError(new Error('broke again'));
    state.failOpens = 1;
    await advance(clock, 900);
    expect(opened).toHaveLength(2); // no tight loop
    await advance(clock, 200); // the retry's open fails, and is retried a period later
    expect(opened).toHaveLength(2);
    await advance(clock, 1000);
    expect(opened).toHaveLength(3);
    expect(resyncs).toEqual([firstBreak, opened[2]?.at]);
    await watcher.stop();
  });
});
