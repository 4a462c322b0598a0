import type { LabNode } from '../test/lab/lab.js';

/**
 * One VIP manager driven on the failover lab: LinK or keepalived, behind the same few verbs, so
 * the scenarios treat both alike.
 */
export interface FailoverTool {
  readonly name: string;
  /** The settings that matter to the comparison, printed with the results. */
  readonly settings: Record<string, string>;
  /** Runs the tool on every host with the VIP configured. */
  start(): Promise<void>;
  /**
   * The tool's own view is steady: every running host settled and exactly one holder (for a
   * preempting keepalived, the highest-priority running host).
   */
  settled(): Promise<boolean>;
  /** SIGKILL of the process(es) on `host`, by PID (the caller takes eth0 down first). */
  kill(host: LabNode): Promise<void>;
  /** SIGTERM, and wait for the exit: a graceful stop. */
  stop(host: LabNode): Promise<void>;
  /** Starts the tool again on `host` after a kill or a stop. */
  restart(host: LabNode): Promise<void>;
  close(): Promise<void>;
}
