import { existsSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { parseFlags } from './cli-flags.js';
import {
  configSchema,
  envOf,
  type LinkConfig,
  type Setting,
  type SettingKey,
  settings,
} from './config.schema.js';
import { ConfigError } from './config-error.js';

export type Env = Record<string, string | undefined>;

export interface LoadOptions {
  /** Printed by `--version`. */
  version?: string;
  /** The `--hostname` default. */
  osHostname?: () => string;
  fileExists?: (path: string) => boolean;
}

type Source = 'flag' | 'env' | 'default';

/**
 * linkd's configuration from its arguments (without `node` and the script) and environment:
 * flag over LINK_* variable over default. Throws ConfigError listing every problem, each naming
 * the flag and the variable, or ConfigExit for `--help` and `--version`.
 */
export function loadConfig(argv: readonly string[], env: Env, options: LoadOptions = {}): LinkConfig {
  const flags = parseFlags(argv, options.version ?? '0.0.0');
  const raw: Partial<Record<SettingKey, string>> = {};
  const sources: Partial<Record<SettingKey, Source>> = {};
  for (const [key, spec] of entries()) {
    const fromEnv = env[envOf(spec)];
    const fallback = key === 'hostname' ? (options.osHostname ?? osHostname)() : spec.default;
    // An empty variable counts as unset, as in an env file with `LINK_API_USER=`.
    const [value, source]: [string | undefined, Source] =
      flags[key] !== undefined
        ? [flags[key], 'flag']
        : fromEnv !== undefined && fromEnv !== ''
          ? [fromEnv, 'env']
          : [fallback, 'default'];
    if (value !== undefined) {
      raw[key] = value;
      sources[key] = source;
    }
  }

  const result = configSchema.safeParse(raw);
  const problems: { key: SettingKey; message: string }[] = [];
  for (const issue of result.success ? [] : result.error.issues) {
    const key = issue.path[0] as SettingKey;
    problems.push({ key, message: `${issue.message}${origin(key, sources[key], issue.code)}` });
  }
  // Checked whatever else is wrong, so one run lists every problem.
  const exists = options.fileExists ?? existsSync;
  for (const [key, spec] of entries()) {
    const path = raw[key];
    if (spec.arg === 'FILE' && path !== undefined && path !== '' && !exists(path)) {
      problems.push({
        key,
        message: `must be a readable file, got '${path}'${origin(key, sources[key], 'custom')}`,
      });
    }
  }
  if (problems.length > 0 || !result.success) {
    const order = Object.keys(settings);
    problems.sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
    throw new ConfigError(problems.map(({ key, message }) => `${label(settings[key])}: ${message}`));
  }
  return result.data;
}

/** LINK_* variables that no setting reads: most likely typos, worth a warning at start. */
export function unknownEnv(env: Env): string[] {
  const known = new Set(entries().map(([, spec]) => envOf(spec)));
  // link-client's own variable, often exported in the same shell.
  known.add('LINK_HOST');
  return Object.keys(env).filter((name) => name.startsWith('LINK_') && !known.has(name));
}

function entries(): [SettingKey, Setting][] {
  return Object.entries(settings) as [SettingKey, Setting][];
}

function label(spec: Setting): string {
  return `${spec.flag} / ${envOf(spec)}`;
}

function origin(key: SettingKey, source: Source | undefined, code: string): string {
  const spec: Setting = settings[key];
  if (code !== 'custom' || source === undefined) return '';
  if (source === 'flag') return ` (from ${spec.flag})`;
  if (source === 'env') return ` (from ${envOf(spec)})`;
  return key === 'hostname' ? ' (the OS hostname: set --hostname)' : ' (the default)';
}
