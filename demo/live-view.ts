import type { DemoHost } from './demo-cluster.js';
import { type LiveViewProxy, startLiveViewProxy } from './live-view-proxy.js';
import { bold, info } from './say.js';

/**
 * The live view's address in the root namespace: a loopback proxy to whichever agent is up, so
 * the page keeps working while the story takes hosts down.
 */
export async function openLiveView(hosts: readonly DemoHost[], port: number): Promise<LiveViewProxy> {
  return startLiveViewProxy(port, () => hosts.find((host) => host.agentRunning && host.apiPort)?.apiPort);
}

export async function printLiveView(proxy: LiveViewProxy, hosts: readonly DemoHost[]): Promise<void> {
  const ui = `${proxy.url}/ui`;
  const available = await fetch(ui, { signal: AbortSignal.timeout(2000) })
    .then((res) => res.status < 400)
    .catch(() => false);
  info(`live view:  ${bold(ui)}  (follows whichever agent is up)`);
  if (!available)
    info(
      `            (no /ui in this build: the API answers there, e.g. ${proxy.url}/endpoints, /cluster, /events)`,
    );
  for (const host of hosts) info(`  agent ${host.name}: ${host.apiUrl}/ui`);
}
