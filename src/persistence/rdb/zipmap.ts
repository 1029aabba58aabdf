/**
 * Zipmap: the small-hash encoding of Redis before 2.6 (zipmap.c), RDB type HASH_ZIPMAP.
 * Read-only support (plus an encoder for tests).
 *
 * Layout: <count: 1 byte, 254 = unknown> (<len><field><len><free><value><free bytes>)* <0xFF>
 * where <len> is one byte < 254, or 254 followed by a u32 (little-endian, host order on
 * the machines that wrote these files).
 */

import { BlobError } from './constants.js';

const ZIPMAP_BIGLEN = 254;
const ZIPMAP_END = 255;

/** Validates a zipmap as Redis's zipmapValidateIntegrity does; returns [field, value] pairs. */
export function decodeZipmap(zm: Uint8Array): [string, string][] {
  const size = zm.length;
  if (size < 2) throw new BlobError('zipmap shorter than its header');
  if (zm[size - 1] !== ZIPMAP_END) throw new BlobError('zipmap does not end with its terminator');
  const buf = Buffer.isBuffer(zm) ? zm : Buffer.from(zm.buffer, zm.byteOffset, zm.byteLength);
  const last = size - 1;
  const out: [string, string][] = [];
  let p = 1;
  const readLen = (): number => {
    if (p > last) throw new BlobError('zipmap entry runs past the end');
    const b = zm[p]!;
    if (b < ZIPMAP_BIGLEN) {
      p += 1;
      return b;
    }
    if (p + 5 > last) throw new BlobError('zipmap entry runs past the end');
    const l = buf.readUInt32LE(p + 1);
    p += 5;
    return l;
  };
  while (p <= last && zm[p] !== ZIPMAP_END) {
    const flen = readLen();
    const fstart = p;
    p += flen;
    if (p > last) throw new BlobError('zipmap entry runs past the end');
    const vlen = readLen();
    if (p > last) throw new BlobError('zipmap entry runs past the end');
    const free = zm[p]!;
    p++;
    const vstart = p;
    p += vlen + free;
    if (p > last) throw new BlobError('zipmap entry runs past the end');
    out.push([buf.toString('latin1', fstart, fstart + flen), buf.toString('latin1', vstart, vstart + vlen)]);
  }
  if (out.length === 0) throw new BlobError('zipmap is empty');
  if (zm[0] !== ZIPMAP_BIGLEN && zm[0] !== out.length) throw new BlobError('zipmap count does not match its entries');
  return out;
}

/** Builds a zipmap (no free bytes), as Redis 2.4 wrote small hashes. */
export function encodeZipmap(pairs: Iterable<[string, string]>): Buffer {
  const parts: Buffer[] = [];
  let count = 0;
  const len = (l: number): Buffer => {
    if (l < ZIPMAP_BIGLEN) return Buffer.from([l]);
    const b = Buffer.alloc(5);
    b[0] = ZIPMAP_BIGLEN;
    b.writeUInt32LE(l, 1);
    return b;
  };
  for (const [f, v] of pairs) {
    parts.push(len(f.length), Buffer.from(f, 'latin1'), len(v.length), Buffer.from([0]), Buffer.from(v, 'latin1'));
    count++;
  }
  return Buffer.concat([Buffer.from([count < ZIPMAP_BIGLEN ? count : ZIPMAP_BIGLEN]), ...parts, Buffer.from([ZIPMAP_END])]);
}
