import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logLevel } from 'kafkajs';
import {
  kafkaLogCreator,
  kafkaLogLevel,
  transportLogLevel,
} from '../../../../../runtime/transport/kafka/logging.js';

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
    const entry = kafkaLogCreator((level, message, extra) => seen.push([level, message, extra]))(
      logLevel.INFO,
    );
    entry({
      namespace: 'Admin',
      level: logLevel.WARN,
      label: 'WARN',
      log: { timestamp: 'now', logger: 'kafkajs', message: 'Could not create topics', retryCount: 2 },
    });
    assert.deepEqual(seen, [['warn', 'kafkajs Admin: Could not create topics', { retryCount: 2 }]]);
  });

  it('asks kafkajs for INFO only when someone listens', () => {
    assert.equal(kafkaLogLevel(undefined), logLevel.NOTHING);
    assert.equal(
      kafkaLogLevel(() => {}),
      logLevel.INFO,
    );
  });
});
