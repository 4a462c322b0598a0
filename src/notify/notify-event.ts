import type { TransitionRecord } from '../agent/agent-service.js';

/** How one hook run ended; the `result` label of `link_notify_hooks_total`. */
export const HOOK_RESULTS = ['ok', 'failed', 'timeout', 'error', 'dropped'] as const;
export type HookResult = (typeof HOOK_RESULTS)[number];

export interface HookOutcome {
  result: HookResult;
  /** Exit status of an executable, HTTP status of a webhook; null when there was none. */
  status: number | null;
  durationMs: number;
  /** What went wrong, or the tail of the hook's output. */
  detail: string;
}

/** Something told about every state change: an executable, a webhook. */
export interface NotifyHook {
  /** `exec` or `webhook`: the `hook` label of the metrics. */
  readonly kind: string;
  /** Runs once for `record`; resolves (never rejects) with how it went, within its time limit. */
  run(record: TransitionRecord): Promise<HookOutcome>;
}

/**
 * The environment a hook executable gets: the transition, under `LINK_*` names, and nothing of
 * linkd's own environment (which may hold the API or etcd passwords) but `PATH`.
 */
export function hookEnvironment(record: TransitionRecord, path: string | undefined): Record<string, string> {
  return {
    ...(path === undefined ? {} : { PATH: path }),
    LINK_ENDPOINT_ID: record.endpointId,
    LINK_IP: record.ip ?? '',
    LINK_ELECTION_KEY: record.electionKey,
    LINK_OLD_STATE: record.from,
    LINK_NEW_STATE: record.to,
    LINK_HOLDER: record.holder ?? '',
    LINK_HOSTNAME: record.hostname,
    LINK_EVENT: record.event,
    LINK_CAUSE: record.cause,
    LINK_AT: new Date(record.at).toISOString(),
  };
}
