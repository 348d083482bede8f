import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logLevel } from 'kafkajs';
import { kafkaLogging, transportLogLevel } from '../../../../../runtime/transport/kafka/logging.js';

describe('kafkajs log levels', () => {
  it('puts INFO and DEBUG at debug', () => {
    assert.equal(transportLogLevel(logLevel.INFO, 'Consumer', 'Starting'), 'debug');
    assert.equal(transportLogLevel(logLevel.DEBUG, 'Connection', 'Request Fetch'), 'debug');
  });

  it('puts the motions of a consumer group at debug, whatever kafkajs calls them', () => {
    assert.equal(transportLogLevel(logLevel.WARN, 'Runner', 'The group is rebalancing, re-joining'), 'debug');
    assert.equal(
      transportLogLevel(
        logLevel.ERROR,
        'Runner',
        'The coordinator is not aware of this member, re-joining the group',
      ),
      'debug',
    );
    assert.equal(
      transportLogLevel(
        logLevel.ERROR,
        'Connection',
        'Response Heartbeat(key: 12, version: 3)',
        'The group is rebalancing, so a rejoin is needed',
      ),
      'debug',
    );
  });

  it('keeps other warnings, and errors that nobody else reports', () => {
    assert.equal(transportLogLevel(logLevel.WARN, 'Admin', 'Could not create topics'), 'warn');
    assert.equal(
      transportLogLevel(logLevel.ERROR, 'ConsumerGroup', 'Offset out of range, resetting'),
      'error',
    );
  });

  it('lowers errors the caller sees anyway (a rejected connect, onStopped) to warn', () => {
    assert.equal(
      transportLogLevel(logLevel.ERROR, 'BrokerPool', 'Failed to connect to seed broker, trying'),
      'warn',
    );
    assert.equal(
      transportLogLevel(logLevel.ERROR, 'Connection', 'Connection error: connect ECONNREFUSED'),
      'warn',
    );
    assert.equal(
      transportLogLevel(logLevel.ERROR, 'Consumer', 'Crash: KafkaJSNumberOfRetriesExceeded'),
      'warn',
    );
  });

  it('forwards entries with namespace and extras, without kafkajs bookkeeping', () => {
    const seen: unknown[] = [];
    const { logCreator } = kafkaLogging((level, message, extra) => seen.push([level, message, extra]));
    logCreator(logLevel.INFO)({
      namespace: 'Admin',
      level: logLevel.WARN,
      label: 'WARN',
      log: { timestamp: 'now', logger: 'kafkajs', message: 'Could not create topics', retryCount: 2 },
    });
    assert.deepEqual(seen, [['warn', 'kafkajs Admin: Could not create topics', { retryCount: 2 }]]);
  });

  it('asks kafkajs for INFO only when someone listens', () => {
    assert.equal(kafkaLogging(undefined).logLevel, logLevel.NOTHING);
    assert.equal(kafkaLogging(() => {}).logLevel, logLevel.INFO);
  });

  it('lets a tap see debug entries without forwarding them', () => {
    const tapped: string[] = [];
    const forwarded: string[] = [];
    const logging = kafkaLogging(
      (_level, message) => forwarded.push(message),
      (entry) => tapped.push(entry.log.message),
    );
    assert.equal(logging.logLevel, logLevel.DEBUG);
    const log = logging.logCreator(logging.logLevel);
    const entry = (level: number, message: string) => ({
      namespace: 'ConsumerGroup',
      level,
      label: '',
      log: { timestamp: 'now', message },
    });
    log(entry(logLevel.DEBUG, 'Received assignment'));
    log(entry(logLevel.INFO, 'Consumer has joined the group'));
    assert.deepEqual(tapped, ['Received assignment', 'Consumer has joined the group']);
    assert.deepEqual(forwarded, ['kafkajs ConsumerGroup: Consumer has joined the group']);
  });
});
