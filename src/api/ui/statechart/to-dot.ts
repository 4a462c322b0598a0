import { type Chart, type ChartEdge, type ChartState, edgesOf, isWithin } from './chart.js';

/**
 * Graphviz `id`s of the drawn elements. They become the SVG `<g id>`s, which `render-svg` annotates
 * with `data-*` attributes for the live view.
 */
export const stateElementId = (state: ChartState) => `state:${state.id}`;
export const edgeElementId = (edge: ChartEdge) => `transition:${edge.source.id}:${edge.target.id}`;

export interface DotOptions {
  /**
   * `full` lists, in each state, its invoked actors and the transitions that stay in it, with their
   * actions (UML's internal activities); `outline` lists only the invoked actors, for small screens.
   */
  detail?: 'full' | 'outline';
}

const FONT = 'Helvetica';
const MONO = 'Courier';
const INK = '#1f2937';
const LINE = '#64748b';

/**
 * A DOT graph of the chart: compound states as clusters headed by their name, other states as
 * rounded boxes (final ones with a double border), and one arrow per pair of states labelled with
 * every `event [guard]` that takes it. The machine's root is the graph itself.
 */
export function toDot(chart: Chart, options: DotOptions = {}): string {
  const detail = options.detail ?? 'full';
  const rootRows = activities(chart.root, detail);
  const rootLabel = rootRows.length
    ? `, label=<${table(chart.root.key, rootRows)}>, labelloc="t", labeljust="l"`
    : '';
  return [
    `digraph ${quote(chart.id)} {`,
    `  graph [id=${quote(`chart:${chart.id}`)}, compound=true, rankdir=TB, nodesep=0.3, ranksep=0.35, pad=0.1, fontname=${quote(FONT)}, fontsize=12, fontcolor=${quote(INK)}, bgcolor="transparent"${rootLabel}];`,
    `  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color=${quote(LINE)}, penwidth=1.2, fontname=${quote(FONT)}, fontsize=12, fontcolor=${quote(INK)}, margin="0.14,0.05"];`,
    `  edge [color=${quote(LINE)}, arrowsize=0.7, fontname=${quote(MONO)}, fontsize=9, fontcolor="#334155"];`,
    ...drawContents(chart, chart.root, 1, detail),
    ...edgesOf(chart).map((edge) => `  ${drawEdge(chart, edge)}`),
    '}',
    '',
  ].join('\n');
}

/** A compound state's initial pseudo-state and children. */
function drawContents(
  chart: Chart,
  state: ChartState,
  depth: number,
  detail: DotOptions['detail'],
): string[] {
  const pad = '  '.repeat(depth);
  const anchor = anchorOf(state);
  const initial = state.initial ? chart.byId.get(state.initial) : undefined;
  return [
    // The initial pseudo-state doubles as the cluster's anchor for arrows that enter or leave it.
    state.type === 'parallel'
      ? `${pad}${quote(anchor)} [shape=point, style=invis, width=0.01];`
      : `${pad}${quote(anchor)} [shape=point, width=0.1, color=${quote(INK)}, fillcolor=${quote(INK)}];`,
    ...state.children.flatMap((child) => drawState(chart, child, depth, detail)),
    ...(initial ? [`${pad}${arrow(chart, anchor, initial, {})}`] : []),
  ];
}

function drawState(chart: Chart, state: ChartState, depth: number, detail: DotOptions['detail']): string[] {
  const pad = '  '.repeat(depth);
  const attrs = `id=${quote(stateElementId(state))}, class=${quote(`state state-${state.type}`)}`;
  const label = `label=<${table(state.key, activities(state, detail))}>`;
  if (state.children.length === 0) {
    const final = state.type === 'final' ? ', peripheries=2' : '';
    return [`${pad}${quote(state.id)} [${attrs}, ${label}${final}];`];
  }
  // Regions of a parallel state are drawn dashed, as UML separates them.
  const region = chart.byId.get(state.parent ?? '')?.type === 'parallel' ? ',dashed' : '';
  return [
    `${pad}subgraph ${quote(`cluster_${state.id}`)} {`,
    `${pad}  graph [${attrs}, ${label}, labeljust="l", style="rounded,filled${region}", fillcolor="#f8fafc", color="#94a3b8", penwidth=1.2];`,
    ...drawContents(chart, state, depth + 1, detail),
    `${pad}}`,
  ];
}

function drawEdge(chart: Chart, edge: ChartEdge): string {
  const label = edge.transitions.map((t) => t.label).join('\n');
  return arrow(chart, edge.source, edge.target, {
    id: edgeElementId(edge),
    class: 'transition',
    label: ` ${label} `,
  });
}

/**
 * An arrow between two states, or from an initial pseudo-state (given by node name). An end that
 * is a compound state attaches to the cluster's border (`lhead`/`ltail`), unless the other end lies
 * inside that cluster, which Graphviz cannot clip.
 */
function arrow(
  chart: Chart,
  from: ChartState | string,
  to: ChartState,
  attrs: Record<string, string>,
): string {
  const all = { ...attrs };
  let tail = typeof from === 'string' ? from : from.id;
  let head = to.id;
  if (typeof from !== 'string' && from.children.length > 0) {
    tail = anchorOf(from);
    if (!isWithin(chart, to, from.id)) all.ltail = `cluster_${from.id}`;
  }
  if (to.children.length > 0) {
    head = anchorOf(to);
    if (typeof from === 'string' || !isWithin(chart, from, to.id)) all.lhead = `cluster_${to.id}`;
  }
  if (all.label && (all.ltail || all.lhead) && !(all.ltail && all.lhead)) {
    // Graphviz places a label on the unclipped spline, away from an arrow cut at a cluster border;
    // an end label stays with the visible end.
    all[all.ltail ? 'headlabel' : 'taillabel'] = all.label;
    all.labeldistance = '2.5';
    all.labelangle = all.ltail ? '-35' : '35';
    delete all.label;
  }
  const list = Object.entries(all).map(([k, v]) => `${k}=${quote(v)}`);
  return `${quote(tail)} -> ${quote(head)}${list.length ? ` [${list.join(', ')}]` : ''};`;
}

const anchorOf = (state: ChartState) => `${state.id}:initial`;

/** What happens while in a state without leaving it: also the Mermaid notes. */
export function activities(state: ChartState, detail: DotOptions['detail'] = 'full'): string[] {
  const invokes = state.invokes.map(({ id, src }) =>
    id === src ? `invoke ${src}` : `invoke ${src} as ${id}`,
  );
  if (detail === 'outline') return invokes;
  const internal = state.transitions
    .filter((t) => t.targets.length === 0)
    .map((t) => (t.actions.length ? `${t.label} / ${t.actions.join(', ')}` : t.label));
  return [...invokes, ...internal];
}

/** A state's name over its compartment of activities. */
function table(name: string, rows: string[]): string {
  const head = `<TR><TD><B>${html(name)}</B></TD></TR>`;
  const body = rows
    .map((row) => `<TR><TD ALIGN="LEFT"><FONT FACE="${MONO}" POINT-SIZE="9">${html(row)}</FONT></TD></TR>`)
    .join('');
  return `<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">${head}${body ? `<HR/>${body}` : ''}</TABLE>`;
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
