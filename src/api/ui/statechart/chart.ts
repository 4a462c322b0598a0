import {
  parseDefinition,
  type StateDefinition,
  type TransitionDefinition,
} from '../../../machines/machine-definition.js';

export type StateType = StateDefinition['type'];

/** One transition as a diagram draws it. */
export interface ChartTransition {
  /** The event type as the machine knows it; `''` for an eventless (`always`) transition. */
  event: string;
  /** What the diagram prints: `event [guard]`, with XState's internal event names made readable. */
  label: string;
  guard: string | undefined;
  actions: string[];
  /** State id. */
  source: string;
  /** State ids; empty for a transition that only runs actions and stays put. */
  targets: string[];
}

export interface ChartState {
  /** XState's id, e.g. `vip.running.contending.ACTIVATED`; unique in the machine. */
  id: string;
  /** The state's own name, e.g. `ACTIVATED`; may repeat under different parents. */
  key: string;
  type: StateType;
  parent: string | undefined;
  /** Id of the child entered first; undefined without children. */
  initial: string | undefined;
  children: ChartState[];
  invokes: { id: string; src: string }[];
  /** Transitions declared on this state, in document order. */
  transitions: ChartTransition[];
}

/** A machine reduced to what its diagrams show, shared by the Mermaid and DOT converters. */
export interface Chart {
  id: string;
  root: ChartState;
  /** Every state, the root first, in document order. */
  states: ChartState[];
  byId: ReadonlyMap<string, ChartState>;
}

/** Builds the chart from a machine definition (`machine.toJSON()` or `definitionOf(machine)`). */
export function readChart(definition: unknown): Chart {
  const root = toState(parseDefinition(definition), undefined);
  const states: ChartState[] = [];
  const visit = (state: ChartState) => {
    states.push(state);
    state.children.forEach(visit);
  };
  visit(root);
  const byId = new Map(states.map((s) => [s.id, s]));
  for (const t of states.flatMap((s) => s.transitions)) {
    for (const target of t.targets) {
      if (!byId.has(target)) {
        throw new Error(`transition ${t.label} from ${t.source} targets unknown ${target}`);
      }
    }
  }
  return { id: root.id, root, states, byId };
}

function toState(def: StateDefinition, parent: string | undefined): ChartState {
  return {
    id: def.id,
    key: def.key,
    type: def.type,
    parent,
    initial: def.initial?.target[0] ? stripHash(def.initial.target[0]) : undefined,
    children: Object.values(def.states).map((child) => toState(child, def.id)),
    invokes: def.invoke.map(({ id, src }) => ({ id, src })),
    transitions: [...def.transitions, ...def.always].map((t) => toTransition(t, def.id)),
  };
}

function toTransition(t: TransitionDefinition, source: string): ChartTransition {
  const guard = t.guard === undefined ? undefined : refName(t.guard);
  const event = eventLabel(t.eventType, source);
  return {
    event: t.eventType,
    label: guard ? `${event} [${guard}]` : event,
    guard,
    actions: t.actions.map(refName),
    source,
    targets: (t.target ?? []).map(stripHash),
  };
}

/** XState's generated event names, as a reader of the diagram would say them. */
export function eventLabel(eventType: string, sourceId: string): string {
  if (eventType === '') return 'always';
  const rest = (prefix: string) => eventType.slice(prefix.length);
  if (eventType.startsWith('xstate.done.actor.')) return `onDone(${rest('xstate.done.actor.')})`;
  if (eventType.startsWith('xstate.error.actor.')) return `onError(${rest('xstate.error.actor.')})`;
  if (eventType.startsWith('xstate.done.state.')) return `onDone(#${rest('xstate.done.state.')})`;
  if (eventType.startsWith('xstate.after.')) {
    const delay = rest('xstate.after.');
    const suffix = `.${sourceId}`;
    return `after ${delay.endsWith(suffix) ? delay.slice(0, -suffix.length) : delay}`;
  }
  return eventType;
}

function refName(ref: TransitionDefinition['actions'][number]): string {
  const name = ref === null ? 'inline' : typeof ref === 'string' ? ref : ref.type;
  return name.startsWith('xstate.') ? name.slice('xstate.'.length) : name;
}

function stripHash(id: string): string {
  return id.startsWith('#') ? id.slice(1) : id;
}

/** One arrow of the diagram: every transition from one state to another, drawn once. */
export interface ChartEdge {
  source: ChartState;
  target: ChartState;
  transitions: ChartTransition[];
}

/** The arrows, in document order; transitions that stay in their state have none. */
export function edgesOf(chart: Chart): ChartEdge[] {
  const edges = new Map<string, ChartEdge>();
  for (const source of chart.states) {
    for (const t of source.transitions) {
      for (const targetId of t.targets) {
        const target = chart.byId.get(targetId);
        if (!target) continue;
        const key = `${source.id}\n${target.id}`;
        const edge = edges.get(key) ?? { source, target, transitions: [] };
        edge.transitions.push(t);
        edges.set(key, edge);
      }
    }
  }
  return [...edges.values()];
}

/** The states containing `state`, innermost first, the root last. */
export function ancestorsOf(chart: Chart, state: ChartState): ChartState[] {
  const ancestors: ChartState[] = [];
  for (let s = chart.byId.get(state.parent ?? ''); s; s = chart.byId.get(s.parent ?? '')) ancestors.push(s);
  return ancestors;
}

/** Whether `state` is `ancestorId` or lies inside it. */
export function isWithin(chart: Chart, state: ChartState, ancestorId: string): boolean {
  return state.id === ancestorId || ancestorsOf(chart, state).some((s) => s.id === ancestorId);
}
