import { pino } from 'pino';
import type { Agent } from '../agent/agent.js';
import { createApp } from '../api/app.js';
import { createMetrics } from '../api/metrics.js';
import { serveApp } from '../api/serve.js';
import { apiExposureProblem } from '../config/api-exposure.js';
import type { LinkConfig } from '../config/config.schema.js';
import { ConfigError, ConfigExit } from '../config/config-error.js';
import { toEtcdConnection } from '../config/etcd-connection.js';
import { loadConfig, unknownEnv } from '../config/load-config.js';
import { VERSION } from '../config/package-version.js';
import { toAgentSettings } from '../config/to-agent-settings.js';
import { DeclaredEndpoints } from '../declarative/declared-endpoints.js';
import { applyEndpointsFile } from '../declarative/endpoints-file.js';
import { EtcdCoordination } from '../etcd/etcd-coordination.js';
import { EtcdHistory } from '../etcd/etcd-history.js';
import { slowCallLog } from '../etcd/slow-calls.js';
import { HistoryRecorder, matches } from '../history/history-recorder.js';
import { readProbeAddress } from '../net/address/probe-address.js';
import { tcpHostProbe } from '../net/probes/host-probe.js';
import { NetProbe } from '../net/probes/net-probe.js';
import { createNotifier } from '../notify/create-notifier.js';
import { systemClock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import { apiHosts } from './api-hosts.js';
import { composeAgent } from './composition-root.js';
import { etcdPreflight } from './etcd-preflight.js';
import { dryRunNetwork, type HostNetwork, realNetwork } from './network.js';
import { vipPolicy } from './vip-policy.js';

/**
 * The composition root: configuration in, real adapters wired to the agent once, the API served,
 * signals turned into a shutdown that runs through the statecharts.
 */
export async function runLinkd(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  let config: LinkConfig;
  try {
    config = loadConfig(argv, env, { version: VERSION });
  } catch (error) {
    if (error instanceof ConfigExit) {
      process.stdout.write(`${error.output}\n`);
      process.exit(0);
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`linkd: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const exposure = apiExposureProblem(config);
  if (exposure) {
    process.stderr.write(`linkd: ${exposure}\n`);
    process.exit(1);
  }

  const logger = pino({ level: config.logLevel, base: { host: config.hostname } }) as unknown as Logger;
  // SIGHUP (systemd's reload) re-reads files; Node's default for it would end the agent.
  const reloaders: Array<() => void> = [];
  process.on('SIGHUP', () => {
    logger.info({ signal: 'SIGHUP' }, 'reloading');
    for (const reload of reloaders) reload();
  });
  for (const name of unknownEnv(env)) logger.warn({ variable: name }, 'unknown LINK_* variable ignored');

  let network: HostNetwork;
  try {
    network = config.dryRun
      ? dryRunNetwork(logger)
      : await realNetwork(config.interface, logger, config.linkPollMs);
  } catch (error) {
    logger.error({ err: error }, `cannot use interface ${config.interface} (--interface / LINK_INTERFACE)`);
    process.exit(1);
  }

  const metrics = createMetrics();
  const slowCalls = slowCallLog({ logger: logger.child({ component: 'etcd' }), now: systemClock.now });
  const etcd = new EtcdCoordination(toEtcdConnection(config), (operation, ms, ok) => {
    metrics.etcdCall(operation, ms);
    slowCalls(operation, ms, ok);
  });
  const preflight = await etcdPreflight(etcd);
  if (preflight.fatal) {
    logger.error({ etcd: config.etcd }, preflight.fatal);
    await etcd.close();
    process.exit(1);
  }
  if (!preflight.ok)
    logger.warn({ etcd: config.etcd, detail: preflight.detail }, 'etcd unreachable at start; retrying');

  const probeAddress =
    config.probeAddress ??
    (config.dryRun
      ? '127.0.0.1'
      : await readProbeAddress(config.interface).catch((error: unknown) => {
          logger.warn({ err: error }, 'cannot read the interface address; peers cannot probe this host');
          return undefined;
        }));
  if (!probeAddress && config.probeIntervalMs > 0)
    logger.warn(
      { iface: config.interface },
      'no address on the interface for peers to probe (--probe-address): this host fails over on lease expiry only',
    );

  const agent = composeAgent({
    hostname: config.hostname,
    version: VERSION,
    coordination: etcd,
    address: network.address,
    announcer: network.announcer,
    ...(network.link ? { link: network.link } : {}),
    probe: new NetProbe(),
    clock: systemClock,
    logger,
    settings: { ...toAgentSettings(config), ...(probeAddress ? { probeAddress } : {}) },
    hostProbe: tcpHostProbe,
    observer: metrics,
    vipProblem: vipPolicy(config),
    ...(config.inspect
      ? {
          inspect: (event) =>
            logger.info(
              {
                inspect: event.type,
                actor: (event.actorRef as { id?: string }).id,
                event: 'event' in event ? (event.event as { type: string }).type : undefined,
              },
              'xstate inspection',
            ),
        }
      : {}),
  });
  metrics.bindAgent(agent);
  const declared = new DeclaredEndpoints({
    agent,
    kv: etcd.kv,
    defaultFaultPolicy: config.faultPolicy,
    logger: logger.child({ component: 'declared' }),
  });
  // Hooks observe the transitions the actor system reports; they only queue, never block a VIP.
  const notifier = createNotifier(
    {
      exec: config.notifyExec,
      webhook: config.notifyWebhook,
      webhookSecret: config.notifyWebhookSecret,
      timeoutMs: config.notifyTimeoutMs,
    },
    logger,
    metrics.notifyOutcome,
  );
  if (notifier.enabled) agent.onTransition((record) => notifier.notify(record));
  const history = durableHistory(config, etcd, agent, logger);
  if (history) agent.onTransition((record) => history.add(record));

  const { createUiRoutes } = await import('../api/ui/ui.routes.js').catch(() => ({
    createUiRoutes: undefined as never,
  }));
  const app = createApp({
    agent,
    metrics,
    ...(createUiRoutes ? { ui: createUiRoutes({ agent }) } : {}),
    defaultFaultPolicy: config.faultPolicy,
    hosts: apiHosts(config),
    logger,
    declared,
    ...(history ? { history } : {}),
    ...(config.apiUser && config.apiPassword
      ? { auth: { user: config.apiUser, password: config.apiPassword } }
      : {}),
  });

  const server = await serveApp(app, {
    listen: config.listen,
    ...(config.tlsCert && config.tlsKey ? { tls: { certFile: config.tlsCert, keyFile: config.tlsKey } } : {}),
  }).catch((error: Error) => {
    logger.error({ err: error }, `${error.message} (--listen / LINK_LISTEN)`);
    process.exit(1);
  });
  reloaders.push(() => {
    try {
      server.reloadTls();
    } catch (error) {
      logger.error(
        { err: error },
        'API certificate not reloaded, the previous one stays (--tls-cert / --tls-key)',
      );
    }
  });
  await agent.start();
  logger.info({ api: server.url, version: VERSION, dryRun: config.dryRun }, 'linkd started');
  const { endpointsFile } = config;
  if (endpointsFile) {
    // After the stored endpoints are back: the plan must see them, or it would create them twice.
    const applyFile = () =>
      void agent.restored.then(() => applyEndpointsFile(endpointsFile, declared, logger));
    reloaders.push(applyFile);
    applyFile();
  }

  let stopping = false;
  const shutdown = async (signal: string, holdForRestart = false) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    const hold = holdForRestart || config.holdOnStop;
    logger.info(
      { signal, hold },
      hold ? 'stopping, keeping VIPs bound for a restart' : 'stopping, handing VIPs over',
    );
    await agent.shutdown({ hold, deadlineMs: config.handoverTimeoutMs + 3000 });
    await history?.flush();
    // The STOPPING and STOPPED notices too, each hook within its own time limit.
    await Promise.race([notifier.idle(), new Promise((r) => setTimeout(r, config.notifyTimeoutMs))]);
    await server.close();
    await network.close();
    await etcd.close();
    logger.info({}, 'linkd stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // A restart for an upgrade: keep the VIPs bound and the lease alive whatever --hold-on-stop says.
  process.on('SIGUSR2', () => void shutdown('SIGUSR2', true));
}

/** The etcd history behind `GET /history`, unless `--history-max-records 0`. */
function durableHistory(
  config: LinkConfig,
  etcd: EtcdCoordination,
  agent: Agent,
  logger: Logger,
): HistoryRecorder | undefined {
  if (config.historyMaxRecords <= 0) return undefined;
  const store = new EtcdHistory({
    client: etcd.client,
    hostname: config.hostname,
    callTimeoutMs: config.etcdTimeoutMs,
    maxRecords: config.historyMaxRecords,
    maxAgeSeconds: config.historyMaxAgeSeconds,
  });
  return new HistoryRecorder({
    store,
    clock: systemClock,
    logger: logger.child({ component: 'history' }),
    local: (query) =>
      agent
        .history(query.endpointId)
        .filter((record) => matches(record, query))
        .slice(-query.limit),
  });
}
