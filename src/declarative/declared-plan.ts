import type { EndpointChanges, EndpointView, NewEndpoint } from '../agent/agent-service.js';
import { electionKeyOf, type FaultPolicy } from '../model/endpoint.js';
import { toWireCheck } from '../model/endpoint-schema.js';
import type { DeclaredEndpoint } from '../model/endpoints-file-schema.js';

/** One line of a plan, as `link-client apply --dry-run` prints it. */
export interface PlannedChange {
  ip: string;
  /** Absent for a create. */
  id?: string;
  /** What an update changes: `checks`, `healthcheck_interval`. */
  fields?: string[];
}

export interface DeclaredPlan {
  create: PlannedChange[];
  update: PlannedChange[];
  delete: PlannedChange[];
  /** Declared and already as declared: not touched. */
  unchanged: PlannedChange[];
}

export interface PlanInput {
  declared: DeclaredEndpoint[];
  current: EndpointView[];
  /** Election keys the file applied last time: the endpoints it owns. */
  owned: ReadonlySet<string>;
  /** Delete every endpoint the file does not declare, API-created ones too. */
  prune: boolean;
  defaultFaultPolicy: FaultPolicy;
}

export type PlanResult =
  | { ok: true; plan: DeclaredPlan; changes: EndpointChanges; owned: string[] }
  | { ok: false; errors: Record<string, string[]> };

/**
 * What it takes to make this host's endpoints what the file declares, keyed by IP: an endpoint
 * declared and present is kept (its checks or interval updated in place when they differ, which
 * neither moves nor unbinds it); one declared and absent is created; one present and not declared
 * is deleted only if the file owned it (applied it before) or with `prune`. API-created endpoints
 * are otherwise left alone; one the file declares becomes the file's.
 * A fault policy cannot change in place (the statechart keeps it for its life), so a differing one
 * is an error, naming the entry.
 */
export function planDeclared(input: PlanInput): PlanResult {
  const byKey = new Map(input.current.map((view) => [view.election_key, view]));
  const plan: DeclaredPlan = { create: [], update: [], delete: [], unchanged: [] };
  const changes: Required<EndpointChanges> = { create: [], update: [], delete: [] };
  const errors: Record<string, string[]> = {};
  const declaredKeys = new Set<string>();
  input.declared.forEach((declared, i) => {
    const key = electionKeyOf(declared.ip);
    declaredKeys.add(key);
    const view = byKey.get(key);
    const policy = declared.faultPolicy ?? input.defaultFaultPolicy;
    if (!view) {
      const spec: NewEndpoint = {
        ip: declared.ip,
        checks: declared.checks,
        healthcheckInterval: declared.healthcheckInterval,
        faultPolicy: policy,
      };
      changes.create.push(spec);
      plan.create.push({ ip: declared.ip });
      return;
    }
    if (declared.faultPolicy !== undefined && declared.faultPolicy !== view.fault_policy) {
      errors[`endpoints.${i}.fault_policy`] = [
        `${view.ip} runs with fault_policy ${view.fault_policy} (endpoint ${view.id}); it cannot change in place: delete the entry, apply, then add it back`,
      ];
      return;
    }
    const fields: string[] = [];
    if (!sameChecks(declared, view)) fields.push('checks');
    if (declared.healthcheckInterval !== view.healthcheck_interval) fields.push('healthcheck_interval');
    if (fields.length === 0) {
      plan.unchanged.push({ ip: view.ip, id: view.id });
      return;
    }
    changes.update.push({
      id: view.id,
      checks: declared.checks,
      healthcheckInterval: declared.healthcheckInterval,
    });
    plan.update.push({ ip: view.ip, id: view.id, fields });
  });
  for (const view of input.current) {
    if (declaredKeys.has(view.election_key)) continue;
    if (!input.prune && !input.owned.has(view.election_key)) continue;
    changes.delete.push(view.id);
    plan.delete.push({ ip: view.ip, id: view.id });
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, plan, changes, owned: [...declaredKeys].sort() };
}

function sameChecks(declared: DeclaredEndpoint, view: EndpointView): boolean {
  const a = declared.checks.map(toWireCheck);
  const b = view.checks.map(toWireCheck);
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `true` when applying would change nothing. */
export function isEmptyPlan(plan: DeclaredPlan): boolean {
  return plan.create.length + plan.update.length + plan.delete.length === 0;
}
