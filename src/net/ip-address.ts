import type { AddressPort } from '../ports/network.js';
import { IpCommandError, type IpRunner, runIp } from './ip-command.js';
import { NetError } from './net-error.js';
import { parseVip } from './vip-cidr.js';

interface IpAddrJson {
  ifname?: string;
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

/**
 * Binds VIPs on one interface with iproute2, like vip-manager's IP configurer: every operation is
 * idempotent so an actor can retry or reconcile without first asking what is there.
 */
export class IpRouteAddressPort implements AddressPort {
  readonly #run: IpRunner;

  constructor(
    readonly iface: string,
    options: { run?: IpRunner } = {},
  ) {
    this.#run = options.run ?? runIp;
  }

  /** Compares by address only (LinK does too): `10.0.0.10/24` counts as bound for `10.0.0.10/32`. */
  async has(cidr: string): Promise<boolean> {
    const { ip } = parseVip(cidr);
    return (await this.addresses()).some((bound) => bound.ip === ip);
  }

  /** The interface's addresses, canonical. */
  async addresses(): Promise<{ ip: string; prefix: number }[]> {
    const stdout = await this.#call(['-j', 'addr', 'show', 'dev', this.iface], 'read the addresses of');
    let parsed: IpAddrJson[];
    try {
      parsed = JSON.parse(stdout) as IpAddrJson[];
    } catch (error) {
      throw new NetError(
        `unexpected output from \`ip -j addr show dev ${this.iface}\`: is iproute2 too old?`,
        {
          cause: error,
        },
      );
    }
    return parsed
      .flatMap((link) => link.addr_info ?? [])
      .flatMap((info) => {
        if (info.local === undefined) return [];
        try {
          return [{ ip: parseVip(info.local).ip, prefix: info.prefixlen ?? 0 }];
        } catch {
          return []; // e.g. a link-local address with a zone: never a VIP
        }
      });
  }

  async add(cidr: string): Promise<void> {
    const vip = parseVip(cidr);
    // `replace` succeeds when the address is already there. For IPv6, `nodad` makes the address
    // usable at once instead of "tentative" for a second of duplicate detection, which would also
    // swallow our unsolicited advertisements; conflicts are the etcd lock's job, not DAD's.
    const args = ['addr', 'replace', vip.cidr, 'dev', this.iface];
    if (vip.family === 6) args.push('nodad');
    await this.#call(args, `bind ${vip.cidr} on`);
  }

  async remove(cidr: string): Promise<void> {
    const vip = parseVip(cidr);
    try {
      await this.#call(['addr', 'del', vip.cidr, 'dev', this.iface], `unbind ${vip.cidr} from`);
    } catch (error) {
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

  async #call(args: string[], what: string): Promise<string> {
    try {
      return await this.#run(args);
    } catch (error) {
      if (error instanceof IpCommandError && /does not exist|Cannot find device/i.test(error.stderr)) {
        throw new NetError(
          `interface ${this.iface} not found: could not ${what} it; check the interface setting and \`ip link\``,
          { cause: error },
        );
      }
      if (error instanceof IpCommandError && /Operation not permitted/i.test(error.stderr)) {
        throw new NetError(`could not ${what} ${this.iface}: run as root or grant CAP_NET_ADMIN`, {
          cause: error,
        });
      }
      throw error;
    }
  }
}

/** EADDRNOTAVAIL, worded by the kernel's extended ack ("ipv4: Address not found.") or without it. */
function isAddressAbsent(error: unknown): boolean {
  return (
    error instanceof IpCommandError && /Cannot assign requested address|address not found/i.test(error.stderr)
  );
}
