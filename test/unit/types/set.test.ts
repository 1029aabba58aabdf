import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { DenseTable, RSet } from '../../../src/types/set.js';
import { limits } from '../../../src/types/limits.js';
import { mulberry32 as prng } from '../../helpers/random.js';

const DEFAULT_MAX = limits.setMaxIntsetEntries;
afterEach(() => {
  limits.setMaxIntsetEntries = DEFAULT_MAX;
});

/** The model's integer test: Redis's string2ll (no sign but '-', no leading zeros, int64). */
function isInt(s: string): boolean {
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return false;
  const v = BigInt(s);
  return v >= -(2n ** 63n) && v < 2n ** 63n;
}

const POOL = [
  '0', '1', '-1', '2', '17', '42', '-300', '65535', '2147483647', '-2147483648', '4294967296',
  '9007199254740991', '9007199254740992', '-9007199254740993', '9223372036854775807', '-9223372036854775808',
  '9223372036854775808', '-0', '007', '+1', ' 1', '1 ', '', 'a', 'foo', 'bar', '1.5', '1e3', 'x'.repeat(100),
];

/** Runs random adds/removes/pops against a Set model and checks size, members and encoding. */
function fuzz(seed: number, max: number, ops: number, pool: string[]): void {
  limits.setMaxIntsetEntries = max;
  const rnd = prng(seed);
  const s = new RSet();
  const model = new Set<string>();
  let converted = false;
  for (let i = 0; i < ops; i++) {
    const r = rnd();
    const m = pool[Math.floor(rnd() * pool.length)]!;
    if (r < 0.55) {
      const isNew = !model.has(m);
      if (isNew && !converted && (!isInt(m) || model.size + 1 > max)) converted = true;
      model.add(m);
      assert.equal(s.add(m), isNew, `add ${m}`);
    } else if (r < 0.85) {
      assert.equal(s.remove(m), model.delete(m), `remove ${m}`);
    } else if (r < 0.95) {
      assert.equal(s.has(m), model.has(m), `has ${m}`);
    } else if (model.size > 0) {
      const p = s.pop();
      assert.ok(model.delete(p), `pop returned a member: ${p}`);
    }
    assert.equal(s.size, model.size);
    assert.equal(s.encoding(), converted ? 'hashtable' : 'intset', `encoding after op ${i}`);
  }
  const members = [...s.values()];
  assert.deepEqual(new Set(members), model);
  assert.equal(members.length, model.size);
  if (!converted) {
    const sorted = [...members].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
    assert.deepEqual(members, sorted, 'an intset iterates in ascending order');
  }
}

test('random operations agree with a Set model, intset and hashtable', () => {
  const ints = POOL.filter(isInt);
  for (let seed = 1; seed <= 20; seed++) {
    fuzz(seed, 512, 400, ints);
    fuzz(seed + 100, 512, 400, POOL);
  }
});

test('random operations agree with the model at small intset limits', () => {
  const many: string[] = [];
  for (let i = -40; i < 40; i++) many.push(String(i * 7919));
  for (const max of [0, 1, 3, 16, 64]) {
    for (let seed = 1; seed <= 5; seed++) fuzz(seed * 31 + max, max, 600, many);
  }
});

test('converts to hashtable exactly when the intset passes set-max-intset-entries', () => {
  for (const max of [1, 2, 5, 128, 512]) {
    limits.setMaxIntsetEntries = max;
    const s = new RSet();
    for (let i = 0; i < max; i++) s.add(String(i * 3 - 10));
    assert.equal(s.encoding(), 'intset', `${max} members stay an intset`);
    assert.equal(s.add('0'.repeat(0) + String(-10)), false, 'a duplicate does not convert');
    assert.equal(s.encoding(), 'intset');
    assert.equal(s.add(String(max * 3 + 1000)), true);
    assert.equal(s.encoding(), 'hashtable', `${max + 1} members convert`);
    assert.equal(s.size, max + 1);
  }
});

test('a limit of 0 makes every set a hashtable', () => {
  limits.setMaxIntsetEntries = 0;
  const s = new RSet();
  s.add('1');
  assert.equal(s.encoding(), 'hashtable');
});

test('a non-integer member converts, and removals never convert back', () => {
  const s = new RSet();
  s.add('3');
  s.add('1');
  s.add('2');
  assert.equal(s.encoding(), 'intset');
  assert.deepEqual([...s.values()], ['1', '2', '3']);
  s.add('a');
  assert.equal(s.encoding(), 'hashtable');
  assert.deepEqual([...s.values()].sort(), ['1', '2', '3', 'a']);
  s.remove('a');
  assert.equal(s.encoding(), 'hashtable');
});

test('integers that are not string2ll-valid are strings: "-0", "007", "+1", over 64 bits', () => {
  for (const m of ['-0', '007', '+1', ' 1', '9223372036854775808', '-9223372036854775809', '213244124402402314402033402']) {
    const s = new RSet();
    s.add(m);
    assert.equal(s.encoding(), 'hashtable', m);
    assert.equal(s.has(m), true);
  }
});

test('int64 extremes are exact members of an intset', () => {
  const s = new RSet();
  const members = ['9223372036854775807', '-9223372036854775808', '9007199254740993', '9007199254740992', '0'];
  for (const m of members) assert.equal(s.add(m), true);
  assert.equal(s.encoding(), 'intset');
  assert.deepEqual([...s.values()], ['-9223372036854775808', '0', '9007199254740992', '9007199254740993', '9223372036854775807']);
  assert.equal(s.has('9007199254740994'), false, 'neighbours of large members are not members');
  assert.equal(s.has('9223372036854775806'), false);
  assert.equal(s.remove('9007199254740993'), true);
  assert.equal(s.has('9007199254740992'), true);
});

test('pop and random return members; sample returns distinct members', () => {
  for (const members of [['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'], 'abcdefghijklmnopqrstuvwxyz'.split('')]) {
    const s = new RSet();
    for (const m of members) s.add(m);
    for (let i = 0; i < 50; i++) assert.ok(members.includes(s.random()));
    for (let count = 1; count < members.length; count++) {
      const got = s.sample(count);
      assert.equal(got.length, count);
      assert.equal(new Set(got).size, count, 'distinct');
      for (const m of got) assert.ok(members.includes(m));
    }
  }
});

test('sample uses both strategies on a large set and stays within it', () => {
  const s = new RSet();
  for (let i = 0; i < 3000; i++) s.add('m' + i);
  for (const count of [5, 999, 1001, 2999]) {
    const got = s.sample(count);
    assert.equal(new Set(got).size, count);
    for (const m of got) assert.ok(s.has(m));
  }
});

test('random picks on a large hashtable set are spread over all members', () => {
  const s = new RSet();
  const n = 200;
  for (let i = 0; i < n; i++) s.add('member:' + i);
  const counts = new Map<string, number>();
  const draws = 20000;
  for (let i = 0; i < draws; i++) {
    const m = s.random();
    counts.set(m, (counts.get(m) ?? 0) + 1);
  }
  assert.equal(counts.size, n, 'every member is picked');
  // Chi-square with 199 degrees of freedom; 320 is far in the tail (p < 1e-7).
  const expected = draws / n;
  let chi = 0;
  for (const c of counts.values()) chi += ((c - expected) ** 2) / expected;
  assert.ok(chi < 320, `chi-square ${chi}`);
});

test('pop drains a large set exactly, each member once', () => {
  const s = new RSet();
  const n = 5000;
  for (let i = 0; i < n; i++) s.add('k' + i);
  const seen = new Set<string>();
  while (s.size > 0) {
    const m = s.pop();
    assert.ok(!seen.has(m));
    assert.equal(s.has(m), false);
    seen.add(m);
  }
  assert.equal(seen.size, n);
});

test('scan visits every member present for the whole scan, despite changes between calls', () => {
  const rnd = prng(7);
  const s = new RSet();
  for (let i = 0; i < 5000; i++) s.add('stay' + i);
  const stable = new Set([...s.values()]);
  const seen = new Set<string>();
  let cursor = 0;
  let calls = 0;
  let extra = 0;
  do {
    cursor = s.scan(cursor, 10, (m) => seen.add(m));
    calls++;
    // Churn: add and remove other members between calls.
    for (let k = 0; k < 5; k++) {
      s.add('churn' + extra++);
      if (rnd() < 0.7) s.remove('churn' + Math.floor(rnd() * extra));
    }
  } while (cursor !== 0);
  assert.ok(calls > 100, 'a large set is scanned in many calls');
  for (const m of stable) assert.ok(seen.has(m), `missed ${m}`);
});

test('scan of an intset returns everything with cursor 0; a hashtable goes by count', () => {
  const ints = new RSet();
  for (const m of ['5', '1', '3']) ints.add(m);
  const got: string[] = [];
  assert.equal(ints.scan(0, 1, (m) => got.push(m)), 0);
  assert.deepEqual(got, ['1', '3', '5']);
  const small = new RSet();
  for (const m of ['b', 'a', 'c']) small.add(m);
  const got2: string[] = [];
  let cursor = small.scan(0, 2, (m) => got2.push(m));
  assert.notEqual(cursor, 0);
  assert.equal(got2.length, 2);
  cursor = small.scan(cursor, 2, (m) => got2.push(m));
  assert.equal(cursor, 0);
  assert.deepEqual(got2.sort(), ['a', 'b', 'c']);
  const got3: string[] = [];
  assert.equal(small.scan(12345, 10, (m) => got3.push(m)), 0, 'a cursor past the end starts over');
  assert.equal(got3.length, 3);
});

test('scan still sees every old member when the set shrinks and grows between calls', () => {
  const rnd = prng(11);
  const s = new RSet();
  for (let i = 0; i < 300; i++) s.add('old' + i);
  const present = new Set([...s.values()]);
  const seen = new Set<string>();
  let cursor = 0;
  let n = 0;
  do {
    cursor = s.scan(cursor, 3, (m) => seen.add(m));
    // Remove some old members for good and add and remove new ones.
    for (let k = 0; k < 3; k++) {
      const victim = 'old' + Math.floor(rnd() * 300);
      if (s.remove(victim)) present.delete(victim);
      s.add('new' + n++);
      if (rnd() < 0.5) s.remove('new' + Math.floor(rnd() * n));
    }
  } while (cursor !== 0);
  for (const m of present) assert.ok(seen.has(m), `missed ${m}`);
});

test('clone is independent and keeps the encoding', () => {
  const a = new RSet();
  for (const m of ['1', '2', '3']) a.add(m);
  const b = a.clone();
  b.add('4');
  assert.equal(a.size, 3);
  assert.equal(b.encoding(), 'intset');
  const big = new RSet();
  for (let i = 0; i < 100; i++) big.add('x' + i);
  const big2 = big.clone();
  big2.remove('x5');
  assert.equal(big.has('x5'), true);
  assert.equal(big2.has('x5'), false);
  assert.equal(big2.has('x99'), true);
  assert.equal(big2.encoding(), 'hashtable');
});

test('DenseTable keeps find consistent through swap-removals, with and without an index', () => {
  for (const n of [10, 100, 1000]) {
    const t = new DenseTable(2);
    for (let i = 0; i < n; i++) t.push('f' + i, 'v' + i);
    const rnd = prng(n);
    const alive = new Set<number>();
    for (let i = 0; i < n; i++) alive.add(i);
    for (let k = 0; k < n / 2; k++) {
      const i = Math.floor(rnd() * n);
      const pos = t.find('f' + i);
      assert.equal(pos >= 0, alive.has(i));
      if (pos >= 0) {
        t.removeAt(pos);
        alive.delete(i);
      }
    }
    assert.equal(t.size, alive.size);
    for (let i = 0; i < n; i++) {
      const pos = t.find('f' + i);
      assert.equal(pos >= 0, alive.has(i));
      if (pos >= 0) assert.equal(t.items[pos + 1], 'v' + i);
    }
  }
});

test('a large set finds, moves and removes members through heavy churn (index tombstones and rebuilds)', () => {
  const rnd = prng(5);
  const s = new RSet();
  const model = new Set<string>();
  for (let i = 0; i < 60000; i++) {
    const m = 'k' + Math.floor(rnd() * 3000);
    if (rnd() < 0.55) assert.equal(s.add(m), !model.has(m) && model.add(m) !== undefined);
    else assert.equal(s.remove(m), model.delete(m));
    if (i % 4999 === 0) {
      for (const x of model) assert.equal(s.has(x), true, x);
      for (let j = 0; j < 3000; j += 7) assert.equal(s.has('k' + j), model.has('k' + j));
    }
  }
  assert.deepEqual(new Set(s.values()), model);
  const copy = s.clone();
  for (const x of model) assert.equal(copy.has(x), true);
  // Emptied down to a few members and refilled: lookups stay right.
  for (const x of [...model].slice(5)) s.remove(x);
  for (let j = 0; j < 1000; j++) s.add('again' + j);
  for (let j = 0; j < 1000; j++) assert.equal(s.has('again' + j), true);
  assert.equal(s.size, 1005);
});
