import { Hono } from 'hono';
import { generateSpecs } from 'hono-openapi';
import { API_ROUTES, describeApi } from './api-description.js';

export type OpenApiDocument = Awaited<ReturnType<typeof generateSpecs>>;

/**
 * The OpenAPI 3.1 document of the API: hono-openapi reads the route table (api-description.ts)
 * registered on an app of its own, so the document does not depend on an agent.
 */
export async function openApiDocument(version: string): Promise<OpenApiDocument> {
  const described = new Hono();
  describeApi(described, API_ROUTES);
  return generateSpecs(described, {
    // /openapi.json and the live view's files are routes of the API like the others.
    excludeStaticFile: false,
    documentation: {
      openapi: '3.1.0',
      info: {
        title: 'LinK',
        version,
        description:
          "HTTP API of a LinK agent (LinK is not Keepalived): Scalingo's LinK v3 routes and shapes, plus " +
          'bulk changes, filters, cluster views, history and events. With --api-user and --api-password, ' +
          'every route but /healthz needs basic auth.',
      },
      components: { securitySchemes: { basic: { type: 'http', scheme: 'basic' } } },
      security: [{ basic: [] }],
    },
  });
}
