import { describe, expect, it } from 'vitest';
import type { TransitionRecord } from '../../../src/agent/agent-service.js';
import { Notifier } from '../../../src/notify/notifier.js';
import type { HookOutcome, NotifyHook } from '../../../src/notify/notify-event.js';
import { silentLogger } from '../../../src/ports/logger.js';

const record = (endpointId: string, from: string, to: string): TransitionRecord =>
  ({
    at: 0,
    endpointId,
    electionKey: 'k',
    hostname: 'h',
    from,
    to,
    event: 'e',
    cause: 'c',
  }) as TransitionRecord;

/** A hook whose runs finish only when the test says so. */
class GatedHook implements NotifyHook {
  readonly kind = 'exec';
  readonly started: string[] = [];
  readonly pending = new Map<string, () => void>();
  run(r: TransitionRecord): Promise<HookOutcome> {
    const name = `${r.endpointId}:${r.to}`;
    this.started.push(name);
    return new Promise((resolve) =>
      this.pending.set(name, () => resolve({ result: 'ok', status: 0, durationMs: 0, detail: '' })),
    );
  }
  finish(name: string): void {
    this.pending.get(name)?.();
    this.pending.delete(name);
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('Notifier', () => {
  it('runs one endpoint in order, one at a time, and other endpoints beside a hanging run', async () => {
    const hook = new GatedHook();
    const results: string[] = [];
    const notifier = new Notifier({
      hooks: [hook],
      logger: silentLogger,
      onOutcome: (kind, o) => results.push(`${kind}:${o.result}`),
    });
    notifier.notify(record('a', 'BOOTING', 'STANDBY'));
    notifier.notify(record('a', 'STANDBY', 'ACTIVATED'));
    notifier.notify(record('b', 'BOOTING', 'ACTIVATED'));
    await tick();
    // a's second run waits for its first; b is not held up by a.
    expect(hook.started).toEqual(['a:STANDBY', 'b:ACTIVATED']);
    hook.finish('b:ACTIVATED');
    await tick();
    expect(hook.started).toEqual(['a:STANDBY', 'b:ACTIVATED']);
    hook.finish('a:STANDBY');
    await tick();
    expect(hook.started).toEqual(['a:STANDBY', 'b:ACTIVATED', 'a:ACTIVATED']);
    const idle = notifier.idle();
    hook.finish('a:ACTIVATED');
    await idle;
    expect(results).toEqual(['exec:ok', 'exec:ok', 'exec:ok']);
  });

  it('drops the oldest waiting transition when a queue is full, and counts it', async () => {
    const hook = new GatedHook();
    const results: string[] = [];
    const notifier = new Notifier({
      hooks: [hook],
      logger: silentLogger,
      maxQueued: 2,
      onOutcome: (_kind, o) => results.push(o.result),
    });
    for (const to of ['S1', 'S2', 'S3', 'S4']) notifier.notify(record('a', 'X', to));
    await tick();
    // S1 runs, S2 S3 S4 wait in a queue of 2: S2 is dropped.
    expect(results).toEqual(['dropped']);
    for (const name of ['a:S1', 'a:S3', 'a:S4']) {
      await tick();
      hook.finish(name);
    }
    await notifier.idle();
    expect(hook.started).toEqual(['a:S1', 'a:S3', 'a:S4']);
  });

  it('turns a hook that throws into an error outcome and goes on', async () => {
    const results: string[] = [];
    const notifier = new Notifier({
      hooks: [
        {
          kind: 'exec',
          run: async () => {
            throw new Error('boom');
          },
        },
      ],
      logger: silentLogger,
      onOutcome: (_kind, o) => results.push(o.result),
    });
    notifier.notify(record('a', 'X', 'Y'));
    notifier.notify(record('a', 'Y', 'Z'));
    await notifier.idle();
    expect(results).toEqual(['error', 'error']);
  });

  it('does nothing without hooks', async () => {
    const notifier = new Notifier({ hooks: [], logger: silentLogger });
    expect(notifier.enabled).toBe(false);
    notifier.notify(record('a', 'X', 'Y'));
    await notifier.idle();
  });
});
