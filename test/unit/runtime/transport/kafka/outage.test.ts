/**
 * Riding out a broker outage (issue 17): the outage budget, sends retried while no broker
 * answers, and a consumer that rejoins by itself after kafkajs gave up ("Failed to find group
 * coordinator") until the budget is spent, then stops with the reason. The consumer runs on a
 * stand-in for kafkajs's run(): no broker.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KafkaTransportConsumer } from '../../../../../runtime/transport/kafka/consumer.js';
import {
  isOutage,
  MIN_OUTAGE_BUDGET_MS,
  OutageBudget,
  outageBudgetMs,
  retryWhileUnreachable,
} from '../../../../../runtime/transport/kafka/outage.js';

const unreachable = (): Error => {
  const error = new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9');
  error.name = 'KafkaJSConnectionError';
  return error;
};

describe('OutageBudget', () => {
  it('is the longest of session timeout, rebalance timeout and a minute', () => {
    assert.equal(
      outageBudgetMs({ sessionTimeoutMs: 6_000, rebalanceTimeoutMs: 10_000 }),
      MIN_OUTAGE_BUDGET_MS,
    );
    assert.equal(outageBudgetMs({ sessionTimeoutMs: 90_000, rebalanceTimeoutMs: 10_000 }), 90_000);
  });

  it('starts at the first failure, backs off from 300 ms to 5 s, ends at a join', () => {
    let now = 1_000;
    const outage = new OutageBudget(20_000, () => now);
    assert.equal(outage.elapsedMs, 0);
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      outage.failed();
      delays.push(outage.nextDelayMs());
    }
    assert.deepEqual(delays, [300, 600, 1200, 2400, 4800, 5000]);
    now += 19_999;
    assert.equal(outage.exhausted, false);
    assert.equal(outage.nextDelayMs(), 2, 'never waits past the end of the budget');
    now += 2;
    assert.equal(outage.exhausted, true);
    outage.joined();
    assert.equal(outage.exhausted, false);
    outage.failed();
    assert.equal(outage.nextDelayMs(), 300);
  });
});

describe('retryWhileUnreachable', () => {
  it('sends again while no broker answers, and returns what the send returns', async () => {
    let attempts = 0;
    const retries: number[] = [];
    const result = await retryWhileUnreachable(
      async () => {
        attempts++;
        if (attempts < 3) throw unreachable();
        return 'sent';
      },
      { budgetMs: 60_000, onRetry: (_, delay) => retries.push(delay) },
    );
    assert.equal(result, 'sent');
    assert.deepEqual(retries, [300, 600]);
  });

  it('throws other failures at once, and an outage past its budget', async () => {
    let attempts = 0;
    await assert.rejects(
      retryWhileUnreachable(
        async () => {
          attempts++;
          throw new Error('MESSAGE_TOO_LARGE');
        },
        { budgetMs: 60_000 },
      ),
      /MESSAGE_TOO_LARGE/,
    );
    assert.equal(attempts, 1);
    attempts = 0;
    await assert.rejects(
      retryWhileUnreachable(
        async () => {
          attempts++;
          throw unreachable();
        },
        { budgetMs: 0 },
      ),
      /ECONNREFUSED/,
    );
    assert.ok(attempts >= 2, `${attempts} attempts`);
  });
});

describe('isOutage', () => {
  it('tells a broker or coordinator away from failures a rejoin cannot cure', () => {
    const named = (name: string, cause?: unknown) => Object.assign(new Error(name), { name, cause });
    assert.equal(isOutage(unreachable()), true);
    assert.equal(isOutage(named('KafkaJSGroupCoordinatorNotFound')), true);
    assert.equal(isOutage(named('KafkaJSNumberOfRetriesExceeded', unreachable())), true);
    assert.equal(isOutage(Object.assign(new Error('x'), { type: 'COORDINATOR_LOAD_IN_PROGRESS' })), true);
    assert.equal(isOutage(new Error('the test assignor fails')), false);
    assert.equal(isOutage(Object.assign(new Error('x'), { type: 'UNKNOWN_TOPIC_OR_PARTITION' })), false);
  });
});

describe('KafkaTransportConsumer after kafkajs gave up', () => {
  function standIn() {
    const logs: string[] = [];
    const consumer = new KafkaTransportConsumer(
      {
        urls: ['kafka://127.0.0.1:9'],
        clientId: 'outage-test',
        connectionTimeoutMs: 100,
        requestTimeoutMs: 100,
        log: (level, message) => logs.push(`${level} ${message}`),
      },
      {
        groupId: 'outage-group',
        clientId: 'outage-test',
        autoOffsetReset: 'earliest',
        sessionTimeoutMs: 6_000,
        heartbeatIntervalMs: 1_000,
        rebalanceTimeoutMs: 10_000,
        requestTimeoutMs: 100,
        maxFetchBytes: 1_000_000,
        maxPollRecords: 0,
      },
    );
    // The private parts a running consumer has; kafkajs's run() is replaced by a stand-in.
    const inside = consumer as unknown as {
      consumer: { run: () => Promise<void> };
      state: string;
      handlers: unknown;
      outage: OutageBudget;
      onCrash(event: { payload: { error: Error; restart: boolean; groupId: string } }): void;
    };
    const stopped: (Error | undefined)[] = [];
    let runs = 0;
    let ran: () => void = () => {};
    inside.consumer.run = async () => {
      runs++;
      ran();
    };
    inside.state = 'running';
    inside.handlers = {
      onBatch: () => {},
      onAssigned: () => {},
      onStopped: (error?: Error) => stopped.push(error),
    };
    const nextRun = () => new Promise<void>((resolve) => (ran = resolve));
    const crash = () => {
      const error = new Error('Failed to find group coordinator');
      error.name = 'KafkaJSGroupCoordinatorNotFound';
      inside.onCrash({ payload: { error, restart: false, groupId: 'outage-group' } });
    };
    return { consumer, inside, logs, stopped, runs: () => runs, nextRun, crash };
  }

  it('runs kafkajs again after a backoff instead of stopping', async () => {
    const t = standIn();
    const rerun = t.nextRun();
    t.crash();
    await rerun;
    assert.equal(t.runs(), 1);
    assert.deepEqual(t.stopped, []);
    assert.match(
      t.logs.join('\n'),
      /kafkajs gave up after: Failed to find group coordinator; rejoining in 300 ms/,
    );
    await t.consumer.stop();
  });

  it('stops at once when the failure is not an outage', async () => {
    const t = standIn();
    t.inside.onCrash({
      payload: { error: new Error('the test assignor fails'), restart: false, groupId: 'g' },
    });
    assert.equal(t.stopped.length, 1);
    assert.match(t.stopped[0]!.message, /crashed and kafkajs gave up: the test assignor fails/);
    assert.equal(t.runs(), 0);
  });

  it('stops with the reason once the outage outlasts its budget', async () => {
    const t = standIn();
    let now = 0;
    t.inside.outage = new OutageBudget(60_000, () => now);
    const rerun = t.nextRun();
    t.crash();
    await rerun;
    now = 60_001;
    t.crash();
    assert.equal(t.stopped.length, 1);
    assert.match(
      t.stopped[0]!.message,
      /crashed and kafkajs gave up \(no group join for 60\.0 s, longer than the 60\.0 s a consumer rides out\): Failed to find group coordinator/,
    );
  });
});
