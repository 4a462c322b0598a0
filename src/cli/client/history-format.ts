import type { TransitionRecord } from '../../agent/agent-service.js';

/** One line per transition: time, host, IP, states, cause; a note when etcd could not be read. */
export function historyTable(records: TransitionRecord[], source: string | undefined): string {
  const lines = records.map((r) =>
    [
      new Date(r.at).toISOString(),
      r.hostname.padEnd(12),
      (r.ip ?? r.electionKey).padEnd(18),
      `${r.from} -> ${r.to}`.padEnd(24),
      r.cause,
    ].join(' '),
  );
  if (lines.length === 0) lines.push('(no transitions)');
  if (source === 'local') lines.push("(etcd could not be read: this host's recent transitions only)");
  return lines.join('\n');
}
