import type { Command, Option } from 'commander';
import { clientProgram } from '../cli/client/program.js';

/** One flag of link-client as the man page and completions show it. */
export interface FlagDoc {
  short?: string;
  long: string;
  /** The value's placeholder, e.g. `cidr`; absent for a switch. */
  value?: string;
  description: string;
  choices?: readonly string[];
  default?: string;
}

export interface CommandDoc {
  name: string;
  aliases: readonly string[];
  description: string;
  /** Positional arguments, e.g. `[id]`. */
  args: readonly string[];
  /** Whether an endpoint id is its positional argument (completed from the agent's list). */
  takesEndpointId: boolean;
  flags: readonly FlagDoc[];
}

export interface ClientDoc {
  description: string;
  globalFlags: readonly FlagDoc[];
  commands: readonly CommandDoc[];
}

function flagDoc(option: Option): FlagDoc {
  const value = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1];
  return {
    ...(option.short ? { short: option.short } : {}),
    long: option.long ?? option.flags,
    ...(value ? { value } : {}),
    description: option.description,
    ...(option.argChoices ? { choices: option.argChoices } : {}),
    ...(typeof option.defaultValue === 'string' ? { default: option.defaultValue } : {}),
  };
}

const visibleFlags = (command: Command) => command.options.filter((option) => !option.hidden).map(flagDoc);

/** link-client's commands and flags, read from the very program it runs. */
export function clientDoc(): ClientDoc {
  const program = clientProgram({ stdout: () => {}, stderr: () => {} });
  return {
    description: program.description(),
    globalFlags: [
      ...visibleFlags(program),
      { short: '-h', long: '--help', description: 'print help, for link-client or for a command' },
    ],
    commands: program.commands.map((command) => {
      const args = command.registeredArguments.map((arg) =>
        arg.required ? `<${arg.name()}>` : `[${arg.name()}]`,
      );
      return {
        name: command.name(),
        aliases: command.aliases(),
        description: command.description(),
        args,
        takesEndpointId: command.registeredArguments.some((arg) => arg.name() === 'id'),
        flags: visibleFlags(command),
      };
    }),
  };
}
