import type { AppDeps } from '../../../src/api/app.js';
import { createApp } from '../../../src/api/app.js';
import { createMetrics } from '../../../src/api/metrics.js';
import { FakeAgent, type FakeAgentOptions } from '../../fakes/fake-agent.js';

export const VALID_BODY = {
  plugin: 'arp',
  plugin_config: { ip: '10.0.0.1/32' },
  checks: [{ type: 'TCP', host: '10.0.0.5', port: 5432 }],
  healthcheck_interval: 5,
};

/** A well-formed id that no endpoint has. */
export const UNKNOWN_ID = 'vip-00000000-0000-4000-8000-000000000000';

export function setup(options: FakeAgentOptions & Partial<Omit<AppDeps, 'agent'>> = {}) {
  const agent = new FakeAgent(options);
  const metrics = createMetrics({ processMetrics: false, now: () => 1_000_000 });
  metrics.bindAgent(agent);
  const errors: unknown[] = [];
  const logger = {
    debug() {},
    info() {},
    warn() {},
    error: (obj: object) => errors.push(obj),
    child: () => logger,
  };
  const app = createApp({ logger, metrics, ...options, agent });

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['Content-Type'] ??= 'application/json';
    }
    const response = await app.request(path, init);
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
    return { status: response.status, headers: response.headers, text, json: json as any };
  }

  return { agent, app, metrics, errors, call };
}
