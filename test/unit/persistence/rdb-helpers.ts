/**
 * Shared helpers for the RDB tests: fixture files made by a real redis-server 7.0.15
 * (scripts/gen-rdb-fixtures.mjs), a seeded random generator, values with a chosen
 * encoding, and a reader that collects everything in a file.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lzfDecompress } from '../../../src/persistence/rdb/lzf.js';
import { readRdb, type RdbReadResult } from '../../../src/persistence/rdb/reader.js';
import type { Value } from '../../../src/store/values.js';
import { RHash } from '../../../src/types/hash.js';
import { RList } from '../../../src/types/list.js';
import { RSet } from '../../../src/types/set.js';
import { RZSet } from '../../../src/types/zset.js';
export { mulberry32 as rng } from '../../helpers/random.js';

/** test/fixtures/rdb, found from the working directory (tests run from the repo root). */
export function fixtureDir(): string {
  let dir = process.cwd();
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'test/fixtures/rdb');
    if (existsSync(candidate)) return candidate;
    dir = resolve(dir, '..');
  }
  throw new Error('test/fixtures/rdb not found from ' + process.cwd());
}

export function fixture(name: string): Buffer {
  return readFileSync(join(fixtureDir(), name));
}

export interface ExpectedKey {
  key: string;
  type: string;
  encoding: string;
  dump: string | null;
  digest: string;
}

export interface ExpectedFile {
  digest: string;
  keys?: ExpectedKey[];
  listCompressDepth?: number;
}

export function expected(): Record<string, ExpectedFile> {
  return JSON.parse(readFileSync(join(fixtureDir(), 'expected.json'), 'utf8')) as Record<string, ExpectedFile>;
}

/**
 * A copy of a value whose `encoding()` reports `enc` (Redis's OBJECT ENCODING name), built
 * through the persistence surface only, so codec tests do not depend on when the data
 * types convert.
 */
export function withEncoding(v: Value, enc: string): Value {
  if (typeof v === 'string') return v;
  switch (v.kind) {
    case 'list': {
      const l = new RList();
      for (const e of v.values()) l.pushTail(e);
      return l;
    }
    case 'hash': {
      const h = new (class extends RHash {
        override encoding(): 'listpack' | 'hashtable' {
          return enc as 'listpack' | 'hashtable';
        }
      })();
      for (const [f, val] of v.entries()) h.set(f, val);
      return h;
    }
    case 'set': {
      const s = new (class extends RSet {
        override encoding(): 'intset' | 'hashtable' {
          return enc as 'intset' | 'hashtable';
        }
      })();
      for (const m of v.values()) s.add(m);
      return s;
    }
    case 'zset': {
      const z = new (class extends RZSet {
        override encoding(): 'listpack' | 'skiplist' {
          return enc as 'listpack' | 'skiplist';
        }
      })();
      for (const [m, score] of v.entries()) z.add(m, score);
      return z;
    }
  }
}

/** A value as comparable text: collections by their persistence surface, sets sorted. */
export function repr(v: Value): string {
  if (typeof v === 'string') return 's:' + JSON.stringify(v);
  switch (v.kind) {
    case 'list':
      return 'l:' + JSON.stringify([...v.values()]);
    case 'hash':
      return 'h:' + JSON.stringify([...v.entries()].sort());
    case 'set':
      return 'S:' + JSON.stringify([...v.values()].sort());
    case 'zset':
      return 'z:' + JSON.stringify([...v.entries()].map(([m, s]) => [m, String(s)]));
  }
}

export interface ReadEntry {
  db: number;
  key: string;
  value: Value;
  expireMs: number | undefined;
  span: { start: number; end: number };
}

export interface ReadAll extends RdbReadResult {
  aux: [string, string][];
  functions: string[];
  entries: ReadEntry[];
  resize: [number, number, number][];
}

/** Reads a whole RDB (Buffer, path or fd) and collects what the handlers saw. */
export function readAll(source: Parameters<typeof readRdb>[0], opts: Parameters<typeof readRdb>[2] = {}): ReadAll {
  const aux: [string, string][] = [];
  const functions: string[] = [];
  const entries: ReadEntry[] = [];
  const resize: [number, number, number][] = [];
  let db = 0;
  const r = readRdb(
    source,
    {
      aux: (n, v) => aux.push([n, v]),
      function: (code) => functions.push(code),
      selectDb: (id) => (db = id),
      resizeDb: (k, e) => resize.push([db, k, e]),
      entry: (dbid, key, value, expireMs, _meta, span) => entries.push({ db: dbid, key, value, expireMs, span: { ...span } }),
    },
    opts,
  );
  return { ...r, aux, functions, entries, resize };
}

/** Parses one RDB length at pos: [value, next, isEncoding]. */
function rdbLen(b: Buffer, pos: number): [number, number, boolean] {
  const b0 = b[pos]!;
  const t = b0 >> 6;
  if (t === 3) return [b0 & 0x3f, pos + 1, true];
  if (t === 0) return [b0 & 0x3f, pos + 1, false];
  if (t === 1) return [((b0 & 0x3f) << 8) | b[pos + 1]!, pos + 2, false];
  if (b0 === 0x80) return [b.readUInt32BE(pos + 1), pos + 5, false];
  return [Number(b.readBigUInt64BE(pos + 1)), pos + 9, false];
}

/** Parses one RDB string at pos (plain, int-encoded or LZF): [latin1 text, next]. */
export function rdbString(b: Buffer, pos: number): [string, number] {
  const [n, p, enc] = rdbLen(b, pos);
  if (!enc) return [b.toString('latin1', p, p + n), p + n];
  if (n === 0) return [String(b.readInt8(p)), p + 1];
  if (n === 1) return [String(b.readInt16LE(p)), p + 2];
  if (n === 2) return [String(b.readInt32LE(p)), p + 4];
  const [clen, p2] = rdbLen(b, p);
  const [len, p3] = rdbLen(b, p2);
  const out = Buffer.alloc(len);
  if (lzfDecompress(b, p3, p3 + clen, out, len) !== len) throw new Error('bad LZF in fixture');
  return [out.toString('latin1'), p3 + clen];
}

/**
 * The elements of a SET (type 2) or HASH (type 4) record, in the order they appear in the
 * file (a hash table's order, which only the file knows). `segment` is a key's record:
 * optional EXPIRETIME_MS, type byte, key, count, elements.
 */
export function hashTableOrder(segment: Buffer): string[] {
  let p = 0;
  if (segment[p] === 252) p += 9;
  const type = segment[p++]!;
  [, p] = rdbString(segment, p);
  const [count, p2] = rdbLen(segment, p);
  p = p2;
  const n = type === 4 ? count * 2 : count;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const [s, next] = rdbString(segment, p);
    out.push(s);
    p = next;
  }
  return out;
}

/** A set or hash with a fixed iteration order and encoding (only the persistence surface). */
export function orderedValue(kind: 'set' | 'hash', items: string[], enc: string): Value {
  if (kind === 'set') {
    return {
      kind: 'set',
      size: items.length,
      encoding: () => enc,
      values: () => items[Symbol.iterator](),
      sortedInts: () => null,
      tableItems: () => items,
      packedListpack: () => null,
      packedIntset: () => null,
    } as unknown as RSet;
  }
  const pairs: [string, string][] = [];
  for (let i = 0; i < items.length; i += 2) pairs.push([items[i]!, items[i + 1]!]);
  return {
    kind: 'hash',
    size: pairs.length,
    encoding: () => enc,
    entries: () => pairs[Symbol.iterator](),
    flat: () => items,
    packedListpack: () => null,
  } as unknown as RHash;
}
