import type { TransitionRecord } from '../src/agent/agent-service.js';
import { eventually } from '../test/lab/agents.js';
import { callApi } from './agent-api.js';
import type { ClientView, DemoCluster, DemoHost } from './demo-cluster.js';
import type { StoryPace } from './options.js';
import { bold, green, info, result, type StoryStepName, step } from './say.js';
import { holdersOf, watchUntil } from './vip-watch.js';

interface StoryStep {
  name: StoryStepName;
  title: string;
  explain(holder: string, mode: DemoCluster['mode']): string;
  act(host: DemoHost): Promise<void>;
  restoreText(holder: string, mode: DemoCluster['mode']): string;
  restore(host: DemoHost): Promise<void>;
}

const STEPS: StoryStep[] = [
  {
    name: 'owner-crash',
    title: 'the owner crashes',
    explain: (h, mode) =>
      mode === 'lab'
        ? `${h} goes down (eth0 down, agent SIGKILLed): nothing is released, but its kernel stops answering the ` +
          "standbys' probes; they confirm it through etcd, revoke its lease and race for the lock"
        : `${h}'s agent is SIGKILLed: nothing is released, so the standbys wait for its etcd lease to expire ` +
          '(6 s after its last keepalive), then race for the lock',
    act: (host) => host.crash(),
    restoreText: (h, mode) =>
      mode === 'lab'
        ? `bringing ${h} back: eth0 up, agent restarted (it removes the VIP its crash left bound)`
        : `restarting ${h}'s agent`,
    restore: (host) => host.recover(),
  },
  {
    name: 'graceful-stop',
    title: 'the owner stops gracefully (SIGTERM)',
    explain: (h) =>
      `${h}'s agent gets SIGTERM: make-before-break, it deletes its lock, keeps the VIP until a standby holds it, then unbinds`,
    act: (host) => host.stopAgent(),
    restoreText: (h) => `restarting ${h}'s agent`,
    restore: (host) => host.startAgent(),
  },
  {
    name: 'backend-failure',
    title: "the owner's backend fails",
    explain: (h) =>
      `${h}'s backend stops: after 2 failed health checks, 1 s apart, its VIP goes FAILING and leaves the election`,
    act: (host) => host.stopBackend(),
    restoreText: (h) => `restarting ${h}'s backend (one passing health check brings ${h} back to STANDBY)`,
    restore: (host) => host.startBackend(),
  },
];

export interface FailoverSummary {
  step: StoryStepName;
  from: string;
  to: string;
  takeoverMs: number;
  outageMs: number | null;
  failedProbes: number | null;
}

export interface StoryOptions {
  pace: StoryPace;
  /** Ends the story after its first failover (for timing a fresh clone). */
  firstOnly: boolean;
}

/** The three scripted failovers, each followed by restoring the host it took down. */
export async function runStory(
  cluster: DemoCluster,
  client: ClientView | undefined,
  options: StoryOptions,
): Promise<FailoverSummary[]> {
  const summaries: FailoverSummary[] = [];
  for (const [index, story] of STEPS.entries()) {
    const summary = await failover(cluster, client, story, index);
    summaries.push(summary);
    if (options.firstOnly) break;
    if (options.pace === 'full') {
      info('(a pause, to look at the live view)');
      await new Promise((resolve) => setTimeout(resolve, 4000));
    }
    await restore(cluster, story, summary);
    if (options.pace === 'full' && index < STEPS.length - 1)
      await new Promise((resolve) => setTimeout(resolve, 3000));
  }
  return summaries;
}

async function failover(
  cluster: DemoCluster,
  client: ClientView | undefined,
  story: StoryStep,
  index: number,
): Promise<FailoverSummary> {
  const { hosts, vip } = cluster;
  const before = await watchUntil(hosts, vip, (s) => holdersOf(s).length === 1, {
    timeoutMs: 30_000,
    what: 'a single holder',
  });
  const from = holdersOf(before)[0] as string;
  const host = hostNamed(cluster, from);
  step(`Failover ${index + 1}/${STEPS.length}: ${story.title} (${from} holds ${vip})`);
  info(story.explain(from, cluster.mode));
  const started = Date.now();
  const acting = story.act(host);
  const after = await watchUntil(hosts, vip, (s) => holdersOf(s).some((h) => h !== from), {
    timeoutMs: 30_000,
    what: `a host other than ${from} to hold the VIP`,
    onChange: (name, was, now) => info(`${sinceText(started)}  ${name}: ${was} -> ${now}`),
  });
  await acting;
  const to = holdersOf(after).find((h) => h !== from) as string;
  const activatedAt = await activatedSince(hostNamed(cluster, to), started);
  const takeoverMs = (activatedAt ?? Date.now()) - started;

  let outage: { outageMs: number; failedProbes: number } | undefined;
  if (client) {
    await client.answeredBy(to, started, 15_000);
    outage = client.outageBetween(started, Date.now());
  }
  info(
    green(
      `${bold(to)} holds the VIP: ACTIVATED ${takeoverMs} ms after the ${story.name.replace('-', ' ')}` +
        (outage
          ? `; the client saw an outage of ${bold(`${outage.outageMs} ms`)} (${outage.failedProbes} failed ${outage.failedProbes === 1 ? 'probe' : 'probes'}, one every 20 ms)`
          : ' (dry run: nothing bound, no client outage to measure)'),
    ),
  );
  const summary: FailoverSummary = {
    step: story.name,
    from,
    to,
    takeoverMs,
    outageMs: outage?.outageMs ?? null,
    failedProbes: outage?.failedProbes ?? null,
  };
  result({ type: 'failover', ...summary });
  return summary;
}

async function restore(cluster: DemoCluster, story: StoryStep, summary: FailoverSummary): Promise<void> {
  const { from, to } = summary;
  info(story.restoreText(from, cluster.mode));
  await story.restore(hostNamed(cluster, from));
  await watchUntil(
    cluster.hosts,
    cluster.vip,
    (s) => s.get(from) === 'STANDBY' && holdersOf(s).length === 1 && holdersOf(s)[0] === to,
    { timeoutMs: 30_000, what: `${from} back in STANDBY` },
  );
  if (cluster.mode === 'lab') {
    await eventually(
      async () => JSON.stringify(await cluster.boundOn()) === JSON.stringify([to]),
      15_000,
      `the VIP bound on ${to} only`,
    );
  }
  info(
    `${from} is back in STANDBY; the VIP stays on ${to}${cluster.mode === 'lab' ? ` (bound on ${to} only)` : ''}`,
  );
  result({ type: 'restored', step: story.name, host: from });
}

function hostNamed(cluster: DemoCluster, name: string): DemoHost {
  const host = cluster.hosts.find((h) => h.name === name);
  if (!host) throw new Error(`no host ${name} in the demo`);
  return host;
}

/** When `host` went ACTIVATED after `since`, from its own transition log (more precise than polling). */
async function activatedSince(host: DemoHost, since: number): Promise<number | undefined> {
  if (!host.apiUrl) return undefined;
  try {
    const { body } = await callApi<{ history: TransitionRecord[] }>(host.apiUrl, 'GET', '/history');
    return body.history.find((record) => record.to === 'ACTIVATED' && record.at >= since)?.at;
  } catch {
    return undefined;
  }
}

function sinceText(started: number): string {
  return `+${((Date.now() - started) / 1000).toFixed(2)} s`.padStart(9);
}
