import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import {
  estimateRecordBytes,
  ProducerBuffer,
  SIDE_BY_SIDE_REQUESTS,
} from '../../../../runtime/transport/producer-buffer.js';
import type {
  OutgoingMessage,
  RecordMetadata,
  TransportProducer,
} from '../../../../runtime/transport/types.js';

/** A TransportProducer whose requests the test answers by hand. */
class FakeProducer implements TransportProducer {
  readonly requests: { messages: OutgoingMessage[]; answer(): void; fail(error: Error): void }[] = [];
  /** Offsets handed out per topic-partition, like a broker's log end. */
  private readonly logEnd = new Map<string, number>();

  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}

  sendBatch(messages: OutgoingMessage[]): Promise<RecordMetadata[]> {
    return new Promise((resolve, reject) => {
      this.requests.push({
        messages,
        answer: () =>
          resolve(
            messages.map(({ topic, partition }) => {
              const key = `${topic}/${partition}`;
              const offset = this.logEnd.get(key) ?? 0;
              this.logEnd.set(key, offset + 1);
              return { topic, partition, offset, timestamp: 1 };
            }),
          ),
        fail: reject,
      });
    });
  }

  request(index: number) {
    const request = this.requests[index];
    assert.ok(request, `no request #${index}; ${this.requests.length} were sent`);
    return request;
  }
}

const message = (value: string, partition = 0, topic = 't'): OutgoingMessage => ({
  topic,
  partition,
  key: null,
  value: Buffer.from(value),
});
const values = (messages: OutgoingMessage[]) => messages.map((m) => m.value?.toString());
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Lets promise callbacks run (a resolved request's follow-ups) without any timer firing. */
const settle = async () => {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
};

const DEFAULTS = { maxBatchBytes: 16_384, lingerSeconds: 0, maxRequestSize: 1_000_000 };

describe('ProducerBuffer', () => {
  afterEach(() => mock.timers.reset());

  it('sends the messages of one synchronous burst as one request, metadata in order', async () => {
    const producer = new FakeProducer();
    const buffer = new ProducerBuffer(producer, DEFAULTS);
    const sends = ['a', 'b', 'c'].map((v, i) => buffer.send(message(v, i % 2)));
    assert.equal(producer.requests.length, 0, 'linger 0 still waits for the burst to end');
    await nextTurn();
    assert.equal(producer.requests.length, 1);
    assert.deepEqual(values(producer.request(0).messages), ['a', 'b', 'c']);
    producer.request(0).answer();
    const metadata = await Promise.all(sends);
    assert.deepEqual(
      metadata.map(({ partition, offset }) => [partition, offset]),
      [
        [0, 0],
        [1, 0],
        [0, 1],
      ],
    );
  });

  it('sends at once when the queued bytes reach maxBatchBytes', () => {
    const producer = new FakeProducer();
    const one = estimateRecordBytes(message('x'.repeat(100)));
    const buffer = new ProducerBuffer(producer, { ...DEFAULTS, lingerSeconds: 60, maxBatchBytes: one * 3 });
    void buffer.send(message('x'.repeat(100)));
    void buffer.send(message('x'.repeat(100)));
    assert.equal(producer.requests.length, 0);
    void buffer.send(message('x'.repeat(100)));
    assert.equal(producer.requests.length, 1, 'the third message filled the batch');
    assert.equal(producer.request(0).messages.length, 3);
  });

  it('waits lingerSeconds after the first queued message', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const producer = new FakeProducer();
    const buffer = new ProducerBuffer(producer, { ...DEFAULTS, lingerSeconds: 0.05 });
    void buffer.send(message('a'));
    mock.timers.tick(30);
    void buffer.send(message('b'));
    mock.timers.tick(19);
    assert.equal(producer.requests.length, 0);
    mock.timers.tick(1);
    assert.equal(producer.requests.length, 1);
    assert.deepEqual(values(producer.request(0).messages), ['a', 'b']);
  });

  it('splits a long queue into requests of at most maxRequestSize bytes', async () => {
    const producer = new FakeProducer();
    const payload = 'x'.repeat(1000);
    const maxRequestSize = 5000;
    const buffer = new ProducerBuffer(producer, { ...DEFAULTS, maxRequestSize, maxInFlight: 10 });
    const sends = Array.from({ length: 20 }, (_, i) =>
      buffer.send(message(`${i}`.padStart(4, '0') + payload)),
    );
    await nextTurn();
    assert.ok(producer.requests.length > 1, 'one request would exceed maxRequestSize');
    const sizes = producer.requests.map((r) =>
      r.messages.reduce((sum, m) => sum + estimateRecordBytes(m), 0),
    );
    for (const size of sizes) assert.ok(size <= maxRequestSize, `a request of ${size} bytes`);
    assert.deepEqual(
      producer.requests.flatMap((r) => values(r.messages).map((v) => v?.slice(0, 4))),
      Array.from({ length: 20 }, (_, i) => `${i}`.padStart(4, '0')),
    );
    for (const request of producer.requests) request.answer();
    assert.equal((await Promise.all(sends)).length, 20);
  });

  it('rejects a message larger than maxRequestSize and keeps working', async () => {
    const producer = new FakeProducer();
    const buffer = new ProducerBuffer(producer, { ...DEFAULTS, maxRequestSize: 1000 });
    await assert.rejects(
      buffer.send(message('x'.repeat(2000))),
      /2\d{3} bytes to t\[0\].*producerMaxRequestSize 1000/,
    );
    const ok = buffer.send(message('small'));
    await nextTurn();
    producer.request(0).answer();
    assert.equal((await ok).offset, 0);
  });

  it('keeps one request in flight by default; the next takes everything queued meanwhile', async () => {
    const producer = new FakeProducer();
    const buffer = new ProducerBuffer(producer, DEFAULTS);
    const first = buffer.send(message('a'));
    await nextTurn();
    const later = ['b', 'c', 'd'].map((v) => buffer.send(message(v)));
    await nextTurn();
    assert.equal(producer.requests.length, 1, 'b, c, d wait for the request of a');
    assert.equal(buffer.queuedMessages, 3);
    assert.equal(buffer.inFlightRequests, 1);
    producer.request(0).answer();
    await first;
    await settle();
    assert.equal(producer.requests.length, 2);
    assert.deepEqual(values(producer.request(1).messages), ['b', 'c', 'd']);
    producer.request(1).answer();
    assert.deepEqual(
      (await Promise.all(later)).map((m) => m.offset),
      [1, 2, 3],
    );
  });

  it("sends requests over other partitions beside one in flight, and a partition's next request only after its last", async () => {
    const producer = new FakeProducer();
    const buffer = new ProducerBuffer(producer, { ...DEFAULTS, maxRequestsInFlight: SIDE_BY_SIDE_REQUESTS });
    const a = buffer.send(message('a', 0));
    await nextTurn();
    const later = [
      buffer.send(message('b', 0)),
      buffer.send(message('c', 1)),
      buffer.send(message('d', 0)),
      buffer.send(message('e', 2)),
    ];
    await nextTurn();
    assert.equal(producer.requests.length, 2);
    assert.deepEqual(values(producer.request(1).messages), ['c', 'e'], 'partition 0 waits for a');
    assert.equal(buffer.queuedMessages, 2);
    producer.request(1).answer();
    await settle();
    assert.equal(producer.requests.length, 2, 'b and d still wait for a');
    producer.request(0).answer();
    await a;
    await settle();
    assert.deepEqual(values(producer.request(2).messages), ['b', 'd']);
    producer.request(2).answer();
    assert.deepEqual(
      (await Promise.all(later)).map((m) => `${m.partition}@${m.offset}`),
      ['0@1', '1@0', '0@2', '2@0'],
    );
  });

  it('keeps one request in flight in all by default, whatever its partitions', async () => {
    const producer = new FakeProducer();
    const buffer = new ProducerBuffer(producer, DEFAULTS);
    const a = buffer.send(message('a', 0));
    await nextTurn();
    const b = buffer.send(message('b', 1));
    await nextTurn();
    assert.equal(producer.requests.length, 1, 'b waits although its partition is free');
    producer.request(0).answer();
    await a;
    await settle();
    assert.deepEqual(values(producer.request(1).messages), ['b']);
    producer.request(1).answer();
    await b;
  });

  it('keeps at most maxRequestsInFlight requests in flight over distinct partitions', () => {
    const producer = new FakeProducer();
    const buffer = new ProducerBuffer(producer, { ...DEFAULTS, maxBatchBytes: 1, maxRequestsInFlight: 2 });
    for (const partition of [0, 1, 2]) void buffer.send(message(`p${partition}`, partition));
    assert.equal(buffer.inFlightRequests, 2);
    assert.deepEqual(
      producer.requests.map((r) => values(r.messages)),
      [['p0'], ['p1']],
    );
  });

  it('allows maxInFlight requests at once', async () => {
    const producer = new FakeProducer();
    const one = estimateRecordBytes(message('a'));
    const buffer = new ProducerBuffer(producer, { ...DEFAULTS, maxBatchBytes: one, maxInFlight: 2 });
    void buffer.send(message('a'));
    void buffer.send(message('b'));
    void buffer.send(message('c'));
    assert.equal(producer.requests.length, 2);
    assert.equal(buffer.queuedMessages, 1);
    producer.request(0).answer();
    await settle();
    assert.equal(producer.requests.length, 3);
  });

  it("keeps the producer's orderedInFlight requests in flight when maxInFlight is not given", async () => {
    const producer = Object.assign(new FakeProducer(), { orderedInFlight: 3 });
    const one = estimateRecordBytes(message('a'));
    const buffer = new ProducerBuffer(producer, { ...DEFAULTS, maxBatchBytes: one });
    for (const value of ['a', 'b', 'c', 'd']) void buffer.send(message(value));
    assert.equal(producer.requests.length, 3);
    assert.equal(buffer.queuedMessages, 1);
    const pinned = new ProducerBuffer(producer, { ...DEFAULTS, maxBatchBytes: one, maxInFlight: 1 });
    void pinned.send(message('e'));
    void pinned.send(message('f'));
    assert.equal(pinned.inFlightRequests, 1, 'an explicit maxInFlight wins');
  });

  it('rejects the sends of a failed request only, and goes on', async () => {
    const producer = new FakeProducer();
    const buffer = new ProducerBuffer(producer, DEFAULTS);
    const failed = [buffer.send(message('a')), buffer.send(message('b'))];
    await nextTurn();
    const boom = new Error('broker said no');
    producer.request(0).fail(boom);
    for (const send of failed) await assert.rejects(send, (error) => error === boom);
    const next = buffer.send(message('c'));
    await nextTurn();
    producer.request(1).answer();
    assert.equal((await next).topic, 't');
  });

  it('rejects the sends when the producer answers the wrong number of metadata', async () => {
    const producer: TransportProducer = {
      connect: async () => {},
      disconnect: async () => {},
      sendBatch: async () => [],
    };
    const buffer = new ProducerBuffer(producer, DEFAULTS);
    await assert.rejects(buffer.send(message('a')), /answered 0 metadata for 1 messages/);
  });

  it('flush() sends at once, ignoring linger, and resolves when all earlier sends are acknowledged', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const producer = new FakeProducer();
    const buffer = new ProducerBuffer(producer, { ...DEFAULTS, lingerSeconds: 3600 });
    const sends = [buffer.send(message('a')), buffer.send(message('b'))];
    let flushed = false;
    const flushing = buffer.flush().then(() => {
      flushed = true;
    });
    assert.equal(producer.requests.length, 1);
    void buffer.send(message('after flush'));
    await settle();
    assert.equal(flushed, false);
    producer.request(0).answer();
    await flushing;
    assert.equal(flushed, true);
    assert.equal((await Promise.all(sends)).length, 2);
    assert.equal(buffer.queuedMessages, 1, 'a send after flush() keeps lingering');
  });

  it('flush() covers requests already in flight', async () => {
    const producer = new FakeProducer();
    const buffer = new ProducerBuffer(producer, DEFAULTS);
    void buffer.send(message('a'));
    await nextTurn();
    let flushed = false;
    const flushing = buffer.flush().then(() => {
      flushed = true;
    });
    await settle();
    assert.equal(flushed, false);
    producer.request(0).answer();
    await flushing;
  });

  it('flush() rejects with the send error after every earlier send settled', async () => {
    const producer = new FakeProducer();
    const buffer = new ProducerBuffer(producer, { ...DEFAULTS, maxInFlight: 2, maxBatchBytes: 1 });
    const a = buffer.send(message('a'));
    const b = buffer.send(message('b'));
    a.catch(() => {});
    const flushing = buffer.flush();
    const boom = new Error('request a failed');
    producer.request(0).fail(boom);
    let settled = false;
    flushing
      .catch(() => {})
      .finally(() => {
        settled = true;
      });
    await settle();
    assert.equal(settled, false, 'b is still in flight');
    producer.request(1).answer();
    await assert.rejects(flushing, (error) => error === boom);
    assert.equal((await b).offset, 0);
  });

  it('enqueue() tells its listener; flush() waits for exactly the messages accepted before it, answered in any order', async () => {
    const producer = new FakeProducer();
    // One message per request (two do not fit in 300 bytes), two requests in flight.
    const buffer = new ProducerBuffer(producer, {
      maxInFlight: 2,
      maxBatchBytes: 1,
      lingerSeconds: 0,
      maxRequestSize: 300,
    });
    const told: string[] = [];
    const listener = (name: string) => ({
      acknowledged: (metadata: RecordMetadata) => told.push(`${name} at ${metadata.offset}`),
      failed: (error: Error) => told.push(`${name} failed: ${error.message}`),
    });
    buffer.enqueue(message('a'), listener('a'));
    buffer.enqueue(message('b', 1), listener('b'));
    buffer.enqueue(message('c', 2), listener('c'));
    let flushed = false;
    const flushing = buffer.flush().then(() => {
      flushed = true;
    });
    buffer.enqueue(message('after flush', 3), listener('after flush'));
    producer.request(1).answer();
    await settle();
    assert.deepEqual(told, ['b at 0']);
    producer.request(0).answer();
    await settle();
    assert.equal(flushed, false, 'c is not answered yet');
    producer.request(2).answer();
    await flushing;
    assert.deepEqual(told, ['b at 0', 'a at 0', 'c at 0']);
    assert.equal(producer.requests.length, 4);
    assert.deepEqual(values(producer.request(3).messages), ['after flush']);
  });

  it('enqueue() of a message larger than one request tells the listener at once', () => {
    const buffer = new ProducerBuffer(new FakeProducer(), { ...DEFAULTS, maxRequestSize: 200 });
    const failures: Error[] = [];
    buffer.enqueue(message('x'.repeat(500)), { acknowledged: () => {}, failed: (e) => failures.push(e) });
    assert.match(failures[0]?.message ?? '', /does not fit in one request/);
    assert.equal(buffer.queuedMessages, 0);
  });

  it('flush() with nothing pending resolves at once', async () => {
    const buffer = new ProducerBuffer(new FakeProducer(), DEFAULTS);
    await buffer.flush();
  });

  it('rejects nonsensical options', () => {
    const producer = new FakeProducer();
    assert.throws(() => new ProducerBuffer(producer, { ...DEFAULTS, maxBatchBytes: 0 }), /maxBatchBytes/);
    assert.throws(() => new ProducerBuffer(producer, { ...DEFAULTS, lingerSeconds: -1 }), /lingerSeconds/);
    assert.throws(() => new ProducerBuffer(producer, { ...DEFAULTS, maxInFlight: 0 }), /maxInFlight/);
    assert.throws(() => new ProducerBuffer(producer, { ...DEFAULTS, maxInFlight: 1.5 }), /maxInFlight/);
  });

  it('estimates record sizes from key, value and headers', () => {
    const bare = estimateRecordBytes({ topic: 't', partition: 0, key: null, value: null });
    const full = estimateRecordBytes({
      topic: 't',
      partition: 0,
      key: Buffer.alloc(10),
      value: Buffer.alloc(100),
      headers: { h: Buffer.alloc(5) },
    });
    assert.ok(full - bare >= 10 + 100 + 1 + 5);
  });
});
