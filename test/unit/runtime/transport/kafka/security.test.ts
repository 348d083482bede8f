import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import kafkajs from 'kafkajs';
import { connectError, operationError } from '../../../../../runtime/transport/kafka/errors.js';
import {
  closedConnectionHint,
  kafkaSasl,
  kafkaSsl,
  securityFailure,
} from '../../../../../runtime/transport/kafka/security.js';

// kafkajs's own error classes, built the way its connection and SASL code builds them.
const errors = kafkajs as unknown as Record<string, new (...args: unknown[]) => Error>;
const saslError = (message: string) => new errors.KafkaJSSASLAuthenticationError!(message);
const connectionError = (message: string, code: string) =>
  new errors.KafkaJSConnectionError!(`Connection error: ${message}`, { broker: '127.0.0.1:9094', code });
const closedError = () =>
  new errors.KafkaJSConnectionClosedError!('Closed connection', { host: '127.0.0.1', port: 9094 });
const retriesExceeded = (cause: Error) =>
  new errors.KafkaJSNumberOfRetriesExceeded!(cause, { retryCount: 4, retryTime: 1000 });
const chainOf = (error: Error) => {
  const chain: Error[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) chain.push(e);
  return chain;
};

const alice = { mechanism: 'scram-sha-256', username: 'alice', password: 'wrong' };
const URLS = ['kafka://127.0.0.1:9094'];

describe('kafkaSasl', () => {
  it('is undefined without credentials', () => {
    assert.equal(kafkaSasl(undefined), undefined);
    assert.equal(kafkaSasl(null), undefined);
  });

  it('maps each mechanism, in any letter case and with underscores, PLAIN by default', () => {
    assert.deepEqual(kafkaSasl({ mechanism: 'SCRAM_SHA_512', username: 'u', password: 'p' }), {
      mechanism: 'scram-sha-512',
      username: 'u',
      password: 'p',
    });
    assert.deepEqual(kafkaSasl({ mechanism: 'Scram-Sha-256', username: 'u', password: 'p' }), {
      mechanism: 'scram-sha-256',
      username: 'u',
      password: 'p',
    });
    assert.deepEqual(kafkaSasl({ username: 'u', password: '' }), {
      mechanism: 'plain',
      username: 'u',
      password: '',
    });
  });

  it('returns a new object, since kafkajs stores its authenticator on it', () => {
    const credentials = { mechanism: 'plain', username: 'u', password: 'p' };
    const sasl = kafkaSasl(credentials);
    assert.notEqual(sasl, credentials);
    assert.deepEqual(Object.keys(credentials), ['mechanism', 'username', 'password']);
  });

  it('refuses mechanisms kafkajs cannot use here and incomplete credentials', () => {
    assert.throws(
      () => kafkaSasl({ mechanism: 'GSSAPI', username: 'u', password: 'p' }),
      /SASL mechanism "GSSAPI" is not supported; use one of plain, scram-sha-256, scram-sha-512/,
    );
    assert.throws(
      () => kafkaSasl({ mechanism: 'plain', password: 'p' }),
      /non-empty username and a password/,
    );
    assert.throws(() => kafkaSasl({ username: 'u' }), /non-empty username and a password/);
    assert.throws(() => kafkaSasl('alice:secret'), /must be \{ mechanism, username, password \}, got string/);
  });
});

describe('kafkaSsl', () => {
  it('is undefined for plaintext and true for TLS with the default CAs', () => {
    assert.equal(kafkaSsl(undefined), undefined);
    assert.equal(kafkaSsl(null), undefined);
    assert.equal(kafkaSsl(false), undefined);
    assert.equal(kafkaSsl(true), true);
  });

  it('passes Node TLS options on as a copy', () => {
    const options = { ca: 'PEM', pfx: Buffer.from('p12'), passphrase: 'x', rejectUnauthorized: true };
    const ssl = kafkaSsl(options);
    assert.deepEqual(ssl, options);
    assert.notEqual(ssl, options);
  });

  it('refuses what is neither true nor an options object', () => {
    assert.throws(() => kafkaSsl('yes please'), /must be true or Node TLS connection options, got string/);
    assert.throws(() => kafkaSsl([]), /got object/);
  });
});

describe('securityFailure', () => {
  it('names the user and mechanism of a refused SASL login, without kafkajs’s prefix', () => {
    const error = saslError(
      'SASL SCRAM SHA256 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256',
    );
    assert.deepEqual(securityFailure(chainOf(error), { sasl: alice, ssl: true }), {
      problem: 'SASL authentication failed for user alice (SCRAM-SHA-256)',
      reason:
        'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256',
      hint: 'check the username and password in brokerCredentials',
    });
  });

  it('points at the mechanism when the listener does not enable it', () => {
    const failure = securityFailure(
      chainOf(saslError('SASL SCRAM-SHA-512 mechanism is not supported by the server')),
      { sasl: { ...alice, mechanism: 'scram-sha-512' } },
    );
    assert.equal(failure?.problem, 'SASL authentication failed for user alice (SCRAM-SHA-512)');
    assert.equal(failure?.hint, 'choose a mechanism the listener enables in brokerCredentials');
  });

  it('explains SASL sent to a listener without SASL', () => {
    const error = new errors.KafkaJSProtocolError!({
      type: 'ILLEGAL_SASL_STATE',
      code: 34,
      retriable: false,
      message: 'Request is not valid given the current SASL state',
    });
    const failure = securityFailure(chainOf(error), { sasl: alice });
    assert.equal(failure?.problem, 'SASL authentication refused');
    assert.match(failure?.hint ?? '', /does not take SASL/);
    assert.equal(securityFailure(chainOf(error), {}), undefined);
  });

  it('says the broker certificate is not trusted when no CA given signed it', () => {
    const error = retriesExceeded(
      connectionError('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN'),
    );
    assert.deepEqual(securityFailure(chainOf(error), { ssl: { ca: 'PEM' } }), {
      problem: 'TLS: the broker certificate is not trusted',
      reason: 'self-signed certificate in certificate chain (SELF_SIGNED_CERT_IN_CHAIN)',
      hint: "sslContext.ca must hold the CA that signed the broker's certificate",
    });
  });

  it('says the broker refused the client certificate, with OpenSSL’s reason only', () => {
    const error = retriesExceeded(
      connectionError(
        '80DCB0BBF77F0000:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 42\n',
        'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
      ),
    );
    const failure = securityFailure(chainOf(error), { ssl: { ca: 'PEM' } });
    assert.equal(failure?.problem, 'TLS: the broker refused the client certificate');
    assert.equal(failure?.reason, 'sslv3 alert bad certificate (ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE)');
    assert.match(failure?.hint ?? '', /sslContext\.cert and key, or pfx and passphrase/);
  });

  it('tells a certificate for another host and TLS to a plaintext listener apart', () => {
    const wrongHost = connectionError(
      "Hostname/IP does not match certificate's altnames: IP: 10.0.0.1 is not in the cert's list: 127.0.0.1",
      'ERR_TLS_CERT_ALTNAME_INVALID',
    );
    assert.equal(
      securityFailure(chainOf(wrongHost), { ssl: true })?.problem,
      'TLS: the broker certificate names another host',
    );
    const plaintext = connectionError(
      'Client network socket disconnected before secure TLS connection was established',
      'ECONNRESET',
    );
    const failure = securityFailure(chainOf(plaintext), { ssl: true });
    assert.equal(failure?.problem, 'TLS handshake failed');
    assert.equal(failure?.hint, 'does this listener speak TLS?');
  });

  it('leaves failures that are not about security alone', () => {
    const refused = retriesExceeded(connectionError('connect ECONNREFUSED 127.0.0.1:9094', 'ECONNREFUSED'));
    assert.equal(securityFailure(chainOf(refused), { sasl: alice, ssl: true }), undefined);
    const reset = connectionError('read ECONNRESET', 'ECONNRESET');
    assert.equal(securityFailure(chainOf(reset), { ssl: true }), undefined);
  });
});

describe('closedConnectionHint', () => {
  it('suggests the security settings that are missing', () => {
    const chain = chainOf(retriesExceeded(closedError()));
    assert.match(closedConnectionHint(chain, {}) ?? '', /set sslContext and\/or brokerCredentials/);
    assert.equal(
      closedConnectionHint(chain, { sasl: alice }),
      'if this listener is SASL_SSL, set sslContext',
    );
    assert.equal(
      closedConnectionHint(chain, { ssl: true }),
      'if this listener is SASL_SSL, set brokerCredentials',
    );
    assert.equal(closedConnectionHint(chain, { sasl: alice, ssl: true }), undefined);
  });

  it('says nothing when the connection was refused rather than closed', () => {
    const chain = chainOf(retriesExceeded(connectionError('connect ECONNREFUSED', 'ECONNREFUSED')));
    assert.equal(closedConnectionHint(chain, {}), undefined);
  });
});

describe('connectError for security failures', () => {
  it('reads "SASL authentication failed for user … (mechanism) at <url>: <reason>"', () => {
    const cause = saslError(
      'SASL SCRAM SHA256 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256',
    );
    const error = connectError({ urls: URLS, sasl: alice, ssl: true }, 'producer connect', cause);
    assert.equal(
      error.message,
      'Kafka producer connect: SASL authentication failed for user alice (SCRAM-SHA-256) at kafka://127.0.0.1:9094: ' +
        'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256 ' +
        '(check the username and password in brokerCredentials)',
    );
    assert.equal(error.cause, cause);
  });

  it('reads "TLS: … at <url>: <reason> (<hint>)" for an untrusted broker certificate', () => {
    const cause = retriesExceeded(
      connectionError('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN'),
    );
    const error = connectError({ urls: URLS, ssl: { ca: 'PEM' } }, 'admin connect', cause);
    assert.equal(
      error.message,
      'Kafka admin connect: TLS: the broker certificate is not trusted at kafka://127.0.0.1:9094: ' +
        'self-signed certificate in certificate chain (SELF_SIGNED_CERT_IN_CHAIN) ' +
        "(sslContext.ca must hold the CA that signed the broker's certificate)",
    );
  });

  it('adds the security hint to a closed connection, and nothing to a refused one', () => {
    const closed = connectError(
      { urls: URLS, sasl: alice },
      'producer connect',
      retriesExceeded(closedError()),
    );
    assert.equal(
      closed.message,
      'Kafka broker kafka://127.0.0.1:9094 is not reachable: Closed connection ' +
        '(producer connect; if this listener is SASL_SSL, set sslContext)',
    );
    const refused = connectError(
      { urls: URLS },
      'producer connect',
      retriesExceeded(connectionError('connect ECONNREFUSED 127.0.0.1:9094', 'ECONNREFUSED')),
    );
    assert.equal(
      refused.message,
      'Kafka broker kafka://127.0.0.1:9094 is not reachable: Connection error: connect ECONNREFUSED 127.0.0.1:9094 (producer connect)',
    );
  });

  it('gives a failed admin operation on a closed connection the same hint, when told the target', () => {
    const cause = retriesExceeded(closedError());
    assert.equal(
      operationError('kafka:// admin createTopics(t)', cause, { urls: URLS, ssl: { ca: 'PEM' } }).message,
      'kafka:// admin createTopics(t): Closed connection (if this listener is SASL_SSL, set brokerCredentials)',
    );
    assert.equal(
      operationError('kafka:// admin createTopics(t)', cause).message,
      'kafka:// admin createTopics(t): Closed connection',
    );
  });
});
