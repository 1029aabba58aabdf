/**
 * RDB reader: parses RDB files of versions 1 to 12 (Redis 2.x … 7.4) and DUMP payloads
 * into Amber values, streaming.
 *
 * API:
 *
 *   const { bytesRead } = readRdb(source, {
 *     aux(name, value)          {},   // AUX fields (redis-ver, ctime, aof-base, ...)
 *     selectDb(dbid)            {},   // SELECTDB
 *     resizeDb(keys, expires)   {},   // RESIZEDB hint for the selected db
 *     function(code)            {},   // a function library's source (FUNCTION/FUNCTION2)
 *     entry(dbid, key, value, expireMs, meta) {},  // every non-empty key, in file order
 *     emptyKey(dbid, key)       {},   // a key whose collection is empty (Redis skips these)
 *     progress(bytesRead)       {},   // about every MB, for INFO loading_* fields
 *   }, { verifyChecksum: true, databases: 16 });
 *
 *   source: a Buffer (a DUMP payload, an AOF preamble read into memory), a file path, or
 *   `{ fd, position }` (reads from an open file starting at `position`; `bytesRead` then
 *   tells an AOF loader where the RDB part of a preamble file ends).
 *
 * - Files are read synchronously in 1 MB chunks (a multi-GB file is never in memory at
 *   once; a single huge string is, as in Redis).
 * - The reader applies no policy: expired keys, duplicate keys and db ranges are the
 *   caller's business (`databases` only turns an out-of-range SELECTDB into an error).
 * - Anything malformed becomes an `RdbError` whose message carries the byte offset:
 *   truncation, bad lengths, corrupt LZF, listpack/ziplist/intset/zipmap blobs that fail
 *   Redis's deep integrity checks, duplicate members, NaN scores, a wrong CRC. Lengths
 *   are checked against the bytes that remain before anything is allocated, and every
 *   loop consumes input, so hostile input can neither crash nor hang the server.
 * - Values Amber cannot hold (streams, module values, 7.4 hashes with field TTLs) are
 *   refused with an error naming the key.
 *
 * `decodeValue(payload)` reads one `type + payload` (a DUMP body) into a value.
 */

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Value } from '../../store/values.js';
import { RHash } from '../../types/hash.js';
import { RList } from '../../types/list.js';
import { RSet } from '../../types/set.js';
import { RZSet } from '../../types/zset.js';
import { limits } from '../../types/limits.js';
import { installPackedDecoder } from '../../types/packed.js';
import { intern } from '../../types/set.js';
import { latin1String, type Latin1Buffer } from '../../util/latin1.js';
import {
  BlobError,
  QUICKLIST_NODE_CONTAINER_PACKED,
  QUICKLIST_NODE_CONTAINER_PLAIN,
  RDB_14BITLEN,
  RDB_32BITLEN,
  RDB_64BITLEN,
  RDB_6BITLEN,
  RDB_ENC_INT16,
  RDB_ENC_INT32,
  RDB_ENC_INT8,
  RDB_ENC_LZF,
  RDB_ENCVAL,
  RDB_MAX_READ_VERSION,
  RDB_MODULE_OPCODE_UINT,
  RDB_OPCODE_AUX,
  RDB_OPCODE_EOF,
  RDB_OPCODE_EXPIRETIME,
  RDB_OPCODE_EXPIRETIME_MS,
  RDB_OPCODE_FREQ,
  RDB_OPCODE_FUNCTION,
  RDB_OPCODE_FUNCTION2,
  RDB_OPCODE_IDLE,
  RDB_OPCODE_MODULE_AUX,
  RDB_OPCODE_RESIZEDB,
  RDB_OPCODE_SELECTDB,
  RDB_TYPE_HASH,
  RDB_TYPE_HASH_LISTPACK,
  RDB_TYPE_HASH_LISTPACK_EX,
  RDB_TYPE_HASH_LISTPACK_EX_PRE_GA,
  RDB_TYPE_HASH_METADATA,
  RDB_TYPE_HASH_METADATA_PRE_GA,
  RDB_TYPE_HASH_ZIPLIST,
  RDB_TYPE_HASH_ZIPMAP,
  RDB_TYPE_LIST,
  RDB_TYPE_LIST_QUICKLIST,
  RDB_TYPE_LIST_QUICKLIST_2,
  RDB_TYPE_LIST_ZIPLIST,
  RDB_TYPE_MODULE,
  RDB_TYPE_MODULE_2,
  RDB_TYPE_SET,
  RDB_TYPE_SET_INTSET,
  RDB_TYPE_SET_LISTPACK,
  RDB_TYPE_STREAM_LISTPACKS,
  RDB_TYPE_STREAM_LISTPACKS_2,
  RDB_TYPE_STREAM_LISTPACKS_3,
  RDB_TYPE_STRING,
  RDB_TYPE_ZSET,
  RDB_TYPE_ZSET_2,
  RDB_TYPE_ZSET_LISTPACK,
  RDB_TYPE_ZSET_ZIPLIST,
  RdbError,
  isObjectType,
  rdbTypeName,
} from './constants.js';
import { Crc64 } from './crc64.js';
import { decodeIntsetValues } from './intset.js';
import { decodeListpack, ListpackBuilder, ListpackReader, lpStringToInt, PRESIZE_MAX } from './listpack.js';
import { lzfDecompress } from './lzf.js';
import { decodeZiplist } from './ziplist.js';
import { decodeZipmap } from './zipmap.js';

/** Per-key attributes set by opcodes before the key (LRU idle seconds, LFU counter). */
export interface KeyMeta {
  idle?: number;
  freq?: number;
}

export interface RdbHandlers {
  aux?(name: string, value: string): void;
  selectDb?(dbid: number): void;
  resizeDb?(dbSize: number, expiresSize: number): void;
  function?(code: string): void;
  /**
   * A key. `span` is where its record lies in the stream (one object reused for every
   * key: copy it to keep it): from its first opcode (an
   * EXPIRETIME_MS, IDLE or FREQ before it, else its type byte) to the end of its value.
   */
  entry(dbid: number, key: string, value: Value, expireMs: number | undefined, meta: KeyMeta | undefined, span: { start: number; end: number }): void;
  emptyKey?(dbid: number, key: string): void;
  progress?(bytesRead: number): void;
}

export interface RdbReadOptions {
  /** Check the trailing CRC64 (a stored 0 means "saved without checksum": never checked). */
  verifyChecksum?: boolean;
  /** The number of databases: a SELECTDB beyond it is an error. */
  databases?: number;
  /** Bytes read from a file per refill (1 MB; tests use a few bytes so that values straddle refills). */
  chunkBytes?: number;
}

export interface RdbReadResult {
  version: number;
  /** Bytes consumed, from the start of the RDB through its checksum. */
  bytesRead: number;
  keys: number;
  emptyKeysSkipped: number;
}

export type RdbSource = Buffer | string | { fd: number; position?: number };

/**
 * DEBUG SET-SKIP-CHECKSUM-VALIDATION: when set, neither RESTORE nor RDB loading checks
 * CRC64s (Redis's server.skip_checksum_validation).
 */
export const debugFlags = { skipChecksumValidation: false };

const CHUNK = 1 << 20;
const EMPTY = Buffer.alloc(0);

/** Decompressed blobs up to this size reuse one buffer (they are decoded on the spot). */
const BLOB_SCRATCH_MAX = 1 << 20;
let blobScratch = Buffer.allocUnsafe(64 * 1024);

/**
 * The byte input: a Buffer, or an fd read in chunks. `need(n)` guarantees n readable
 * bytes at `pos` (or throws "Unexpected EOF"); views into `buf` are valid until the next
 * `need`. The running CRC covers every byte consumed before `crcFrom` is moved.
 */
class Input {
  buf: Buffer;
  pos = 0;
  end: number;
  /** Stream offset of buf[0]. */
  base = 0;
  private filePos: number;
  private readonly fileEnd: number;
  crc: Crc64 | null = null;
  crcFrom = 0;

  constructor(
    source: Buffer | null,
    private readonly fd: number,
    position: number,
    private readonly chunk = CHUNK,
  ) {
    if (source !== null) {
      this.buf = source;
      this.end = source.length;
      this.filePos = 0;
      this.fileEnd = 0;
    } else {
      this.buf = Buffer.allocUnsafe(0);
      this.end = 0;
      this.filePos = position;
      this.fileEnd = fstatSync(fd).size;
    }
  }

  get offset(): number {
    return this.base + this.pos;
  }

  /** Bytes left in the whole stream (buffer plus unread file). */
  get remaining(): number {
    return this.end - this.pos + (this.fd >= 0 ? this.fileEnd - this.filePos : 0);
  }

  fail(message: string): never {
    throw new RdbError(message, this.offset);
  }

  need(n: number): void {
    if (this.pos + n <= this.end) return;
    if (this.fd < 0 || this.remaining < n) this.fail('Unexpected EOF reading RDB file');
    this.refill(n);
  }

  private refill(n: number): void {
    if (this.crc !== null) this.crc.update(this.buf, this.crcFrom, this.pos);
    const keep = this.end - this.pos;
    const size = Math.max(this.chunk, n);
    let nb = this.buf;
    if (nb.length < size || nb.length > 4 * size) nb = Buffer.allocUnsafe(size);
    if (keep > 0) this.buf.copy(nb, 0, this.pos, this.end);
    this.base += this.pos;
    this.buf = nb;
    this.pos = 0;
    this.end = keep;
    this.crcFrom = 0;
    const target = Math.min(nb.length, keep + (this.fileEnd - this.filePos));
    while (this.end < target) {
      const want = target - this.end;
      const got = readSync(this.fd, nb, this.end, want, this.filePos);
      if (got <= 0) this.fail('Unexpected EOF reading RDB file');
      this.end += got;
      this.filePos += got;
    }
    if (this.end < n) this.fail('Unexpected EOF reading RDB file');
  }

  /** Applies the CRC to everything consumed so far. */
  crcCatchUp(): void {
    if (this.crc !== null) this.crc.update(this.buf, this.crcFrom, this.pos);
    this.crcFrom = this.pos;
  }

  u8(): number {
    if (this.pos >= this.end) this.need(1);
    return this.buf[this.pos++]!;
  }

  /** n bytes as a view (valid until the next read). */
  view(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** rdbLoadLen: a length; `isEncoded` is set when it is a special string encoding instead. */
  isEncoded = false;
  len(): number {
    const b0 = this.u8();
    const type = (b0 & 0xc0) >> 6;
    this.isEncoded = false;
    if (type === RDB_ENCVAL) {
      this.isEncoded = true;
      return b0 & 0x3f;
    }
    if (type === RDB_6BITLEN) return b0 & 0x3f;
    if (type === RDB_14BITLEN) return ((b0 & 0x3f) << 8) | this.u8();
    if (b0 === RDB_32BITLEN) {
      this.need(4);
      const v = this.buf.readUInt32BE(this.pos);
      this.pos += 4;
      return v;
    }
    if (b0 === RDB_64BITLEN) {
      this.need(8);
      const v = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`Length ${v} too large`);
      return Number(v);
    }
    this.fail(`Unknown length encoding ${type} in rdbLoadLen()`);
  }

  /** A plain length (an encoded-string marker here is corruption). */
  count(): number {
    const n = this.len();
    if (this.isEncoded) this.fail('Unexpected string encoding where a length was expected');
    return n;
  }

  /**
   * An RDB string as a latin1 JS string; `make` builds it from its bytes (fieldString for a
   * hash field name, valueString for a hash value or set member).
   */
  string(make: (b: Buffer, p: number, n: number) => string = latin1String): string {
    const n = this.len();
    if (!this.isEncoded) {
      if (n > this.remaining) this.fail('Unexpected EOF reading RDB file');
      this.need(n);
      const s = make(this.buf, this.pos, n);
      this.pos += n;
      return s;
    }
    switch (n) {
      case RDB_ENC_INT8:
      case RDB_ENC_INT16:
      case RDB_ENC_INT32:
        return String(this.intEncoded(n));
      case RDB_ENC_LZF:
        return this.lzf().toString('latin1');
      default:
        this.fail(`Unknown RDB string encoding type ${n}`);
    }
  }

  private intEncoded(enc: number): number {
    if (enc === RDB_ENC_INT8) {
      this.need(1);
      return this.buf.readInt8(this.pos++);
    }
    if (enc === RDB_ENC_INT16) {
      this.need(2);
      const v = this.buf.readInt16LE(this.pos);
      this.pos += 2;
      return v;
    }
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /**
   * An LZF string's bytes. `scratch`: into the shared blob buffer (valid until the next
   * blob), for bytes decoded on the spot; else into a fresh Buffer.
   */
  private lzf(scratch = false): Buffer {
    const clen = this.count();
    const len = this.count();
    if (clen > this.remaining) this.fail('Unexpected EOF reading RDB file');
    // A 3-byte back reference expands to at most 264 bytes: a claimed size beyond that
    // ratio is corrupt, and refusing it early avoids allocating from a forged length.
    if (len > clen * 89 + 64) this.fail('Invalid LZF compressed string');
    this.need(clen);
    let out: Buffer;
    if (scratch && len <= BLOB_SCRATCH_MAX) {
      if (blobScratch.length < len) blobScratch = Buffer.allocUnsafe(Math.max(len, blobScratch.length * 2));
      out = blobScratch;
    } else {
      out = Buffer.allocUnsafe(len);
    }
    const got = lzfDecompress(this.buf, this.pos, this.pos + clen, out, len);
    this.pos += clen;
    if (got !== len) this.fail('Invalid LZF compressed string');
    this.lzfLen = len;
    return out;
  }

  /** The decompressed length of the last LZF string (lzf(true) may return a longer buffer). */
  private lzfLen = 0;

  /** Where the last `blob()` left its bytes: blobBuf[blobStart, blobStart + blobLen). */
  blobBuf: Buffer = EMPTY;
  blobStart = 0;
  blobLen = 0;

  /**
   * blob() for a string that may be integer-encoded: such a string's value is returned (no
   * bytes are made for it); otherwise null, and the bytes are where blob() leaves them.
   */
  blobOrInt(): number | null {
    const n = this.len();
    if (this.isEncoded && (n === RDB_ENC_INT8 || n === RDB_ENC_INT16 || n === RDB_ENC_INT32)) return this.intEncoded(n);
    this.blobOf(n);
    return null;
  }

  /**
   * Reads an RDB string (a listpack, intset, ... ) to be decoded on the spot, without a view
   * or copy when it is stored raw: the bytes stay valid until the next read.
   */
  blob(): void {
    this.blobOf(this.len());
  }

  /** blob() once the string's length (or encoding, with isEncoded) `n` has been read. */
  private blobOf(n: number): void {
    if (!this.isEncoded) {
      if (n > this.remaining) this.fail('Unexpected EOF reading RDB file');
      this.need(n);
      this.blobBuf = this.buf;
      this.blobStart = this.pos;
      this.blobLen = n;
      this.pos += n;
      return;
    }
    let b: Buffer;
    switch (n) {
      case RDB_ENC_INT8:
      case RDB_ENC_INT16:
      case RDB_ENC_INT32:
        b = Buffer.from(String(this.intEncoded(n)), 'latin1');
        this.blobLen = b.length;
        break;
      case RDB_ENC_LZF:
        b = this.lzf(true);
        this.blobLen = this.lzfLen;
        break;
      default:
        this.fail(`Unknown RDB string encoding type ${n}`);
    }
    this.blobBuf = b;
    this.blobStart = 0;
  }

  /** The blob as a latin1 string. */
  blobString(): string {
    return latin1String(this.blobBuf, this.blobStart, this.blobLen);
  }

  int32LE(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  int64LE(): number {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return Number(v);
  }

  doubleLE(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** rdbLoadDoubleValue: the text form (old ZSET type): length byte, 253 nan, 254 inf, 255 -inf. */
  textDouble(): number {
    const len = this.u8();
    if (len === 255) return -Infinity;
    if (len === 254) return Infinity;
    if (len === 253) return NaN;
    const s = this.view(len).toString('latin1');
    const v = strtod(s);
    if (v === null) this.fail(`Invalid double value '${s}'`);
    return v;
  }
}

/** C strtod on a prefix: the longest leading number, or null when there is none. */
const STRTOD = /^[ \t\n\v\f\r]*([+-]?(?:inf(?:inity)?|nan|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))/i;
function strtod(s: string): number | null {
  const m = STRTOD.exec(s);
  if (m === null) return null;
  const t = m[1]!.toLowerCase();
  if (t.endsWith('nan')) return NaN;
  if (t.includes('inf')) return t.startsWith('-') ? -Infinity : Infinity;
  return Number(t);
}

/** zzlGetScore on a listpack/ziplist score element: an integer or strtod of the text (0 if none). */
function scoreOf(s: string): number {
  // [-]digits[.digits], what %.17g writes for most scores: Number reads it as strtod does.
  const n = s.length;
  let i = n > 1 && s.charCodeAt(0) === 45 ? 1 : 0;
  let digits = 0;
  let dot = false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && !dot && digits > 0) dot = true;
    else break;
  }
  if (i === n && digits > 0 && s.charCodeAt(n - 1) !== 46) return Number(s);
  const v = strtod(s);
  return v === null ? 0 : v;
}

/** Raised inside value loading for an empty collection (Redis's RDB_LOAD_ERR_EMPTY_KEY). */
class EmptyKey extends Error {}

const MODULE_NAME_CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A module type id's 9-character name (moduleTypeNameByID). */
function moduleName(id: bigint | number): string {
  let v = BigInt(id) >> 10n;
  const chars: string[] = new Array(9);
  for (let j = 8; j >= 0; j--) {
    chars[j] = MODULE_NAME_CHARSET[Number(v & 63n)]!;
    v >>= 6n;
  }
  return chars.join('');
}

/** Reads the module id of a module value (a length, possibly 64-bit). */
function readModuleId(input: Input): bigint {
  const b0 = input.u8();
  if (b0 === RDB_64BITLEN) {
    input.need(8);
    const v = input.buf.readBigUInt64BE(input.pos);
    input.pos += 8;
    return v;
  }
  input.pos--;
  return BigInt(input.count());
}

/** Converts a BlobError thrown while decoding a blob into an RdbError at the current offset. */
function blobFailed(input: Input, what: string, e: unknown): never {
  if (e instanceof BlobError) input.fail(`${what} integrity check failed: ${e.message}`);
  throw e;
}

/** The blob just read (input.blob()) as a validated listpack of strings. */
function listpackItems(input: Input, what: string): string[] {
  try {
    return decodeListpack(input.blobBuf, input.blobStart, input.blobLen);
  } catch (e) {
    blobFailed(input, what, e);
  }
}

/** The blob just read as a validated ziplist of strings. */
function ziplistItems(input: Input, what: string): string[] {
  try {
    return decodeZiplist(input.blobBuf.subarray(input.blobStart, input.blobStart + input.blobLen));
  } catch (e) {
    blobFailed(input, what, e);
  }
}

function checkPairs(input: Input, items: string[], what: string): void {
  if (items.length % 2 !== 0) input.fail(`${what} integrity check failed: odd number of elements`);
}

/** An array for n elements read one by one: exact size when small, grown as read beyond. */
function arrayFor<T>(n: number): T[] {
  return n <= PRESIZE_MAX ? new Array<T>(n) : [];
}

/**
 * arrayFor for scores. A separate `new Array` site on purpose: V8 remembers per allocation
 * site which element kind its arrays ended up with, and the site shared with string arrays
 * hands out generic arrays, where every fractional score is boxed in a 16-byte HeapNumber
 * object of its own. From here a score array holds unboxed doubles.
 */
function scoreArrayFor(n: number): number[] {
  return n <= PRESIZE_MAX ? new Array<number>(n) : [];
}

/** One validating listpack cursor for the loader (never used re-entrantly). */
const lpReader = new ListpackReader();

/**
 * A zset listpack (member, score, member, score, ...) read straight into the two arrays
 * RZSet keeps, scores as numbers; a listpack when it holds at most
 * zset-max-listpack-entries members, as Redis's loader decides.
 */
function zsetFromListpack(input: Input, what: string): RZSet {
  const r = lpReader;
  let members: string[];
  let scores: number[];
  let odd = false;
  try {
    r.open(input.blobBuf, input.blobStart, input.blobLen);
    const declared = r.declared;
    members = arrayFor(declared >= 0 ? declared >> 1 : PRESIZE_MAX + 1);
    scores = scoreArrayFor(members.length);
    let i = 0;
    while (r.next()) {
      const m = r.string();
      if (!r.next()) {
        odd = true;
        break;
      }
      const score = r.isInt ? Number(r.int) : scoreOf(r.string());
      if (Number.isNaN(score)) input.fail(`${what} integrity check failed: NaN score`);
      if (i < members.length) {
        members[i] = m;
        scores[i] = score;
      } else {
        members.push(m);
        scores.push(score);
      }
      i++;
    }
    r.close();
  } catch (e) {
    blobFailed(input, what, e);
  }
  if (odd) input.fail(`${what} integrity check failed: odd number of elements`);
  if (members.length === 0) throw new EmptyKey();
  const z = RZSet.fromPairs(members, scores, members.length <= limits.zsetMaxListpackEntries);
  if (z === null) input.fail(`${what} integrity check failed: duplicate members`);
  return z;
}

/**
 * Packed loading (types/packed.ts): a listpack hash or sorted set of at most this many pairs
 * (Redis's default listpack limits for both), a small plain set, and a list of one listpack
 * node, is kept as its bytes when it passes the checks below, which read the listpack without
 * making a string or an array. Anything else (larger, or a case the checks leave to the
 * decoding path, which then also reports a defect precisely) is decoded as before.
 */
const PACK_MAX_PAIRS = 128;
/** The entries' bytes during a check (integers in decimal): where each starts, and its length. */
const packScratch = Buffer.allocUnsafe(16 * 1024);
const packAt = new Int32Array(PACK_MAX_PAIRS);
const packLen = new Int32Array(PACK_MAX_PAIRS);
/** The scores during a check. */
const packScore = new Float64Array(PACK_MAX_PAIRS);
/** Bytes of packScratch in use during a check. */
let packFill = 0;

/**
 * Copies the reader's current entry (in b) into packScratch as entry k (an integer as its
 * decimal digits); false when it does not fit or is an integer beyond ±2^53.
 */
function packEntry(r: ListpackReader, b: Buffer, k: number): boolean {
  if (r.isInt) return typeof r.int === 'number' && scratchInt(k, r.int);
  return scratchBytes(k, b, r.strStart, r.strEnd - r.strStart);
}

/** Copies b[p, p+n) into packScratch as entry k; false when it does not fit. */
function scratchBytes(k: number, b: Buffer, p: number, n: number): boolean {
  const at = packFill;
  if (at + n > packScratch.length) return false;
  // Byte by byte: entries are short, and Buffer#copy costs a call into C++ each.
  for (let i = 0; i < n; i++) packScratch[at + i] = b[p + i]!;
  packFill = at + n;
  packAt[k] = at;
  packLen[k] = n;
  return true;
}

/** Writes the decimal digits of v (a safe integer) into packScratch as entry k; false when they do not fit. */
function scratchInt(k: number, v: number): boolean {
  const at = packFill;
  if (at + 17 > packScratch.length) return false;
  let p = at;
  if (v < 0) {
    packScratch[p++] = 45;
    v = -v;
  }
  let digits = 1;
  if (v < 0x80000000) {
    // Within 32 bits (every integer-encoded RDB string): integer division.
    for (let t = v; t >= 10; t = (t / 10) | 0) digits++;
    for (let i = digits - 1; i >= 0; i--) {
      packScratch[p + i] = 48 + (v % 10);
      v = (v / 10) | 0;
    }
  } else {
    for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
    for (let i = digits - 1; i >= 0; i--) {
      packScratch[p + i] = 48 + (v % 10);
      v = Math.floor(v / 10);
    }
  }
  packFill = p + digits;
  packAt[k] = at;
  packLen[k] = packFill - at;
  return true;
}

/** memcmp order of entries a and b in packScratch (-1, 0, 1), shorter first on a tie. */
function packCompare(a: number, b: number): number {
  const pa = packAt[a]!;
  const pb = packAt[b]!;
  const la = packLen[a]!;
  const lb = packLen[b]!;
  const n = la < lb ? la : lb;
  for (let i = 0; i < n; i++) {
    const d = packScratch[pa + i]! - packScratch[pb + i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return la === lb ? 0 : la < lb ? -1 : 1;
}

/** Up to this many entries the repeat check compares them pair by pair. */
const PAIRWISE_MAX = 12;
/** The repeat check's table beyond that: entry index + 1 by hash, open addressing (4x the entries). */
const repeatSlots = new Int32Array(4 * PACK_MAX_PAIRS);

/** Whether two of the first n entries of packScratch are equal. */
function packRepeats(n: number): boolean {
  if (n <= PAIRWISE_MAX) {
    for (let i = 1; i < n; i++) {
      for (let j = 0; j < i; j++) if (packLen[i] === packLen[j] && packCompare(i, j) === 0) return true;
    }
    return false;
  }
  let size = 16;
  while (size < 4 * n) size *= 2;
  const mask = size - 1;
  repeatSlots.fill(0, 0, size);
  for (let i = 0; i < n; i++) {
    const at = packAt[i]!;
    const len = packLen[i]!;
    let h = len;
    for (let k = 0; k < len; k++) h = Math.imul(h ^ packScratch[at + k]!, 0x01000193);
    let slot = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const j = repeatSlots[slot]! - 1;
      if (j < 0) {
        repeatSlots[slot] = i + 1;
        break;
      }
      if (packLen[j] === len && packCompare(i, j) === 0) return true;
      slot = (slot + 1) & mask;
    }
  }
  return false;
}

/** Powers of ten a score's fraction is divided by (each one an exact double). */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * A score written as text in a listpack entry, read without making a string when it is
 * [-]digits[.digits] with at most 15 digits (an exact integer divided by an exact power of
 * ten is rounded once, as strtod rounds); any other text through scoreOf.
 */
function packedScore(b: Buffer, p: number, end: number): number {
  let i = p < end && b[p] === 45 ? p + 1 : p;
  const neg = i > p;
  let m = 0;
  let digits = 0;
  let frac = -1;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (frac >= 0) frac++;
    } else if (c === 46 && frac < 0 && digits > 0) frac = 0;
    else break;
  }
  if (i === end && digits > 0 && digits <= 15 && frac !== 0) {
    const v = frac > 0 ? m / POW10[frac]! : m;
    return neg ? -v : v;
  }
  return scoreOf(latin1String(b, p, end - p));
}

/**
 * Runs a packing check over the listpack blob just read: `walk` reads the entries (false
 * stops: decode instead), then the cursor's close checks the end and the count. A defect
 * the cursor finds means "decode instead" too: the decoding path then reports it.
 */
function packable(input: Input, walk: (r: ListpackReader, b: Buffer) => boolean): boolean {
  const r = lpReader;
  try {
    r.open(input.blobBuf, input.blobStart, input.blobLen);
    if (!walk(r, input.blobBuf)) return false;
    r.close();
    return true;
  } catch (e) {
    if (e instanceof BlobError) return false;
    throw e;
  }
}

/**
 * Whether a listpack of `n` declared elements (-1: unknown) holds a pair count the checks
 * take: known, even, at least one pair, at most PACK_MAX_PAIRS and `maxPairs` (the type's
 * listpack limit, past which Redis's loader converts). Starts a check's scratch.
 */
function packablePairs(n: number, maxPairs: number): boolean {
  if (n <= 0 || (n & 1) !== 0 || n >> 1 > PACK_MAX_PAIRS || n >> 1 > maxPairs) return false;
  packFill = 0;
  return true;
}

/**
 * A hash: an even, known count of at most PACK_MAX_PAIRS pairs within
 * hash-max-listpack-entries, and no field twice. False leaves it to hashListpackItems.
 */
function hashWalk(r: ListpackReader, b: Buffer): boolean {
  const n = r.declared;
  if (!packablePairs(n, limits.hashMaxListpackEntries)) return false;
  let i = 0;
  while (r.next()) {
    if ((i & 1) === 0 && !packEntry(r, b, i >> 1)) return false;
    i++;
  }
  return i === n && !packRepeats(n >> 1);
}

/**
 * A sorted set: an even, known count of at most PACK_MAX_PAIRS pairs within
 * zset-max-listpack-entries, scores that are numbers, pairs strictly ascending by (score,
 * member), and no member twice. False leaves it to zsetFromListpack.
 */
function zsetWalk(r: ListpackReader, b: Buffer): boolean {
  const n = r.declared;
  if (!packablePairs(n, limits.zsetMaxListpackEntries)) return false;
  let k = 0;
  while (r.next()) {
    if (!packEntry(r, b, k) || !r.next()) return false;
    const score = r.isInt ? Number(r.int) : packedScore(b, r.strStart, r.strEnd);
    if (Number.isNaN(score)) return false;
    packScore[k] = score;
    if (k > 0) {
      const prev = packScore[k - 1]!;
      if (prev > score || (prev === score && packCompare(k - 1, k) >= 0)) return false;
    }
    k++;
  }
  return 2 * k === n && !packRepeats(k);
}

/** A list's only node: sound entries and a known count of at least one. False leaves it to listpackItems. */
function listWalk(r: ListpackReader): boolean {
  if (r.declared <= 0) return false;
  while (r.next());
  return true;
}

/** The builder a small set's members are packed in (reset per set). */
const setScratch = new ListpackBuilder(1024);

/** Whether b[p, p+n) looks like an integer (an optional '-' and digits), so lpStringToInt must decide. */
function intLike(b: Buffer, p: number, n: number): boolean {
  if (n === 0 || n > 20) return false;
  let i = b[p] === 45 ? 1 : 0;
  if (i === n) return false;
  for (; i < n; i++) {
    const c = b[p + i]!;
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * A plain SET record of n ≤ PACK_MAX_PAIRS members, its count already read. The members are
 * gathered into a listpack (integers as listpack integers, as Redis 7.2's set listpacks hold
 * them) without making a string per member, and their bytes into packScratch. A set Redis's
 * loader makes an intset (every member an integer, at most set-max-intset-entries of them)
 * is decoded from the listpack; any other set is kept packed. Either way a member twice is
 * the decoding path's error.
 */
function smallSet(input: Input, n: number): RSet {
  const lp = setScratch;
  lp.reset();
  packFill = 0;
  let ints = 0;
  let checkable = true;
  for (let k = 0; k < n; k++) {
    const v = input.blobOrInt();
    if (v !== null) {
      lp.appendInt(v);
      ints++;
      checkable = checkable && scratchInt(k, v);
      continue;
    }
    const b = input.blobBuf;
    const p = input.blobStart;
    const len = input.blobLen;
    const int = intLike(b, p, len) ? lpStringToInt(latin1String(b, p, len)) : null;
    if (int !== null) {
      lp.appendInt(int);
      ints++;
    } else {
      lp.appendBytes(b, p, len);
    }
    checkable = checkable && scratchBytes(k, b, p, len);
  }
  if (ints === n || !checkable) {
    // An intset by Redis's rules (or too long to check here): decoded.
    const s = RSet.fromMembers(decodeListpack(lp.view()), true);
    if (s === null) input.fail('Duplicate set members detected');
    return s;
  }
  if (packRepeats(n)) input.fail('Duplicate set members detected');
  return RSet.fromPacked(lp.finishLatin1());
}

/** The blob just read, as the latin1 string a packed value keeps. */
function blobString(input: Input): string {
  return (input.blobBuf as Latin1Buffer).latin1Slice(input.blobStart, input.blobStart + input.blobLen);
}

// Packed values are decoded by the same code that reads them from files.
installPackedDecoder({
  strings: (packed) => decodeListpack(Buffer.from(packed, 'latin1')),
  pairs: (packed) => {
    const items = decodeListpack(Buffer.from(packed, 'latin1'));
    const n = items.length >> 1;
    const members = new Array<string>(n);
    const scores = scoreArrayFor(n);
    for (let i = 0; i < n; i++) {
      members[i] = items[2 * i]!;
      scores[i] = scoreOf(items[2 * i + 1]!);
    }
    return [members, scores];
  },
  ints: (packed) => decodeIntsetValues(Buffer.from(packed, 'latin1')),
});

/**
 * Whether the intset blob just read can be kept packed: a known width, a count that matches
 * its size, at least one member and at most set-max-intset-entries (more: Redis's loader
 * converts it), strictly ascending. Read in place (64-bit members as two 32-bit halves, no
 * bigint made). False leaves it to decodeIntsetValues, which also names a defect.
 */
function packableIntset(input: Input): boolean {
  const b = input.blobBuf;
  const p = input.blobStart;
  const size = input.blobLen;
  if (size < 8) return false;
  const width = b.readUInt32LE(p);
  const count = b.readUInt32LE(p + 4);
  if ((width !== 2 && width !== 4 && width !== 8) || count === 0 || 8 + count * width !== size) return false;
  const max = limits.setMaxIntsetEntries;
  if (count > (max >= 2 ** 30 ? 2 ** 30 : max)) return false;
  let q = p + 8;
  if (width === 8) {
    let hi = b.readInt32LE(q + 4);
    let lo = b.readUInt32LE(q);
    for (let i = 1; i < count; i++) {
      q += 8;
      const h = b.readInt32LE(q + 4);
      const l = b.readUInt32LE(q);
      if (h < hi || (h === hi && l <= lo)) return false;
      hi = h;
      lo = l;
    }
    return true;
  }
  let prev = width === 2 ? b.readInt16LE(q) : b.readInt32LE(q);
  for (let i = 1; i < count; i++) {
    q += width;
    const v = width === 2 ? b.readInt16LE(q) : b.readInt32LE(q);
    if (v <= prev) return false;
    prev = v;
  }
  return true;
}

/** Slots of each short-string cache (a power of two). */
const CACHE_SLOTS = 1024;
/** Longest string the caches keep (intern's limit). */
const CACHE_MAX = 24;
/** Hash field names, interned (intern, types/set.ts). */
const fieldCache: string[] = new Array<string>(CACHE_SLOTS).fill('');
/** Hash values and set members. */
const valueCache: string[] = new Array<string>(CACHE_SLOTS).fill('');

/**
 * A short string read from buf[p, p+n), shared with the last string of the same bytes that
 * fell into the same slot of a small direct-mapped cache: the same few field names ("name",
 * "email") recur in millions of small hashes, and so do many values and set members ("active",
 * "0", a country, a tag). A hit costs no allocation, no string for the garbage collector to
 * copy twice and no bytes in the heap; a miss costs a hash of at most 24 bytes. Field names
 * are also interned on a miss (shared with what HSET interns), values and members are not
 * (intern's table is small and bounded: most of them would only cost it a Map lookup).
 */
function cachedString(cache: string[], internMiss: boolean, b: Buffer, p: number, n: number): string {
  if (n <= 1 || n > CACHE_MAX) return latin1String(b, p, n); // one-char strings are V8's own shared ones
  let h = n;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ b[p + i]!, 0x01000193);
  const slot = (h ^ (h >>> 15)) & (CACHE_SLOTS - 1);
  const cached = cache[slot]!;
  if (cached.length === n) {
    let i = 0;
    while (i < n && cached.charCodeAt(i) === b[p + i]) i++;
    if (i === n) return cached;
  }
  const s = internMiss ? intern(latin1String(b, p, n)) : latin1String(b, p, n);
  cache[slot] = s;
  return s;
}

/** A hash field name (see cachedString). */
function fieldString(b: Buffer, p: number, n: number): string {
  return cachedString(fieldCache, true, b, p, n);
}

/** A hash value or set member (see cachedString). */
function valueString(b: Buffer, p: number, n: number): string {
  return cachedString(valueCache, false, b, p, n);
}

/** A hash listpack's field, value, field, value, ... through fieldString and valueString. */
function hashListpackItems(input: Input, what: string): string[] {
  const r = lpReader;
  try {
    r.open(input.blobBuf, input.blobStart, input.blobLen);
    const declared = r.declared;
    const out = arrayFor<string>(declared >= 0 ? declared : PRESIZE_MAX + 1);
    let i = 0;
    while (r.next()) {
      let s: string;
      if (r.isInt) s = String(r.int);
      else if ((i & 1) === 0) s = fieldString(input.blobBuf, r.strStart, r.strEnd - r.strStart);
      else s = valueString(input.blobBuf, r.strStart, r.strEnd - r.strStart);
      if (i < out.length) out[i] = s;
      else out.push(s);
      i++;
    }
    r.close();
    return out;
  } catch (e) {
    blobFailed(input, what, e);
  }
}

/** Reads one value of RDB type `type` (rdbLoadObject). Throws EmptyKey for empty collections. */
function loadObject(input: Input, type: number, key: string): Value {
  switch (type) {
    case RDB_TYPE_STRING:
      return input.string();

    case RDB_TYPE_LIST: {
      const n = input.count();
      if (n === 0) throw new EmptyKey();
      const l = new RList();
      for (let i = 0; i < n; i++) l.pushTail(input.string());
      return l;
    }

    case RDB_TYPE_SET: {
      const n = input.count();
      if (n === 0) throw new EmptyKey();
      if (n <= PACK_MAX_PAIRS) return smallSet(input, n);
      const members = arrayFor<string>(n);
      for (let i = 0; i < n; i++) members[i] = input.string(valueString);
      const s = RSet.fromMembers(members, true);
      if (s === null) input.fail('Duplicate set members detected');
      return s;
    }

    case RDB_TYPE_ZSET:
    case RDB_TYPE_ZSET_2: {
      const n = input.count();
      if (n === 0) throw new EmptyKey();
      const members = arrayFor<string>(n);
      const scores = scoreArrayFor(n);
      let maxLen = 0;
      let totalLen = 0;
      for (let i = 0; i < n; i++) {
        const m = input.string();
        const score = type === RDB_TYPE_ZSET_2 ? input.doubleLE() : input.textDouble();
        if (Number.isNaN(score)) input.fail('Zset with NAN score detected');
        members[i] = m;
        scores[i] = score;
        if (m.length > maxLen) maxLen = m.length;
        totalLen += m.length;
      }
      // Redis loads a skiplist and converts it when small enough (zsetConvert after loading).
      const listpack = n <= limits.zsetMaxListpackEntries && maxLen <= limits.zsetMaxListpackValue && totalLen < LISTPACK_SAFE_BYTES;
      const z = RZSet.fromPairs(members, scores, listpack);
      if (z === null) input.fail('Duplicate zset fields detected');
      return z;
    }

    case RDB_TYPE_HASH: {
      const n = input.count();
      if (n === 0) throw new EmptyKey();
      const flat = arrayFor<string>(2 * n);
      for (let i = 0; i < 2 * n; i += 2) {
        flat[i] = input.string(fieldString);
        flat[i + 1] = input.string(valueString);
      }
      const h = RHash.fromPairs(flat, true, true);
      if (h === null) input.fail('Duplicate hash fields detected');
      return h;
    }

    case RDB_TYPE_LIST_QUICKLIST:
    case RDB_TYPE_LIST_QUICKLIST_2: {
      const nodes = input.count();
      if (nodes === 0) throw new EmptyKey();
      const l = new RList();
      for (let i = 0; i < nodes; i++) {
        let container = QUICKLIST_NODE_CONTAINER_PACKED;
        if (type === RDB_TYPE_LIST_QUICKLIST_2) {
          container = input.count();
          if (container !== QUICKLIST_NODE_CONTAINER_PACKED && container !== QUICKLIST_NODE_CONTAINER_PLAIN) {
            input.fail('Quicklist integrity check failed.');
          }
        }
        input.blob();
        if (input.blobLen === 0) input.fail('Quicklist node is empty');
        // A list of one listpack node (most small lists) may stay packed.
        if (nodes === 1 && type === RDB_TYPE_LIST_QUICKLIST_2 && container === QUICKLIST_NODE_CONTAINER_PACKED && packable(input, listWalk)) {
          return RList.fromPacked(blobString(input));
        }
        // Each node is kept as saved (Redis quicklistAppendPlainNode / quicklistAppendListpack),
        // so the list saves again byte for byte; an empty listpack is skipped.
        if (container === QUICKLIST_NODE_CONTAINER_PLAIN) {
          l.adoptNode([input.blobString()], true);
          continue;
        }
        l.adoptNode(type === RDB_TYPE_LIST_QUICKLIST_2 ? listpackItems(input, 'Listpack') : ziplistItems(input, 'Ziplist'));
      }
      if (l.length === 0) throw new EmptyKey();
      return l;
    }

    case RDB_TYPE_HASH_ZIPMAP: {
      input.blob();
      let pairs: [string, string][];
      try {
        pairs = decodeZipmap(input.blobBuf.subarray(input.blobStart, input.blobStart + input.blobLen));
      } catch (e) {
        blobFailed(input, 'Zipmap', e);
      }
      const h = new RHash();
      for (const [f, v] of pairs) {
        if (!h.set(f, v)) input.fail(`Hash zipmap with dup elements, or big length (${f.length})`);
      }
      return h;
    }

    case RDB_TYPE_LIST_ZIPLIST: {
      input.blob();
      const items = ziplistItems(input, 'List ziplist');
      if (items.length === 0) throw new EmptyKey();
      const l = new RList();
      for (const it of items) l.pushTail(it);
      return l;
    }

    case RDB_TYPE_SET_INTSET: {
      input.blob();
      if (packableIntset(input)) return RSet.fromPackedIntset(blobString(input));
      let values: (number | bigint)[];
      try {
        values = decodeIntsetValues(input.blobBuf, input.blobStart, input.blobLen);
      } catch (e) {
        blobFailed(input, 'Intset', e);
      }
      return RSet.fromSortedInts(values);
    }

    case RDB_TYPE_SET_LISTPACK: {
      input.blob();
      const items = listpackItems(input, 'Set listpack');
      if (items.length === 0) throw new EmptyKey();
      const s = RSet.fromMembers(items);
      if (s === null) input.fail('Set listpack integrity check failed: duplicate members');
      return s;
    }

    case RDB_TYPE_ZSET_LISTPACK:
      input.blob();
      if (packable(input, zsetWalk)) return RZSet.fromPacked(blobString(input));
      return zsetFromListpack(input, 'Zset listpack');

    case RDB_TYPE_ZSET_ZIPLIST: {
      input.blob();
      const what = 'Zset ziplist';
      const items = ziplistItems(input, what);
      checkPairs(input, items, what);
      if (items.length === 0) throw new EmptyKey();
      const n = items.length >> 1;
      const members = arrayFor<string>(n);
      const scores = scoreArrayFor(n);
      for (let i = 0; i < n; i++) {
        const score = scoreOf(items[2 * i + 1]!);
        if (Number.isNaN(score)) input.fail(`${what} integrity check failed: NaN score`);
        members[i] = items[2 * i]!;
        scores[i] = score;
      }
      const z = RZSet.fromPairs(members, scores, n <= limits.zsetMaxListpackEntries);
      if (z === null) input.fail(`${what} integrity check failed: duplicate members`);
      return z;
    }

    case RDB_TYPE_HASH_ZIPLIST:
    case RDB_TYPE_HASH_LISTPACK: {
      input.blob();
      if (type === RDB_TYPE_HASH_LISTPACK && packable(input, hashWalk)) return RHash.fromPacked(blobString(input));
      const what = type === RDB_TYPE_HASH_LISTPACK ? 'Hash listpack' : 'Hash ziplist';
      const items = type === RDB_TYPE_HASH_LISTPACK ? hashListpackItems(input, what) : ziplistItems(input, what);
      checkPairs(input, items, what);
      if (items.length === 0) throw new EmptyKey();
      const h = RHash.fromPairs(items, false, type === RDB_TYPE_HASH_LISTPACK);
      if (h === null) input.fail(`${what} integrity check failed: duplicate fields`);
      return h;
    }

    case RDB_TYPE_STREAM_LISTPACKS:
    case RDB_TYPE_STREAM_LISTPACKS_2:
    case RDB_TYPE_STREAM_LISTPACKS_3:
      input.fail(`Can't load key '${printable(key)}': stream values (RDB type ${type}) are not supported by Amber`);

    case RDB_TYPE_MODULE:
    case RDB_TYPE_MODULE_2: {
      const id = readModuleId(input);
      input.fail(
        `Can't load key '${printable(key)}': the RDB file contains module data for the module type '${moduleName(id)}' (modules are not supported by Amber)`,
      );
    }

    case RDB_TYPE_HASH_METADATA_PRE_GA:
    case RDB_TYPE_HASH_LISTPACK_EX_PRE_GA:
    case RDB_TYPE_HASH_METADATA:
    case RDB_TYPE_HASH_LISTPACK_EX:
      input.fail(`Can't load key '${printable(key)}': hashes with field expiration (RDB type ${type}, Redis 7.4) are not supported by Amber`);

    default:
      input.fail(`Unknown RDB encoding type ${type}`);
  }
}

/** Redis's lpSafeToAdd limit: a listpack stays below 1 GB. */
const LISTPACK_SAFE_BYTES = 1 << 30;

/** A key as shown in messages: at most 128 bytes, control bytes escaped. */
function printable(key: string): string {
  const k = key.length > 128 ? key.slice(0, 128) + '...' : key;
  return k.replace(/[\x00-\x1f\x7f-\xff]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

/** Reads a whole RDB stream, calling the handlers for what it finds. */
export function readRdb(source: RdbSource, handlers: RdbHandlers, options: RdbReadOptions = {}): RdbReadResult {
  if (typeof source === 'string') {
    const fd = openSync(source, 'r');
    try {
      return readRdb({ fd, position: 0 }, handlers, options);
    } finally {
      closeSync(fd);
    }
  }
  const input = Buffer.isBuffer(source) ? new Input(source, -1, 0) : new Input(null, source.fd, source.position ?? 0, options.chunkBytes);
  return readStream(input, handlers, options);
}

function readStream(input: Input, handlers: RdbHandlers, options: RdbReadOptions): RdbReadResult {
  const verify = (options.verifyChecksum ?? true) && !debugFlags.skipChecksumValidation;
  input.crc = new Crc64();
  input.need(9);
  const magic = input.buf.toString('latin1', input.pos, input.pos + 9);
  if (!magic.startsWith('REDIS')) input.fail('Wrong signature trying to load DB from file');
  input.pos += 9;
  // atoi(buf+5): leading digits of the four version characters.
  const digits = /^\d*/.exec(magic.slice(5))![0];
  const version = digits.length === 0 ? 0 : Number(digits);
  if (version < 1 || version > RDB_MAX_READ_VERSION) input.fail(`Can't handle RDB format version ${version}`);

  let dbid = 0;
  let expireMs: number | undefined;
  let meta: KeyMeta | undefined;
  let keys = 0;
  let empty = 0;
  let lastProgress = 0;

  let recordStart = -1;
  const span = { start: 0, end: 0 };
  for (;;) {
    if (recordStart < 0) recordStart = input.offset;
    const type = input.u8();
    if (type >= RDB_OPCODE_FUNCTION2 && type !== RDB_OPCODE_EXPIRETIME && type !== RDB_OPCODE_EXPIRETIME_MS && type !== RDB_OPCODE_IDLE && type !== RDB_OPCODE_FREQ) {
      recordStart = -1;
    }
    switch (type) {
      case RDB_OPCODE_EXPIRETIME:
        expireMs = input.int32LE() * 1000;
        continue;
      case RDB_OPCODE_EXPIRETIME_MS:
        expireMs = input.int64LE();
        continue;
      case RDB_OPCODE_FREQ:
        meta = { ...meta, freq: input.u8() };
        continue;
      case RDB_OPCODE_IDLE:
        meta = { ...meta, idle: input.count() };
        continue;
      case RDB_OPCODE_SELECTDB: {
        dbid = input.count();
        if (options.databases !== undefined && dbid >= options.databases) {
          input.fail(`Data file was created with a Redis server configured to handle more than ${options.databases} databases`);
        }
        handlers.selectDb?.(dbid);
        continue;
      }
      case RDB_OPCODE_RESIZEDB: {
        const dbSize = input.count();
        const expiresSize = input.count();
        handlers.resizeDb?.(dbSize, expiresSize);
        continue;
      }
      case RDB_OPCODE_AUX: {
        const name = input.string();
        const value = input.string();
        handlers.aux?.(name, value);
        continue;
      }
      case RDB_OPCODE_MODULE_AUX: {
        const id = readModuleId(input);
        input.fail(`The RDB file contains AUX module data I can't load: no matching module '${moduleName(id)}'`);
      }
      case RDB_OPCODE_FUNCTION: {
        // 7.0 rc1/rc2: name, engine, has-description, [description], code.
        const name = input.string();
        const engine = input.string();
        const hasDesc = input.count();
        if (hasDesc !== 0) input.string();
        const code = input.string();
        handlers.function?.(`#!${engine} name=${name}\n${code}`);
        continue;
      }
      case RDB_OPCODE_FUNCTION2:
        handlers.function?.(input.string());
        continue;
      case RDB_OPCODE_EOF:
        break;
      default: {
        if (!isObjectType(type)) input.fail(`Unknown RDB opcode or value type ${type}`);
        const key = input.string();
        let value: Value;
        try {
          value = loadObject(input, type, key);
        } catch (e) {
          if (e instanceof EmptyKey) {
            empty++;
            handlers.emptyKey?.(dbid, key);
            expireMs = undefined;
            meta = undefined;
            recordStart = -1;
            continue;
          }
          throw e;
        }
        keys++;
        span.start = recordStart;
        span.end = input.offset;
        handlers.entry(dbid, key, value, expireMs, meta, span);
        expireMs = undefined;
        meta = undefined;
        recordStart = -1;
        if (handlers.progress !== undefined && input.offset - lastProgress >= CHUNK) {
          lastProgress = input.offset;
          handlers.progress(lastProgress);
        }
        continue;
      }
    }
    break; // EOF opcode
  }

  if (version >= 5) {
    input.crcCatchUp();
    const computed = input.crc!;
    input.need(8);
    const stored = input.buf.readBigUInt64LE(input.pos);
    if (verify && stored !== 0n && !computed.equalsLE(input.buf, input.pos)) {
      input.fail(`RDB CRC error: computed ${computed.value().toString(16)} but the file says ${stored.toString(16)}`);
    }
    input.pos += 8;
  }
  return { version, bytesRead: input.offset, keys, emptyKeysSkipped: empty };
}

/**
 * Decodes one value from `type byte + payload` (a DUMP payload's body; trailing bytes,
 * such as DUMP's version and CRC footer, are ignored as Redis ignores them). Throws
 * RdbError when the bytes are not a valid non-empty value.
 */
export function decodeValue(payload: Buffer, key = ''): Value {
  const input = new Input(payload, -1, 0);
  const type = input.u8();
  if (!isObjectType(type)) input.fail(`Unknown RDB value type ${type}`);
  try {
    return loadObject(input, type, key);
  } catch (e) {
    if (e instanceof EmptyKey) input.fail(`Empty ${rdbTypeName(type)} value`);
    throw e;
  }
}

export { RdbError };
