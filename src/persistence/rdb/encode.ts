/**
 * The RDB serializer's building blocks: a byte output with a staging buffer (`RdbOutput`)
 * and Redis's save functions on top of it — lengths (rdbSaveLen), strings with integer
 * and LZF encodings (rdbSaveRawString), binary doubles, millisecond times — and
 * `writeValue` / `encodeValue`, which serialize one value as rdbSaveObjectType +
 * rdbSaveObject do in Redis 7.0.
 *
 * Byte-exactness with Redis 7.0 (same value, same encoding ⇒ same bytes):
 * - strings: INT8/16/32 when string2ll round-trips and fits (rdbTryIntegerEncoding, only
 *   tried up to 11 bytes), else LZF when compression is on, the string is longer than 20
 *   bytes and LZF fits in length-4 bytes, else raw;
 * - lists: LIST_QUICKLIST_2 with the list's own nodes (kept across save and load, as
 *   Redis keeps them), nodes beyond `list-compress-depth` stored as the LZF blob
 *   quicklist compression would keep; a one-node list still packed since it was loaded
 *   as the node's bytes as read;
 * - hashes: HASH_LISTPACK (insertion order) or HASH; sets: SET_INTSET or SET (a set still
 *   packed since it was loaded: its members in their order); sorted
 *   sets: ZSET_LISTPACK or ZSET_2 (binary scores, highest first), by `encoding()`; a hash
 *   or sorted set still packed since it was loaded (types/packed.ts) as the bytes it was
 *   read from;
 * Where Redis's bytes depend on history Amber does not keep (the order of a hash table,
 * an intset that was once wider), the content
 * is the same and the size is the same or nearly so.
 *
 * Imports the value types and limits only.
 */

import type { Value } from '../../store/values.js';
import type { RList } from '../../types/list.js';
import type { RHash } from '../../types/hash.js';
import type { RSet } from '../../types/set.js';
import { NONE, type RZSet } from '../../types/zset.js';
import { limits } from '../../types/limits.js';
import { formatDouble, string2int } from '../../util/number.js';
import {
  QUICKLIST_NODE_CONTAINER_PACKED,
  QUICKLIST_NODE_CONTAINER_PLAIN,
  RDB_14BITLEN,
  RDB_32BITLEN,
  RDB_64BITLEN,
  RDB_ENC_INT16,
  RDB_ENC_INT32,
  RDB_ENC_INT8,
  RDB_ENC_LZF,
  RDB_ENCVAL,
  RDB_TYPE_HASH,
  RDB_TYPE_HASH_LISTPACK,
  RDB_TYPE_LIST_QUICKLIST_2,
  RDB_TYPE_SET,
  RDB_TYPE_SET_INTSET,
  RDB_TYPE_STRING,
  RDB_TYPE_ZSET_2,
  RDB_TYPE_ZSET_LISTPACK,
} from './constants.js';
import { encodeIntset, encodeSortedIntset } from './intset.js';
import { decodeListpack, ListpackBuilder, SHORT_WRITE, type Latin1Buffer } from './listpack.js';
import { lzfCompress } from './lzf.js';

/**
 * A byte output. In streaming mode (`flushTo` given) full staging buffers are handed to
 * `flushTo`, which takes ownership: a Buffer passed on is never written again, so an
 * asynchronous sink may keep it. Without `flushTo` the buffer grows and `take()` returns
 * everything written.
 */
export class RdbOutput {
  buf: Buffer;
  pos = 0;
  /** Bytes handed to flushTo so far. */
  flushed = 0;

  constructor(
    private readonly capacity = 64 * 1024,
    private readonly flushTo: ((chunk: Buffer) => void) | null = null,
  ) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Bytes written so far (flushed and staged). */
  get length(): number {
    return this.flushed + this.pos;
  }

  /** Hands the staged bytes to flushTo (streaming mode) and starts a fresh buffer. */
  flush(): void {
    if (this.flushTo === null || this.pos === 0) return;
    const chunk = this.buf.subarray(0, this.pos);
    this.flushed += this.pos;
    this.buf = Buffer.allocUnsafe(this.capacity);
    this.pos = 0;
    this.flushTo(chunk);
  }

  /** Makes room for n more bytes in the staging buffer. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.flushTo !== null) {
      this.flush();
      if (n <= this.buf.length) return;
      this.buf = Buffer.allocUnsafe(n);
      return;
    }
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  /** Everything written (non-streaming mode), as a copy. */
  take(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  byte(b: number): void {
    if (this.pos >= this.buf.length) this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /**
   * Raw bytes. Large blocks bypass the staging buffer in streaming mode; `owned` says the
   * caller gives the block away (else it is copied before being handed on).
   */
  bytes(src: Uint8Array, owned = false): void {
    const n = src.length;
    if (this.flushTo !== null && n > this.capacity >> 1) {
      this.flush();
      this.flushed += n;
      this.flushTo(owned && Buffer.isBuffer(src) ? src : Buffer.from(src));
      return;
    }
    this.ensure(n);
    this.buf.set(src, this.pos);
    this.pos += n;
  }

  /** A latin1 string's bytes, raw. */
  latin1(s: string): void {
    const n = s.length;
    if (this.flushTo !== null && n > this.capacity >> 1) {
      this.bytes(Buffer.from(s, 'latin1'), true);
      return;
    }
    this.ensure(n);
    if (n < SHORT_WRITE) {
      const b = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
      this.pos = p;
    } else {
      this.pos += (this.buf as unknown as Latin1Buffer).latin1Write(s, this.pos, n);
    }
  }

  /** An RDB length (rdbSaveLen). */
  len(n: number): void {
    this.ensure(9);
    const b = this.buf;
    if (n < 1 << 6) {
      b[this.pos++] = n;
    } else if (n < 1 << 14) {
      b[this.pos++] = (n >>> 8) | (RDB_14BITLEN << 6);
      b[this.pos++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      b[this.pos++] = RDB_32BITLEN;
      b.writeUInt32BE(n, this.pos);
      this.pos += 4;
    } else {
      b[this.pos++] = RDB_64BITLEN;
      b.writeBigUInt64BE(BigInt(n), this.pos);
      this.pos += 8;
    }
  }

  /** 8-byte little-endian signed milliseconds (rdbSaveMillisecondTime). */
  millis(t: number): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt(Math.trunc(t)), this.pos);
    this.pos += 8;
  }

  /** 8-byte little-endian IEEE double (rdbSaveBinaryDoubleValue). */
  binaryDouble(d: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(d, this.pos);
    this.pos += 8;
  }

  /** The LZF form of a string: marker, compressed length, original length, data. */
  lzfBlob(compressed: Uint8Array, originalLen: number): void {
    this.byte((RDB_ENCVAL << 6) | RDB_ENC_LZF);
    this.len(compressed.length);
    this.len(originalLen);
    this.bytes(compressed);
  }

  /**
   * A string as Redis's rdbSaveRawString writes it: integer-encoded when it is a short
   * integer, LZF-compressed when `compress` and worthwhile, else length + bytes.
   */
  string(s: string, compress: boolean): void {
    const n = s.length;
    if (n <= 11 && n > 0) {
      const c0 = s.charCodeAt(0);
      if ((c0 >= 48 && c0 <= 57) || c0 === 45) {
        const v = string2int(s);
        if (v !== null && this.intEncoded(v)) return;
      }
    }
    if (compress && n > 20) {
      const raw = scratchIn(n);
      (raw as unknown as Latin1Buffer).latin1Write(s, 0, n);
      if (this.tryLzf(raw, n)) return;
    }
    this.len(n);
    if (n > 0) this.latin1(s);
  }

  /** A byte blob (listpack, intset, ...) as rdbSaveRawString writes it (`owned`: see bytes). */
  blob(data: Uint8Array, compress: boolean, owned = false): void {
    const n = data.length;
    // Only a blob starting with a digit or '-' can read as an integer (never a listpack or intset).
    const c0 = n > 0 ? data[0]! : 0;
    if (n <= 11 && n > 0 && ((c0 >= 48 && c0 <= 57) || c0 === 45)) {
      const v = string2int(Buffer.from(data.buffer, data.byteOffset, n).toString('latin1'));
      if (v !== null && this.intEncoded(v)) return;
    }
    if (compress && n > 20 && this.tryLzf(data, n)) return;
    this.len(n);
    this.bytes(data, owned);
  }

  /** rdbEncodeInteger: writes v as INT8/16/32 if it fits; false otherwise. */
  private intEncoded(v: number): boolean {
    const b = (RDB_ENCVAL << 6) as number;
    if (v >= -128 && v <= 127) {
      this.ensure(2);
      this.buf[this.pos++] = b | RDB_ENC_INT8;
      this.buf[this.pos++] = v & 0xff;
      return true;
    }
    if (v >= -32768 && v <= 32767) {
      this.ensure(3);
      this.buf[this.pos++] = b | RDB_ENC_INT16;
      this.buf.writeInt16LE(v, this.pos);
      this.pos += 2;
      return true;
    }
    if (v >= -2147483648 && v <= 2147483647) {
      this.ensure(5);
      this.buf[this.pos++] = b | RDB_ENC_INT32;
      this.buf.writeInt32LE(v, this.pos);
      this.pos += 4;
      return true;
    }
    return false;
  }

  /** rdbSaveLzfStringObject: compress into at most n-4 bytes, or give up. */
  private tryLzf(data: Uint8Array, n: number): boolean {
    const outLen = n - 4;
    const out = scratchOut(outLen);
    const clen = lzfCompress(data, 0, n, out, outLen);
    if (clen === 0) return false;
    this.lzfBlob(out.subarray(0, clen), n);
    return true;
  }
}

let scratchInBuf = Buffer.allocUnsafe(64 * 1024);
let scratchOutBuf = Buffer.allocUnsafe(64 * 1024);

function scratchIn(n: number): Buffer {
  if (scratchInBuf.length < n) scratchInBuf = Buffer.allocUnsafe(Math.max(n, scratchInBuf.length * 2));
  return scratchInBuf;
}

function scratchOut(n: number): Buffer {
  if (scratchOutBuf.length < n + 16) scratchOutBuf = Buffer.allocUnsafe(Math.max(n + 16, scratchOutBuf.length * 2));
  return scratchOutBuf;
}

/** The RDB type byte Redis 7.0 writes for a value (rdbSaveObjectType). */
export function rdbTypeOf(value: Value): number {
  if (typeof value === 'string') return RDB_TYPE_STRING;
  switch (value.kind) {
    case 'list':
      return RDB_TYPE_LIST_QUICKLIST_2;
    case 'hash':
      return value.encoding() === 'listpack' ? RDB_TYPE_HASH_LISTPACK : RDB_TYPE_HASH;
    case 'set':
      return value.encoding() === 'intset' ? RDB_TYPE_SET_INTSET : RDB_TYPE_SET;
    case 'zset':
      return value.encoding() === 'listpack' ? RDB_TYPE_ZSET_LISTPACK : RDB_TYPE_ZSET_2;
  }
}

/**
 * Writes a value's type byte and payload (rdbSaveObjectType + rdbSaveObject). With `key`,
 * writes `type key payload`, the shape of a key in an RDB file.
 */
export function writeValue(out: RdbOutput, value: Value, compress: boolean, key?: string): void {
  if (typeof value === 'string') {
    head(out, RDB_TYPE_STRING, key, compress);
    out.string(value, compress);
    return;
  }
  switch (value.kind) {
    case 'list':
      head(out, RDB_TYPE_LIST_QUICKLIST_2, key, compress);
      writeList(out, value, compress);
      return;
    case 'hash':
      writeHash(out, value, compress, key);
      return;
    case 'set':
      writeSet(out, value, compress, key);
      return;
    case 'zset':
      writeZset(out, value, compress, key);
      return;
  }
}

function head(out: RdbOutput, type: number, key: string | undefined, compress: boolean): void {
  out.byte(type);
  if (key !== undefined) out.string(key, compress);
}

/**
 * Serializes one value as DUMP's body and the snapshot's pre-serialized copy: the type
 * byte followed by the payload (no version, no CRC).
 */
export function encodeValue(value: Value, compression: boolean): Buffer {
  const out = new RdbOutput(typeof value === 'string' ? value.length + 16 : 256);
  writeValue(out, value, compression);
  return out.take();
}

/**
 * The builder every listpack value is assembled in: reset per value and written out from its
 * own buffer (out.blob copies it), so a small hash or zset costs no allocation.
 */
const lpScratch = new ListpackBuilder(64 * 1024);

function writeHash(out: RdbOutput, h: RHash, compress: boolean, key: string | undefined): void {
  const packed = h.packedListpack();
  if (packed !== null) {
    // Loaded packed and not used since: the listpack as it was read (types/packed.ts).
    head(out, RDB_TYPE_HASH_LISTPACK, key, compress);
    out.string(packed, compress);
    return;
  }
  const a = h.flat();
  if (h.encoding() === 'listpack') {
    head(out, RDB_TYPE_HASH_LISTPACK, key, compress);
    const lp = lpScratch;
    lp.reset();
    for (let i = 0; i < a.length; i++) lp.append(a[i]!);
    out.blob(lp.view(), compress);
    return;
  }
  head(out, RDB_TYPE_HASH, key, compress);
  out.len(h.size);
  for (let i = 0; i < a.length; i++) out.string(a[i]!, compress);
}

function writeSet(out: RdbOutput, s: RSet, compress: boolean, key: string | undefined): void {
  const packed = s.packedListpack();
  if (packed !== null) {
    // Loaded packed and not used since: its members, in their order, as a plain SET (Redis
    // 7.0 has no set listpack); each member's string is made here and dropped.
    head(out, RDB_TYPE_SET, key, compress);
    const members = decodeListpack(Buffer.from(packed, 'latin1'));
    out.len(members.length);
    for (let i = 0; i < members.length; i++) out.string(members[i]!, compress);
    return;
  }
  const intset = s.packedIntset();
  if (intset !== null) {
    // An intset loaded packed and not used since: its bytes as read (a width it once needed
    // included, as Redis keeps it).
    head(out, RDB_TYPE_SET_INTSET, key, compress);
    out.string(intset, compress);
    return;
  }
  if (s.encoding() === 'intset') {
    const ints = s.sortedInts();
    const blob = ints !== null ? encodeSortedIntset(ints) : encodeIntset(s.values());
    if (blob !== null) {
      head(out, RDB_TYPE_SET_INTSET, key, compress);
      out.blob(blob, compress);
      return;
    }
  }
  head(out, RDB_TYPE_SET, key, compress);
  out.len(s.size);
  const items = s.tableItems();
  if (items !== null) {
    for (let i = 0; i < items.length; i++) out.string(items[i]!, compress);
  } else {
    for (const m of s.values()) out.string(m, compress);
  }
}

/** 2^62: beyond it Redis's double2ll refuses (scores then go into listpacks as text). */
const DOUBLE2LL_LIMIT = 4611686018427387904;

/** Appends a score to a zset listpack as zzlInsertAt does: an integer when exact, else %.17g. */
export function appendScore(lp: ListpackBuilder, score: number): void {
  if (Number.isInteger(score) && score >= -DOUBLE2LL_LIMIT && score <= DOUBLE2LL_LIMIT) {
    lp.appendInt(Number.isSafeInteger(score) ? (score === 0 ? 0 : score) : BigInt(score));
  } else {
    lp.append(formatDouble(score));
  }
}

function writeZset(out: RdbOutput, z: RZSet, compress: boolean, key: string | undefined): void {
  const packed = z.packedListpack();
  if (packed !== null) {
    head(out, RDB_TYPE_ZSET_LISTPACK, key, compress);
    out.string(packed, compress);
    return;
  }
  if (z.encoding() === 'listpack') {
    head(out, RDB_TYPE_ZSET_LISTPACK, key, compress);
    const lp = lpScratch;
    lp.reset();
    for (let c = z.seekRank(0); c !== NONE; c = z.next(c)) {
      lp.append(z.memberAt(c));
      appendScore(lp, z.scoreAt(c));
    }
    out.blob(lp.view(), compress);
    return;
  }
  head(out, RDB_TYPE_ZSET_2, key, compress);
  out.len(z.size);
  // Redis writes the skiplist from the tail: highest score first.
  for (let c = z.seekRank(z.size - 1); c !== NONE; c = z.prev(c)) {
    out.string(z.memberAt(c), compress);
    out.binaryDouble(z.scoreAt(c));
  }
}

/* ------------------------------------------------------------------ lists */

/** Quicklist compression: minimum node size and minimum saving (MIN_COMPRESS_*). */
const MIN_COMPRESS_BYTES = 48;
const MIN_COMPRESS_IMPROVE = 8;

/**
 * A list as Redis's rdbSaveObject writes a quicklist: one record per node of the list's
 * own layout (packed listpack or PLAIN element), so a list shaped by LPUSH, LINSERT or
 * DEBUG QUICKLIST-PACKED-THRESHOLD saves the bytes Redis's would.
 */
function writeList(out: RdbOutput, list: RList, compress: boolean): void {
  const packed = list.packedListpack();
  if (packed !== null) {
    // One node, loaded packed and not used since: its listpack as it was read (a single
    // node is never compressed, as Redis compresses only between the uncompressed ends).
    out.len(1);
    out.len(QUICKLIST_NODE_CONTAINER_PACKED);
    out.string(packed, compress);
    return;
  }
  const depth = Math.max(0, Math.min(limits.listCompressDepth, 65535));
  const n = list.nodesLength;
  out.len(n);
  let i = 0;
  list.forEachNode((items, start, count, plain) => {
    if (plain) {
      out.len(QUICKLIST_NODE_CONTAINER_PLAIN);
      out.string(items[start]!, compress);
      i++;
      return;
    }
    const lp = lpScratch;
    lp.reset();
    for (let k = start, end = start + count; k < end; k++) lp.append(items[k]!);
    const blob = lp.view();
    out.len(QUICKLIST_NODE_CONTAINER_PACKED);
    // Nodes deeper than list-compress-depth from both ends are LZF-compressed in memory
    // (when that saves enough) and Redis saves that compressed form as is.
    if (depth > 0 && n > depth * 2 && i >= depth && i < n - depth && blob.length >= MIN_COMPRESS_BYTES) {
      const outBuf = scratchOut(blob.length);
      const clen = lzfCompress(blob, 0, blob.length, outBuf, blob.length);
      if (clen !== 0 && clen + MIN_COMPRESS_IMPROVE < blob.length) {
        out.lzfBlob(outBuf.subarray(0, clen), blob.length);
        i++;
        return;
      }
    }
    out.blob(blob, compress);
    i++;
  });
}
