import type { EndpointView, PeerStatus } from '../src/agent/agent-service.js';

/** The few API calls the demo makes, each with a deadline: an agent the story just crashed must not hang it. */
export async function callApi<T>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = 3000,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    signal: AbortSignal.timeout(timeoutMs),
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export interface TcpCheck {
  type: 'TCP';
  host: string;
  port: number;
}

export async function createVip(
  baseUrl: string,
  ip: string,
  check: TcpCheck,
  intervalSeconds: number,
): Promise<EndpointView> {
  const res = await callApi<{ endpoint: EndpointView }>(baseUrl, 'POST', '/endpoints', {
    plugin: 'arp',
    plugin_config: { ip },
    checks: [check],
    healthcheck_interval: intervalSeconds,
  });
  if (res.status !== 201)
    throw new Error(`POST /endpoints answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.endpoint;
}

/** This host's view of the VIP, or undefined when its agent does not answer. */
export async function vipOn(baseUrl: string | undefined, ip: string): Promise<EndpointView | undefined> {
  if (baseUrl === undefined) return undefined;
  try {
    const res = await callApi<{ endpoints: EndpointView[] }>(baseUrl, 'GET', '/endpoints', undefined, 1000);
    return res.body.endpoints.find((endpoint) => endpoint.ip === ip);
  } catch {
    return undefined;
  }
}

export async function clusterOf(baseUrl: string): Promise<PeerStatus[]> {
  return (await callApi<{ cluster: PeerStatus[] }>(baseUrl, 'GET', '/cluster')).body.cluster;
}
