import type { Endpoint, FaultPolicy } from '../../src/model/endpoint.js';

/** The endpoint of the VIP statechart tests: `10.0.0.10/32`, no health checks. */
export function vipEndpoint(faultPolicy: FaultPolicy = 'activate'): Endpoint {
  return {
    id: 'vip-00000000-0000-0000-0000-000000000001',
    ip: '10.0.0.10/32',
    checks: [],
    healthcheckInterval: 0,
    faultPolicy,
  };
}
