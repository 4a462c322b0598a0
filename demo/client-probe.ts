import type { Lab } from '../test/lab/lab.js';
import { outagesOf } from '../test/lab/probe-loop.js';
import type { ClientView } from './demo-cluster.js';

export const PROBE_EVERY_MS = 20;

/** The lab's client connecting to the VIP every 20 ms; each answer names the host that served it. */
export async function startClientProbe(lab: Lab, address: string, port: number): Promise<ClientView> {
  const client = lab.client;
  if (!client) throw new Error('the demo lab has no client namespace');
  // Connections to an address nobody holds time out: a short timeout keeps the resolution fine.
  const loop = await lab.probeLoop(client, address, port, PROBE_EVERY_MS, { timeoutMs: 200 });
  return {
    answeredBy: async (host, since, timeoutMs) => {
      await loop.waitFor((sample) => sample.at >= since && sample.ok && sample.answer === host, timeoutMs);
    },
    outageBetween: (since, until) => {
      // A probe that began just before the action can already fail because of it.
      const outages = outagesOf(
        loop.samples.filter((sample) => sample.at >= since - PROBE_EVERY_MS && sample.at <= until),
      );
      return {
        outageMs: Math.round(outages.reduce((sum, outage) => sum + outage.durationMs, 0)),
        failedProbes: outages.reduce((sum, outage) => sum + outage.failed, 0),
      };
    },
  };
}
