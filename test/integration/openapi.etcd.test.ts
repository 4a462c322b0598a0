/**
 * Recorded answers of a real agent (linkd with a real etcd; dry run, so nothing is bound) checked
 * against docs/openapi.json: every answer's status is one the document lists for its route, and
 * every JSON body matches the schema given for that status.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EtcdServer, startEtcd } from '../support/etcd-server.js';
import { LoopbackAgent } from '../support/loopback-agent.js';
import { answerChecker } from '../support/openapi-answers.js';

const document = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
const UNKNOWN_ID = 'vip-00000000-0000-4000-8000-000000000000';

describe('answers of a running linkd against docs/openapi.json', () => {
  let etcd: EtcdServer;
  let agent: LoopbackAgent;

  beforeAll(async () => {
    etcd = await startEtcd();
    agent = new LoopbackAgent('oas-a', { LINK_HEALTH_INTERVAL: '1' });
    await agent.start(etcd.url);
  }, 120_000);

  afterAll(async () => {
    await agent?.kill();
    await etcd?.destroy();
  });

  it('every recorded answer is described', async () => {
    const check = answerChecker(document);
    const recorded: string[] = [];
    const problems: string[] = [];
    const record = async (method: string, route: string, path: string, body?: unknown) => {
      const res = await fetch(`${agent.url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        signal: AbortSignal.timeout(15_000),
      });
      const contentType = res.headers.get('content-type') ?? '';
      const text = method === 'GET' && route.endsWith('events') ? '' : await res.text();
      if (route.endsWith('events')) await res.body?.cancel();
      const json = contentType.startsWith('application/json') && text ? JSON.parse(text) : undefined;
      recorded.push(`${method} ${path} -> ${res.status}`);
      problems.push(...check(method, route, res.status, contentType, json));
      return json;
    };
    const body = {
      plugin: 'arp',
      plugin_config: { ip: '10.99.1.1/32' },
      checks: [{ type: 'HTTP', host: '127.0.0.1', port: 1, path: '/health', expect_status: '200-299' }],
      healthcheck_interval: 1,
    };
    const created = await record('POST', '/endpoints', '/endpoints', body);
    const id = created.endpoint.id as string;
    await record('POST', '/endpoints', '/endpoints', body); // 409: the IP is already here
    await record('POST', '/endpoints', '/endpoints', {
      plugin: 'arp',
      plugin_config: { ip: '300.1.1.1/32' },
    });
    await record('POST', '/endpoints', '/endpoints', '{');
    await record('GET', '/endpoints', '/endpoints');
    await record('GET', '/endpoints', '/endpoints?state=ACTIVATED,STANDBY&limit=1');
    await record('GET', '/endpoints', '/endpoints?state=NOPE');
    await record('GET', '/endpoints/summary', '/endpoints/summary');
    await record('GET', '/endpoints/:id', `/endpoints/${id}`);
    await record('GET', '/endpoints/:id', `/endpoints/${UNKNOWN_ID}`);
    await record('GET', '/endpoints/:id', '/endpoints/not-an-id');
    await record('GET', '/endpoints/:id/hosts', `/endpoints/${id}/hosts`);
    await record('PATCH', '/endpoints/:id', `/endpoints/${id}`, { healthchecks: [] });
    await record('PUT', '/endpoints/:id', `/endpoints/${id}`, {
      checks: [{ type: 'TCP', host: 'x', port: 0 }],
    });
    await record('POST', '/endpoints/:id/failover', `/endpoints/${id}/failover`);
    await record('POST', '/endpoints/bulk', '/endpoints/bulk?dry_run=true', { create: [], delete: [id] });
    await record('POST', '/endpoints/apply', '/endpoints/apply?dry_run=true', {
      endpoints: [{ ip: '10.99.1.3/32', checks: [{ type: 'TCP', host: '127.0.0.1', port: 22 }] }],
    });
    await record('POST', '/endpoints/apply', '/endpoints/apply', { endpoints: [{ ip: 'nope' }] });
    await record('POST', '/ips', '/ips', { ip: '10.99.1.2/32' });
    await record('GET', '/ips', '/ips');
    await record('GET', '/ips/:id', `/ips/${UNKNOWN_ID}`);
    await record('GET', '/host', '/host');
    await record('POST', '/host/drain', '/host/drain', '{"force":"yes"}');
    await record('POST', '/host/drain', '/host/drain');
    await record('POST', '/host/undrain', '/host/undrain');
    await record('GET', '/version', '/version');
    await record('GET', '/healthz', '/healthz');
    await record('GET', '/cluster', '/cluster');
    await record('GET', '/history', `/history?endpoint=${id}`);
    await record('GET', '/history', '/history?since=yesterday');
    await record('GET', '/machine', '/machine');
    await record('GET', '/metrics', '/metrics');
    await record('GET', '/openapi.json', '/openapi.json');
    await record('GET', '/ui/state', '/ui/state');
    await record('GET', '/events', `/events?endpoint=${id}`);
    await record('DELETE', '/endpoints/:id', `/endpoints/${id}`);
    await record('DELETE', '/endpoints/:id', `/endpoints/${id}`);
    console.log(recorded.join('\n'));
    expect(recorded.length).toBeGreaterThan(25);
    expect(problems).toEqual([]);
  }, 120_000);
});
