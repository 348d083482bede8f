import { ProducerBuffer, type ProducerBufferOptions } from '../../transport/producer-buffer.js';
import type {
  CommitOffset,
  OutgoingMessage,
  RecordMetadata,
  TransactionalProducer,
  TransportProducer,
} from '../../transport/types.js';
import { TransactionAbortedError } from '../../transport/transaction-aborted.js';

interface Receipt {
  resolve(metadata: RecordMetadata): void;
  reject(error: Error): void;
}

/** The ProducerBuffer's view of a transactional producer: requests go into the open transaction. */
function intoTransaction(producer: TransactionalProducer): TransportProducer {
  return {
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    sendBatch: async (messages) => {
      await producer.sendBatch(messages);
      // Final offsets come with the commit; nothing reads these.
      return messages.map(({ topic, partition }) => ({ topic, partition, offset: -1, timestamp: -1 }));
    },
  };
}

/**
 * An open transaction of input partitions (one, or all of a worker's): what their events send
 * (outputs, changelog records, dead letters) is batched as usual and goes into the transaction;
 * each send's receipt settles when the transaction does: with the record's metadata at commit,
 * with a TransactionAbortedError at abort. A failed send marks the transaction so that it can
 * only be aborted.
 */
export class BufferedTransaction {
  private buffer: ProducerBuffer;
  private receipts: Receipt[] = [];
  private failure: Error | undefined;

  constructor(
    readonly transactionalId: string,
    private producer: TransactionalProducer,
    private readonly bufferOptions: ProducerBufferOptions,
  ) {
    this.buffer = new ProducerBuffer(intoTransaction(producer), bufferOptions);
  }

  /** Sends (and changelog records) waiting for the commit. */
  get pendingSends(): number {
    return this.receipts.length;
  }

  send(message: OutgoingMessage): Promise<RecordMetadata> {
    const settled = new Promise<RecordMetadata>((resolve, reject) => {
      this.receipts.push({ resolve, reject });
    });
    this.buffer.send(message).catch((error: unknown) => {
      this.failure ??= error as Error;
    });
    return settled;
  }

  /** Resolves once every send so far reached the broker (inside the transaction). */
  async flush(): Promise<void> {
    await this.buffer.flush().catch(() => {});
  }

  /**
   * Commits the transaction with its partitions' consumed offsets (those that moved). Throws,
   * leaving the transaction to abort(), when a send failed or the broker refused (e.g. fenced).
   */
  async commit(groupId: string, offsets: CommitOffset[]): Promise<void> {
    await this.flush();
    if (this.failure) throw this.failure;
    if (offsets.length > 0) await this.producer.sendOffsets(groupId, offsets);
    const metadata = await this.producer.commit();
    const receipts = this.receipts;
    this.receipts = [];
    receipts.forEach((receipt, i) => {
      const meta = metadata[i];
      if (meta) receipt.resolve(meta);
      else
        receipt.reject(
          new Error(`transaction ${this.transactionalId}: no metadata for record ${i} at commit`),
        );
    });
  }

  /**
   * Aborts the transaction; `beforeSettling` runs between the broker's abort and the rejection of
   * the receipts (the tables first store what earlier commits made durable). Returns how many
   * sends were discarded.
   */
  async abort(reason: string, cause: unknown, beforeSettling: () => Promise<void>): Promise<number> {
    await this.flush();
    const receipts = this.receipts;
    this.receipts = [];
    this.failure = undefined;
    try {
      await this.producer.abort();
    } finally {
      await beforeSettling();
      const error = new TransactionAbortedError(this.transactionalId, reason, { cause });
      for (const receipt of receipts) receipt.reject(error);
    }
    return receipts.length;
  }

  /** Connects the producer: its transactional id fences every earlier producer with it. */
  connect(): Promise<void> {
    return this.producer.connect();
  }

  /** Replaces the producer (after a failure: a fresh one fences the old and starts clean). */
  async replaceProducer(producer: TransactionalProducer): Promise<void> {
    await this.producer.disconnect().catch(() => {});
    await producer.connect();
    this.producer = producer;
    this.buffer = new ProducerBuffer(intoTransaction(producer), this.bufferOptions);
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
