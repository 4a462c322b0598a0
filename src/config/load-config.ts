import { existsSync, readFileSync, statSync } from 'node:fs';
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
  /** Permission bits of a file (`stat().mode & 0o777`). */
  fileMode?: (path: string) => number;
  readFile?: (path: string) => string;
}

/** Settings read from a file instead of the command line or the environment. */
const FROM_FILE: Partial<Record<SettingKey, SettingKey>> = {
  apiPasswordFile: 'apiPassword',
  etcdPasswordFile: 'etcdPassword',
};

type Source = 'flag' | 'env' | 'default' | 'file';

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

  const problems: { key: SettingKey; message: string }[] = [];
  const exists = options.fileExists ?? existsSync;
  problems.push(...secretFileProblems(raw, sources, exists, options.fileMode ?? modeOf));
  for (const [fileKey, target] of Object.entries(FROM_FILE) as [SettingKey, SettingKey][]) {
    const path = raw[fileKey];
    if (path === undefined || path === '') continue;
    if (raw[target] !== undefined) {
      problems.push({
        key: fileKey,
        message: `give either ${settings[target].flag} or ${settings[fileKey].flag}, not both`,
      });
      continue;
    }
    try {
      // One line: the final newline an editor or `echo` adds is not part of the secret.
      raw[target] = (options.readFile ?? readText)(path).replace(/\r?\n$/, '');
      sources[target] = 'file';
    } catch (error) {
      if (exists(path)) {
        problems.push({ key: fileKey, message: `cannot read '${path}': ${(error as Error).message}` });
      }
    }
  }

  const result = configSchema.safeParse(raw);
  for (const issue of result.success ? [] : result.error.issues) {
    const key = issue.path[0] as SettingKey;
    problems.push({ key, message: `${issue.message}${origin(key, sources[key], issue.code)}` });
  }
  // Checked whatever else is wrong, so one run lists every problem.
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

/**
 * A key or password file that group or others may read has already leaked to every account on the
 * host; refused rather than used, so the mistake is fixed instead of carried on.
 */
function secretFileProblems(
  raw: Partial<Record<SettingKey, string>>,
  sources: Partial<Record<SettingKey, Source>>,
  exists: (path: string) => boolean,
  fileMode: (path: string) => number,
): { key: SettingKey; message: string }[] {
  const problems: { key: SettingKey; message: string }[] = [];
  for (const [key, spec] of entries()) {
    const path = raw[key];
    if (!spec.secretFile || path === undefined || path === '' || !exists(path)) continue;
    let mode: number;
    try {
      mode = fileMode(path);
    } catch {
      continue; // reported as unreadable
    }
    if ((mode & 0o077) !== 0) {
      problems.push({
        key,
        message:
          `'${path}' may be read by group or others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}): ` +
          `\`chmod 600\` it, or load it as a systemd credential${origin(key, sources[key], 'custom')}`,
      });
    }
  }
  return problems;
}

function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

function readText(path: string): string {
  return readFileSync(path, 'utf8');
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
  if (source === 'file') return ' (from its file)';
  return key === 'hostname' ? ' (the OS hostname: set --hostname)' : ' (the default)';
}
