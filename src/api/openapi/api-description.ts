import type { Hono } from 'hono';
import { type DescribeRouteOptions, describeRoute, resolver } from 'hono-openapi';
import type { z } from 'zod';
import { endpointChangesEnvelopeSchema } from '../../model/endpoint-changes-schema.js';
import {
  createEndpointBodySchema,
  legacyIpBodySchema,
  updateChecksBodySchema,
} from '../../model/endpoint-schema.js';
import { endpointsFileSchema } from '../../model/endpoints-file-schema.js';
import { applyBodySchema } from '../apply.routes.js';
import { drainBodySchema } from '../host.routes.js';
import {
  applyResultSchema,
  bulkResultSchema,
  clusterSchema,
  drainReportSchema,
  endpointListSchema,
  endpointOneSchema,
  endpointSchema,
  endpointSummarySchema,
  errorSchema,
  fieldErrorsSchema,
  healthzSchema,
  historySchema,
  hostStateSchema,
  hostsSchema,
  legacyListSchema,
  legacyOneSchema,
  machineSchema,
  undrainSchema,
  versionSchema,
} from './response-schemas.js';

/**
 * Every route of the API with its OpenAPI description, in one table. The requests are described by
 * the zod schemas the routes validate with, the answers by response-schemas.ts. A route missing
 * here is missing from GET /openapi.json, and test/unit/api/openapi.test.ts fails.
 */
export interface RouteDescription {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Hono's path, e.g. `/endpoints/:id`. */
  path: string;
  spec: DescribeRouteOptions;
}

type Responses = NonNullable<DescribeRouteOptions['responses']>;

const json = (description: string, schema: z.ZodType) => ({
  description,
  content: { 'application/json': { schema: resolver(schema) } },
});
const text = (description: string, media: string) => ({
  description,
  content: { [media]: { schema: { type: 'string' as const } } },
});
const error = (description: string) => json(description, errorSchema);
const body = (schema: z.ZodType) => ({
  required: true,
  content: { 'application/json': { schema: resolver(schema) } },
});

/** What any route may answer besides its own: no credentials, a foreign Host or a cross-site write. */
const common: Responses = {
  401: error('credentials missing or wrong (with --api-user and --api-password)'),
  403: error('cross-site request, or a Host this agent does not serve'),
};
const badId = { 400: error('malformed endpoint id') };
const unknown = { 404: error('no such endpoint on this host') };
const badBody = {
  400: error('the body is not JSON'),
  413: error('the body is too large'),
  422: json('a field is wrong; every wrong field is listed', fieldErrorsSchema),
};
const idParam = {
  name: 'id',
  in: 'path' as const,
  required: true,
  schema: { type: 'string' as const, pattern: '^vip-[a-zA-Z0-9-]{36}$' },
};
const endpointFilter = {
  name: 'endpoint',
  in: 'query' as const,
  required: false,
  description: 'only this endpoint',
  schema: { type: 'string' as const },
};
const query = (name: string, description: string) => ({
  name,
  in: 'query' as const,
  required: false,
  description,
  schema: { type: 'string' as const },
});
const listFilters = [
  query('state', 'comma-separated states, e.g. ACTIVATED,FAILING'),
  query('holder', 'holder hostname; none: no holder'),
  query('ip', 'a CIDR such as 10.78.0.0/16, or the start of an address'),
  query('limit', 'page size (at most 10000); answers carry total and next_cursor'),
  query('cursor', 'next_cursor of the previous page'),
];

const describe = (
  method: RouteDescription['method'],
  path: string,
  tag: string,
  summary: string,
  responses: Responses,
  extra: Omit<DescribeRouteOptions, 'responses' | 'summary' | 'tags'> = {},
): RouteDescription => ({
  method,
  path,
  spec: { tags: [tag], summary, responses: { ...responses, ...common }, ...extra },
});

const checksUpdate = (path: string, tag: string): RouteDescription[] =>
  (['PUT', 'PATCH'] as const).map((method) =>
    describe(
      method,
      path,
      tag,
      'replace the health checks (healthchecks or checks; [] clears them)',
      { 200: json('the updated endpoint, bare', endpointSchema), ...badId, ...unknown, ...badBody },
      { parameters: [idParam], requestBody: body(updateChecksBodySchema) },
    ),
  );

const endpointWrites = (base: string, tag: string): RouteDescription[] => [
  ...checksUpdate(`${base}/:id`, tag),
  describe(
    'DELETE',
    `${base}/:id`,
    tag,
    'remove the endpoint once another host holds the VIP or the handover timeout passed',
    { 204: { description: 'removed' }, ...badId, ...unknown },
    { parameters: [idParam] },
  ),
  describe(
    'POST',
    `${base}/:id/failover`,
    tag,
    'hand the VIP over to another host (on its holder)',
    {
      204: { description: 'handed over' },
      ...badId,
      ...unknown,
      409: error('this host does not hold the VIP, or no other host participates'),
    },
    { parameters: [idParam] },
  ),
];

export const API_ROUTES: readonly RouteDescription[] = [
  describe(
    'GET',
    '/endpoints',
    'endpoints',
    "this host's endpoints; filtered and paged with parameters",
    { 200: json('the endpoints', endpointListSchema), 400: error('a parameter is wrong') },
    { parameters: listFilters },
  ),
  describe(
    'GET',
    '/endpoints/summary',
    'endpoints',
    'counts by state and by holder, with the list filters',
    { 200: json('the counts', endpointSummarySchema), 400: error('a parameter is wrong') },
    { parameters: listFilters.slice(0, 3) },
  ),
  describe(
    'POST',
    '/endpoints',
    'endpoints',
    'add an endpoint (a VIP) to this host',
    {
      201: json('the created endpoint', endpointOneSchema),
      ...badBody,
      409: error('the IP is already on this host, or the endpoint limit is reached'),
      503: error('shutting down'),
    },
    { requestBody: body(createEndpointBodySchema) },
  ),
  describe(
    'POST',
    '/endpoints/bulk',
    'endpoints',
    'create, update and delete many endpoints at once; ?dry_run=true only checks',
    { 200: json('what was done (or would be, with dry_run)', bulkResultSchema), ...badBody },
    {
      requestBody: body(endpointChangesEnvelopeSchema),
      parameters: [query('dry_run', 'true: check only, change nothing')],
    },
  ),
  describe(
    'POST',
    '/endpoints/apply',
    'endpoints',
    'apply an endpoints file (as JSON): plan by IP, then create, update and delete; ?dry_run=true only plans',
    {
      200: json('the plan, and what was done unless dry_run', applyResultSchema),
      ...badBody,
      409: error('the agent cannot carry out the plan (a changed fault_policy, the endpoint limit)'),
    },
    {
      // The route reads the body with applyBodySchema, then its endpoints with the file's schema.
      requestBody: body(applyBodySchema.extend({ endpoints: endpointsFileSchema.shape.endpoints })),
      parameters: [query('dry_run', 'true: plan only, change nothing')],
    },
  ),
  describe(
    'GET',
    '/endpoints/:id',
    'endpoints',
    'one endpoint',
    { 200: json('the endpoint', endpointOneSchema), ...badId, ...unknown },
    { parameters: [idParam] },
  ),
  describe(
    'GET',
    '/endpoints/:id/hosts',
    'endpoints',
    'the hosts that have this endpoint',
    { 200: json('the hosts', hostsSchema), ...badId, ...unknown },
    { parameters: [idParam] },
  ),
  ...endpointWrites('/endpoints', 'endpoints'),

  describe('GET', '/ips', 'legacy', "LinK v2: this host's endpoints", {
    200: json('the endpoints', legacyListSchema),
  }),
  describe(
    'POST',
    '/ips',
    'legacy',
    'LinK v2: add an endpoint',
    {
      201: json('the created endpoint, bare', endpointSchema),
      ...badBody,
      409: error('IP already on this host'),
    },
    { requestBody: body(legacyIpBodySchema) },
  ),
  describe(
    'GET',
    '/ips/:id',
    'legacy',
    'LinK v2: one endpoint',
    { 200: json('the endpoint', legacyOneSchema), ...badId, ...unknown },
    { parameters: [idParam] },
  ),
  ...endpointWrites('/ips', 'legacy'),

  describe(
    'GET',
    '/events',
    'events',
    'server-sent events: ready, then one transition event per state change',
    {
      200: text('an event stream; each transition event carries a Transition as JSON', 'text/event-stream'),
      ...badId,
    },
    { parameters: [endpointFilter, query('replay', 'true: first send the retained history')] },
  ),
  describe('GET', '/host', 'host', 'this host: its name and whether it is drained', {
    200: json('the host', hostStateSchema),
  }),
  describe(
    'POST',
    '/host/drain',
    'host',
    'hand every VIP this host holds to another host and take none until undrained; answers once they moved',
    {
      200: json('what moved where', drainReportSchema),
      ...badBody,
      409: error('a held VIP has no other host to go to (force drains anyway)'),
    },
    {
      requestBody: { ...body(drainBodySchema), required: false },
      parameters: [query('force', 'true: drain even when no other host can take a VIP')],
    },
  ),
  describe('POST', '/host/undrain', 'host', 'take part in elections again', {
    200: json('undrained', undrainSchema),
  }),
  describe('GET', '/version', 'system', "the agent's version", { 200: json('the version', versionSchema) }),
  describe(
    'GET',
    '/healthz',
    'system',
    'liveness of this agent (no credentials needed); etcd reachability is reported, not failed',
    { 200: json('alive', healthzSchema) },
    { security: [] },
  ),
  describe('GET', '/metrics', 'system', 'Prometheus metrics', {
    200: text('Prometheus text exposition', 'text/plain'),
  }),
  describe('GET', '/cluster', 'system', "every host's published view of each VIP", {
    200: json('the views', clusterSchema),
  }),
  describe(
    'GET',
    '/history',
    'system',
    "transitions of every host from etcd's durable history (this host's own when etcd is away), oldest first",
    { 200: json('the transitions', historySchema), 400: error('a parameter is wrong') },
    {
      parameters: [
        endpointFilter,
        query('host', 'only this host'),
        query('since', 'an ISO time or epoch milliseconds'),
        query('limit', 'at most this many, the latest'),
      ],
    },
  ),
  describe('GET', '/machine', 'system', "the VIP statechart's definition", {
    200: json('the statechart', machineSchema),
  }),
  describe('GET', '/openapi.json', 'system', 'this document', {
    200: {
      description: 'the OpenAPI 3.1 document',
      content: { 'application/json': { schema: { type: 'object' } } },
    },
  }),

  describe('GET', '/', 'live view', 'redirects to the live view', { 302: { description: 'to /ui' } }),
  describe('GET', '/ui', 'live view', 'the live view (HTML)', { 200: text('the page', 'text/html') }),
  describe('GET', '/ui/', 'live view', 'redirects to the live view', { 302: { description: 'to /ui' } }),
  describe('GET', '/ui/app.js', 'live view', "the live view's script", {
    200: text('JavaScript', 'text/javascript'),
  }),
  describe('GET', '/ui/app.css', 'live view', "the live view's style sheet", {
    200: text('CSS', 'text/css'),
  }),
  describe('GET', '/ui/favicon.svg', 'live view', 'the icon', { 200: text('SVG', 'image/svg+xml') }),
  describe('GET', '/ui/statechart.svg', 'live view', 'the VIP statechart drawn', {
    200: text('SVG', 'image/svg+xml'),
  }),
  describe('GET', '/ui/state', 'live view', "the live view's data: this host's VIPs and recent transitions", {
    200: { description: 'the state', content: { 'application/json': { schema: { type: 'object' } } } },
  }),
  describe('GET', '/ui/cluster', 'live view', "the live view's cluster data", {
    200: { description: 'the cluster', content: { 'application/json': { schema: { type: 'object' } } } },
  }),
  describe('GET', '/ui/events', 'live view', "the live view's event stream", {
    200: text('an event stream', 'text/event-stream'),
  }),
];

/** Registers each description as pass-through middleware on its route, where hono-openapi finds it. */
export function describeApi(app: Hono, routes: readonly RouteDescription[] = API_ROUTES): void {
  for (const route of routes) app.on(route.method, route.path, describeRoute(route.spec));
}
