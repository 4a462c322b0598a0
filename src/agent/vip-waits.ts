import { statusOf } from '../machines/vip.status.js';
import type { Clock } from '../ports/clock.js';
import type { VipRef } from './vip-system.js';

/** Resolves once `ref` leaves `status` (or stops), or after `timeoutMs` whatever it does. */
export function waitWhile(ref: VipRef, status: string, clock: Clock, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = clock.setTimeout(() => finish(), timeoutMs);
    const sub = ref.subscribe({
      next: (snapshot) => {
        if (statusOf(snapshot) !== status) finish();
      },
      complete: () => finish(),
      error: () => finish(),
    });
    const finish = () => {
      clock.clearTimeout(timer);
      sub.unsubscribe();
      resolve();
    };
    if (statusOf(ref.getSnapshot()) !== status) finish();
  });
}
