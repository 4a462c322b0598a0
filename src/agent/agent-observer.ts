/** Facts for metrics that no snapshot holds: etcd errors, every health round, announcements, conflicts. */
export interface AgentObserver {
  etcdError(operation: string): void;
  healthResult(electionKey: string, ok: boolean): void;
  announced?(ip: string): void;
  conflict?(ip: string, mac: string): void;
}
