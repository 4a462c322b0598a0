/**
 * The live view's stylesheet, served as `/ui/app.css`. Status colours are variables set per status
 * class, so badges, host tiles and the highlighted state in the diagram always agree.
 */
export const STYLES = `
:root {
  --ink: #1f2937;
  --muted: #64748b;
  --line: #e2e8f0;
  --page: #f4f6f8;
  --card: #ffffff;
  --mono: ui-monospace, 'SFMono-Regular', 'DejaVu Sans Mono', 'Liberation Mono', Menlo, Consolas, monospace;
  --sans: system-ui, -apple-system, 'Segoe UI', 'Liberation Sans', 'DejaVu Sans', Helvetica, Arial, sans-serif;
  --fg: #475569;
  --bg: #f1f5f9;
}
.s-ACTIVATED { --fg: #15803d; --bg: #dcfce7; }
.s-STANDBY { --fg: #b45309; --bg: #fef3c7; }
.s-FAILING { --fg: #b91c1c; --bg: #fee2e2; }
.s-BOOTING { --fg: #1d4ed8; --bg: #dbeafe; }
.s-STOPPING, .s-STOPPED { --fg: #475569; --bg: #e2e8f0; }

* { box-sizing: border-box; }
html { background: var(--page); color: var(--ink); font: 14px/1.45 var(--sans); }
body { margin: 0; }
.mono, code, time { font-family: var(--mono); font-size: 0.92em; }
.muted { color: var(--muted); }
[hidden] { display: none !important; }

.top {
  display: flex; align-items: center; gap: 18px; padding: 12px 24px;
  background: #0f172a; color: #e2e8f0; position: sticky; top: 0; z-index: 2;
}
.brand { font-weight: 700; font-size: 16px; letter-spacing: 0.02em; color: #fff; }
.brand small { font-weight: 400; color: #94a3b8; margin-left: 6px; font-size: 13px; }
.top-host { font-size: 15px; color: #fff; }
.top .meta { display: flex; gap: 14px; color: #94a3b8; font-size: 12.5px; margin-left: auto; align-items: center; }
.top [data-testid='etcd'][data-ok='false'] { color: #fca5a5; font-weight: 600; }
.conn { padding: 2px 10px; border-radius: 999px; font-size: 12px; font-weight: 600; background: #334155; color: #cbd5e1; }
.conn::before { content: ''; display: inline-block; width: 7px; height: 7px; border-radius: 50%; margin-right: 6px; background: currentColor; vertical-align: 1px; }
.conn[data-state='live'] { background: #14532d; color: #86efac; }
.conn[data-state='offline'] { background: #7f1d1d; color: #fecaca; }

main { padding: 20px 24px 40px; max-width: 1600px; margin: 0 auto; }
.problem { margin: 0 0 16px; padding: 10px 14px; border-radius: 8px; background: #fee2e2; color: #7f1d1d; border: 1px solid #fecaca; }
section > h2.section { font-size: 13px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); margin: 0 0 10px; font-weight: 600; }
section > h2.section .muted { text-transform: none; letter-spacing: 0; font-weight: 400; margin-left: 8px; }

.badge {
  display: inline-block; padding: 1px 8px; border-radius: 999px; font: 600 11.5px/1.6 var(--mono);
  letter-spacing: 0.02em; color: var(--fg); background: var(--bg); border: 1px solid color-mix(in srgb, var(--fg) 30%, transparent);
}
.tag { margin-left: 6px; padding: 0 6px; border-radius: 4px; background: #e0e7ff; color: #3730a3; font: 600 11px/1.6 var(--sans); }
.tag.holder { background: #dcfce7; color: #166534; }

.cluster { margin-bottom: 22px; }
.cluster-vips { display: grid; gap: 10px; }
.vip { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px; }
.vip-head { display: flex; gap: 8px; align-items: baseline; margin-bottom: 8px; }
.vip-head .ip { font-weight: 700; font-size: 14px; margin-right: 6px; }
.warning { margin-left: auto; color: #b91c1c; font-weight: 600; }
.hosts { display: flex; flex-wrap: wrap; gap: 8px; }
.host {
  min-width: 170px; padding: 8px 10px; border-radius: 8px; border: 1px solid var(--line);
  border-left: 4px solid var(--fg); background: linear-gradient(90deg, var(--bg), var(--card) 70%);
}
.host.self { box-shadow: 0 0 0 1px #c7d2fe inset; }
.host-name { font-weight: 600; margin-bottom: 3px; }
.sub { color: var(--muted); font-size: 12px; margin-top: 3px; }

.endpoints { display: grid; gap: 18px; }
.endpoint { background: var(--card); border: 1px solid var(--line); border-radius: 12px; box-shadow: 0 1px 2px rgba(15, 23, 42, 0.05); overflow: hidden; }
.endpoint-head { display: flex; align-items: center; gap: 12px; padding: 12px 18px; border-bottom: 1px solid var(--line); }
.endpoint-head .ip { margin: 0; font-size: 18px; }
.endpoint-head .id { margin-left: auto; color: var(--muted); font-size: 12px; }
.facts { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); border-bottom: 1px solid var(--line); }
.fact { padding: 10px 18px; border-right: 1px solid var(--line); min-width: 0; }
.fact:last-child { border-right: 0; }
.label { font-size: 11.5px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); margin-bottom: 3px; }
.value { font-size: 15px; font-weight: 600; overflow-wrap: anywhere; }
.value[data-level='low'] { color: #b45309; }
.value[data-level='expired'] { color: #b91c1c; }
.bar { height: 4px; background: var(--line); border-radius: 2px; margin-top: 6px; overflow: hidden; }
.bar i { display: block; height: 100%; width: 0; background: #16a34a; transition: width 0.1s linear; }
.health { display: inline-block; margin-right: 8px; }
.health.ok { color: #15803d; }
.health.failing { color: #b91c1c; }
.health.unknown { color: var(--muted); font-weight: 500; }
.detail { font-weight: 400; color: var(--muted); font-size: 12px; }
.checks { margin: 4px 0 0; padding: 0; list-style: none; color: var(--muted); font-size: 12px; }

.endpoint-body { display: grid; grid-template-columns: minmax(0, 1.7fr) minmax(280px, 1fr); }
.statechart { position: relative; margin: 0; padding: 14px; border-right: 1px solid var(--line); background: #fcfdfe; }
.full-diagram { position: absolute; top: 10px; right: 14px; font-size: 12px; color: var(--muted); text-decoration: none; }
.full-diagram:hover { color: var(--ink); text-decoration: underline; }
.statechart svg { display: block; width: 100%; height: auto; max-height: 640px; }
.statechart g.node > path, .statechart g.node > polygon, .statechart g.cluster > path, .statechart g.cluster > polygon {
  transition: fill 0.25s, stroke 0.25s, stroke-width 0.25s;
}
.statechart g[data-active='state'] > path, .statechart g[data-active='state'] > polygon {
  fill: var(--bg); stroke: var(--fg); stroke-width: 3px;
}
.statechart g[data-active='state'] text { fill: var(--fg); }
.statechart g[data-active='ancestor'] > path, .statechart g[data-active='ancestor'] > polygon { stroke: var(--fg); stroke-width: 1.8px; }
.statechart g[data-last='true'] > path { stroke: var(--fg); stroke-width: 2.4px; }
.statechart g[data-last='true'] > polygon { fill: var(--fg); stroke: var(--fg); }
.statechart g[data-last='true'] text { fill: var(--fg); font-weight: 700; }

.statechart .peer rect { fill: var(--bg); stroke: var(--fg); stroke-width: 1px; }
.statechart .peer text { fill: var(--fg); font: 600 9.5px var(--mono); }

.timeline-box { padding: 12px 18px; min-width: 0; }
.timeline-box h3 { margin: 0 0 8px; font-size: 11.5px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); }
.timeline { list-style: none; margin: 0; padding: 0; max-height: 600px; overflow: auto; }
.timeline li { padding: 7px 0; border-bottom: 1px solid var(--line); display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; align-items: center; }
.timeline li:first-child { animation: arrive 1.2s ease-out; }
.timeline time { color: var(--muted); font-size: 12px; }
.timeline .move { display: flex; align-items: center; gap: 4px; flex-wrap: wrap; }
.timeline .arrow { color: var(--muted); }
.timeline .event { grid-column: 2; font-weight: 600; }
.timeline .cause { grid-column: 2; color: var(--muted); font-size: 12.5px; overflow-wrap: anywhere; }
@keyframes arrive { from { background: #fef9c3; } to { background: transparent; } }
.empty { padding: 30px; text-align: center; color: var(--muted); background: var(--card); border: 1px dashed #cbd5e1; border-radius: 12px; }

@media (max-width: 1100px) {
  .facts { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .fact:nth-child(2n) { border-right: 0; }
  .fact:nth-child(-n + 2) { border-bottom: 1px solid var(--line); }
  .endpoint-body { grid-template-columns: 1fr; }
  .statechart { border-right: 0; border-bottom: 1px solid var(--line); }
}
`;
