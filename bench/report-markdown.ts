import { SCENARIO_LABELS } from './failover.js';
import { type BenchResults, checkGoals } from './results.js';
import type { Summary } from './stats.js';

const n0 = (v: number) => (Number.isNaN(v) ? 'n/a' : String(Math.round(v)));
const n1 = (v: number) => (Number.isNaN(v) ? 'n/a' : v.toFixed(1));

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

const spread = (s: Summary, f = n0) => [f(s.min), f(s.median), f(s.p95), f(s.max)];

/** The results as markdown tables, for results/latest.md and the README summary. */
export function renderMarkdown(results: BenchResults): string {
  const { machine, load } = results;
  const out: string[] = [
    '# LinK benchmarks',
    '',
    `Run ${results.startedAt} to ${results.finishedAt} on ${machine.nproc} × ${machine.cpuModel}, Linux ${machine.kernel}, ` +
      `Node ${machine.node}, etcd ${machine.etcd}, keepalived ${machine.keepalived}; linkd ${results.runtime}. ` +
      `Load average (1 min): ${load.start} at start, ${load.max} at most, ${load.end} at the end.`,
    '',
  ];

  const goals = checkGoals(results);
  if (goals.length > 0) {
    out.push('## Goals', '');
    out.push(
      table(
        ['goal', 'target', 'measured', 'met'],
        goals.map((g) => [g.goal, g.target, g.measured, g.met === undefined ? '–' : g.met ? 'yes' : 'no']),
      ),
      '',
    );
  }

  const failover = results.failover;
  if (failover) {
    out.push('## Failover: the outage a client sees', '');
    out.push(
      `One VIP on 3 hosts, a TCP backend on each; a client connects to the VIP every ${failover.probe.everyMs} ms ` +
        `(probe timeout ${failover.probe.timeoutMs} ms, so while nothing answers the outage is known to ±${failover.probe.timeoutMs} ms). ` +
        'Outage: first failed probe to the first success after the last failure. Each repeat starts with one holder ' +
        'serving the client for 1 s and ends when another host has served it for 1 s.',
      '',
    );
    out.push(
      table(
        [
          'tool',
          'scenario',
          'runs',
          'recovered',
          'min ms',
          'median ms',
          'p95 ms',
          'max ms',
          'failed probes (median / max)',
        ],
        failover.rows.map((r) => [
          r.tool,
          SCENARIO_LABELS[r.scenario],
          String(r.runs),
          String(r.recovered),
          ...spread(r.outage),
          `${n0(r.failedProbes.median)} / ${n0(r.failedProbes.max)}`,
        ]),
      ),
      '',
    );
    for (const [tool, settings] of Object.entries(failover.settings)) {
      out.push(
        `${tool}: ${Object.entries(settings)
          .map(([k, v]) => `\`${k}\` ${v}`)
          .join(', ')}.`,
        '',
      );
    }
  }

  const scale = results.scale;
  if (scale && scale.length > 0) {
    out.push('## Scale: N VIPs, each configured on all 3 agents', '');
    out.push(
      table(
        [
          'VIPs',
          'create (how, ms)',
          'one holder each (ms)',
          'etcd writes settled after (ms)',
          'RSS agent / frame worker (MB)',
          'CPU to converge (s)',
          'idle CPU (%)',
          'etcd idle (req/s)',
          'crash: VIPs moved',
          'crash: first / all re-owned (ms)',
          'etcd during failover (req/s, peak)',
          'load (start / max)',
        ],
        scale.map((s) => {
          const max = (f: (a: (typeof s.agentUsage)[number]) => number) => Math.max(...s.agentUsage.map(f));
          return [
            String(s.vips),
            `${s.create ?? 'api'} ${s.createMs}${s.createRetries ? ` (${s.createRetries} retried)` : ''}`,
            String(s.convergeMs),
            s.settleMs === undefined ? '–' : s.settleMs === null ? 'not within 120 s' : String(s.settleMs),
            `${n1(max((a) => a.rssMb))} / ${n1(max((a) => a.workerRssMb ?? a.rssTreeMb - a.rssMb))}`,
            n1(max((a) => a.convergeCpuSeconds)),
            n1(max((a) => a.idleCpuPercent)),
            String(s.etcdIdle.perSecond),
            String(s.failover.held),
            `${s.failover.firstReownMs ?? 'n/a'} / ${s.failover.reownMs === null ? 'not within 60 s' : s.failover.reownMs}`,
            `${s.failover.etcdPerSecond}, ${s.failover.etcdPeakPerSecond}`,
            `${s.load1} / ${s.loadMax ?? s.load1}`,
          ];
        }),
      ),
      '',
      'Per-agent figures are the highest of the 3 agents. "create": `bulk` is one `POST /endpoints/bulk` per agent with every VIP, ' +
        '`api` one `POST /endpoints` per VIP and agent. "one holder each": from the first create until the ' +
        'kernels of the 3 hosts show every VIP bound exactly once; "etcd writes settled": from then until etcd serves at most 2 requests/s besides keepalives for 3 s (the status and history records caught up), after which the idle window starts. etcd requests are etcd\'s own count ' +
        '(`grpc_server_msg_received_total`). The crash takes down the host holding the most VIPs (eth0 down + SIGKILL); ' +
        '"re-owned": until the first, and until each, of its VIPs is bound on exactly one survivor (the survivors end the claim of the crashed host once their probes agree it is dead, or else its lease expires 3 to 6.5 s after the crash).',
      '',
    );
    const withPlacement = scale.filter((s) => s.placement);
    if (withPlacement.length > 0) {
      out.push(
        table(
          [
            'VIPs',
            '`--placement`',
            'placement after the create',
            'after the crash (survivors)',
            'after the crashed host returned',
          ],
          withPlacement.map((s) => [
            String(s.vips),
            s.placementMode ?? 'preferred',
            placement(s.placement.afterCreate),
            placement(s.placement.afterCrash),
            placement(s.placement.afterReturn),
          ]),
        ),
        '',
      );
    }
    const withApi = scale.filter((s) => s.api);
    if (withApi.length > 0) {
      out.push(
        table(
          [
            'VIPs',
            'GET /endpoints?limit=100 (ms)',
            'GET /endpoints, all (ms, KiB)',
            'GET /endpoints/summary (ms)',
            'GET /cluster (ms)',
            'GET /metrics (ms)',
          ],
          withApi.map((s) => [
            String(s.vips),
            n1(s.api.page100Ms),
            `${n1(s.api.fullListMs)}, ${Math.round(s.api.fullListBytes / 1024)}`,
            n1(s.api.summaryMs),
            n1(s.api.clusterMs),
            n1(s.api.metricsMs),
          ]),
        ),
        '',
        "API medians through the lab's loopback forward to one agent, with every VIP in place.",
        '',
      );
    }
    const idle = scale.map((s) => `${s.vips} VIPs: ${JSON.stringify(s.etcdIdle.byMethod)}`).join('; ');
    out.push(`Idle etcd requests by method (per second): ${idle}.`, '');
  }

  const api = results.api;
  if (api) {
    out.push(`## API latency (${api.endpoints} endpoints, dry-run agent, etcd on loopback)`, '');
    out.push(
      table(
        ['request', 'n', 'min ms', 'median ms', 'p95 ms', 'max ms'],
        [
          ['POST /endpoints (one after another)', String(api.create.n), ...spread(api.create, n1)],
          [
            `GET /endpoints (all ${api.endpoints}, ${Math.round(api.listBytes / 1024)} KiB)`,
            String(api.list.n),
            ...spread(api.list, n1),
          ],
          ['GET /endpoints/:id', String(api.get.n), ...spread(api.get, n1)],
        ],
      ),
      '',
      `The dry-run agent then had an RSS of ${api.rssMb} MB and had used ${api.cpuSeconds} s of CPU.`,
      '',
    );
  }

  if (results.errors.length > 0) {
    out.push('## Suites that failed', '');
    for (const e of results.errors) out.push(`- ${e.suite}: ${e.message.split('\n')[0]}`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

/** `a 3334, b 3333, c 3333` (hosts by name; `(none)` and `(several)` last). */
function placement(p: Record<string, number>): string {
  return Object.entries(p)
    .sort(([a], [b]) => (a.startsWith('(') ? 1 : 0) - (b.startsWith('(') ? 1 : 0) || a.localeCompare(b))
    .map(([host, n]) => `${host} ${n}`)
    .join(', ');
}
