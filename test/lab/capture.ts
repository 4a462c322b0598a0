import type { Lab, NodeRef } from './lab.js';
import { LineCollector } from './line-collector.js';
import { exited } from './processes.js';

export interface CaptureOptions {
  /** Default: the node's interface (eth0, or br0 on the switch). */
  iface?: string;
}

export interface Capture {
  readonly lines: string[];
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
  stop(): Promise<string[]>;
}

/**
 * tcpdump in a namespace, one decoded line per frame with link-level headers (`-e -n -l -vv`), as
 * an independent decoder of what really went over the wire. Resolves once tcpdump is listening.
 */
export async function startCapture(
  lab: Lab,
  ref: NodeRef,
  filter: string,
  options: CaptureOptions = {},
): Promise<Capture> {
  const node = lab.node(ref);
  const child = lab.spawnIn(node, 'tcpdump', [
    '-i',
    options.iface ?? node.iface,
    '-e',
    '-n',
    '-l',
    '-vv',
    filter,
  ]);
  const lines = new LineCollector(child.stdout);
  await new LineCollector(child.stderr).waitFor(
    (line) => line.includes('listening on'),
    5000,
    'tcpdump start',
  );
  return {
    lines: lines.lines,
    waitFor: (pattern, timeoutMs) =>
      lines.waitFor((line) => pattern.test(line), timeoutMs, `capture line ${pattern}`),
    stop: async () => {
      const done = exited(child);
      child.kill('SIGTERM');
      await done;
      return lines.lines;
    },
  };
}
