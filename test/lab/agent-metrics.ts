import type { LabAgent } from './agents.js';

/** An agent's /metrics text ('' when it does not answer). */
export async function metricsText(agent: LabAgent): Promise<string> {
  if (!agent.forward) return '';
  return fetch(`${agent.forward.url}/metrics`)
    .then((res) => res.text())
    .catch(() => '');
}

/**
 * The value of a sample in Prometheus text, by its name and, optionally, label text that its
 * line contains (`result="ok"`); the sum when several lines match, 0 when none does.
 */
export function sampleValue(text: string, name: string, labels = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const [series, value] = line.split(' ');
    if (!series || value === undefined) continue;
    const bare = series.split('{')[0];
    if (bare === name && series.includes(labels)) sum += Number(value);
  }
  return sum;
}

/** The sum of one sample over several agents. */
export async function totalOf(agents: readonly LabAgent[], name: string, labels = ''): Promise<number> {
  let sum = 0;
  for (const agent of agents) sum += sampleValue(await metricsText(agent), name, labels);
  return sum;
}
