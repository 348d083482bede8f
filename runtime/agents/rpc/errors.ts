/** Where a request sat in a map/join: its input position, and how many replies had arrived. */
export interface BatchContext {
  /** 0-based position of the value in the input. */
  position: number;
  /** Replies that had arrived when this one timed out. */
  arrived: number;
  /** Requests sent so far. */
  sent: number;
}

/** No reply came within the timeout: no worker runs the agent, or it did not yield for the request. */
export class AskTimeoutError extends Error {
  override readonly name = 'AskTimeoutError';

  constructor(
    readonly agent: string,
    readonly correlationId: string,
    readonly timeoutSeconds: number,
    readonly replyTo: string,
    readonly batch?: BatchContext,
  ) {
    const where = batch
      ? ` (value #${batch.position} of the input; ${batch.arrived} of ${batch.sent} replies had arrived)`
      : '';
    super(
      `agent ${agent}: no reply to request ${correlationId}${where} within ${timeoutSeconds} s ` +
        `(reply topic ${replyTo}). Is a worker running agent ${agent}, and does its handler yield a ` +
        'value for every request?',
    );
  }

  /** The same timeout, told with its place in a map/join. */
  within(batch: BatchContext): AskTimeoutError {
    return new AskTimeoutError(this.agent, this.correlationId, this.timeoutSeconds, this.replyTo, batch);
  }
}

/** The app stopped (or its reply consumer failed) while a request waited for its reply. */
export class ReplyLostError extends Error {
  override readonly name = 'ReplyLostError';

  constructor(
    readonly agent: string,
    readonly correlationId: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`agent ${agent}: request ${correlationId} gets no reply: ${reason}`, options);
  }
}
