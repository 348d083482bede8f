/** Prints JavaScript values as TypeScript source: stable key order as given, single quotes. */

/** Source text inserted as is (an identifier or an expression). */
export class Raw {
  constructor(readonly code: string) {}
}

export function raw(code: string): Raw {
  return new Raw(code);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function propertyKey(key: string): string {
  return IDENTIFIER.test(key) ? key : quote(key);
}

export function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

/** One-line literal; undefined properties are left out. */
export function literal(value: unknown): string {
  if (value instanceof Raw) return value.code;
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([k, v]) => `${propertyKey(k)}: ${literal(v)}`).join(', ')} }`;
  }
  throw new TypeError(`cannot print ${typeof value} as a literal`);
}

/** A multi-line object literal (one property per line), indented by `indent` spaces. */
export function blockLiteral(value: Record<string, unknown>, indent = 0): string {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  const pad = ' '.repeat(indent + 2);
  const lines = entries.map(([k, v]) => {
    const printed =
      v !== null && typeof v === 'object' && !(v instanceof Raw) && !Array.isArray(v)
        ? blockLiteral(v as Record<string, unknown>, indent + 2)
        : literal(v);
    return `${pad}${propertyKey(k)}: ${printed},`;
  });
  return `{\n${lines.join('\n')}\n${' '.repeat(indent)}}`;
}
