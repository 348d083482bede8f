import { jsonCodec } from '../../channels/codecs/index.js';
import { getModel } from '../../models/index.js';

/** The namespace of Faust's reply record (`faust/agents/models.py` ReqRepResponse). */
export const RESPONSE_NAMESPACE = '@ReqRepResponse';

/** A decoded reply: which request it answers, and the value the agent yielded. */
export interface Response {
  correlationId: string;
  value: unknown;
}

/**
 * The bytes of a reply, as Faust writes them (JSON, sent with a null key):
 * `{"key":null,"value":..,"correlation_id":"..","__faust":{"ns":"@ReqRepResponse"}}`.
 */
export function encodeResponse(value: unknown, correlationId: string): Buffer {
  return jsonCodec.encode({
    key: null,
    value,
    correlation_id: correlationId,
    __faust: { ns: RESPONSE_NAMESPACE },
  });
}

/** Reads a reply record; throws an Error saying what is wrong when the bytes are not one. */
export function decodeResponse(bytes: Buffer | null): Response {
  if (bytes === null) throw new Error('the reply has no value');
  const data = jsonCodec.decode(bytes);
  if (!isRecord(data)) throw new Error(`the reply is not a JSON object: ${preview(bytes)}`);
  const correlationId = data.correlation_id;
  if (typeof correlationId !== 'string' || correlationId === '') {
    throw new Error(`the reply has no correlation_id: ${preview(bytes)}`);
  }
  return { correlationId, value: data.value ?? null };
}

/**
 * Faust's `maybe_model`: a reply value that names a registered model in `__faust.ns` is read as that
 * model (metadata removed, validated; throws a ValidationError when it does not match). Any other
 * value, including records of namespaces this process does not know, is returned as it is.
 */
export function reviveValue(value: unknown): unknown {
  if (!isRecord(value)) return value;
  const metadata = value.__faust;
  const ns = isRecord(metadata) ? metadata.ns : undefined;
  if (typeof ns !== 'string') return value;
  const model = getModel(ns);
  return model ? model.fromRepresentation(value) : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function preview(bytes: Buffer): string {
  const text = bytes.subarray(0, 120).toString('utf8');
  return bytes.length > 120 ? `${text}...` : text;
}
