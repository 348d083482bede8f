#!/usr/bin/env bash
# `npm start`, the README's first command: installs dependencies when missing, builds faustgen, then
# `faustgen demo`: inits and generates the example project (topology.example.json) in dist/demo,
# installs and builds it, and runs its worker with sample payments on the embedded memory:// broker
# (or on FAUSTGEN_BROKER when set). It prints the URLs of routes to try. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d node_modules ]] || npm ci
npm run --silent build
exec node bin/run.js demo dist/demo
