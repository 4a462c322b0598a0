/**
 * Cross-site and DNS-rebinding attacks against a real linkd (dry run, real etcd) from real headless
 * Chromium: a page on another origin tries to create a VIP the two ways a browser allows without
 * a preflight (a form POST and a `no-cors` fetch); a rebinding-style Host is refused; curl -d,
 * link-client and the agent's own pages keep creating endpoints.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../lab/agents.js';
import { runLinkClient } from '../lab/link-client-process.js';
import { CHROMIUM, hasChromium, launchChromium } from '../support/chromium.js';
import { type EtcdServer, startEtcd } from '../support/etcd-server.js';
import { LoopbackAgent } from '../support/loopback-agent.js';

const run = promisify(execFile);

if (!hasChromium) console.warn(`test/integration/cross-site.browser.test.ts skipped: no ${CHROMIUM}`);

const attackBody = (ip: string) => JSON.stringify({ plugin: 'arp', plugin_config: { ip }, checks: [] });

/**
 * The attacker's page: a text/plain form whose single field spells a JSON endpoint body (the
 * classic trick: `name=value` where the name ends in `"x":"` and the value is `"}`), and a
 * `no-cors` fetch, the two writes a page may send anywhere without asking.
 */
function attackerPage(target: string): string {
  const formBody = attackBody('10.77.16.1/32');
  const name = `${formBody.slice(0, -1)},"x":"`;
  return `<!doctype html><html><body>
<form id="form" method="POST" enctype="text/plain" action="${target}/endpoints">
<input type="hidden" name='${name}' value='"}'></form>
<script>
window.noCors = () => fetch(${JSON.stringify(`${target}/endpoints`)}, {
  method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' },
  body: ${JSON.stringify(attackBody('10.77.16.2/32'))},
}).then(() => 'sent', (e) => String(e));
</script></body></html>`;
}

describe.skipIf(!hasChromium)('cross-site and rebinding requests against a real agent', () => {
  let etcd: EtcdServer | undefined;
  const agent = new LoopbackAgent('xsite');
  let attacker: Server | undefined;
  let attackerPort = 0;
  let browser: Browser | undefined;
  /** Status of every answer the browser got from the agent's /endpoints. */
  const answers: number[] = [];

  const ips = async () => (await agent.endpoints()).map((endpoint) => endpoint.ip).sort();

  beforeAll(async () => {
    etcd = await startEtcd();
    await agent.start(etcd.url);
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(attackerPage(agent.url));
    });
    await new Promise<void>((resolve) => attacker?.listen(0, '127.0.0.1', resolve));
    attackerPort = (attacker.address() as AddressInfo).port;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    attacker?.closeAllConnections();
    await new Promise((resolve) => attacker?.close(resolve));
    await agent.kill();
    await etcd?.destroy();
  }, 30_000);

  async function open(origin: string): Promise<Page> {
    const page = await (browser as Browser).newPage();
    page.on('response', (response) => {
      if (response.url() === `${agent.url}/endpoints`) answers.push(response.status());
    });
    await page.goto(origin);
    return page;
  }

  // localhost and 127.0.0.1 are different sites: Chromium sends Sec-Fetch-Site: cross-site.
  for (const [kind, host] of [
    ['cross-site', 'localhost'],
    ['same-site (another port)', '127.0.0.1'],
  ] as const) {
    it(`a ${kind} page's form POST and no-cors fetch create no endpoint`, async () => {
      answers.length = 0;
      const page = await open(`http://${host}:${attackerPort}/`);
      const navigated = page.waitForURL(`${agent.url}/endpoints`);
      await page.locator('#form').evaluate((form) => (form as unknown as { submit(): void }).submit());
      await navigated;
      // The form's answer is now the page: the agent's 403 and why.
      expect(await page.locator('body').textContent()).toContain('cross-site write refused');

      await page.goto(`http://${host}:${attackerPort}/`);
      expect(
        await page.evaluate(() => (globalThis as unknown as { noCors: () => Promise<string> }).noCors()),
      ).toBe('sent');
      // Both requests reached the agent and were refused (the fetch's answer is opaque to the page).
      await eventually(async () => answers.length === 2, 10_000, 'two answers from the agent');
      expect(answers).toEqual([403, 403]);
      expect(await ips()).toEqual([]);
      await page.close();
    });
  }

  it('the agent’s own page still writes (same origin)', async () => {
    answers.length = 0;
    const page = await open(`${agent.url}/ui`);
    const status = await page.evaluate(
      (body) =>
        fetch('/endpoints', { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
          (res) => res.status,
        ),
      attackBody('10.77.16.3/32'),
    );
    expect(status).toBe(201);
    await page.close();
    await agent.api('DELETE', `/endpoints/${(await agent.endpoints())[0]?.id}`);
  });

  it('refuses a rebinding-style Host, even from curl', async () => {
    const { stdout } = await run('curl', [
      '-s',
      '-o',
      '-',
      '-w',
      '\n%{http_code}',
      '-H',
      'Host: attacker.example:13131',
      '-d',
      attackBody('10.77.16.4/32'),
      `${agent.url}/endpoints`,
    ]);
    const [body, code] = stdout.split('\n');
    expect(code).toBe('403');
    expect(JSON.parse(body as string).error).toMatch(
      /Host 'attacker.example:13131' is not a name or address/,
    );
    expect(await ips()).toEqual([]);
  });

  it('curl -d and link-client still create endpoints', async () => {
    const { stdout } = await run('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-d',
      attackBody('10.77.16.5/32'),
      `${agent.url}/endpoints`,
    ]);
    expect(stdout).toBe('201');
    const client = await runLinkClient(agent.url, ['create', '--ip', '10.77.16.6/32']);
    expect(client.stderr).toBe('');
    expect(client.code).toBe(0);
    expect(await ips()).toEqual(['10.77.16.5/32', '10.77.16.6/32']);
  });
});
