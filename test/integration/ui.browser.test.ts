import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Browser, Page } from 'playwright-core';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemRoutes } from '../../src/api/system.routes.js';
import { createUiRoutes } from '../../src/api/ui/ui.routes.js';
import { UiFakeAgent } from '../fakes/ui-fake-agent.js';
import { CHROMIUM, hasChromium, launchChromium } from '../support/chromium.js';

const artifacts = join(import.meta.dirname, '../../test-artifacts');

if (!hasChromium) {
  console.warn(`skipping the live view browser test: no ${CHROMIUM} (apt-get install -y chromium)`);
}

describe.skipIf(!hasChromium)('the live view in headless Chromium', () => {
  const agent = new UiFakeAgent('node-a');
  let server: Server;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let renewals: ReturnType<typeof setInterval> | undefined;
  const requests: string[] = [];
  const problems: string[] = [];

  const seconds = (s: number) => Date.now() + s * 1000;
  const a = agent.add('10.0.0.10/32', {
    checks: [{ type: 'TCP', host: '10.0.0.5', port: 80 }],
    fault_policy: 'activate',
  });
  const b = agent.add('10.0.0.20/32', {
    checks: [{ type: 'HTTP', host: '10.0.0.6', port: 8080, path: '/healthz', expectStatus: [200, 299] }],
    fault_policy: 'release',
  });

  beforeAll(async () => {
    agent.transition(a.id, 'STANDBY', 'demoted', 'node-b holds the lock (fencing token 41)', {
      holder: 'node-b',
      fencing_token: '41',
    });
    agent.transition(a.id, 'ACTIVATED', 'elected', 'this host holds the lock (fencing token 57)', {
      holder: 'node-a',
      fencing_token: '57',
      lease_deadline: seconds(4.6),
      health: { ok: true, detail: '' },
    });
    agent.transition(b.id, 'STANDBY', 'demoted', 'node-b holds the lock (fencing token 43)', {
      holder: 'node-b',
      fencing_token: '43',
      lease_deadline: seconds(4.6),
      health: { ok: true, detail: '' },
    });
    agent.peers = [
      {
        hostname: 'node-b',
        electionKey: a.election_key,
        status: 'STANDBY',
        holder: 'node-a',
        updatedAt: seconds(-1.2),
      },
      {
        hostname: 'node-c',
        electionKey: a.election_key,
        status: 'FAILING',
        holder: 'node-a',
        updatedAt: seconds(-3.4),
      },
      {
        hostname: 'node-b',
        electionKey: b.election_key,
        status: 'ACTIVATED',
        holder: 'node-b',
        updatedAt: seconds(-0.8),
      },
      {
        hostname: 'node-c',
        electionKey: b.election_key,
        status: 'STANDBY',
        holder: 'node-b',
        updatedAt: seconds(-2.1),
      },
    ];

    // The host lease, renewed every second with a 6 s TTL, as keepalives would.
    renewals = setInterval(() => {
      for (const view of agent.endpoints.values()) view.lease_deadline = seconds(6);
    }, 1000);

    // The API's /history beside the live view, as createApp mounts them.
    const app = new Hono()
      .route('/ui', createUiRoutes({ agent }))
      .route('/', systemRoutes(agent, new Registry()));
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    await new Promise<void>((resolve) => server.once('listening', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await mkdir(artifacts, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    clearInterval(renewals);
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  const card = (id: string) => page.locator(`[data-testid="endpoint-card"][data-endpoint-id="${id}"]`);
  const highlighted = (id: string) =>
    card(id).locator('[data-testid="statechart"] g[data-active="state"]').getAttribute('data-state');

  /** The other hosts drawn on a VIP's diagram, with the state each is on. */
  const peerMarkers = (id: string) =>
    card(id)
      .locator('[data-testid="peer-marker"]')
      .evaluateAll((els) =>
        els.map((el) => [el.getAttribute('data-hostname'), el.getAttribute('data-state')]),
      );

  it('lists the endpoints and renders the diagram with the current state highlighted', async () => {
    await page.goto(`${origin}/ui`);
    await expect.poll(() => page.locator('[data-testid="endpoint-card"]').count()).toBe(2);
    await expect
      .poll(() => page.locator('[data-testid="connection"]').getAttribute('data-state'))
      .toBe('live');

    expect(await page.locator('[data-testid="endpoint-ip"]').allTextContents()).toEqual([
      '10.0.0.10/32',
      '10.0.0.20/32',
    ]);
    for (const id of [a.id, b.id]) {
      expect(await card(id).locator('[data-testid="statechart"] svg g[data-state]').count()).toBeGreaterThan(
        5,
      );
    }
    expect(await highlighted(a.id)).toBe('ACTIVATED');
    expect(await card(a.id).locator('[data-testid="statechart"]').getAttribute('data-highlighted')).toBe(
      'ACTIVATED',
    );
    expect(await highlighted(b.id)).toBe('STANDBY');
    expect(await card(a.id).locator('[data-testid="holder"]').textContent()).toContain('node-a');
    expect(await card(a.id).locator('[data-testid="health"]').textContent()).toContain('passing');
    await expect
      .poll(() => card(a.id).locator('[data-testid="lease-countdown"]').textContent())
      .toMatch(/^\d+\.\d s$/);
    expect(
      await card(a.id).locator('[data-testid="timeline-entry"]').first().getAttribute('data-event'),
    ).toBe('elected');
  });

  it('shows every host side by side per VIP', async () => {
    const hosts = page.locator(
      `[data-testid="cluster-vip"][data-election-key="${a.election_key}"] [data-testid="cluster-host"]`,
    );
    await expect.poll(() => hosts.count()).toBe(3);
    const statuses = await hosts.evaluateAll((els) =>
      els.map((el) => [el.getAttribute('data-hostname'), el.getAttribute('data-status')]),
    );
    expect(statuses).toEqual([
      ['node-a', 'ACTIVATED'],
      ['node-b', 'STANDBY'],
      ['node-c', 'FAILING'],
    ]);
    await expect
      .poll(() => peerMarkers(a.id))
      .toEqual([
        ['node-b', 'STANDBY'],
        ['node-c', 'FAILING'],
      ]);
    await page.screenshot({ path: join(artifacts, 'ui-live-view.png'), fullPage: true });
  });

  it('moves the highlight on a transition, without a reload', async () => {
    await page.evaluate(() => {
      (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    agent.peers = agent.peers.map((peer) =>
      peer.hostname === 'node-b' && peer.electionKey === a.election_key
        ? { ...peer, status: 'ACTIVATED', holder: 'node-b', updatedAt: Date.now() }
        : peer,
    );
    agent.transition(a.id, 'STANDBY', 'demoted', 'node-b holds the lock (fencing token 58)', {
      holder: 'node-b',
      fencing_token: '58',
    });
    await expect.poll(() => highlighted(a.id), { timeout: 3000 }).toBe('STANDBY');
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    // The demotion of a holder goes through HANDING_BACK (status STANDBY): its arrow is the one shown.
    const arrows = card(a.id).locator('[data-testid="statechart"] g[data-last="true"]');
    await expect.poll(() => arrows.count()).toBeGreaterThan(0);
    expect(await arrows.first().getAttribute('data-events', { timeout: 1000 })).toContain('demoted');
    expect(
      await card(a.id).locator('[data-testid="timeline-entry"]').first().getAttribute('data-event'),
    ).toBe('demoted');
    await expect.poll(() => card(a.id).locator('[data-testid="holder"]').textContent()).toContain('node-b');
    await expect
      .poll(() =>
        page
          .locator(`[data-testid="cluster-host"][data-hostname="node-a"]`)
          .first()
          .getAttribute('data-status'),
      )
      .toBe('STANDBY');
    await expect
      .poll(() => peerMarkers(a.id))
      .toEqual([
        ['node-b', 'ACTIVATED'],
        ['node-c', 'FAILING'],
      ]);
    // The history section lists the transition, newest first, with its host and cause.
    await expect
      .poll(() => page.locator('[data-testid="history-record"]').first().textContent(), { timeout: 8000 })
      .toContain('node-b holds the lock (fencing token 58)');
    await page.screenshot({ path: join(artifacts, 'ui-after-failover.png'), fullPage: true });
  });

  it('loads nothing from anywhere but the agent and logs no errors', () => {
    expect(requests.filter((url) => !url.startsWith(origin))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
