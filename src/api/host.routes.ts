import { Hono } from 'hono';
import { z } from 'zod';
import type { AgentService } from '../agent/agent-service.js';
import { callerOf } from './caller.js';
import { ValidationError } from './http-errors.js';
import { readBody } from './json-body.js';

export const drainBodySchema = z.object(
  { force: z.boolean({ error: 'force must be true or false' }).default(false) },
  { error: 'body must be a JSON object like {"force":true}, or empty' },
);

/** `/host`: maintenance of this host (drain, undrain) and its state. */
export function hostRoutes(agent: AgentService): Hono {
  const app = new Hono();

  app.get('/', (c) => c.json({ hostname: agent.hostname, drained: agent.drained }));

  // Synchronous: answers once every held VIP has a new holder (or the bounded handover wait passed).
  // `force` in a JSON body or as `?force=true`.
  app.post('/drain', async (c) => {
    const byQuery = forceQuery(c.req.query('force'));
    const text = await c.req.text();
    const byBody = text.trim() === '' ? false : (await readBody(c, drainBodySchema)).force;
    return c.json(await agent.drain({ force: byQuery || byBody, caller: callerOf(c) }));
  });

  app.post('/undrain', async (c) => {
    await agent.undrain(callerOf(c));
    return c.json({ drained: false });
  });

  return app;
}

function forceQuery(raw: string | undefined): boolean {
  if (raw === undefined || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1' || raw === '') return true;
  throw new ValidationError({ force: ['force must be true or false'] });
}
