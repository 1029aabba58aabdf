/**
 * Listpack: Redis's compact serialized list of strings and integers (listpack.c), the
 * blob inside RDB types HASH_LISTPACK, ZSET_LISTPACK, SET_LISTPACK and every
 * LIST_QUICKLIST_2 node.
 *
 * Layout:
 *   <total-bytes u32 LE> <num-elements u16 LE, 65535 = unknown> <entry>* <0xFF>
 *   entry = <encoding+data> <backlen: length of encoding+data, 1-5 bytes, read backwards>
 *
 * | first byte  | entry                                            |
 * |-------------|--------------------------------------------------|
 * | `0xxxxxxx`  | 7-bit unsigned integer                           |
 * | `10xxxxxx`  | string, 6-bit length                             |
 * | `110xxxxx`  | 13-bit signed integer (+1 byte)                  |
 * | `1110xxxx`  | string, 12-bit length (+1 byte)                  |
 * | `11110000`  | string, 32-bit LE length (+4 bytes)              |
 * | `0xF1..F4`  | 16/24/32/64-bit signed LE integer                |
 * | `0xFF`      | end of listpack                                  |
 *
 * The encoder makes Redis's choices (a string that string2ll accepts is stored as the
 * smallest integer encoding) so blobs are byte-identical with Redis's. The decoder
 * validates everything Redis's deep lpValidateIntegrity checks, so a hostile DUMP
 * payload is rejected instead of crashing.
 *
 * Leaf module (besides the number helpers).
 */

import { BlobError } from './constants.js';
import { string2int, string2ll } from '../../util/number.js';
import { latin1String, type Latin1Buffer } from '../../util/latin1.js';

export type { Latin1Buffer };

/**
 * Strings shorter than this are copied into Buffers char by char in JavaScript: below ~32
 * bytes that beats Buffer's latin1Write, whose cost is mostly the call into C++.
 */
export const SHORT_WRITE = 32;

const LP_HDR_SIZE = 6;
const EMPTY = Buffer.alloc(0);
const LP_EOF = 0xff;
const LP_NUMELE_UNKNOWN = 0xffff;
/** A reused builder keeps at most this much buffer between values. */
const RETAIN_MAX = 1 << 20;

/** The integer a listpack would store a string as (Redis lpStringToInt64), or null. */
export function lpStringToInt(s: string): number | bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  if (n < 16) return string2int(s);
  const v = string2ll(s);
  if (v === null) return null;
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/** Bytes the backlen of an entry of `l` bytes takes. */
export function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** Encoded size (without backlen) of an integer entry. */
function intEntrySize(v: number | bigint): number {
  if (typeof v === 'bigint') {
    if (v >= -2147483648n && v <= 2147483647n) return intEntrySize(Number(v));
    return 9;
  }
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 9;
}

/** Encoded size (without backlen) of a string entry of len bytes. */
function strEntrySize(len: number): number {
  return len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
}

/**
 * Builds a listpack entry by entry, as lpAppend does. `bytes` is the listpack's size so
 * far (header and terminator included), what Redis's lpBytes reports.
 */
export class ListpackBuilder {
  private buf: Buffer;
  private pos = LP_HDR_SIZE;
  count = 0;

  constructor(capacity = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(capacity, 64));
  }

  /** Current lpBytes (header + entries + terminator). */
  get bytes(): number {
    return this.pos + 1;
  }

  private ensure(n: number): void {
    if (this.pos + n + 1 > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n + 64));
      this.buf.copy(grown, 0, 0, this.pos);
      this.buf = grown;
    }
  }

  private backlen(l: number): void {
    const b = this.buf;
    let p = this.pos;
    if (l <= 127) {
      b[p++] = l;
    } else if (l < 16383) {
      b[p++] = l >>> 7;
      b[p++] = (l & 127) | 128;
    } else if (l < 2097151) {
      b[p++] = l >>> 14;
      b[p++] = ((l >>> 7) & 127) | 128;
      b[p++] = (l & 127) | 128;
    } else if (l < 268435455) {
      b[p++] = l >>> 21;
      b[p++] = ((l >>> 14) & 127) | 128;
      b[p++] = ((l >>> 7) & 127) | 128;
      b[p++] = (l & 127) | 128;
    } else {
      b[p++] = Math.floor(l / 268435456);
      b[p++] = ((l >>> 21) & 127) | 128;
      b[p++] = ((l >>> 14) & 127) | 128;
      b[p++] = ((l >>> 7) & 127) | 128;
      b[p++] = (l & 127) | 128;
    }
    this.pos = p;
  }

  /** Appends an element given as a (latin1) string: integer-encoded when it is one. */
  append(s: string): void {
    const v = lpStringToInt(s);
    if (v !== null) {
      this.appendInt(v);
      return;
    }
    const len = s.length;
    const size = strEntrySize(len);
    const p = this.strHeader(len, size);
    const b = this.buf;
    if (len < SHORT_WRITE) {
      for (let i = 0; i < len; i++) b[p + i] = s.charCodeAt(i);
    } else {
      (b as unknown as Latin1Buffer).latin1Write(s, p, len);
    }
    this.pos = p + len;
    this.backlen(size);
    this.count++;
  }

  /**
   * Appends the bytes b[p, p+n) as a string entry, as they are: the caller has ruled out
   * that they read as an integer (lpStringToInt), which `append` would store as one.
   */
  appendBytes(b: Uint8Array, p: number, n: number): void {
    const size = strEntrySize(n);
    const q = this.strHeader(n, size);
    const out = this.buf;
    for (let i = 0; i < n; i++) out[q + i] = b[p + i]!;
    this.pos = q + n;
    this.backlen(size);
    this.count++;
  }

  /** Makes room for a string entry of `size` bytes and writes its header; returns where its data goes. */
  private strHeader(len: number, size: number): number {
    this.ensure(size + 5);
    const b = this.buf;
    let p = this.pos;
    if (len < 64) {
      b[p++] = 0x80 | len;
    } else if (len < 4096) {
      b[p++] = 0xe0 | (len >>> 8);
      b[p++] = len & 0xff;
    } else {
      b[p++] = 0xf0;
      b.writeUInt32LE(len, p);
      p += 4;
    }
    return p;
  }

  /** Appends an integer element (lpAppendInteger). */
  appendInt(v: number | bigint): void {
    const size = intEntrySize(v);
    this.ensure(size + 1);
    const b = this.buf;
    let p = this.pos;
    if (size === 9) {
      b[p++] = 0xf4;
      b.writeBigInt64LE(BigInt(v), p);
      p += 8;
    } else {
      const n = Number(v);
      if (size === 1) {
        b[p++] = n;
      } else if (size === 2) {
        const u = n < 0 ? (1 << 13) + n : n;
        b[p++] = (u >>> 8) | 0xc0;
        b[p++] = u & 0xff;
      } else if (size === 3) {
        b[p++] = 0xf1;
        b.writeInt16LE(n, p);
        p += 2;
      } else if (size === 4) {
        const u = n < 0 ? (1 << 24) + n : n;
        b[p++] = 0xf2;
        b[p++] = u & 0xff;
        b[p++] = (u >>> 8) & 0xff;
        b[p++] = u >>> 16;
      } else {
        b[p++] = 0xf3;
        b.writeInt32LE(n, p);
        p += 4;
      }
    }
    this.pos = p;
    this.backlen(size);
    this.count++;
  }

  /** Empties the builder for reuse (a shared builder saves an allocation per value). */
  reset(): void {
    this.pos = LP_HDR_SIZE;
    this.count = 0;
    if (this.buf.length > RETAIN_MAX) this.buf = Buffer.allocUnsafe(RETAIN_MAX);
  }

  /**
   * The finished listpack as a view of the builder's own buffer: valid until the builder
   * is appended to or reset.
   */
  view(): Buffer {
    return this.buf.subarray(0, this.seal());
  }

  /** The finished listpack as a latin1 string (a packed value's form, types/packed.ts), made without a view. */
  finishLatin1(): string {
    return (this.buf as unknown as Latin1Buffer).latin1Slice(0, this.seal());
  }

  /** Writes the header and the terminator into the builder's buffer; returns lpBytes. */
  private seal(): number {
    const total = this.pos + 1;
    const b = this.buf;
    b.writeUInt32LE(total, 0);
    b.writeUInt16LE(this.count >= LP_NUMELE_UNKNOWN ? LP_NUMELE_UNKNOWN : this.count, 4);
    b[this.pos] = LP_EOF;
    return total;
  }

  /** The finished listpack (a copy; the builder can be discarded). */
  finish(): Buffer {
    const total = this.seal();
    const out = Buffer.allocUnsafe(total);
    this.buf.copy(out, 0, 0, total);
    return out;
  }
}

/** lpBytes of the listpack that would hold these elements, without building it. */
export function listpackEntryBytes(s: string): number {
  const v = lpStringToInt(s);
  const size = v !== null ? intEntrySize(v) : strEntrySize(s.length);
  return size + backlenSize(size);
}

/** Builds a listpack from elements. */
export function encodeListpack(elements: Iterable<string>): Buffer {
  const b = new ListpackBuilder();
  for (const e of elements) b.append(e);
  return b.finish();
}

/**
 * A validating cursor over a listpack's entries: the checks of Redis's deep
 * lpValidateIntegrity, done entry by entry, with no array or string made unless the caller
 * asks. `open` checks the header; each `next()` checks one entry (encoding byte, bounds,
 * backlen) and leaves it in `isInt`/`int` or `strStart`/`strEnd`; `close()` checks the
 * terminator position and the element count. Any defect throws BlobError.
 *
 * The loader decodes every listpack it reads through one of these (hash fields straight
 * into the hash's array, zset scores straight to numbers), so a listpack costs no
 * intermediate arrays or views.
 */
export class ListpackReader {
  private buf: Buffer = EMPTY;
  private p = 0;
  /** Index of the terminator. */
  private last = 0;
  /** The header's element count (65535: unknown). */
  numele = 0;
  /** Entries read so far. */
  count = 0;
  /** Whether the current entry is an integer; its value (a bigint only beyond ±2^53). */
  isInt = false;
  int: number | bigint = 0;
  /** The current string entry's bytes: buf[strStart, strEnd). */
  strStart = 0;
  strEnd = 0;

  /** Starts on the listpack buf[start, start+size) (checks its header and terminator). */
  open(buf: Buffer, start: number, size: number): void {
    if (size < LP_HDR_SIZE + 1) throw new BlobError('listpack shorter than its header');
    const total = (buf[start]! | (buf[start + 1]! << 8) | (buf[start + 2]! << 16) | (buf[start + 3]! << 24)) >>> 0;
    if (total !== size) throw new BlobError(`listpack header says ${total} bytes but the blob has ${size}`);
    const last = start + size - 1;
    if (buf[last] !== LP_EOF) throw new BlobError('listpack does not end with its terminator');
    this.buf = buf;
    this.numele = buf[start + 4]! | (buf[start + 5]! << 8);
    this.p = start + LP_HDR_SIZE;
    this.last = last;
    this.count = 0;
  }

  /** Elements the listpack says it holds, or -1 when its header does not know (65535). */
  get declared(): number {
    return this.numele === LP_NUMELE_UNKNOWN ? -1 : this.numele;
  }

  /** Moves to the next entry; false at the terminator. */
  next(): boolean {
    const lp = this.buf;
    const p = this.p;
    const last = this.last;
    if (p >= last) return false;
    const b0 = lp[p]!;
    let lenBytes = 1; // encoding header bytes
    let entryLen: number; // encoding + data
    if ((b0 & 0x80) === 0) entryLen = 1;
    else if ((b0 & 0xc0) === 0x80) entryLen = 1 + (b0 & 0x3f);
    else if ((b0 & 0xe0) === 0xc0) entryLen = 2;
    else if (b0 === 0xf1) entryLen = 3;
    else if (b0 === 0xf2) entryLen = 4;
    else if (b0 === 0xf3) entryLen = 5;
    else if (b0 === 0xf4) entryLen = 9;
    else if ((b0 & 0xf0) === 0xe0) {
      lenBytes = 2;
      if (p + 1 > last) throw new BlobError('listpack entry header runs past the end');
      entryLen = 2 + (((b0 & 0x0f) << 8) | lp[p + 1]!);
    } else if (b0 === 0xf0) {
      lenBytes = 5;
      if (p + 5 > last) throw new BlobError('listpack entry header runs past the end');
      entryLen = 5 + ((lp[p + 1]! | (lp[p + 2]! << 8) | (lp[p + 3]! << 16) | (lp[p + 4]! << 24)) >>> 0);
    } else {
      throw new BlobError(`listpack entry has an invalid encoding byte 0x${b0.toString(16)}`);
    }
    if (p + lenBytes > last) throw new BlobError('listpack entry header runs past the end');
    const next = p + entryLen + (entryLen <= 127 ? 1 : backlenSize(entryLen));
    if (next > last) throw new BlobError('listpack entry runs past the end');
    // The backlen, read backwards from its last byte, must equal entryLen.
    let q = next - 1;
    let c = lp[q]!;
    if ((c & 128) === 0) {
      if (c !== entryLen) throw new BlobError('listpack entry backlen does not match its length');
    } else {
      let val = c & 127;
      let shift = 7;
      for (;;) {
        q--;
        if (shift > 28 || q < p) throw new BlobError('listpack entry has a malformed backlen');
        c = lp[q]!;
        val += (c & 127) * 2 ** shift;
        if ((c & 128) === 0) break;
        shift += 7;
      }
      if (val !== entryLen) throw new BlobError('listpack entry backlen does not match its length');
    }

    if ((b0 & 0x80) === 0) {
      this.isInt = true;
      this.int = b0;
    } else if ((b0 & 0xc0) === 0x80) {
      this.isInt = false;
      this.strStart = p + 1;
      this.strEnd = p + entryLen;
    } else if ((b0 & 0xe0) === 0xc0) {
      const u = ((b0 & 0x1f) << 8) | lp[p + 1]!;
      this.isInt = true;
      this.int = u >= 1 << 12 ? u - (1 << 13) : u;
    } else if (b0 === 0xf1) {
      this.isInt = true;
      this.int = ((lp[p + 1]! | (lp[p + 2]! << 8)) << 16) >> 16;
    } else if (b0 === 0xf2) {
      const u = lp[p + 1]! | (lp[p + 2]! << 8) | (lp[p + 3]! << 16);
      this.isInt = true;
      this.int = u >= 1 << 23 ? u - (1 << 24) : u;
    } else if (b0 === 0xf3) {
      this.isInt = true;
      this.int = lp[p + 1]! | (lp[p + 2]! << 8) | (lp[p + 3]! << 16) | (lp[p + 4]! << 24);
    } else if (b0 === 0xf4) {
      const lo = (lp[p + 1]! | (lp[p + 2]! << 8) | (lp[p + 3]! << 16) | (lp[p + 4]! << 24)) >>> 0;
      const hi = lp[p + 5]! | (lp[p + 6]! << 8) | (lp[p + 7]! << 16) | (lp[p + 8]! << 24);
      const v = hi * 4294967296 + lo; // exact whenever the result is a safe integer
      this.isInt = true;
      this.int = Number.isSafeInteger(v) ? v : lp.readBigInt64LE(p + 1);
    } else {
      this.isInt = false;
      this.strStart = p + lenBytes;
      this.strEnd = p + entryLen;
    }
    this.p = next;
    this.count++;
    return true;
  }

  /** The current entry as a latin1 string (an integer in its decimal form). */
  string(): string {
    if (this.isInt) return String(this.int);
    return latin1String(this.buf, this.strStart, this.strEnd - this.strStart);
  }

  /** Bytes of the current string entry (0 for an integer). */
  get strLength(): number {
    return this.isInt ? 0 : this.strEnd - this.strStart;
  }

  /** After the last `next()`: the entries must end at the terminator and match the count. */
  close(): void {
    if (this.p !== this.last) throw new BlobError('listpack entries do not end at its terminator');
    if (this.numele !== LP_NUMELE_UNKNOWN && this.numele !== this.count) {
      throw new BlobError(`listpack header counts ${this.numele} elements but holds ${this.count}`);
    }
  }
}

/**
 * Validates a listpack as Redis's deep lpValidateIntegrity does and returns its elements
 * as latin1 strings (integers in their decimal form), in an array of exactly their number.
 * Throws BlobError on any defect: header size mismatch, missing terminator, an entry
 * reaching outside the blob, a bad encoding byte, a backlen that disagrees with the entry,
 * or a wrong element count. `start`/`size` select a listpack inside a larger buffer.
 */
export function decodeListpack(lp: Uint8Array, start = 0, size = lp.length - start): string[] {
  const buf = Buffer.isBuffer(lp) ? lp : Buffer.from(lp.buffer, lp.byteOffset, lp.byteLength);
  const r = decoder;
  r.open(buf, start, size);
  const n = r.declared;
  const out: string[] = n >= 0 && n <= PRESIZE_MAX ? new Array<string>(n) : [];
  let i = 0;
  while (r.next()) {
    if (i < out.length) out[i] = r.string();
    else out.push(r.string());
    i++;
  }
  r.close();
  return out;
}

/** decodeListpack's cursor (one per module: decoding never nests). */
const decoder = new ListpackReader();

/** Arrays up to this length are allocated at their final size (V8 keeps larger ones sparse). */
export const PRESIZE_MAX = 16384;
