import type { EndpointJson } from '../../api/endpoint-json.js';
import { describeWireCheck } from './health-check-arg.js';

/** A plain text table: columns padded to their widest cell, no colour, so it greps and diffs. */
export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function describeChecks(endpoint: Pick<EndpointJson, 'checks'>): string {
  return endpoint.checks.length === 0 ? 'None' : endpoint.checks.map(describeWireCheck).join(', ');
}

export function endpointsTable(endpoints: EndpointJson[]): string {
  if (endpoints.length === 0) return 'No endpoints configured.';
  return renderTable(
    ['ID', 'IP', 'ELECTION KEY', 'STATUS', 'HOLDER', 'PLUGIN', 'CHECKS'],
    endpoints.map((e) => [
      e.id,
      e.ip,
      e.election_key,
      e.status,
      e.holder ?? '-',
      e.plugin,
      describeChecks(e),
    ]),
  );
}

export function endpointDetails(endpoint: EndpointJson, hosts: string[]): string {
  const health =
    endpoint.health === null ? 'unknown' : endpoint.health.ok ? 'ok' : `failing: ${endpoint.health.detail}`;
  const interval =
    endpoint.healthcheck_interval === 0 ? 'agent default' : `${endpoint.healthcheck_interval} s`;
  const lines: [string, string][] = [
    ['ID', endpoint.id],
    ['Status', endpoint.status],
    ['IP', endpoint.ip],
    ['Election Key', endpoint.election_key],
    ['Plugin', endpoint.plugin],
    ['Holder', endpoint.holder ?? '-'],
    ['Fencing Token', endpoint.fencing_token ?? '-'],
    ['Fault Policy', endpoint.fault_policy],
    ['Health', health],
    ['Checks', describeChecks(endpoint)],
    ['Check Interval', interval],
  ];
  if (endpoint.last_fault) lines.push(['Last Fault', endpoint.last_fault]);
  const width = Math.max(...lines.map(([label]) => label.length)) + 2;
  const body = lines.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`);
  return [...body, 'Hosts:', ...(hosts.length === 0 ? ['  (none)'] : hosts.map((h) => `  - ${h}`))].join(
    '\n',
  );
}
