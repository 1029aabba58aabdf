import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeValue } from '../../../src/persistence/rdb/encode.js';
import { RdbWriter, standardAux, type AuxField } from '../../../src/persistence/rdb/writer.js';
import type { Value } from '../../../src/store/values.js';
import { RHash } from '../../../src/types/hash.js';
import { limits } from '../../../src/types/limits.js';
import { RList } from '../../../src/types/list.js';
import { RSet } from '../../../src/types/set.js';
import { RZSet } from '../../../src/types/zset.js';
import { fixture, hashTableOrder, orderedValue, readAll, repr, rng, withEncoding, type ReadAll } from './rdb-helpers.js';

/** The encoding Redis had for a value, from the type byte of its record. */
function encodingOfRecord(segment: Buffer): string {
  const type = segment[segment[0] === 252 ? 9 : 0]!;
  const names: Record<number, string> = { 0: 'string', 2: 'hashtable', 4: 'hashtable', 5: 'skiplist', 11: 'intset', 16: 'listpack', 17: 'listpack', 18: 'quicklist' };
  return names[type]!;
}

/**
 * Rewrites a file Redis wrote with Amber's writer: same AUX values, functions, databases,
 * keys in the file's order, each value with the encoding Redis had (hash-table sets and
 * hashes keep the file's element order, which no in-memory structure reproduces).
 */
function rewrite(file: Buffer, read: ReadAll, opts: { compression: boolean; checksum: boolean; bufferSize?: number }): Buffer {
  const chunks: Buffer[] = [];
  const w = new RdbWriter({ write: (b) => chunks.push(b) }, opts);
  w.header(read.aux as AuxField[]);
  w.functions(read.functions);
  let db = -1;
  for (const e of read.entries) {
    if (e.db !== db) {
      db = e.db;
      const r = read.resize.find((x) => x[0] === db)!;
      w.selectDb(db, r[1], r[2]);
    }
    const segment = file.subarray(e.span.start, e.span.end);
    const enc = encodingOfRecord(segment);
    let v: Value = e.value;
    if (typeof v !== 'string' && (v.kind === 'set' || v.kind === 'hash') && enc === 'hashtable') {
      v = orderedValue(v.kind, hashTableOrder(segment), enc);
    } else {
      v = withEncoding(v, enc);
    }
    w.entry(e.key, v, e.expireMs);
  }
  w.end();
  return Buffer.concat(chunks);
}

test('rewrites all-types.rdb (every type and encoding Redis 7.0 writes) byte for byte', () => {
  const file = fixture('all-types.rdb');
  const read = readAll(file);
  const ours = rewrite(file, read, { compression: true, checksum: true });
  assert.equal(ours.length, file.length);
  assert.ok(ours.equals(file), 'identical bytes, CRC included');
});

test('rewrites an uncompressed, checksum-less file byte for byte (8 zero bytes at the end)', () => {
  const file = fixture('all-types-plain.rdb');
  const read = readAll(file);
  const ours = rewrite(file, read, { compression: false, checksum: false });
  assert.ok(ours.equals(file));
  assert.equal(ours.readBigUInt64LE(ours.length - 8), 0n);
});

test('writes quicklist nodes beyond list-compress-depth as the LZF blobs Redis keeps', () => {
  const file = fixture('compressed-list.rdb');
  const read = readAll(file);
  const saved = limits.listCompressDepth;
  limits.listCompressDepth = 1;
  try {
    assert.ok(rewrite(file, read, { compression: true, checksum: true }).equals(file));
    // Compressed nodes stay compressed with rdbcompression off (Redis saves them as they are).
    const depth1 = rewrite(file, read, { compression: false, checksum: true });
    limits.listCompressDepth = 0;
    const depth0 = rewrite(file, read, { compression: false, checksum: true });
    assert.ok(depth1.length < depth0.length / 2);
    assert.deepEqual(readAll(depth1).entries.map((e) => repr(e.value)), read.entries.map((e) => repr(e.value)));
  } finally {
    limits.listCompressDepth = saved;
  }
});

test('a tiny staging buffer produces the same file, and chunks handed to the sink are never reused', () => {
  const file = fixture('all-types.rdb');
  const read = readAll(file);
  const chunks: Buffer[] = [];
  const copies: Buffer[] = [];
  const w = new RdbWriter(
    {
      write: (b) => {
        chunks.push(b);
        copies.push(Buffer.from(b));
      },
    },
    { compression: true, checksum: true, bufferSize: 64 },
  );
  w.header(read.aux as AuxField[]);
  w.functions(read.functions);
  w.selectDb(0, 1, 0);
  w.entry('k', 'x'.repeat(1000));
  w.entry('l', withEncoding(read.entries.find((e) => e.key === 'list:big')!.value, 'quicklist'));
  w.end();
  assert.ok(chunks.length > 3);
  for (let i = 0; i < chunks.length; i++) assert.ok(chunks[i]!.equals(copies[i]!), `chunk ${i} was modified after hand-over`);
  const whole = Buffer.concat(chunks);
  assert.equal(w.bytesWritten, whole.length);
  assert.equal(w.keys, 2);
  const back = readAll(whole);
  assert.equal(back.entries.length, 2);
  assert.equal(back.entries[0]!.value, 'x'.repeat(1000));
});

test('rawEntry with a pre-serialized value writes the same bytes as entry', () => {
  const h = new RHash();
  h.set('a', '1');
  h.set('b', 'two');
  const values: Value[] = ['plain', '12345', 'y'.repeat(100), withEncoding(h, 'listpack'), h];
  for (const v of values) {
    const a: Buffer[] = [];
    const b: Buffer[] = [];
    const wa = new RdbWriter({ write: (x) => a.push(x) }, { compression: true, checksum: true });
    const wb = new RdbWriter({ write: (x) => b.push(x) }, { compression: true, checksum: true });
    for (const w of [wa, wb]) {
      w.header([['redis-ver', '7.0.15']]);
      w.selectDb(3, 1, 1);
    }
    wa.entry('the-key', v, 1234567890123);
    wb.rawEntry('the-key', encodeValue(v, true), 1234567890123);
    wa.end();
    wb.end();
    assert.deepEqual(Buffer.concat(a), Buffer.concat(b));
  }
});

test('standardAux lists Redis 7.0 fields in order, integers int-encoded in the file', () => {
  const aux = standardAux({ aofBase: true, usedMem: 1000, ctime: 1700000000 });
  assert.deepEqual(
    aux.map((a) => a[0]),
    ['redis-ver', 'redis-bits', 'ctime', 'used-mem', 'aof-base'],
  );
  const repl = standardAux({ replication: { streamDb: 0, replId: 'a'.repeat(40), offset: 5 } }).map((a) => a[0]);
  assert.deepEqual(repl, ['redis-ver', 'redis-bits', 'ctime', 'used-mem', 'repl-stream-db', 'repl-id', 'repl-offset', 'aof-base']);
  const chunks: Buffer[] = [];
  const w = new RdbWriter({ write: (b) => chunks.push(b) }, { compression: true, checksum: true });
  w.header(aux);
  w.end();
  const file = Buffer.concat(chunks);
  assert.equal(file.toString('latin1', 0, 9), 'REDIS0010');
  // "redis-bits" 64 is an INT8-encoded string: 0xc0 0x40.
  assert.ok(file.includes(Buffer.concat([Buffer.from('\x0aredis-bits', 'latin1'), Buffer.from([0xc0, 64])])));
  assert.deepEqual(readAll(file).aux, aux.map(([n, v]) => [n, String(v)]));
});

/** A random value of any type, with an encoding consistent with its contents. */
function randomValue(r: () => number): Value {
  const str = (): string => {
    const k = r();
    if (k < 0.3) return String(Math.floor((r() - 0.5) * 2 ** (1 + Math.floor(r() * 60))));
    let s = '';
    const n = Math.floor(r() ** 3 * 300);
    const alpha = r() < 0.5 ? 3 : 256;
    for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(r() * alpha) + (alpha === 3 ? 97 : 0));
    return s;
  };
  const n = 1 + Math.floor(r() ** 2 * 300);
  switch (Math.floor(r() * 5)) {
    case 0:
      return str();
    case 1: {
      const l = new RList();
      for (let i = 0; i < n; i++) l.pushTail(str());
      return l;
    }
    case 2: {
      const h = new RHash();
      for (let i = 0; i < n; i++) h.set(str(), str());
      return withEncoding(h, h.size <= 128 && r() < 0.5 ? 'listpack' : 'hashtable');
    }
    case 3: {
      const s = new RSet();
      const ints = r() < 0.5;
      for (let i = 0; i < n; i++) s.add(ints ? String(Math.floor((r() - 0.5) * 2 ** (1 + Math.floor(r() * 62)))) : str());
      return withEncoding(s, ints ? 'intset' : 'hashtable');
    }
    default: {
      const z = new RZSet();
      for (let i = 0; i < n; i++) {
        const k = r();
        const score = k < 0.3 ? Math.floor((r() - 0.5) * 1000) : k < 0.35 ? (r() < 0.5 ? Infinity : -Infinity) : k < 0.4 ? 2 ** 62 * (r() < 0.5 ? 3 : 1) : (r() - 0.5) * 1e6;
        z.add(str(), score);
      }
      return withEncoding(z, z.size <= 128 && r() < 0.5 ? 'listpack' : 'skiplist');
    }
  }
}

test('random datasets survive a write and read back (contents, TTLs, databases)', () => {
  const r = rng(21);
  for (let round = 0; round < 30; round++) {
    const compression = r() < 0.5;
    const data: { db: number; key: string; value: Value; exp: number | undefined }[] = [];
    for (let db = 0; db < 3; db++) {
      const n = Math.floor(r() * 15);
      for (let i = 0; i < n; i++) data.push({ db, key: `k${db}:${i}:${'q'.repeat(Math.floor(r() * 30))}`, value: randomValue(r), exp: r() < 0.3 ? 1_700_000_000_000 + Math.floor(r() * 1e9) : undefined });
    }
    const chunks: Buffer[] = [];
    const w = new RdbWriter({ write: (b) => chunks.push(b) }, { compression, checksum: true, bufferSize: 1024 });
    w.header();
    let db = -1;
    for (const d of data) {
      if (d.db !== db) {
        db = d.db;
        w.selectDb(db, 0, 0);
      }
      w.entry(d.key, d.value, d.exp);
    }
    w.end();
    const back = readAll(Buffer.concat(chunks));
    assert.equal(back.entries.length, data.length);
    for (let i = 0; i < data.length; i++) {
      const e = back.entries[i]!;
      assert.equal(e.db, data[i]!.db);
      assert.equal(e.key, data[i]!.key);
      assert.equal(e.expireMs, data[i]!.exp);
      assert.equal(repr(e.value), repr(data[i]!.value));
    }
  }
});
