import type { Context } from 'hono';
import type { z } from 'zod';
import { BadRequestError, ValidationError } from './http-errors.js';

/**
 * Reads and validates a JSON body. The Content-Type is not checked: LinK never did, and
 * `curl -d` sends a form type by default.
 */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const value = await readJson(c);
  const result = schema.safeParse(value);
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}

/** The body as JSON, unvalidated; 400 when it is not JSON. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BadRequestError(`invalid JSON: ${reason}`, { cause: error });
  }
}
