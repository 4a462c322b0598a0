import { describe, expect, it } from 'vitest';
import { and, createMachine, setup } from 'xstate';
import { readChart } from '../../../src/api/ui/statechart/chart.js';
import { renderSvg } from '../../../src/api/ui/statechart/render-svg.js';
import { toDot } from '../../../src/api/ui/statechart/to-dot.js';
import { definitionOf } from '../../../src/machines/machine-definition.js';
import { vipMachine } from '../../../src/machines/vip.machine.js';
import { toMermaid } from '../../../visualize/lib/to-mermaid.js';

/** Shapes the VIP machine does not have yet: delays, eventless and parallel states, repeated names. */
const sample = setup({
  guards: { ready: () => true, warm: () => true },
  delays: { settle: 500 },
}).createMachine({
  id: 'sample',
  initial: 'idle',
  states: {
    idle: { after: { settle: 'busy' }, on: { go: { target: 'busy', guard: and(['ready', 'warm']) } } },
    busy: {
      type: 'parallel',
      states: {
        left: { initial: 'idle', states: { idle: { on: { poke: 'done' } }, done: { type: 'final' } } },
        right: { initial: 'idle', states: { idle: {} } },
      },
      onDone: 'check',
    },
    check: { always: [{ guard: 'ready', target: 'over' }, { target: 'idle' }] },
    over: { type: 'final' },
  },
});

describe('the chart of a machine', () => {
  const chart = readChart(definitionOf(sample));
  const labels = chart.states.flatMap((s) => s.transitions.map((t) => t.label));

  it('names generated events as a reader would', () => {
    expect(labels).toEqual(
      expect.arrayContaining([
        'after settle',
        'go [and(ready, warm)]',
        'always [ready]',
        'always',
        'onDone(#sample.busy)',
      ]),
    );
  });

  it('keeps eventless transitions, which toJSON() alone drops', () => {
    expect(readChart(sample.toJSON()).states.find((s) => s.key === 'check')?.transitions).toEqual([]);
    expect(chart.states.find((s) => s.key === 'check')?.transitions.map((t) => t.targets)).toEqual([
      ['sample.over'],
      ['sample.idle'],
    ]);
  });

  it('reads a live definition and its JSON text alike', () => {
    expect(readChart(JSON.parse(JSON.stringify(vipMachine.toJSON())))).toEqual(
      readChart(vipMachine.toJSON()),
    );
  });

  it('says which field of a bad definition is wrong', () => {
    expect(() => readChart({ id: 'x', key: 'x', type: 'atomic', states: { a: { id: 1 } } })).toThrow(
      /not an XState machine definition: states\.a\.id/,
    );
  });
});

describe('Mermaid', () => {
  const mermaid = toMermaid(readChart(definitionOf(sample)));

  it('gives repeated state names distinct ids and keeps their names', () => {
    expect(mermaid).toContain('state "idle" as sample_busy_left_idle');
    expect(mermaid).toContain('state "idle" as sample_busy_right_idle');
    expect(mermaid).toContain('state "idle" as sample_idle');
  });

  it('ends final states in [*] inside their own composite', () => {
    expect(mermaid).toMatch(/\n {6}done --> \[\*\]/);
    expect(mermaid).toMatch(/\n {2}over --> \[\*\]/);
  });

  it('separates parallel regions and escapes Mermaid syntax in labels', () => {
    expect(mermaid).toMatch(/\n {4}}\n {4}--\n {4}state right {/);
    expect(mermaid).toContain('busy --> check : onDone(#35;sample.busy)');
  });

  it('writes an arrow into a nested state onto the composite that holds it', () => {
    const vip = toMermaid(readChart(definitionOf(vipMachine)));
    expect(vip).toContain(
      'FAILING --> contending : health_check_success [and(linkUp, not(gaveUpBinding))] to STANDBY',
    );
  });
});

describe('DOT and SVG', () => {
  it('renders compound and parallel states as clusters', async () => {
    const chart = readChart(definitionOf(sample));
    expect(toDot(chart)).toContain('subgraph "cluster_sample.busy"');
    const svg = await renderSvg(chart);
    expect(svg).toContain('data-state-id="sample.busy.left.done"');
    expect(svg).toContain('data-events="go xstate.after.settle.sample.idle"');
  });

  it('renders the same picture from the agent definition as from the machine', async () => {
    const flat = createMachine({ id: 'flat', initial: 'a', states: { a: { on: { next: 'b' } }, b: {} } });
    expect(await renderSvg(readChart(flat.toJSON()))).toEqual(await renderSvg(readChart(definitionOf(flat))));
  });
});
