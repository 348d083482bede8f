import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createTransport,
  registeredSchemes,
  registerTransport,
  urlScheme,
} from '../../../../runtime/transport/registry.js';
import type { Transport, TransportOptions } from '../../../../runtime/transport/types.js';

const OPTIONS = { clientId: 'registry-test', connectionTimeoutMs: 1000, requestTimeoutMs: 5000 };

/** Registers a transport for `scheme` that records the options it was made with. */
function recordingTransport(scheme: string): TransportOptions[] {
  const made: TransportOptions[] = [];
  registerTransport(scheme, (options) => {
    made.push(options);
    return { scheme } as Transport;
  });
  return made;
}

describe('transport registry', () => {
  it('knows kafka:// and memory:// out of the box', () => {
    assert.ok(registeredSchemes().includes('kafka'));
    assert.ok(registeredSchemes().includes('memory'));
    assert.equal(createTransport(['kafka://127.0.0.1:9092'], OPTIONS).scheme, 'kafka');
    assert.equal(createTransport(['memory://'], OPTIONS).scheme, 'memory');
  });

  it('passes every URL and the options to the factory of their scheme', () => {
    const made = recordingTransport('reg-one');
    createTransport(['reg-one://h1:1', 'REG-ONE://h2:2'], OPTIONS);
    assert.deepEqual(made, [{ ...OPTIONS, urls: ['reg-one://h1:1', 'REG-ONE://h2:2'] }]);
  });

  it("gives URLs after the first without a scheme the first one's", () => {
    const made = recordingTransport('reg-two');
    createTransport(['reg-two://h1:1', 'h2:2'], OPTIONS);
    assert.deepEqual(made[0]?.urls, ['reg-two://h1:1', 'reg-two://h2:2']);
  });

  it('refuses an unknown scheme, listing the known ones', () => {
    assert.throws(
      () => createTransport(['nats://127.0.0.1:4222'], OPTIONS),
      (error: Error) =>
        /no transport for nats:\/\//.test(error.message) &&
        error.message.includes('kafka://') &&
        error.message.includes('memory://'),
    );
  });

  it('refuses URLs of different schemes', () => {
    assert.throws(
      () => createTransport(['kafka://h1:9092', 'memory://'], OPTIONS),
      /mix schemes kafka:\/\/ and memory:\/\//,
    );
  });

  it('refuses a first URL without a scheme, and no URL at all', () => {
    assert.throws(
      () => createTransport(['localhost:9092'], OPTIONS),
      /'localhost:9092' has no scheme, e\.g\. kafka:\/\/localhost:9092/,
    );
    assert.throws(() => createTransport([], OPTIONS), /no broker URL given/);
    assert.throws(() => createTransport(['  '], OPTIONS), /no broker URL given/);
  });

  it('refuses an invalid scheme name', () => {
    assert.throws(() => registerTransport('9x', () => ({}) as Transport), /not a valid URL scheme/);
  });

  it('lets a later registration replace an earlier one', () => {
    recordingTransport('reg-three');
    const second = recordingTransport('reg-three://');
    createTransport(['reg-three://x'], OPTIONS);
    assert.equal(second.length, 1);
  });

  it('reads URL schemes', () => {
    assert.equal(urlScheme('Kafka://h:1'), 'kafka');
    assert.equal(urlScheme('memory://'), 'memory');
    assert.equal(urlScheme('h:9092'), undefined);
  });
});
