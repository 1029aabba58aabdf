/**
 * Dataset digests as Redis 7.0 computes them for DEBUG DIGEST and DEBUG DIGEST-VALUE
 * (debug.c computeDatasetDigest / xorObjectDigest), so the same dataset gives the same
 * 40-hex-digit digest in Amber and in Redis. Tests use it to compare a dataset before and
 * after a save and reload, and across the two servers.
 *
 * Two SHA1 combinators:
 * - xor(d, data):  d ^= SHA1(data)          — order-free, for unordered elements;
 * - mix(d, data):  d = SHA1(d ^ SHA1(data)) — order-sensitive, for sequences.
 * Per key: mix(key), mix(type as a big-endian u32), then the value (a string: mix; list
 * elements: mix each; set members: xor each; hash fields and sorted-set members: a fresh
 * digest of mix(field) mix(value) — the score as %.17g — xored in), then xor
 * "!!expire!!" if the key has a TTL. Per database with keys: mix(db index as a
 * big-endian u32) into the total, then every key's digest xor-ed in with xor(). An empty dataset is
 * forty zeros.
 *
 * Keys whose TTL has passed but that are still in the table count (Redis walks the table
 * without lazy expiry).
 *
 * Imports the store and the value types.
 */

import { createHash } from 'node:crypto';
import type { Db } from '../store/db.js';
import type { Store } from '../store/store.js';
import type { Value } from '../store/values.js';
import { formatDouble } from '../util/number.js';
import { OBJ_HASH, OBJ_LIST, OBJ_SET, OBJ_STRING, OBJ_ZSET } from './rdb/constants.js';

function sha1(data: string | Uint8Array): Buffer {
  const h = createHash('sha1');
  if (typeof data === 'string') h.update(data, 'latin1');
  else h.update(data);
  return h.digest();
}

function xorDigest(digest: Buffer, data: string | Uint8Array): void {
  const h = sha1(data);
  for (let i = 0; i < 20; i++) digest[i]! ^= h[i]!;
}

function mixDigest(digest: Buffer, data: string | Uint8Array): void {
  xorDigest(digest, data);
  sha1(digest).copy(digest);
}

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

const EXPIRE_MARK = '!!expire!!';

function objType(v: Value): number {
  if (typeof v === 'string') return OBJ_STRING;
  switch (v.kind) {
    case 'list':
      return OBJ_LIST;
    case 'set':
      return OBJ_SET;
    case 'zset':
      return OBJ_ZSET;
    case 'hash':
      return OBJ_HASH;
  }
}

/** xorObjectDigest: mixes a value (and its TTL flag) into `digest`. */
function objectDigest(digest: Buffer, v: Value, hasExpire: boolean): void {
  mixDigest(digest, u32be(objType(v)));
  if (typeof v === 'string') {
    mixDigest(digest, v);
  } else {
    switch (v.kind) {
      case 'list':
        for (const e of v.values()) mixDigest(digest, e);
        break;
      case 'set':
        for (const m of v.values()) xorDigest(digest, m);
        break;
      case 'zset': {
        // A listpack zset holds an integral score as an integer, so -0 reads back as 0.
        const listpack = v.encoding() === 'listpack';
        const ele = Buffer.alloc(20);
        for (const [m, score] of v.entries()) {
          ele.fill(0);
          mixDigest(ele, m);
          mixDigest(ele, formatDouble(listpack && score === 0 ? 0 : score));
          xorDigest(digest, ele);
        }
        break;
      }
      case 'hash': {
        const ele = Buffer.alloc(20);
        for (const [f, val] of v.entries()) {
          ele.fill(0);
          mixDigest(ele, f);
          mixDigest(ele, val);
          xorDigest(digest, ele);
        }
        break;
      }
    }
  }
  if (hasExpire) xorDigest(digest, EXPIRE_MARK);
}

/** DEBUG DIGEST: the whole dataset's digest as 40 hex digits. */
export function datasetDigest(store: Store): string {
  const total = Buffer.alloc(20);
  const digest = Buffer.alloc(20);
  for (const db of store.dbs) {
    if (db.dict.size === 0) continue;
    mixDigest(total, u32be(db.id));
    const expires = db.expires;
    for (const [key, value] of db.dict.entries()) {
      digest.fill(0);
      mixDigest(digest, key);
      objectDigest(digest, value, expires.size !== 0 && expires.has(key));
      xorDigest(total, digest);
    }
  }
  return total.toString('hex');
}

/**
 * DEBUG DIGEST-VALUE: one key's value digest (not mixed with the key name), 40 zeros for
 * a missing key. Logically expired keys still in the table are digested.
 */
export function valueDigest(db: Db, key: string): string {
  const digest = Buffer.alloc(20);
  const value = db.dict.get(key);
  if (value !== undefined) objectDigest(digest, value, db.expires.size !== 0 && db.expires.has(key));
  return digest.toString('hex');
}
