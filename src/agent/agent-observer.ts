import type { PeerMonitorObserver } from '../actors/peer-monitor.js';

/** Facts for metrics that no snapshot holds: etcd errors, every health round, announcements, conflicts. */
export interface AgentObserver {
  etcdError(operation: string): void;
  healthResult(electionKey: string, ok: boolean): void;
  announced?(ip: string): void;
  conflict?(ip: string, mac: string): void;
  /** Fast failure detection of peer hosts. */
  peers?: PeerMonitorObserver & {
    /** A VIP this host took after its holder's claim was ended early. */
    earlyTakeover(): void;
  };
}
