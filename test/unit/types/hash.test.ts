import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { RHash } from '../../../src/types/hash.js';
import { limits } from '../../../src/types/limits.js';
import { mulberry32 as prng } from '../../helpers/random.js';

const DEFAULT_ENTRIES = limits.hashMaxListpackEntries;
const DEFAULT_VALUE = limits.hashMaxListpackValue;
afterEach(() => {
  limits.hashMaxListpackEntries = DEFAULT_ENTRIES;
  limits.hashMaxListpackValue = DEFAULT_VALUE;
});

/**
 * Random sets and deletes against a Map model (whose iteration is insertion order, like a
 * listpack's): checks replies, size, values, the encoding rule and, while listpack, the order.
 */
function fuzz(seed: number, maxEntries: number, maxValue: number, ops: number): void {
  limits.hashMaxListpackEntries = maxEntries;
  limits.hashMaxListpackValue = maxValue;
  const rnd = prng(seed);
  const h = new RHash();
  const model = new Map<string, string>();
  let converted = false;
  const fields = 3 * maxEntries + 5;
  for (let i = 0; i < ops; i++) {
    const f = 'f' + Math.floor(rnd() * fields) + (rnd() < 0.02 ? 'x'.repeat(maxValue) : '');
    const r = rnd();
    if (r < 0.6) {
      const v = rnd() < 0.03 ? 'v'.repeat(maxValue + 1) : String(Math.floor(rnd() * 1000));
      const isNew = !model.has(f);
      if (!converted && (f.length > maxValue || v.length > maxValue)) converted = true;
      model.set(f, v);
      if (!converted && model.size > maxEntries) converted = true;
      assert.equal(h.set(f, v), isNew);
    } else if (r < 0.9) {
      assert.equal(h.delete(f), model.delete(f));
    } else {
      assert.equal(h.get(f), model.get(f));
      assert.equal(h.has(f), model.has(f));
    }
    assert.equal(h.size, model.size);
    assert.equal(h.encoding(), converted ? 'hashtable' : 'listpack', `op ${i}`);
  }
  const entries = [...h.entries()];
  if (!converted) assert.deepEqual(entries, [...model.entries()], 'a listpack iterates in insertion order');
  else assert.deepEqual(new Map(entries), model);
  assert.equal(entries.length, model.size);
}

test('random operations agree with a Map model at several limits', () => {
  for (const [entries, value] of [[128, 64], [512, 64], [4, 8], [1, 16], [16, 3], [0, 64]] as const) {
    for (let seed = 1; seed <= 6; seed++) fuzz(seed * 13 + entries, entries, value, 500);
  }
});

test('converts after the entry that passes hash-max-listpack-entries, not before', () => {
  for (const max of [1, 2, 7, 128]) {
    limits.hashMaxListpackEntries = max;
    const h = new RHash();
    for (let i = 0; i < max; i++) h.set('f' + i, 'v');
    assert.equal(h.encoding(), 'listpack');
    h.set('f0', 'updated');
    assert.equal(h.encoding(), 'listpack', 'an update adds no entry');
    h.set('new', 'v');
    assert.equal(h.encoding(), 'hashtable');
    assert.equal(h.get('f0'), 'updated');
  }
});

test('a field or value longer than hash-max-listpack-value converts; equal length does not', () => {
  for (const max of [0, 1, 8, 64]) {
    limits.hashMaxListpackValue = max;
    const a = new RHash();
    a.set('x'.repeat(max), 'y'.repeat(max));
    assert.equal(a.encoding(), 'listpack', `length ${max} fits`);
    const b = new RHash();
    b.set('x'.repeat(max + 1), '1');
    assert.equal(b.encoding(), 'hashtable', 'long field');
    const c = new RHash();
    c.set('f', '');
    c.set('f', 'y'.repeat(max + 1));
    assert.equal(c.encoding(), 'hashtable', 'long value on update');
  }
});

test('deleting from a listpack keeps insertion order; conversion keeps the pairs', () => {
  const h = new RHash();
  for (const f of ['a', 'b', 'c', 'd']) h.set(f, f.toUpperCase());
  h.delete('b');
  h.set('e', 'E');
  h.set('a', 'A2');
  assert.deepEqual([...h.entries()], [['a', 'A2'], ['c', 'C'], ['d', 'D'], ['e', 'E']]);
  assert.deepEqual(h.flat(), ['a', 'A2', 'c', 'C', 'd', 'D', 'e', 'E']);
  h.set('long', 'z'.repeat(limits.hashMaxListpackValue + 1));
  assert.equal(h.encoding(), 'hashtable');
  assert.equal(h.get('c'), 'C');
  assert.equal(h.size, 5);
});

test('a large hash: get, delete, random picks and sampling stay consistent', () => {
  const h = new RHash();
  const n = 20000;
  for (let i = 0; i < n; i++) h.set('field:' + i, 'value:' + i);
  assert.equal(h.encoding(), 'hashtable');
  for (let i = 0; i < n; i += 3) assert.equal(h.delete('field:' + i), true);
  for (let i = 0; i < n; i++) assert.equal(h.get('field:' + i), i % 3 === 0 ? undefined : 'value:' + i);
  const a = h.flat();
  for (let k = 0; k < 1000; k++) {
    const pos = h.randomPos();
    assert.equal(h.get(a[pos]!), a[pos + 1]);
  }
  for (const count of [3, 100, h.size - 1]) {
    const picks = h.sample(count);
    assert.equal(new Set(picks).size, count);
    for (const pos of picks) assert.equal(pos % 2, 0);
  }
});

test('sample on a listpack returns distinct fields in insertion order', () => {
  const h = new RHash();
  for (let i = 0; i < 20; i++) h.set('f' + i, String(i));
  for (let count = 1; count < 20; count++) {
    const picks = h.sample(count);
    assert.equal(picks.length, count);
    assert.deepEqual([...picks].sort((x, y) => x - y), picks, 'in order');
    assert.equal(new Set(picks).size, count);
  }
});

test('scan of a large hash visits every field present throughout, with values', () => {
  const h = new RHash();
  for (let i = 0; i < 3000; i++) h.set('s' + i, 'v' + i);
  const seen = new Map<string, string>();
  let cursor = 0;
  let j = 0;
  do {
    cursor = h.scan(cursor, 7, (f, v) => seen.set(f, v));
    h.set('new' + j, 'x');
    if (j % 2 === 0) h.delete('new' + (j >> 1));
    j++;
  } while (cursor !== 0);
  for (let i = 0; i < 3000; i++) assert.equal(seen.get('s' + i), 'v' + i);
});

test('scan of a listpack returns all pairs in order with cursor 0', () => {
  const h = new RHash();
  h.set('b', '1');
  h.set('a', '2');
  const got: string[] = [];
  assert.equal(h.scan(99, 1, (f, v) => got.push(f, v)), 0);
  assert.deepEqual(got, ['b', '1', 'a', '2']);
});

test('clone is independent and keeps the encoding', () => {
  const h = new RHash();
  h.set('a', '1');
  const c = h.clone();
  c.set('a', '2');
  assert.equal(h.get('a'), '1');
  assert.equal(c.encoding(), 'listpack');
  const big = new RHash();
  for (let i = 0; i < 600; i++) big.set('k' + i, 'v');
  const big2 = big.clone();
  big2.delete('k1');
  assert.equal(big.has('k1'), true);
  assert.equal(big2.has('k1'), false);
  assert.equal(big2.get('k599'), 'v');
  assert.equal(big2.encoding(), 'hashtable');
});
