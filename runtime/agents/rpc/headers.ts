import type { Headers } from '../../transport/types.js';

/** The reply topic of a request (Faust's `use_reply_headers=True` wire form). */
export const REPLY_TO_HEADER = 'Faust-Ag-ReplyTo';
/** The uuid4 string that pairs a reply with its request. */
export const CORRELATION_ID_HEADER = 'Faust-Ag-CorrelationId';

/** Where the reply to a request goes. */
export interface ReplyAddress {
  replyTo: string;
  correlationId: string;
}

/** The headers of a request: the caller's headers plus the reply address (which wins). */
export function requestHeaders(address: ReplyAddress, extra?: Headers): Headers {
  return {
    ...extra,
    [REPLY_TO_HEADER]: Buffer.from(address.replyTo, 'utf8'),
    [CORRELATION_ID_HEADER]: Buffer.from(address.correlationId, 'utf8'),
  };
}

/**
 * The reply address of an event, or undefined when it is not a request. Both headers are needed:
 * a reply without a correlation id could not be matched by any caller, so none is sent (Faust would
 * send one with a null id).
 */
export function replyAddressOf(headers: Headers): ReplyAddress | undefined {
  const replyTo = headers[REPLY_TO_HEADER];
  const correlationId = headers[CORRELATION_ID_HEADER];
  if (!replyTo?.length || !correlationId?.length) return undefined;
  return { replyTo: replyTo.toString('utf8'), correlationId: correlationId.toString('utf8') };
}
