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

let scratch = Buffer.allocUnsafe(4096);

/**
 * The intset blob of members already sorted ascending and distinct, each a number (exact
 * integers within ±(2^53-1)) or a bigint beyond: RSet's own intset array. Returns a view
 * of a shared buffer, valid until the next call.
 */
export function encodeSortedIntset(values: readonly (number | bigint)[]): Buffer {
  const n = values.length;
  const min = n === 0 ? 0 : values[0]!;
  const max = n === 0 ? 0 : values[n - 1]!;
  const width = min < -2147483648 || max > 2147483647 ? 8 : min < -32768 || max > 32767 ? 4 : 2;
  const size = 8 + n * width;
  if (scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, scratch.length * 2));
  const out = scratch;
  out.writeUInt32LE(width, 0);
  out.writeUInt32LE(n, 4);
  let p = 8;
  if (width === 2) {
    for (let i = 0; i < n; i++, p += 2) out.writeInt16LE(values[i] as number, p);
  } else if (width === 4) {
    for (let i = 0; i < n; i++, p += 4) out.writeInt32LE(values[i] as number, p);
  } else {
    for (let i = 0; i < n; i++, p += 8) {
      const v = values[i]!;
      out.writeBigInt64LE(typeof v === 'bigint' ? v : BigInt(v), p);
    }
  }
  return out.subarray(0, size);
}

/**
 * Validates an intset as Redis's deep intsetValidateIntegrity does (known width, size
 * matching the count, not empty, strictly ascending) and returns its members in order:
 * numbers, or bigints beyond ±(2^53-1) (the form RSet keeps). `start`/`size` select the
 * blob inside a larger buffer.
 */
export function decodeIntsetValues(blob: Uint8Array, start = 0, size = blob.length - start): (number | bigint)[] {
  if (size < 8) throw new BlobError('intset shorter than its header');
  const buf = Buffer.isBuffer(blob) ? blob : Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const width = buf.readUInt32LE(start);
  if (width !== 2 && width !== 4 && width !== 8) throw new BlobError(`intset has an invalid encoding ${width}`);
  const count = buf.readUInt32LE(start + 4);
  if (8 + count * width !== size) throw new BlobError('intset size does not match its count');
  if (count === 0) throw new BlobError('intset is empty');
  const out: (number | bigint)[] = count <= 16384 ? new Array(count) : [];
  let prev = -Infinity as number | bigint;
  for (let i = 0, p = start + 8; i < count; i++, p += width) {
    let v: number | bigint;
    if (width === 2) v = buf.readInt16LE(p);
    else if (width === 4) v = buf.readInt32LE(p);
    else {
      const big = buf.readBigInt64LE(p);
      v = big >= -MAX_SAFE && big <= MAX_SAFE ? Number(big) : big;
    }
    if (v <= prev) throw new BlobError('intset values are not strictly ascending');
    prev = v;
    if (i < out.length) out[i] = v;
    else out.push(v);
  }
  return out;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** decodeIntsetValues with the members as decimal strings. */
export function decodeIntset(blob: Uint8Array): string[] {
  return decodeIntsetValues(blob).map(String);
}
