import { parseArgs } from 'node:util';

/** `full` pauses between steps so a person can follow in the live view; `short` does not. */
export type StoryPace = 'full' | 'short';

export interface DemoOptions {
  /** The scripted failovers, or none (`--no-story`). */
  story: StoryPace | 'none';
  /** When the demo ends by itself; otherwise it runs until Ctrl-C. */
  exitAfter: 'interrupt' | 'story' | 'first-failover';
  /** Agents on loopback with a dry-run network: no root, nothing bound. */
  dryRun: boolean;
  /** Loopback port of the live-view URL; 0 picks a free one. */
  port: number;
  help: boolean;
}

export const USAGE = `Usage: npm run demo -- [options]

A live failover demo: an embedded etcd, three LinK agents in network namespaces (3 hosts and a
client on a bridge), one VIP with a health check, and three scripted failovers. Ctrl-C removes
everything it created.

Options:
  --no-story                    skip the scripted failovers, just run the cluster
  --story=full|short            full pauses between steps for the live view (default); short does not
  --exit-after-story            clean up and exit once the story is over (instead of waiting for Ctrl-C)
  --exit-after-first-failover   clean up and exit after the first failover
  --dry-run                     agents on loopback without root: election, API and live view, nothing bound
  --port N                      loopback port of the live view (default 8313; 0 picks a free one)
  -h, --help                    this text`;

export class UsageError extends Error {}

export function parseDemoOptions(argv: readonly string[]): DemoOptions {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  const story = values.story ?? 'full';
  if (story !== 'full' && story !== 'short') throw new UsageError(`--story is full or short, not "${story}"`);
  const port = Number(values.port ?? 8313);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(`--port is a TCP port (0-65535), not "${values.port}"`);
  return {
    story: values['no-story'] ? 'none' : story,
    exitAfter: values['exit-after-first-failover']
      ? 'first-failover'
      : values['exit-after-story']
        ? 'story'
        : 'interrupt',
    dryRun: values['dry-run'] ?? false,
    port,
    help: values.help ?? false,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      'no-story': { type: 'boolean' },
      story: { type: 'string' },
      'exit-after-story': { type: 'boolean' },
      'exit-after-first-failover': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      port: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
