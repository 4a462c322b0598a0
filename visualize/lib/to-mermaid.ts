import {
  ancestorsOf,
  type Chart,
  type ChartState,
  edgesOf,
  isWithin,
} from '../../src/api/ui/statechart/chart.js';
import { activities } from '../../src/api/ui/statechart/to-dot.js';

/**
 * A Mermaid `stateDiagram-v2` of the chart: compound states as composite states, one arrow per pair
 * of states labelled with every `event [guard]` that takes it, invoked actors and internal
 * transitions as notes, final states into `[*]`.
 *
 * Mermaid creates a state where it is first named, so every state is declared inside its parent
 * before any arrow, and each arrow is written inside the innermost composite holding both ends.
 */
export function toMermaid(chart: Chart): string {
  const names = mermaidNames(chart);
  const name = (state: ChartState) => names.get(state.id) ?? state.id;
  const arrowsByScope = new Map<string, string[]>();
  for (const edge of edgesOf(chart)) {
    const { scope, from, to } = drawable(chart, edge.source, edge.target);
    // Arrows redrawn onto a composite name the state they really leave or enter.
    const via = `${from === edge.source ? '' : ` from ${edge.source.key}`}${to === edge.target ? '' : ` to ${edge.target.key}`}`;
    const label = edge.transitions.map((t) => `${t.label}${via}`).join('<br/>');
    const lines = arrowsByScope.get(scope.id) ?? [];
    lines.push(`${name(from)} --> ${name(to)} : ${escapeLabel(label)}`);
    arrowsByScope.set(scope.id, lines);
  }

  const scope = (state: ChartState, depth: number): string[] => {
    const pad = '  '.repeat(depth);
    const initial = state.children.find((child) => child.id === state.initial);
    return [
      ...(initial ? [`${pad}[*] --> ${name(initial)}`] : []),
      // Mermaid separates the regions of a parallel state with `--`.
      ...state.children.flatMap((child, i) => [
        ...(state.type === 'parallel' && i > 0 ? [`${pad}--`] : []),
        ...declare(child, depth),
      ]),
      ...(arrowsByScope.get(state.id) ?? []).map((line) => `${pad}${line}`),
      ...state.children
        .filter((child) => child.type === 'final')
        .map((child) => `${pad}${name(child)} --> [*]`),
    ];
  };

  const declare = (state: ChartState, depth: number): string[] => {
    const pad = '  '.repeat(depth);
    const id = name(state);
    // A bare name declares a simple state; `state X` alone breaks Mermaid's notes.
    const lines =
      state.children.length > 0
        ? [
            `${pad}state ${id === state.key ? id : `"${state.key}" as ${id}`} {`,
            ...scope(state, depth + 1),
            `${pad}}`,
          ]
        : [id === state.key ? `${pad}${id}` : `${pad}state "${state.key}" as ${id}`];
    const notes = activities(state);
    if (notes.length) {
      lines.push(
        `${pad}note right of ${id}`,
        ...notes.map((n) => `${pad}  ${escapeNote(n)}`),
        `${pad}end note`,
      );
    }
    return lines;
  };

  const rootNotes = activities(chart.root);
  return [
    '---',
    `title: ${chart.id}${rootNotes.length ? ` (${rootNotes.join('; ')})` : ''}`,
    '---',
    'stateDiagram-v2',
    ...scope(chart.root, 1),
    '',
  ].join('\n');
}

/**
 * Where Mermaid can draw an arrow: inside the innermost composite holding both ends, between two of
 * its own children. Mermaid lays out arrows into or out of a nested composite's inner states
 * outside that composite, so such an end moves up to the composite that contains it.
 */
function drawable(chart: Chart, source: ChartState, target: ChartState) {
  const scope = commonScope(chart, source, target);
  const childOfScope = (state: ChartState): ChartState =>
    [state, ...ancestorsOf(chart, state)].find((s) => s.parent === scope.id) ?? state;
  return { scope, from: childOfScope(source), to: childOfScope(target) };
}

/** The innermost compound state strictly containing both ends. */
function commonScope(chart: Chart, a: ChartState, b: ChartState): ChartState {
  return ancestorsOf(chart, a).find((s) => s.id !== b.id && isWithin(chart, b, s.id)) ?? chart.root;
}

/**
 * Mermaid ids are global and plain: a state's own name when it is unique and plain, otherwise its
 * path, so two `idle` states under different parents stay apart.
 */
function mermaidNames(chart: Chart): Map<string, string> {
  const counts = new Map<string, number>();
  for (const s of chart.states) counts.set(s.key, (counts.get(s.key) ?? 0) + 1);
  const names = new Map<string, string>();
  for (const s of chart.states) {
    const plain = /^[A-Za-z][A-Za-z0-9_]*$/.test(s.key) && counts.get(s.key) === 1;
    names.set(s.id, plain ? s.key : s.id.replace(/[^A-Za-z0-9_]/g, '_'));
  }
  return names;
}

const ENTITIES: Record<string, string> = { '#': '#35;', ':': '#58;', ';': '#59;' };

/** `:` ends a label and `;` a statement in Mermaid; `#` starts an entity. */
function escapeLabel(text: string): string {
  return text.replace(/[#:;]/g, (c) => ENTITIES[c] ?? c);
}

function escapeNote(text: string): string {
  return text.replace(/[#;]/g, (c) => ENTITIES[c] ?? c);
}
