import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { describe, it } from 'node:test';
import {
  bool,
  brokerList,
  credentials,
  dict,
  enumOf,
  int,
  intOneOf,
  nullable,
  path,
  port,
  SettingValueError,
  seconds,
  severity,
  sslContext,
  string,
  timezone,
  uint,
  url,
} from '../../../../../runtime/core/settings/types.js';

function rejects(parse: () => unknown, pattern: RegExp, suggestion?: string): void {
  assert.throws(parse, (error: unknown) => {
    assert.ok(error instanceof SettingValueError, `expected a SettingValueError, got ${String(error)}`);
    assert.match(error.message, pattern);
    if (suggestion !== undefined) assert.equal(error.suggestion, suggestion);
    return true;
  });
}

describe('setting value types', () => {
  it('reads seconds from numbers and from text with or without a unit', () => {
    assert.equal(seconds.parse(2.8), 2.8);
    assert.equal(seconds.parse('2.8'), 2.8);
    assert.equal(seconds.parse('500ms'), 0.5);
    assert.equal(seconds.parse('100ms'), 0.1);
    assert.equal(seconds.parse('5m'), 300);
    assert.equal(seconds.parse('1h'), 3600);
    assert.equal(seconds.parse('1d'), 86400);
    rejects(() => seconds.parse(-1), /duration in seconds.*got -1/);
    rejects(() => seconds.parse('soon'), /got "soon"/);
    rejects(() => seconds.parse(true), /got true/);
  });

  it("reads booleans from Faust's true/false words", () => {
    for (const word of ['true', 'YES', 'on', '1']) assert.equal(bool.parse(word), true, word);
    for (const word of ['false', 'no', 'OFF', '0']) assert.equal(bool.parse(word), false, word);
    assert.equal(bool.parse(true), true);
    assert.equal(bool.parse(0), false);
    rejects(() => bool.parse('maybe'), /a boolean.*got "maybe"/);
  });

  it('reads integers, with digit-group underscores, ranges and aliases', () => {
    assert.equal(int().parse('-5'), -5);
    assert.equal(uint().parse('10_000'), 10000);
    assert.equal(uint().parse(7), 7);
    rejects(() => uint().parse(-1), /0 or more.*got -1/);
    rejects(() => uint().parse('1.5'), /integer/);
    rejects(() => int().parse(1.5), /integer/);
    const acks = intOneOf([-1, 0, 1], { all: -1 });
    assert.equal(acks.parse('all'), -1);
    assert.equal(acks.parse('1'), 1);
    rejects(() => acks.parse(2), /one of -1, 0, 1/);
    assert.equal(port.parse('6066'), 6066);
    rejects(() => port.parse(70000), /from 0 to 65535/);
  });

  it('reads broker lists separated by ";" or ",", adding kafka:// where no scheme is given', () => {
    assert.deepEqual(brokerList.parse('kafka://a:9092;b:9092'), ['kafka://a:9092', 'kafka://b:9092']);
    assert.deepEqual(brokerList.parse('a:9092, b:9093'), ['kafka://a:9092', 'kafka://b:9093']);
    assert.deepEqual(brokerList.parse(['kafka://a:9092', 'b:9092']), ['kafka://a:9092', 'kafka://b:9092']);
    assert.deepEqual(brokerList.parse('memory://'), ['memory://']);
    rejects(() => brokerList.parse(''), /at least one broker URL/);
    rejects(() => brokerList.parse(42), /broker URL/);
    rejects(() => brokerList.parse('kafka://'), /has no host/);
  });

  it('matches enum words ignoring case and suggests the closest one', () => {
    const reset = enumOf(['earliest', 'latest', 'none']);
    assert.equal(reset.parse('LATEST'), 'latest');
    rejects(() => reset.parse('earlest'), /one of "earliest", "latest", "none"/, 'earliest');
    const levels = enumOf(['info', 'warn'], { warning: 'warn' });
    assert.equal(levels.parse('WARNING'), 'warn');
  });

  it('reads objects from JSON text and refuses other things', () => {
    assert.deepEqual(dict.parse('{"a":1}'), { a: 1 });
    rejects(() => dict.parse('[1]'), /an object/);
    rejects(() => dict.parse('{oops'), /an object/);
    assert.deepEqual(sslContext.parse('true'), true);
    assert.deepEqual(sslContext.parse({ rejectUnauthorized: false }), { rejectUnauthorized: false });
  });

  it('normalizes SASL credentials and refuses mechanisms kafkajs lacks', () => {
    assert.deepEqual(credentials.parse({ mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' }), {
      mechanism: 'scram-sha-512',
      username: 'u',
      password: 'p',
    });
    assert.deepEqual(credentials.parse('{"username":"u","password":"p"}'), {
      mechanism: 'plain',
      username: 'u',
      password: 'p',
    });
    rejects(() => credentials.parse({ mechanism: 'GSSAPI', username: 'u', password: 'p' }), /not available/);
    rejects(() => credentials.parse({ username: 'u' }), /username and password/);
  });

  it('checks time zones, paths, URLs, severities and strings', () => {
    assert.equal(timezone.parse('utc'), 'UTC');
    assert.equal(timezone.parse('Europe/Oslo'), 'Europe/Oslo');
    rejects(() => timezone.parse('Mars/Olympus'), /time zone/);
    assert.equal(path.parse('~/data'), `${homedir()}/data`);
    assert.equal(url.parse('lmdb://'), 'lmdb://');
    rejects(() => url.parse('no-scheme'), /URL with a scheme/);
    assert.equal(severity.parse('warning'), 'WARN');
    assert.equal(severity.parse(40), 'ERROR');
    rejects(() => severity.parse('loud'), /severity/);
    rejects(() => string.parse(5), /a string, got 5/);
  });

  it('lets nullable types take null and their null words', () => {
    const compression = nullable(enumOf(['gzip', 'snappy']), ['none']);
    assert.equal(compression.parse(null), null);
    assert.equal(compression.parse('none'), null);
    assert.equal(compression.parse('gzip'), 'gzip');
    assert.equal(compression.nullable, true);
  });
});
