#!/usr/bin/env bash
# `npm run bench -- <name> [args...]`: runs dist/bench/<name>.js with a broker (see with-broker.sh),
# building first when the compiled benchmark is missing or older than the sources.
# Without a name, lists the benchmarks.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Whether $1 is missing or older than any TypeScript source it may be compiled from.
stale() {
  [[ ! -e "$1" ]] || [[ -n "$(find runtime generator cli bench -name '*.ts' -newer "$1" 2>/dev/null | head -n 1)" ]]
}

if (($# == 0)); then
  if compgen -G 'bench/*.ts' >/dev/null && stale dist/bench; then npm run --silent build; fi
  echo "usage: npm run bench -- <name> [args...]"
  echo "benchmarks:"
  if compgen -G 'dist/bench/*.js' >/dev/null; then
    for file in dist/bench/*.js; do echo "  $(basename "$file" .js)"; done
  else
    echo "  (none yet: add bench/<name>.ts)"
  fi
  exit 0
fi

name=$1
shift
if stale "dist/bench/$name.js"; then npm run --silent build; fi
if [[ ! -f "dist/bench/$name.js" ]]; then
  echo "bench.sh: no benchmark '$name' (dist/bench/$name.js); run without arguments to list them" >&2
  exit 2
fi
exec bash scripts/kafka/with-broker.sh node "dist/bench/$name.js" "$@"
