import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NONE, RZSet, ZADD_ADDED, ZADD_GT, ZADD_INCR, ZADD_LT, ZADD_NAN, ZADD_NOP, ZADD_NX, ZADD_UPDATED, ZADD_XX, type LexRange, type ScoreRange } from '../../../src/types/zset.js';
import { limits } from '../../../src/types/limits.js';
import { mulberry32 as rng } from '../../helpers/random.js';

/** The model: a Map, sorted on demand. */
class Model {
  m = new Map<string, number>();
  sorted(): [string, number][] {
    return [...this.m.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
}

function withLimits(entries: number, value: number, fn: () => void): void {
  const saved = { e: limits.zsetMaxListpackEntries, v: limits.zsetMaxListpackValue };
  limits.zsetMaxListpackEntries = entries;
  limits.zsetMaxListpackValue = value;
  try {
    fn();
  } finally {
    limits.zsetMaxListpackEntries = saved.e;
    limits.zsetMaxListpackValue = saved.v;
  }
}

function inScore(s: number, r: ScoreRange): boolean {
  return (r.minex ? s > r.min : s >= r.min) && (r.maxex ? s < r.max : s <= r.max);
}

function inLex(m: string, r: LexRange): boolean {
  const geMin = r.minKind === -1 ? true : r.minKind === 1 ? false : r.minex ? m > r.min : m >= r.min;
  const leMax = r.maxKind === 1 ? true : r.maxKind === -1 ? false : r.maxex ? m < r.max : m <= r.max;
  return geMin && leMax;
}

function walk(z: RZSet): [string, number][] {
  const out: [string, number][] = [];
  for (let c = z.seekRank(0); c !== NONE; c = z.next(c)) out.push([z.memberAt(c), z.scoreAt(c)]);
  return out;
}

function walkBack(z: RZSet): [string, number][] {
  const out: [string, number][] = [];
  for (let c = z.seekRank(z.size - 1); c !== NONE; c = z.prev(c)) out.push([z.memberAt(c), z.scoreAt(c)]);
  return out;
}

/** Random ops on an RZSet and the model, comparing every observable after each batch. */
function fuzz(seed: number, encoding: 'listpack' | 'skiplist', ops: number, universe: number): void {
  const rand = rng(seed);
  const z = new RZSet(encoding === 'skiplist');
  const model = new Model();
  const member = (): string => 'm' + Math.floor(rand() * universe);
  const norm = (s: number): number => (encoding === 'listpack' && s === 0 ? 0 : s);
  const score = (): number => {
    const r = rand();
    if (r < 0.3) return Math.floor(rand() * 10); // many ties
    if (r < 0.35) return [Infinity, -Infinity, -0, 0][Math.floor(rand() * 4)]!;
    return Math.round((rand() - 0.5) * 2000) / 8;
  };
  const range = (): ScoreRange => {
    const a = score();
    const b = score();
    return { min: Math.min(a, b), max: rand() < 0.1 ? Math.min(a, b) - 1 : Math.max(a, b), minex: rand() < 0.5, maxex: rand() < 0.5 };
  };
  for (let i = 0; i < ops; i++) {
    const op = rand();
    if (op < 0.5) {
      const m = member();
      const s = score();
      const isNew = !model.m.has(m);
      assert.equal(z.add(m, s), isNew);
      // An equal score (0 vs -0 included) leaves the stored one alone.
      if (isNew || model.m.get(m) !== s) model.m.set(m, norm(s));
    } else if (op < 0.7) {
      const m = member();
      assert.equal(z.remove(m), model.m.delete(m));
    } else if (op < 0.75) {
      const r = range();
      const expect = [...model.m.entries()].filter(([, s]) => inScore(s, r));
      assert.equal(z.deleteRangeByScore(r), expect.length);
      for (const [m] of expect) model.m.delete(m);
    } else if (op < 0.78) {
      const n = model.m.size;
      if (n > 0) {
        const a = Math.floor(rand() * n);
        const b = a + Math.floor(rand() * 5);
        const end = Math.min(b, n - 1);
        const expect = model.sorted().slice(a, end + 1);
        assert.equal(z.deleteRangeByRank(a, end), expect.length);
        for (const [m] of expect) model.m.delete(m);
      }
    } else {
      const m = member();
      const f = [ZADD_NX, ZADD_XX, ZADD_GT, ZADD_LT, ZADD_INCR, ZADD_XX | ZADD_GT][Math.floor(rand() * 6)]!;
      let s = score();
      const had = model.m.get(m);
      const out = z.zadd(m, s, f);
      // Redis's zsetAdd, as a reference model.
      let expect: number;
      if (had !== undefined) {
        if (f & ZADD_NX) expect = ZADD_NOP;
        else {
          if (f & ZADD_INCR) s += had;
          if (s !== s) expect = ZADD_NAN;
          else if ((f & ZADD_LT && s >= had) || (f & ZADD_GT && s <= had)) expect = ZADD_NOP;
          else {
            expect = s !== had ? ZADD_UPDATED : 0;
            if (s !== had) model.m.set(m, norm(s));
            assert.equal(RZSet.lastScore, s);
          }
        }
      } else if (f & ZADD_XX) expect = ZADD_NOP;
      else {
        expect = ZADD_ADDED;
        model.m.set(m, norm(s));
      }
      assert.equal(out, expect, `zadd flags ${f}`);
    }
    if (i % 25 === 0 || i === ops - 1) {
      z.check();
      const exp = model.sorted();
      assert.equal(z.size, exp.length);
      assert.deepEqual(walk(z), exp);
      assert.deepEqual([...z.entries()], exp);
      assert.deepEqual(walkBack(z), exp.slice().reverse());
      for (let k = 0; k < exp.length; k += 1 + Math.floor(exp.length / 7)) {
        const [m, s] = exp[k]!;
        assert.equal(z.rank(m), k);
        assert.equal(z.rank(m, true), exp.length - 1 - k);
        assert.equal(z.score(m), s);
        const c = z.seekRank(k);
        assert.equal(z.memberAt(c), m);
      }
      assert.equal(z.rank('absent'), -1);
      assert.equal(z.score('absent'), undefined);
      for (let q = 0; q < 5; q++) {
        const r = range();
        const inside = exp.filter(([, s]) => inScore(s, r));
        const first = z.firstInScore(r);
        const last = z.lastInScore(r);
        if (inside.length === 0) {
          assert.equal(first, NONE);
          assert.equal(last, NONE);
        } else {
          assert.equal(z.memberAt(first), inside[0]![0]);
          assert.equal(z.memberAt(last), inside[inside.length - 1]![0]);
        }
        assert.equal(z.countInScore(r), inside.length);
      }
    }
    if (encoding === 'skiplist') assert.equal(z.encoding(), 'skiplist');
  }
}

test('listpack encoding matches the model under random operations', () => {
  withLimits(1 << 20, 1 << 20, () => {
    fuzz(1, 'listpack', 3000, 80);
    fuzz(2, 'listpack', 3000, 15);
  });
});

test('skiplist encoding matches the model under random operations', () => {
  fuzz(3, 'skiplist', 4000, 300);
  fuzz(4, 'skiplist', 3000, 20);
  fuzz(5, 'skiplist', 1500, 2000);
});

test('lex ranges over equal scores match the model in both encodings', () => {
  const rand = rng(9);
  const letters = 'abcdefghij';
  const word = (): string => {
    let s = '';
    const n = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < n; i++) s += letters[Math.floor(rand() * letters.length)];
    return s;
  };
  const bound = (): [string, -1 | 0 | 1, boolean] => {
    const r = rand();
    if (r < 0.1) return ['', -1, true];
    if (r < 0.2) return ['', 1, true];
    return [word(), 0, rand() < 0.5];
  };
  for (const enc of ['listpack', 'skiplist'] as const) {
    const z = new RZSet(enc === 'skiplist');
    const members = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const w = word();
      members.add(w);
      z.add(w, 0);
    }
    const all = [...members].sort();
    for (let q = 0; q < 300; q++) {
      const [min, minKind, minex] = bound();
      const [max, maxKind, maxex] = bound();
      const r: LexRange = { min, minKind, minex, max, maxKind, maxex };
      const inside = all.filter((m) => inLex(m, r));
      assert.equal(z.countInLex(r), inside.length, JSON.stringify(r));
      const first = z.firstInLex(r);
      const last = z.lastInLex(r);
      if (inside.length === 0) {
        assert.equal(first, NONE);
        assert.equal(last, NONE);
      } else {
        assert.equal(z.memberAt(first), inside[0]);
        assert.equal(z.memberAt(last), inside[inside.length - 1]);
      }
    }
    // Range deletion by lex
    const r: LexRange = { min: 'c', minKind: 0, minex: false, max: 'f', maxKind: 0, maxex: true };
    const gone = all.filter((m) => inLex(m, r));
    assert.equal(z.deleteRangeByLex(r), gone.length);
    assert.deepEqual(
      walk(z).map(([m]) => m),
      all.filter((m) => !inLex(m, r)),
    );
    z.check();
  }
});

test('converts to skiplist past zset-max-listpack-entries and never back by itself', () => {
  const z = new RZSet();
  for (let i = 0; i < limits.zsetMaxListpackEntries; i++) z.add('m' + i, i);
  assert.equal(z.encoding(), 'listpack');
  z.add('m0', 100); // an update does not convert
  assert.equal(z.encoding(), 'listpack');
  z.add('extra', 1);
  assert.equal(z.encoding(), 'skiplist');
  for (let i = 0; i < 120; i++) z.remove('m' + i);
  assert.equal(z.size, 9);
  assert.equal(z.encoding(), 'skiplist');
  z.check();
});

test('converts to skiplist when a member is longer than zset-max-listpack-value', () => {
  const z = new RZSet();
  z.add('x'.repeat(limits.zsetMaxListpackValue), 1);
  assert.equal(z.encoding(), 'listpack');
  z.add('y'.repeat(limits.zsetMaxListpackValue + 1), 2);
  assert.equal(z.encoding(), 'skiplist');
  assert.deepEqual(
    [...z.entries()].map(([, s]) => s),
    [1, 2],
  );
});

test('follows limits changed at run time, and entries 0 means skiplist from the first member', () => {
  withLimits(0, 64, () => {
    const z = new RZSet();
    z.add('a', 1);
    assert.equal(z.encoding(), 'skiplist');
  });
  withLimits(3, 64, () => {
    const z = new RZSet();
    for (const m of ['a', 'b', 'c']) z.add(m, 1);
    assert.equal(z.encoding(), 'listpack');
    z.add('d', 1);
    assert.equal(z.encoding(), 'skiplist');
  });
});

test('shrinkIfSmall converts back only within both limits', () => {
  const z = new RZSet(true);
  for (let i = 0; i < 10; i++) z.add('m' + i, 10 - i);
  z.shrinkIfSmall(limits.zsetMaxListpackValue + 1);
  assert.equal(z.encoding(), 'skiplist');
  z.shrinkIfSmall(2);
  assert.equal(z.encoding(), 'listpack');
  z.check();
  assert.deepEqual(walk(z)[0], ['m9', 1]);
  const big = new RZSet(true);
  for (let i = 0; i <= limits.zsetMaxListpackEntries; i++) big.add('m' + i, i);
  big.shrinkIfSmall(0);
  assert.equal(big.encoding(), 'skiplist');
});

test('clone is deep and keeps the encoding; toSkiplist converts in place', () => {
  for (const skip of [false, true]) {
    const z = new RZSet(skip);
    for (let i = 0; i < 50; i++) z.add('m' + i, i % 7);
    const copy = z.clone();
    assert.equal(copy.encoding(), z.encoding());
    assert.deepEqual([...copy.entries()], [...z.entries()]);
    copy.add('m1', 99);
    copy.remove('m2');
    assert.equal(z.score('m1'), 1);
    assert.equal(z.score('m2'), 2);
    copy.check();
  }
  const z = new RZSet();
  z.add('a', 2);
  z.add('b', 1);
  z.toSkiplist();
  assert.equal(z.encoding(), 'skiplist');
  assert.deepEqual([...z.entries()], [
    ['b', 1],
    ['a', 2],
  ]);
});

test('orders equal scores bytewise, including bytes above 0x7f and NUL', () => {
  for (const skip of [false, true]) {
    const z = new RZSet(skip);
    for (const m of ['\xff', 'a', '\x00', 'a\x00', 'B', '\x80']) z.add(m, 1);
    assert.deepEqual(
      walk(z).map(([m]) => m),
      ['\x00', 'B', 'a', 'a\x00', '\x80', '\xff'],
    );
  }
});

test('treats -0 and 0 as one score; a listpack stores -0 as 0, a skiplist keeps the sign', () => {
  for (const skip of [false, true]) {
    const z = new RZSet(skip);
    z.add('a', -0);
    assert.equal(Object.is(z.score('a'), -0), skip);
    assert.equal(z.zadd('a', 0, 0), 0); // same score: nothing to update
    assert.equal(Object.is(z.score('a'), -0), skip);
  }
  const z = new RZSet(true);
  z.add('a', -0);
  z.shrinkIfSmall(1);
  assert.ok(Object.is(z.score('a'), 0));
});

test('zadd reports NaN from an increment of opposite infinities and changes nothing', () => {
  for (const skip of [false, true]) {
    const z = new RZSet(skip);
    z.add('a', Infinity);
    assert.equal(z.zadd('a', -Infinity, ZADD_INCR), ZADD_NAN);
    assert.equal(z.score('a'), Infinity);
    assert.equal(z.zadd('b', NaN, 0), ZADD_NAN);
    assert.equal(z.size, 1);
  }
});

test('scan returns a listpack whole with cursor 0 and walks a skiplist to completion', () => {
  const small = new RZSet();
  for (let i = 0; i < 5; i++) small.add('m' + i, i);
  const seen: string[] = [];
  assert.equal(
    small.scan(0, 1, (m) => seen.push(m)),
    0,
  );
  assert.equal(seen.length, 5);
  const big = new RZSet(true);
  for (let i = 0; i < 1000; i++) big.add('m' + i, i);
  const got = new Set<string>();
  let cursor = 0;
  do {
    cursor = big.scan(cursor, 50, (m, s) => {
      assert.equal(s, Number(m.slice(1)));
      got.add(m);
    });
  } while (cursor !== 0);
  assert.equal(got.size, 1000);
});

test('randomCursor reaches every element', () => {
  const z = new RZSet(true);
  for (let i = 0; i < 20; i++) z.add('m' + i, i);
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) seen.add(z.memberAt(z.randomCursor()));
  assert.equal(seen.size, 20);
});
