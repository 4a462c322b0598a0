import type { VipEvent } from '../machines/vip.events.js';
import { BIND_ATTEMPTS } from '../machines/vip.machine.js';
import type { TransitionRecord } from './agent-service.js';

/** Recent transitions of every VIP on this host, bounded, with live listeners. */
export class TransitionLog {
  private readonly records: TransitionRecord[] = [];
  private readonly listeners = new Set<(record: TransitionRecord) => void>();

  constructor(private readonly capacity = 1000) {}

  add(record: TransitionRecord): void {
    this.records.push(record);
    if (this.records.length > this.capacity) this.records.shift();
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch {
        // A failing listener (a closed SSE stream) must not stop the others.
      }
    }
  }

  list(endpointId?: string): TransitionRecord[] {
    return endpointId ? this.records.filter((r) => r.endpointId === endpointId) : [...this.records];
  }

  subscribe(listener: (record: TransitionRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** A one-line cause for the audit trail, from the event that triggered a transition. */
export function causeOf(event: { type: string } & Partial<Record<string, unknown>>): string {
  const e = event as VipEvent;
  switch (e.type) {
    case 'elected':
      return `this host holds the lock (fencing token ${e.revision})`;
    case 'demoted':
      return `${e.holder} holds the lock (fencing token ${e.revision})`;
    case 'fault':
      return e.reason;
    case 'health_check_fail':
    case 'health_check_success':
      return e.detail;
    case 'stop':
      return e.mode === 'hold' ? 'stopped, keeping the VIP for a restart' : 'stopped, handing the VIP over';
    case 'failover':
      return 'operator failover';
    case 'drain':
      return 'host drained for maintenance';
    case 'undrain':
      return 'host back from maintenance';
    case 'link.down':
      return e.detail;
    case 'link.up':
      return 'interface link back';
    case 'preferred.claim':
      return e.claimant === undefined
        ? 'claim withdrawn'
        : `${e.claimant} claims the VIP back (preferred host)`;
    case 'bind.failed':
      return `${e.detail} (the bind failed ${BIND_ATTEMPTS} times in a row: lock released)`;
    case 'lease.expiring':
      return `host lease expires at ${new Date(e.deadline).toISOString()} (fault policy release)`;
    default:
      return event.type.startsWith('xstate.done') ? 'handover finished' : event.type;
  }
}
