import type { AgentService, ChangesApplied } from '../agent/agent-service.js';
import type { FaultPolicy } from '../model/endpoint.js';
import type { DeclaredEndpoint } from '../model/endpoints-file-schema.js';
import { ChangesRefusedError } from '../model/errors.js';
import { keys } from '../model/keys.js';
import type { KvPort } from '../ports/coordination.js';
import type { Logger } from '../ports/logger.js';
import { type DeclaredPlan, isEmptyPlan, planDeclared } from './declared-plan.js';

export interface DeclaredEndpointsDeps {
  agent: Pick<AgentService, 'hostname' | 'list' | 'apply'>;
  kv: KvPort;
  defaultFaultPolicy: FaultPolicy;
  logger: Logger;
}

export interface ApplyOptions {
  prune?: boolean;
  dryRun?: boolean;
  /** Where the endpoints came from, for the log: a file path or `api`. */
  source: string;
}

export interface DeclaredApplied {
  plan: DeclaredPlan;
  dryRun: boolean;
  applied: ChangesApplied | null;
}

/**
 * Makes this host's endpoints what a declaration says (an endpoints file at start and on SIGHUP,
 * or `link-client apply`), through the agent's bulk path. The election keys it applied are kept
 * under `/link/declared/<hostname>` (not lease-bound), so a later apply deletes what an earlier
 * one created and nothing an operator added through the API. Applies run one at a time.
 */
export class DeclaredEndpoints {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: DeclaredEndpointsDeps) {}

  apply(declared: DeclaredEndpoint[], options: ApplyOptions): Promise<DeclaredApplied> {
    const run = this.#queue.then(() => this.#apply(declared, options));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #apply(declared: DeclaredEndpoint[], options: ApplyOptions): Promise<DeclaredApplied> {
    const { agent, kv, logger } = this.deps;
    const ownedKey = keys.declared(agent.hostname);
    const owned = parseOwned(await kv.get(ownedKey));
    const result = planDeclared({
      declared,
      current: agent.list(),
      owned,
      prune: options.prune ?? false,
      defaultFaultPolicy: this.deps.defaultFaultPolicy,
    });
    if (!result.ok) throw new ChangesRefusedError(result.errors);
    const { plan, changes } = result;
    const dryRun = options.dryRun ?? false;
    if (dryRun) {
      // The agent's own checks (endpoint limit, IPs being created) without writing anything.
      await agent.apply(changes, { dryRun: true });
      return { plan, dryRun, applied: null };
    }
    const applied = isEmptyPlan(plan)
      ? { created: [], updated: [], deleted: [] }
      : await agent.apply(changes);
    const ownedNow = JSON.stringify({ keys: result.owned });
    if (!sameSet(owned, result.owned)) await kv.put(ownedKey, ownedNow);
    logger.info(
      {
        source: options.source,
        created: plan.create.length,
        updated: plan.update.length,
        deleted: plan.delete.length,
        unchanged: plan.unchanged.length,
      },
      `endpoints applied from ${options.source}`,
    );
    return { plan, dryRun, applied };
  }
}

function parseOwned(raw: string | undefined): Set<string> {
  if (raw === undefined) return new Set();
  try {
    const data = JSON.parse(raw) as { keys?: unknown };
    return new Set(Array.isArray(data.keys) ? data.keys.filter((k) => typeof k === 'string') : []);
  } catch {
    // A corrupt record owns nothing: the next apply deletes nothing it did not declare.
    return new Set();
  }
}

function sameSet(a: ReadonlySet<string>, b: readonly string[]): boolean {
  return a.size === b.length && b.every((key) => a.has(key));
}
