import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { firstMatch } from '../lab/agents.js';
import { FaultLab } from '../lab/fault-lab.js';
import { type NetDriver, startNetDriver } from '../lab/net-driver-client.js';

const isRoot = process.getuid?.() === 0;
const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';
const HOUR_S = 3600;
/** The holder's defend interval: a second claim inside it is answered when it ends. */
const DEFEND_INTERVAL_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Fault class "clock steps": the holder's wall clock is stepped an hour back, then two hours
 * forward, as an NTP step would, while the machine's real clock is left alone: the agent runs under
 * libfaketime, which moves only CLOCK_REALTIME (the offset is re-read from a file on every call).
 * Leases, timers and defences follow the monotonic clock, so nothing changes hands; a station
 * claiming the VIP after a step back is answered at once, not an hour later.
 */
describe.skipIf(!isRoot)('faults: wall clock steps on the holder (root)', { timeout: 120_000 }, () => {
  let lab: FaultLab;
  let rogue: NetDriver;
  let dir: string;
  let offsetFile: string;
  const stepTo = (seconds: number) => writeFileSync(offsetFile, `${seconds >= 0 ? '+' : ''}${seconds}\n`);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lkclock-'));
    offsetFile = join(dir, 'offset');
    stepTo(0);
    lab = await FaultLab.start({
      prefix: 'lkck',
      hosts: 2,
      hostEnv: {
        a: {
          LD_PRELOAD: LIBFAKETIME,
          FAKETIME_TIMESTAMP_FILE: offsetFile,
          FAKETIME_NO_CACHE: '1',
          FAKETIME_DONT_FAKE_MONOTONIC: '1',
        },
      },
    });
    // Claims for the VIP from the standby's station (its agent does not bind it): the client follows
    // them to a host that does not answer, until the holder defends.
    rogue = await startNetDriver(lab.lab, 'b');
    await rogue.watch(lab.address);
  }, 90_000);

  afterAll(async () => {
    await rogue?.close();
    await lab?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Makes a claim and waits for the holder's answer, as the claimant's station hears it. */
  const heldAgainst = async (claim: () => Promise<void>) => {
    const heardBefore = rogue.conflicts.length;
    await claim();
    await firstMatch(
      () => rogue.conflicts.slice(heardBefore),
      (c) => c.mac === lab.lab.host('a').mac,
      3000,
      "the holder's answer to the claim",
    );
  };

  it('the step really moves the agent wall clock (libfaketime works here)', async () => {
    stepTo(-HOUR_S);
    // Node's HTTP server stamps each answer with its wall clock (cached for up to a second).
    let skewMs = 0;
    const start = Date.now();
    while (Date.now() - start < 5000 && skewMs < HOUR_S * 1000 - 60_000) {
      const res = await fetch(`${lab.agent('a').forward?.url}/metrics`);
      await res.text();
      skewMs = Date.now() - Date.parse(res.headers.get('date') ?? '');
      await sleep(200);
    }
    console.info(`agent a's wall clock is ${Math.round(skewMs / 1000)} s behind the machine's`);
    expect(skewMs).toBeGreaterThan(HOUR_S * 1000 - 60_000);
  });

  it('an hour back: a claim after the defend interval is answered at once, and nothing changes hands', async () => {
    onTestFailed(() => lab.dumpLogs(0));
    const transitionsBefore = lab.transitions('a').length + lab.transitions('b').length;
    // A first claim (a request-style and a reply-style frame): the first frame is answered at once,
    // the second when the defend interval ends. After that, the holder's last defence is known.
    stepTo(0);
    await sleep(500);
    const firstClaimAt = Date.now();
    await heldAgainst(() => rogue.announce(lab.address));
    // (With a margin: on a loaded machine the holder hears the claim a while after it is sent.)
    await sleep(DEFEND_INTERVAL_MS - (Date.now() - firstClaimAt) + 2000);
    // The wall clock steps an hour back; the next claim after the defend interval must be answered
    // at once (on wall time the last defence lies an hour in the future).
    stepTo(-HOUR_S);
    await sleep(DEFEND_INTERVAL_MS);
    const claimedAt = Date.now();
    await heldAgainst(() => rogue.announce(lab.address));
    const answeredIn = Date.now() - claimedAt;
    const outage = Math.max(0, ...lab.outages(claimedAt).map((o) => o.durationMs));
    console.info(
      `wall clock of a stepped back 1 h: a claim more than ${DEFEND_INTERVAL_MS / 1000} s after the last defence was answered in ${answeredIn} ms (client outage ${outage} ms)`,
    );
    expect(lab.holders()).toEqual(['a']);
    expect(lab.transitions('a').length + lab.transitions('b').length).toBe(transitionsBefore);
    expect(lab.checker.violations).toEqual([]);
  });

  it('two hours forward: no lease expires, no VIP moves, for longer than a TTL', async () => {
    onTestFailed(() => lab.dumpLogs(0));
    const logsBefore = lab.agent('a').logs.length;
    const transitionsBefore = lab.transitions('a').length + lab.transitions('b').length;
    const steppedAt = Date.now();
    stepTo(HOUR_S);
    await sleep(8000);
    const leaseTrouble = lab
      .agent('a')
      .logs.slice(logsBefore)
      .filter((l) => l.component === 'host-lease' && Number(l.level) >= 40)
      .map((l) => String(l.msg));
    const metrics = await fetch(`${lab.agent('a').forward?.url}/metrics`).then((r) => r.text());
    const secondsLeft = Number(/^link_host_lease_remaining_seconds (\S+)$/m.exec(metrics)?.[1]);
    const outage = Math.max(0, ...lab.outages(steppedAt).map((o) => o.durationMs));
    console.info(
      `wall clock of a stepped 2 h forward: lease warnings ${leaseTrouble.length}, transitions ${lab.transitions('a').length + lab.transitions('b').length - transitionsBefore}, ` +
        `lease seconds left ${secondsLeft}, client outage ${outage} ms`,
    );
    expect(leaseTrouble).toEqual([]);
    expect(lab.transitions('a').length + lab.transitions('b').length).toBe(transitionsBefore);
    expect(lab.holders()).toEqual(['a']);
    expect(secondsLeft).toBeGreaterThan(0);
    expect(secondsLeft).toBeLessThanOrEqual(6);
    expect(outage).toBe(0);
    expect(lab.checker.violations).toEqual([]);
  });
});
