/**
 * etcd's own count of the requests it served, from its Prometheus endpoint, so the figure covers
 * every client (keepalives, transactions, watches) whatever counts the agents keep themselves.
 */
export interface EtcdRequestCount {
  /** gRPC messages received from clients: one per unary call, one per message on a stream. */
  total: number;
  byMethod: Record<string, number>;
}

const LINE = /^grpc_server_msg_received_total\{([^}]*)\}\s+([0-9.e+]+)$/;

export function parseEtcdRequests(metrics: string): EtcdRequestCount {
  const byMethod: Record<string, number> = {};
  let total = 0;
  for (const line of metrics.split('\n')) {
    const match = LINE.exec(line);
    if (!match) continue;
    const method = /grpc_method="([^"]+)"/.exec(match[1] ?? '')?.[1] ?? 'unknown';
    const value = Number(match[2]);
    byMethod[method] = (byMethod[method] ?? 0) + value;
    total += value;
  }
  return { total, byMethod };
}

/** Scrapes `<etcd>/metrics` (a URL the bench process can reach, e.g. a lab forward). */
export async function etcdRequests(etcdUrl: string): Promise<EtcdRequestCount> {
  const res = await fetch(`${etcdUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`etcd metrics at ${etcdUrl}: HTTP ${res.status}`);
  return parseEtcdRequests(await res.text());
}

/** Requests per second between two scrapes, by method (only methods that saw requests). */
export function requestRate(
  before: EtcdRequestCount,
  after: EtcdRequestCount,
  seconds: number,
): { perSecond: number; byMethod: Record<string, number> } {
  const byMethod: Record<string, number> = {};
  for (const [method, count] of Object.entries(after.byMethod)) {
    const delta = count - (before.byMethod[method] ?? 0);
    if (delta > 0) byMethod[method] = Math.round((delta / seconds) * 100) / 100;
  }
  return { perSecond: Math.round(((after.total - before.total) / seconds) * 100) / 100, byMethod };
}

/**
 * Waits until etcd serves no more than `quietPerSecond` requests a second besides keepalives for
 * `quietSeconds` in a row: the agents' writes of a burst (statuses, history) have drained. Returns
 * how long that took, or null past `timeoutMs`.
 */
export async function writesSettled(
  etcdUrl: string,
  timeoutMs: number,
  { quietPerSecond = 2, quietSeconds = 3 } = {},
): Promise<number | null> {
  const started = performance.now();
  const besidesKeepalives = (count: EtcdRequestCount) => count.total - (count.byMethod.LeaseKeepAlive ?? 0);
  let previous = besidesKeepalives(await etcdRequests(etcdUrl));
  let quiet = 0;
  while (performance.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = besidesKeepalives(await etcdRequests(etcdUrl));
    quiet = now - previous <= quietPerSecond ? quiet + 1 : 0;
    previous = now;
    if (quiet >= quietSeconds) return Math.round(performance.now() - started - quietSeconds * 1000);
  }
  return null;
}
