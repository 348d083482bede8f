#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft, broker+controller) for tests and benchmarks,
# assembled from Maven Central jars. No Docker, no system Kafka package.
#
#   bash scripts/kafka/broker.sh start | stop | status | security
#
# Environment (all optional):
#   KAFKA_VERSION          Kafka release to run (default 3.9.2, Scala 2.13; 4.x works too, e.g. 4.1.1)
#   KAFKA_PORT             client listener on 127.0.0.1 (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller listener on 127.0.0.1 (default KAFKA_PORT + 1)
#   KAFKA_READY_TIMEOUT    seconds to wait for the broker to serve (default 90)
#   KAFKA_STOP_TIMEOUT     seconds between SIGTERM and SIGKILL on stop (default 30)
#   KAFKA_SECURE           1 = also serve authenticated listeners (default 0, plaintext only):
#   KAFKA_SASL_SSL_PORT      SASL_SSL: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 (default KAFKA_PORT + 2)
#   KAFKA_SSL_PORT           SSL that requires a client certificate (default KAFKA_PORT + 3)
#
# A secure broker keeps its PLAINTEXT listener (inter-broker traffic, readiness) and knows one user,
# alice / alice-secret, for all three SASL mechanisms (SCRAM credentials are written when its
# storage is formatted). Its certificates are made once with the JDK's keytool and shared by all
# instances: a CA, the broker's key signed by it for 127.0.0.1, a truststore, and a client key and
# certificate. `broker.sh security` prints, as JSON, the URLs, the CA as a PEM file and the client
# key as a PKCS12 file with its passphrase (Node's tls reads it as `pfx`), and the user.
#
# Everything lives in scripts/kafka/.kafka/ (git-ignored): jars per version, the certificates in
# tls/, and one instance folder per client port with its config, cluster id, data, pid and log.
#
# Exit codes: 0 ok; 1 broker failed (start failed, not running for status); 2 usage;
# 3 a port is held by a process this script did not start, or by its broker in the other
# KAFKA_SECURE mode; 4 missing prerequisite (java, mvn, node, keytool).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KAFKA_VERSION=${KAFKA_VERSION:-3.9.2}
SCALA_VERSION=${SCALA_VERSION:-2.13}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}
KAFKA_READY_TIMEOUT=${KAFKA_READY_TIMEOUT:-90}
KAFKA_STOP_TIMEOUT=${KAFKA_STOP_TIMEOUT:-30}
KAFKA_SECURE=${KAFKA_SECURE:-0}
KAFKA_SASL_SSL_PORT=${KAFKA_SASL_SSL_PORT:-$((KAFKA_PORT + 2))}
KAFKA_SSL_PORT=${KAFKA_SSL_PORT:-$((KAFKA_PORT + 3))}
HOST=127.0.0.1
SASL_USER=alice
SASL_PASSWORD=alice-secret

ROOT="$HERE/.kafka"
DIST="$ROOT/kafka_${SCALA_VERSION}-${KAFKA_VERSION}"
LIB="$DIST/lib"
INSTANCE="$ROOT/broker-${KAFKA_PORT}"
PID_FILE="$INSTANCE/broker.pid"
LOG_FILE="$INSTANCE/broker.log"
STDOUT_FILE="$INSTANCE/broker.out"
CLUSTER_ID_FILE="$INSTANCE/cluster-id"
TLS="$ROOT/tls"
SECURITY_FILE="$INSTANCE/security.json"
# A secure broker has its own config and data (its SCRAM users are part of the formatted storage),
# so the two modes never mix, and a running broker tells its mode by the config it was started with.
case "$KAFKA_SECURE" in
0 | "")
  KAFKA_SECURE=0
  PROPS="$INSTANCE/server.properties"
  DATA="$INSTANCE/data-${KAFKA_VERSION}"
  ;;
1)
  PROPS="$INSTANCE/server-secure.properties"
  DATA="$INSTANCE/data-${KAFKA_VERSION}-secure"
  ;;
*)
  echo "broker.sh: KAFKA_SECURE=$KAFKA_SECURE: expected 0 or 1" >&2
  exit 2
  ;;
esac

# Kafka 3.x logs through slf4j 1 + reload4j (log4j 1 API); Kafka 4.x through log4j2.
if ((${KAFKA_VERSION%%.*} >= 4)); then
  LOGGING_DEPS=(org.apache.logging.log4j:log4j-slf4j-impl:2.24.3)
  LOG_CONFIG="$INSTANCE/log4j2.properties"
  LOG_FLAG="-Dlog4j2.configurationFile=$LOG_CONFIG"
else
  LOGGING_DEPS=(org.slf4j:slf4j-reload4j:1.7.36 ch.qos.reload4j:reload4j:1.2.25)
  LOG_CONFIG="$INSTANCE/log4j.properties"
  LOG_FLAG="-Dlog4j.configuration=file:$LOG_CONFIG"
fi

JVM_FLAGS=(-Xms512m -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:ParallelGCThreads=2
  -XX:ConcGCThreads=1 -Djava.awt.headless=true -Djava.net.preferIPv4Stack=true)

say() { echo "broker.sh: $*"; }
die() {
  local code=$1
  shift
  echo "broker.sh: $*" >&2
  exit "$code"
}

now_ms() { date +%s%3N; }

require() {
  command -v "$1" >/dev/null 2>&1 || die 4 "'$1' is required but not installed ($2)"
}

port_answers() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

port_holder() {
  ss -ltnp "sport = :$1" 2>/dev/null | awk 'NR > 1 { print $NF }' | head -n 1
}

# The pid of the broker this script started for this port (plain or secure), if that process is
# still alive and is that broker (guards against a recycled pid).
instance_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid=$(<"$PID_FILE")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$INSTANCE/server" || return 1
  echo "$pid"
}

# Whether a running broker of this instance was started with the config of the current mode.
runs_current_mode() {
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$PROPS"
}

# The mode a running broker of this instance was started in, for messages.
mode_of() {
  if tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$INSTANCE/server-secure.properties"; then
    echo "KAFKA_SECURE=1"
  else
    echo "KAFKA_SECURE=0"
  fi
}

client_ports() {
  if ((KAFKA_SECURE)); then
    echo "$KAFKA_PORT" "$KAFKA_SASL_SSL_PORT" "$KAFKA_SSL_PORT"
  else
    echo "$KAFKA_PORT"
  fi
}

port_variables() {
  if ((KAFKA_SECURE)); then
    echo "KAFKA_PORT/KAFKA_CONTROLLER_PORT/KAFKA_SASL_SSL_PORT/KAFKA_SSL_PORT"
  else
    echo "KAFKA_PORT/KAFKA_CONTROLLER_PORT"
  fi
}

describe_listeners() {
  if ((KAFKA_SECURE)); then
    echo "${HOST}:${KAFKA_PORT} (PLAINTEXT), ${HOST}:${KAFKA_SASL_SSL_PORT} (SASL_SSL), ${HOST}:${KAFKA_SSL_PORT} (SSL with client certificates)"
  else
    echo "${HOST}:${KAFKA_PORT}"
  fi
}

log_tail() {
  local file
  for file in "$LOG_FILE" "$STDOUT_FILE"; do
    if [[ -s "$file" ]]; then
      echo "---- last lines of $file ----" >&2
      tail -n 40 "$file" >&2
    fi
  done
}

logging_dependencies() {
  local coordinates group artifact version
  for coordinates in "${LOGGING_DEPS[@]}"; do
    IFS=: read -r group artifact version <<<"$coordinates"
    printf '    <dependency>\n      <groupId>%s</groupId>\n      <artifactId>%s</artifactId>\n      <version>%s</version>\n    </dependency>\n' \
      "$group" "$artifact" "$version"
  done
}

write_log_config() {
  if ((${KAFKA_VERSION%%.*} >= 4)); then
    cat >"$LOG_CONFIG" <<EOF
appender.file.type=RollingFile
appender.file.name=file
appender.file.fileName=${LOG_FILE}
appender.file.filePattern=${LOG_FILE}.%i
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
appender.file.policies.type=Policies
appender.file.policies.size.type=SizeBasedTriggeringPolicy
appender.file.policies.size.size=20MB
appender.file.strategy.type=DefaultRolloverStrategy
appender.file.strategy.max=2
rootLogger.level=INFO
rootLogger.appenderRef.file.ref=file
logger.request.name=kafka.request.logger
logger.request.level=WARN
logger.clients.name=org.apache.kafka.clients
logger.clients.level=WARN
logger.cleaner.name=kafka.log.LogCleaner
logger.cleaner.level=WARN
logger.statechange.name=state.change.logger
logger.statechange.level=WARN
EOF
  else
    cat >"$LOG_CONFIG" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=${LOG_FILE}
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.state.change.logger=WARN
EOF
  fi
}

ensure_jars() {
  if [[ -f "$LIB/.complete" ]]; then
    return
  fi
  require mvn "Apache Maven, to fetch the Kafka jars from Maven Central"
  mkdir -p "$DIST"
  cat >"$DIST/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>faustgen.local</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>${KAFKA_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_${SCALA_VERSION}</artifactId>
      <version>${KAFKA_VERSION}</version>
    </dependency>
$(logging_dependencies)
  </dependencies>
</project>
EOF
  rm -rf "$LIB"
  local mvn_log="$DIST/mvn.log"
  local copy=(mvn -B -q -Dstyle.color=never dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=lib)
  # Offline first: a fresh checkout copies the jars from ~/.m2 without asking Maven Central.
  if (cd "$DIST" && "${copy[@]}" -o) >"$mvn_log" 2>&1; then
    say "copied the Kafka ${KAFKA_VERSION} jars from the local Maven repository (~/.m2)"
  else
    say "fetching the Kafka ${KAFKA_VERSION} jars from Maven Central (cached in ~/.m2 afterwards)"
    if ! (cd "$DIST" && "${copy[@]}") >"$mvn_log" 2>&1; then
      cat "$mvn_log" >&2
      die 1 "mvn could not fetch org.apache.kafka:kafka_${SCALA_VERSION}:${KAFKA_VERSION} (output above, also in $mvn_log)"
    fi
  fi
  touch "$LIB/.complete"
}

# The broker's certificates, made once with keytool and shared by every secure instance: a CA
# (ca.p12, and ca.pem for clients), the broker's key with a certificate for 127.0.0.1 signed by the
# CA (broker.p12), a truststore holding the CA (truststore.p12), and a client key with a certificate
# signed by the CA (client.p12, PKCS12 that Node's tls takes as `pfx`). One password protects them all.
ensure_tls() {
  [[ -f "$TLS/.complete" ]] && return
  require keytool "the JDK's keytool, to make the test certificates"
  mkdir -p "$TLS"
  exec 8>"$TLS/.lock"
  flock 8
  if [[ ! -f "$TLS/.complete" ]]; then
    find "$TLS" -mindepth 1 ! -name .lock -delete
    say "making test certificates with keytool in $TLS"
    head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$TLS/store-password"
    local pass
    pass=$(<"$TLS/store-password")
    keytool_quiet -genkeypair -alias ca -keyalg RSA -keysize 2048 -validity 3650 \
      -dname "CN=faustgen test CA" -ext bc:c \
      -keystore "$TLS/ca.p12" -storetype PKCS12 -storepass "$pass"
    keytool_quiet -exportcert -rfc -alias ca -keystore "$TLS/ca.p12" -storepass "$pass" -file "$TLS/ca.pem"
    keytool_quiet -importcert -noprompt -alias ca -file "$TLS/ca.pem" \
      -keystore "$TLS/truststore.p12" -storetype PKCS12 -storepass "$pass"
    signed_key broker "CN=${HOST}" "$pass" -ext "san=ip:${HOST},dns:localhost" -ext eku=serverAuth,clientAuth
    signed_key client "CN=faustgen-test-client" "$pass" -ext eku=clientAuth
    touch "$TLS/.complete"
  fi
  exec 8>&-
}

keytool_quiet() {
  local out
  if ! out=$(keytool "$@" 2>&1); then
    echo "$out" >&2
    die 1 "keytool $1 failed while making the test certificates in $TLS"
  fi
}

# <name>.p12 with a new key whose certificate (chain: itself, the CA) the CA signed; the
# certificate alone also as <name>-cert.pem. Extra arguments go to `keytool -gencert`.
signed_key() {
  local name=$1 dname=$2 pass=$3
  shift 3
  local store="$TLS/$name.p12"
  keytool_quiet -genkeypair -alias "$name" -keyalg RSA -keysize 2048 -validity 3650 -dname "$dname" \
    -keystore "$store" -storetype PKCS12 -storepass "$pass"
  keytool_quiet -certreq -alias "$name" -keystore "$store" -storepass "$pass" -file "$TLS/$name.csr"
  keytool_quiet -gencert -rfc -alias ca -keystore "$TLS/ca.p12" -storepass "$pass" -validity 3650 \
    -infile "$TLS/$name.csr" -outfile "$TLS/$name-cert.pem" "$@"
  # The CA must be in the store for keytool to accept the signed certificate as a chain.
  keytool_quiet -importcert -noprompt -alias ca -file "$TLS/ca.pem" -keystore "$store" -storepass "$pass"
  keytool_quiet -importcert -alias "$name" -file "$TLS/$name-cert.pem" -keystore "$store" -storepass "$pass"
  keytool_quiet -delete -alias ca -keystore "$store" -storepass "$pass"
  rm -f "$TLS/$name.csr"
}

write_config() {
  mkdir -p "$DATA"
  local listeners="PLAINTEXT://${HOST}:${KAFKA_PORT},CONTROLLER://${HOST}:${KAFKA_CONTROLLER_PORT}"
  local advertised="PLAINTEXT://${HOST}:${KAFKA_PORT}"
  local protocols="CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
  if ((KAFKA_SECURE)); then
    listeners+=",SASL_SSL://${HOST}:${KAFKA_SASL_SSL_PORT},SSL://${HOST}:${KAFKA_SSL_PORT}"
    advertised+=",SASL_SSL://${HOST}:${KAFKA_SASL_SSL_PORT},SSL://${HOST}:${KAFKA_SSL_PORT}"
    protocols+=",SASL_SSL:SASL_SSL,SSL:SSL"
  fi
  cat >"$PROPS" <<EOF
# Written by scripts/kafka/broker.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${HOST}:${KAFKA_CONTROLLER_PORT}
listeners=${listeners}
advertised.listeners=${advertised}
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=${protocols}
log.dirs=${DATA}
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
num.network.threads=2
num.io.threads=4
log.cleaner.dedupe.buffer.size=2097152
EOF
  if ((${KAFKA_VERSION%%.*} >= 4)); then
    printf '%s\n' share.coordinator.state.topic.replication.factor=1 share.coordinator.state.topic.min.isr=1 >>"$PROPS"
  fi
  if ((KAFKA_SECURE)); then
    write_security_config
  fi
  write_log_config
  if [[ ! -s "$CLUSTER_ID_FILE" ]]; then
    head -c 16 /dev/urandom | base64 | tr '+/' '-_' | cut -c 1-22 >"$CLUSTER_ID_FILE"
  fi
}

write_security_config() {
  local pass
  pass=$(<"$TLS/store-password")
  cat >>"$PROPS" <<EOF
ssl.keystore.type=PKCS12
ssl.keystore.location=${TLS}/broker.p12
ssl.keystore.password=${pass}
ssl.key.password=${pass}
ssl.truststore.type=PKCS12
ssl.truststore.location=${TLS}/truststore.p12
ssl.truststore.password=${pass}
listener.name.ssl.ssl.client.auth=required
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${SASL_USER}="${SASL_PASSWORD}";
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
EOF
}

json_string() {
  local text=${1//\\/\\\\}
  printf '"%s"' "${text//\"/\\\"}"
}

# What a client needs to reach the secure listeners (printed by `broker.sh security`).
write_security_file() {
  cat >"$SECURITY_FILE" <<EOF
{
  "plaintext": $(json_string "kafka://${HOST}:${KAFKA_PORT}"),
  "saslSsl": $(json_string "kafka://${HOST}:${KAFKA_SASL_SSL_PORT}"),
  "ssl": $(json_string "kafka://${HOST}:${KAFKA_SSL_PORT}"),
  "username": $(json_string "$SASL_USER"),
  "password": $(json_string "$SASL_PASSWORD"),
  "mechanisms": ["plain", "scram-sha-256", "scram-sha-512"],
  "caPem": $(json_string "$TLS/ca.pem"),
  "clientPkcs12": $(json_string "$TLS/client.p12"),
  "clientPassphrase": $(json_string "$(<"$TLS/store-password")")
}
EOF
}

format_storage() {
  [[ -f "$DATA/meta.properties" ]] && return
  local out scram=()
  if ((KAFKA_SECURE)); then
    scram=(--add-scram "SCRAM-SHA-256=[name=${SASL_USER},password=${SASL_PASSWORD}]"
      --add-scram "SCRAM-SHA-512=[name=${SASL_USER},password=${SASL_PASSWORD}]")
  fi
  if ! out=$(java "$LOG_FLAG" -cp "$LIB/*" kafka.tools.StorageTool format \
    -t "$(<"$CLUSTER_ID_FILE")" -c "$PROPS" --ignore-formatted "${scram[@]}" 2>&1); then
    echo "$out" >&2
    die 1 "formatting $DATA failed"
  fi
}

wait_ready() {
  node "$HERE/wait-ready.mjs" "kafka://${HOST}:${KAFKA_PORT}" "$((KAFKA_READY_TIMEOUT * 1000))" "$1" || return 1
  # All listeners open together; a secure one that does not answer is a broken start.
  local port
  for port in $(client_ports); do
    if ! port_answers "$port"; then
      echo "broker.sh: ${HOST}:${port} does not answer although ${HOST}:${KAFKA_PORT} serves" >&2
      return 1
    fi
  done
}

elapsed_since() {
  local ms=$(($(now_ms) - $1))
  echo "$((ms / 1000)).$(((ms % 1000) / 100)) s"
}

check_ports_distinct() {
  ((KAFKA_SECURE)) || return 0
  local ports=("$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$KAFKA_SASL_SSL_PORT" "$KAFKA_SSL_PORT")
  if (($(printf '%s\n' "${ports[@]}" | sort -u | wc -l) != ${#ports[@]})); then
    die 2 "the ports must differ: KAFKA_PORT=$KAFKA_PORT KAFKA_CONTROLLER_PORT=$KAFKA_CONTROLLER_PORT KAFKA_SASL_SSL_PORT=$KAFKA_SASL_SSL_PORT KAFKA_SSL_PORT=$KAFKA_SSL_PORT"
  fi
}

cmd_start() {
  require java "a JDK 17+, to run Kafka"
  require node "Node.js, for the readiness check"
  check_ports_distinct
  local started pid
  started=$(now_ms)
  mkdir -p "$INSTANCE"
  # One start at a time per instance: concurrent callers wait here and then reuse the broker.
  exec 9>"$INSTANCE/.lock"
  flock 9

  if pid=$(instance_pid); then
    if ! runs_current_mode "$pid"; then
      die 3 "the broker on port ${KAFKA_PORT} (pid $pid) was started with $(mode_of "$pid"); run 'broker.sh stop' (same KAFKA_PORT) before starting it with KAFKA_SECURE=${KAFKA_SECURE}"
    fi
    if wait_ready "$pid"; then
      say "broker ready in $(elapsed_since "$started") at $(describe_listeners) (reused: pid $pid, started earlier by this script)"
      return 0
    fi
    log_tail
    die 1 "the broker started earlier (pid $pid) is running but does not serve at $(describe_listeners); run 'broker.sh stop' and start again"
  fi
  rm -f "$PID_FILE"

  local port holder
  for port in $(client_ports) "$KAFKA_CONTROLLER_PORT"; do
    if port_answers "$port"; then
      holder=$(port_holder "$port")
      die 3 "port ${HOST}:${port} is held by another process${holder:+ ($holder)}, not by a broker this script started; stop it or choose other ports with $(port_variables)"
    fi
  done

  ensure_jars
  if ((KAFKA_SECURE)); then
    ensure_tls
  fi
  write_config
  format_storage
  if ((KAFKA_SECURE)); then
    write_security_file
  else
    rm -f "$SECURITY_FILE"
  fi

  : >"$STDOUT_FILE"
  setsid java "${JVM_FLAGS[@]}" "$LOG_FLAG" -Dkafka.logs.dir="$INSTANCE" \
    -cp "$LIB/*" kafka.Kafka "$PROPS" >"$STDOUT_FILE" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  say "starting Kafka ${KAFKA_VERSION} (pid $pid), log: $LOG_FILE"

  if ! wait_ready "$pid"; then
    log_tail
    if kill -0 "$pid" 2>/dev/null; then
      stop_pid "$pid" >/dev/null
    fi
    rm -f "$PID_FILE"
    die 1 "Kafka did not become ready at $(describe_listeners)"
  fi
  say "broker ready in $(elapsed_since "$started") at $(describe_listeners) (pid $pid, Kafka ${KAFKA_VERSION})"
  if ((KAFKA_SECURE)); then
    say "user ${SASL_USER} / ${SASL_PASSWORD} (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512); CA, client key and URLs: KAFKA_PORT=${KAFKA_PORT} broker.sh security"
  fi
}

stop_pid() {
  local pid=$1 waited=0
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= KAFKA_STOP_TIMEOUT * 10)); then
      say "no exit ${KAFKA_STOP_TIMEOUT} s after SIGTERM: sending SIGKILL to $pid"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

# Stops the broker of this port whichever mode it runs in.
cmd_stop() {
  local pid
  if ! pid=$(instance_pid); then
    rm -f "$PID_FILE"
    say "no broker started by this script is running on port ${KAFKA_PORT}"
    return 0
  fi
  say "stopping the broker (pid $pid, $(mode_of "$pid"))"
  stop_pid "$pid"
  rm -f "$PID_FILE"
  say "stopped"
}

cmd_status() {
  local pid
  if pid=$(instance_pid); then
    if port_answers "$KAFKA_PORT"; then
      say "running: pid $pid, ${HOST}:${KAFKA_PORT}, $(mode_of "$pid"), Kafka ${KAFKA_VERSION}, log $LOG_FILE"
      return 0
    fi
    say "process $pid is alive but ${HOST}:${KAFKA_PORT} does not answer (starting or stuck); log $LOG_FILE"
    return 1
  fi
  if port_answers "$KAFKA_PORT"; then
    say "not running from this checkout, but another process holds ${HOST}:${KAFKA_PORT}"
    return 3
  fi
  say "not running (port ${KAFKA_PORT})"
  return 1
}

cmd_security() {
  [[ -s "$SECURITY_FILE" ]] ||
    die 1 "no secure broker was started on port ${KAFKA_PORT}; start one with: KAFKA_SECURE=1 KAFKA_PORT=${KAFKA_PORT} broker.sh start"
  cat "$SECURITY_FILE"
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
security) cmd_security ;;
*)
  echo "usage: $0 start|stop|status|security   (env: KAFKA_VERSION, KAFKA_PORT, KAFKA_CONTROLLER_PORT, KAFKA_SECURE, KAFKA_SASL_SSL_PORT, KAFKA_SSL_PORT)" >&2
  exit 2
  ;;
esac
