import { type ClientDoc, clientDoc, type FlagDoc } from './command-tree.js';

/** Text inside a single-quoted zsh word: quotes closed and reopened, brackets and colons escaped. */
function quoted(text: string): string {
  return text.replaceAll("'", "'\\''").replaceAll('[', '\\[').replaceAll(']', '\\]').replaceAll(':', '\\:');
}

function argumentSpec(flag: FlagDoc): string {
  const action = flag.choices ? `(${flag.choices.join(' ')})` : ' ';
  const value = flag.value ? `:${quoted(flag.value)}:${action}` : '';
  const help = `[${quoted(flag.description)}]`;
  if (flag.short) {
    return `'(${flag.short} ${flag.long})'{${flag.short},${flag.long}}'${help}${value}'`;
  }
  return `'${flag.long}${help}${value}'`;
}

/** zsh completion for link-client (`#compdef`), from the same command definitions as bash's. */
export function zshCompletion(doc: ClientDoc = clientDoc()): string {
  const commandList = doc.commands.flatMap((command) =>
    [command.name, ...command.aliases].map((name) => `    '${name}:${quoted(command.description)}'`),
  );
  const commandCases = doc.commands.flatMap((command) => [
    `        ${[command.name, ...command.aliases].join('|')})`,
    '          _arguments \\',
    ...command.flags.map((flag) => `            ${argumentSpec(flag)} \\`),
    command.takesEndpointId ? "            '1:endpoint id:_link-client_ids'" : "            '*::'",
    '          ;;',
  ]);
  return [
    '#compdef link-client',
    '# zsh completion for link-client. Generated from its command definitions by `npm run docs`.',
    '',
    '_link-client_ids() {',
    '  local -a ids',
    `  ids=(\${(f)"$(link-client --timeout 2 --json list 2>/dev/null | grep -o '"id":"[^"]*"' | cut -d'"' -f4)"})`,
    "  _describe -t ids 'endpoint id' ids",
    '}',
    '',
    '_link-client() {',
    '  local -a commands',
    '  commands=(',
    ...commandList,
    '  )',
    '  local curcontext=$curcontext state line',
    '  _arguments -C \\',
    ...doc.globalFlags.map((flag) => `    ${argumentSpec(flag)} \\`),
    "    '1:command:->command' \\",
    "    '*::argument:->argument'",
    '  case $state in',
    '    command)',
    "      _describe -t commands 'link-client command' commands",
    '      ;;',
    '    argument)',
    '      case $line[1] in',
    ...commandCases,
    '      esac',
    '      ;;',
    '  esac',
    '}',
    '',
    '_link-client "$@"',
    '',
  ].join('\n');
}
