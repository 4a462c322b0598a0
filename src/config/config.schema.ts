import { isIP } from 'node:net';
import { z } from 'zod';
import { FAULT_POLICIES } from '../model/endpoint.js';
import { HOSTNAME_RULE, isHostname } from '../model/hostname.js';
import {
  boolean,
  choice,
  count,
  duration,
  integer,
  optional,
  parseHostList,
  parseHttpUrl,
  parseListen,
  parseRangeList,
  parseUrlList,
  required,
  text,
} from './value-parsers.js';

/**
 * Every linkd setting, once: its flag, its LINK_* variable (derived from the flag), its default
 * and what it does. The flags, the environment, `--help`, the README table and the typed config
 * all come from this table.
 */
export interface Setting<S extends z.ZodType = z.ZodType> {
  flag: `--${string}`;
  /** The value's placeholder in help, e.g. `SECONDS`; absent for on/off switches. */
  arg?: string;
  /** The documented default, as an operator would type it; absent: unset or required. */
  default?: string;
  /** Shown instead of `default` when the default is computed at start. */
  defaultDoc?: string;
  /** No default: linkd refuses to start without it. */
  required?: true;
  description: string;
  /** Never echoed back in errors. */
  secret?: boolean;
  /** A file holding a secret: refused when group or others may read it. */
  secretFile?: true;
  schema: S;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// Linux interface names: at most 15 bytes, no '/', ':' or whitespace.
const INTERFACE = /^(?!\.{1,2}$)[A-Za-z0-9_.@-]{1,15}$/;

// Paths only; loadConfig checks that the files exist, so a typo fails at start, not at the first connection.
const file = () => text();

function setting<S extends z.ZodType>(spec: Setting<S>): Setting<S> {
  return spec;
}

export const settings = {
  etcd: setting({
    flag: '--etcd',
    arg: 'URL[,URL...]',
    default: 'http://127.0.0.1:2379',
    description: 'etcd endpoints, comma-separated; `http://` and port 2379 when omitted',
    schema: required('must be comma-separated http(s)://host:port URLs', parseUrlList),
  }),
  etcdCert: setting({
    flag: '--etcd-cert',
    arg: 'FILE',
    description: 'client certificate (PEM) for etcd over TLS; needs `--etcd-key`',
    schema: file(),
  }),
  etcdKey: setting({
    flag: '--etcd-key',
    arg: 'FILE',
    description: 'private key (PEM) of the etcd client certificate; readable by its owner only',
    secretFile: true,
    schema: file(),
  }),
  etcdCa: setting({
    flag: '--etcd-ca',
    arg: 'FILE',
    description: "CA bundle (PEM) that signed etcd's certificate",
    schema: file(),
  }),
  etcdUser: setting({
    flag: '--etcd-user',
    arg: 'NAME',
    description: 'etcd user (RBAC); needs `--etcd-password`',
    schema: text(),
  }),
  etcdPassword: setting({
    flag: '--etcd-password',
    arg: 'PASSWORD',
    description: 'etcd password; prefer `--etcd-password-file`: flags show in `ps`, variables in `/proc`',
    secret: true,
    schema: text({ secret: true }),
  }),
  etcdPasswordFile: setting({
    flag: '--etcd-password-file',
    arg: 'FILE',
    description:
      'file holding the etcd password (one line), readable by its owner only, e.g. a systemd credential `%d/etcd-password`',
    secretFile: true,
    schema: file(),
  }),
  interface: setting({
    flag: '--interface',
    arg: 'IF',
    required: true,
    description: 'network interface that binds the VIPs, e.g. `eth0`',
    schema: required('must be an interface name (at most 15 letters, digits, ".", "-", "_", "@")', (raw) =>
      INTERFACE.test(raw) ? raw : undefined,
    ),
  }),
  hostname: setting({
    flag: '--hostname',
    arg: 'NAME',
    defaultDoc: 'the OS hostname',
    description: "this host's name in etcd keys and lock values",
    schema: required(HOSTNAME_RULE, (raw) => (isHostname(raw) ? raw : undefined)),
  }),
  listen: setting({
    flag: '--listen',
    arg: 'ADDR:PORT',
    default: '127.0.0.1:1313',
    description: 'API address (`[v6]:PORT` for IPv6, `:PORT` for every interface)',
    schema: required('must be HOST:PORT, [IPv6]:PORT or :PORT', parseListen),
  }),
  apiHosts: setting({
    flag: '--api-hosts',
    arg: 'NAME[,NAME...]',
    description:
      'more `Host` names or addresses the API answers to, besides the listen address, `localhost`, `127.0.0.1`, `[::1]`, the hostname and the address a request arrived on (DNS rebinding defence)',
    schema: optional('must be comma-separated host names or addresses, without port', parseHostList),
  }),
  apiUser: setting({
    flag: '--api-user',
    arg: 'NAME',
    description: 'basic auth user for the API; needs `--api-password`',
    schema: text(),
  }),
  apiPassword: setting({
    flag: '--api-password',
    arg: 'PASSWORD',
    description: 'basic auth password for the API; prefer `--api-password-file`',
    secret: true,
    schema: text({ secret: true }),
  }),
  apiPasswordFile: setting({
    flag: '--api-password-file',
    arg: 'FILE',
    description:
      'file holding the API password (one line), readable by its owner only, e.g. a systemd credential `%d/api-password`',
    secretFile: true,
    schema: file(),
  }),
  unauthenticatedApi: setting({
    flag: '--unauthenticated-api',
    default: 'false',
    description:
      'serve the API on a non-loopback `--listen` address without `--api-user`/`--api-password`: anyone who reaches it can bind any address on the segment; linkd refuses to start so otherwise',
    schema: boolean(),
  }),
  tlsCert: setting({
    flag: '--tls-cert',
    arg: 'FILE',
    description: 'certificate (PEM) to serve the API over HTTPS; needs `--tls-key`',
    schema: file(),
  }),
  tlsKey: setting({
    flag: '--tls-key',
    arg: 'FILE',
    description: 'private key (PEM) of the API certificate; readable by its owner only',
    secretFile: true,
    schema: file(),
  }),
  vipRanges: setting({
    flag: '--vip-ranges',
    arg: 'CIDR[,CIDR...]',
    description:
      "ranges new VIPs must fall in, e.g. `10.0.0.0/24`; unset: any address, but never loopback, link-local, multicast, this host's interface addresses or their subnets' network and broadcast addresses",
    schema: optional('must be comma-separated ranges like 10.0.0.0/24 or fd00::/64', parseRangeList),
  }),
  leaseTtlSeconds: setting({
    flag: '--lease-ttl',
    arg: 'SECONDS',
    default: '6',
    description: "TTL of this host's etcd lease: a crashed holder's VIPs move after about this long",
    schema: duration({ unit: 's', out: 's', min: 0, exclusive: true, integer: true }),
  }),
  keepaliveIntervalMs: setting({
    flag: '--keepalive-interval',
    arg: 'SECONDS',
    default: '3',
    description: 'time between lease keepalives; below `--lease-ttl`',
    schema: duration({ unit: 's', out: 'ms', min: 0, exclusive: true }),
  }),
  etcdTimeoutMs: setting({
    flag: '--etcd-timeout',
    arg: 'MS',
    default: '1500',
    description: 'deadline of each etcd call, in milliseconds',
    schema: duration({ unit: 'ms', out: 'ms', min: 0, exclusive: true }),
  }),
  faultAfter: setting({
    flag: '--fault-after',
    arg: 'N',
    default: '2',
    description:
      'consecutive failed keepalives, over at least one keepalive interval, before the VIPs apply their fault policy',
    schema: count(1),
  }),
  healthIntervalMs: setting({
    flag: '--health-interval',
    arg: 'SECONDS',
    default: '5',
    description: "time between health checks, unless an endpoint's `healthcheck_interval` says otherwise",
    schema: duration({ unit: 's', out: 'ms', min: 0, exclusive: true }),
  }),
  healthTimeoutMs: setting({
    flag: '--health-timeout',
    arg: 'SECONDS',
    default: '5',
    description: 'time one health check may take (DNS, connect, HTTP answer)',
    schema: duration({ unit: 's', out: 'ms', min: 0, exclusive: true }),
  }),
  healthFall: setting({
    flag: '--health-fall',
    arg: 'N',
    default: '3',
    description: 'consecutive failed health rounds before a VIP goes FAILING',
    schema: count(1),
  }),
  // 1, as in LinK: a recovered host only becomes a standby again (there is no preemption), so a
  // single lucky check cannot take a VIP from a healthy holder; it only restores redundancy sooner.
  healthRise: setting({
    flag: '--health-rise',
    arg: 'N',
    default: '1',
    description: 'consecutive passed health rounds before a FAILING VIP returns to STANDBY',
    schema: count(1),
  }),
  arpCount: setting({
    flag: '--arp-count',
    arg: 'N',
    default: '4',
    description: 'gratuitous ARP rounds after taking a VIP (1 + 3, as LinK)',
    schema: count(1),
  }),
  arpIntervalMs: setting({
    flag: '--arp-interval',
    arg: 'MS',
    default: '1000',
    description: 'time between those rounds, in milliseconds',
    schema: duration({ unit: 'ms', out: 'ms', min: 0, exclusive: true }),
  }),
  arpRefreshMs: setting({
    flag: '--arp-refresh',
    arg: 'SECONDS',
    default: '0',
    description: 'time between re-announcements while holding a VIP; 0 turns them off',
    schema: duration({ unit: 's', out: 'ms', min: 0 }),
  }),
  reconcileIntervalMs: setting({
    flag: '--reconcile-interval',
    arg: 'SECONDS',
    default: '2',
    description:
      'time between checks that the VIPs this host holds are still bound (one read of the interface for all; re-bound if not)',
    schema: duration({ unit: 's', out: 'ms', min: 0, exclusive: true }),
  }),
  handoverTimeoutMs: setting({
    flag: '--handover-timeout',
    arg: 'MS',
    default: '2000',
    description: 'how long a VIP given up (stop, delete, failover) stays bound waiting for a successor',
    schema: duration({ unit: 'ms', out: 'ms', min: 0 }),
  }),
  preemptDelayMs: setting({
    flag: '--preempt-delay',
    arg: 'SECONDS',
    default: '30',
    description:
      "how long a preferred host (an endpoint's `preferred_hosts`, or `--placement spread`) stays healthy before it takes its VIP back (keepalived's `preempt_delay`)",
    schema: duration({ unit: 's', out: 'ms', min: 0 }),
  }),
  placement: setting({
    flag: '--placement',
    arg: 'MODE',
    default: 'preferred',
    description:
      '`preferred`: only `preferred_hosts` move VIPs; `spread`: other hosts rank by rendezvous hashing, spreading VIPs evenly over healthy hosts (set the same on every host)',
    schema: choice(['preferred', 'spread'] as const),
  }),
  linkPollMs: setting({
    flag: '--link-poll-interval',
    arg: 'MS',
    default: '500',
    description:
      "time between reads of the VIP interface's link; a holder whose link goes down hands its VIPs over",
    schema: duration({ unit: 'ms', out: 'ms', min: 0, exclusive: true }),
  }),
  bindCheckMs: setting({
    flag: '--bind-check',
    arg: 'MS',
    default: '1000',
    description:
      'before a VIP is first bound, ARP-probe it (IPv6: DAD) and wait this long for a station that already has it; one that answers keeps it (state ADDRESS_CONFLICT). 0 skips the check',
    schema: duration({ unit: 'ms', out: 'ms', min: 0 }),
  }),
  bindRecheckMs: setting({
    flag: '--bind-recheck',
    arg: 'SECONDS',
    default: '10',
    description: 'time between probes of an address found in use, until it is free',
    schema: duration({ unit: 's', out: 'ms', min: 0, exclusive: true }),
  }),
  expiryMarginMs: setting({
    flag: '--expiry-margin',
    arg: 'MS',
    default: '1000',
    description: 'how long before the lease deadline `release` VIPs unbind when etcd is away',
    schema: duration({ unit: 'ms', out: 'ms', min: 0 }),
  }),
  probeIntervalMs: setting({
    flag: '--probe-interval',
    arg: 'MS',
    default: '20',
    description:
      "time between probes of each peer host that holds a VIP this host stands by for (one TCP SYN, answered by the peer's kernel); 0 turns fast failure detection off",
    schema: duration({ unit: 'ms', out: 'ms', min: 0 }),
  }),
  probePort: setting({
    flag: '--probe-port',
    arg: 'PORT',
    default: '1312',
    description:
      'TCP port peers probe on this host: one nothing listens on, so the kernel answers with a RST even while the agent is paused',
    schema: required('must be a port number from 1 to 65535', (raw) => {
      const port = /^\d{1,5}$/.test(raw) ? Number(raw) : 0;
      return port >= 1 && port <= 65535 ? port : undefined;
    }),
  }),
  probeAddress: setting({
    flag: '--probe-address',
    arg: 'IP',
    defaultDoc: "this host's own address on `--interface`",
    description: 'address peers probe this host on',
    schema: optional('must be an IPv4 or IPv6 address', (raw) => (isIP(raw) ? raw : undefined)),
  }),
  suspectAfterMs: setting({
    flag: '--suspect-after',
    arg: 'MS',
    default: '100',
    description: 'a peer host whose kernel answered no probe for this long is suspected (published in etcd)',
    schema: duration({ unit: 'ms', out: 'ms', min: 0, exclusive: true }),
  }),
  confirmWindowMs: setting({
    flag: '--confirm-window',
    arg: 'MS',
    default: '100',
    description:
      "how long a suspicion must stand in etcd, unrefuted by the suspect's agent, before the suspect's lease is revoked",
    schema: duration({ unit: 'ms', out: 'ms', min: 0, exclusive: true }),
  }),
  secondObserverTimeoutMs: setting({
    flag: '--second-observer-timeout',
    arg: 'MS',
    default: '500',
    description:
      'with 3 or more hosts, how long a suspicion waits for a second observer to agree before it is dropped',
    schema: duration({ unit: 'ms', out: 'ms', min: 0 }),
  }),
  suspicionBackoffMs: setting({
    flag: '--suspicion-backoff',
    arg: 'MS',
    default: '1000',
    description:
      'pause in suspecting a host after its suspicion was refuted; doubles with each refutation, up to 30 s',
    schema: duration({ unit: 'ms', out: 'ms', min: 0, exclusive: true }),
  }),
  faultPolicy: setting({
    flag: '--fault-policy',
    arg: 'POLICY',
    default: 'activate',
    description: 'fault policy of endpoints created without one: `activate`, `hold` or `release`',
    schema: choice(FAULT_POLICIES),
  }),
  maxEndpoints: setting({
    flag: '--max-endpoints',
    arg: 'N',
    default: '10000',
    description: 'endpoints allowed on this host; 0 or less removes the limit',
    schema: integer('must be a whole number (0 or less: no limit)'),
  }),
  logLevel: setting({
    flag: '--log-level',
    arg: 'LEVEL',
    default: 'info',
    description: `log level: ${LOG_LEVELS.map((level) => `\`${level}\``).join(', ')}`,
    schema: choice(LOG_LEVELS),
  }),
  inspect: setting({
    flag: '--inspect',
    default: 'false',
    description: 'log every statechart inspection event (verbose)',
    schema: boolean(),
  }),
  holdOnStop: setting({
    flag: '--hold-on-stop',
    default: 'false',
    description:
      'on SIGTERM keep the VIPs bound and the lease alive, for a quick restart, instead of handing over',
    schema: boolean(),
  }),
  dryRun: setting({
    flag: '--dry-run',
    default: 'false',
    description:
      'run the election, API and live view without touching the network: VIPs are bound in memory only (no root needed)',
    schema: boolean(),
  }),
  statusPublish: setting({
    flag: '--status-publish',
    default: 'true',
    description:
      "publish this host's view of each VIP under `/link/status` for `GET /cluster`; `--no-status-publish` turns it off",
    schema: boolean(),
  }),
  endpointsFile: setting({
    flag: '--endpoints-file',
    arg: 'FILE',
    description:
      'YAML file of the endpoints this host should have, applied at start and on SIGHUP (see "Declarative endpoints")',
    schema: file(),
  }),
  historyMaxRecords: setting({
    flag: '--history-max-records',
    arg: 'N',
    default: '10000',
    description:
      'transitions kept in etcd for `GET /history`, cluster-wide (the oldest beyond are deleted); 0 keeps none there',
    schema: count(0),
  }),
  historyMaxAgeSeconds: setting({
    flag: '--history-max-age',
    arg: 'SECONDS',
    default: '604800',
    description: 'age after which a transition leaves the etcd history (default 7 days)',
    schema: duration({ unit: 's', out: 's', min: 60, integer: true }),
  }),
  notifyExec: setting({
    flag: '--notify-exec',
    arg: 'FILE',
    description:
      'executable run on every state change, in order per endpoint, with `LINK_ENDPOINT_ID`, `LINK_IP`, `LINK_OLD_STATE`, `LINK_NEW_STATE`, `LINK_HOLDER`, `LINK_CAUSE`, … in its environment',
    schema: file(),
  }),
  notifyWebhook: setting({
    flag: '--notify-webhook',
    arg: 'URL',
    description: 'URL POSTed a JSON notice on every state change (LinK v3.3 webhook body and signature)',
    schema: optional('must be an http(s):// URL', parseHttpUrl),
  }),
  notifyWebhookSecret: setting({
    flag: '--notify-webhook-secret',
    arg: 'SECRET',
    description: "key of the webhook's `X-Link-Webhook-Signature` (HMAC-SHA256); prefer the variable",
    secret: true,
    schema: text({ secret: true }),
  }),
  notifyTimeoutMs: setting({
    flag: '--notify-timeout',
    arg: 'MS',
    default: '10000',
    description: 'time a notify hook or webhook may take; the hook is killed after it',
    schema: duration({ unit: 'ms', out: 'ms', min: 0, exclusive: true }),
  }),
} as const;

export type SettingKey = keyof typeof settings;

/** LinK's variables are the flags upper-cased under a `LINK_` prefix: `--lease-ttl` is `LINK_LEASE_TTL`. */
export function envOf(setting: Pick<Setting, 'flag'>): string {
  return `LINK_${setting.flag.slice(2).toUpperCase().replaceAll('-', '_')}`;
}

export function isSwitch(setting: Setting): boolean {
  return setting.arg === undefined;
}

type Shape = { [K in SettingKey]: (typeof settings)[K]['schema'] };
const shape = Object.fromEntries(Object.entries(settings).map(([key, spec]) => [key, spec.schema])) as Shape;

/** Settings that depend on each other, checked once each is valid on its own. */
export const configSchema = z.object(shape).superRefine((config, ctx) => {
  const leaseMs = config.leaseTtlSeconds * 1000;
  const issue = (key: SettingKey, message: string) => ctx.addIssue({ code: 'custom', path: [key], message });
  const flag = (key: SettingKey) => settings[key].flag;
  if (config.keepaliveIntervalMs >= leaseMs) {
    issue(
      'keepaliveIntervalMs',
      `must be shorter than ${flag('leaseTtlSeconds')} (${config.leaseTtlSeconds} s)`,
    );
  }
  if (config.etcdTimeoutMs >= leaseMs) {
    issue('etcdTimeoutMs', `must be shorter than ${flag('leaseTtlSeconds')} (${config.leaseTtlSeconds} s)`);
  }
  if (config.expiryMarginMs >= leaseMs) {
    issue('expiryMarginMs', `must be shorter than ${flag('leaseTtlSeconds')} (${config.leaseTtlSeconds} s)`);
  }
  if (config.probeIntervalMs > 0 && config.probeIntervalMs >= config.suspectAfterMs) {
    issue(
      'probeIntervalMs',
      `must be shorter than ${flag('suspectAfterMs')} (${config.suspectAfterMs} ms), or 0`,
    );
  }
  const pairs: [SettingKey, SettingKey][] = [
    ['etcdCert', 'etcdKey'],
    ['etcdUser', 'etcdPassword'],
    ['apiUser', 'apiPassword'],
    ['tlsCert', 'tlsKey'],
  ];
  for (const [a, b] of pairs) {
    if ((config[a] === undefined) !== (config[b] === undefined)) {
      const missing = config[a] === undefined ? a : b;
      const other = missing === a ? b : a;
      issue(missing, `is required with ${flag(other)}`);
    }
  }
});

export type LinkConfig = z.output<typeof configSchema>;
