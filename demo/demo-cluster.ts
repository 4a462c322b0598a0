import type { TcpCheck } from './agent-api.js';

/** One host of the demo, whichever way it runs (namespace lab or loopback dry run). */
export interface DemoHost {
  readonly name: string;
  /** The agent's API as the demo reaches it (loopback in the root namespace); undefined before start. */
  readonly apiUrl: string | undefined;
  /** The API port behind `apiUrl`, while the agent runs. */
  readonly apiPort: number | undefined;
  readonly agentRunning: boolean;
  /** The health check of the VIP on this host: its own backend. */
  readonly healthCheck: TcpCheck;
  startAgent(): Promise<void>;
  /** SIGTERM: the agent hands its VIPs over before it exits. */
  stopAgent(): Promise<void>;
  /** The host dies: (network down and) agent SIGKILLed, nothing released. */
  crash(): Promise<void>;
  /** Brings a crashed host back: network up, agent started. */
  recover(): Promise<void>;
  stopBackend(): Promise<void>;
  startBackend(): Promise<void>;
}

/** What a client measured across a failover. */
export interface ClientView {
  /** Waits until the client got an answer from `host` after `since` (epoch ms). */
  answeredBy(host: string, since: number, timeoutMs: number): Promise<void>;
  /** Failed probes between two instants (epoch ms): their total duration and count. */
  outageBetween(since: number, until: number): { outageMs: number; failedProbes: number };
}

export interface DemoCluster {
  mode: 'lab' | 'dry-run';
  hosts: DemoHost[];
  /** The VIP, with prefix length. */
  vip: string;
  /** Root-namespace processes and lab processes started so far and still tracked. */
  pids(): number[];
  /** Starts a client probing the VIP every 20 ms (lab only; undefined on loopback). */
  startClient(): Promise<ClientView | undefined>;
  /** Hosts binding the VIP in the kernel (lab only; undefined on loopback). */
  boundOn(): Promise<string[] | undefined>;
}
