/**
 * Reply writer. Handlers speak RESP3's vocabulary (maps, sets, doubles, nulls, booleans,
 * pushes); this is the one place that knows how each downgrades to RESP2.
 *
 * Output is encoded straight into one byte buffer per client (keys and values are latin1
 * strings, one char per byte) and leaves in a single socket write per event-loop turn.
 * Encoding into bytes allocates nothing per reply: string concatenation allocated a rope
 * node or a copy per piece, and the socket write flattened and copied them again.
 *
 * Leaf module: imports nothing from Amber but number formatting (and a Buffer typing).
 */

import { putDecimal, putLatin1, type Latin1Buffer } from '../util/latin1.js';
import { formatDouble } from '../util/number.js';

export type Proto = 2 | 3;

const CRLF = '\r\n';

/** Capacity a writer starts with, on its first reply (it grows by doubling). */
const INITIAL_CAPACITY = 2048;
/** After a flush, a buffer grown past this is given back (a big reply does not pin memory). */
const KEEP_CAPACITY = 64 * 1024;

const EMPTY = Buffer.alloc(0) as Latin1Buffer;

export class Reply {
  /**
   * Pending output: bytes [0, len) of buf. Allocated on the first reply; `flushInto` hands
   * the bytes to the socket and keeps the buffer when the kernel took them all at once.
   */
  private buf: Latin1Buffer = EMPTY;
  private len = 0;
  proto: Proto = 2;

  /** Bytes of pending output. */
  get length(): number {
    return this.len;
  }

  /** Pending output as a latin1 string (tests, diagnostics). */
  get out(): string {
    return this.buf.latin1Slice(0, this.len);
  }

  /** Makes room for n more bytes. */
  private room(n: number): Latin1Buffer {
    const need = this.len + n;
    if (need > this.buf.length) {
      let size = Math.max(INITIAL_CAPACITY, this.buf.length * 2);
      while (size < need) size *= 2;
      const grown = Buffer.allocUnsafe(size) as Latin1Buffer;
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
    return this.buf;
  }

  /** Appends a latin1 string. */
  private str(s: string): void {
    this.len = putLatin1(this.room(s.length), this.len, s);
  }

  /** Appends a one-byte type marker, the decimal safe integer n and CRLF (`*3`, `:42`, `$5`...). */
  private line(marker: number, n: number): void {
    const b = this.room(24);
    let o = this.len;
    b[o++] = marker;
    if (n >= 0) {
      o = putDecimal(b, o, n);
    } else {
      b[o++] = 45; // '-'
      o = putDecimal(b, o, -n);
    }
    b[o++] = 13;
    b[o++] = 10;
    this.len = o;
  }

  private crlf(): void {
    const b = this.room(2);
    b[this.len] = 13;
    b[this.len + 1] = 10;
    this.len += 2;
  }

  /** A bulk string body: `$<n>\r\n<s>\r\n`. */
  private bulkBody(s: string): void {
    this.room(s.length + 24);
    this.line(36, s.length); // '$'
    this.str(s);
    this.crlf();
  }

  ok(): void {
    const b = this.room(5);
    const o = this.len;
    b[o] = 43; // '+'
    b[o + 1] = 79; // 'O'
    b[o + 2] = 75; // 'K'
    b[o + 3] = 13;
    b[o + 4] = 10;
    this.len = o + 5;
  }
  simple(s: string): void {
    this.room(s.length + 3);
    this.buf[this.len++] = 43; // '+'
    this.str(s);
    this.crlf();
  }
  /** An error line without the leading '-', e.g. "ERR syntax error". */
  error(line: string): void {
    // Redis replaces newlines in error texts so the reply stays one line.
    this.raw('-' + line.replace(/[\r\n]/g, ' ') + CRLF);
  }
  int(n: number | bigint): void {
    if (typeof n === 'number' && Number.isSafeInteger(n)) this.line(58, n); // ':'
    else this.raw(':' + n + CRLF);
  }
  bulk(s: string): void {
    this.bulkBody(s);
  }
  /** A bulk string, or the null bulk when the value is absent. */
  bulkOrNull(s: string | undefined | null): void {
    if (s === undefined || s === null) this.nullBulk();
    else this.bulkBody(s);
  }
  /** The null that stands for a missing string: `$-1` in RESP2, `_` in RESP3. */
  nullBulk(): void {
    this.raw(this.proto === 2 ? '$-1\r\n' : '_\r\n');
  }
  /** The null that stands for a missing aggregate: `*-1` in RESP2, `_` in RESP3. */
  nullArray(): void {
    this.raw(this.proto === 2 ? '*-1\r\n' : '_\r\n');
  }
  array(n: number): void {
    this.line(42, n); // '*'
  }
  /** A map of n pairs: `%n` in RESP3, an array of 2n items in RESP2. */
  map(n: number): void {
    if (this.proto === 2) this.line(42, 2 * n);
    else this.line(37, n); // '%'
  }
  /** A set of n items: `~n` in RESP3, an array in RESP2. */
  set(n: number): void {
    this.line(this.proto === 2 ? 42 : 126, n); // '*' or '~'
  }
  /** An out-of-band push of n items: `>n` in RESP3, an array in RESP2. */
  push(n: number): void {
    this.line(this.proto === 2 ? 42 : 62, n); // '*' or '>'
  }
  /** A double as Redis 7.0 prints it (%.17g): a bulk string in RESP2, `,` in RESP3. */
  double(d: number): void {
    const s = formatDouble(d);
    if (this.proto === 2) {
      this.bulkBody(s);
    } else {
      this.room(s.length + 3);
      this.buf[this.len++] = 44; // ','
      this.str(s);
      this.crlf();
    }
  }
  /** A boolean: `#t`/`#f` in RESP3, the integers 1 and 0 in RESP2. */
  bool(b: boolean): void {
    if (this.proto === 2) this.line(58, b ? 1 : 0);
    else this.raw(b ? '#t\r\n' : '#f\r\n');
  }
  /** Verbatim text (`=len\r\ntxt:...`) in RESP3, a bulk string in RESP2. */
  verbatim(s: string, format = 'txt'): void {
    if (this.proto === 2) this.bulkBody(s);
    else this.raw('=' + (s.length + 4) + CRLF + format + ':' + s + CRLF);
  }
  /** A big number (`(` in RESP3), a bulk string in RESP2. */
  bigNumber(s: string): void {
    if (this.proto === 2) this.bulkBody(s);
    else this.raw('(' + s + CRLF);
  }
  /** An array of bulk strings. */
  bulks(items: readonly string[]): void {
    const count = items.length;
    let size = 16;
    for (let k = 0; k < count; k++) size += items[k]!.length + 24;
    this.room(size);
    this.line(42, count);
    // One tight loop over the room made above (LRANGE-sized replies are hot).
    const b = this.buf;
    let o = this.len;
    for (let k = 0; k < count; k++) {
      const s = items[k]!;
      const n = s.length;
      // putDecimal and putLatin1 by hand for the short cases: calls per element measured
      // ~15% slower for LRANGE-sized replies.
      b[o++] = 36; // '$'
      if (n < 10) b[o++] = 48 + n;
      else o = putDecimal(b, o, n);
      b[o++] = 13;
      b[o++] = 10;
      if (n <= 32) {
        for (let i = 0; i < n; i++) b[o + i] = s.charCodeAt(i);
        o += n;
      } else {
        o += b.latin1Write(s, o, n);
      }
      b[o++] = 13;
      b[o++] = 10;
    }
    this.len = o;
  }
  /** Raw protocol text, already encoded (for replies cached verbatim). */
  raw(s: string): void {
    this.str(s);
  }

  /**
   * Starts an aggregate whose length is not known yet (Redis's deferred length): returns
   * the position where `close*` inserts the header once the count is known.
   */
  defer(): number {
    return this.len;
  }
  closeArray(at: number, n: number): void {
    this.insert(at, '*' + n + CRLF);
  }
  closeMap(at: number, n: number): void {
    this.insert(at, (this.proto === 2 ? '*' + 2 * n : '%' + n) + CRLF);
  }
  closeSet(at: number, n: number): void {
    this.insert(at, (this.proto === 2 ? '*' : '~') + n + CRLF);
  }

  /** Inserts header text at position at, moving what was written after it. */
  private insert(at: number, header: string): void {
    const h = header.length;
    const b = this.room(h);
    b.copyWithin(at + h, at, this.len);
    putLatin1(b, at, header);
    this.len += h;
  }

  /** Drops the output written after position at. */
  truncate(at: number): void {
    if (at < this.len) this.len = at;
  }

  /**
   * Drops the output written after position at, except the given ranges (start, end) that
   * lie after it, which are kept in order (out-of-band pushes among silenced replies).
   */
  keepOnly(at: number, ranges: readonly (readonly [number, number])[]): void {
    let o = at;
    for (const [from, to] of ranges) {
      if (from < at) continue;
      this.buf.copyWithin(o, from, to);
      o += to - from;
    }
    this.len = o;
  }

  /** Takes the pending output as a string, leaving the writer empty. */
  take(): string {
    const s = this.out;
    this.len = 0;
    return s;
  }

  /** Takes a copy of the pending output, leaving the writer empty. */
  takeBytes(): Buffer {
    const copy = Buffer.allocUnsafe(this.len);
    this.buf.copy(copy, 0, 0, this.len);
    this.len = 0;
    return copy;
  }

  /**
   * Hands the pending output to `write` as a view of the writer's own buffer, and leaves
   * the writer empty. `write` returns whether the bytes were consumed at once (the socket
   * has nothing pending afterwards); if not, the view is the socket's now, and the writer
   * takes a new buffer for what comes next.
   */
  flushInto(write: (bytes: Buffer) => boolean): number {
    const n = this.len;
    if (n === 0) return 0;
    const consumed = write(this.buf.subarray(0, n));
    this.len = 0;
    if (!consumed || this.buf.length > KEEP_CAPACITY) this.buf = EMPTY;
    return n;
  }
}
