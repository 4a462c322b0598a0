import { fromCallback } from 'xstate';
import type { VipEvent } from '../machines/vip.events.js';
import type { HealthInput } from '../machines/vip.machine.js';
import type { Clock } from '../ports/clock.js';
import { describeCheck, type HealthCheck, type ProbePort } from '../ports/health.js';

export interface HealthDeps {
  probe: ProbePort;
  clock: Clock;
  /** Used when the endpoint's interval is 0. */
  defaultIntervalMs: number;
  timeoutMs: number;
  /** Consecutive failures before `health_check_fail` (LinK: 3). */
  fall: number;
  /** Consecutive successes before `health_check_success`, so a flapping backend cannot ping-pong. */
  rise: number;
  /** Every round's verdict, for metrics. */
  onRound?: (electionKey: string, ok: boolean) => void;
}

/**
 * Probes EVERY configured check each round (LinK only ever probed the last one) and applies
 * fall/rise thresholds. Reports on every round past the threshold, like LinK, so a FAILING VIP
 * recovers on the first healthy verdict.
 */
export function createHealthActor(deps: HealthDeps) {
  return fromCallback<VipEvent, HealthInput>(({ input, sendBack, receive }) => {
    let checks: HealthCheck[] = input.checks;
    let intervalMs = input.intervalSeconds > 0 ? input.intervalSeconds * 1000 : deps.defaultIntervalMs;
    let failures = 0;
    let successes = 0;
    let stopped = false;
    let timer: unknown;

    const round = async () => {
      if (stopped) return;
      if (checks.length === 0) {
        sendBack({ type: 'health_check_success', detail: 'no checks configured' });
        return; // nothing to probe until checks are set
      }
      const results = await Promise.all(checks.map((check) => deps.probe.probe(check, deps.timeoutMs)));
      if (stopped) return;
      const failed = results.flatMap((result, i) =>
        result.ok ? [] : [`${describeCheck(checks[i] as HealthCheck)}: ${result.detail}`],
      );
      deps.onRound?.(input.electionKey, failed.length === 0);
      if (failed.length > 0) {
        failures += 1;
        successes = 0;
        if (failures >= deps.fall) sendBack({ type: 'health_check_fail', detail: failed.join('; ') });
      } else {
        successes += 1;
        failures = 0;
        if (successes >= deps.rise) {
          sendBack({ type: 'health_check_success', detail: `${checks.length} check(s) passed` });
        }
      }
      timer = deps.clock.setTimeout(() => void round(), intervalMs);
    };

    receive((event) => {
      if (event.type !== 'checks.update') return;
      checks = event.checks;
      if (event.intervalMs > 0) intervalMs = event.intervalMs;
      deps.clock.clearTimeout(timer);
      void round();
    });

    void round();
    return () => {
      stopped = true;
      deps.clock.clearTimeout(timer);
    };
  });
}
