#!/usr/bin/env bash
# `npm test`: build from scratch, typecheck, lint, format check, then every test suite against a
# real broker (started for the run when none answers at FAUSTGEN_BROKER, and stopped afterwards):
# the integration suite once on kafkajs and once on librdkafka, then the transport contract on a
# second broker, Kafka 4 (KAFKA4_VERSION at FAUSTGEN_KAFKA4_BROKER), on both clients and on
# librdkafka with Kafka 4's group protocol.
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
kafka4_version=${KAFKA4_VERSION:-4.1.2}
kafka4_broker=${FAUSTGEN_KAFKA4_BROKER:-kafka://127.0.0.1:9094}
step "Kafka ${kafka4_version} smoke (broker: ${kafka4_broker})"
KAFKA_VERSION=$kafka4_version FAUSTGEN_BROKER=$kafka4_broker \
  bash scripts/kafka/with-broker.sh node scripts/run-tests.mjs smoke
