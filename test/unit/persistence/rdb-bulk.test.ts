/**
 * The loader's bulk paths: values are built from whole decoded blobs and element runs
 * (RHash.fromPairs, RSet.fromMembers/fromSortedInts, RZSet.fromPairs, RList.adoptNode, the
 * ListpackReader) and the writer serializes them from the types' own arrays with a reused
 * listpack builder. Round trips at every encoding boundary, with the encoding Redis's loader
 * picks (Redis converts listpacks and intsets on the element count only; the pair-by-pair
 * formats also on element length), big values, LZF on and off, and corruption that must
 * still be refused.
 */

import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { RdbOutput, encodeValue } from '../../../src/persistence/rdb/encode.js';
import { encodeListpack, decodeListpack, ListpackBuilder, ListpackReader } from '../../../src/persistence/rdb/listpack.js';
import { decodeIntsetValues, encodeIntset, encodeSortedIntset } from '../../../src/persistence/rdb/intset.js';
import { decodeValue } from '../../../src/persistence/rdb/reader.js';
import type { Value } from '../../../src/store/values.js';
import { RHash } from '../../../src/types/hash.js';
import { limits } from '../../../src/types/limits.js';
import { RList } from '../../../src/types/list.js';
import { RSet } from '../../../src/types/set.js';
import { RZSet } from '../../../src/types/zset.js';
import { formatDouble } from '../../../src/util/number.js';
import { repr, rng } from './rdb-helpers.js';

const saved = { ...limits };
afterEach(() => Object.assign(limits, saved));

/** RDB type bytes used below. */
const T = { SET: 2, ZSET_2: 5, HASH: 4, SET_INTSET: 11, ZSET_LISTPACK: 17, HASH_LISTPACK: 16, LIST_QUICKLIST_2: 18 };

function body(type: number, write: (o: RdbOutput) => void): Buffer {
  const o = new RdbOutput();
  o.byte(type);
  write(o);
  return o.take();
}

/** encodeValue then decodeValue, for both compression settings; both must agree. */
function roundTrip(v: Value): Value {
  const a = decodeValue(encodeValue(v, true));
  const b = decodeValue(encodeValue(v, false));
  assert.equal(repr(a), repr(b));
  return a;
}

function encodingOf(v: Value): string {
  return typeof v === 'string' ? 'string' : v.encoding();
}

test('hashes: listpack up to hash-max-listpack-entries, hashtable beyond; both round-trip', () => {
  for (const n of [1, 127, 128, 129, 1000]) {
    const h = new RHash();
    for (let i = 0; i < n; i++) h.set(`field:${i}`, i % 3 === 0 ? String(i) : `v${'x'.repeat(i % 50)}`);
    const back = roundTrip(h) as RHash;
    assert.equal(back.encoding(), n <= 128 ? 'listpack' : 'hashtable', `${n} fields`);
    assert.equal(repr(back), repr(h));
    // Field order is kept, in both encodings.
    assert.deepEqual([...back.entries()], [...h.entries()]);
    assert.equal(back.get('field:0'), '0');
    assert.equal(back.get(`field:${n - 1}`), h.get(`field:${n - 1}`));
  }
});

test('a listpack hash with a value longer than hash-max-listpack-value stays a listpack (Redis converts by count only)', () => {
  limits.hashMaxListpackValue = 200;
  const h = new RHash();
  h.set('short', 'x');
  h.set('long', 'y'.repeat(150));
  assert.equal(h.encoding(), 'listpack');
  const payload = encodeValue(h, true);
  limits.hashMaxListpackValue = 64;
  const back = decodeValue(payload) as RHash;
  assert.equal(back.encoding(), 'listpack');
  assert.equal(back.get('long'), 'y'.repeat(150));
  // Fewer fields allowed than it holds: a hashtable.
  limits.hashMaxListpackEntries = 1;
  assert.equal((decodeValue(payload) as RHash).encoding(), 'hashtable');
});

test('a HASH record (pair by pair) becomes a listpack when small and short, as Redis loads it', () => {
  const pairs = (n: number, valueLen: number): Buffer =>
    body(T.HASH, (o) => {
      o.len(n);
      for (let i = 0; i < n; i++) {
        o.string(`f${i}`, false);
        o.string(i === n - 1 ? 'v'.repeat(valueLen) : `v${i}`, false);
      }
    });
  assert.equal(encodingOf(decodeValue(pairs(5, 64))), 'listpack');
  assert.equal(encodingOf(decodeValue(pairs(5, 65))), 'hashtable', 'a value over hash-max-listpack-value');
  assert.equal(encodingOf(decodeValue(pairs(128, 3))), 'listpack');
  assert.equal(encodingOf(decodeValue(pairs(129, 3))), 'hashtable');
  const h = decodeValue(pairs(129, 3)) as RHash;
  assert.equal(h.get('f128'), 'vvv');
  assert.equal(h.size, 129);
});

test('repeated hash fields are refused in every path', () => {
  const lp = body(T.HASH_LISTPACK, (o) => o.blob(encodeListpack(['a', '1', 'b', '2', 'a', '3']), false));
  assert.throws(() => decodeValue(lp), /Hash listpack integrity check failed: duplicate fields/);
  const many: string[] = [];
  for (let i = 0; i < 40; i++) many.push(`f${i}`, 'v');
  many.push('f7', 'again');
  assert.throws(() => decodeValue(body(T.HASH_LISTPACK, (o) => o.blob(encodeListpack(many), false))), /duplicate fields/);
  const table = body(T.HASH, (o) => {
    o.len(300);
    for (let i = 0; i < 300; i++) {
      o.string(i === 299 ? 'f3' : `f${i}`, false);
      o.string('v', false);
    }
  });
  assert.throws(() => decodeValue(table), /Duplicate hash fields detected/);
});

test('sets: intset up to set-max-intset-entries, hashtable beyond or with any non-integer', () => {
  for (const n of [1, 511, 512, 513, 3000]) {
    const s = new RSet();
    for (let i = 0; i < n; i++) s.add(String((i * 7919) % 100003 - 50000));
    const back = roundTrip(s) as RSet;
    assert.equal(back.encoding(), n <= 512 ? 'intset' : 'hashtable', `${n} members`);
    assert.equal(repr(back), repr(s));
    assert.ok(back.has(String((5 * 7919) % 100003 - 50000)) || n <= 5);
  }
  const mixed = new RSet();
  for (const m of ['1', '2', 'x', '3']) mixed.add(m);
  assert.equal((roundTrip(mixed) as RSet).encoding(), 'hashtable');
});

test('a SET record of integers only loads as an intset (Redis loads it so), any order, refusing repeats', () => {
  const rec = (members: string[]): Buffer =>
    body(T.SET, (o) => {
      o.len(members.length);
      for (const m of members) o.string(m, false);
    });
  const s = decodeValue(rec(['30', '-5', '100000000000', '7'])) as RSet;
  assert.equal(s.encoding(), 'intset');
  assert.deepEqual([...s.values()], ['-5', '7', '30', '100000000000']);
  assert.equal(encodingOf(decodeValue(rec(['1', '01']))), 'hashtable', '"01" is not an integer');
  assert.throws(() => decodeValue(rec(['1', '2', '1'])), /Duplicate set members detected/);
  assert.throws(() => decodeValue(rec(['a', 'b', 'a'])), /Duplicate set members detected/);
  const big: string[] = [];
  for (let i = 0; i < 100; i++) big.push(`m${i}`);
  big.push('m50');
  assert.throws(() => decodeValue(rec(big)), /Duplicate set members detected/);
  limits.setMaxIntsetEntries = 2;
  assert.equal(encodingOf(decodeValue(rec(['1', '2', '3']))), 'hashtable');
});

test('intset members at the edges of the double range keep their exact values', () => {
  const members = ['-9223372036854775808', '-9007199254740993', '-9007199254740992', '-9007199254740991', '0', '9007199254740991', '9007199254740992', '9223372036854775807'];
  const s = new RSet();
  for (const m of members) s.add(m);
  const blob = encodeSortedIntset(s.sortedInts()!);
  assert.ok(blob.equals(encodeIntset(members)!), 'same bytes as the generic encoder');
  const back = roundTrip(s) as RSet;
  assert.equal(back.encoding(), 'intset');
  assert.deepEqual([...back.values()], members);
  for (const m of members) assert.ok(back.has(m), m);
  assert.deepEqual(decodeIntsetValues(blob).map(String), members);
  // A bigint only beyond ±(2^53-1): the form RSet compares with ===.
  assert.equal(typeof decodeIntsetValues(blob)[2], 'bigint');
  assert.equal(typeof decodeIntsetValues(blob)[3], 'number');
  assert.throws(() => decodeIntsetValues(Buffer.from([2, 0, 0, 0, 2, 0, 0, 0, 5, 0, 5, 0])), /strictly ascending/);
  // Widths: 16, 32 and 64 bits, chosen from the smallest and largest member.
  for (const [m, width] of [[['-32768', '32767'], 2], [['-32769', '1'], 4], [['1', '2147483648'], 8]] as const) {
    const set = new RSet();
    for (const x of m) set.add(x);
    assert.equal(encodeSortedIntset(set.sortedInts()!).readUInt32LE(0), width);
  }
});

test('zsets: listpack up to zset-max-listpack-entries, skiplist beyond; scores exact', () => {
  const scores = [0, -0, 1, -1, 2.5, 0.1, 1 / 3, 1e100, -1e-300, Infinity, -Infinity, 2 ** 53 + 2, 4611686018427387904 * 2];
  for (const n of [1, 127, 128, 129, 2000]) {
    const z = new RZSet();
    for (let i = 0; i < n; i++) z.add(`m${i}`, i < scores.length ? scores[i]! : (i * 7) % 1000);
    const back = roundTrip(z) as RZSet;
    assert.equal(back.encoding(), n <= 128 ? 'listpack' : 'skiplist', `${n} members`);
    assert.equal(repr(back), repr(z));
    back.check();
    for (let i = 0; i < Math.min(n, scores.length); i++) assert.equal(back.score(`m${i}`), z.score(`m${i}`));
  }
});

test('a ZSET_2 record loads in any order, becomes a listpack when small and short, keeps -0 only in a skiplist', () => {
  const rec = (pairs: [string, number][]): Buffer =>
    body(T.ZSET_2, (o) => {
      o.len(pairs.length);
      for (const [m, s] of pairs) {
        o.string(m, false);
        o.binaryDouble(s);
      }
    });
  const pairs: [string, number][] = [['c', 3], ['a', 1], ['b', 2], ['z', -0], ['y', 2]];
  for (const order of [pairs, [...pairs].sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1)), [...pairs].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? 1 : -1))]) {
    const z = decodeValue(rec(order)) as RZSet;
    assert.equal(z.encoding(), 'listpack');
    z.check();
    assert.deepEqual([...z.entries()], [['z', 0], ['a', 1], ['b', 2], ['y', 2], ['c', 3]]);
    assert.ok(Object.is(z.score('z'), 0), 'a listpack stores -0 as 0');
  }
  const long = decodeValue(rec([...pairs, ['m'.repeat(65), 9]])) as RZSet;
  assert.equal(long.encoding(), 'skiplist', 'a member over zset-max-listpack-value');
  long.check();
  assert.ok(Object.is(long.score('z'), -0), 'a skiplist keeps -0');
  const many: [string, number][] = [];
  for (let i = 0; i < 500; i++) many.push([`m${(i * 37) % 500}`, (i * 13) % 17]);
  const big = decodeValue(rec(many)) as RZSet;
  assert.equal(big.encoding(), 'skiplist');
  big.check();
  assert.equal(big.size, 500);
  assert.throws(() => decodeValue(rec([['a', 1], ['b', 2], ['a', 3]])), /Duplicate zset fields detected/);
  assert.throws(() => decodeValue(rec([...many, ['m3', 99]])), /Duplicate zset fields detected/);
});

test('zset listpacks: Redis keeps a long member in a listpack, converts past the entry count, sorts a disordered blob', () => {
  const lp = (items: string[]): Buffer => body(T.ZSET_LISTPACK, (o) => o.blob(encodeListpack(items), false));
  const long = decodeValue(lp(['a', '1', 'b'.repeat(100), '2'])) as RZSet;
  assert.equal(long.encoding(), 'listpack');
  assert.deepEqual([...long.entries()], [['a', 1], ['b'.repeat(100), 2]]);
  limits.zsetMaxListpackEntries = 1;
  const conv = decodeValue(lp(['a', '1', 'b', '2.5'])) as RZSet;
  assert.equal(conv.encoding(), 'skiplist');
  conv.check();
  limits.zsetMaxListpackEntries = 128;
  const shuffled = decodeValue(lp(['c', '3', 'a', '1', 'b', '2'])) as RZSet;
  shuffled.check();
  assert.deepEqual([...shuffled.entries()], [['a', 1], ['b', 2], ['c', 3]]);
  // Scores as text: what %.17g writes, and strtod's prefix rule for anything else.
  const text = decodeValue(lp(['a', '0.10000000000000001', 'b', '-2.5', 'c', '1e+100', 'd', 'inf', 'e', '12abc', 'f', '9007199254740993'])) as RZSet;
  assert.deepEqual(
    [...text.entries()].map(([m, s]) => [m, s]),
    [['b', -2.5], ['a', 0.1], ['e', 12], ['f', 9007199254740992], ['c', 1e100], ['d', Infinity]],
  );
  assert.throws(() => decodeValue(lp(['a', '1', 'b', '2', 'a', '3'])), /Zset listpack integrity check failed: duplicate members/);
  assert.throws(() => decodeValue(lp(['a', '1', 'b'])), /odd number of elements/);
  assert.throws(() => decodeValue(lp(['a', 'nan'])), /NaN score/);
});

test('lists: nodes are kept as loaded, plain nodes too, with compression on and off', () => {
  for (const n of [1, 5, 200, 5000]) {
    const l = new RList();
    for (let i = 0; i < n; i++) l.pushTail(i % 4 === 0 ? String(i) : `item-${'z'.repeat(i % 90)}`);
    const back = roundTrip(l) as RList;
    assert.equal(repr(back), repr(l));
    assert.deepEqual(back.layout(), l.layout(), `${n} elements keep their node layout`);
  }
  const payload = body(T.LIST_QUICKLIST_2, (o) => {
    o.len(3);
    o.len(2);
    o.blob(encodeListpack(['a', 'b']), false);
    o.len(1);
    o.string('p'.repeat(300), true);
    o.len(2);
    o.blob(encodeListpack(['c']), true);
  });
  const l = decodeValue(payload) as RList;
  assert.deepEqual([...l.values()], ['a', 'b', 'p'.repeat(300), 'c']);
  assert.deepEqual(l.layout().map((x) => x.plain), [false, true, false]);
});

test('big values round-trip: 100k-field hash, 100k-member set and zset, 1 MB strings', () => {
  const h = new RHash();
  const s = new RSet();
  const z = new RZSet();
  for (let i = 0; i < 100_000; i++) {
    h.set(`f${i}`, `v${i % 977}`);
    s.add(`member-${i}`);
    z.add(`m${i}`, (i * 7919) % 100_003);
  }
  for (const v of [h, s, z] as Value[]) {
    const back = roundTrip(v);
    assert.equal(encodingOf(back), encodingOf(v));
    assert.equal(repr(back), repr(v));
  }
  (roundTrip(z) as RZSet).check();
  const hb = roundTrip(h) as RHash;
  assert.equal(hb.get('f99999'), `v${99999 % 977}`);
  const sb = roundTrip(s) as RSet;
  assert.ok(sb.has('member-12345') && !sb.has('member-100000'));
  const r = rng(9);
  let noisy = '';
  for (let i = 0; i < 1 << 20; i++) noisy += String.fromCharCode(Math.floor(r() * 256));
  for (const str of ['ab'.repeat(1 << 19), noisy]) {
    assert.equal(decodeValue(encodeValue(str, true)), str);
    assert.equal(decodeValue(encodeValue(str, false)), str);
  }
  assert.ok(encodeValue('ab'.repeat(1 << 19), true).length < 100_000, 'LZF used when it helps');
});

test('the shared listpack builder gives the same bytes after a big value as a fresh one', () => {
  const big = new RHash();
  limits.hashMaxListpackEntries = 100_000;
  limits.hashMaxListpackValue = 100_000;
  for (let i = 0; i < 50_000; i++) big.set(`f${i}`, 'x'.repeat(40));
  assert.equal(big.encoding(), 'listpack');
  const small = new RHash();
  small.set('a', '1');
  small.set('b', 'two');
  encodeValue(big, false);
  const after = encodeValue(small, false);
  const fresh = new ListpackBuilder();
  for (const x of ['a', '1', 'b', 'two']) fresh.append(x);
  assert.ok(after.subarray(2).equals(fresh.finish()), 'type, length, then the listpack');
  assert.equal(repr(decodeValue(encodeValue(big, true))), repr(big));
});

test('ListpackReader reads every entry encoding, integers beyond 2^53 exactly', () => {
  const items = ['0', '127', '128', '-1', '-4096', '4095', '-32768', '32767', '-8388608', '8388607', '-2147483648', '2147483647', '9007199254740991', '9007199254740992', '-9223372036854775808', '9223372036854775807', '', 'a', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(4095), 'w'.repeat(4096), '1.5', '007'];
  const lp = encodeListpack(items);
  assert.deepEqual(decodeListpack(lp), items);
  // Inside a larger buffer, at an offset.
  const padded = Buffer.concat([Buffer.from('junk'), lp, Buffer.from('more')]);
  assert.deepEqual(decodeListpack(padded, 4, lp.length), items);
  const r = new ListpackReader();
  r.open(lp, 0, lp.length);
  const kinds: string[] = [];
  while (r.next()) kinds.push(r.isInt ? typeof r.int : 'string');
  r.close();
  assert.deepEqual(kinds.slice(12, 16), ['number', 'bigint', 'bigint', 'bigint']);
  // Corruption is still found: a count that disagrees, a cut blob.
  const bad = Buffer.from(lp);
  bad.writeUInt16LE(3, 4);
  assert.throws(() => decodeListpack(bad), /header counts 3 elements/);
  assert.throws(() => decodeListpack(lp.subarray(0, lp.length - 3)), /listpack/);
});

test('formatDouble: short exact decimals print as String does, everything else as %.17g', () => {
  // %.17g computed the long way: 17 significant digits, trailing zeros dropped.
  const g17 = (d: number): string => {
    const e = d.toExponential(16);
    const exp = Number(e.slice(e.indexOf('e') + 1));
    if (exp < -4 || exp >= 17) {
      const mant = e.slice(0, e.indexOf('e')).replace(/\.?0+$/, '');
      const a = Math.abs(exp);
      return `${mant}e${exp < 0 ? '-' : '+'}${a < 10 ? '0' : ''}${a}`;
    }
    return d.toFixed(16 - exp).replace(/\.?0+$/, '');
  };
  const r = rng(5);
  const samples = [2.5, -2.5, 0.375, 0.1, 0.0001, 0.00012207031249999999, 1e15 - 0.5, 123456789.25, 1 / 3, 2 ** -14, 1e-5];
  for (let i = 0; i < 20000; i++) {
    samples.push(Math.round(r() * 2 ** 30) / 2 ** Math.floor(r() * 40));
    samples.push((r() - 0.5) * 10 ** Math.floor(r() * 20 - 5));
    samples.push(Math.round(r() * 1e6) / 1000);
  }
  for (const d of samples) if (d !== 0) assert.equal(formatDouble(d), g17(d), String(d));
  assert.equal(formatDouble(0.1), '0.10000000000000001');
  assert.equal(formatDouble(2.5), '2.5');
});

test('hash field names looked up by their bytes come back right under cache collisions, any length and byte', () => {
  const r = rng(77);
  const names: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const len = Math.floor(r() * 30);
    let s = '';
    for (let j = 0; j < len; j++) s += String.fromCharCode(Math.floor(r() * 256));
    names.push(s + i);
  }
  names.push('', 'x'.repeat(24), 'x'.repeat(25), '12', '-7', 'é');
  for (let round = 0; round < 200; round++) {
    const h = new RHash();
    for (let k = 0; k < 1 + Math.floor(r() * 20); k++) h.set(names[Math.floor(r() * names.length)]!, `v${round}:${k}`);
    // Listpack and pair-by-pair forms alike.
    const table = body(T.HASH, (o) => {
      o.len(h.size);
      for (const [f, v] of h.entries()) {
        o.string(f, false);
        o.string(v, false);
      }
    });
    for (const back of [roundTrip(h), decodeValue(table)] as RHash[]) {
      assert.deepEqual([...back.entries()], [...h.entries()]);
    }
  }
});

test('hash values and set members shared by their bytes come back right under cache collisions, and values stay independent', () => {
  const r = rng(78);
  // Few distinct strings, so the value cache hits often, and many of the same length, so
  // slots collide between strings that differ in a single byte.
  const pool: string[] = [];
  for (let i = 0; i < 400; i++) {
    const len = 2 + Math.floor(r() * 24);
    let s = '';
    for (let j = 0; j < len; j++) s += String.fromCharCode(Math.floor(r() * 256));
    pool.push(s);
  }
  for (let i = 0; i < 100; i++) pool.push(`ab${String.fromCharCode(i)}`, `a${String.fromCharCode(i)}b`);
  pool.push('', 'y', 'x'.repeat(24), 'x'.repeat(25), '12', '-7', '12x');
  const pick = (): string => pool[Math.floor(r() * pool.length)]!;
  const loaded: RHash[] = [];
  for (let round = 0; round < 300; round++) {
    const h = new RHash();
    for (let k = 0; k < 1 + Math.floor(r() * 20); k++) h.set(`f${k}`, pick());
    const pairs = body(T.HASH, (o) => {
      o.len(h.size);
      for (const [f, v] of h.entries()) {
        o.string(f, false);
        o.string(v, false);
      }
    });
    for (const back of [roundTrip(h), decodeValue(pairs)] as RHash[]) {
      assert.deepEqual([...back.entries()], [...h.entries()]);
      loaded.push(back);
    }
    const members = new Set<string>();
    for (let k = 0; k < 1 + Math.floor(r() * 40); k++) members.add(pick());
    const set = decodeValue(body(T.SET, (o) => {
      o.len(members.size);
      for (const m of members) o.string(m, false);
    })) as RSet;
    assert.deepEqual(new Set(set.values()), members);
    for (const m of members) assert.ok(set.has(m));
    assert.equal(set.has('not-in-the-pool'), false);
  }
  // Hashes that share value strings are still changed one at a time.
  const [a, b] = [loaded[0]!, loaded[1]!];
  const before = [...b.entries()];
  a.set('f0', 'changed');
  assert.deepEqual([...b.entries()], before);
});
