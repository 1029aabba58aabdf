/**
 * Latin1 text in bytes: Amber keeps every key and value as a latin1 string (one char per
 * byte), so strings and bytes convert exactly. The reply writer, the request parser, the
 * AOF encoder and the RDB codec share these.
 *
 * Buffer's latin1 fast paths are present on every Node Buffer but missing from the typings.
 * `toString('latin1', a, b)` and `write(s, o, n, 'latin1')` check and normalize their
 * arguments and switch on the encoding before reaching these; where offsets are known to
 * be valid, calling them directly is measurably cheaper for the short strings that dominate
 * a keyspace.
 */
export interface Latin1Buffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  latin1Write(s: string, offset: number, length?: number): number;
}

/** Strings up to this length are copied by a JS loop; longer ones by one native call. */
const SHORT_STRING = 32;

/** Writes the chars of s at o; returns the offset after them. b must have room. */
export function putLatin1(b: Latin1Buffer, o: number, s: string): number {
  const n = s.length;
  if (n <= SHORT_STRING) {
    for (let i = 0; i < n; i++) b[o + i] = s.charCodeAt(i);
    return o + n;
  }
  return o + b.latin1Write(s, o, n);
}

/**
 * Writes the decimal digits of n (a non-negative safe integer) at o, right to left after
 * counting them (no string made); returns the offset after them. b must have room.
 */
export function putDecimal(b: Uint8Array, o: number, n: number): number {
  if (n < 10) {
    b[o] = 48 + n;
    return o + 1;
  }
  let digits = 1;
  if (n <= 0x7fffffff) {
    // Int32 arithmetic, the usual case (lengths, counts, small integers).
    for (let v = n; v >= 10; v = (v / 10) | 0) digits++;
    let v = n;
    for (let i = o + digits - 1; i >= o; i--) {
      const q = (v / 10) | 0;
      b[i] = 48 + v - q * 10;
      v = q;
    }
    return o + digits;
  }
  for (let v = n; v >= 10; v = Math.floor(v / 10)) digits++;
  let v = n;
  for (let i = o + digits - 1; i >= o; i--) {
    const q = Math.floor(v / 10);
    b[i] = 48 + (v - q * 10);
    v = q;
  }
  return o + digits;
}
