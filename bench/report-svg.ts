import { SCENARIOS } from './failover.js';
import type { BenchResults } from './results.js';
import { type BarChart, svgDocument } from './svg-bar-chart.js';

const COLORS: Record<string, string> = {
  LinK: '#2f7ed8',
  keepalived: '#f28f43',
  'keepalived VRRPv2 1 s': '#f28f43',
  'keepalived VRRPv3 0.1 s': '#e4d354',
  'LinK (TTL 3 s)': '#8085e9',
};

/** The failover outages side by side, and the scale figures, as one SVG. */
export function renderSvg(results: BenchResults): string {
  const charts: BarChart[] = [];
  const rows = results.failover?.rows ?? [];
  if (rows.length > 0) {
    const tools = [...new Set(rows.map((r) => r.tool))];
    charts.push({
      title: 'Client outage during a failover (median; whisker min to max)',
      unit: 'ms',
      series: tools.map((name) => ({ name, color: COLORS[name] ?? '#888' })),
      groups: SCENARIOS.filter((s) => rows.some((r) => r.scenario === s)).map((scenario) => ({
        label: { crash: 'host crash', graceful: 'graceful stop', backend: 'backend failure' }[scenario],
        bars: rows
          .filter((r) => r.scenario === scenario && r.recovered > 0)
          .map((r) => ({ series: r.tool, value: r.outage.median, low: r.outage.min, high: r.outage.max })),
      })),
      note: `${results.machine.nproc} CPUs, load ${results.load.start}-${results.load.max}`,
    });
  }
  const scale = results.scale ?? [];
  if (scale.length > 0) {
    charts.push({
      title: 'LinK at scale: time to one holder per VIP, and re-owned after a host crash',
      unit: 'ms',
      series: [
        { name: 'one holder each', color: '#2f7ed8' },
        { name: 're-owned after crash', color: '#8bbc21' },
      ],
      groups: scale.map((s) => ({
        label: `${s.vips} VIP${s.vips === 1 ? '' : 's'}`,
        bars: [
          { series: 'one holder each', value: s.convergeMs },
          ...(s.failover.reownMs === null
            ? []
            : [{ series: 're-owned after crash', value: s.failover.reownMs }]),
        ],
      })),
    });
  }
  return svgDocument(charts);
}
