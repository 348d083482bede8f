import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KafkaTransportProducer } from '../../../../../runtime/transport/kafka/index.js';
import {
  BUILD_PACKAGES,
  PACKAGE,
  RdTransportProducer,
  missingClientError,
} from '../../../../../runtime/transport/librdkafka/index.js';
import { securityConfig } from '../../../../../runtime/transport/librdkafka/config.js';
import { createTransport } from '../../../../../runtime/transport/registry.js';
import type { ProducerOptions } from '../../../../../runtime/transport/types.js';
import { librdkafkaMissing } from '../../../../support/librdkafka.js';

const base = { clientId: 'unit', connectionTimeoutMs: 1_000, requestTimeoutMs: 1_000 };
const producer: ProducerOptions = {
  clientId: 'unit',
  acks: -1,
  compression: 'none',
  requestTimeoutMs: 1_000,
  maxRequestSize: 1_048_576,
};
// Nothing connects: the broker address is never used.
const URLS = ['kafka://127.0.0.1:1'];

describe('choosing the Kafka client (brokerClient)', () => {
  it('kafka:// is kafkajs by default and when asked for by name', () => {
    assert.ok(createTransport(URLS, base).createProducer(producer) instanceof KafkaTransportProducer);
    assert.ok(
      createTransport(URLS, base, 'kafkajs').createProducer(producer) instanceof KafkaTransportProducer,
    );
  });

  it('librdkafka gives kafka:// on @confluentinc/kafka-javascript, or says what to install', (t) => {
    const missing = librdkafkaMissing();
    if (missing !== undefined) {
      assert.throws(() => createTransport(URLS, base, 'librdkafka'), /apt-get install -y zlib1g-dev/);
      t.skip(`the optional client is not installed here: ${missing}`);
      return;
    }
    const transport = createTransport(URLS, base, 'librdkafka');
    assert.equal(transport.scheme, 'kafka');
    assert.ok(transport.createProducer(producer) instanceof RdTransportProducer);
  });

  it('an unknown client is refused, naming the known ones', () => {
    assert.throws(
      () => createTransport(URLS, base, 'rdkafka'),
      /no client 'rdkafka' for kafka:\/\/ \(known clients: kafkajs, librdkafka\)/,
    );
  });

  it('memory:// has one client and ignores the choice', () => {
    assert.equal(createTransport(['memory://client-choice'], base, 'librdkafka').scheme, 'memory');
  });

  it('the missing-client error names the package, the Debian packages and the build switch', () => {
    const error = missingClientError(new Error("Cannot find module '@confluentinc/kafka-javascript'"));
    assert.ok(error.message.includes(PACKAGE));
    for (const name of BUILD_PACKAGES) assert.ok(error.message.includes(name), `names ${name}`);
    assert.match(error.message, /CKJS_LINKING=dynamic/);
    assert.match(error.message, /brokerClient "kafkajs"/);
  });
});

describe('librdkafka security configuration', () => {
  it('maps brokerCredentials and sslContext to librdkafka properties', () => {
    assert.deepEqual(securityConfig({}), { 'security.protocol': 'plaintext' });
    assert.deepEqual(
      securityConfig({ sasl: { mechanism: 'SCRAM_SHA_256', username: 'alice', password: 'pw' } }),
      {
        'security.protocol': 'sasl_plaintext',
        'sasl.mechanisms': 'SCRAM-SHA-256',
        'sasl.username': 'alice',
        'sasl.password': 'pw',
      },
    );
    assert.deepEqual(
      securityConfig({ ssl: { ca: Buffer.from('CA'), cert: 'CERT', key: 'KEY', rejectUnauthorized: false } }),
      {
        'security.protocol': 'ssl',
        'ssl.ca.pem': 'CA',
        'ssl.certificate.pem': 'CERT',
        'ssl.key.pem': 'KEY',
        'enable.ssl.certificate.verification': false,
        'ssl.endpoint.identification.algorithm': 'none',
      },
    );
    assert.equal(
      securityConfig({ sasl: { username: 'a', password: 'b' }, ssl: true })['security.protocol'],
      'sasl_ssl',
    );
    assert.throws(() => securityConfig({ ssl: { pfx: Buffer.from('x') } }), /pfx is not supported/);
  });
});
