import { z } from 'zod';
import {
  checksSchema,
  createEndpointBodySchema,
  endpointIdSchema,
  intervalSchema,
} from './endpoint-schema.js';

/** Items one `POST /endpoints/bulk` may carry, all lists together: bounds the work of one request. */
export const MAX_BULK_ITEMS = 20_000;

/** One update: the endpoint's id and LinK's update body (`healthchecks`), plus an optional interval. */
export const endpointUpdateItemSchema = z
  .object(
    {
      id: endpointIdSchema,
      healthchecks: checksSchema.optional(),
      checks: checksSchema.optional(),
      healthcheck_interval: intervalSchema.optional(),
    },
    { error: 'must be an object like {"id":"vip-…","healthchecks":[…]}' },
  )
  .transform((item, ctx) => {
    const checks = item.healthchecks ?? item.checks;
    if (checks === undefined) {
      ctx.issues.push({
        code: 'custom',
        path: ['healthchecks'],
        message: 'healthchecks is required',
        input: item,
      });
      return z.NEVER;
    }
    return { id: item.id, checks, healthcheckInterval: item.healthcheck_interval };
  });

/** The lists of a bulk request, each item still unparsed: items are validated one by one. */
export const endpointChangesEnvelopeSchema = z
  .object(
    {
      create: z.array(z.unknown(), { error: 'must be a list of endpoints' }).default([]),
      update: z.array(z.unknown(), { error: 'must be a list of {"id","healthchecks"}' }).default([]),
      delete: z.array(z.unknown(), { error: 'must be a list of endpoint ids' }).default([]),
    },
    { error: 'body must be a JSON object like {"create":[…],"update":[…],"delete":[…]}' },
  )
  .strict()
  .refine((body) => body.create.length + body.update.length + body.delete.length <= MAX_BULK_ITEMS, {
    message: `at most ${MAX_BULK_ITEMS} items in one request`,
    path: [],
  });

export const bulkItemSchemas = {
  create: createEndpointBodySchema,
  update: endpointUpdateItemSchema,
  delete: endpointIdSchema,
} as const;
