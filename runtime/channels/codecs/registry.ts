import { BinaryCodec } from './binary.js';
import { closestName } from './closest.js';
import { DecodeError, describeKind } from './errors.js';
import { createJsonCodec } from './json.js';
import { RawCodec } from './raw.js';
import type { Codec } from './types.js';

/** The built-in codecs, by identity: serializers take faster paths for them. */
export const jsonCodec: Codec = createJsonCodec();
export const rawCodec: Codec = new RawCodec();
export const binaryCodec: Codec = new BinaryCodec();

const registered = new Map<string, Codec>([
  ['json', jsonCodec],
  ['raw', rawCodec],
  ['binary', binaryCodec],
]);
const chains = new Map<string, ChainedCodec>();

/**
 * Adds (or replaces) a codec under `name`, as Faust's `codecs.register`. Names are single words:
 * `|` chains codecs, so it cannot be part of one.
 */
export function registerCodec(name: string, codec: Codec): void {
  if (!/^[A-Za-z0-9_.@-]+$/.test(name)) {
    throw new TypeError(
      `invalid codec name ${JSON.stringify(name)}: use letters, digits and '_', '.', '@', '-' ('|' chains codecs)`,
    );
  }
  if (typeof codec?.encode !== 'function' || typeof codec.decode !== 'function') {
    throw new TypeError(`codec '${name}' must have encode(value) and decode(data) methods`);
  }
  registered.set(name, codec);
  chains.clear(); // a chain may hold the codec this one replaces
}

/** The registered codec names (chains of them are valid too). */
export function codecNames(): string[] {
  return [...registered.keys()].sort();
}

/**
 * The codec registered under `name`, or the chain `a|b|...` of registered codecs.
 * Throws a TypeError listing the known codecs (and the closest one) for an unknown name.
 */
export function getCodec(name: string): Codec {
  const codec = registered.get(name);
  if (codec) return codec;
  if (name.includes('|')) return getChain(name);
  throw unknownCodec(name, name);
}

function getChain(name: string): Codec {
  let chain = chains.get(name);
  if (!chain) {
    const nodes = name.split('|').map((part) => {
      const node = registered.get(part.trim());
      if (!node) throw unknownCodec(part.trim(), name);
      return node;
    });
    chain = new ChainedCodec(name, nodes);
    chains.set(name, chain);
  }
  return chain;
}

function unknownCodec(name: string, whole: string): TypeError {
  const known = codecNames();
  const near = closestName(name, known);
  const where = whole === name ? '' : ` in '${whole}'`;
  return new TypeError(
    `unknown codec '${name}'${where}; known codecs: ${known.join(', ')}` +
      (near ? `. Did you mean '${near}'?` : '') +
      " (register others with registerCodec(name, codec); chain them with '|', e.g. 'json|binary')",
  );
}

/** Chains codecs as Faust's `codec1 | codec2`: encode left to right, decode right to left. */
export function chainCodecs(...nodes: Codec[]): Codec {
  if (nodes.length === 0) throw new TypeError('chainCodecs needs at least one codec');
  return new ChainedCodec(nodes.map((node) => node.name).join('|'), nodes);
}

/** The codec that produces the decoded value: the first of a chain, or the codec itself. */
export function outermostCodec(codec: Codec): Codec {
  return codec instanceof ChainedCodec ? codec.nodes[0]! : codec;
}

class ChainedCodec implements Codec {
  constructor(
    readonly name: string,
    readonly nodes: readonly Codec[],
  ) {}

  encode(value: unknown): Buffer {
    let result: unknown = value;
    for (const node of this.nodes) result = node.encode(result);
    return result as Buffer;
  }

  decode(data: Buffer): unknown {
    const nodes = this.nodes;
    let result: unknown = data;
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i]!;
      if (typeof result === 'string') result = Buffer.from(result, 'utf8');
      else if (!Buffer.isBuffer(result)) {
        throw new DecodeError(
          `codec '${nodes[i + 1]!.name}' produced a ${describeKind(result)}, but '${node.name}' decodes bytes`,
          this.name,
        );
      }
      result = node.decode(result as Buffer);
    }
    return result;
  }
}
