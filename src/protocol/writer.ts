/**
 * Reply writer. Handlers speak RESP3's vocabulary (maps, sets, doubles, nulls, booleans,
 * pushes); this is the one place that knows how each downgrades to RESP2.
 *
 * Output accumulates as one latin1 string per client (V8 concatenates strings as ropes,
 * so appends are cheap) and leaves in a single socket write per event-loop turn.
 *
 * Leaf module: imports nothing from Amber but number formatting.
 */

import { formatDouble } from '../util/number.js';

export type Proto = 2 | 3;

const CRLF = '\r\n';

/** `$<n>\r\n` for short bulk strings, built once: a reply then costs two concatenations. */
const BULK_HEADERS: string[] = [];
for (let n = 0; n < 512; n++) BULK_HEADERS.push('$' + n + CRLF);

function bulkHeader(n: number): string {
  return n < 512 ? BULK_HEADERS[n]! : '$' + n + CRLF;
}

/**
 * Arrays of at least this many bulk strings are encoded byte by byte into a scratch buffer
 * and taken out as one flat string: for LRANGE-sized replies that is about 2.5x faster than
 * three string concatenations per element (each a rope node or a small copy, flattened
 * again when the socket write copies the output).
 */
const ENCODE_AT = 8;
/** Node's undocumented-in-types latin1 fast paths (see parser.ts). */
type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string; latin1Write(s: string, offset: number): number };
const scratch = Buffer.allocUnsafe(64 * 1024) as Latin1Buffer;

/** Writes the decimal digits of n (non-negative) at o; returns the offset after them. */
function putDigits(b: Latin1Buffer, o: number, n: number): number {
  if (n < 10) {
    b[o] = 48 + n;
    return o + 1;
  }
  const d = String(n);
  for (let i = 0; i < d.length; i++) b[o + i] = d.charCodeAt(i);
  return o + d.length;
}

/** `*<n>` and each item as a bulk string, or null when it would not fit the scratch buffer. */
function encodeBulks(items: readonly string[]): string | null {
  let size = 16;
  for (let k = 0; k < items.length; k++) size += items[k]!.length + 16;
  if (size > scratch.length) return null;
  const b = scratch;
  let o = 0;
  b[o++] = 42; // '*'
  o = putDigits(b, o, items.length);
  b[o++] = 13;
  b[o++] = 10;
  for (let k = 0; k < items.length; k++) {
    const s = items[k]!;
    const n = s.length;
    b[o++] = 36; // '$'
    o = putDigits(b, o, n);
    b[o++] = 13;
    b[o++] = 10;
    // Latin1: one char per byte. Short strings by hand, longer ones in one native copy.
    if (n <= 32) {
      for (let i = 0; i < n; i++) b[o + i] = s.charCodeAt(i);
      o += n;
    } else {
      o += b.latin1Write(s, o);
    }
    b[o++] = 13;
    b[o++] = 10;
  }
  return b.latin1Slice(0, o);
}

export class Reply {
  /** Pending output, latin1 (one char per byte). */
  out = '';
  proto: Proto = 2;

  ok(): void {
    this.out += '+OK\r\n';
  }
  simple(s: string): void {
    this.out += '+' + s + CRLF;
  }
  /** An error line without the leading '-', e.g. "ERR syntax error". */
  error(line: string): void {
    // Redis replaces newlines in error texts so the reply stays one line.
    this.out += '-' + line.replace(/[\r\n]/g, ' ') + CRLF;
  }
  int(n: number | bigint): void {
    this.out += ':' + n + CRLF;
  }
  bulk(s: string): void {
    this.out += bulkHeader(s.length) + s + CRLF;
  }
  /** A bulk string, or the null bulk when the value is absent. */
  bulkOrNull(s: string | undefined | null): void {
    if (s === undefined || s === null) this.nullBulk();
    else this.out += bulkHeader(s.length) + s + CRLF;
  }
  /** The null that stands for a missing string: `$-1` in RESP2, `_` in RESP3. */
  nullBulk(): void {
    this.out += this.proto === 2 ? '$-1\r\n' : '_\r\n';
  }
  /** The null that stands for a missing aggregate: `*-1` in RESP2, `_` in RESP3. */
  nullArray(): void {
    this.out += this.proto === 2 ? '*-1\r\n' : '_\r\n';
  }
  array(n: number): void {
    this.out += '*' + n + CRLF;
  }
  /** A map of n pairs: `%n` in RESP3, an array of 2n items in RESP2. */
  map(n: number): void {
    this.out += this.proto === 2 ? '*' + 2 * n + CRLF : '%' + n + CRLF;
  }
  /** A set of n items: `~n` in RESP3, an array in RESP2. */
  set(n: number): void {
    this.out += this.proto === 2 ? '*' + n + CRLF : '~' + n + CRLF;
  }
  /** An out-of-band push of n items: `>n` in RESP3, an array in RESP2. */
  push(n: number): void {
    this.out += this.proto === 2 ? '*' + n + CRLF : '>' + n + CRLF;
  }
  /** A double as Redis 7.0 prints it (%.17g): a bulk string in RESP2, `,` in RESP3. */
  double(d: number): void {
    const s = formatDouble(d);
    if (this.proto === 2) this.out += '$' + s.length + CRLF + s + CRLF;
    else this.out += ',' + s + CRLF;
  }
  /** A boolean: `#t`/`#f` in RESP3, the integers 1 and 0 in RESP2. */
  bool(b: boolean): void {
    if (this.proto === 2) this.out += b ? ':1\r\n' : ':0\r\n';
    else this.out += b ? '#t\r\n' : '#f\r\n';
  }
  /** Verbatim text (`=len\r\ntxt:...`) in RESP3, a bulk string in RESP2. */
  verbatim(s: string, format = 'txt'): void {
    if (this.proto === 2) this.bulk(s);
    else this.out += '=' + (s.length + 4) + CRLF + format + ':' + s + CRLF;
  }
  /** A big number (`(` in RESP3), a bulk string in RESP2. */
  bigNumber(s: string): void {
    if (this.proto === 2) this.bulk(s);
    else this.out += '(' + s + CRLF;
  }
  /** An array of bulk strings. */
  bulks(items: readonly string[]): void {
    if (items.length >= ENCODE_AT) {
      const encoded = encodeBulks(items);
      if (encoded !== null) {
        this.out += encoded;
        return;
      }
    }
    this.out += '*' + items.length + CRLF;
    for (const s of items) this.out += bulkHeader(s.length) + s + CRLF;
  }
  /** Raw protocol text, already encoded (for replies cached verbatim). */
  raw(s: string): void {
    this.out += s;
  }

  /**
   * Starts an aggregate whose length is not known yet (Redis's deferred length):
   * the output so far is set aside and `close*` prepends the header later.
   */
  defer(): string {
    const before = this.out;
    this.out = '';
    return before;
  }
  closeArray(before: string, n: number): void {
    this.out = before + '*' + n + CRLF + this.out;
  }
  closeMap(before: string, n: number): void {
    this.out = before + (this.proto === 2 ? '*' + 2 * n : '%' + n) + CRLF + this.out;
  }
  closeSet(before: string, n: number): void {
    this.out = before + (this.proto === 2 ? '*' : '~') + n + CRLF + this.out;
  }

  /** Takes the pending output, leaving the writer empty. */
  take(): string {
    const s = this.out;
    this.out = '';
    return s;
  }
}
