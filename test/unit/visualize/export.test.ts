import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { eventLabel } from '../../../src/api/ui/statechart/chart.js';
import type { VipEventType } from '../../../src/machines/vip.events.js';
import { vipMachine } from '../../../src/machines/vip.machine.js';
import { machines } from '../../../visualize/lib/machines.js';

const root = join(import.meta.dirname, '../../..');
const committedDir = join(root, 'visualize');
const FORMATS = ['json', 'mmd', 'svg'] as const;

// Listed against the union, so adding an event to VipEvent without listing it here fails to compile.
const vipEventTypes = Object.keys({
  elected: 0,
  demoted: 0,
  fault: 0,
  health_check_fail: 0,
  health_check_success: 0,
  stop: 0,
  failover: 0,
  'lease.expiring': 0,
  'checks.update': 0,
  'net.bound': 0,
  'bind.failed': 0,
  'net.error': 0,
  'arp.conflict': 0,
  'address.taken': 0,
  'handback.done': 0,
  'holder.confirmed': 0,
  'holder.claim_ended': 0,
  'holder.alive': 0,
  drain: 0,
  undrain: 0,
  'link.down': 0,
  'link.up': 0,
  'preferred.claim': 0,
} satisfies Record<VipEventType, 0>);

let freshDir: string;

beforeAll(async () => {
  freshDir = await mkdtemp(join(tmpdir(), 'link-visualize-'));
  // The script itself, as `npm run visualize` runs it, only into a scratch directory.
  await promisify(execFile)(join(root, 'node_modules/.bin/tsx'), ['visualize/export.ts', freshDir], {
    cwd: root,
  });
}, 60_000);

afterAll(async () => {
  await rm(freshDir, { recursive: true, force: true });
});

describe('npm run visualize', () => {
  it('writes the three forms of every machine and nothing else', async () => {
    const expected = machines.flatMap(({ name }) => FORMATS.map((ext) => `${name}.${ext}`)).sort();
    expect((await readdir(freshDir)).sort()).toEqual(expected);
    const committed = (await readdir(committedDir)).filter((f) => /\.(json|mmd|svg)$/.test(f)).sort();
    expect(committed, 'exported files without a machine, or missing: run npm run visualize').toEqual(
      expected,
    );
  });

  for (const { name } of machines) {
    for (const ext of FORMATS) {
      it(`visualize/${name}.${ext} matches the machine`, async () => {
        const fresh = await readFile(join(freshDir, `${name}.${ext}`), 'utf8');
        const committed = await readFile(join(committedDir, `${name}.${ext}`), 'utf8').catch(() => '');
        expect(committed === fresh, `visualize/${name}.${ext} is stale: run npm run visualize`).toBe(true);
      });
    }
  }
});

describe('the exported vip statechart', () => {
  it('shows why a VIP waits: every named delay, in every form', async () => {
    const forms = await Promise.all(FORMATS.map((ext) => readFile(join(committedDir, `vip.${ext}`), 'utf8')));
    for (const delay of ['oldLeaseDeadline', 'retryDelay', 'handoverTimeout']) {
      for (const [i, text] of forms.entries()) expect(text, `${delay} in vip.${FORMATS[i]}`).toContain(delay);
    }
  });
});

describe('the exported agent statechart', () => {
  it('shows the host-wide reconcile timer in every form', async () => {
    const forms = await Promise.all(
      FORMATS.map((ext) => readFile(join(committedDir, `agent.${ext}`), 'utf8')),
    );
    for (const [i, text] of forms.entries())
      expect(text, `reconcileInterval in agent.${FORMATS[i]}`).toContain('reconcileInterval');
  });
});

describe.each(machines)('the $name machine in every exported form', ({ name, machine }) => {
  const nodes = stateNodesOf(machine);
  const read = (ext: string) => readFile(join(committedDir, `${name}.${ext}`), 'utf8');

  it('has every state', async () => {
    const [json, mermaid, svg] = await Promise.all(FORMATS.map(read));
    for (const node of nodes.filter((n) => n.parent)) {
      expect(json, `${node.id} in ${name}.json`).toContain(`"key": "${node.key}"`);
      expect(mermaid, `${node.id} in ${name}.mmd`).toMatch(word(node.key));
      expect(svg, `${node.id} in ${name}.svg`).toContain(`data-state-id="${node.id}"`);
      expect(svg, `${node.id} named in ${name}.svg`).toMatch(new RegExp(`>${escapeRegExp(node.key)}<`));
    }
  });

  it('has every event', async () => {
    const [json, mermaid, svg] = await Promise.all(FORMATS.map(read));
    for (const node of nodes) {
      for (const event of node.transitions.keys()) {
        const label = eventLabel(event, node.id);
        expect(json, `${event} in ${name}.json`).toContain(`"eventType": "${event}"`);
        expect(mermaid, `${event} in ${name}.mmd`).toMatch(word(label));
        expect(svg, `${event} in ${name}.svg`).toMatch(word(label));
      }
      if (node.always?.length) {
        expect(mermaid, `eventless transition of ${node.id} in ${name}.mmd`).toMatch(word('always'));
        expect(svg, `eventless transition of ${node.id} in ${name}.svg`).toMatch(word('always'));
      }
    }
  });
});

describe('the VIP machine', () => {
  const handled = new Set(stateNodesOf(vipMachine).flatMap((n) => [...n.transitions.keys()]));

  it.each(vipEventTypes)('handles %s and shows it in the JSON, the Mermaid and the SVG', async (event) => {
    expect(handled).toContain(event);
    const [json, mermaid, svg] = await Promise.all(
      FORMATS.map((ext) => readFile(join(committedDir, `vip.${ext}`), 'utf8')),
    );
    expect(json).toContain(`"eventType": "${event}"`);
    expect(mermaid).toMatch(word(event));
    expect(svg).toMatch(word(event));
  });
});

function stateNodesOf(machine: AnyStateMachine): AnyStateNode[] {
  const all: AnyStateNode[] = [];
  const visit = (node: AnyStateNode) => {
    all.push(node);
    Object.values(node.states).forEach(visit);
  };
  visit(machine.root);
  return all;
}

/** The text as a whole token: `net.error` must not match inside `recordNetError`. */
function word(text: string): RegExp {
  return new RegExp(`(?<![\\w.])${escapeRegExp(text)}(?![\\w.])`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
