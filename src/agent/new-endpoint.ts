import { randomUUID } from 'node:crypto';
import type { Endpoint } from '../model/endpoint.js';
import type { NewEndpoint } from './agent-service.js';

/** A new endpoint from a validated create request, with a fresh id: one shape for single and bulk creates. */
export function endpointFrom(spec: NewEndpoint): Endpoint {
  return {
    id: `vip-${randomUUID()}`,
    ip: spec.ip,
    checks: spec.checks,
    healthcheckInterval: spec.healthcheckInterval,
    faultPolicy: spec.faultPolicy,
    ...(spec.preferredHosts?.length ? { preferredHosts: spec.preferredHosts } : {}),
  };
}
