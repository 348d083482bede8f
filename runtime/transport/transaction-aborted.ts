/** A send of a transaction that was aborted: it never becomes visible, and its event is processed again. */
export class TransactionAbortedError extends Error {
  constructor(
    readonly transactionalId: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `transaction ${transactionalId} was aborted (${reason}): its records are discarded and its events processed again`,
      options,
    );
    this.name = 'TransactionAbortedError';
  }
}

export function isTransactionAborted(error: unknown): error is TransactionAbortedError {
  return error instanceof TransactionAbortedError;
}
