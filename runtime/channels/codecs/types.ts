/**
 * A codec turns a value into bytes and back (Faust's `faust.serializers.codecs.Codec`).
 * Codecs are looked up by name (`getCodec('json')`); names may be chained with `|`
 * (`'json|binary'`): encoding applies the codecs left to right, decoding right to left.
 */
export interface Codec {
  readonly name: string;
  /** Encodes a value; throws an EncodeError when the value cannot be written by this codec. */
  encode(value: unknown): Buffer;
  /** Decodes bytes; throws a DecodeError naming what is wrong with them. */
  decode(data: Buffer): unknown;
}
