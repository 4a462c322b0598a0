import { monotonicNow } from '../../ports/clock.js';
import type { AddressPort } from '../../ports/network.js';
import { NetError } from '../net-error.js';
import { IpCommandError, type IpRunner, runIp } from './ip-command.js';
import { parseVip } from './vip-cidr.js';

interface IpAddrJson {
  ifindex?: number;
  ifname?: string;
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

export interface IpRouteAddressPortOptions {
  run?: IpRunner;
  /**
   * How long one read of the interface's addresses answers `has()` for every VIP (default 500 ms).
   * Our own binds and unbinds are applied to it as they complete; only changes made behind the
   * agent's back are seen up to this much later.
   */
  readMaxAgeMs?: number;
  now?: () => number;
  /** After each unbind (whatever its outcome): other readers of the interface may be out of date. */
  onUnbind?: () => void;
}

interface BoundAddress {
  ip: string;
  prefix: number;
}

interface Snapshot {
  startedAt: number;
  /** Address -> bound prefix: `has()` is a lookup, thousands of times per read with 10 000 VIPs. */
  result: Promise<Map<string, number>>;
  /** Our writes completed since the read began, the last per address: applied over its result. */
  later: Map<string, { prefix: number; bound: boolean }>;
}

interface PendingWrite {
  args: string[];
  what: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Binds VIPs on one interface with iproute2, like vip-manager's IP configurer: every operation is
 * idempotent so an actor can retry or reconcile without first asking what is there.
 *
 * Every `ip` call is a fork of the agent, which costs milliseconds of its event loop (tens on a
 * loaded host), so with hundreds of VIPs the calls are shared: one read of the address list
 * answers every `has()` for a short while (with our own writes applied over it), and binds or
 * unbinds requested while one is running go together through one `ip -batch` (group commit, no
 * added delay for a lone call).
 */
export class IpRouteAddressPort implements AddressPort {
  readonly #run: IpRunner;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  readonly #onUnbind: (() => void) | undefined;
  #snapshot: Snapshot | undefined;
  /** The interface's index at the last read: a renamed interface keeps it, a re-created one does not. */
  #index: number | undefined;
  /** The one read of the index in flight: the binds of one batch all end together. */
  #learning: Promise<void> | undefined;
  #pending: PendingWrite[] = [];
  #writing = false;
  /**
   * Address -> what the writes asked for and not yet done will leave (the last one wins) and how
   * many there are. A VIP demoted while its bind waits in the queue must be seen as bound, or the
   * next state skips the unbind and the bind lands afterwards on a host that does not hold it.
   */
  #queued = new Map<string, { bound: boolean; writes: number }>();

  constructor(
    readonly iface: string,
    options: IpRouteAddressPortOptions = {},
  ) {
    this.#run = options.run ?? runIp;
    this.#maxAgeMs = options.readMaxAgeMs ?? 500;
    this.#now = options.now ?? monotonicNow;
    this.#onUnbind = options.onUnbind;
  }

  /** Compares by address only (LinK does too): `10.0.0.10/24` counts as bound for `10.0.0.10/32`. */
  async has(cidr: string): Promise<boolean> {
    const { ip } = parseVip(cidr);
    const snapshot = this.#fresh();
    const read = await snapshot.result;
    const queued = this.#queued.get(ip);
    if (queued) return queued.bound;
    const written = snapshot.later.get(ip);
    return written ? written.bound : read.has(ip);
  }

  /** The interface's addresses, canonical; shared with concurrent and recent callers (see the class). */
  async addresses(): Promise<BoundAddress[]> {
    const snapshot = this.#fresh();
    const byIp = new Map(await snapshot.result);
    for (const [ip, write] of snapshot.later) {
      if (write.bound) byIp.set(ip, write.prefix);
      else byIp.delete(ip);
    }
    return [...byIp].map(([ip, prefix]) => ({ ip, prefix }));
  }

  #fresh(): Snapshot {
    const current = this.#snapshot;
    if (current && this.#now() - current.startedAt <= this.#maxAgeMs) return current;
    const snapshot: Snapshot = {
      startedAt: this.#now(),
      result: this.#readAddresses().then((read) => new Map(read.map((a) => [a.ip, a.prefix]))),
      later: new Map(),
    };
    this.#snapshot = snapshot;
    snapshot.result.catch(() => {
      if (this.#snapshot === snapshot) this.#snapshot = undefined;
    });
    return snapshot;
  }

  /**
   * The interface's addresses; if it was renamed (same index, another name), those of the renamed
   * link: VIPs bound before the rename are still there, answered by the kernel, and must be seen
   * to be removed. Binds still go to the configured name only.
   */
  async #readAddresses(): Promise<BoundAddress[]> {
    let parsed: IpAddrJson[];
    try {
      parsed = await this.#readLinks(['-j', 'addr', 'show', 'dev', this.iface]);
      const [link] = parsed;
      if (link?.ifindex !== undefined) this.#index = link.ifindex;
    } catch (error) {
      const renamed = isMissingDevice(error) ? await this.#renamed() : undefined;
      if (!renamed) throw error;
      parsed = [renamed];
    }
    return localAddresses(parsed);
  }

  async #readLinks(args: string[]): Promise<IpAddrJson[]> {
    const stdout = await this.#call(args, 'read the addresses of');
    try {
      return JSON.parse(stdout) as IpAddrJson[];
    } catch (error) {
      throw new NetError(`unexpected output from \`ip ${args.join(' ')}\`: is iproute2 too old?`, {
        cause: error,
      });
    }
  }

  /** This port's interface under another name (renamed since the last read), if it still exists. */
  async #renamed(): Promise<IpAddrJson | undefined> {
    if (this.#index === undefined) return undefined;
    const links = await this.#readLinks(['-j', 'addr', 'show']).catch(() => []);
    return links.find((link) => link.ifindex === this.#index && link.ifname !== this.iface);
  }

  async add(cidr: string): Promise<void> {
    const vip = parseVip(cidr);
    // `replace` succeeds when the address is already there. For IPv6, `nodad` makes the address
    // usable at once instead of "tentative" for a second of duplicate detection, which would also
    // swallow our unsolicited advertisements; conflicts are the etcd lock's job, not DAD's.
    const args = ['addr', 'replace', vip.cidr, 'dev', this.iface];
    if (vip.family === 6) args.push('nodad');
    await this.#write(args, `bind ${vip.cidr} on`);
    // A VIP bound before any read must still be found if the interface is renamed before one;
    // learnt beside the bind, so the announcement that follows it is not delayed.
    if (this.#index === undefined) this.#learning ??= this.#learnIndex();
  }

  async #learnIndex(): Promise<void> {
    const [link] = await this.#readLinks(['-j', 'link', 'show', 'dev', this.iface]).catch(() => []);
    if (link?.ifindex !== undefined) this.#index ??= link.ifindex;
    this.#learning = undefined;
  }

  async remove(cidr: string): Promise<void> {
    const vip = parseVip(cidr);
    try {
      await this.#write(['addr', 'del', vip.cidr, 'dev', this.iface], `unbind ${vip.cidr} from`);
    } catch (error) {
      if (isMissingDevice(error)) return this.#removeFromRenamed(vip.cidr, error);
      // `ip addr del` of an absent address exits 2: already in the wanted state.
      // A prefix other than the one bound gives the same answer; that address is left alone, since
      // it may be the host's own address that an operator configured.
      if (!isAddressAbsent(error)) throw error;
      const other = (await this.addresses()).find((bound) => bound.ip === vip.ip);
      if (other === undefined) return;
      throw new NetError(
        `${vip.ip} is bound on ${this.iface} as /${other.prefix}, not /${vip.prefix}: LinK did not bind it ` +
          `this way, so it leaves it; fix the endpoint's prefix or remove the address by hand`,
        { cause: error },
      );
    }
  }

  /** Removes the VIP from this interface under its new name; rethrows `missing` if it is gone. */
  async #removeFromRenamed(cidr: string, missing: unknown): Promise<void> {
    const renamed = await this.#renamed();
    if (!renamed?.ifname) throw missing;
    this.#snapshot = undefined;
    const { ip } = parseVip(cidr);
    if (!localAddresses([renamed]).some((bound) => bound.ip === ip)) return;
    await this.#call(['addr', 'del', cidr, 'dev', renamed.ifname], `unbind ${cidr} from`);
  }

  /** Queues one bind or unbind; the writes queued while another runs go out together. */
  #write(args: string[], what: string): Promise<void> {
    const [, verb, cidr = ''] = args;
    const { ip } = parseVip(cidr);
    this.#queued.set(ip, { bound: verb === 'replace', writes: (this.#queued.get(ip)?.writes ?? 0) + 1 });
    const done = () => {
      const queued = this.#queued.get(ip);
      if (queued && --queued.writes === 0) this.#queued.delete(ip);
    };
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({
        args,
        what,
        resolve: () => {
          done();
          resolve();
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      if (!this.#writing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#writing = true;
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0);
      if (batch.length === 1) await this.#writeOne(batch[0] as PendingWrite);
      else await this.#writeBatch(batch);
    }
    this.#writing = false;
  }

  async #writeOne(write: PendingWrite): Promise<void> {
    try {
      await this.#call(write.args, write.what);
      this.#wrote(write);
      write.resolve();
    } catch (error) {
      this.#wrote(write, error);
      write.reject(error);
    }
  }

  /**
   * A write that succeeded is applied over the current read, which may have started before it;
   * after a failed one the interface's state is unknown, so the next caller reads it afresh.
   */
  #wrote(write: PendingWrite, error?: unknown): void {
    const [, verb, cidr = ''] = write.args;
    if (verb !== 'replace') this.#onUnbind?.();
    if (error !== undefined) {
      this.#snapshot = undefined;
      return;
    }
    const vip = parseVip(cidr);
    this.#snapshot?.later.set(vip.ip, { prefix: vip.prefix, bound: verb === 'replace' });
  }

  /**
   * One `ip -force -batch -` for all. With `-force` iproute2 runs every line and names each one
   * that failed ("Command failed -:N" after its message), so each caller still gets its own answer
   * in iproute2's words. If the output cannot be read that way, the writes run again one at a
   * time: they are idempotent.
   */
  async #writeBatch(batch: PendingWrite[]): Promise<void> {
    let failures = new Map<number, string>();
    try {
      await this.#run(['-force', '-batch', '-'], `${batch.map((w) => w.args.join(' ')).join('\n')}\n`);
    } catch (error) {
      const attributed = error instanceof IpCommandError ? batchFailures(error.stderr) : undefined;
      if (!attributed) {
        for (const write of batch) await this.#writeOne(write);
        return;
      }
      failures = attributed;
    }
    batch.forEach((write, i) => {
      const stderr = failures.get(i + 1);
      if (stderr === undefined) {
        this.#wrote(write);
        write.resolve();
      } else {
        const error = this.#explain(new IpCommandError(write.args, stderr, 2), write.what);
        this.#wrote(write, error);
        write.reject(error);
      }
    });
  }

  async #call(args: string[], what: string): Promise<string> {
    try {
      return await this.#run(args);
    } catch (error) {
      throw this.#explain(error, what);
    }
  }

  #explain(error: unknown, what: string): unknown {
    if (error instanceof IpCommandError && /does not exist|Cannot find device/i.test(error.stderr)) {
      return new NetError(
        `interface ${this.iface} not found: could not ${what} it; check the interface setting and \`ip link\``,
        { cause: error },
      );
    }
    if (error instanceof IpCommandError && /Operation not permitted/i.test(error.stderr)) {
      return new NetError(`could not ${what} ${this.iface}: run as root or grant CAP_NET_ADMIN`, {
        cause: error,
      });
    }
    return error;
  }
}

/**
 * The failed lines of an `ip -force -batch` run and what iproute2 said about each, or undefined
 * when its output is not only such reports (a parse error stops the batch midway, unreported).
 */
export function batchFailures(stderr: string): Map<number, string> | undefined {
  const failures = new Map<number, string>();
  let message: string[] = [];
  for (const line of stderr.split('\n')) {
    const failed = /^Command failed -:(\d+)$/.exec(line.trim());
    if (failed) {
      failures.set(Number(failed[1]), message.join('\n'));
      message = [];
    } else if (line.trim() !== '') {
      message.push(line);
    }
  }
  return failures.size > 0 && message.length === 0 ? failures : undefined;
}

/** The addresses in `ip -j addr` output, canonical; a link-local address with a zone is never a VIP. */
function localAddresses(links: IpAddrJson[]): BoundAddress[] {
  return links
    .flatMap((link) => link.addr_info ?? [])
    .flatMap((info) => {
      if (info.local === undefined) return [];
      try {
        return [{ ip: parseVip(info.local).ip, prefix: info.prefixlen ?? 0 }];
      } catch {
        return [];
      }
    });
}

/** The interface does not exist (any more), as iproute2 words it. */
function isMissingDevice(error: unknown): boolean {
  const failed = error instanceof IpCommandError ? error : (error as { cause?: unknown } | undefined)?.cause;
  return failed instanceof IpCommandError && /does not exist|Cannot find device/i.test(failed.stderr);
}

/** EADDRNOTAVAIL, worded by the kernel's extended ack ("ipv4: Address not found.") or without it. */
function isAddressAbsent(error: unknown): boolean {
  return (
    error instanceof IpCommandError && /Cannot assign requested address|address not found/i.test(error.stderr)
  );
}
