/**
 * Buffer's latin1 fast paths, present on every Node Buffer but missing from the typings.
 * `toString('latin1', a, b)` and `write(s, o, n, 'latin1')` check and normalize their
 * arguments and switch on the encoding before reaching these; where offsets are known to
 * be valid (the request parser, the reply writer, the RDB codec) calling them directly is
 * measurably cheaper for the short strings that dominate a keyspace.
 *
 * Amber keeps every key and value as a latin1 string (one char per byte), so these two
 * calls are exact conversions between bytes and strings.
 */
export interface Latin1Buffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  latin1Write(s: string, offset: number, length?: number): number;
}
