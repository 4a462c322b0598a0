import { type ClientDoc, clientDoc, type FlagDoc } from './command-tree.js';

const names = (flags: readonly FlagDoc[]) =>
  flags.flatMap((flag) => [flag.short, flag.long]).filter((name): name is string => !!name);

const valued = (flags: readonly FlagDoc[]) => names(flags.filter((flag) => flag.value));

function choiceCases(flags: readonly FlagDoc[]): string[] {
  return flags
    .filter((flag) => flag.choices)
    .map(
      (flag) =>
        `    ${flag.long}) mapfile -t COMPREPLY < <(compgen -W '${flag.choices!.join(' ')}' -- "$cur"); return ;;`,
    );
}

/** bash completion for link-client: commands, their flags and aliases, choices, endpoint ids. */
export function bashCompletion(doc: ClientDoc = clientDoc()): string {
  const allFlags = [...doc.globalFlags, ...doc.commands.flatMap((command) => command.flags)];
  const commandNames = doc.commands.flatMap((command) => [command.name, ...command.aliases]);
  const withIds = doc.commands
    .filter((command) => command.takesEndpointId)
    .flatMap((command) => [command.name, ...command.aliases]);
  const commandFlags = doc.commands.map(
    (command) =>
      `    ${[command.name, ...command.aliases].join('|')}) flags='${names(command.flags).join(' ')}' ;;`,
  );
  return [
    '# bash completion for link-client. Generated from its command definitions by `npm run docs`.',
    '_link_client() {',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansion
    '  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}',
    `  local global='${names(doc.globalFlags).join(' ')}'`,
    `  local valued=' ${[...new Set(valued(allFlags))].join(' ')} '`,
    '  local command="" i word',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansion
    '    word=${COMP_WORDS[i]}',
    '    if [[ $valued == *" $word "* ]]; then ((i++)); continue; fi',
    '    if [[ $word != -* ]]; then command=$word; break; fi',
    '  done',
    '  case $prev in',
    ...choiceCases(allFlags),
    '  esac',
    '  if [[ $valued == *" $prev "* ]]; then return; fi',
    '  if [[ -z $command ]]; then',
    `    mapfile -t COMPREPLY < <(compgen -W "$global ${commandNames.join(' ')}" -- "$cur")`,
    '    return',
    '  fi',
    '  local flags=""',
    '  case $command in',
    ...commandFlags,
    '  esac',
    '  if [[ $cur == -* ]]; then',
    '    mapfile -t COMPREPLY < <(compgen -W "$flags $global" -- "$cur")',
    `  elif [[ ' ${withIds.join(' ')} ' == *" $command "* ]]; then`,
    '    # The ids of the agent the line talks to (--host, -u, -p as typed; LINK_* otherwise).',
    '    local args=() j',
    '    for ((j = 1; j < COMP_CWORD; j++)); do',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansion
    '      case ${COMP_WORDS[j]} in --host | -u | --user | -p | --password) args+=("${COMP_WORDS[j]}" "${COMP_WORDS[j+1]}") ;; esac',
    '    done',
    '    local ids',
    `    ids=$(link-client "\${args[@]}" --timeout 2 --json list 2>/dev/null | grep -o '"id":"[^"]*"' | cut -d'"' -f4)`,
    '    mapfile -t COMPREPLY < <(compgen -W "$ids" -- "$cur")',
    '  fi',
    '}',
    'complete -F _link_client link-client',
    '',
  ].join('\n');
}
