import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../../config/package-version.js';
import { FAULT_POLICIES } from '../../model/endpoint.js';
import type { WireHealthCheck } from '../../model/endpoint-schema.js';
import { ApiError, LinkApiClient } from './api-client.js';
import { applyFile, FileRefusedError, formatPlan } from './apply-command.js';
import { parseHost } from './base-url.js';
import { describeChecks, endpointDetails, endpointsTable } from './format.js';
import { HEALTH_CHECK_SYNTAX, parseHealthCheckArg } from './health-check-arg.js';
import { historyTable } from './history-format.js';

export interface ClientIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export type ClientEnv = Record<string, string | undefined>;

/** Exit codes: 0 done, 1 the API refused or could not be reached, 2 the command line is wrong. */
export const EXIT_API_ERROR = 1;
export const EXIT_USAGE = 2;

class UsageError extends Error {}

const DEFAULT_HOST = '127.0.0.1:1313';

interface GlobalOptions {
  host?: string;
  user?: string;
  password?: string;
  json?: boolean;
  timeout: string;
}

interface IdOptions {
  endpointId?: string;
  id?: string;
  endpoint?: string;
}

/**
 * Runs `link-client` with `argv` (without `node` and the script) and answers its exit code.
 * LinK's commands and flags, plus `--json` for scripts; unlike LinK, any API error exits non-zero.
 */
export async function runClient(argv: readonly string[], io: ClientIo, env: ClientEnv = {}): Promise<number> {
  const program = clientProgram(io, env);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    if (error instanceof UsageError) {
      io.stderr(`Error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof ApiError || error instanceof FileRefusedError) {
      io.stderr(`Error: ${error.message}\n`);
      return EXIT_API_ERROR;
    }
    throw error;
  }
}

/**
 * `link-client`'s commands, flags and actions: what runClient parses, and what its man page and
 * shell completions are generated from.
 */
export function clientProgram(io: ClientIo, env: ClientEnv = {}): Command {
  const print = (text: string) => io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  const program = new Command('link-client')
    .description('Drive a LinK agent over its HTTP API')
    .version(VERSION, '-v, --version', 'print the client version')
    .option(
      '--host <host>',
      `LinK API, host:port or http(s)://host[:port] [LINK_HOST; default: ${DEFAULT_HOST}]`,
    )
    .option('-u, --user <user>', 'basic auth user [LINK_API_USER]')
    .option('-p, --password <password>', 'basic auth password [LINK_API_PASSWORD]')
    .option('--json', 'print the API answers as raw JSON')
    .option('--timeout <seconds>', 'give up on an answer after this long', '30')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showSuggestionAfterError(true);

  const clientFor = (command: Command) => {
    const options = command.optsWithGlobals<GlobalOptions>();
    // Flag over variable over default; the same variables as linkd's, so one env file serves both.
    const host = options.host ?? nonEmpty(env.LINK_HOST) ?? DEFAULT_HOST;
    const user = options.user ?? nonEmpty(env.LINK_API_USER);
    const password = options.password ?? nonEmpty(env.LINK_API_PASSWORD);
    const baseUrl = parseHost(host);
    if (!baseUrl)
      throw new UsageError(`invalid --host '${host}': expected host:port or http(s)://host[:port]`);
    const timeout = Number(options.timeout);
    if (!(timeout > 0)) throw new UsageError(`invalid --timeout '${options.timeout}': expected seconds > 0`);
    const client = new LinkApiClient({
      baseUrl,
      timeoutMs: timeout * 1000,
      userAgent: `link-cli/${VERSION}`,
      ...(user === undefined ? {} : { user }),
      ...(password === undefined ? {} : { password }),
    });
    return { client, json: options.json === true };
  };

  const withId = (command: Command) =>
    command
      .argument('[id]', 'endpoint ID (or --endpoint-id)')
      .option('--endpoint-id <id>', 'endpoint ID')
      .addOption(new Option('--id <id>').hideHelp())
      .addOption(new Option('--endpoint <id>').hideHelp());

  const idOf = (positional: string | undefined, options: IdOptions): string => {
    const id = positional ?? options.endpointId ?? options.id ?? options.endpoint;
    if (!id) throw new UsageError('missing endpoint ID: pass it as an argument or with --endpoint-id');
    return id;
  };

  const withChecks = (command: Command) =>
    command.option(
      '--health-check <check>',
      `health check, repeatable: ${HEALTH_CHECK_SYNTAX}`,
      (value: string, previous: WireHealthCheck[] = []) => {
        const check = parseHealthCheckArg(value);
        if (!check)
          throw new UsageError(`invalid --health-check '${value}': expected ${HEALTH_CHECK_SYNTAX}`);
        return [...previous, check];
      },
    );

  program
    .command('list')
    .description('list the endpoints of this agent')
    .option('--state <states>', 'only these states, comma-separated, e.g. ACTIVATED,FAILING')
    .option('--holder <host>', "only VIPs this host holds ('none': no holder)")
    .option('--ip <prefix>', 'only addresses in this CIDR or starting with this text, e.g. 10.78.0.0/16')
    .option('--limit <n>', 'at most this many (the first page, in id order; --cursor for the next)')
    .option('--cursor <id>', 'the page after this id (printed after a page)')
    .action(async (options: ListOptions, command: Command) => {
      const { client, json } = clientFor(command);
      const filters = Object.fromEntries(
        Object.entries({
          state: options.state,
          holder: options.holder,
          ip: options.ip,
          limit: options.limit,
          cursor: options.cursor,
        }).filter((entry): entry is [string, string] => entry[1] !== undefined),
      );
      const answer = await client.list(filters);
      if (json) return print(answer.text);
      print(endpointsTable(answer.body.endpoints));
      if (answer.body.total !== undefined) {
        const next = answer.body.next_cursor ? `; next page: --cursor ${answer.body.next_cursor}` : '';
        print(`${answer.body.endpoints.length} of ${answer.body.total} matching${next}`);
      }
    });

  program
    .command('bulk')
    .description('create, update and delete many endpoints in one request, checked as a whole')
    .argument('<file>', 'JSON {"create":[…],"update":[…],"delete":[…]} (see the README); - reads stdin')
    .option('--dry-run', 'only check the request: nothing changes')
    .action(async (file: string, options: { dryRun?: boolean }, command: Command) => {
      const { client, json } = clientFor(command);
      let body: unknown;
      try {
        body = JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
      } catch (error) {
        throw new UsageError(
          `cannot read ${file === '-' ? 'stdin' : file} as JSON: ${(error as Error).message}`,
        );
      }
      const answer = await client.bulk(body, options.dryRun === true);
      if (json) return print(answer.text);
      const result = answer.body;
      print(
        'dry_run' in result
          ? `Valid: would create ${result.create}, update ${result.update}, delete ${result.delete} endpoints.`
          : `Created ${result.created.length}, updated ${result.updated.length}, deleted ${result.deleted.length} endpoints.`,
      );
    });

  withId(
    program.command('show').alias('get').description('show one endpoint and the hosts that share it'),
  ).action(async (positional: string | undefined, options: IdOptions, command: Command) => {
    const { client, json } = clientFor(command);
    const id = idOf(positional, options);
    const answer = await client.get(id);
    if (json) return print(answer.text);
    const hosts = await client.hosts(id);
    print(
      endpointDetails(
        answer.body.endpoint,
        hosts.body.hosts.map((h) => h.hostname),
      ),
    );
  });

  withId(program.command('hosts').description('list the hosts that share an endpoint')).action(
    async (positional: string | undefined, options: IdOptions, command: Command) => {
      const { client, json } = clientFor(command);
      const answer = await client.hosts(idOf(positional, options));
      print(json ? answer.text : answer.body.hosts.map((h) => h.hostname).join('\n') || '(none)');
    },
  );

  withChecks(
    program
      .command('create')
      .alias('add')
      .description('add an endpoint (a VIP) to this agent')
      .requiredOption('--ip <cidr>', 'the VIP with its prefix, e.g. 10.0.0.100/32')
      .option('--plugin <plugin>', 'output plugin; LinK-compatible agents here support arp', 'arp')
      .option('--health-check-interval <seconds>', 'seconds between health checks; 0 = agent default', '0')
      .addOption(new Option('--fault-policy <policy>', 'when etcd is away').choices(FAULT_POLICIES))
      .option(
        '--preferred-hosts <hosts>',
        'hosts that should hold the VIP, comma-separated, most preferred first',
      ),
  ).action(async (options: CreateOptions, command: Command) => {
    const { client, json } = clientFor(command);
    const interval = Number(options.healthCheckInterval);
    if (!Number.isInteger(interval)) {
      throw new UsageError(
        `invalid --health-check-interval '${options.healthCheckInterval}': expected whole seconds`,
      );
    }
    const answer = await client.create({
      plugin: options.plugin,
      plugin_config: { ip: options.ip },
      checks: options.healthCheck ?? [],
      healthcheck_interval: interval,
      ...(options.faultPolicy === undefined ? {} : { fault_policy: options.faultPolicy }),
      ...(options.preferredHosts === undefined
        ? {}
        : { preferred_hosts: options.preferredHosts.split(',').map((h) => h.trim()) }),
    });
    const { endpoint } = answer.body;
    print(json ? answer.text : `Endpoint ${endpoint.id} (${endpoint.election_key}) successfully added`);
  });

  withId(
    program.command('destroy').alias('delete').description('remove an endpoint once another host holds it'),
  ).action(async (positional: string | undefined, options: IdOptions, command: Command) => {
    const { client, json } = clientFor(command);
    await client.remove(idOf(positional, options));
    if (!json) print('Endpoint destroyed.');
  });

  withId(program.command('failover').description('hand the VIP to another host (run on its holder)')).action(
    async (positional: string | undefined, options: IdOptions, command: Command) => {
      const { client, json } = clientFor(command);
      await client.failover(idOf(positional, options));
      if (!json) print('Endpoint failover triggered.');
    },
  );

  program
    .command('drain')
    .description('maintenance: hand every VIP this host holds over and keep it out of elections')
    .option('--force', 'drain even when no other host can take a VIP (it goes unbound)')
    .action(async (options: { force?: boolean }, command: Command) => {
      const { client, json } = clientFor(command);
      const answer = await client.drain(options.force === true);
      if (json) return print(answer.text);
      const moved = answer.body.handed_over.map((v) => `  ${v.ip} -> ${v.holder ?? '(no holder yet)'}`);
      print(['Host drained.', ...moved].join('\n'));
    });

  program
    .command('undrain')
    .description('end maintenance: this host takes part in elections again')
    .action(async (_options, command: Command) => {
      const { client, json } = clientFor(command);
      const answer = await client.undrain();
      print(json ? answer.text : 'Host undrained.');
    });

  withChecks(
    withId(program.command('set-health-checks').description('replace the health checks; none clears them')),
  ).action(async (positional: string | undefined, options: IdOptions & CreateOptions, command: Command) => {
    const { client, json } = clientFor(command);
    const answer = await client.setHealthChecks(idOf(positional, options), options.healthCheck ?? []);
    print(json ? answer.text : `Health checks updated: ${describeChecks(answer.body)}`);
  });

  program
    .command('history')
    .description("every host's transitions, oldest first, from the cluster's durable history")
    .argument('[id]', 'only this endpoint')
    .option('--hostname <name>', 'only transitions on this host (--host names the API)')
    .option('--since <time>', 'only transitions at or after this ISO time (or epoch ms)')
    .option('--limit <n>', 'at most this many, the newest', '100')
    .action(async (id: string | undefined, options: HistoryOptions, command: Command) => {
      const { client, json } = clientFor(command);
      const answer = await client.history({
        endpoint: id,
        host: options.hostname,
        since: options.since,
        limit: options.limit,
      });
      print(json ? answer.text : historyTable(answer.body.history, answer.body.source));
    });

  program
    .command('apply')
    .description('make the endpoints of this agent what a YAML file declares (see the README)')
    .requiredOption('-f, --file <file>', 'endpoints file, e.g. /etc/link/endpoints.yaml')
    .option('--dry-run', 'print the plan (create, update, delete) without changing anything')
    .option(
      '--prune',
      'also delete endpoints the file does not declare, those created through the API included',
    )
    .action(async (options: { file: string; dryRun?: boolean; prune?: boolean }, command: Command) => {
      const { client, json } = clientFor(command);
      const dryRun = options.dryRun === true;
      const result = await applyFile(client, options.file, { dryRun, prune: options.prune === true });
      print(json ? result.text : formatPlan(result.plan, dryRun));
    });

  program
    .command('version')
    .description('print the client and server versions')
    .action(async (_options, command: Command) => {
      const { client, json } = clientFor(command);
      if (!json) print(`Client version: ${VERSION}`);
      const answer = await client.version();
      print(
        json
          ? JSON.stringify({ client: VERSION, server: answer.body.version })
          : `Server version: ${answer.body.version}`,
      );
    });

  return program;
}

interface ListOptions {
  state?: string;
  holder?: string;
  ip?: string;
  limit?: string;
  cursor?: string;
}

interface HistoryOptions {
  hostname?: string;
  since?: string;
  limit: string;
}

interface CreateOptions {
  ip: string;
  plugin: string;
  healthCheckInterval: string;
  faultPolicy?: string;
  preferredHosts?: string;
  healthCheck?: WireHealthCheck[];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
