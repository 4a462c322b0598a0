import type { Viz } from '@viz-js/viz';
import { ancestorsOf, type Chart, edgesOf } from './chart.js';
import { type DotOptions, edgeElementId, stateElementId, toDot } from './to-dot.js';

/**
 * Graphviz compiled to WebAssembly: no binary and no network needed. Loaded on demand and not
 * kept: callers render each diagram once and cache the SVG, so an agent whose live view is never
 * opened never holds the few megabytes of the module and its memory.
 */
async function graphviz(): Promise<Viz> {
  const { instance } = await import('@viz-js/viz');
  return instance();
}

/**
 * The chart as SVG. Every state's `<g>` carries `data-state` (its name, which is what a VIP's status
 * reports), `data-state-id` and `data-ancestor-ids` (space-separated); every arrow's carries `data-events` (space-separated event types),
 * `data-source` and `data-target`, so a page can highlight them with CSS selectors alone.
 */
export async function renderSvg(chart: Chart, options: DotOptions = {}): Promise<string> {
  const result = (await graphviz()).render(toDot(chart, options), { format: 'svg' });
  if (result.status === 'failure') {
    const reasons = result.errors.map((e) => e.message).join('; ');
    throw new Error(`Graphviz could not render the ${chart.id} statechart: ${reasons}`);
  }
  return annotate(result.output, chart);
}

function annotate(svg: string, chart: Chart): string {
  const attributes = new Map<string, Record<string, string>>();
  for (const state of chart.states) {
    attributes.set(stateElementId(state), {
      'data-state': state.key,
      'data-state-id': state.id,
      'data-ancestor-ids': ancestorsOf(chart, state)
        .map((s) => s.id)
        .join(' '),
    });
  }
  for (const edge of edgesOf(chart)) {
    attributes.set(edgeElementId(edge), {
      'data-events': [...new Set(edge.transitions.map((t) => t.event))].join(' '),
      'data-source': edge.source.id,
      'data-target': edge.target.id,
    });
  }
  return svg.replace(/<g id="([^"]+)"/g, (tag, id: string) => {
    const extra = attributes.get(unescapeXml(id));
    if (!extra) return tag;
    return `${tag}${Object.entries(extra)
      .map(([name, value]) => ` ${name}="${escapeXml(value)}"`)
      .join('')}`;
  });
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function unescapeXml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#45;/g, '-')
    .replace(/&amp;/g, '&');
}
