import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import kafkajs from 'kafkajs';
import { kafkaCompression } from '../../../../../runtime/transport/kafka/compression.js';

const { CompressionCodecs, CompressionTypes } = kafkajs;

describe('kafka compression', () => {
  it('maps none, gzip and snappy', () => {
    assert.equal(kafkaCompression('none'), CompressionTypes.None);
    assert.equal(kafkaCompression('gzip'), CompressionTypes.GZIP);
    assert.equal(kafkaCompression('snappy'), CompressionTypes.Snappy);
  });

  it('registers a snappy codec that round-trips', async () => {
    const codec = CompressionCodecs[CompressionTypes.Snappy]();
    const input = Buffer.from('faustgen '.repeat(100));
    const compressed = await codec.compress({ buffer: input });
    assert.ok(compressed.length < input.length);
    assert.deepEqual(Buffer.from(await codec.decompress(compressed)), input);
  });

  it('names lz4 and zstd as unavailable', () => {
    assert.throws(() => kafkaCompression('lz4'), /lz4 is not available.*use one of none, gzip, snappy/);
    assert.throws(() => kafkaCompression('zstd'), /zstd is not available/);
    assert.throws(() => kafkaCompression('brotli'), /unknown compression 'brotli'/);
  });
});
