/**
 * Producer compression for kafkajs. kafkajs ships gzip; snappy comes from kafkajs-snappy, registered
 * in kafkajs's global codec table when this module loads (the consumer needs it to read snappy
 * batches written by anyone). lz4 and zstd have no codec installed here.
 */
import { createRequire } from 'node:module';
import type { CompressionTypes as CompressionType } from 'kafkajs';
import kafkajs from './kafkajs.js';

const { CompressionTypes, CompressionCodecs } = kafkajs;

type CodecFactory = (typeof CompressionCodecs)[keyof typeof CompressionCodecs];

const require = createRequire(import.meta.url);
// kafkajs's placeholder for snappy throws "not implemented"; this module loads once per process.
CompressionCodecs[CompressionTypes.Snappy] = require('kafkajs-snappy') as CodecFactory;

export const SUPPORTED_COMPRESSION = ['none', 'gzip', 'snappy'] as const;
const UNAVAILABLE_COMPRESSION = ['lz4', 'zstd'];

/** The kafkajs compression type for a producer setting; throws for lz4/zstd and unknown names. */
export function kafkaCompression(compression: string): CompressionType {
  switch (compression) {
    case 'none':
      return CompressionTypes.None;
    case 'gzip':
      return CompressionTypes.GZIP;
    case 'snappy':
      return CompressionTypes.Snappy;
    default: {
      const why = UNAVAILABLE_COMPRESSION.includes(compression)
        ? `${compression} is not available: kafkajs has no ${compression} codec installed (lz4 and zstd are unsupported)`
        : `unknown compression '${compression}'`;
      throw new Error(`kafka:// producer: ${why}; use one of ${SUPPORTED_COMPRESSION.join(', ')}`);
    }
  }
}
