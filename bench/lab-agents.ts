import { LabAgent, type LabAgentOptions } from '../test/lab/agents.js';
import type { Lab, LabNode } from '../test/lab/lab.js';

/**
 * One linkd per host, started one after another (three tsx start-ups at once on a busy 2-core
 * machine can exceed the lab's start deadline), each retried once.
 */
export async function startLabAgents(
  lab: Lab,
  options: LabAgentOptions,
  hosts: LabNode[] = lab.hosts,
): Promise<LabAgent[]> {
  const agents: LabAgent[] = [];
  for (const host of hosts) {
    const agent = new LabAgent(lab, host, options);
    await startWithRetry(agent);
    agents.push(agent);
  }
  return agents;
}

export async function startWithRetry(agent: LabAgent): Promise<void> {
  try {
    await agent.start();
  } catch {
    await agent.kill().catch(() => undefined);
    await agent.start();
  }
}
