import type { AnyStateMachine } from 'xstate';
import { readChart } from '../../src/api/ui/statechart/chart.js';
import { renderSvg } from '../../src/api/ui/statechart/render-svg.js';
import { definitionOf } from '../../src/machines/machine-definition.js';
import { toMermaid } from './to-mermaid.js';

/**
 * The three exported forms of one machine, by file name. Deterministic: the same machine gives the
 * same bytes, so a test can compare them with the committed files.
 */
export async function exportedFiles(name: string, machine: AnyStateMachine): Promise<Map<string, string>> {
  // Mermaid and SVG read the enriched definition: `toJSON()` alone drops eventless transitions.
  const chart = readChart(definitionOf(machine));
  return new Map([
    // XState's own format, which Stately's editor imports.
    [`${name}.json`, `${JSON.stringify(machine.toJSON(), null, 2)}\n`],
    [`${name}.mmd`, toMermaid(chart)],
    [`${name}.svg`, await renderSvg(chart)],
  ]);
}
