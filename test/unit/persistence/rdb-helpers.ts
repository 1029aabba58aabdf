/**
 * Shared helpers for the RDB tests: fixture files made by a real redis-server 7.0.15
 * (scripts/gen-rdb-fixtures.mjs), a seeded random generator, values with a chosen
 * encoding, and a reader that collects everything in a file.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readRdb, type RdbReadResult } from '../../../src/persistence/rdb/reader.js';
import type { Value } from '../../../src/store/values.js';
import { RHash } from '../../../src/types/hash.js';
import { RList } from '../../../src/types/list.js';
import { RSet } from '../../../src/types/set.js';
import { RZSet } from '../../../src/types/zset.js';

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

/** A seeded PRNG (mulberry32) returning floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
      entry: (dbid, key, value, expireMs) => entries.push({ db: dbid, key, value, expireMs }),
    },
    opts,
  );
  return { ...r, aux, functions, entries, resize };
}
