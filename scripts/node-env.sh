# Sourced (`. scripts/node-env.sh`): puts LinK's Node runtime first on PATH.
# The runtime is the Node version in .node-version: the machine's own `node` when its major version
# matches, else the copy scripts/ensure-deps.sh unpacks into .runtime/ (git-ignored). Exports
# LINK_NODE_HOME (the runtime's prefix: bin/node, include/node for native builds) when that copy is used.
link_repo_root=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)
LINK_NODE_VERSION=$(tr -d ' \n\r' <"$link_repo_root/.node-version")
link_node_home="$link_repo_root/.runtime/node-v$LINK_NODE_VERSION-linux"
if [ -x "$link_node_home/bin/node" ]; then
  export LINK_NODE_HOME="$link_node_home"
  case ":$PATH:" in
  *":$link_node_home/bin:"*) ;;
  *) export PATH="$link_node_home/bin:$PATH" ;;
  esac
fi
export LINK_NODE_VERSION
unset link_repo_root link_node_home
