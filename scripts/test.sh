#!/usr/bin/env bash
# `npm test`: build from scratch, typecheck, lint, format check, then every test suite against a
# real broker (started for the run when none answers at FAUSTGEN_BROKER, and stopped afterwards).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n== %s ==\n' "$*"; }

step "build (dist/ removed first, so no stale compiled test runs)"
rm -rf dist
npm run --silent build
step typecheck
npm run --silent typecheck
step lint
npm run --silent lint
step "format check"
npm run --silent format:check
step "dependency rules (layers, no cycles)"
npm run --silent deps
step "tests (broker: ${FAUSTGEN_BROKER:-kafka://127.0.0.1:9092})"
bash scripts/kafka/with-broker.sh node scripts/run-tests.mjs all
