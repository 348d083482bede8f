#!/usr/bin/env bash
# `npm start`: installs dependencies when missing, builds, shows the CLI, and runs the demo worker
# (examples/word-count.ts) on the embedded memory:// broker, or on FAUSTGEN_BROKER when set.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d node_modules ]] || npm ci
npm run --silent build
node bin/run.js --help
echo
echo "== demo: word count on ${FAUSTGEN_BROKER:-memory://} (Ctrl-C to stop) =="
exec node dist/examples/word-count.js demo
