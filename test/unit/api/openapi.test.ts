import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/api/app.js';
import { openApiDocument } from '../../../src/api/openapi/openapi-document.js';
import { createUiRoutes } from '../../../src/api/ui/ui.routes.js';
import { VERSION } from '../../../src/config/package-version.js';
import { FakeAgent } from '../../fakes/fake-agent.js';
import { answerChecker, openApiPath } from '../../support/openapi-answers.js';
import { setup, UNKNOWN_ID, VALID_BODY } from './harness.js';

const committed = JSON.parse(readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8'));

/** Every method and path the app serves, as OpenAPI writes them (middleware aside). */
function servedRoutes(): string[] {
  const agent = new FakeAgent();
  const declared = { apply: () => Promise.reject(new Error('not called')) };
  const app = createApp({ agent, ui: createUiRoutes({ agent }), declared });
  const routes = app.routes
    .filter((route) => route.method !== 'ALL')
    .map((route) => `${route.method} ${openApiPath(route.path)}`);
  return [...new Set(routes)].sort();
}

function documentedRoutes(document: Awaited<ReturnType<typeof openApiDocument>>): string[] {
  return Object.entries(document.paths ?? {})
    .flatMap(([path, item]) => Object.keys(item ?? {}).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

describe('OpenAPI document', () => {
  it('docs/openapi.json is the document the agent serves (npm run docs writes it)', async () => {
    expect(committed, 'docs/openapi.json is stale: run npm run docs').toEqual(
      JSON.parse(JSON.stringify(await openApiDocument(VERSION))),
    );
    expect(committed.openapi).toBe('3.1.0');
  });

  it('GET /openapi.json answers it', async () => {
    const { call } = setup({ version: VERSION });
    const res = await call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.json).toEqual(committed);
  });

  it('describes every route the app serves, and only those', async () => {
    const served = servedRoutes();
    expect(served).toContain('POST /endpoints');
    expect(served.length).toBeGreaterThan(25);
    expect(documentedRoutes(await openApiDocument(VERSION))).toEqual(served);
  });

  it('describes request bodies with the schemas the routes validate with', () => {
    const create = committed.paths['/endpoints'].post.requestBody.content['application/json'].schema;
    expect(create.required).toEqual(expect.arrayContaining(['plugin', 'plugin_config']));
    expect(create.properties.fault_policy.enum).toEqual(['activate', 'hold', 'release']);
    expect(create.properties.checks.maxItems).toBe(32);
  });

  it('answers of the API (fake agent) match it, errors included', async () => {
    const check = answerChecker(committed);
    const { call, agent } = setup({ version: VERSION });
    const problems: string[] = [];
    const record = async (method: string, route: string, path: string, body?: unknown) => {
      const res = await call(method, path, body);
      problems.push(...check(method, route, res.status, res.headers.get('content-type') ?? '', res.json));
      return res;
    };
    const created = await record('POST', '/endpoints', '/endpoints', VALID_BODY);
    const id = (created.json as { endpoint: { id: string } }).endpoint.id;
    await record('POST', '/endpoints', '/endpoints', { plugin: 'nope' });
    await record('POST', '/endpoints', '/endpoints', '{not json');
    await record('GET', '/endpoints', '/endpoints');
    await record('GET', '/endpoints', '/endpoints?limit=1');
    await record('GET', '/endpoints/summary', '/endpoints/summary');
    await record('GET', '/endpoints/:id', `/endpoints/${id}`);
    await record('GET', '/endpoints/:id', `/endpoints/${UNKNOWN_ID}`);
    await record('GET', '/endpoints/:id', '/endpoints/nope');
    await record('GET', '/endpoints/:id/hosts', `/endpoints/${id}/hosts`);
    await record('PATCH', '/endpoints/:id', `/endpoints/${id}`, { healthchecks: [] });
    await record('POST', '/endpoints/bulk', '/endpoints/bulk?dry_run=true', { create: [VALID_BODY] });
    await record('GET', '/ips', '/ips');
    await record('GET', '/ips/:id', `/ips/${id}`);
    await record('GET', '/version', '/version');
    await record('GET', '/healthz', '/healthz');
    await record('GET', '/history', '/history');
    await record('GET', '/cluster', '/cluster');
    await record('GET', '/machine', '/machine');
    await record('DELETE', '/endpoints/:id', `/endpoints/${id}`);
    expect(agent.list()).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('finds an answer that does not match (the check can fail)', () => {
    const check = answerChecker(committed);
    expect(check('GET', '/version', 200, 'application/json', { version: 3 })).not.toEqual([]);
    expect(check('GET', '/version', 418, 'application/json', {})).not.toEqual([]);
    expect(check('GET', '/nowhere', 200, 'application/json', {})).not.toEqual([]);
  });
});
