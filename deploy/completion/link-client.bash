# bash completion for link-client. Generated from its command definitions by `npm run docs`.
_link_client() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  local global='-v --version --host -u --user -p --password --json --timeout -h --help'
  local valued=' --host -u --user -p --password --timeout --state --holder --ip --limit --cursor --endpoint-id --plugin --health-check-interval --fault-policy --preferred-hosts --health-check --hostname --since -f --file '
  local command="" i word
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    if [[ $valued == *" $word "* ]]; then ((i++)); continue; fi
    if [[ $word != -* ]]; then command=$word; break; fi
  done
  case $prev in
    --fault-policy) mapfile -t COMPREPLY < <(compgen -W 'activate hold release' -- "$cur"); return ;;
  esac
  if [[ $valued == *" $prev "* ]]; then return; fi
  if [[ -z $command ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$global list bulk show get hosts create add destroy delete failover drain undrain set-health-checks history apply version" -- "$cur")
    return
  fi
  local flags=""
  case $command in
    list) flags='--state --holder --ip --limit --cursor' ;;
    bulk) flags='--dry-run' ;;
    show|get) flags='--endpoint-id' ;;
    hosts) flags='--endpoint-id' ;;
    create|add) flags='--ip --plugin --health-check-interval --fault-policy --preferred-hosts --health-check' ;;
    destroy|delete) flags='--endpoint-id' ;;
    failover) flags='--endpoint-id' ;;
    drain) flags='--force' ;;
    undrain) flags='' ;;
    set-health-checks) flags='--endpoint-id --health-check' ;;
    history) flags='--hostname --since --limit' ;;
    apply) flags='-f --file --dry-run --prune' ;;
    version) flags='' ;;
  esac
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$flags $global" -- "$cur")
  elif [[ ' show get hosts destroy delete failover set-health-checks history ' == *" $command "* ]]; then
    # The ids of the agent the line talks to (--host, -u, -p as typed; LINK_* otherwise).
    local args=() j
    for ((j = 1; j < COMP_CWORD; j++)); do
      case ${COMP_WORDS[j]} in --host | -u | --user | -p | --password) args+=("${COMP_WORDS[j]}" "${COMP_WORDS[j+1]}") ;; esac
    done
    local ids
    ids=$(link-client "${args[@]}" --timeout 2 --json list 2>/dev/null | grep -o '"id":"[^"]*"' | cut -d'"' -f4)
    mapfile -t COMPREPLY < <(compgen -W "$ids" -- "$cur")
  fi
}
complete -F _link_client link-client
