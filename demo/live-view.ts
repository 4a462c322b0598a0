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
  // Also warms the page up: its first load renders the statechart, which takes a moment.
  const status = await fetch(ui, { signal: AbortSignal.timeout(15_000) })
    .then((res) => res.status)
    .catch(() => undefined);
  info(`live view:  ${bold(ui)}  (follows whichever agent is up)`);
  if (status === 404)
    info(
      `            (no /ui in this build: the API answers there, e.g. ${proxy.url}/endpoints, /cluster, /events)`,
    );
  else if (status === undefined)
    info('            (no answer within 15 s: the machine is busy, try again in a moment)');
  for (const host of hosts) info(`  agent ${host.name}: ${host.apiUrl}/ui`);
}
