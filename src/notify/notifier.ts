import type { TransitionRecord } from '../agent/agent-service.js';
import type { Logger } from '../ports/logger.js';
import type { HookOutcome, NotifyHook } from './notify-event.js';

export interface NotifierOptions {
  hooks: NotifyHook[];
  logger: Logger;
  /** Every finished (or dropped) run, for `link_notify_hooks_total`. */
  onOutcome?: (hook: string, outcome: HookOutcome) => void;
  /** Transitions waiting per endpoint before the oldest waiting one is dropped. */
  maxQueued?: number;
}

interface Queue {
  waiting: TransitionRecord[];
  running: boolean;
}

/**
 * Runs the hooks on every state change, in order per endpoint and never in the statechart's way:
 * `notify` only queues. Each endpoint has its own queue, so a hook that hangs on one VIP (until
 * its time limit) delays that VIP's later notifications only, and the hooks of a transition run
 * one after the other so that a script sees STANDBY -> ACTIVATED before ACTIVATED -> STANDBY.
 */
export class Notifier {
  readonly #queues = new Map<string, Queue>();
  readonly #maxQueued: number;
  #idle: (() => void)[] = [];

  constructor(private readonly options: NotifierOptions) {
    this.#maxQueued = options.maxQueued ?? 100;
  }

  get enabled(): boolean {
    return this.options.hooks.length > 0;
  }

  notify(record: TransitionRecord): void {
    if (!this.enabled) return;
    let queue = this.#queues.get(record.endpointId);
    if (!queue) {
      queue = { waiting: [], running: false };
      this.#queues.set(record.endpointId, queue);
    }
    queue.waiting.push(record);
    if (queue.waiting.length > this.#maxQueued) {
      const dropped = queue.waiting.shift() as TransitionRecord;
      this.options.logger.warn(
        { endpoint: dropped.endpointId, from: dropped.from, to: dropped.to },
        `notify queue of ${dropped.endpointId} full (${this.#maxQueued}): oldest transition not notified`,
      );
      for (const hook of this.options.hooks)
        this.options.onOutcome?.(hook.kind, { result: 'dropped', status: null, durationMs: 0, detail: '' });
    }
    if (!queue.running) void this.#drain(record.endpointId, queue);
  }

  /** Resolves once every queue is empty (tests, shutdown). */
  idle(): Promise<void> {
    if (this.#queues.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async #drain(endpointId: string, queue: Queue): Promise<void> {
    queue.running = true;
    for (let record = queue.waiting.shift(); record; record = queue.waiting.shift()) {
      for (const hook of this.options.hooks) {
        const outcome = await hook.run(record).catch(
          (error: unknown): HookOutcome => ({
            result: 'error',
            status: null,
            durationMs: 0,
            detail: (error as Error).message,
          }),
        );
        this.#report(hook.kind, record, outcome);
      }
    }
    queue.running = false;
    this.#queues.delete(endpointId);
    if (this.#queues.size === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  #report(kind: string, record: TransitionRecord, outcome: HookOutcome): void {
    this.options.onOutcome?.(kind, outcome);
    const fields = {
      hook: kind,
      endpoint: record.endpointId,
      from: record.from,
      to: record.to,
      result: outcome.result,
      status: outcome.status,
      durationMs: outcome.durationMs,
      ...(outcome.detail ? { detail: outcome.detail } : {}),
    };
    const message = `notify ${kind} ${record.from} -> ${record.to}: ${outcome.result}`;
    if (outcome.result === 'ok') this.options.logger.info(fields, message);
    else this.options.logger.warn(fields, message);
  }
}
