#!/usr/bin/env bash
# The full test suite: type check, lint, unit and integration tests (real etcd, network namespaces).
# Prints "N passed, N failed" last; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh || exit 1
# shellcheck source=node-env.sh
. scripts/node-env.sh

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
say "Node $(node --version)"
passed=0
failed=0
check() {
  local name=$1
  shift
  say "$name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $name" >&2; fi
}

check "type check (tsc)" npx tsc --noEmit -p .
check "lint and format (biome)" npx biome check .

say "tests (vitest: unit, API, real etcd, network namespaces)"
mkdir -p test-artifacts
results=test-artifacts/vitest.json
rm -f "$results"
# A clean environment for the project's own variables: vitest's leak into child processes otherwise.
env -u LINK_ETCD -u LINK_INTERFACE npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@"
vitest_status=$?
if [ -f "$results" ]; then
  read -r vp vf < <(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrors||0))' "$PWD/$results")
  passed=$((passed + vp))
  failed=$((failed + vf))
  if [ "$vitest_status" -ne 0 ] && [ "$vf" -eq 0 ]; then failed=$((failed + 1)); fi
else
  failed=$((failed + 1))
fi
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
