/**
 * Packed loading (src/types/packed.ts): small listpack hashes and sorted sets read from an
 * RDB payload keep their bytes until first used. They must read exactly as decoded ones,
 * save back byte for byte, and every listpack the packing checks do not accept must load
 * (or fail) as it did before.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RdbOutput, encodeValue } from '../../../src/persistence/rdb/encode.js';
import { encodeSortedIntset } from '../../../src/persistence/rdb/intset.js';
import { encodeListpack } from '../../../src/persistence/rdb/listpack.js';
import { decodeValue } from '../../../src/persistence/rdb/reader.js';
import { RHash } from '../../../src/types/hash.js';
import { RList } from '../../../src/types/list.js';
import { RSet } from '../../../src/types/set.js';
import { RZSet } from '../../../src/types/zset.js';
import { rng } from './rdb-helpers.js';

const HASH_LISTPACK = 16;
const ZSET_LISTPACK = 17;

/** type byte + the listpack as an RDB string (a DUMP payload's body). */
function payload(type: number, lp: Buffer): Buffer {
  const o = new RdbOutput();
  o.byte(type);
  o.blob(lp, false);
  return o.take();
}

/** A listpack of hand-made entries: numbers 0-127 as 7-bit integers, strings as 6-bit strings (digits stay text). */
function rawListpack(entries: (string | number)[]): Buffer {
  const body: number[] = [];
  for (const e of entries) {
    if (typeof e === 'number') {
      body.push(e, 1);
    } else {
      const bytes = Buffer.from(e, 'latin1');
      body.push(0x80 | bytes.length, ...bytes, 1 + bytes.length);
    }
  }
  const out = Buffer.alloc(6 + body.length + 1);
  out.writeUInt32LE(out.length, 0);
  out.writeUInt16LE(entries.length, 4);
  Buffer.from(body).copy(out, 6);
  out[out.length - 1] = 0xff;
  return out;
}

function isPacked(v: RHash | RZSet | RList | RSet): boolean {
  return v.packedListpack() !== null || (v instanceof RSet && v.packedIntset() !== null);
}

const FIELDS = ['f', 'name', '1', '-3', '12345678901', '', 'x\x00y', '\xff\xfe', 'a'.repeat(40)];

function randomHash(rand: () => number, pairs: number): RHash {
  const h = new RHash();
  for (let i = 0; h.size < pairs; i++) {
    const f = rand() < 0.5 ? FIELDS[Math.floor(rand() * FIELDS.length)]! + i : 'field' + i;
    h.set(f, rand() < 0.3 ? String(Math.floor(rand() * 1e6) - 5e5) : 'v'.repeat(Math.floor(rand() * 30)));
  }
  return h;
}

function randomZset(rand: () => number, size: number): RZSet {
  const z = new RZSet();
  const scores = [0, -0, 1, -1, 2.5, 1e-5, 0.1, Infinity, -Infinity, 123456789012, 2 ** 60];
  for (let i = 0; z.size < size; i++) {
    const m = rand() < 0.3 ? String(Math.floor(rand() * 200) - 100) : FIELDS[Math.floor(rand() * FIELDS.length)]! + i;
    const s = rand() < 0.5 ? scores[Math.floor(rand() * scores.length)]! : Math.floor(rand() * 20) / (rand() < 0.5 ? 4 : 7);
    z.add(m, s);
  }
  return z;
}

test('small listpack hashes load packed, read as decoded ones and save back byte for byte', () => {
  const rand = rng(11);
  for (let round = 0; round < 300; round++) {
    const pairs = 1 + ((round * 7) % 134);
    const h = randomHash(rand, pairs);
    assert.equal(h.encoding(), pairs <= 128 ? 'listpack' : 'hashtable');
    const bytes = encodeValue(h, round % 2 === 0);
    const loaded = decodeValue(bytes) as RHash;
    assert.equal(isPacked(loaded), pairs <= 128, `pairs ${pairs}`);
    assert.equal(loaded.encoding(), h.encoding());
    assert.equal(loaded.size, h.size);
    // Untouched: the bytes as read (compressed or not as the payload was).
    assert.ok(encodeValue(loaded, round % 2 === 0).equals(bytes));
    const copy = loaded.clone();
    assert.equal(isPacked(copy), isPacked(loaded));
    assert.deepEqual([...loaded.entries()], [...h.entries()]);
    assert.equal(isPacked(loaded), false, 'decoded by its first use');
    assert.ok(encodeValue(loaded, round % 2 === 0).equals(bytes), 'decoded, it encodes to the same bytes');
    // The copy decodes on its own; changing it leaves the original alone.
    assert.equal(copy.set('extra', 'x'), true);
    assert.equal(copy.get('extra'), 'x');
    assert.equal(loaded.get('extra'), undefined);
    const [f, v] = h.entries().next().value as [string, string];
    assert.equal(copy.get(f), v);
  }
});

test('small listpack sorted sets load packed, read as decoded ones and save back byte for byte', () => {
  const rand = rng(12);
  for (let round = 0; round < 300; round++) {
    const size = 1 + ((round * 7) % 134);
    const z = randomZset(rand, size);
    assert.equal(z.encoding(), size <= 128 ? 'listpack' : 'skiplist');
    const bytes = encodeValue(z, round % 2 === 0);
    const loaded = decodeValue(bytes) as RZSet;
    assert.equal(isPacked(loaded), size <= 128, `size ${size}`);
    assert.equal(loaded.encoding(), z.encoding());
    assert.equal(loaded.size, z.size);
    assert.ok(encodeValue(loaded, round % 2 === 0).equals(bytes));
    const copy = loaded.clone();
    const first = z.entries().next().value as [string, number];
    // A point read, a rank and a range each decode it first.
    const probe = round % 3;
    if (probe === 0) assert.equal(loaded.score(first[0]), first[1]);
    else if (probe === 1) assert.equal(loaded.rank(first[0]), 0);
    else assert.equal(loaded.countInScore({ min: -Infinity, max: Infinity, minex: false, maxex: false }), z.size);
    assert.equal(isPacked(loaded), false);
    loaded.check();
    assert.deepEqual([...loaded.entries()], [...z.entries()]);
    assert.ok(encodeValue(loaded, round % 2 === 0).equals(bytes));
    assert.equal(copy.remove(first[0]), true);
    assert.equal(copy.size, z.size - 1);
    assert.equal(loaded.score(first[0]), first[1]);
  }
});

test('score texts in a packed sorted set read as strtod reads them', () => {
  const rand = rng(13);
  const texts: string[] = ['2.5', '-0.75', '0.1', '-0', '007.5', '5.', '.5', '1e3', '-1.5e-3', 'inf', '-inf', '+inf', '0.10000000000000001', '123456789012345.6', '1234567890123456.7', '99999999999999.99'];
  for (let i = 0; i < 200; i++) {
    const digits = 1 + Math.floor(rand() * 15);
    let t = String(Math.floor(rand() * 10 ** digits));
    const dot = Math.floor(rand() * t.length);
    if (dot > 0) t = t.slice(0, dot) + '.' + t.slice(dot);
    texts.push(rand() < 0.3 ? '-' + t : t);
  }
  const expected = (t: string): number => (t.endsWith('inf') ? (t.startsWith('-') ? -Infinity : Infinity) : Number(t));
  // Ascending order, distinct members: the set is packed, and its scores must be exact.
  const sorted = [...new Set(texts)].sort((x, y) => expected(x) - expected(y) || (x < y ? -1 : 1));
  for (let from = 0; from < sorted.length; from += 30) {
    const chunk = sorted.slice(from, from + 30);
    const entries: string[] = [];
    chunk.forEach((t, i) => entries.push('m' + String(i).padStart(3, '0'), t));
    const z = decodeValue(payload(ZSET_LISTPACK, rawListpack(entries))) as RZSet;
    assert.equal(isPacked(z), true, `packed: ${chunk.join(' ')}`);
    chunk.forEach((t, i) => assert.equal(Object.is(z.score('m' + String(i).padStart(3, '0')), expected(t) === 0 ? 0 : expected(t)), true, t));
  }
});

test('integer and text members order bytewise in a packed sorted set', () => {
  // Equal scores: "10" < "9" < "a" as bytes; Redis keeps 10 and 9 as integer entries.
  const ok = decodeValue(payload(ZSET_LISTPACK, encodeListpack(['10', '1', '9', '1', 'a', '1']))) as RZSet;
  assert.equal(isPacked(ok), true);
  assert.deepEqual([...ok.entries()], [['10', 1], ['9', 1], ['a', 1]]);
  // In numeric order (not Redis's) the set is decoded at load and sorted.
  const unsorted = decodeValue(payload(ZSET_LISTPACK, encodeListpack(['9', '1', '10', '1']))) as RZSet;
  assert.equal(isPacked(unsorted), false);
  unsorted.check();
  assert.deepEqual([...unsorted.entries()], [['10', 1], ['9', 1]]);
});

test('listpacks the packing checks do not accept load or fail as before', () => {
  // A text entry "1" and an integer entry 1 are the same field / member.
  assert.throws(() => decodeValue(payload(HASH_LISTPACK, rawListpack(['1', 'x', 1, 'y']))), /Hash listpack integrity check failed: duplicate fields/);
  assert.throws(() => decodeValue(payload(ZSET_LISTPACK, rawListpack(['1', 1, 1, 2]))), /Zset listpack integrity check failed: duplicate members/);
  // The same member twice, apart.
  assert.throws(() => decodeValue(payload(ZSET_LISTPACK, encodeListpack(['a', '1', 'b', '2', 'a', '3']))), /duplicate members/);
  assert.throws(() => decodeValue(payload(ZSET_LISTPACK, encodeListpack(['a', 'nan']))), /NaN score/);
  assert.throws(() => decodeValue(payload(ZSET_LISTPACK, encodeListpack(['a', '1', 'b']))), /odd number/);
  assert.throws(() => decodeValue(payload(HASH_LISTPACK, encodeListpack(['f', '1', 'g']))), /odd number/);
  // A damaged entry: the decoding path names the defect.
  const bad = encodeListpack(['f', 'v']);
  bad[bad.length - 2] = 9; // the last entry's backlen
  assert.throws(() => decodeValue(payload(HASH_LISTPACK, bad)), /Hash listpack integrity check failed: listpack entry backlen/);
  // An integer beyond 2^53 is left to the decoding path, which loads it.
  const big = decodeValue(payload(HASH_LISTPACK, encodeListpack(['9223372036854775807', 'v']))) as RHash;
  assert.equal(isPacked(big), false);
  assert.equal(big.get('9223372036854775807'), 'v');
  // More pairs than the check takes (and than hash-max-listpack-entries): decoded.
  const many: string[] = [];
  for (let i = 0; i < 129; i++) many.push('f' + i, 'v');
  const wide = decodeValue(payload(HASH_LISTPACK, encodeListpack(many))) as RHash;
  assert.equal(isPacked(wide), false);
  assert.equal(wide.size, 129);
  // A repeat among many entries is found by the hashed check too.
  const repeat = many.slice(0, 100 * 2);
  repeat.push('f57', 'again');
  assert.throws(() => decodeValue(payload(HASH_LISTPACK, encodeListpack(repeat))), /duplicate fields/);
  const members: string[] = [];
  for (let i = 0; i < 60; i++) members.push('m' + i, String(i));
  members.push('m3', '100');
  assert.throws(() => decodeValue(payload(ZSET_LISTPACK, encodeListpack(members))), /duplicate members/);
  assert.throws(() => decodeValue(setRecord([...Array.from({ length: 50 }, (_, i) => 'x' + i), 'x17'], false)), /Duplicate set members detected/);
});

test('one-node lists load packed, read as decoded ones and save back byte for byte', () => {
  const rand = rng(14);
  for (let round = 0; round < 200; round++) {
    // Fill 8: lists of up to 8 elements are one node, longer ones several.
    const l = new RList(8);
    const n = 1 + (round % 20);
    for (let i = 0; i < n; i++) l.pushTail(rand() < 0.4 ? String(Math.floor(rand() * 1e9) - 5e8) : FIELDS[Math.floor(rand() * FIELDS.length)]! + i);
    const bytes = encodeValue(l, round % 2 === 0);
    const loaded = decodeValue(bytes) as RList;
    assert.equal(isPacked(loaded), n <= 8, `length ${n}`);
    assert.equal(loaded.length, n);
    assert.ok(encodeValue(loaded, round % 2 === 0).equals(bytes));
    const copy = loaded.clone();
    assert.equal(loaded.get(n - 1), l.get(n - 1));
    assert.equal(isPacked(loaded), false);
    assert.deepEqual(loaded.toArray(), l.toArray());
    assert.deepEqual(loaded.layout(), l.layout());
    assert.ok(encodeValue(loaded, round % 2 === 0).equals(bytes));
    assert.equal(copy.popHead(), l.get(0));
    assert.equal(copy.length, n - 1);
    assert.equal(loaded.length, n);
  }
});

test('lists the packing checks do not accept load or fail as before', () => {
  const QUICKLIST_2 = 18;
  const list = (nodes: [container: number, blob: Buffer][]): Buffer => {
    const o = new RdbOutput();
    o.byte(QUICKLIST_2);
    o.len(nodes.length);
    for (const [container, blob] of nodes) {
      o.len(container);
      o.blob(blob, false);
    }
    return o.take();
  };
  // A plain node: decoded.
  const plain = decodeValue(list([[1, Buffer.from('a plain element')]])) as RList;
  assert.equal(isPacked(plain), false);
  assert.deepEqual(plain.toArray(), ['a plain element']);
  // Two nodes: decoded, layout kept.
  const two = decodeValue(list([[2, encodeListpack(['a', 'b'])], [2, encodeListpack(['c'])]])) as RList;
  assert.equal(isPacked(two), false);
  assert.deepEqual(two.layout().map((x) => x.count), [2, 1]);
  // An empty listpack is an empty list; a damaged one is named.
  assert.throws(() => decodeValue(list([[2, encodeListpack([])]])), /Empty/);
  const bad = encodeListpack(['a', 'b']);
  bad[bad.length - 2] = 9;
  assert.throws(() => decodeValue(list([[2, bad]])), /Listpack integrity check failed: listpack entry backlen/);
});

/** A plain SET record (type 2) of these members, written as Redis writes strings. */
function setRecord(members: string[], compress: boolean): Buffer {
  const o = new RdbOutput();
  o.byte(2);
  o.len(members.length);
  for (const m of members) o.string(m, compress);
  return o.take();
}

test('small hashtable sets load packed, read as decoded ones and save back byte for byte', () => {
  const rand = rng(15);
  for (let round = 0; round < 300; round++) {
    const n = 1 + ((round * 7) % 134);
    const allInts = round % 5 === 0;
    const members = new Set<string>();
    while (members.size < n) {
      const x = rand();
      if (allInts || x < 0.4) members.add(String(Math.floor(rand() * 2e9) - 1e9));
      else if (x < 0.5) members.add('long member to be compressed ' + 'z'.repeat(30) + members.size);
      else members.add(FIELDS[Math.floor(rand() * FIELDS.length)]! + members.size);
    }
    const list = [...members];
    const compress = round % 2 === 0;
    const bytes = setRecord(list, compress);
    const loaded = decodeValue(bytes) as RSet;
    const intset = list.every((m) => /^(0|-?[1-9][0-9]*)$/.test(m));
    assert.equal(loaded.encoding(), intset ? 'intset' : 'hashtable');
    assert.equal(isPacked(loaded), !intset && n <= 128, `size ${n}`);
    assert.equal(loaded.size, n);
    // The bytes a decoded set of the same members would save.
    const decoded = RSet.fromMembers(list.slice())!;
    const expected = encodeValue(decoded, compress);
    assert.ok(encodeValue(loaded, compress).equals(expected));
    const copy = loaded.clone();
    assert.equal(loaded.has(list[0]!), true);
    assert.equal(isPacked(loaded), false);
    assert.deepEqual(loaded.toArray(), decoded.toArray(), 'the file order (hashtable) or ascending (intset)');
    assert.ok(encodeValue(loaded, compress).equals(expected));
    assert.equal(copy.remove(list[0]!), true);
    assert.equal(copy.size, n - 1);
    assert.equal(loaded.size, n);
  }
});

test('small sets with a member twice fail as before, however the member is written', () => {
  // "5" as a raw string and 5 as an RDB integer: the same member.
  const o = new RdbOutput();
  o.byte(2);
  o.len(3);
  o.string('x', false);
  o.string('5', false); // written integer-encoded
  o.byte(1);
  o.byte(0x35); // a raw one-byte string "5"
  assert.throws(() => decodeValue(o.take()), /Duplicate set members detected/);
  assert.throws(() => decodeValue(setRecord(['a', 'b', 'a'], false)), /Duplicate set members detected/);
  assert.throws(() => decodeValue(setRecord(['1', '2', '1'], false)), /Duplicate set members detected/);
  // Not canonical integers are other members: "05" and "5", "-0" and "0".
  const s = decodeValue(setRecord(['05', '5', '-0', '0'], false)) as RSet;
  assert.equal(s.encoding(), 'hashtable');
  assert.deepEqual(s.toArray(), ['05', '5', '-0', '0']);
});

const SET_INTSET = 11;

/** An intset blob of width `width` (2, 4 or 8) holding these ascending values. */
function intsetBlob(values: (number | bigint)[], width: number): Buffer {
  const b = Buffer.alloc(8 + values.length * width);
  b.writeUInt32LE(width, 0);
  b.writeUInt32LE(values.length, 4);
  values.forEach((v, i) => {
    if (width === 2) b.writeInt16LE(Number(v), 8 + 2 * i);
    else if (width === 4) b.writeInt32LE(Number(v), 8 + 4 * i);
    else b.writeBigInt64LE(BigInt(v), 8 + 8 * i);
  });
  return b;
}

test('intsets load packed, read as decoded ones and save back byte for byte', () => {
  const rand = rng(16);
  const ranges = [2 ** 14, 2 ** 30, 2 ** 62];
  for (let round = 0; round < 120; round++) {
    const n = 1 + ((round * 37) % 560);
    const range = ranges[round % 3]!;
    const seen = new Set<bigint>();
    // Members up to ±2^14, ±2^30 (widths 2 and 4), or up to ±2^62 (width 8, bigints past 2^53).
    while (seen.size < n) seen.add(range > 2 ** 53 ? BigInt(Math.floor((rand() * 2 - 1) * 2 ** 52)) * 1024n : BigInt(Math.floor((rand() * 2 - 1) * range)));
    const values = [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((v) => (v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? Number(v) : v));
    const bytes = payload(SET_INTSET, encodeSortedIntset(values));
    const loaded = decodeValue(bytes) as RSet;
    assert.equal(isPacked(loaded), n <= 512, `size ${n}`);
    assert.equal(loaded.encoding(), n <= 512 ? 'intset' : 'hashtable');
    assert.equal(loaded.size, n);
    if (n <= 512) assert.ok(encodeValue(loaded, false).equals(bytes));
    const copy = loaded.clone();
    const strings = values.map(String);
    assert.equal(loaded.has(strings[n - 1]!), true);
    assert.equal(isPacked(loaded), false);
    if (n <= 512) {
      assert.deepEqual(loaded.toArray(), strings);
      assert.ok(encodeValue(loaded, false).equals(bytes), 'decoded, it encodes to the same bytes');
    }
    assert.equal(copy.remove(strings[0]!), true);
    assert.equal(copy.size, n - 1);
    assert.equal(loaded.size, n);
  }
  // A width wider than its members need (an intset that once held a big member): saved as
  // read while untouched, in the narrowest width once decoded, as an intset built anew.
  const wide = payload(SET_INTSET, intsetBlob([-5, 1, 300], 8));
  const w = decodeValue(wide) as RSet;
  assert.ok(encodeValue(w, false).equals(wide));
  assert.deepEqual(w.toArray(), ['-5', '1', '300']);
  assert.ok(encodeValue(w, false).equals(payload(SET_INTSET, intsetBlob([-5, 1, 300], 2))));
});

test('intsets the packing check does not accept fail or load as before', () => {
  assert.throws(() => decodeValue(payload(SET_INTSET, intsetBlob([1, 3, 2], 2))), /Intset integrity check failed: intset values are not strictly ascending/);
  assert.throws(() => decodeValue(payload(SET_INTSET, intsetBlob([1, 1], 4))), /not strictly ascending/);
  assert.throws(() => decodeValue(payload(SET_INTSET, intsetBlob([2n ** 40n, -(2n ** 40n)], 8))), /not strictly ascending/);
  assert.throws(() => decodeValue(payload(SET_INTSET, intsetBlob([], 2))), /intset is empty/);
  const bad = intsetBlob([1, 2], 2);
  bad.writeUInt32LE(3, 0);
  assert.throws(() => decodeValue(payload(SET_INTSET, bad)), /invalid encoding 3/);
  assert.throws(() => decodeValue(payload(SET_INTSET, intsetBlob([1, 2], 2).subarray(0, 11))), /size does not match/);
  // Ascending across the 32-bit halves of 64-bit members.
  const halves = decodeValue(payload(SET_INTSET, intsetBlob([-(2n ** 33n), -1n, 0n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 60n], 8))) as RSet;
  assert.equal(isPacked(halves), true);
  assert.deepEqual(halves.toArray(), [String(-(2 ** 33)), '-1', '0', String(2 ** 32 - 1), String(2 ** 32), String(2n ** 60n)]);
});
