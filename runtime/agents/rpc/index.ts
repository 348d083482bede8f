export { Arrivals } from './arrivals.js';
export { AskTimeoutError, type BatchContext, ReplyLostError } from './errors.js';
export {
  CORRELATION_ID_HEADER,
  REPLY_TO_HEADER,
  type ReplyAddress,
  replyAddressOf,
  requestHeaders,
} from './headers.js';
export { PendingReplies } from './pending.js';
export { ReplyConsumer, type ReplyConsumerOptions, replyTopicSpec } from './reply-consumer.js';
export {
  decodeResponse,
  encodeResponse,
  RESPONSE_NAMESPACE,
  type Response,
  reviveValue,
} from './response.js';
export {
  AgentRpc,
  type AskOptions,
  type CastOptions,
  DEFAULT_ASK_TIMEOUT_SECONDS,
  type KvMapOptions,
  keyed,
  type MapOptions,
  type RpcHost,
  type RpcTarget,
} from './rpc.js';
