#!/usr/bin/env bash
# Runs a command with a Kafka broker available at FAUSTGEN_BROKER (default kafka://127.0.0.1:9092).
#
#   bash scripts/kafka/with-broker.sh <command...>
#
# memory:// URLs need no broker: the command just runs. When something already answers at the
# URL it is used as it is. Otherwise, for a 127.0.0.1/localhost URL, broker.sh starts a broker on
# that port, and the broker started here is stopped afterwards — also when the command fails or
# the run is interrupted. Exits with the command's status.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if (($# == 0)); then
  echo "usage: $0 <command...>" >&2
  exit 2
fi

url=${FAUSTGEN_BROKER:-kafka://127.0.0.1:9092}
export FAUSTGEN_BROKER=$url

case "$url" in
memory://*) exec "$@" ;;
kafka://*) ;;
*)
  echo "with-broker.sh: FAUSTGEN_BROKER=$url: expected kafka://host:port or memory://" >&2
  exit 2
  ;;
esac

# The first broker of a kafka://h1:p1,h2:p2 list decides.
address=${url#kafka://}
address=${address%%,*}
address=${address%%/*}
host=${address%:*}
port=${address##*:}
if [[ -z "$host" || ! "$port" =~ ^[0-9]+$ ]]; then
  echo "with-broker.sh: FAUSTGEN_BROKER=$url: expected kafka://host:port" >&2
  exit 2
fi

if timeout 2 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null; then
  exec "$@"
fi

case "$host" in
127.0.0.1 | localhost) ;;
*)
  echo "with-broker.sh: nothing answers at $url and it is not a local address this script could start a broker on" >&2
  exit 1
  ;;
esac

export KAFKA_PORT=$port
child=
stop_broker() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -n "$child" ]] && kill -0 "$child" 2>/dev/null; then
    kill -TERM "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  bash "$HERE/broker.sh" stop || true
  exit "$status"
}
trap stop_broker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bash "$HERE/broker.sh" start

# In the background so that a signal to this script is handled at once (the trap forwards it).
"$@" 0<&0 &
child=$!
set +e
wait "$child"
status=$?
set -e
child=
exit "$status"
