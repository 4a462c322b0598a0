import type { Context } from 'hono';
import type { z } from 'zod';
import { BadRequestError, ValidationError } from './http-errors.js';

/**
 * Reads and validates a JSON body. The Content-Type is not checked: LinK never did, and
 * `curl -d` sends a form type by default.
 */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BadRequestError(`invalid JSON: ${reason}`, { cause: error });
  }
  const result = schema.safeParse(value);
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}
