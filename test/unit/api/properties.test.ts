import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthThrottle } from '../../../src/api/auth-throttle.js';
import { parseCidr } from '../../../src/model/cidr.js';
import { createEndpointBodySchema } from '../../../src/model/endpoint-schema.js';
import { setup, VALID_BODY } from './harness.js';

const RUNS = 300;

/** Bodies near the real shape, so the checks reach deep fields, not just "not an object". */
const nearlyValidBody = fc.record(
  {
    plugin: fc.oneof(fc.constant('arp'), fc.jsonValue()),
    plugin_config: fc.oneof(
      fc.record({ ip: fc.oneof(fc.ipV4(), fc.ipV6(), fc.string(), fc.jsonValue()).map(withPrefix) }),
      fc.jsonValue(),
    ),
    checks: fc.oneof(
      fc.array(
        fc.record(
          {
            type: fc.oneof(fc.constantFrom('TCP', 'HTTP', 'HTTPS'), fc.jsonValue()),
            host: fc.oneof(fc.domain(), fc.string(), fc.jsonValue()),
            port: fc.oneof(fc.integer({ min: -10, max: 70_000 }), fc.double(), fc.jsonValue()),
            path: fc.oneof(fc.webPath(), fc.jsonValue()),
            expect_status: fc.oneof(fc.string(), fc.integer(), fc.jsonValue()),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 40 },
      ),
      fc.jsonValue(),
    ),
    healthcheck_interval: fc.oneof(fc.integer(), fc.double(), fc.jsonValue()),
    fault_policy: fc.oneof(fc.constantFrom('activate', 'hold', 'release'), fc.jsonValue()),
  },
  { requiredKeys: [] },
);

function withPrefix(value: unknown): unknown {
  return typeof value === 'string' && !value.includes('/') && value.length < 40
    ? `${value}/${(value.length * 7) % 140}`
    : value;
}

/** Header values a client can actually send: no CR, LF or NUL. */
const headerValue = fc.string({ unit: 'binary-ascii', maxLength: 80 }).filter((s) => !/[\r\n\0]/.test(s));

const pathSegment = fc.oneof(
  fc.string({ maxLength: 50 }).map(encodeURIComponent),
  fc.stringMatching(/^[a-zA-Z0-9%.\-_~:@!$&'()*+,;=]{0,45}$/),
  fc.uuid().map((u) => `vip-${u}`),
);

describe('no request makes the API answer 500 or throw', () => {
  it('for any JSON body on POST /endpoints', async () => {
    const { call, errors } = setup();
    await fc.assert(
      fc.asyncProperty(fc.oneof(nearlyValidBody, fc.jsonValue()), async (body) => {
        const { status, json } = await call('POST', '/endpoints', JSON.stringify(body));
        expect([201, 409, 422]).toContain(status);
        if (status === 422) expect(Object.keys(json.errors).length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
    expect(errors).toEqual([]);
  });

  it('for any raw text on every body-taking route', async () => {
    const { agent, call, errors } = setup();
    const view = agent.seed({ ip: '10.9.9.9/32' });
    const routes = [
      ['POST', '/endpoints'],
      ['PUT', `/endpoints/${view.id}`],
      ['PATCH', `/endpoints/${view.id}`],
      ['POST', '/ips'],
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.string({ unit: 'binary', maxLength: 300 }),
        async ([m, p], text) => {
          const { status } = await call(m, p, text, { 'Content-Type': 'application/json' });
          expect(status).toBeLessThan(500);
          expect(status).toBeGreaterThanOrEqual(200);
        },
      ),
      { numRuns: RUNS },
    );
    expect(errors).toEqual([]);
  });

  it('for any Authorization header', async () => {
    // No slow-down here: every guess is checked.
    const { call, errors } = setup({
      auth: { user: 'admin', password: 'pw' },
      authThrottle: new AuthThrottle({ baseMs: 0 }),
    });
    const header = fc.oneof(
      headerValue,
      headerValue.map((s) => `Basic ${s}`),
      fc.string({ maxLength: 40 }).map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
    );
    await fc.assert(
      fc.asyncProperty(header, async (value) => {
        const { status } = await call('GET', '/endpoints', undefined, { Authorization: value });
        expect(status).toBe(401);
      }),
      { numRuns: RUNS },
    );
    expect(errors).toEqual([]);
  });

  it('for any method and path', async () => {
    const { agent, call, errors } = setup();
    agent.seed({ ip: '10.9.9.9/32' });
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS');
    const path = fc.tuple(
      fc.constantFrom('/endpoints/', '/ips/', '/', '/history?endpoint=', '/events?endpoint='),
      pathSegment,
      fc.constantFrom('', '/failover', '/hosts', '/x/y'),
    );
    await fc.assert(
      fc.asyncProperty(method, path, async (m, [prefix, segment, suffix]) => {
        if (prefix.startsWith('/events') && m === 'GET' && /^vip-[a-zA-Z0-9-]{36}$/.test(segment)) return;
        const { status } = await call(m, `${prefix}${segment}${suffix}`);
        expect(status).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
    expect(errors).toEqual([]);
  });

  it('schema and CIDR parsing never throw', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        createEndpointBodySchema.safeParse(value);
        createEndpointBodySchema.safeParse({ ...VALID_BODY, plugin_config: { ip: value } });
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.string(), (value) => {
        parseCidr(value);
      }),
      { numRuns: RUNS },
    );
  });
});
