/** faustgen: stream processing on Apache Kafka for TypeScript. The runtime API. */
export { Agent, type AgentContext, type AgentHandler, type AgentOptions, type Sink } from './agents/agent.js';
export { currentEvent } from './streams/context.js';
export {
  AgentRpc,
  type AskOptions,
  AskTimeoutError,
  type BatchContext,
  type CastOptions,
  CORRELATION_ID_HEADER,
  DEFAULT_ASK_TIMEOUT_SECONDS,
  type KvMapOptions,
  type MapOptions,
  REPLY_TO_HEADER,
  ReplyLostError,
  RESPONSE_NAMESPACE,
} from './agents/rpc/index.js';
export type { SupervisorStrategy } from './agents/supervisor.js';
export { App, type KeyOf, type ValueOf } from './app/app.js';
export {
  type AccessMap,
  type AgentStubContext,
  type AgentStubHandler,
  type AgentStubTypes,
  agentStubs,
  type JobStubContext,
  type JobStubHandler,
  type JoinedStreamOf,
  jobStubs,
  type RouteRequest,
  type RouteStubHandler,
  type RouteStubTypes,
  routeStubs,
  type ServiceDefinition,
  type ServiceStub,
  serviceStubs,
  type SourceValue,
  type StreamOf,
  type StubAccess,
  type StubApp,
  type StubDefinition,
  validBody,
} from './app/stubs.js';
export { DEAD_LETTER_HEADERS, deadLetterTopicName } from './worker/dead-letter.js';
export { Channel, type ChannelOptions } from './channels/channel.js';
export { Event, type EventOrigin } from './streams/event.js';
export {
  createDefaultPartitioner,
  javaPartition,
  murmur2,
  type Partitioner,
} from './channels/partitioner.js';
export { Topic, type TopicOptions } from './channels/topic.js';
export type { SendReceipt } from './channels/types.js';
export { Stream } from './streams/stream.js';
export type { OutgoingRecord, SendTarget } from './streams/types.js';
export type { Headers, Message, RecordMetadata, TopicPartition } from './transport/types.js';
export {
  type Codec,
  DecodeError,
  EncodeError,
  getCodec,
  registerCodec,
} from './channels/codecs/index.js';
export { createSerde, type JsonValue, type Serde, type TypeOf, type TypeSpec } from './channels/serde.js';
export {
  type FieldError,
  type JSONSchema,
  type Model,
  type ModelOptions,
  model,
  ValidationError,
} from './models/index.js';
export type { BootMode, BootStrategy, BootSwitches, LifecycleHooks } from './core/lifecycle.js';
export type { ProducedMessage } from './worker/producer.js';
export { Signal } from './core/signals.js';
export type { ResolvedSettings, Settings, SettingsInput } from './core/settings/index.js';
export { createLogger, type Logger } from './core/logging/index.js';
export {
  type AgentStats,
  DEFAULT_HTTP_TIMEOUT_MS,
  HttpClient,
  type HttpClientOptions,
  HttpError,
  HttpJsonError,
  type HttpRequestOptions,
  HttpStatusError,
  HttpTimeoutError,
  type LatencySummary,
  Monitor,
  type MonitorOptions,
  type MonitorSnapshot,
  type PartitionStats,
  PROMETHEUS_CONTENT_TYPE,
  type PrometheusOptions,
  prometheusText,
  type Sensor,
  Sensors,
  type TableStats,
} from './sensors/index.js';
export { leaderTopicName } from './leader/index.js';
export type {
  AppService,
  CrontabOptions,
  Job,
  JobHandler,
  JobKind,
  JobStats,
  TaskOptions,
  TimerOptions,
} from './timers/index.js';
export {
  ChangelogBehindStoreError,
  type ChangelogEvent,
  GlobalTable,
  PartitionsMismatchError,
  type PartitionRecovery,
  type RecoveryPath,
  SetGlobalTable,
  SetTable,
  SetTableManager,
  type SetTableOptions,
  type StandbyProvider,
  Table,
  type TableManager,
  type TableOptions,
  type TableTypeOf,
  TableWriteOutsideStreamError,
} from './tables/index.js';
export {
  JoinKeyTypesError,
  type JoinKind,
  JoinPartitionsError,
  StreamTableJoin,
  type StreamTableJoined,
  type StreamTableJoinKind,
  type StreamTableJoinOptions,
  type TableJoined,
  type TableJoinOptions,
  WindowedJoin,
  type WindowedJoinOptions,
  type WindowJoined,
} from './tables/joins/index.js';
export { createStore, registerStore, type Store, type StoreWriter } from './stores/index.js';
export {
  Blueprint,
  FORWARDED_HEADER,
  HttpProblem,
  type KeySource,
  type PageMethods,
  type PageOptions,
  type PageSchema,
  SERVED_BY_HEADER,
  Unavailable,
  type WebHandler,
  type WebReply,
  type WebRequest,
  type WebServer,
} from './web/index.js';
