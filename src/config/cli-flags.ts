import { Command, CommanderError, Option } from 'commander';
import { envOf, isSwitch, type Setting, type SettingKey, settings } from './config.schema.js';
import { ConfigError, ConfigExit } from './config-error.js';

export type FlagValues = Partial<Record<SettingKey, string>>;

/** Markdown in descriptions is for the README; help is plain text. */
function plain(markdown: string): string {
  return markdown.replaceAll('`', '').replaceAll('**', '');
}

function defaultText(spec: Setting): string {
  if (spec.defaultDoc) return `default: ${spec.defaultDoc}`;
  if (spec.default !== undefined) return `default: ${spec.default}`;
  return spec.required ? 'required' : 'unset';
}

/** `linkd`'s command line, built from the settings table. */
export function linkdCommand(version: string): Command {
  const program = new Command('linkd')
    .description('LinK agent: shares virtual IPs with the other hosts through etcd')
    .version(version, '-V, --version')
    .helpOption('-h, --help')
    .allowExcessArguments(false)
    .showSuggestionAfterError(true);
  for (const spec of Object.values(settings) as Setting[]) {
    const help = `${plain(spec.description)} [${envOf(spec)}; ${defaultText(spec)}]`;
    if (isSwitch(spec)) {
      // Both forms, and no commander default, so "not given" stays distinguishable from "off".
      program.addOption(new Option(spec.flag, help));
      program.addOption(new Option(`--no-${spec.flag.slice(2)}`).hideHelp());
    } else {
      program.addOption(new Option(`${spec.flag} <${spec.arg}>`, help));
    }
  }
  return program;
}

/**
 * The flags given on the command line, as strings (switches as `true`/`false`), keyed by
 * setting; absent flags are absent so the environment and defaults can apply.
 */
export function parseFlags(argv: readonly string[], version: string): FlagValues {
  const program = linkdCommand(version);
  let output = '';
  let errors = '';
  program.exitOverride().configureOutput({
    writeOut: (text) => {
      output += text;
    },
    writeErr: (text) => {
      errors += text;
    },
  });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.exitCode === 0) throw new ConfigExit(output);
    throw new ConfigError([(errors.trim() || error.message).replace(/^error: /, '')]);
  }
  const opts = program.opts<Record<string, unknown>>();
  const values: FlagValues = {};
  for (const [key, spec] of Object.entries(settings) as [SettingKey, Setting][]) {
    const value = opts[new Option(spec.flag).attributeName()];
    if (value !== undefined) values[key] = String(value);
  }
  return values;
}
