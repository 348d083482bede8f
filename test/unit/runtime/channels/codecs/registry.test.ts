import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  binaryCodec,
  type Codec,
  chainCodecs,
  codecNames,
  DecodeError,
  getCodec,
  jsonCodec,
  rawCodec,
  registerCodec,
} from '../../../../../runtime/channels/codecs/index.js';

/** A reversible test codec: reverses the bytes. */
const reversed: Codec = {
  name: 'reversed',
  encode: (value) => Buffer.from(rawCodec.encode(value)).reverse(),
  decode: (data) => Buffer.from(data).reverse(),
};

describe('codec registry', () => {
  it('has the built-ins by name', () => {
    assert.equal(getCodec('json'), jsonCodec);
    assert.equal(getCodec('raw'), rawCodec);
    assert.equal(getCodec('binary'), binaryCodec);
    for (const name of ['binary', 'json', 'raw']) assert.ok(codecNames().includes(name));
  });

  it('lists the known codecs and suggests the closest for an unknown name', () => {
    assert.throws(() => getCodec('jsno'), {
      name: 'TypeError',
      message: /^unknown codec 'jsno'; known codecs: .*binary, json, raw.*\. Did you mean 'json'\?/,
    });
    assert.throws(() => getCodec('RAW'), { message: /Did you mean 'raw'\?/ });
    assert.throws(
      () => getCodec('protobuf'),
      (error: Error) => !error.message.includes('Did you mean'),
    );
    assert.throws(() => getCodec('json|bnary'), {
      message: /^unknown codec 'bnary' in 'json\|bnary'.*Did you mean 'binary'\?/,
    });
  });

  it('chains codecs with | (encode left to right, decode right to left), as Faust', () => {
    const chain = getCodec('json|binary');
    assert.equal(chain.name, 'json|binary');
    // Python: codecs.dumps("json|binary", {"a": 1}) == base64.b64encode(b'{"a":1}') == b"eyJhIjoxfQ=="
    assert.equal(chain.encode({ a: 1 }).toString('latin1'), 'eyJhIjoxfQ==');
    assert.deepEqual(chain.decode(Buffer.from('eyJhIjoxfQ==')), { a: 1 });
    assert.equal(getCodec('json|binary'), chain, 'chains are cached');
    assert.throws(
      () => chain.decode(Buffer.from('eyJhIjoxfQ')),
      (error) => error instanceof DecodeError && error.codec === 'binary',
    );
  });

  it('builds chains from codec objects too', () => {
    const chain = chainCodecs(jsonCodec, reversed, binaryCodec);
    assert.equal(chain.name, 'json|reversed|binary');
    const encoded = chain.encode([1, 2]);
    assert.equal(encoded.toString('latin1'), Buffer.from(']2,1[').toString('base64'));
    assert.deepEqual(chain.decode(encoded), [1, 2]);
  });

  it('refuses to feed a non-bytes result into the next decoder', () => {
    const chain = chainCodecs(rawCodec, jsonCodec);
    assert.throws(() => chain.decode(Buffer.from('{"a":1}')), {
      name: 'DecodeError',
      message: "cannot decode with codec 'raw|json': codec 'json' produced a object, but 'raw' decodes bytes",
    });
  });

  it('registers custom codecs, usable alone and in chains; re-registering replaces', () => {
    registerCodec('reversed', reversed);
    assert.equal(getCodec('reversed'), reversed);
    assert.ok(codecNames().includes('reversed'));
    const chain = getCodec('json|reversed');
    assert.equal(chain.encode('ab').toString(), '"ba"');
    const upper: Codec = {
      name: 'upper',
      encode: (value) => Buffer.from(String(value).toUpperCase()),
      decode: (data) => data.toString().toLowerCase(),
    };
    registerCodec('reversed', upper);
    assert.equal(
      getCodec('json|reversed').encode('ab').toString(),
      '"AB"',
      'cached chains see the replacement',
    );
  });

  it('refuses bad names and objects that are not codecs', () => {
    assert.throws(() => registerCodec('a|b', reversed), {
      name: 'TypeError',
      message: /invalid codec name "a\|b"/,
    });
    assert.throws(() => registerCodec('', reversed), /invalid codec name ""/);
    assert.throws(
      () => registerCodec('half', { name: 'half', encode: () => Buffer.alloc(0) } as unknown as Codec),
      {
        message: "codec 'half' must have encode(value) and decode(data) methods",
      },
    );
  });
});
