import type { VipStatus } from '../machines/vip.status.js';
import { type Endpoint, electionKeyOf } from '../model/endpoint.js';
import type { EndpointView } from './agent-service.js';

/** What the statechart and the host lease know of an endpoint at one moment. */
export interface EndpointFacts {
  status: VipStatus;
  /** ACTIVATED only: whether the bind has completed (see `boundOf`); null in other statuses. */
  bound: boolean | null;
  holder: string | null;
  /** The lock's create revision while someone holds it. */
  fencingToken: string | null;
  leaseDeadline: number | null;
  health: { ok: boolean; detail: string } | null;
  lastFault: string | null;
  conflicts: number;
  /** The MAC of the station that answered for the address before the first bind, while it does. */
  conflictMac: string | null;
}

/** An endpoint nothing is known of yet: just created, or seen before its statechart ran. */
export const NO_FACTS_YET: EndpointFacts = {
  status: 'BOOTING',
  bound: null,
  holder: null,
  fencingToken: null,
  leaseDeadline: null,
  health: null,
  lastFault: null,
  conflicts: 0,
  conflictMac: null,
};

/** The one projection of an endpoint into what the API and the live view show. */
export function toEndpointView(endpoint: Endpoint, facts: EndpointFacts): EndpointView {
  return {
    id: endpoint.id,
    status: facts.status,
    bound: facts.bound,
    ip: endpoint.ip,
    checks: endpoint.checks,
    healthcheck_interval: endpoint.healthcheckInterval,
    plugin: 'arp',
    election_key: electionKeyOf(endpoint.ip),
    fault_policy: endpoint.faultPolicy,
    preferred_hosts: endpoint.preferredHosts ?? [],
    holder: facts.holder,
    fencing_token: facts.fencingToken,
    lease_deadline: facts.leaseDeadline,
    health: facts.health,
    last_fault: facts.lastFault,
    conflicts: facts.conflicts,
    conflict_mac: facts.conflictMac,
  };
}
