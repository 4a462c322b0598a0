import type { EndpointView } from '../../src/agent/agent-service.js';
import type { LabAgent } from './agents.js';
import type { Lab } from './lab.js';

/** One look at what an agent's API says of a VIP and what the kernel has on its interface. */
export interface BoundSample {
  at: number;
  status: string | undefined;
  bound: boolean | null | undefined;
  /** The VIP is on the agent's interface (read after the API answered). */
  inKernel: boolean;
  lastFault?: string | undefined;
}

/**
 * Samples, every `everyMs`, an agent's view of a VIP (`status`, `bound`) and the kernel's truth (is
 * the address on the host's interface?), to check that the API never says "bound" of an address
 * that is not. The API is read first, then the kernel: a bind that completes between the two
 * reads errs on the safe side.
 */
export class BoundTruth {
  readonly samples: BoundSample[] = [];
  #running = true;
  readonly #loop: Promise<void>;

  constructor(
    private readonly lab: Lab,
    private readonly agent: LabAgent,
    private readonly vip: string,
    everyMs = 100,
  ) {
    this.#loop = this.#run(everyMs);
  }

  async #run(everyMs: number): Promise<void> {
    const address = this.vip.split('/')[0] as string;
    while (this.#running) {
      const at = Date.now();
      const view = await this.agent
        .endpoints()
        .then((all) => all.find((e: EndpointView) => e.ip === this.vip))
        .catch(() => undefined);
      const inKernel = await this.lab
        .addressesOf(this.agent.hostname)
        .then((all) => all.includes(address))
        .catch(() => false);
      if (view)
        this.samples.push({
          at,
          status: view.status,
          bound: view.bound,
          inKernel,
          lastFault: view.last_fault ?? undefined,
        });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, everyMs - (Date.now() - at))));
    }
  }

  /**
   * Runs of samples where the API said ACTIVATED and bound while the kernel did not have the
   * address, lasting at least `minMs` (the agent learns of a change behind its back by polling:
   * the link every `--link-poll-interval`, the address every `reconcileInterval`).
   */
  lies(minMs: number): BoundSample[][] {
    const runs: BoundSample[][] = [];
    let run: BoundSample[] = [];
    const close = () => {
      const first = run[0];
      const last = run.at(-1);
      if (first && last && last.at - first.at >= minMs) runs.push(run);
      run = [];
    };
    for (const sample of this.samples) {
      if (sample.status === 'ACTIVATED' && sample.bound === true && !sample.inKernel) run.push(sample);
      else close();
    }
    close();
    return runs;
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }
}
