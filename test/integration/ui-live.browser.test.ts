/**
 * The live view in real headless Chromium against two real linkd agents and a real etcd: the agents
 * run as processes on loopback with LINK_DRY_RUN=true (the election, API, status publishing and
 * live view are real; the VIP is bound in memory only), so no root or namespace is needed.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointView } from '../../src/agent/agent-service.js';
import { eventually } from '../lab/agents.js';
import { CHROMIUM, hasChromium, launchChromium } from '../support/chromium.js';
import { type EtcdServer, startEtcd } from '../support/etcd-server.js';
import { LoopbackAgent } from '../support/loopback-agent.js';

const REPO = join(import.meta.dirname, '../..');
const ARTIFACTS = join(REPO, 'test-artifacts');
const VIP = '10.77.9.10/32';
/** The machine runs other suites at the same time: generous, but still "a few seconds". */
const MOVE_TIMEOUT_MS = 10_000;

if (!hasChromium) {
  console.warn(
    `test/integration/ui-live.browser.test.ts skipped: no ${CHROMIUM} (apt-get install -y chromium; never a downloaded browser)`,
  );
}

/** The agent serving the test VIP, or undefined before it is created or while the agent is down. */
async function endpointOf(agent: LoopbackAgent): Promise<EndpointView | undefined> {
  const endpoints = await agent.endpoints().catch(() => undefined);
  return endpoints?.find((e) => e.ip === VIP);
}

describe.skipIf(!hasChromium)('the live view against real agents and etcd, in headless Chromium', () => {
  let etcd: EtcdServer | undefined;
  const a = new LoopbackAgent('ui-a');
  const b = new LoopbackAgent('ui-b');
  const agents = [a, b];
  let browser: Browser | undefined;
  /** Each agent's own /ui, by hostname. */
  const pages = new Map<string, Page>();
  const requests: string[] = [];
  const problems: string[] = [];
  let holder: LoopbackAgent;
  let standby: LoopbackAgent;

  const pageOf = (agent: LoopbackAgent) => pages.get(agent.hostname) as Page;
  const card = (agent: LoopbackAgent) => pageOf(agent).locator('[data-testid="endpoint-card"]');
  const cardStatus = (agent: LoopbackAgent) => card(agent).getAttribute('data-status');
  const highlighted = (agent: LoopbackAgent) =>
    card(agent).locator('[data-testid="statechart"] g[data-active="state"]').getAttribute('data-state');
  const diagramHighlight = (agent: LoopbackAgent) =>
    card(agent).locator('[data-testid="statechart"]').getAttribute('data-highlighted');
  /** The cluster view on `page`: [hostname, status, holder?] per host of the VIP. */
  const clusterHosts = (page: Page) =>
    page
      .locator('[data-testid="cluster-vip"] [data-testid="cluster-host"]')
      .evaluateAll((els) =>
        els.map((el) => [
          el.getAttribute('data-hostname'),
          el.getAttribute('data-status'),
          el.getAttribute('data-holder'),
        ]),
      );
  const expectedCluster = (active: LoopbackAgent) =>
    [a, b].map((agent) =>
      agent === active ? [agent.hostname, 'ACTIVATED', 'true'] : [agent.hostname, 'STANDBY', 'false'],
    );
  /** What both pages show right now, for the timing log and failure messages. */
  const shown = async () =>
    Promise.all(
      agents.map(async (agent) => ({
        page: agent.hostname,
        card: await cardStatus(agent),
        highlighted: await highlighted(agent),
        cluster: await clusterHosts(pageOf(agent)),
      })),
    );
  const screenshot = async (name: string) => {
    for (const agent of agents) {
      await pageOf(agent).screenshot({
        path: join(ARTIFACTS, `ui-live-${name}-${agent.hostname}.png`),
        fullPage: true,
      });
    }
  };

  /** Waits for one agent ACTIVATED and the other STANDBY, and takes their roles from the API. */
  const settle = async () => {
    const statuses = () => Promise.all(agents.map(async (agent) => (await endpointOf(agent))?.status));
    await eventually(
      async () => {
        const now = await statuses();
        return now.includes('ACTIVATED') && now.includes('STANDBY');
      },
      30_000,
      `one agent ACTIVATED and the other STANDBY for ${VIP}`,
    );
    holder = (await endpointOf(a))?.status === 'ACTIVATED' ? a : b;
    standby = holder === a ? b : a;
  };

  beforeAll(async () => {
    const started = Date.now();
    etcd = await startEtcd();
    await Promise.all(agents.map((agent) => agent.start(etcd?.url as string)));
    // The VIP on both agents through the API, A first: A usually wins, but the test takes whichever holds it.
    for (const agent of agents) {
      const res = await agent.api('POST', '/endpoints', {
        plugin: 'arp',
        plugin_config: { ip: VIP },
        checks: [],
      });
      if (res.status !== 201)
        throw new Error(`create ${VIP} on ${agent.hostname}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    await settle();
    console.log(`etcd and two agents up, ${VIP} held by ${holder.hostname} after ${Date.now() - started} ms`);

    browser = await launchChromium();
    for (const agent of agents) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
      page.on('request', (request) => requests.push(request.url()));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`${agent.hostname}: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`${agent.hostname}: ${error.message}`));
      pages.set(agent.hostname, page);
    }
    await mkdir(ARTIFACTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await Promise.all(agents.map((agent) => agent.kill()));
    await etcd?.destroy();
  }, 30_000);

  it("lists the endpoint and renders the diagram on A's page", async () => {
    const page = pageOf(a);
    const since = Date.now();
    await page.goto(`${a.url}/ui`);
    console.log(`${a.hostname}/ui loaded in ${Date.now() - since} ms`);
    await expect
      .poll(() => page.locator('[data-testid="connection"]').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('live');
    await expect.poll(() => card(a).count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('[data-testid="page-hostname"]').textContent()).toBe(a.hostname);
    expect(await card(a).locator('[data-testid="endpoint-ip"]').textContent()).toBe(VIP);
    expect(await card(a).getAttribute('data-endpoint-id')).toBe((await endpointOf(a))?.id);
    const states = await card(a)
      .locator('[data-testid="statechart"] svg g[data-state]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-state')));
    expect(states.length).toBeGreaterThan(5);
    expect(states).toEqual(expect.arrayContaining(['ACTIVATED', 'STANDBY']));
    await expect.poll(() => highlighted(a), { timeout: 10_000 }).not.toBeNull();
  }, 60_000);

  it('highlights ACTIVATED on the holder, STANDBY on the other host, and the cluster view agrees', async () => {
    await pageOf(b).goto(`${b.url}/ui`);
    await settle();
    for (const agent of agents) {
      const status = agent === holder ? 'ACTIVATED' : 'STANDBY';
      await expect.poll(() => cardStatus(agent), { timeout: 10_000 }).toBe(status);
      expect(await highlighted(agent)).toBe(status);
      expect(await diagramHighlight(agent)).toBe(status);
      await expect
        .poll(() => card(agent).locator('[data-testid="holder"]').getAttribute('data-holder'), {
          timeout: 10_000,
        })
        .toBe(holder.hostname);
      // Each page shows both hosts side by side, the holder marked, from the statuses in etcd.
      await expect
        .poll(() => clusterHosts(pageOf(agent)), { timeout: 10_000 })
        .toEqual(expectedCluster(holder));
      // The other host is tagged on this page's diagram at the state it reports.
      const other = agent === a ? b : a;
      await expect
        .poll(
          () =>
            card(agent)
              .locator(`[data-testid="peer-marker"][data-hostname="${other.hostname}"]`)
              .getAttribute('data-state'),
          { timeout: 10_000 },
        )
        .toBe(other === holder ? 'ACTIVATED' : 'STANDBY');
    }
    await screenshot('before');
  }, 60_000);

  it('moves the highlight to the other host after a failover through the API, without a reload', async () => {
    for (const agent of agents) {
      await pageOf(agent).evaluate(() => {
        (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
      });
    }
    const id = (await endpointOf(holder))?.id as string;
    const since = Date.now();
    const res = await holder.api('POST', `/endpoints/${id}/failover`);
    const answered = Date.now() - since;
    expect(res.status).toBe(204);

    const seen: Record<string, number> = {};
    const until = (what: string, check: () => Promise<boolean>) =>
      eventually(check, MOVE_TIMEOUT_MS, what).then(
        () => {
          seen[what] = Date.now() - since;
        },
        async (error: unknown) => {
          throw new Error(`${(error as Error).message}; the pages show ${JSON.stringify(await shown())}`);
        },
      );
    await Promise.all([
      until(`${holder.hostname}'s page: STANDBY`, async () => (await highlighted(holder)) === 'STANDBY'),
      until(
        `${standby.hostname}'s page: ACTIVATED`,
        async () => (await highlighted(standby)) === 'ACTIVATED',
      ),
      until(
        `${a.hostname}'s cluster view: ${standby.hostname} holds`,
        async () =>
          JSON.stringify(await clusterHosts(pageOf(a))) === JSON.stringify(expectedCluster(standby)),
      ),
      until(
        `${b.hostname}'s cluster view: ${standby.hostname} holds`,
        async () =>
          JSON.stringify(await clusterHosts(pageOf(b))) === JSON.stringify(expectedCluster(standby)),
      ),
    ]);
    console.log(
      `failover ${holder.hostname} -> ${standby.hostname}: API answered in ${answered} ms; ${Object.entries(
        seen,
      )
        .map(([what, ms]) => `${what} after ${ms} ms`)
        .join('; ')}`,
    );

    expect(await cardStatus(holder)).toBe('STANDBY');
    expect(await diagramHighlight(holder)).toBe('STANDBY');
    expect(await cardStatus(standby)).toBe('ACTIVATED');
    expect(await diagramHighlight(standby)).toBe('ACTIVATED');
    for (const agent of agents) {
      expect(
        await pageOf(agent).evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded),
      ).toBe(true);
      await expect
        .poll(() => card(agent).locator('[data-testid="holder"]').getAttribute('data-holder'), {
          timeout: MOVE_TIMEOUT_MS,
        })
        .toBe(standby.hostname);
    }
    // Each timeline's newest entry tells the move: the failover yields the lock, so the old holder
    // is demoted when the other host takes it, and the other host is elected.
    const newest = (agent: LoopbackAgent) =>
      card(agent)
        .locator('[data-testid="timeline-entry"]')
        .first()
        .evaluate((el) => [el.getAttribute('data-event'), el.getAttribute('data-to'), el.textContent]);
    await expect
      .poll(() => newest(holder), { timeout: MOVE_TIMEOUT_MS })
      .toEqual(['demoted', 'STANDBY', expect.stringContaining(`${standby.hostname} holds the lock`)]);
    await expect
      .poll(() => newest(standby), { timeout: MOVE_TIMEOUT_MS })
      .toEqual(['elected', 'ACTIVATED', expect.stringContaining('this host holds the lock')]);
    // The agents agree with their pages.
    expect((await endpointOf(holder))?.status).toBe('STANDBY');
    expect((await endpointOf(standby))?.status).toBe('ACTIVATED');
    await screenshot('after');
  }, 60_000);

  it('loads nothing from anywhere but the agents and logs no errors', () => {
    expect(requests.filter((url) => !agents.some((agent) => url.startsWith(`${agent.url}/`)))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
