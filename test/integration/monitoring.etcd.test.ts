/**
 * deploy/prometheus and deploy/grafana against promtool and a real agent: the alert rules load
 * and pass their promtool unit tests, and every metric the rules and the dashboard query is one
 * a running linkd exposes (a renamed metric would leave a panel empty and an alert silent).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../lab/agents.js';
import { REPO_ROOT } from '../lab/lab.js';
import { type EtcdServer, startEtcd } from '../support/etcd-server.js';
import { LoopbackAgent } from '../support/loopback-agent.js';

const RULES = join(REPO_ROOT, 'deploy/prometheus/link-alerts.yml');
const RULE_TESTS = join(REPO_ROOT, 'deploy/prometheus/link-alerts.test.yml');
const DASHBOARD = join(REPO_ROOT, 'deploy/grafana/link-dashboard.json');

/** promtool from Debian's prometheus package: installed, or unpacked by scripts/ensure-deps.sh. */
const PROMTOOL = ['/usr/bin/promtool', join(REPO_ROOT, '.runtime/prometheus/usr/bin/promtool')].find((path) =>
  existsSync(path),
);

function promtool(...args: string[]): { status: number | null; output: string } {
  if (!PROMTOOL) throw new Error('promtool is missing: run bash scripts/ensure-deps.sh');
  const result = spawnSync(PROMTOOL, args, { encoding: 'utf8', cwd: REPO_ROOT });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

interface Query {
  where: string;
  expr: string;
}

/** Every PromQL query of the dashboard, Grafana's variables given values Prometheus accepts. */
function dashboardQueries(): Query[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: { title: string; targets: { refId: string; expr: string }[] }[];
    templating: { list: { name: string; query: unknown; type: string }[] };
  };
  const queries = dashboard.panels.flatMap((panel) =>
    panel.targets.map((target) => ({ where: `panel "${panel.title}" ${target.refId}`, expr: target.expr })),
  );
  for (const variable of dashboard.templating.list) {
    const inner = /^label_values\((.*), *\w+\)$/.exec(String(variable.query))?.[1];
    if (variable.type === 'query' && inner) queries.push({ where: `variable ${variable.name}`, expr: inner });
  }
  return queries.map(({ where, expr }) => ({
    where,
    expr: expr.replaceAll('$__rate_interval', '5m').replaceAll('$instance', '.*'),
  }));
}

function ruleQueries(): Query[] {
  const text = readFileSync(RULES, 'utf8');
  return [...text.matchAll(/- alert: (\w+)\n(?:\s+#.*\n)*\s+expr: (.+)\n/g)].map((match) => ({
    where: `alert ${match[1]}`,
    expr: match[2]!,
  }));
}

/** Metric names in a query: identifiers that are not functions, keywords, labels or durations. */
function metricNames(expr: string): string[] {
  const withoutStrings = expr.replace(/"[^"]*"/g, '""').replace(/\{[^}]*\}/g, '{}');
  const withoutGrouping = withoutStrings.replace(
    /\b(by|without|on|ignoring|group_left|group_right) *\([^)]*\)/g,
    '',
  );
  return [...withoutGrouping.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?! *\()/g)]
    .map((match) => match[1]!)
    .filter((name) => !/^(and|or|unless|bool|offset)$/.test(name) && !/^\d/.test(name));
}

describe('alert rules (promtool)', () => {
  it('promtool check rules accepts them', () => {
    const result = promtool('check', 'rules', RULES);
    expect(result.output).toContain('SUCCESS');
    expect(result.status, result.output).toBe(0);
  });

  it('promtool test rules: each alert fires on the series it is about, and only then', () => {
    const result = promtool('test', 'rules', RULE_TESTS);
    expect(result.status, result.output).toBe(0);
    for (const alert of ruleQueries().map((query) => query.where.replace('alert ', ''))) {
      expect(readFileSync(RULE_TESTS, 'utf8'), `${alert} has no promtool test`).toContain(
        `alertname: ${alert}`,
      );
    }
  });
});

describe('metric names in the rules and the dashboard', () => {
  let etcd: EtcdServer;
  let agent: LoopbackAgent;
  let exposed: Set<string>;
  const types = new Map<string, string>();
  const scratch = mkdtempSync(join(tmpdir(), 'link-monitoring-'));

  beforeAll(async () => {
    etcd = await startEtcd();
    agent = new LoopbackAgent('mon-a', { LINK_HEALTH_INTERVAL: '1' });
    await agent.start(etcd.url);
    // A VIP with a failing health check: the per-endpoint and per-check series appear.
    const created = await agent.api('POST', '/endpoints', {
      plugin: 'arp',
      plugin_config: { ip: '10.99.0.1/32' },
      checks: [{ type: 'TCP', host: '127.0.0.1', port: 1 }],
    });
    expect(created.status).toBe(201);
    let text = '';
    await eventually(
      async () => {
        text = await (await fetch(`${agent.url}/metrics`)).text();
        return text.includes('link_endpoint_healthy{');
      },
      30_000,
      'a health result in /metrics',
    );
    // Every metric the agent registers, with or without a sample yet; and Prometheus's own `up`.
    for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types.set(match[1]!, match[2]!);
    exposed = new Set(types.keys());
    // A histogram's series are queried by their suffixed names.
    for (const [name, type] of types)
      if (type === 'histogram')
        for (const suffix of ['_bucket', '_sum', '_count']) exposed.add(name + suffix);
    exposed.add('up');
  }, 120_000);

  afterAll(async () => {
    await agent?.kill();
    await etcd?.destroy();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('the agent exposes the metrics the alerts are about, named by Prometheus conventions', () => {
    for (const name of ['link_endpoint_state', 'link_host_lease_remaining_seconds', 'link_failovers_total'])
      expect(exposed).toContain(name);
    const own = [...types].filter(([name]) => name.startsWith('link_'));
    expect(own.length).toBeGreaterThan(8);
    for (const [name, type] of own) {
      if (type === 'counter') expect(name, 'a counter ends in _total').toMatch(/_total$/);
      else expect(name, 'only counters end in _total').not.toMatch(/_total$/);
      expect(name, 'the unit goes last: _seconds, not _seconds_left').not.toMatch(/_(seconds|bytes)_[a-z]+$/);
      expect(name, 'base units: seconds, bytes').not.toMatch(/_(ms|milliseconds|minutes|kb|mb)(_|$)/);
    }
  });

  it.each([...ruleQueries(), ...dashboardQueries()])('$where queries exposed metrics only', ({ expr }) => {
    const names = metricNames(expr);
    expect(names.length, expr).toBeGreaterThan(0);
    for (const name of names) expect(exposed, `${name} in ${expr}`).toContain(name);
  });

  it('every dashboard query is valid PromQL (promtool, as recording rules)', () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThanOrEqual(10);
    const rules = queries.map(
      (query, i) => `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(query.expr)}\n`,
    );
    const file = join(scratch, 'dashboard-queries.yml');
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('')}`);
    const result = promtool('check', 'rules', file);
    expect(result.status, result.output).toBe(0);
  });
});
