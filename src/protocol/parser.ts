/**
 * RESP request parser: turns the bytes a client sends into commands (arrays of
 * latin1 strings, one char per byte, so binary data round-trips exactly).
 *
 * Accepts both request forms Redis accepts: multibulk (`*N\r\n$len\r\n...`) and inline
 * (`SET k v\n`, as telnet and redis-cli's inline mode send). Input may be split at any
 * byte: the parser keeps the arguments it already has and resumes where it stopped, so a
 * frame of many arguments delivered in many reads costs linear time. A bulk argument
 * larger than BIG_ARG is assembled in its own buffer as its bytes arrive.
 *
 * Limits and error texts follow Redis 7.0's processMultibulkBuffer/processInlineBuffer.
 * A protocol error is thrown as ProtocolError; the connection replies and closes.
 *
 * Leaf module: imports nothing from Amber but the error table (and a Buffer typing).
 */

import { latin1String, type Latin1Buffer } from '../util/latin1.js';
import { E } from './errors.js';

/** Longest inline line or count line without a newline (Redis PROTO_INLINE_MAX_SIZE). */
const INLINE_MAX = 64 * 1024;
/** Bulk arguments this large are assembled in their own buffer (Redis PROTO_MBULK_BIG_ARG). */
const BIG_ARG = 32 * 1024;
/** A frame split across reads keeps its own bytes (for `raw`) when at most this long so far. */
const RAW_CARRY_MAX = 4096;
const NO_BYTES = Buffer.alloc(0);
/** Limits that apply before a client has authenticated (Redis 7.0 processMultibulkBuffer). */
const UNAUTH_MAX_ARGS = 10;
const UNAUTH_MAX_BULK = 16384;

const CR = 13;
const LF = 10;
const STAR = 42; // '*'
const DOLLAR = 36; // '$'

/**
 * Whether the len bytes at `at` are the chars of prev (a string kept from the previous
 * command). Strings that differ mostly differ in their last byte, which is compared first.
 */
function repeats(buf: Buffer, at: number, len: number, prev: string): boolean {
  return len === prev.length && len > 0 && buf[at + len - 1] === prev.charCodeAt(len - 1) && sameBytes(buf, at, prev);
}

/** Whether buf holds the chars of s (latin1) from offset at. */
function sameBytes(buf: Buffer, at: number, s: string): boolean {
  for (let k = 0; k < s.length; k++) if (buf[at + k] !== s.charCodeAt(k)) return false;
  return true;
}

export class ProtocolError extends Error {
  readonly line: string;
  constructor(detail: string) {
    super(detail);
    this.line = E.protocol(detail);
  }
}

export interface ParserOptions {
  /** proto-max-bulk-len: the largest bulk argument accepted. */
  maxBulkLen(): number;
  /** Whether the client still has to authenticate (tighter limits apply). */
  unauthenticated(): boolean;
}

/**
 * Where the bytes of the command `next()` returned last are: `rawBuf` from `rawStart` to
 * `rawEnd`, or rawStart -1 when there are none (an inline command, a frame with a large
 * argument or split across many reads). A multibulk request has exactly one spelling (lengths
 * without sign or leading zeros, as Redis requires), so these bytes are the command encoded in
 * RESP: the AOF copies them instead of encoding the command again. The buffer is never written
 * to after it is read from, so the range stays valid.
 */
export interface RawRequest {
  readonly rawBuf: Buffer;
  readonly rawStart: number;
  readonly rawEnd: number;
}

export class RequestParser implements RawRequest {
  private buf: Buffer = NO_BYTES;
  /** Where the input in buf ends (a borrowed buffer may be longer than what was read into it). */
  private end = 0;
  /** buf is an input chunk, not a copy of the parser's own (see unshare). */
  private borrowed = false;
  private pos = 0;
  /** Where the frame being read starts in buf (-1: its bytes are not all there). */
  private frameStart = -1;
  rawBuf: Buffer = this.buf;
  rawStart = -1;
  rawEnd = -1;
  /** Whether a multibulk frame is being read. */
  private inFrame = false;
  /** Arguments the frame being read still expects. */
  private argsLeft = 0;
  private args: string[] = [];
  /** Arguments of the frame read so far (the next index in args). */
  private argN = 0;
  /** Length of the bulk argument whose bytes are awaited; -1 when a `$` line comes next. */
  private bulkLen = -1;
  /** A large bulk argument being filled as its bytes arrive. */
  private big: Buffer | null = null;
  private bigFill = 0;
  /** The last command name read, the last first argument and the last final one (see next). */
  private lastName = '';
  private lastKey = '';
  private lastValue = '';

  constructor(private readonly opts: ParserOptions) {}

  /** Bytes received and not yet turned into commands (for client-query-buffer-limit). */
  get pending(): number {
    return this.end - this.pos + this.bigFill;
  }

  /** Whether a command is partly read (so an idle connection is mid-frame). */
  get midFrame(): boolean {
    return this.inFrame || this.pos < this.end;
  }

  /**
   * Takes the bytes of chunk up to `end` (all of it by default). The chunk is read in place
   * until `unshare()`, so a caller that reads into one buffer over and over passes it with
   * the length read instead of a view (no allocation per read).
   */
  feed(chunk: Buffer, end = chunk.length): void {
    let start = 0;
    if (this.big !== null) {
      const need = this.big.length - this.bigFill;
      const n = Math.min(need, end);
      chunk.copy(this.big, this.bigFill, 0, n);
      this.bigFill += n;
      if (this.bigFill < this.big.length) return;
      // Complete: the argument's bytes are in `big`; whatever follows stays for parsing.
      this.args[this.argN++] = (this.big as Latin1Buffer).latin1Slice(0, this.bulkLen);
      this.frameStart = -1;
      this.big = null;
      this.bigFill = 0;
      this.bulkLen = -1;
      this.argsLeft--;
      start = n;
    }
    if (this.inFrame && this.frameStart >= 0 && this.pos - this.frameStart <= RAW_CARRY_MAX) {
      // A frame split across reads: its bytes read so far are carried over with the rest.
      const carried = this.pos - this.frameStart;
      this.buf = Buffer.concat([this.buf.subarray(this.frameStart, this.end), chunk.subarray(start, end)]);
      this.end = this.buf.length;
      this.borrowed = false;
      this.frameStart = 0;
      this.pos = carried;
      return;
    }
    if (this.inFrame) this.frameStart = -1;
    if (this.pos >= this.end) {
      this.buf = chunk;
      this.end = end;
      this.borrowed = true;
      this.pos = start;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos, this.end), chunk.subarray(start, end)]);
      this.end = this.buf.length;
      this.borrowed = false;
      this.pos = 0;
    }
  }

  /**
   * Lets go of the memory of the input fed so far, which the next read overwrites (the
   * server reads every client into one buffer): the bytes not yet turned into commands, with
   * the start of a frame being carried (see feed), are copied out; the last command's raw
   * range is dropped.
   */
  unshare(): void {
    this.rawBuf = NO_BYTES;
    this.rawStart = -1;
    if (!this.borrowed) return;
    this.borrowed = false;
    const carry = this.inFrame && this.frameStart >= 0 && this.pos - this.frameStart <= RAW_CARRY_MAX;
    const from = carry ? this.frameStart : this.pos;
    if (from >= this.end) {
      this.buf = NO_BYTES;
    } else {
      this.buf = Buffer.from(this.buf.subarray(from, this.end));
    }
    this.end = this.buf.length;
    this.pos -= from;
    if (carry) this.frameStart = 0;
    else if (this.inFrame) this.frameStart = -1;
  }

  /**
   * The next complete command, or null when more input is needed. Throws ProtocolError.
   * An empty multibulk (`*0`) or a blank inline line is skipped, as Redis does.
   */
  next(): string[] | null {
    for (;;) {
      if (this.big !== null) return null;
      if (!this.inFrame) {
        const end = this.end;
        if (this.pos >= end) return null;
        const buf = this.buf;
        if (buf[this.pos] !== STAR) {
          const inline = this.readInline();
          if (inline === null) return null;
          if (inline.length === 0) continue;
          this.rawStart = -1;
          return inline;
        }
        // Fast path for `*<1-2 digits>\r`: the count needs none of readCountLine's checks
        // (at most 10 arguments is within the unauthenticated limit too).
        let count: number | null = -1;
        const p = this.pos;
        this.frameStart = p;
        if (p + 3 < end) {
          const d0 = buf[p + 1]! - 48;
          const c2 = buf[p + 2]!;
          if (d0 >= 0 && d0 <= 9) {
            if (c2 === CR) {
              count = d0;
              this.pos = p + 4;
            } else if (c2 === 48 && d0 === 1 && buf[p + 3] === CR && p + 4 < end) {
              count = 10;
              this.pos = p + 5;
            }
          }
        }
        if (count === -1) count = this.readCountLine();
        if (count === null) return null;
        if (count <= 0) continue;
        this.inFrame = true;
        this.argsLeft = count;
        // Sized up front for usual commands (no growth on the way); a huge announced count
        // allocates nothing before its arguments arrive.
        this.args = count <= 64 ? new Array<string>(count) : [];
        this.argN = 0;
      }
      while (this.argsLeft > 0) {
        const buf = this.buf;
        const end = this.end;
        if (this.bulkLen < 0) {
          // Fast path for `$<1-5 digits>\r\n` up to UNAUTH_MAX_BULK (no limit can refuse it:
          // proto-max-bulk-len is at least 1MB); anything else goes through readBulkHeader.
          const p = this.pos;
          let len = -1;
          // (A leading zero is not allowed: it goes the slow way, which refuses it.)
          if (buf[p] === DOLLAR && buf[p + 1] !== 48) {
            let n = 0;
            let i = p + 1;
            const stop = Math.min(p + 7, end);
            for (; i < stop; i++) {
              const d = buf[i]! - 48;
              if (d < 0 || d > 9) break;
              n = n * 10 + d;
            }
            if (i > p + 1 && i + 1 < end && buf[i] === CR && n <= UNAUTH_MAX_BULK) {
              len = n;
              this.pos = i + 2;
            }
          }
          if (len < 0) {
            const slow = this.readBulkHeader();
            if (slow === null) return null;
            len = slow;
          }
          this.bulkLen = len;
        }
        const avail = end - this.pos;
        if (avail < this.bulkLen + 2) {
          if (this.bulkLen >= BIG_ARG) {
            this.frameStart = -1;
            this.big = Buffer.allocUnsafe(this.bulkLen + 2);
            buf.copy(this.big, 0, this.pos, end);
            this.bigFill = avail;
            this.pos = end;
          }
          return null;
        }
        const len = this.bulkLen;
        const n = this.argN;
        if (n === 0 && len === this.lastName.length && sameBytes(buf, this.pos, this.lastName)) {
          // The command name as the previous command spelled it: pipelines mostly repeat one
          // command, so its string is reused (no slice, and the command lookup then meets the
          // very string it remembered).
          this.args[this.argN++] = this.lastName;
        } else if (n === 1 && repeats(buf, this.pos, len, this.lastKey)) {
          // The first argument (usually the key) as the previous command had it: a pipeline
          // working on one key (LPUSH, HSET, INCR on a counter) slices it once, and the
          // keyspace lookup compares the very same string.
          this.args[this.argN++] = this.lastKey;
        } else if (n >= 2 && this.argsLeft === 1 && repeats(buf, this.pos, len, this.lastValue)) {
          // The last argument (usually the value) as the previous command had it: a value
          // pushed or stored again is the string stored last time, by now in the old
          // generation, instead of a new one the scavenger would copy and track.
          this.args[this.argN++] = this.lastValue;
        } else {
          const arg = latin1String(buf, this.pos, len);
          if (n === 0 && len <= 32) this.lastName = arg;
          else if (n === 1 && len <= 64) this.lastKey = arg;
          else if (n >= 2 && this.argsLeft === 1 && len <= 64) this.lastValue = arg;
          this.args[this.argN++] = arg;
        }
        this.pos += len + 2;
        this.bulkLen = -1;
        this.argsLeft--;
      }
      // The array is the caller's now; the next frame starts a new one.
      this.inFrame = false;
      this.rawBuf = this.buf;
      this.rawStart = this.frameStart;
      this.rawEnd = this.pos;
      return this.args;
    }
  }

  /** Reads `*<n>\r\n`; null if the line is incomplete. */
  private readCountLine(): number | null {
    const eol = this.buf.indexOf(CR, this.pos);
    if (eol < 0 || eol + 1 >= this.end) {
      if (this.end - this.pos > INLINE_MAX) throw new ProtocolError('too big mbulk count string');
      return null;
    }
    const n = parseLength(this.buf, this.pos + 1, eol);
    if (n === null || n > 2147483647) throw new ProtocolError('invalid multibulk length');
    if (n > UNAUTH_MAX_ARGS && this.opts.unauthenticated()) {
      throw new ProtocolError('unauthenticated multibulk length');
    }
    this.pos = eol + 2;
    return n;
  }

  /** Reads `$<len>\r\n`; null if the line is incomplete. */
  private readBulkHeader(): number | null {
    const eol = this.buf.indexOf(CR, this.pos);
    if (eol < 0 || eol + 1 >= this.end) {
      if (this.end - this.pos > INLINE_MAX) throw new ProtocolError('too big bulk count string');
      return null;
    }
    if (this.buf[this.pos] !== DOLLAR) {
      throw new ProtocolError(`expected '$', got '${String.fromCharCode(this.buf[this.pos]!)}'`);
    }
    const n = parseLength(this.buf, this.pos + 1, eol);
    if (n === null || n < 0 || n > this.opts.maxBulkLen()) throw new ProtocolError('invalid bulk length');
    if (n > UNAUTH_MAX_BULK && this.opts.unauthenticated()) {
      throw new ProtocolError('unauthenticated bulk length');
    }
    this.pos = eol + 2;
    return n;
  }

  /** Reads one inline line and splits it; null if the line is incomplete. */
  private readInline(): string[] | null {
    const nl = this.buf.indexOf(LF, this.pos);
    if (nl < 0 || nl >= this.end) {
      if (this.end - this.pos > INLINE_MAX) throw new ProtocolError('too big inline request');
      return null;
    }
    let end = nl;
    if (end > this.pos && this.buf[end - 1] === CR) end--;
    const line = this.buf.toString('latin1', this.pos, end);
    this.pos = nl + 1;
    const args = splitArgs(line);
    if (args === null) throw new ProtocolError('unbalanced quotes in request');
    return args;
  }
}

/**
 * Parses the decimal between start and end as Redis's string2ll does for lengths:
 * optional '-', digits only, no '+', no spaces, no leading zero ("0" alone; not "-0").
 * Returns null when it is not a number.
 */
function parseLength(buf: Buffer, start: number, end: number): number | null {
  if (start >= end || end - start > 19) return null;
  if (end - start === 1 && buf[start] === 48) return 0;
  let i = start;
  let neg = false;
  if (buf[i] === 45) {
    neg = true;
    i++;
    if (i >= end) return null;
  }
  if (buf[i] === 48) return null;
  let n = 0;
  for (; i < end; i++) {
    const c = buf[i]! - 48;
    if (c < 0 || c > 9) return null;
    n = n * 10 + c;
  }
  return neg ? -n : n;
}

const isSpace = (c: string): boolean =>
  c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\v' || c === '\f';

const hexValue = (c: string): number => {
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
};

/**
 * Splits a line into arguments the way Redis's sdssplitargs does: whitespace separates,
 * "double quotes" understand \n \r \t \b \a \xHH and \<char>, 'single quotes' understand \'.
 * A closing quote must be followed by whitespace or the end. Returns null on unbalanced quotes.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line[i]!)) i++;
    if (i >= n) return out;
    let inDouble = false;
    let inSingle = false;
    let cur = '';
    for (;;) {
      if (inDouble) {
        if (i >= n) return null;
        const c = line[i]!;
        if (c === '\\' && line[i + 1] === 'x' && i + 3 < n && hexValue(line[i + 2]!) >= 0 && hexValue(line[i + 3]!) >= 0) {
          cur += String.fromCharCode(hexValue(line[i + 2]!) * 16 + hexValue(line[i + 3]!));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i]!;
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          if (i + 1 < n && !isSpace(line[i + 1]!)) return null;
          i++;
          break;
        } else {
          cur += c;
        }
        i++;
      } else if (inSingle) {
        if (i >= n) return null;
        const c = line[i]!;
        if (c === '\\' && line[i + 1] === "'") {
          cur += "'";
          i += 2;
          continue;
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line[i + 1]!)) return null;
          i++;
          break;
        }
        cur += c;
        i++;
      } else {
        if (i >= n) break;
        const c = line[i]!;
        if (isSpace(c)) break;
        if (c === '"') inDouble = true;
        else if (c === "'") inSingle = true;
        else cur += c;
        i++;
      }
    }
    out.push(cur);
  }
}
