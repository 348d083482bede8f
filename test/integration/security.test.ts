/**
 * brokerCredentials (SASL PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) and sslContext (CA, client
 * certificate) against a real broker with SASL_SSL and SSL listeners, which this file starts through
 * scripts/kafka/broker.sh (KAFKA_SECURE=1) on ports of its own and stops when it started it.
 */
import assert from 'node:assert/strict';
import { rootCertificates } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { App, type SettingsInput } from '../../runtime/index.js';
import { uniqueName } from '../support/names.js';
import { type SecureBroker, startSecureBroker } from './security-broker.js';
import { notOnLibrdkafka } from '../support/broker-client.js';

const EVENTS = 20;
const MECHANISMS = ['scram-sha-256', 'scram-sha-512', 'plain'] as const;

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('broker security against SASL_SSL and SSL listeners', { timeout: 300_000 }, () => {
  let broker: SecureBroker;
  const apps: App[] = [];

  before(
    async () => {
      broker = await startSecureBroker();
      const how = broker.startedHere ? 'started' : 'already running, reused';
      console.log(
        `# secure broker (${broker.saslSsl} SASL_SSL, ${broker.ssl} SSL): ${how} in ${(broker.startMs / 1000).toFixed(1)} s`,
      );
    },
    { timeout: 180_000 },
  );

  after(async () => {
    for (const app of apps) await app.stop().catch(() => undefined);
    await broker?.stop();
  });

  /** A fresh app with one topic and an agent that records the `n` of every event it gets. */
  function appWith(settings: SettingsInput) {
    const appId = uniqueName('security');
    const app = new App(appId, {
      topicPartitions: 2,
      brokerCommitInterval: 0.2,
      brokerSessionTimeout: 6,
      brokerHeartbeatInterval: 1,
      brokerRebalanceTimeout: 10,
      shutdownTimeout: 5,
      webEnabled: false,
      logLevel: 'error',
      ...settings,
    });
    // The secure broker's URL as a flag: the test run exports FAUSTGEN_BROKER (the plaintext
    // broker), and env beats code.
    if (settings.broker !== undefined) app.configure({ broker: settings.broker });
    apps.push(app);
    const topic = app.topic(`${appId}-events`, { keyType: 'string', valueType: 'json', partitions: 2 });
    const received: number[] = [];
    app.agent(topic, { name: 'collect' }, async (stream) => {
      for await (const value of stream) received.push((value as { n: number }).n);
    });
    return { app, topic, received };
  }

  async function roundTrip(settings: SettingsInput): Promise<void> {
    const { app, topic, received } = appWith(settings);
    await app.start();
    for (let n = 0; n < EVENTS; n++) await topic.send({ key: `k${n % 5}`, value: { n } });
    const deadline = Date.now() + 60_000;
    while (received.length < EVENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    await app.stop();
    assert.deepEqual(
      [...received].sort((a, b) => a - b),
      Array.from({ length: EVENTS }, (_, n) => n),
      `received ${received.length} of ${EVENTS} events`,
    );
  }

  /** app.start() must reject; returns the error and how long that took. */
  async function failedStart(settings: SettingsInput): Promise<{ error: Error; ms: number }> {
    // kafkajs logs the failure too; the rejection is what is checked.
    const { app } = appWith({ logLevel: 'fatal', ...settings });
    const started = performance.now();
    const error = await app.start().then(
      () => assert.fail(`app.start() succeeded with ${JSON.stringify(Object.keys(settings))}`),
      (e: unknown) => e as Error,
    );
    const ms = performance.now() - started;
    await app.stop();
    return { error, ms };
  }

  for (const mechanism of MECHANISMS) {
    it(`round-trips events through an app over SASL_SSL with ${mechanism}`, async () => {
      await roundTrip({
        broker: broker.saslSsl,
        brokerCredentials: { mechanism, username: broker.username, password: broker.password },
        sslContext: { ca: broker.ca },
      });
    });
  }

  const pfxSkip = notOnLibrdkafka(
    'librdkafka reads PKCS12 only from a file (ssl.keystore.location), not from sslContext.pfx; it takes cert and key as PEM',
  );
  /** librdkafka retries a failed handshake or authentication instead of failing the connect with its cause. */
  const failFastSkip = notOnLibrdkafka(
    'librdkafka retries failed authentication and TLS handshakes; the connect fails after its timeout as "broker transport failure", not at once with the cause',
  );

  it('round-trips events over SSL with a client certificate (PKCS12 as pfx)', { skip: pfxSkip }, async () => {
    await roundTrip({
      broker: broker.ssl,
      sslContext: { ca: broker.ca, pfx: broker.clientPfx, passphrase: broker.clientPassphrase },
    });
  });

  for (const mechanism of MECHANISMS) {
    it(`fails fast and says so on a wrong password with ${mechanism}`, { skip: failFastSkip }, async () => {
      const { error, ms } = await failedStart({
        broker: broker.saslSsl,
        brokerCredentials: { mechanism, username: broker.username, password: 'not-the-password' },
        sslContext: { ca: broker.ca },
      });
      assert.match(
        error.message,
        new RegExp(
          `^Kafka producer connect: SASL authentication failed for user ${broker.username} ` +
            `\\(${mechanism.toUpperCase()}\\) at ${literal(broker.saslSsl)}: .*invalid.*` +
            '\\(check the username and password in brokerCredentials\\)$',
          'i',
        ),
      );
      assert.ok(ms < 10_000, `the failure took ${Math.round(ms)} ms`);
    });
  }

  it('fails fast with a certificate error when the CA given did not sign the broker certificate', {
    skip: failFastSkip,
  }, async () => {
    const { error, ms } = await failedStart({
      broker: broker.saslSsl,
      brokerCredentials: { mechanism: 'scram-sha-256', username: broker.username, password: broker.password },
      // A public root CA: valid, and certainly not the signer of this broker's certificate.
      sslContext: { ca: rootCertificates[0] },
    });
    assert.match(
      error.message,
      new RegExp(
        `^Kafka producer connect: TLS: the broker certificate is not trusted at ${literal(broker.saslSsl)}: ` +
          '.*\\(SELF_SIGNED_CERT_IN_CHAIN\\) \\(sslContext\\.ca must hold the CA',
      ),
    );
    assert.ok(ms < 10_000, `the failure took ${Math.round(ms)} ms`);
  });

  it('fails fast when the SSL listener wants a client certificate and none is given', {
    skip: failFastSkip,
  }, async () => {
    const { error, ms } = await failedStart({ broker: broker.ssl, sslContext: { ca: broker.ca } });
    assert.match(
      error.message,
      new RegExp(
        `TLS: the broker refused the client certificate at ${literal(broker.ssl)}: .*sslContext\\.cert`,
      ),
    );
    assert.ok(ms < 10_000, `the failure took ${Math.round(ms)} ms`);
  });

  it('fails fast with a hint at sslContext when SASL is sent to a SASL_SSL listener without TLS', {
    skip: failFastSkip,
  }, async () => {
    const { error, ms } = await failedStart({
      broker: broker.saslSsl,
      brokerCredentials: { mechanism: 'plain', username: broker.username, password: broker.password },
    });
    assert.match(
      error.message,
      new RegExp(`^Kafka broker ${literal(broker.saslSsl)} is not reachable: .*set sslContext\\)$`),
    );
    assert.ok(ms < 10_000, `the failure took ${Math.round(ms)} ms`);
  });

  it('fails fast with a hint at brokerCredentials when TLS alone is used on a SASL_SSL listener', {
    skip: failFastSkip,
  }, async () => {
    const { error, ms } = await failedStart({ broker: broker.saslSsl, sslContext: { ca: broker.ca } });
    assert.match(error.message, /Closed connection \(if this listener is SASL_SSL, set brokerCredentials\)$/);
    assert.ok(ms < 10_000, `the failure took ${Math.round(ms)} ms`);
  });
});
