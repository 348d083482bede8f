/**
 * The settings registry: every setting of Faust's `Settings` (plus faustgen's own few), each
 * defined once with its type, default, env variable, one-line doc and status. The `Settings`
 * and `SettingsInput` types and docs/settings.md are derived from it.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { type ResolveContext, type SettingDef, type SettingSpec, setting } from './definition.js';
import { envVariableName, kebab, snakeToCamel } from './names.js';
import { formatTemplate } from './template.js';
import {
  autodiscover,
  bool,
  brokerList,
  codec,
  credentials,
  dict,
  enumOf,
  int,
  intOneOf,
  logHandlers,
  nullable,
  partitioner,
  path,
  port,
  seconds,
  severity,
  sslContext,
  string,
  symbol,
  timezone,
  uint,
  url,
} from './types.js';

/** Value of `{conf.name}`, `{conf.id}`, `{conf.<setting>}` / `{self.<setting>}` / `{<setting>}` in templates. */
export function templateLookup(context: ResolveContext, name: string): unknown {
  const bare = name.replace(/^(conf|self)\./, '');
  if (name === 'conf.name' || name === 'self.name') return context.id;
  if (name === 'conf.id' || name === 'self.id') return context.appId();
  const settingName = snakeToCamel(bare);
  return isSettingName(settingName) ? context.get(settingName) : undefined;
}

const notPluggable = (what: string) =>
  `Custom ${what} classes are not pluggable yet; faustgen's own is used. Faust takes a class or its import path.`;

function extensionClass(faustName: string, doc: string, faustDefault: string, what: string) {
  return setting({
    faustName,
    type: symbol,
    section: 'extension',
    doc,
    status: 'not-yet-built',
    note: notPluggable(what),
    default: `faustgen:${faustName}`,
    faustDefault: JSON.stringify(faustDefault),
  });
}

const SUPERVISORS = [
  'OneForOneSupervisor',
  'OneForAllSupervisor',
  'CrashingSupervisor',
  'ForfeitOneForOneSupervisor',
  'ForfeitOneForAllSupervisor',
] as const;

export const SETTING_SPECS = {
  // ---- Common -------------------------------------------------------------------------------
  autodiscover: setting({
    faustName: 'autodiscover',
    type: autodiscover,
    section: 'common',
    doc: 'Scan packages at start-up for agents, pages, commands, tasks and timers.',
    status: 'not-applicable',
    note: 'Generated projects import every agent, view and timer explicitly: there is nothing to scan.',
    default: false,
  }),
  datadir: setting({
    faustName: 'datadir',
    type: path,
    section: 'common',
    doc: "Directory for this app's local data (table stores and the like); `{conf.name}` is the app id.",
    status: 'supported',
    default: '{conf.name}-data',
    finish: (value, context) => formatTemplate(value, (name) => templateLookup(context, name)),
  }),
  tabledir: setting({
    faustName: 'tabledir',
    type: path,
    section: 'common',
    doc: 'Directory for local table data; a relative path is taken under `<datadir>/v<version>`.',
    status: 'supported',
    default: 'tables',
    finish: (value, context) =>
      isAbsolute(value) ? value : join(context.get('datadir') as string, `v${context.get('version')}`, value),
  }),
  debug: setting({
    faustName: 'debug',
    type: bool,
    section: 'common',
    doc: 'Development mode; among other things it turns on the statistics web endpoint (webStatsEnabled).',
    status: 'supported',
    default: false,
  }),
  envPrefix: setting({
    faustName: 'env_prefix',
    type: nullable(string),
    section: 'common',
    doc: 'Prefix of the env variables that configure the app, in place of `FAUSTGEN_`; null keeps `FAUSTGEN_`.',
    status: 'supported',
    note:
      'Read from `FAUSTGEN_ENV_PREFIX` (never itself prefixed). `MYAPP` and `MYAPP_` both give `MYAPP_BROKER`; ' +
      'the empty string gives bare names (`BROKER`).',
    default: null,
  }),
  idFormat: setting({
    faustName: 'id_format',
    type: string,
    section: 'common',
    doc: 'Template of the effective app id when version > 1: `{id}` is the id given to App, `{self.version}` the version.',
    status: 'supported',
    default: '{id}-v{self.version}',
  }),
  origin: setting({
    faustName: 'origin',
    type: nullable(string),
    section: 'common',
    doc: 'Import path of the module that defines the app, used by autodiscovery.',
    status: 'not-applicable',
    note: 'Python import paths; faustgen does not autodiscover.',
    default: null,
  }),
  timezone: setting({
    faustName: 'timezone',
    type: timezone,
    section: 'common',
    doc: 'Time zone of date-related features such as crontab schedules.',
    status: 'supported',
    default: 'UTC',
  }),
  version: setting({
    faustName: 'version',
    type: int({ min: 1 }),
    section: 'common',
    doc: 'App version; a new version is a new, isolated app: new consumer group and internal topic names (`<id>-v<version>`).',
    status: 'supported',
    default: 1,
  }),
  cythonOptimizations: setting({
    faustName: 'cython_optimizations',
    type: bool,
    section: 'common',
    doc: "Use Faust's Cython-compiled hot paths.",
    status: 'not-applicable',
    note: 'Python only.',
    default: false,
  }),
  blockingTimeout: setting({
    faustName: 'blocking_timeout',
    type: nullable(seconds),
    section: 'common',
    doc: 'Warn, naming the events being processed, when the event loop was blocked longer than this; null turns it off.',
    status: 'supported',
    default: null,
  }),
  broker: setting({
    faustName: 'broker',
    type: brokerList,
    section: 'common',
    doc: 'Broker URL(s) for consuming and producing: `kafka://host:port`, several separated by `;`, or `memory://` (in-process).',
    status: 'supported',
    note: 'The default is `kafka://127.0.0.1:9092` by the faustgen contract (Faust: `kafka://localhost:9092`).',
    derive: (context) => {
      const legacy = context.get('url') as string[] | null;
      return legacy ?? ['kafka://127.0.0.1:9092'];
    },
    defaultDoc: '`["kafka://127.0.0.1:9092"]` (or the deprecated `url`)',
    faustDefault: '"kafka://localhost:9092"',
  }),
  brokerCredentials: setting({
    faustName: 'broker_credentials',
    type: nullable(credentials),
    section: 'common',
    doc: 'SASL credentials for the broker connection; null means none.',
    status: 'supported',
    note: 'GSSAPI (Kerberos) is not available with kafkajs.',
    default: null,
  }),
  sslContext: setting({
    faustName: 'ssl_context',
    type: nullable(sslContext),
    section: 'common',
    doc: 'TLS for the broker connection: `true`, or Node TLS options (`ca`, `cert`, `key`, ...); null means plaintext.',
    status: 'supported',
    note: 'Faust takes a Python `ssl.SSLContext`.',
    default: null,
  }),
  loggingConfig: setting({
    faustName: 'logging_config',
    type: nullable(dict),
    section: 'common',
    doc: 'Python `logging.config.dictConfig` dictionary.',
    status: 'not-applicable',
    note: 'Python logging; use logLevel and logFormat.',
    default: null,
  }),
  loghandlers: setting({
    faustName: 'loghandlers',
    type: logHandlers,
    section: 'common',
    doc: 'Extra Python log handlers for the worker.',
    status: 'not-applicable',
    note: 'Python logging; faustgen logs through pino (see logLevel, logFormat).',
    default: [],
  }),
  processingGuarantee: setting({
    faustName: 'processing_guarantee',
    type: enumOf(['at_least_once', 'exactly_once']),
    section: 'common',
    doc: 'Processing guarantee: `at_least_once`, or `exactly_once`: for each input partition, the sends, table changelog records and consumed offsets of its events commit in one Kafka transaction (see the guide, "Guarantees").',
    status: 'supported',
    note: 'faustgen commits a transaction per input partition every brokerCommitInterval (or brokerCommitEvery events), after the events delivered so far are processed; a failed commit aborts and reprocesses from the committed offsets. Sends outside an event (timers, web routes) stay at least once.',
    default: 'at_least_once',
  }),
  processingTransactionTimeout: setting({
    faustName: null,
    type: seconds,
    section: 'common',
    doc: "With exactly_once: the broker aborts a transaction left open longer than this (the producer's transaction.timeout.ms); a worker that dies mid-transaction holds back its partitions' committed reads at most this long unless a new owner fences it first (kafkajs: a transaction per input partition, fenced by the next owner at once; librdkafka: one transaction per worker, fenced at once only by the same worker restarted with its consumerGroupInstanceId). At most the broker's transaction.max.timeout.ms.",
    status: 'supported',
    note: 'faustgen addition (Kafka Streams: producer transaction.timeout.ms, default 60 s there too).',
    default: 60,
  }),
  store: setting({
    faustName: 'store',
    type: url,
    section: 'common',
    doc: 'Table storage backend: `lmdb://` (persistent, under tabledir) or `memory://`.',
    status: 'supported',
    note: "faustgen workers keep tables in LMDB by default (Faust: `memory://`); Faust's `rocksdb://` and `aerospike://` do not exist here.",
    default: 'lmdb://',
    faustDefault: '"memory://"',
  }),
  cache: setting({
    faustName: 'cache',
    type: url,
    section: 'common',
    doc: 'Cache backend of the web cache: `memory://`, `redis://host`.',
    status: 'not-yet-built',
    note: 'The web cache is out of scope for the first round.',
    default: 'memory://',
  }),
  url: setting({
    faustName: 'url',
    type: nullable(brokerList),
    section: 'common',
    doc: 'Old name of broker, used when broker is not set.',
    status: 'supported',
    deprecated: 'use broker',
    default: null,
  }),

  // ---- Agent --------------------------------------------------------------------------------
  agentSupervisor: setting({
    faustName: 'agent_supervisor',
    type: enumOf(SUPERVISORS, {
      'mode.OneForOneSupervisor': 'OneForOneSupervisor',
      'mode.OneForAllSupervisor': 'OneForAllSupervisor',
      'mode.CrashingSupervisor': 'CrashingSupervisor',
      'mode.ForfeitOneForOneSupervisor': 'ForfeitOneForOneSupervisor',
      'mode.ForfeitOneForAllSupervisor': 'ForfeitOneForAllSupervisor',
    }),
    section: 'agent',
    doc: "What happens when one of an agent's actors crashes: restart it (OneForOne), restart all (OneForAll), stop the worker (Crashing), give up on it or on all (Forfeit...).",
    status: 'supported',
    note: 'Faust takes a `mode` supervisor class; faustgen takes its name (`mode.` prefix allowed).',
    default: 'OneForOneSupervisor',
    faustDefault: '"mode.OneForOneSupervisor"',
  }),

  // ---- Broker -------------------------------------------------------------------------------
  brokerConsumer: setting({
    faustName: 'broker_consumer',
    type: brokerList,
    section: 'broker',
    doc: 'Broker URL(s) for consuming, when they differ from broker.',
    status: 'supported',
    derive: (context) => context.get('broker') as string[],
    defaultDoc: 'the value of broker',
  }),
  brokerProducer: setting({
    faustName: 'broker_producer',
    type: brokerList,
    section: 'broker',
    doc: 'Broker URL(s) for producing, when they differ from broker.',
    status: 'supported',
    derive: (context) => context.get('broker') as string[],
    defaultDoc: 'the value of broker',
  }),
  brokerApiVersion: setting({
    faustName: 'broker_api_version',
    type: string,
    section: 'broker',
    doc: 'Kafka protocol version to use; `auto` negotiates the newest one both sides know.',
    status: 'unsupported-by-client',
    note: 'kafkajs always negotiates API versions with the broker.',
    default: 'auto',
  }),
  brokerCheckCrcs: setting({
    faustName: 'broker_check_crcs',
    type: bool,
    section: 'broker',
    doc: 'Check the CRC32 of consumed records.',
    status: 'unsupported-by-client',
    note: 'kafkajs has no switch for CRC checks.',
    default: true,
  }),
  brokerClient: setting({
    faustName: null,
    type: enumOf(['kafkajs', 'librdkafka']),
    section: 'broker',
    doc: 'Kafka client behind `kafka://` URLs: `kafkajs`, or `librdkafka` (@confluentinc/kafka-javascript, an optional dependency built from source; it adds static membership, lz4 and zstd).',
    status: 'supported',
    note: 'faustgen addition.',
    default: 'kafkajs',
  }),
  brokerClientId: setting({
    faustName: 'broker_client_id',
    type: string,
    section: 'broker',
    doc: 'Client id the Kafka clients send to the broker.',
    status: 'supported',
    default: 'faustgen',
    faustDefault: '"faust-{faust_version}"',
  }),
  brokerCommitEvery: setting({
    faustName: 'broker_commit_every',
    type: uint(),
    section: 'broker',
    doc: 'Commit the offsets of processed (acked) events every this many events.',
    status: 'supported',
    default: 10_000,
  }),
  brokerCommitInterval: setting({
    faustName: 'broker_commit_interval',
    type: seconds,
    section: 'broker',
    doc: 'Commit the offsets of processed (acked) events at least this often.',
    status: 'supported',
    default: 2.8,
  }),
  brokerCommitLivelockSoftTimeout: setting({
    faustName: 'broker_commit_livelock_soft_timeout',
    type: seconds,
    section: 'broker',
    doc: 'Warn when the committed offset has not moved for this long while events are being processed.',
    status: 'not-yet-built',
    note: 'faustgen has no commit livelock detector yet.',
    default: 300,
  }),
  brokerHeartbeatInterval: setting({
    faustName: 'broker_heartbeat_interval',
    type: seconds,
    section: 'broker',
    doc: 'How often the consumer sends heartbeats to the group coordinator; must be less than brokerSessionTimeout.',
    status: 'supported',
    default: 3,
  }),
  brokerMaxPollInterval: setting({
    faustName: 'broker_max_poll_interval',
    type: seconds,
    section: 'broker',
    doc: 'Longest time between polls before the consumer counts as failed and the group rebalances.',
    status: 'unsupported-by-client',
    note: 'kafkajs has no max.poll.interval.ms; liveness is judged by heartbeats (brokerSessionTimeout).',
    default: 1000,
  }),
  brokerMaxPollRecords: setting({
    faustName: 'broker_max_poll_records',
    type: nullable(uint()),
    section: 'broker',
    doc: 'Most records handed over from one fetch; null means no bound.',
    status: 'supported',
    default: null,
  }),
  brokerRebalanceTimeout: setting({
    faustName: 'broker_rebalance_timeout',
    type: seconds,
    section: 'broker',
    doc: 'How long the group coordinator waits for members to rejoin during a rebalance.',
    status: 'supported',
    default: 60,
  }),
  brokerRequestTimeout: setting({
    faustName: 'broker_request_timeout',
    type: seconds,
    section: 'broker',
    doc: 'Timeout of Kafka client requests; must not be less than brokerSessionTimeout.',
    status: 'supported',
    default: 90,
  }),
  brokerSessionTimeout: setting({
    faustName: 'broker_session_timeout',
    type: seconds,
    section: 'broker',
    doc: 'How long the group coordinator waits for heartbeats before it removes a consumer from the group.',
    status: 'supported',
    default: 60,
  }),

  // ---- Consumer -----------------------------------------------------------------------------
  consumerApiVersion: setting({
    faustName: 'consumer_api_version',
    type: string,
    section: 'consumer',
    doc: 'Kafka protocol version for the consumer (see brokerApiVersion).',
    status: 'unsupported-by-client',
    note: 'kafkajs always negotiates API versions with the broker.',
    derive: (context) => context.get('brokerApiVersion') as string,
    defaultDoc: 'the value of brokerApiVersion',
  }),
  consumerMaxFetchSize: setting({
    faustName: 'consumer_max_fetch_size',
    type: uint(),
    section: 'consumer',
    doc: 'Most bytes the broker returns per partition in one fetch.',
    status: 'supported',
    default: 1_048_576,
  }),
  consumerAutoOffsetReset: setting({
    faustName: 'consumer_auto_offset_reset',
    type: enumOf(['earliest', 'latest', 'none']),
    section: 'consumer',
    doc: 'Where to start in a partition that has no committed offset, or whose position is out of range: `earliest`, `latest`, or `none` (fail).',
    status: 'supported',
    note: 'kafkajs cannot fail on a missing offset: `none` is accepted, warned about, and reads from the earliest. An out-of-range position is reset to the earliest or latest offset without committing anything, or with `none` the partition stops with an error naming its offsets.',
    default: 'earliest',
    check: (value) =>
      value === 'none'
        ? 'consumerAutoOffsetReset "none" cannot be honoured by kafkajs: partitions without a committed offset are read from the earliest'
        : undefined,
  }),
  consumerStallTimeout: setting({
    faustName: null,
    type: seconds,
    section: 'consumer',
    doc: 'A partition with lag whose position has not moved for this long counts as stalled: /health/ready answers 503 naming it, and the metrics count it. 0 turns the check off.',
    status: 'supported',
    note: 'faustgen addition.',
    default: 120,
  }),
  consumerConnectionsMaxIdleMs: setting({
    faustName: 'consumer_connections_max_idle_ms',
    type: int(),
    section: 'consumer',
    doc: 'Close consumer connections idle for this many milliseconds.',
    status: 'unsupported-by-client',
    note: 'kafkajs has no connections.max.idle.ms.',
    default: 540_000,
  }),
  consumerGroupInstanceId: setting({
    faustName: 'consumer_group_instance_id',
    type: nullable(string),
    section: 'consumer',
    doc: 'Static group membership id (KIP-345), unique per worker; null means dynamic membership.',
    status: 'unsupported-by-client',
    note: 'kafkajs does not support static membership (group.instance.id); with brokerClient `librdkafka` it applies (and the start-up warning about it does not).',
    honouredByLibrdkafka: true,
    default: null,
  }),
  consumerMetadataMaxAgeMs: setting({
    faustName: 'consumer_metadata_max_age_ms',
    type: int(),
    section: 'consumer',
    doc: 'Refresh the consumer metadata at least every this many milliseconds.',
    status: 'not-yet-built',
    note: 'The transport does not pass it to kafkajs yet.',
    default: 300_000,
  }),
  ConsumerScheduler: extensionClass(
    'ConsumerScheduler',
    'Strategy deciding the order in which topics and partitions are read.',
    'faust.transport.utils:DefaultSchedulingStrategy',
    'consumer scheduler',
  ),

  // ---- Serialization ------------------------------------------------------------------------
  keySerializer: setting({
    faustName: 'key_serializer',
    type: codec,
    section: 'serialization',
    doc: 'Codec for keys when a topic names none and the key is not a model.',
    status: 'supported',
    default: 'raw',
  }),
  valueSerializer: setting({
    faustName: 'value_serializer',
    type: codec,
    section: 'serialization',
    doc: 'Codec for values when a topic names none and the value is not a model.',
    status: 'supported',
    default: 'json',
  }),

  // ---- Producer -----------------------------------------------------------------------------
  producerAcks: setting({
    faustName: 'producer_acks',
    type: intOneOf([-1, 0, 1], { all: -1 }),
    section: 'producer',
    doc: 'Acknowledgements a send waits for: -1 (all in-sync replicas), 1 (the leader) or 0 (none).',
    status: 'supported',
    default: -1,
  }),
  producerApiVersion: setting({
    faustName: 'producer_api_version',
    type: string,
    section: 'producer',
    doc: 'Kafka protocol version for the producer (see brokerApiVersion).',
    status: 'unsupported-by-client',
    note: 'kafkajs always negotiates API versions with the broker.',
    derive: (context) => context.get('brokerApiVersion') as string,
    defaultDoc: 'the value of brokerApiVersion',
  }),
  producerCompressionType: setting({
    faustName: 'producer_compression_type',
    type: nullable(enumOf(['gzip', 'snappy', 'lz4', 'zstd']), ['none']),
    section: 'producer',
    doc: 'Compression of produced batches: `gzip`, `snappy`, `lz4`, `zstd`; null (or `none`) for none.',
    status: 'supported',
    note: 'The kafkajs transport has gzip and snappy; `lz4` and `zstd` are accepted, warned about, and not applied. With brokerClient `librdkafka` all four apply.',
    honouredByLibrdkafka: true,
    default: null,
    check: (value) =>
      value === 'lz4' || value === 'zstd'
        ? `producerCompressionType "${value}" has no codec in the kafkajs transport: messages are sent uncompressed`
        : undefined,
  }),
  producerConnectionsMaxIdleMs: setting({
    faustName: 'producer_connections_max_idle_ms',
    type: int(),
    section: 'producer',
    doc: 'Close producer connections idle for this many milliseconds.',
    status: 'unsupported-by-client',
    note: 'kafkajs has no connections.max.idle.ms.',
    default: 540_000,
  }),
  producerLinger: setting({
    faustName: 'producer_linger',
    type: seconds,
    section: 'producer',
    doc: 'How long a batch of sends waits for more messages after its first one before it goes out.',
    status: 'supported',
    note: 'kafkajs has no linger: the runtime batches sends itself.',
    derive: (context) => (context.get('producerLingerMs') as number) / 1000,
    defaultDoc: '`producerLingerMs / 1000` (0)',
  }),
  producerLingerMs: setting({
    faustName: 'producer_linger_ms',
    type: uint(),
    section: 'producer',
    doc: 'producerLinger in milliseconds; used when producerLinger is not set.',
    status: 'supported',
    deprecated: 'use producerLinger (seconds)',
    default: 0,
  }),
  producerMaxBatchSize: setting({
    faustName: 'producer_max_batch_size',
    type: uint({ min: 1 }),
    section: 'producer',
    doc: 'Most bytes in one batch of sends.',
    status: 'supported',
    note: 'kafkajs has no batch size: the runtime batches sends itself.',
    default: 16_384,
  }),
  producerMaxRequestSize: setting({
    faustName: 'producer_max_request_size',
    type: uint({ min: 1 }),
    section: 'producer',
    doc: 'Most bytes in one produce request.',
    status: 'supported',
    default: 1_000_000,
  }),
  producerMetadataMaxAgeMs: setting({
    faustName: 'producer_metadata_max_age_ms',
    type: int(),
    section: 'producer',
    doc: 'Refresh the producer metadata at least every this many milliseconds.',
    status: 'not-yet-built',
    note: 'The transport does not pass it to kafkajs yet.',
    default: 300_000,
  }),
  producerPartitioner: setting({
    faustName: 'producer_partitioner',
    type: nullable(partitioner),
    section: 'producer',
    doc: 'Custom partitioner `(key, numPartitions, topic) => partition`; null means murmur2, as the Java client.',
    status: 'supported',
    note: 'A function, given in code (Faust also takes an import path).',
    default: null,
  }),
  producerRequestTimeout: setting({
    faustName: 'producer_request_timeout',
    type: seconds,
    section: 'producer',
    doc: 'Timeout of produce requests; a batch not delivered by then fails.',
    status: 'supported',
    default: 1200,
  }),
  producerThreaded: setting({
    faustName: 'producer_threaded',
    type: bool,
    section: 'producer',
    doc: "Run a second producer in its own thread for Faust's `send_soon`.",
    status: 'not-applicable',
    note: 'A Python thread; a faustgen worker has one producer.',
    default: false,
  }),

  // ---- Stream -------------------------------------------------------------------------------
  recoveryConsistencyCheck: setting({
    faustName: 'recovery_consistency_check',
    type: bool,
    section: 'stream',
    doc: "At table recovery, check that Kafka's high-water mark is not behind the offset the local store has.",
    status: 'supported',
    default: true,
  }),
  storeCheckExists: setting({
    faustName: 'store_check_exists',
    type: bool,
    section: 'stream',
    doc: 'Ask the store whether a key exists before reading it.',
    status: 'not-applicable',
    note: 'A detail of Faust stores (rocksdb, aerospike).',
    default: true,
  }),
  crashAppOnAerospikeException: setting({
    faustName: 'crash_app_on_aerospike_exception',
    type: bool,
    section: 'stream',
    doc: 'Crash the app when the aerospike store fails.',
    status: 'not-applicable',
    note: 'There is no aerospike store in faustgen.',
    default: true,
  }),
  aerospikeRetriesOnException: setting({
    faustName: 'aerospike_retries_on_exception',
    type: int(),
    section: 'stream',
    doc: 'Retries of a failed aerospike store call.',
    status: 'not-applicable',
    note: 'There is no aerospike store in faustgen.',
    default: 60,
  }),
  aerospikeSleepSecondsBetweenRetriesOnException: setting({
    faustName: 'aerospike_sleep_seconds_between_retries_on_exception',
    type: int(),
    section: 'stream',
    doc: 'Seconds between retries of a failed aerospike store call.',
    status: 'not-applicable',
    note: 'There is no aerospike store in faustgen.',
    default: 1,
  }),
  streamBufferMaxsize: setting({
    faustName: 'stream_buffer_maxsize',
    type: uint({ min: 1 }),
    section: 'stream',
    doc: 'Most unprocessed events a stream buffers before fetching pauses (back-pressure).',
    status: 'supported',
    default: 4096,
  }),
  streamProcessingTimeout: setting({
    faustName: 'stream_processing_timeout',
    type: seconds,
    section: 'stream',
    doc: 'Log an error when one event takes longer than this to process; processing goes on.',
    status: 'supported',
    default: 300,
  }),
  streamPublishOnCommit: setting({
    faustName: 'stream_publish_on_commit',
    type: bool,
    section: 'stream',
    doc: 'Hold messages sent while processing until the offsets of the events that caused them are committed.',
    status: 'not-yet-built',
    note: 'Sends are not held back yet.',
    default: false,
  }),
  streamRecoveryDelay: setting({
    faustName: 'stream_recovery_delay',
    type: seconds,
    section: 'stream',
    doc: 'Pause after a rebalance before recovering tables and resuming streams.',
    status: 'supported',
    default: 0,
  }),
  streamWaitEmpty: setting({
    faustName: 'stream_wait_empty',
    type: bool,
    section: 'stream',
    doc: 'At a rebalance or shutdown, wait for the events being processed to finish.',
    status: 'supported',
    default: true,
  }),
  streamAckCancelledTasks: setting({
    faustName: 'stream_ack_cancelled_tasks',
    type: bool,
    section: 'stream',
    doc: 'Has no effect.',
    status: 'not-applicable',
    note: 'Deprecated in Faust, where it has no effect either.',
    deprecated: 'it has no effect',
    default: true,
  }),
  streamAckExceptions: setting({
    faustName: 'stream_ack_exceptions',
    type: bool,
    section: 'stream',
    doc: 'Has no effect.',
    status: 'not-applicable',
    note: 'Deprecated in Faust, where it has no effect either.',
    deprecated: 'it has no effect',
    default: true,
  }),
  deadLetter: setting({
    faustName: null,
    type: bool,
    section: 'stream',
    doc: 'Send events whose agent throws to the topic `<appId>-<topic>-deadletter`; false only logs them.',
    status: 'supported',
    note: 'faustgen addition. Faust logs the error and acks the event.',
    default: true,
  }),

  // ---- Agent RPC ----------------------------------------------------------------------------
  replyCreateTopic: setting({
    faustName: 'reply_create_topic',
    type: bool,
    section: 'rpc',
    doc: "Create this instance's reply topic at start-up (needed to get replies from agent ask()).",
    status: 'supported',
    default: false,
  }),
  replyExpires: setting({
    faustName: 'reply_expires',
    type: seconds,
    section: 'rpc',
    doc: 'How long replies are kept in the reply topic.',
    status: 'supported',
    default: 86_400,
  }),
  replyTo: setting({
    faustName: 'reply_to',
    type: string,
    section: 'rpc',
    doc: "Name of this instance's reply topic.",
    status: 'supported',
    derive: (context) => `${context.get('replyToPrefix') as string}${randomUUID()}`,
    defaultDoc: 'replyToPrefix followed by a random UUID, new for each app instance',
  }),
  replyToPrefix: setting({
    faustName: 'reply_to_prefix',
    type: string,
    section: 'rpc',
    doc: 'Prefix of generated reply topic names.',
    status: 'supported',
    default: 'f-reply-',
  }),

  // ---- Table --------------------------------------------------------------------------------
  tableCleanupInterval: setting({
    faustName: 'table_cleanup_interval',
    type: seconds,
    section: 'table',
    doc: "How often windowed tables close and expire windows by each partition's committed event time (the cleanup tick).",
    status: 'supported',
    default: 30,
  }),
  tableKeyIndexSize: setting({
    faustName: 'table_key_index_size',
    type: uint(),
    section: 'table',
    doc: 'Size of the cache that maps table keys to partitions.',
    status: 'supported',
    default: 1000,
  }),
  tableStandbyReplicas: setting({
    faustName: 'table_standby_replicas',
    type: uint(),
    section: 'table',
    doc: 'Standby copies of each table partition kept up to date on other workers.',
    status: 'supported',
    default: 1,
  }),

  // ---- Topic --------------------------------------------------------------------------------
  topicAllowDeclare: setting({
    faustName: 'topic_allow_declare',
    type: bool,
    section: 'topic',
    doc: 'Let the app create the internal topics it owns (changelogs, repartition, reply and leader topics).',
    status: 'supported',
    default: true,
  }),
  topicDisableLeader: setting({
    faustName: 'topic_disable_leader',
    type: bool,
    section: 'topic',
    doc: 'Do not create the leader election topic `<appId>-__assignor-__leader`; then no worker is the leader (`app.isLeader()` is false), so onLeader tasks, timers and crontabs never run (as in Faust).',
    status: 'supported',
    default: false,
  }),
  topicPartitions: setting({
    faustName: 'topic_partitions',
    type: uint({ min: 1 }),
    section: 'topic',
    doc: 'Partitions of the topics the app creates: the most workers that can share the work.',
    status: 'supported',
    default: 8,
  }),
  topicReplicationFactor: setting({
    faustName: 'topic_replication_factor',
    type: uint({ min: 1 }),
    section: 'topic',
    doc: 'Replication factor of the topics the app creates.',
    status: 'supported',
    default: 1,
  }),

  // ---- Web server ---------------------------------------------------------------------------
  web: setting({
    faustName: 'web',
    type: url,
    section: 'webServer',
    doc: 'Web server driver.',
    status: 'supported',
    note: "faustgen's web server is Fastify (Faust: aiohttp); another driver is accepted and warned about.",
    default: 'fastify://',
    faustDefault: '"aiohttp://"',
    check: (value) =>
      value.startsWith('fastify:')
        ? undefined
        : `web "${value}" is not available: the web server is Fastify (fastify://)`,
  }),
  webBind: setting({
    faustName: 'web_bind',
    type: string,
    section: 'webServer',
    doc: 'Address of the network interface the web server listens on.',
    status: 'supported',
    default: '0.0.0.0',
  }),
  webApplicationOptions: setting({
    faustName: 'web_application_options',
    type: nullable(dict),
    section: 'webServer',
    doc: 'Options for the aiohttp application.',
    status: 'not-applicable',
    note: 'aiohttp only.',
    default: null,
  }),
  webCorsOptions: setting({
    faustName: 'web_cors_options',
    type: nullable(dict),
    section: 'webServer',
    doc: 'CORS options for all web views: the options of @fastify/cors (`origin`, `methods`, `credentials`, ...).',
    status: 'supported',
    note: 'Faust keys aiohttp-cors options by origin; faustgen passes the object to @fastify/cors as it is.',
    default: null,
  }),
  webEnabled: setting({
    faustName: 'web_enabled',
    type: bool,
    section: 'webServer',
    doc: 'Run the web server.',
    status: 'supported',
    default: true,
  }),
  webStatsEnabled: setting({
    faustName: 'web_stats_enabled',
    type: bool,
    section: 'webServer',
    doc: 'Serve the statistics endpoint (/stats) and the live dashboard (/dashboard) that reads it.',
    status: 'supported',
    derive: (context) => context.get('debug') as boolean,
    defaultDoc: 'the value of debug',
  }),
  webMetricsEnabled: setting({
    faustName: 'web_metrics_enabled',
    type: bool,
    section: 'webServer',
    doc: 'Serve the Prometheus metrics endpoint (/metrics).',
    status: 'supported',
    default: false,
  }),
  webGraphEnabled: setting({
    faustName: 'web_graph_enabled',
    type: bool,
    section: 'webServer',
    doc: "Serve a graph of the worker's services.",
    status: 'not-applicable',
    note: "Faust's `mode` service graph.",
    derive: (context) => context.get('debug') as boolean,
    defaultDoc: 'the value of debug',
  }),
  webRouterEnabled: setting({
    faustName: 'web_router_enabled',
    type: bool,
    section: 'webServer',
    doc: 'Serve /router: which worker owns which table and topic partitions (with their URLs).',
    status: 'supported',
    default: true,
  }),
  webTablesEnabled: setting({
    faustName: 'web_tables_enabled',
    type: bool,
    section: 'webServer',
    doc: 'Serve /table (tables and sizes), /table/<name> and /table/<name>/<key> (the value, from the worker that owns the key).',
    status: 'supported',
    default: true,
  }),
  webHost: setting({
    faustName: 'web_host',
    type: string,
    section: 'webServer',
    doc: 'Host name at which other workers reach this web server (part of canonicalUrl).',
    status: 'supported',
    derive: () => hostname(),
    defaultDoc: "this machine's host name",
  }),
  webInThread: setting({
    faustName: 'web_in_thread',
    type: bool,
    section: 'webServer',
    doc: 'Run the web server in a thread of its own.',
    status: 'not-applicable',
    note: "A Python thread with its own event loop; faustgen's web server shares the worker's event loop.",
    default: false,
  }),
  webPort: setting({
    faustName: 'web_port',
    type: port,
    section: 'webServer',
    doc: 'Port of the web server; 0 picks a free one.',
    status: 'supported',
    default: 6066,
  }),
  webSslContext: setting({
    faustName: 'web_ssl_context',
    type: nullable(sslContext),
    section: 'webServer',
    doc: 'TLS for the web server (Node TLS options with `key` and `cert`, PEM text or file paths); null means plain HTTP.',
    status: 'supported',
    note: 'Set canonicalUrl to the https:// URL other workers use; forwarded requests follow it.',
    default: null,
  }),
  webTransport: setting({
    faustName: 'web_transport',
    type: url,
    section: 'webServer',
    doc: 'How the web server listens: `tcp://`, or `unix:///path/to.sock` for a Unix socket.',
    status: 'supported',
    default: 'tcp://',
  }),
  canonicalUrl: setting({
    faustName: 'canonical_url',
    type: url,
    section: 'webServer',
    doc: 'URL at which other workers reach this one (table and topic routes forward requests to it).',
    status: 'supported',
    derive: (context) => `http://${context.get('webHost') as string}:${context.get('webPort') as number}`,
    defaultDoc: '`http://<webHost>:<webPort>`',
  }),

  // ---- Worker -------------------------------------------------------------------------------
  workerRedirectStdouts: setting({
    faustName: 'worker_redirect_stdouts',
    type: bool,
    section: 'worker',
    doc: 'Route what the program writes to stdout and stderr through the logger.',
    status: 'not-yet-built',
    note: 'Output written with console.* is not redirected yet.',
    default: true,
  }),
  workerRedirectStdoutsLevel: setting({
    faustName: 'worker_redirect_stdouts_level',
    type: severity,
    section: 'worker',
    doc: 'Log level of redirected stdout and stderr output.',
    status: 'not-yet-built',
    note: 'Output written with console.* is not redirected yet.',
    default: 'WARN',
  }),
  logLevel: setting({
    faustName: null,
    type: enumOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
      warning: 'warn',
      critical: 'fatal',
    }),
    section: 'worker',
    doc: 'Lowest level that is logged: trace, debug, info, warn, error, fatal or silent.',
    status: 'supported',
    note: "faustgen addition; Faust's worker option `-l/--loglevel`.",
    default: 'info',
  }),
  logFormat: setting({
    faustName: null,
    type: enumOf(['auto', 'pretty', 'json']),
    section: 'worker',
    doc: 'Log format: `pretty` (readable lines), `json` (one object per line), or `auto` (pretty on a terminal, else JSON).',
    status: 'supported',
    note: 'faustgen addition.',
    default: 'auto',
  }),
  shutdownTimeout: setting({
    faustName: null,
    type: seconds,
    section: 'worker',
    doc: 'At SIGTERM or SIGINT, how long to wait for in-flight events to finish before stopping anyway.',
    status: 'supported',
    note: 'faustgen addition.',
    default: 10,
  }),

  // ---- Extension classes --------------------------------------------------------------------
  Agent: extensionClass('Agent', 'Class of agents.', 'faust:Agent', 'agent'),
  Event: extensionClass('Event', 'Class of events.', 'faust:Event', 'event'),
  Schema: extensionClass('Schema', 'Default schema class of topics.', 'faust:Schema', 'schema'),
  Stream: extensionClass('Stream', 'Class of streams.', 'faust:Stream', 'stream'),
  Table: extensionClass('Table', 'Class of tables.', 'faust:Table', 'table'),
  SetTable: extensionClass('SetTable', 'Class of set tables.', 'faust:SetTable', 'set table'),
  GlobalTable: extensionClass('GlobalTable', 'Class of global tables.', 'faust:GlobalTable', 'global table'),
  SetGlobalTable: extensionClass(
    'SetGlobalTable',
    'Class of global set tables.',
    'faust:SetGlobalTable',
    'global set table',
  ),
  TableManager: extensionClass(
    'TableManager',
    'Class of the table manager (recovery, standbys).',
    'faust.tables:TableManager',
    'table manager',
  ),
  Serializers: extensionClass(
    'Serializers',
    'Class of the serializer (codec) registry.',
    'faust.serializers:Registry',
    'serializer registry',
  ),
  Worker: extensionClass('Worker', 'Class of the worker.', 'faust.worker:Worker', 'worker'),
  PartitionAssignor: extensionClass(
    'PartitionAssignor',
    'Class that assigns partitions to workers.',
    'faust.assignor:PartitionAssignor',
    'partition assignor',
  ),
  LeaderAssignor: extensionClass(
    'LeaderAssignor',
    'Class that elects the leader worker.',
    'faust.assignor:LeaderAssignor',
    'leader assignor',
  ),
  Router: extensionClass(
    'Router',
    'Class that routes web requests to the worker owning a key.',
    'faust.app.router:Router',
    'router',
  ),
  Topic: extensionClass('Topic', 'Class of topics.', 'faust:Topic', 'topic'),
  HttpClient: setting({
    faustName: 'HttpClient',
    type: symbol,
    section: 'extension',
    doc: 'Class of `app.httpClient`, the HTTP client (fetch with a default timeout and JSON helpers).',
    status: 'supported',
    note: "A class extending faustgen's `HttpClient`, given in code; it is constructed with `{}` on first use, so set its defaults (timeout, base URL, headers) in its constructor. Faust also takes an import path.",
    default: 'faustgen:HttpClient',
    faustDefault: JSON.stringify('aiohttp.client:ClientSession'),
  }),
  Monitor: setting({
    faustName: 'Monitor',
    type: symbol,
    section: 'extension',
    doc: 'Class of `app.monitor`, the main sensor: counts, rates, latencies and lag (`app.monitor.snapshot()`).',
    status: 'supported',
    note: "A class extending faustgen's `Monitor`, given in code; it is constructed with the `MonitorOptions` the app passes (override history sizes or the clock in its constructor). Faust also takes an import path.",
    default: 'faustgen:Monitor',
    faustDefault: JSON.stringify('faust.sensors:Monitor'),
  }),
};

type Specs = typeof SETTING_SPECS;
export type SettingName = keyof Specs;
type ValueOf<S> = S extends SettingSpec<infer T, infer _In> ? T : never;
type InputOf<S> = S extends SettingSpec<infer _T, infer In> ? In : never;

/** Every setting, resolved: camelCase names; seconds are numbers of seconds; broker lists are URL arrays. */
export type Settings = { [K in SettingName]: ValueOf<Specs[K]> };

/** Settings as written in code or topology.json: any subset, in the looser input forms; null means not set. */
export type SettingsInput = { [K in SettingName]?: InputOf<Specs[K]> | null };

function define(name: string, spec: SettingSpec): SettingDef {
  return Object.freeze({ ...spec, name, env: envVariableName(name), flag: kebab(name) });
}

/** Every setting definition, in docs order. */
export const SETTINGS: readonly SettingDef[] = Object.freeze(
  Object.entries(SETTING_SPECS as Record<string, SettingSpec>).map(([name, spec]) => define(name, spec)),
);

const BY_NAME = new Map(SETTINGS.map((def) => [def.name, def]));
const BY_FAUST_NAME = new Map(
  SETTINGS.filter((def) => def.faustName !== null).map((def) => [def.faustName as string, def]),
);

export function isSettingName(name: string): name is SettingName {
  return BY_NAME.has(name);
}

/** The definition of a setting by its camelCase name. */
export function findSetting(name: string): SettingDef | undefined {
  return BY_NAME.get(name);
}

/** The definition of a setting by Faust's name (e.g. `broker_commit_every`). */
export function findSettingByFaustName(faustName: string): SettingDef | undefined {
  return BY_FAUST_NAME.get(faustName);
}
