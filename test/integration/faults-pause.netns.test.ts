import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Capture } from '../lab/capture.js';
import { type FaultLab, faultLabForSuite, isRoot, secs } from '../lab/fault-lab.js';

const TTL_MS = 6000;

/**
 * Fault class "process pause": the holder's agent and its frame worker are SIGSTOPped for longer
 * than the lease TTL (a frozen VM, a long GC pause) while its kernel keeps the VIP bound. Another
 * host takes the lock and announces itself. On SIGCONT the paused agent must act on what is true
 * now: no announcement or defence from what it queued or heard while paused (its lease lapsed, the
 * lock may be another's), and it gives the VIP up without pulling the client back.
 */
describe.skipIf(!isRoot)('faults: the holder paused longer than the TTL (root)', { timeout: 120_000 }, () => {
  let lab: FaultLab;

  faultLabForSuite({ prefix: 'lkpz', hosts: 2 }, (started) => {
    lab = started;
  });

  // Before the lab's destroy: after-hooks run in reverse order.
  afterAll(async () => {
    lab?.agent('a').resume();
  });

  it('on resume: no stale announcement, the VIP given up, the client stays with the new holder', async () => {
    const capture: Capture = await lab.lab.capture('client', 'arp');
    const pausedAt = Date.now();
    onTestFailed(() => lab.dumpLogs(pausedAt - 1000));
    // a's kernel keeps the VIP: two holders from b's election until a gives it up after resuming.
    const endPause = lab.checker.fault('pause a', TTL_MS + 3000 + 3000);
    lab.agent('a').pause();
    await lab.checker.until(
      (holders) => (holders.get(lab.address) ?? []).includes('b'),
      TTL_MS + 10_000,
      'b bound the VIP while a is paused',
    );
    const bMac = lab.lab.host('b').mac;
    // b's announcements go out; let the client follow them.
    await (lab.probe as NonNullable<typeof lab.probe>).waitFor(
      (s) => s.ok && s.at > Date.now() - 100 && s.answer === 'b',
      5000,
    );
    // Paused for longer than the TTL in any case (b may take over sooner: a's lease ran from its
    // last keepalive, up to one keepalive interval before the pause).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, pausedAt + TTL_MS + 2000 - Date.now())));
    const resumedAt = Date.now();
    const linesBefore = capture.lines.length;
    lab.agent('a').resume();
    const gaveUpIn = await lab.checker.until(
      (holders) => (holders.get(lab.address) ?? []).join() === 'b',
      10_000,
      'a gave the VIP up',
    );
    endPause(1000);
    // Time for anything a had queued to go out, had it been sent.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await capture.stop();
    const aMac = lab.lab.host('a').mac;
    // Gratuitous ARP goes to the broadcast address; a's kernel answering the client's own ARP
    // request for the VIP (unicast) is not the agent's doing.
    const aClaims = capture.lines
      .slice(linesBefore)
      .filter(
        (l) =>
          l.includes(`${aMac} > ff:ff:ff:ff:ff:ff`) &&
          (l.includes(`Request who-has ${lab.address} tell ${lab.address}`) ||
            l.includes(`Reply ${lab.address} is-at`)),
      );
    const mac = await lab.lab.neighbourMac('client', lab.address);
    const outage = Math.max(0, ...lab.outages(resumedAt).map((o) => o.durationMs));
    const aTransitions = lab
      .transitions('a')
      .filter((t) => t.time >= pausedAt)
      .map((t) => `${t.from}->${t.to} (${t.event})`);
    console.info(
      `a paused ${secs(resumedAt - pausedAt)}: b bound the VIP meanwhile; after SIGCONT a gave it up in ${secs(gaveUpIn)} ` +
        `(${aTransitions.join(', ')}), gratuitous ARP from a after the pause: ${aClaims.length}, client's entry ${mac === bMac ? 'b' : mac}, ` +
        `client outage after the resume ${outage} ms, invariant violations ${lab.checker.violations.length}`,
    );
    expect(aClaims).toEqual([]);
    expect(lab.holders()).toEqual(['b']);
    expect(mac).toBe(bMac);
    expect(outage).toBeLessThan(500);
    expect(lab.checker.violations).toEqual([]);
  });
});
