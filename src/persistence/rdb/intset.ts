/**
 * Intset: Redis's sorted array of integers (intset.c), the blob of RDB type SET_INTSET.
 *
 * Layout: <encoding u32 LE: 2, 4 or 8 (bytes per value)> <length u32 LE> <values, ascending, LE>
 *
 * The width is the smallest that holds every member (int16, int32, int64), which is what
 * Redis has for a set built by SADD (Redis never narrows an intset after SREM; a set
 * that once held a wide value and lost it is the one case where bytes can differ).
 */

import { BlobError } from './constants.js';
import { string2ll } from '../../util/number.js';

/**
 * Encodes members (each an integer string as string2ll accepts it) as an intset blob.
 * Returns null when some member is not such an integer.
 */
export function encodeIntset(members: Iterable<string>): Buffer | null {
  const values: bigint[] = [];
  let min = 0n;
  let max = 0n;
  for (const m of members) {
    const v = string2ll(m);
    if (v === null) return null;
    values.push(v);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const width = min < -2147483648n || max > 2147483647n ? 8 : min < -32768n || max > 32767n ? 4 : 2;
  const out = Buffer.allocUnsafe(8 + values.length * width);
  out.writeUInt32LE(width, 0);
  out.writeUInt32LE(values.length, 4);
  let p = 8;
  for (const v of values) {
    if (width === 2) out.writeInt16LE(Number(v), p);
    else if (width === 4) out.writeInt32LE(Number(v), p);
    else out.writeBigInt64LE(v, p);
    p += width;
  }
  return out;
}

/**
 * Validates an intset as Redis's deep intsetValidateIntegrity does (known width, size
 * matching the count, not empty, strictly ascending) and returns the members as strings.
 */
export function decodeIntset(blob: Uint8Array): string[] {
  if (blob.length < 8) throw new BlobError('intset shorter than its header');
  const buf = Buffer.isBuffer(blob) ? blob : Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const width = buf.readUInt32LE(0);
  if (width !== 2 && width !== 4 && width !== 8) throw new BlobError(`intset has an invalid encoding ${width}`);
  const count = buf.readUInt32LE(4);
  if (8 + count * width !== blob.length) throw new BlobError('intset size does not match its count');
  if (count === 0) throw new BlobError('intset is empty');
  const out: string[] = new Array(count);
  let prev: bigint | number | null = null;
  for (let i = 0, p = 8; i < count; i++, p += width) {
    const v: number | bigint = width === 2 ? buf.readInt16LE(p) : width === 4 ? buf.readInt32LE(p) : buf.readBigInt64LE(p);
    if (prev !== null && v <= prev) throw new BlobError('intset values are not strictly ascending');
    prev = v;
    out[i] = String(v);
  }
  return out;
}
