import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { z } from 'zod';

/**
 * The part of XState's `machine.toJSON()` a diagram needs. Parsed rather than trusted: the live view
 * receives it as `unknown` from the agent, and a malformed definition should say what is wrong.
 */
const namedRef = z.union([z.string(), z.object({ type: z.string() }).loose(), z.null()]);

const transitionSchema = z.object({
  eventType: z.string(),
  source: z.string(),
  target: z.array(z.string()).optional(),
  guard: namedRef.optional(),
  actions: z.array(namedRef).default([]),
  reenter: z.boolean().optional(),
});

export type TransitionDefinition = z.infer<typeof transitionSchema>;

const stateSchema = z.object({
  id: z.string(),
  key: z.string(),
  type: z.enum(['atomic', 'compound', 'parallel', 'final', 'history']),
  initial: z.object({ target: z.array(z.string()) }).optional(),
  description: z.string().optional(),
  invoke: z.array(z.object({ id: z.string(), src: z.string() })).default([]),
  transitions: z.array(transitionSchema).default([]),
  /** Eventless transitions: absent from `toJSON()`, added by `definitionOf`. */
  always: z.array(transitionSchema).default([]),
  get states() {
    return z.record(z.string(), stateSchema).default({});
  },
});

export type StateDefinition = z.infer<typeof stateSchema>;

/** Reads a machine definition (a `toJSON()` result, live or parsed) and fails with the wrong field. */
export function parseDefinition(definition: unknown): StateDefinition {
  // A round trip through JSON resolves the `toJSON` methods XState leaves on live definitions.
  const plain: unknown = JSON.parse(JSON.stringify(definition ?? null));
  const result = stateSchema.safeParse(plain);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.map(String).join('.') || 'definition';
    throw new Error(`not an XState machine definition: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

/**
 * `machine.toJSON()` plus what it leaves out, so the picture shows every transition: eventless
 * (`always`) transitions, and names for inline guards and actions that JSON would drop.
 */
export function definitionOf(machine: AnyStateMachine): StateDefinition {
  const plain = parseDefinition(machine.toJSON());
  enrich(machine.root, plain);
  return plain;
}

function enrich(node: AnyStateNode, plain: StateDefinition): void {
  plain.transitions = [...node.transitions.values()].flat().map(serializeTransition);
  plain.always = (node.always ?? []).map(serializeTransition);
  for (const [key, child] of Object.entries(node.states)) {
    const plainChild = plain.states[key];
    if (plainChild) enrich(child, plainChild);
  }
}

function serializeTransition(t: AnyTransitionDefinition): TransitionDefinition {
  const serialized: TransitionDefinition = {
    eventType: t.eventType,
    source: `#${t.source.id}`,
    actions: t.actions.map(nameOf),
    reenter: t.reenter,
  };
  if (t.target) serialized.target = t.target.map((node) => `#${node.id}`);
  if (t.guard !== undefined) serialized.guard = nameOf(t.guard);
  return serialized;
}

/**
 * Built-in actions carry a `type` (`xstate.assign`, …); composed guards (`and`, `or`, `not`) their
 * parts; plain functions their name.
 */
function nameOf(ref: unknown): string {
  if (typeof ref === 'string') return ref;
  if (ref && (typeof ref === 'object' || typeof ref === 'function')) {
    const { type, name, guards } = ref as { type?: unknown; name?: unknown; guards?: unknown };
    if (typeof type === 'string') return type;
    if (typeof name === 'string' && name !== '') {
      return Array.isArray(guards) ? `${name}(${guards.map(nameOf).join(', ')})` : name;
    }
  }
  return 'inline';
}
