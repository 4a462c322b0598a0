import type { EndpointView } from '../agent/agent-service.js';
import { toWireCheck, type WireHealthCheck } from '../model/endpoint-schema.js';

export type EndpointJson = Omit<EndpointView, 'checks'> & { checks: WireHealthCheck[] };

/** LinK's Endpoint plus LinK-beyond fields; checks in the shape clients send, so they round-trip. */
export function toEndpointJson(view: EndpointView): EndpointJson {
  return { ...view, checks: view.checks.map(toWireCheck) };
}
