import { clusterOf } from './agent-api.js';
import type { DemoHost } from './demo-cluster.js';
import { info } from './say.js';

/** Prints `GET /cluster` of a running agent: every host's published view of every VIP. */
export async function printClusterView(hosts: readonly DemoHost[]): Promise<void> {
  const host = hosts.find((h) => h.agentRunning && h.apiUrl);
  if (!host?.apiUrl) return;
  try {
    const peers = await clusterOf(host.apiUrl);
    info(`cluster view (GET ${host.apiUrl}/cluster, as ${host.name} sees it):`);
    const rows = [...peers].sort((x, y) =>
      `${x.electionKey}/${x.hostname}`.localeCompare(`${y.electionKey}/${y.hostname}`),
    );
    for (const peer of rows)
      info(
        `  ${peer.electionKey.padEnd(16)} ${peer.hostname.padEnd(4)} ${peer.status.padEnd(10)} holder ${peer.holder ?? '-'}`,
      );
  } catch (error) {
    info(`cluster view unavailable: ${(error as Error).message}`);
  }
}
