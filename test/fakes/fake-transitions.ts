import type { EndpointView, TransitionRecord } from '../../src/agent/agent-service.js';
import type { VipStatus } from '../../src/machines/vip.status.js';

/** The transition log of a fake agent: records what a test moves, and tells listeners at once. */
export class FakeTransitions {
  private readonly records: TransitionRecord[] = [];
  private readonly listeners = new Set<(record: TransitionRecord) => void>();

  constructor(
    private readonly hostname: string,
    private readonly now: () => number,
  ) {}

  /** Records `view` moving to `to`, as its statechart would report it. */
  record(view: EndpointView, to: VipStatus, event: string, cause: string): TransitionRecord {
    const record: TransitionRecord = {
      at: this.now(),
      endpointId: view.id,
      electionKey: view.election_key,
      ip: view.ip,
      holder: view.holder,
      hostname: this.hostname,
      from: view.status,
      to,
      event,
      cause,
    };
    this.records.push(record);
    for (const listener of this.listeners) listener(record);
    return record;
  }

  history(id?: string): TransitionRecord[] {
    return this.records.filter((r) => id === undefined || r.endpointId === id);
  }

  subscribe(listener: (record: TransitionRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
