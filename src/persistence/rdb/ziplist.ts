/**
 * Ziplist: the compact list encoding Redis used before 7.0 (ziplist.c). Amber only reads
 * it (RDB types LIST_ZIPLIST, ZSET_ZIPLIST, HASH_ZIPLIST and LIST_QUICKLIST nodes from
 * older files); the encoder exists so tests can build such files.
 *
 * Layout:
 *   <zlbytes u32 LE> <zltail u32 LE: offset of the last entry> <zllen u16 LE, 65535 = unknown>
 *   <entry>* <0xFF>
 *   entry = <prevlen: 1 byte < 254, or 0xFE + u32 LE> <encoding> <data>
 *
 * | encoding byte | meaning                                         |
 * |---------------|-------------------------------------------------|
 * | `00pppppp`    | string, 6-bit length                            |
 * | `01pppppp q`  | string, 14-bit length (big-endian)              |
 * | `10000000` +4 | string, 32-bit length (big-endian)              |
 * | `0xC0`        | int16 LE      | `0xD0` int32 LE | `0xE0` int64 LE |
 * | `0xF0`        | int24 LE      | `0xFE` int8                     |
 * | `0xF1..0xFD`  | immediate 0..12 (low nibble - 1)                |
 *
 * The decoder validates as Redis's deep ziplistValidateIntegrity does.
 */

import { BlobError } from './constants.js';
import { string2ll } from '../../util/number.js';

const ZL_HEADER = 10;
const ZIP_END = 0xff;
const ZIP_BIG_PREVLEN = 254;

/** Validates a ziplist and returns its entries as latin1 strings. Throws BlobError. */
export function decodeZiplist(zl: Uint8Array): string[] {
  const size = zl.length;
  if (size < ZL_HEADER + 1) throw new BlobError('ziplist shorter than its header');
  const buf = Buffer.isBuffer(zl) ? zl : Buffer.from(zl.buffer, zl.byteOffset, zl.byteLength);
  const bytes = buf.readUInt32LE(0);
  if (bytes !== size) throw new BlobError(`ziplist header says ${bytes} bytes but the blob has ${size}`);
  if (zl[size - 1] !== ZIP_END) throw new BlobError('ziplist does not end with its terminator');
  const tail = buf.readUInt32LE(4);
  if (tail > size - 1) throw new BlobError('ziplist tail offset points outside the blob');
  const headerCount = buf.readUInt16LE(8);
  const last = size - 1; // the terminator's index
  const out: string[] = [];
  let p = ZL_HEADER;
  let prev = -1;
  let prevRawSize = 0;
  while (p <= last && zl[p] !== ZIP_END) {
    // prevlen
    let prevlenSize: number;
    let prevlen: number;
    if (zl[p]! < ZIP_BIG_PREVLEN) {
      prevlenSize = 1;
      prevlen = zl[p]!;
    } else {
      prevlenSize = 5;
      if (p + 5 > last) throw new BlobError('ziplist entry header runs past the end');
      prevlen = buf.readUInt32LE(p + 1);
    }
    if (p + prevlenSize > last) throw new BlobError('ziplist entry header runs past the end');
    const e = p + prevlenSize;
    let enc = zl[e]!;
    if (enc < 0xc0) enc &= 0xc0;
    let lensize: number;
    let len: number;
    if (enc === 0x00) {
      lensize = 1;
      len = zl[e]! & 0x3f;
    } else if (enc === 0x40) {
      lensize = 2;
      if (e + 2 > last) throw new BlobError('ziplist entry header runs past the end');
      len = ((zl[e]! & 0x3f) << 8) | zl[e + 1]!;
    } else if (enc === 0x80) {
      lensize = 5;
      if (e + 5 > last) throw new BlobError('ziplist entry header runs past the end');
      len = buf.readUInt32BE(e + 1);
    } else {
      lensize = 1;
      if (enc === 0xfe) len = 1;
      else if (enc === 0xc0) len = 2;
      else if (enc === 0xf0) len = 3;
      else if (enc === 0xd0) len = 4;
      else if (enc === 0xe0) len = 8;
      else if (enc >= 0xf1 && enc <= 0xfd) len = 0;
      else throw new BlobError(`ziplist entry has an invalid encoding byte 0x${enc.toString(16)}`);
    }
    const headersize = prevlenSize + lensize;
    const end = p + headersize + len;
    if (end > last) throw new BlobError('ziplist entry runs past the end');
    if (p - prevlen < ZL_HEADER) throw new BlobError('ziplist entry prevlen points before the first entry');
    if (prevlen !== prevRawSize) throw new BlobError('ziplist entry prevlen does not match the previous entry');
    const d = e + lensize;
    switch (enc) {
      case 0x00:
      case 0x40:
      case 0x80:
        out.push(buf.toString('latin1', d, d + len));
        break;
      case 0xfe:
        out.push(String(buf.readInt8(d)));
        break;
      case 0xc0:
        out.push(String(buf.readInt16LE(d)));
        break;
      case 0xf0:
        out.push(String(buf.readIntLE(d, 3)));
        break;
      case 0xd0:
        out.push(String(buf.readInt32LE(d)));
        break;
      case 0xe0:
        out.push(String(buf.readBigInt64LE(d)));
        break;
      default:
        out.push(String((enc & 0x0f) - 1));
    }
    prevRawSize = headersize + len;
    prev = p;
    p = end;
  }
  if (p !== last) throw new BlobError('ziplist entries do not end at its terminator');
  if (prev !== -1 && prev !== tail) throw new BlobError('ziplist tail offset does not point at the last entry');
  if (headerCount !== 0xffff && headerCount !== out.length) {
    throw new BlobError(`ziplist header counts ${headerCount} entries but holds ${out.length}`);
  }
  return out;
}

/** Builds a ziplist the way Redis's ziplistPush (at the tail) did. */
export function encodeZiplist(elements: Iterable<string>): Buffer {
  const parts: Buffer[] = [];
  let prevlen = 0;
  let offset = ZL_HEADER;
  let tail = ZL_HEADER;
  let count = 0;
  for (const s of elements) {
    const head: number[] = [];
    if (prevlen < ZIP_BIG_PREVLEN) head.push(prevlen);
    else head.push(ZIP_BIG_PREVLEN, prevlen & 0xff, (prevlen >>> 8) & 0xff, (prevlen >>> 16) & 0xff, prevlen >>> 24);
    let data: Buffer;
    const v = s.length > 0 && s.length < 32 ? string2ll(s) : null;
    if (v !== null) {
      if (v >= 0n && v <= 12n) {
        head.push(0xf1 + Number(v));
        data = Buffer.alloc(0);
      } else if (v >= -128n && v <= 127n) {
        head.push(0xfe);
        data = Buffer.alloc(1);
        data.writeInt8(Number(v));
      } else if (v >= -32768n && v <= 32767n) {
        head.push(0xc0);
        data = Buffer.alloc(2);
        data.writeInt16LE(Number(v));
      } else if (v >= -8388608n && v <= 8388607n) {
        head.push(0xf0);
        data = Buffer.alloc(3);
        data.writeIntLE(Number(v), 0, 3);
      } else if (v >= -2147483648n && v <= 2147483647n) {
        head.push(0xd0);
        data = Buffer.alloc(4);
        data.writeInt32LE(Number(v));
      } else {
        head.push(0xe0);
        data = Buffer.alloc(8);
        data.writeBigInt64LE(v);
      }
    } else {
      const len = s.length;
      if (len <= 0x3f) head.push(len);
      else if (len <= 0x3fff) head.push(0x40 | (len >>> 8), len & 0xff);
      else head.push(0x80, len >>> 24, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff);
      data = Buffer.from(s, 'latin1');
    }
    const entry = Buffer.concat([Buffer.from(head), data]);
    tail = offset;
    parts.push(entry);
    offset += entry.length;
    prevlen = entry.length;
    count++;
  }
  const total = offset + 1;
  const header = Buffer.alloc(ZL_HEADER);
  header.writeUInt32LE(total, 0);
  header.writeUInt32LE(tail, 4);
  header.writeUInt16LE(count >= 0xffff ? 0xffff : count, 8);
  return Buffer.concat([header, ...parts, Buffer.from([ZIP_END])]);
}
