/**
 * BufferedTransaction hands each send's receipt the metadata of its own record at commit: the
 * transactional producer answers the records in the order its requests reached it, so the
 * transaction's requests must reach it in the order of the sends.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  CommitOffset,
  OutgoingMessage,
  RecordMetadata,
  TransactionalProducer,
} from '../../../../../runtime/transport/types.js';
import { BufferedTransaction } from '../../../../../runtime/worker/exactly-once/transaction.js';

/** A transactional producer whose requests the test answers by hand, metadata in arrival order. */
class HeldProducer implements TransactionalProducer {
  inTransaction = false;
  readonly requests: { messages: OutgoingMessage[]; answer(): void }[] = [];
  private readonly sent: OutgoingMessage[] = [];
  async connect(): Promise<void> {}
  sendBatch(messages: OutgoingMessage[]): Promise<void> {
    this.inTransaction = true;
    return new Promise((resolve) => {
      this.requests.push({
        messages,
        answer: () => {
          this.sent.push(...messages);
          resolve();
        },
      });
    });
  }
  async sendOffsets(_groupId: string, _offsets: CommitOffset[]): Promise<void> {}
  async commit(): Promise<RecordMetadata[]> {
    this.inTransaction = false;
    return this.sent.map(({ topic, partition, value }) => ({
      topic,
      partition,
      offset: Number(value?.toString()),
      timestamp: 0,
    }));
  }
  async abort(): Promise<void> {}
  async disconnect(): Promise<void> {}
}

const out = (n: number, partition: number): OutgoingMessage => ({
  topic: 'sink',
  partition,
  key: null,
  value: Buffer.from(`${n}`),
});
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('BufferedTransaction', () => {
  it('settles each receipt with its own record’s metadata when sends go to several partitions', async () => {
    const producer = new HeldProducer();
    const txn = new BufferedTransaction('app-0', producer, {
      maxBatchBytes: 1 << 20,
      lingerSeconds: 0,
      maxRequestSize: 1 << 20,
    });
    const receipts = [txn.send(out(0, 0))];
    await nextTurn();
    receipts.push(txn.send(out(1, 1)), txn.send(out(2, 0)));
    await nextTurn();
    // Answer the newest request first, until none is left.
    while (producer.requests.length > 0) {
      producer.requests.pop()!.answer();
      await nextTurn();
    }
    await txn.commit('app', []);
    const metadata = await Promise.all(receipts);
    assert.deepEqual(
      metadata.map(({ partition, offset }) => `${partition}:${offset}`),
      ['0:0', '1:1', '0:2'],
    );
  });
});
