/**
 * Error types thrown by segaware. Every validation failure says which argument
 * was wrong, what was expected and what was received, so a user can fix the
 * call without reading the source.
 */

/** Base class of every error segaware throws on purpose. */
export class SegawareError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Formats a received value compactly for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) {
    const head = value.slice(0, 8).map(describeValue).join(', ');
    return `[${head}${value.length > 8 ? `, … (${value.length} items)` : ''}]`;
  }
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as { length: number }).length})`;
  const ctor = (value as object).constructor?.name;
  if (ctor === 'Tensor' || ctor === 'Variable') {
    const t = value as { shape: number[]; dtype: string };
    return `Tensor(shape [${t.shape.join(',')}], dtype ${t.dtype})`;
  }
  try {
    return JSON.stringify(value).slice(0, 120);
  } catch {
    return String(value);
  }
}

/**
 * An argument had the wrong type, shape, dtype or value.
 *
 * @example
 * throw new InvalidArgumentError('dataRange', 'a positive number', -1);
 * // "segaware: invalid dataRange: expected a positive number, received -1"
 */
export class InvalidArgumentError extends SegawareError {
  readonly argument: string;
  readonly expected: string;
  readonly received: unknown;
  constructor(argument: string, expected: string, received: unknown, hint?: string) {
    super(
      `segaware: invalid ${argument}: expected ${expected}, received ${describeValue(received)}` +
        (hint ? ` (${hint})` : ''),
    );
    this.argument = argument;
    this.expected = expected;
    this.received = received;
  }
}

/** A file or directory the call needs does not exist or cannot be read. */
export class NotFoundError extends SegawareError {}

/** A stored artifact (checkpoint, weights file) does not match what it is loaded into. */
export class MismatchError extends SegawareError {}

/** No requested backend could be initialised. */
export class BackendError extends SegawareError {}
