import type { AgentService, EndpointView } from '../agent/agent-service.js';
import { isEndpointId } from '../model/endpoint-schema.js';
import { EndpointNotFoundError } from '../model/errors.js';
import { BadRequestError } from './http-errors.js';

/** A route's `:id`, refused with 400 before anything else when it cannot be a LinK id. */
export function endpointId(raw: string | undefined): string {
  if (raw === undefined || !isEndpointId(raw)) {
    throw new BadRequestError(`invalid endpoint ID '${raw ?? ''}': expected vip- followed by a UUID`);
  }
  return raw;
}

export function existingEndpoint(agent: AgentService, id: string): EndpointView {
  const view = agent.get(id);
  if (!view) throw new EndpointNotFoundError(id);
  return view;
}
