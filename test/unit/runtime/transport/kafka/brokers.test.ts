import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeBrokerUrls, kafkaBrokerAddresses } from '../../../../../runtime/transport/kafka/brokers.js';

describe('kafkaBrokerAddresses', () => {
  it('strips the scheme of each URL', () => {
    assert.deepEqual(kafkaBrokerAddresses(['kafka://h1:9092', 'kafka://h2:9093']), ['h1:9092', 'h2:9093']);
  });

  it('reads several hosts from one URL, with , or ; and bare entries', () => {
    assert.deepEqual(kafkaBrokerAddresses(['kafka://h1:1,h2:2;kafka://h3:3', 'h4:4']), [
      'h1:1',
      'h2:2',
      'h3:3',
      'h4:4',
    ]);
  });

  it('defaults the port to 9092 and drops a trailing path', () => {
    assert.deepEqual(kafkaBrokerAddresses(['kafka://broker/', 'KAFKA://[::1]']), [
      'broker:9092',
      '[::1]:9092',
    ]);
  });

  it('refuses other schemes, bad ports and empty lists, naming the URL', () => {
    assert.throws(() => kafkaBrokerAddresses(['memory://x']), /memory:\/\/x has scheme memory:\/\//);
    assert.throws(() => kafkaBrokerAddresses(['kafka://h:99999']), /'kafka:\/\/h:99999' .* invalid port/);
    assert.throws(() => kafkaBrokerAddresses(['kafka://h:x']), /is not host\[:port\]/);
    assert.throws(() => kafkaBrokerAddresses([' , ']), /no broker address/);
  });

  it('describes URLs for messages', () => {
    assert.equal(describeBrokerUrls([' kafka://a:1', 'kafka://b:2']), 'kafka://a:1, kafka://b:2');
  });
});
