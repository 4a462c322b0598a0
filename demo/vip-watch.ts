import type { VipStatus } from '../src/machines/vip.status.js';
import { vipOn } from './agent-api.js';
import type { DemoHost } from './demo-cluster.js';

export type VipStates = Map<string, VipStatus | 'down'>;

/** Every host's state for the VIP right now, as its API reports it (`down` when it does not answer). */
export async function vipStates(hosts: readonly DemoHost[], vip: string): Promise<VipStates> {
  const views = await Promise.all(
    hosts.map(
      async (host) => [host.name, host.agentRunning ? await vipOn(host.apiUrl, vip) : undefined] as const,
    ),
  );
  return new Map(views.map(([name, view]) => [name, view?.status ?? 'down']));
}

export function holdersOf(states: VipStates): string[] {
  return [...states].filter(([, status]) => status === 'ACTIVATED').map(([name]) => name);
}

export function describeStates(states: VipStates): string {
  return [...states].map(([name, status]) => `${name} ${status}`).join(', ');
}

/**
 * Polls every host every 50 ms and reports each change of state, so the story shows the
 * statecharts moving while it waits; resolves once `until` holds for the latest states.
 */
export async function watchUntil(
  hosts: readonly DemoHost[],
  vip: string,
  until: (states: VipStates) => boolean,
  options: { timeoutMs: number; what: string; onChange?: (host: string, from: string, to: string) => void },
): Promise<VipStates> {
  const deadline = Date.now() + options.timeoutMs;
  let previous: VipStates | undefined;
  for (;;) {
    const states = await vipStates(hosts, vip);
    if (previous) {
      for (const [name, status] of states) {
        const before = previous.get(name);
        if (before !== undefined && before !== status) options.onChange?.(name, before, status);
      }
    }
    previous = states;
    if (until(states)) return states;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${options.timeoutMs} ms waiting for ${options.what} (${describeStates(states)})`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
