import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { LinkState, LinkStatePort } from '../../ports/network.js';
import { IpCommandError, type IpRunner, runIp } from './ip-command.js';

export interface LinkMonitorOptions {
  iface: string;
  /** Time between two reads of the link; a change is seen within this long. */
  pollMs: number;
  clock: Clock;
  logger: Logger;
  run?: IpRunner;
}

interface IpLinkJson {
  flags?: string[];
  operstate?: string;
}

/**
 * One watcher per interface: reads `ip -j link show dev IF` (netlink, so the namespace this process
 * runs in, unlike /sys) every `pollMs` (about 2.5 ms of work per read), and tells every listener when the
 * link goes down (no carrier, set down, or the interface vanished) or comes back. A read that
 * fails for another reason (a slow `ip`) changes nothing: only what the kernel says counts.
 */
export class LinkMonitor implements LinkStatePort {
  private readonly listeners = new Set<(state: LinkState) => void>();
  private state: LinkState | undefined;
  private timer: unknown;
  private readonly run: IpRunner;

  constructor(private readonly options: LinkMonitorOptions) {
    this.run = options.run ?? runIp;
  }

  private running = false;

  /** Starts polling; resolves once the first state is known (or could not be read). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.poll();
  }

  stop(): void {
    this.running = false;
    this.options.clock.clearTimeout(this.timer);
  }

  watch(listener: (state: LinkState) => void): () => void {
    this.listeners.add(listener);
    if (this.state) listener(this.state);
    return () => this.listeners.delete(listener);
  }

  /** Reads the link once; exported for tests and start-up. */
  async read(): Promise<LinkState | undefined> {
    const { iface } = this.options;
    try {
      const [link] = JSON.parse(await this.run(['-j', 'link', 'show', 'dev', iface])) as IpLinkJson[];
      if (!link) return { up: false, detail: `${iface}: not found` };
      return linkStateOf(iface, link);
    } catch (error) {
      if (error instanceof IpCommandError && /does not exist|Cannot find device/i.test(error.stderr))
        return { up: false, detail: `${iface}: the interface vanished` };
      this.options.logger.debug({ err: error, iface }, 'could not read the link state; keeping the last one');
      return undefined;
    }
  }

  private async poll(): Promise<void> {
    const next = await this.read();
    if (!this.running) return;
    if (next && (this.state === undefined || next.up !== this.state.up)) {
      if (this.state !== undefined || !next.up)
        this.options.logger[next.up ? 'info' : 'warn']({ iface: this.options.iface }, next.detail);
      this.state = next;
      for (const listener of [...this.listeners]) listener(next);
    } else if (next) {
      this.state = next;
    }
    this.options.clock.clearTimeout(this.timer);
    this.timer = this.options.clock.setTimeout(() => void this.poll(), this.options.pollMs);
  }
}

/**
 * Up means administratively UP with a carrier: `LOWER_UP` and no `NO-CARRIER`. The operstate of
 * virtual links (veth, bridges) may read UNKNOWN while they carry traffic, so flags decide.
 */
export function linkStateOf(iface: string, link: IpLinkJson): LinkState {
  const flags = link.flags ?? [];
  const operstate = link.operstate ?? 'UNKNOWN';
  if (!flags.includes('UP')) return { up: false, detail: `${iface}: set down (operstate ${operstate})` };
  if (flags.includes('NO-CARRIER') || !flags.includes('LOWER_UP'))
    return { up: false, detail: `${iface}: no carrier (operstate ${operstate})` };
  return { up: true, detail: `${iface}: link up` };
}
