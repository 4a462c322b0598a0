import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AgentService } from '../../../../src/agent/agent-service.js';
import { createApp } from '../../../../src/api/app.js';
import { uiAsset } from '../../../../src/api/ui/ui.assets.js';
import { createUiRoutes, type UiDeps } from '../../../../src/api/ui/ui.routes.js';
import { TIMELINE_DEPTH, type UiCluster, type UiState } from '../../../../src/api/ui/ui.state.js';
import { VIP_STATUSES } from '../../../../src/machines/vip.status.js';
import { UiFakeAgent } from '../../../fakes/ui-fake-agent.js';

const NOW = 1_760_000_000_000;

function setup(options: Partial<UiDeps> = {}) {
  const agent = new UiFakeAgent('node-a', () => NOW);
  const app = new Hono().route('/ui', createUiRoutes({ agent, now: () => NOW, ...options }));
  return { agent, app };
}

/** Reads server-sent events until `count` arrived. */
async function readEvents(response: Response, count: number) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const events: Record<string, string>[] = [];
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (frame.startsWith(':')) continue;
      const event: Record<string, string> = {};
      for (const line of frame.split('\n')) {
        const colon = line.indexOf(':');
        event[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
      }
      events.push(event);
    }
  }
  return { events, cancel: () => reader.cancel() };
}

describe('GET /ui', () => {
  it('serves the page with the statechart, one element per state the page can highlight', async () => {
    const { app } = setup();
    const response = await app.request('/ui');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<base href="/ui/" />');
    expect(html).toContain('<template id="statechart-template"><svg');
    expect(html).not.toContain('<?xml');
    for (const status of VIP_STATUSES) expect(html).toContain(`data-state="${status}"`);
    for (const testid of ['endpoint-list', 'cluster-view', 'connection', 'page-hostname']) {
      expect(html).toContain(`data-testid="${testid}"`);
    }
  });

  it('lets the browser load nothing but what the agent serves', async () => {
    const { app } = setup();
    const response = await app.request('/ui');
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    const html = await response.text();
    // Relative links only (the SVG's XML namespaces name w3.org, but nothing fetches them).
    const links = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((match) => match[1] ?? '');
    expect(links).toEqual(expect.arrayContaining(['app.js', 'app.css', '/ui/']));
    expect(links.filter((link) => /^(?:[a-z]+:)?\/\//i.test(link))).toEqual([]);
    // The SVG namespace is a name, not a place the script goes.
    expect(uiAsset('app.js').replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:\/\//);
  });

  it('escapes what it prints', async () => {
    const agent = new UiFakeAgent('<img src=x onerror=alert(1)>');
    const app = new Hono().route('/ui', createUiRoutes({ agent }));
    const html = await (await app.request('/ui')).text();
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('still serves the page when the diagram cannot be drawn, and tries again later', async () => {
    const agent = new UiFakeAgent();
    let calls = 0;
    agent.machineDefinition = () => {
      calls++;
      return { id: 'vip' };
    };
    const app = new Hono().route('/ui', createUiRoutes({ agent }));
    const html = await (await app.request('/ui')).text();
    expect(html).toMatch(/data-diagram-error="diagram unavailable: not an XState machine definition: key/);
    expect(html).not.toContain('statechart-template');
    await app.request('/ui');
    expect(calls).toBe(2);
  });

  it('serves a script that parses, styles, a favicon and the statechart', async () => {
    const { app } = setup();
    const script = await app.request('/ui/app.js');
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    const source = await script.text();
    expect(source).toBe(uiAsset('app.js'));
    expect(() => new Function(source)).not.toThrow();
    expect((await app.request('/ui/app.css')).headers.get('content-type')).toMatch(/^text\/css/);
    expect((await app.request('/ui/favicon.svg')).status).toBe(200);
    const full = await (await app.request('/ui/statechart.svg')).text();
    const outline = await (await app.request('/ui/statechart.svg?detail=outline')).text();
    expect(full).toContain('failover / yieldLock');
    expect(outline).not.toContain('failover / yieldLock');
    expect(outline).toContain('invoke holder');
  });
});

describe('GET /ui/state', () => {
  it("answers this host's endpoints by address, with readable checks and recent transitions", async () => {
    const { agent, app } = setup();
    const b = agent.add('10.0.0.20/32');
    const a = agent.add('10.0.0.9/32', { checks: [{ type: 'TCP', host: '10.0.0.5', port: 80 }] });
    for (let i = 0; i < TIMELINE_DEPTH + 5; i++) {
      agent.transition(a.id, i % 2 ? 'STANDBY' : 'ACTIVATED', 'elected', `round ${i}`);
    }
    agent.transition(b.id, 'STANDBY', 'demoted', 'node-b holds the lock');
    const body = (await (await app.request('/ui/state')).json()) as UiState;
    expect(body).toMatchObject({ hostname: 'node-a', version: '0.1.0-test', now: NOW });
    expect(body.endpoints.map((e) => e.ip)).toEqual(['10.0.0.9/32', '10.0.0.20/32']);
    expect(body.endpoints[0]?.check_labels).toEqual(['TCP 10.0.0.5:80']);
    expect(body.history.filter((r) => r.endpointId === a.id)).toHaveLength(TIMELINE_DEPTH);
    expect(body.history.at(-1)).toMatchObject({ endpointId: b.id, event: 'demoted' });
  });

  it('says whether the host is drained for maintenance, and the page has a place for it', async () => {
    const { agent, app } = setup();
    expect(((await (await app.request('/ui/state')).json()) as UiState).drained).toBe(false);
    agent.drained = true;
    agent.add('10.0.0.9/32', { status: 'DRAINED' });
    const body = (await (await app.request('/ui/state')).json()) as UiState;
    expect(body.drained).toBe(true);
    expect(body.endpoints[0]?.status).toBe('DRAINED');
    expect(await (await app.request('/ui')).text()).toContain('data-testid="drained"');
    expect(await (await app.request('/ui/app.css')).text()).toContain('.s-DRAINED');
  });
});

describe('GET /ui/state with thousands of endpoints', () => {
  it('answers one page in address order, filtered, with counts of every endpoint', async () => {
    const { agent, app } = setup();
    for (let i = 0; i < 600; i++) {
      agent.add(`10.1.${Math.floor(i / 250)}.${(i % 250) + 1}/32`, {
        status: i % 3 === 0 ? 'ACTIVATED' : 'STANDBY',
        holder: i % 3 === 0 ? 'node-a' : i % 3 === 1 ? 'node-b' : null,
      });
    }
    const first = (await (await app.request('/ui/state')).json()) as UiState;
    expect(first.endpoints).toHaveLength(50);
    expect(first.endpoints.slice(0, 3).map((e) => e.ip)).toEqual([
      '10.1.0.1/32',
      '10.1.0.2/32',
      '10.1.0.3/32',
    ]);
    expect(first).toMatchObject({ total: 600, offset: 0 });
    expect(first.summary).toEqual({
      total: 600,
      byState: { ACTIVATED: 200, STANDBY: 400 },
      byHolder: { 'node-a': 200, 'node-b': 200, '': 200 },
    });
    const page = (await (
      await app.request('/ui/state?q=10.1.2.&state=standby&offset=10&limit=5')
    ).json()) as UiState;
    expect(page.total).toBe(67);
    expect(page.endpoints.map((e) => e.ip)).toEqual([
      '10.1.2.16/32',
      '10.1.2.18/32',
      '10.1.2.19/32',
      '10.1.2.21/32',
      '10.1.2.22/32',
    ]);
    const unheld = (await (await app.request('/ui/state?holder=')).json()) as UiState;
    expect(unheld.total).toBe(200);
    expect(unheld.endpoints.every((e) => e.holder === null)).toBe(true);
  });
});

describe('GET /ui/cluster', () => {
  it("groups every host's status by VIP of the page, this host's from its own statecharts", async () => {
    const { agent, app } = setup();
    const view = agent.add('10.0.0.10/32', { status: 'ACTIVATED', holder: 'node-a' });
    agent.peers = [
      {
        hostname: 'node-b',
        electionKey: view.election_key,
        status: 'STANDBY',
        holder: 'node-a',
        updatedAt: NOW - 900,
      },
      // Stale in etcd: this host's statechart says ACTIVATED.
      {
        hostname: 'node-a',
        electionKey: view.election_key,
        status: 'STANDBY',
        holder: 'node-b',
        updatedAt: NOW - 9000,
      },
      // A VIP this host does not serve: not on its pages, so not read.
      {
        hostname: 'node-c',
        electionKey: '10.0.0.30_32',
        status: 'ACTIVATED',
        holder: 'node-c',
        updatedAt: NOW - 100,
      },
    ];
    const body = await (await app.request('/ui/cluster')).json();
    expect(body).toEqual({
      now: NOW,
      hostname: 'node-a',
      total: 1,
      vips: [
        {
          electionKey: '10.0.0.10_32',
          ip: '10.0.0.10/32',
          holder: 'node-a',
          hosts: [
            {
              hostname: 'node-a',
              electionKey: '10.0.0.10_32',
              status: 'ACTIVATED',
              holder: 'node-a',
              updatedAt: NOW,
              self: true,
            },
            {
              hostname: 'node-b',
              electionKey: '10.0.0.10_32',
              status: 'STANDBY',
              holder: 'node-a',
              updatedAt: NOW - 900,
              self: false,
            },
          ],
        },
      ],
    });
    expect(agent.clusterReads).toEqual([['10.0.0.10_32']]);
  });

  it('reads from etcd the statuses of the page of VIPs only, with the filters of the cards', async () => {
    const { agent, app } = setup();
    for (let i = 1; i <= 120; i++)
      agent.add(`10.0.${Math.floor(i / 100)}.${i % 100}/32`, { status: 'STANDBY' });
    const body = (await (await app.request('/ui/cluster?offset=50&limit=50')).json()) as UiCluster;
    expect(body.total).toBe(120);
    expect(body.vips.map((vip) => vip.ip).slice(0, 2)).toEqual(['10.0.0.51/32', '10.0.0.52/32']);
    expect(agent.clusterReads).toEqual([body.vips.map((vip) => vip.electionKey)]);
    const searched = (await (await app.request('/ui/cluster?q=10.0.1.')).json()) as UiCluster;
    expect(searched.vips.map((vip) => vip.ip)).toEqual(
      Array.from({ length: 21 }, (_, i) => `10.0.1.${i}/32`),
    );
  });

  it("shows this host's statuses and the reason when etcd fails or does not answer", async () => {
    const { agent, app } = setup({ clusterTimeoutMs: 30 });
    agent.add('10.0.0.10/32', { status: 'STANDBY' });
    agent.clusterError = new Error('etcd unreachable: 14 UNAVAILABLE');
    const failed = (await (await app.request('/ui/cluster')).json()) as UiCluster & { error?: string };
    expect(failed.error).toBe('other hosts unknown: etcd unreachable: 14 UNAVAILABLE');
    expect(failed.vips[0]?.hosts).toEqual([
      expect.objectContaining({ hostname: 'node-a', status: 'STANDBY' }),
    ]);
    agent.clusterError = undefined;
    agent.clusterHangs = true;
    const slow = (await (await app.request('/ui/cluster')).json()) as UiCluster & { error?: string };
    expect(slow.error).toBe('other hosts unknown: etcd did not answer within 30 ms');
  });
});

describe('GET /ui/events', () => {
  it('streams transitions after a ready event, and lets go of the agent when the page leaves', async () => {
    const { agent, app } = setup();
    const view = agent.add('10.0.0.10/32');
    const response = await app.request('/ui/events');
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reading = readEvents(response, 3);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const first = agent.transition(view.id, 'ACTIVATED', 'elected', 'this host holds the lock');
    const second = agent.transition(view.id, 'STANDBY', 'demoted', 'node-b holds the lock');
    const { events, cancel } = await reading;
    expect(events[0]).toMatchObject({ event: 'ready', data: JSON.stringify({ hostname: 'node-a' }) });
    expect(events.slice(1).map((e) => [e.event, JSON.parse(e.data ?? '')])).toEqual([
      ['transition', first],
      ['transition', second],
    ]);
    expect(agent.listenerCount).toBe(1);
    await cancel();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(agent.listenerCount).toBe(0);
  });

  it('keeps an idle stream open with comments', async () => {
    const { app } = setup({ heartbeatMs: 20 });
    const response = await app.request('/ui/events');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const timedOut = new Promise<'timed out'>((resolve) => setTimeout(() => resolve('timed out'), 2000));
    let text = '';
    let ended = false;
    // Two heartbeats: the stream stays open between them.
    while (text.split(': keepalive').length - 1 < 2 && !ended) {
      const chunk = await Promise.race([reader.read(), timedOut]);
      if (chunk === 'timed out') break;
      ended = chunk.done;
      text += decoder.decode(chunk.value, { stream: true });
    }
    expect(ended).toBe(false);
    expect(text.split(': keepalive').length - 1).toBeGreaterThanOrEqual(2);
    await reader.cancel();
  });

  it('answers HEAD without subscribing', async () => {
    const { agent, app } = setup();
    const response = await app.request('/ui/events', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(agent.listenerCount).toBe(0);
  });

  it('drops a page that stops reading instead of queueing without end', async () => {
    const { agent, app } = setup();
    const view = agent.add('10.0.0.10/32');
    const response = await app.request('/ui/events');
    const reader = response.body!.getReader();
    await reader.read();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(agent.listenerCount).toBe(1);
    for (let i = 0; i < 1100; i++) agent.transition(view.id, i % 2 ? 'STANDBY' : 'ACTIVATED', 'elected', '');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(agent.listenerCount).toBe(0);
  });
});

describe('mounted in the API', () => {
  it('answers at /ui next to the API routes', async () => {
    const agent: AgentService = new UiFakeAgent('node-a');
    const app = createApp({ agent, ui: createUiRoutes({ agent }) });
    expect((await app.request('/ui')).status).toBe(200);
    expect(await (await app.request('/ui/state')).json()).toMatchObject({ hostname: 'node-a' });
    expect((await app.request('/version')).status).toBe(200);
    expect((await app.request('/ui/')).headers.get('location')).toBe('/ui');
  });
});
