import { Hono } from 'hono';
import { z } from 'zod';
import type { DeclaredEndpoints } from '../declarative/declared-endpoints.js';
import { endpointsFileSchema } from '../model/endpoints-file-schema.js';
import { toEndpointJson } from './endpoint-json.js';
import { ValidationError } from './http-errors.js';
import { readJson } from './json-body.js';

export const applyBodySchema = z
  .object(
    {
      endpoints: z.unknown(),
      prune: z.boolean({ error: 'must be true or false' }).default(false),
    },
    { error: 'body must be a JSON object like {"endpoints":[…],"prune":false}' },
  )
  .strict();

/**
 * `POST /endpoints/apply`: an endpoints file's content as JSON (what `link-client apply -f` sends).
 * Answers the plan (create, update, delete, unchanged), applied unless `?dry_run=true`. A body with
 * any wrong field is refused whole (422, fields named as in the file: `endpoints.2.checks.0.port`);
 * a plan the agent cannot carry out (a fault policy changed, the endpoint limit) is refused whole
 * (409), and nothing changes.
 */
export function applyRoutes(declared: Pick<DeclaredEndpoints, 'apply'>): Hono {
  const app = new Hono();
  app.post('/', async (c) => {
    const body = applyBodySchema.safeParse(await readJson(c));
    if (!body.success) throw ValidationError.fromZod(body.error);
    const file = endpointsFileSchema.safeParse({ endpoints: body.data.endpoints ?? [] });
    if (!file.success) throw ValidationError.fromZod(file.error);
    const dryRun = c.req.query('dry_run') === 'true';
    const result = await declared.apply(file.data.endpoints, {
      prune: body.data.prune,
      dryRun,
      source: 'api',
    });
    return c.json({
      dry_run: dryRun,
      prune: body.data.prune,
      plan: result.plan,
      ...(result.applied
        ? {
            created: result.applied.created.map(toEndpointJson),
            updated: result.applied.updated.map(toEndpointJson),
            deleted: result.applied.deleted,
          }
        : {}),
    });
  });
  return app;
}
