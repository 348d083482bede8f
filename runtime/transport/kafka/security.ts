/**
 * Broker security on kafka://: the `brokerCredentials` and `sslContext` settings as kafkajs's `sasl`
 * and `ssl` options, and failed TLS handshakes and SASL logins explained in terms of those settings.
 *
 * SASL without TLS is SASL_PLAINTEXT, TLS without SASL is SSL (with a client certificate when the
 * listener asks for one), both is SASL_SSL; which one a listener speaks is the broker's choice.
 */
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export const SASL_MECHANISMS: readonly SaslMechanism[] = ['plain', 'scram-sha-256', 'scram-sha-512'];

/** What the transport's `sasl` option holds: the `brokerCredentials` setting. */
export interface SaslCredentials {
  mechanism: SaslMechanism;
  username: string;
  password: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `brokerCredentials` -> kafkajs `sasl`; undefined (or null) means no SASL. The mechanism may be
 * written in any letter case and with `_` (SCRAM_SHA_256). Returns a new object each time: kafkajs
 * stores its authenticator on the object it is given.
 */
export function kafkaSasl(credentials: unknown): SASLOptions | undefined {
  if (credentials === undefined || credentials === null) return undefined;
  if (!isObject(credentials)) {
    throw new Error(
      `kafka:// transport: SASL credentials must be { mechanism, username, password }, got ${typeof credentials}`,
    );
  }
  const { mechanism = 'plain', username, password } = credentials;
  const normalized =
    typeof mechanism === 'string' ? mechanism.trim().toLowerCase().replace(/_/g, '-') : undefined;
  if (!SASL_MECHANISMS.includes(normalized as SaslMechanism)) {
    throw new Error(
      `kafka:// transport: SASL mechanism ${JSON.stringify(mechanism)} is not supported; ` +
        `use one of ${SASL_MECHANISMS.join(', ')}`,
    );
  }
  if (typeof username !== 'string' || username === '' || typeof password !== 'string') {
    throw new Error('kafka:// transport: SASL credentials need a non-empty username and a password');
  }
  return { mechanism: normalized as SaslMechanism, username, password } as SASLOptions;
}

/**
 * `sslContext` -> kafkajs `ssl`: `true` is TLS with Node's default CAs, an object is Node's
 * `tls.connect()` options (`ca`, `cert`, `key`, `pfx`, `passphrase`, `servername`,
 * `rejectUnauthorized`, ...); undefined, null or false means plaintext. Objects are copied.
 */
export function kafkaSsl(context: unknown): ConnectionOptions | true | undefined {
  if (context === undefined || context === null || context === false) return undefined;
  if (context === true) return true;
  if (!isObject(context)) {
    throw new Error(
      `kafka:// transport: TLS options must be true or Node TLS connection options, got ${typeof context}`,
    );
  }
  return { ...context } as ConnectionOptions;
}

/** The SASL mechanism as brokers name it: `SCRAM-SHA-256`. */
export function saslMechanismName(mechanism: string): string {
  return mechanism.toUpperCase();
}

/** The parts of a kafkajs error (and its causes) a failure is recognized by. */
export interface ErrorLike {
  name?: string;
  message?: string;
  code?: string | number;
  type?: string;
}

/** A connect failure caused by security: what failed, why, and which setting to look at. */
export interface SecurityFailure {
  /** e.g. "SASL authentication failed for user alice (SCRAM-SHA-256)". */
  problem: string;
  reason: string;
  hint?: string;
}

/** The security settings a client was created with, as the transport options hold them. */
export interface SecuritySettings {
  sasl?: unknown;
  ssl?: unknown;
}

const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);
const CERTIFICATE_DATES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const WRONG_HOST = 'ERR_TLS_CERT_ALTNAME_INVALID';
/** TLS alerts by which a broker refuses the client's certificate (or its absence). */
const CLIENT_CERTIFICATE_REFUSED =
  /^ERR_SSL_(SSLV3|TLSV1|TLSV13)_ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|CERTIFICATE_UNKNOWN|UNSUPPORTED_CERTIFICATE|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED)$/;
const NOT_TLS = /^ERR_SSL_(WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|RECORD_LAYER_FAILURE)$/;

/** kafkajs's prefix on Node's message, and OpenSSL's error-queue dressing around the reason. */
function plainReason(message: string | undefined): string {
  const text = (message ?? '').replace(/^Connection error: /, '').trim();
  const openssl = /:SSL routines:[^:]*:([^:]+):/.exec(text);
  return openssl ? openssl[1]! : text;
}

function describeUser(sasl: unknown): string {
  if (!isObject(sasl)) return 'SASL authentication failed';
  const mechanism = typeof sasl.mechanism === 'string' ? ` (${saslMechanismName(sasl.mechanism)})` : '';
  const user = typeof sasl.username === 'string' ? ` for user ${sasl.username}` : '';
  return `SASL authentication failed${user}${mechanism}`;
}

/**
 * Recognizes a failed SASL login or TLS handshake in a kafkajs error chain (outermost first);
 * undefined for other failures.
 */
export function securityFailure(
  chain: readonly ErrorLike[],
  settings: SecuritySettings,
): SecurityFailure | undefined {
  const auth = chain.find((e) => e.name === 'KafkaJSSASLAuthenticationError');
  if (auth) {
    const reason = (auth.message ?? '').replace(/^SASL [A-Z0-9 -]+ authentication failed: /i, '');
    return {
      problem: describeUser(settings.sasl),
      reason,
      hint: /not supported by the server/.test(reason)
        ? 'choose a mechanism the listener enables in brokerCredentials'
        : 'check the username and password in brokerCredentials',
    };
  }
  if (chain.some((e) => e.type === 'ILLEGAL_SASL_STATE') && settings.sasl) {
    const error = chain.find((e) => e.type === 'ILLEGAL_SASL_STATE')!;
    return {
      problem: 'SASL authentication refused',
      reason: error.message ?? 'ILLEGAL_SASL_STATE',
      hint: 'this listener does not take SASL; use its SASL_PLAINTEXT or SASL_SSL port, or drop brokerCredentials',
    };
  }
  const tls = settings.ssl ? chain.find(isTlsFailure) : undefined;
  if (!tls) return undefined;
  const code = tls.code as string;
  const reason = `${plainReason(tls.message)} (${code})`;
  if (UNTRUSTED_CERTIFICATE.has(code)) {
    return {
      problem: 'TLS: the broker certificate is not trusted',
      reason,
      hint: "sslContext.ca must hold the CA that signed the broker's certificate",
    };
  }
  if (CERTIFICATE_DATES.has(code)) {
    return { problem: 'TLS: the broker certificate is not valid now', reason };
  }
  if (code === WRONG_HOST) {
    return {
      problem: 'TLS: the broker certificate names another host',
      reason,
      hint: 'connect by a name the certificate lists, or set sslContext.servername',
    };
  }
  if (CLIENT_CERTIFICATE_REFUSED.test(code)) {
    return {
      problem: 'TLS: the broker refused the client certificate',
      reason,
      hint: 'this listener wants a client certificate its CA signed: sslContext.cert and key, or pfx and passphrase',
    };
  }
  return {
    problem: 'TLS handshake failed',
    reason,
    hint: NOT_TLS.test(code) || code === 'ECONNRESET' ? 'does this listener speak TLS?' : undefined,
  };
}

function isTlsFailure(error: ErrorLike): boolean {
  const code = error.code;
  if (typeof code !== 'string') return false;
  return (
    UNTRUSTED_CERTIFICATE.has(code) ||
    CERTIFICATE_DATES.has(code) ||
    code === WRONG_HOST ||
    code.startsWith('ERR_SSL_') ||
    code.startsWith('ERR_TLS_') ||
    // A plaintext listener drops the connection on the TLS hello.
    (code === 'ECONNRESET' && /secure TLS connection/.test(error.message ?? ''))
  );
}

/**
 * The broker closed the connection of a client without TLS: perhaps the listener expects TLS, or
 * SASL (a SASL listener answers ApiVersions, then closes on the first other request).
 */
export function closedConnectionHint(
  chain: readonly ErrorLike[],
  settings: SecuritySettings,
): string | undefined {
  if (settings.ssl && settings.sasl) return undefined;
  if (!chain.some((e) => e.name === 'KafkaJSConnectionClosedError' || e.code === 'ECONNRESET')) {
    return undefined;
  }
  if (!settings.ssl && !settings.sasl) {
    return 'if this listener is SSL, SASL_SSL or SASL_PLAINTEXT, set sslContext and/or brokerCredentials';
  }
  return settings.ssl
    ? 'if this listener is SASL_SSL, set brokerCredentials'
    : 'if this listener is SASL_SSL, set sslContext';
}
