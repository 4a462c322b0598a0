import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/api/metrics.js';
import { FakeAgent } from '../../fakes/fake-agent.js';
import { setup } from './harness.js';

function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]] as const),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

describe('GET /metrics', () => {
  it('serves the Prometheus text format', async () => {
    const { call } = setup();
    const { status, headers, text } = await call('GET', '/metrics');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain('# TYPE link_endpoint_state gauge');
    expect(text).toContain('# TYPE link_transitions_total counter');
  });

  it('reads state per endpoint, health and lease time at scrape time', async () => {
    const { agent, call } = setup({ hostname: 'h1', version: '9.9.9' });
    const view = agent.seed({ ip: '10.0.0.1/32' });
    agent.endpoints.set(view.id, { ...view, status: 'ACTIVATED', health: { ok: false, detail: 'refused' } });
    agent.leaseView = { leaseId: '1', deadline: 1_000_000 + 4_500, etcdReachable: true };
    const { text } = await call('GET', '/metrics');
    const labels = { endpoint: view.id, election_key: '10.0.0.1_32' };
    expect(sample(text, 'link_endpoint_state', { ...labels, state: 'ACTIVATED' })).toBe(1);
    // One series per VIP, labelled with its state: 10 000 VIPs are 10 000 series, not 90 000.
    expect(sample(text, 'link_endpoint_state', { ...labels, state: 'STANDBY' })).toBeUndefined();
    expect(sample(text, 'link_endpoints_by_state', { state: 'ACTIVATED' })).toBe(1);
    expect(sample(text, 'link_endpoints_by_state', { state: 'STANDBY' })).toBe(0);
    expect(sample(text, 'link_endpoint_healthy', labels)).toBe(0);
    expect(sample(text, 'link_endpoints')).toBe(1);
    expect(sample(text, 'link_host_lease_remaining_seconds')).toBe(4.5);
    expect(sample(text, 'link_etcd_reachable')).toBe(1);
    expect(sample(text, 'link_info', { hostname: 'h1', version: '9.9.9' })).toBe(1);

    agent.endpoints.delete(view.id);
    const after = (await call('GET', '/metrics')).text;
    expect(sample(after, 'link_endpoint_state', labels)).toBeUndefined();
  });

  it('reads every VIP once per scrape, however many gauges show them', async () => {
    const { agent, call } = setup();
    for (let i = 1; i <= 3; i++) agent.seed({ ip: `10.0.0.${i}/32` });
    let lists = 0;
    const list = agent.list.bind(agent);
    agent.list = () => {
      lists++;
      return list();
    };
    await call('GET', '/metrics');
    expect(lists).toBe(1);
    await call('GET', '/metrics');
    expect(lists).toBe(2);
  });

  it('counts transitions and failovers from the agent, and what the agent feeds', async () => {
    const { agent, metrics, call } = setup();
    const view = agent.seed({ ip: '10.0.0.1/32' });
    agent.setStatus(view.id, 'ACTIVATED', 'elected');
    agent.setStatus(view.id, 'FAILING', 'health_check_fail');
    metrics.etcdError('keepalive');
    metrics.etcdError('keepalive');
    metrics.healthResult('10.0.0.1_32', true);
    const { text } = await call('GET', '/metrics');
    const key = { election_key: '10.0.0.1_32' };
    expect(
      sample(text, 'link_transitions_total', { ...key, from: 'STANDBY', to: 'ACTIVATED', event: 'elected' }),
    ).toBe(1);
    expect(sample(text, 'link_failovers_total', { ...key, direction: 'in' })).toBe(1);
    expect(sample(text, 'link_failovers_total', { ...key, direction: 'out' })).toBe(1);
    expect(sample(text, 'link_etcd_errors_total', { operation: 'keepalive' })).toBe(2);
    expect(sample(text, 'link_health_checks_total', { ...key, result: 'ok' })).toBe(1);
  });

  it('times etcd calls by operation in seconds', async () => {
    const { metrics, call } = setup();
    metrics.etcdCall('txn', 12);
    metrics.etcdCall('txn', 410);
    const { text } = await call('GET', '/metrics');
    expect(sample(text, 'link_etcd_request_duration_seconds_count', { operation: 'txn' })).toBe(2);
    expect(sample(text, 'link_etcd_request_duration_seconds_sum', { operation: 'txn' })).toBeCloseTo(0.422);
    expect(sample(text, 'link_etcd_request_duration_seconds_bucket', { operation: 'txn', le: '0.25' })).toBe(
      1,
    );
    expect(sample(text, 'link_etcd_request_duration_seconds_bucket', { operation: 'txn', le: '0.5' })).toBe(
      2,
    );
  });

  it('counts requests by route pattern, not by path', async () => {
    const { call } = setup();
    await call('GET', '/endpoints/vip-00000000-0000-4000-8000-000000000000');
    await call('GET', '/endpoints/vip-00000000-0000-4000-8000-000000000001');
    await call('GET', '/no/such/path');
    await call('BREW', '/endpoints');
    const { text } = await call('GET', '/metrics');
    expect(sample(text, 'link_http_requests_total', { route: '/endpoints/:id', status: '404' })).toBe(2);
    expect(sample(text, 'link_http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
    expect(sample(text, 'link_http_requests_total', { method: 'OTHER' })).toBe(1);
  });

  it('stops reading the agent once unbound', async () => {
    const agent = new FakeAgent();
    agent.seed({ ip: '10.0.0.1/32' });
    const metrics = createMetrics({ processMetrics: false });
    const unbind = metrics.bindAgent(agent);
    expect(sample(await metrics.registry.metrics(), 'link_endpoints')).toBe(1);
    unbind();
    expect(agent.listenerCount).toBe(0);
    expect(sample(await metrics.registry.metrics(), 'link_endpoints')).toBe(0);
  });

  it('includes process metrics by default', async () => {
    const metrics = createMetrics();
    expect(await metrics.registry.metrics()).toContain('process_cpu_seconds_total');
  });
});
