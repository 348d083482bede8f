/** One failing field: where (a JSON pointer into the value; '' is the value itself) and why. */
export interface FieldError {
  readonly pointer: string;
  readonly message: string;
  /** The JSON Schema keyword that failed ('required', 'type', ...) or 'namespace'. */
  readonly keyword: string;
}

const LISTED_IN_MESSAGE = 20;
const REASON_LENGTH = 200;

/** A value that does not match its model's schema, or a record of another namespace. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  /** Short, single line, for a dead-letter header: "schema: /amount must be number; /id is required". */
  readonly reason: string;
  /** Whether the key or the value failed; set by the serializer that validated it. */
  role: 'key' | 'value' | undefined;

  constructor(
    /** The model's name. */
    readonly model: string,
    readonly namespace: string,
    readonly errors: readonly FieldError[],
  ) {
    const listed = errors.slice(0, LISTED_IN_MESSAGE).map(formatFieldError).join('; ');
    const more =
      errors.length > LISTED_IN_MESSAGE ? `; ... and ${errors.length - LISTED_IN_MESSAGE} more` : '';
    super(`invalid ${model} (namespace '${namespace}'): ${listed}${more}`);
    const kind = errors.length > 0 && errors.every((e) => e.keyword === 'namespace') ? 'namespace' : 'schema';
    this.reason = truncate(`${kind}: ${errors.map(formatFieldError).join('; ')}`, REASON_LENGTH);
  }
}

export function formatFieldError(error: FieldError): string {
  return `${error.pointer === '' ? '(root)' : error.pointer} ${error.message}`;
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 3)}...`;
}
