import { describe, expect, it } from 'vitest';
import { slowCallLog } from '../../../src/etcd/slow-calls.js';
import type { Logger } from '../../../src/ports/logger.js';

function recorder() {
  const lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  const log =
    (level: string) =>
    (obj: object, msg = '') =>
      lines.push({ level, msg, obj: obj as Record<string, unknown> });
  const logger: Logger = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: () => logger,
  };
  return { lines, logger };
}

describe('slowCallLog', () => {
  it('warns at the first slow call, then at most once per quiet period, and says when calls are fast again', () => {
    const { lines, logger } = recorder();
    let now = 0;
    const observe = slowCallLog({ logger, now: () => now, slowMs: 250, quietMs: 10_000 });
    observe('txn', 20, true);
    expect(lines).toEqual([]);
    observe('txn', 410, true);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', obj: { operation: 'txn', ms: 410, slowMs: 250 } });
    for (let i = 0; i < 20; i++) {
      now += 400;
      observe('put', 400, true);
    }
    // 8 s later: still within the quiet period.
    expect(lines).toHaveLength(1);
    now += 3000;
    observe('lease_grant', 800, true);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({
      level: 'warn',
      msg: 'etcd calls still slow',
      obj: { slowCallsSinceLastLine: 21 },
    });
    // Fast calls within the quiet period end nothing yet; after it, one line closes the episode.
    now += 5000;
    observe('txn', 10, true);
    expect(lines).toHaveLength(2);
    now += 5000;
    observe('txn', 10, true);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({
      level: 'info',
      msg: 'etcd calls fast again',
      obj: { slowCalls: 22, slowestMs: 800 },
    });
    observe('txn', 10, true);
    expect(lines).toHaveLength(3);
  });

  it('leaves failed calls to the code that handles them', () => {
    const { lines, logger } = recorder();
    const observe = slowCallLog({ logger, now: () => 0 });
    observe('lease_keepalive', 1500, false);
    expect(lines).toEqual([]);
  });
});
