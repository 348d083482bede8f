export { createJsonCodec, type JsonCodecOptions } from './json.js';
export { DecodeError, EncodeError } from './errors.js';
export {
  binaryCodec,
  chainCodecs,
  codecNames,
  getCodec,
  jsonCodec,
  rawCodec,
  registerCodec,
} from './registry.js';
export type { Codec } from './types.js';
