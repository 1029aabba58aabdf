import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dict, dictTuning, hashKey } from '../../../src/types/dict.js';
import { mulberry32 as rng } from '../../helpers/random.js';

/** Runs fn with small resize thresholds so a few hundred keys resize many times. */
function withTuning(t: Partial<typeof dictTuning>, fn: () => void): void {
  const saved = { ...dictTuning };
  Object.assign(dictTuning, t);
  try {
    fn();
  } finally {
    Object.assign(dictTuning, saved);
  }
}

function sorted(it: Iterable<string>): string[] {
  return [...it].sort();
}

test('a new dict is one small table that grows when three quarters full', () => {
  const d = new Dict<number>();
  assert.deepEqual(d.stats(), { size: 0, slots: 8, rehashing: false, tables: 1, tombstones: 0 });
  for (let i = 0; i < 6; i++) d.set(`k${i}`, i);
  assert.equal(d.stats().slots, 8);
  d.set('k6', 6);
  // A bigger table takes new keys; the old one drains a few slots per write.
  assert.equal(d.stats().rehashing, true);
  for (let i = 0; i < 4; i++) d.set(`x${i}`, i);
  assert.equal(d.stats().rehashing, false);
  assert.equal(d.stats().slots, 16);
  assert.equal(d.size, 11);
  for (let i = 0; i < 7; i++) assert.equal(d.get(`k${i}`), i);
});

test('set reports new keys, delete reports existing keys, size follows', () => {
  const d = new Dict<string>();
  assert.equal(d.set('a', '1'), true);
  assert.equal(d.set('a', '2'), false);
  assert.equal(d.get('a'), '2');
  assert.equal(d.has('a'), true);
  assert.equal(d.has('b'), false);
  assert.equal(d.delete('b'), false);
  assert.equal(d.delete('a'), true);
  assert.equal(d.size, 0);
  assert.equal(d.get('a'), undefined);
  assert.equal(d.random(), undefined);
  assert.equal(d.scan(0, 10, () => assert.fail('empty dict visited')), 0);
});

test('overwriting a value with an equal one keeps it; -0, 0 and NaN still replace each other', () => {
  const d = new Dict<number | string>();
  d.set('s', 'abc');
  d.set('s', 'ab' + 'c'.repeat(1));
  assert.equal(d.get('s'), 'abc');
  d.set('s', 'abd');
  assert.equal(d.get('s'), 'abd');
  // Keys still in the table being drained (a resize in progress) behave the same.
  withTuning({ stepSlots: 1 }, () => {
    const n = new Dict<number>();
    for (let i = 0; i < 7; i++) n.set(`k${i}`, -0);
    assert.equal(n.stats().rehashing, true);
    for (let i = 0; i < 7; i++) {
      n.set(`k${i}`, 0);
      assert.ok(Object.is(n.get(`k${i}`), 0), `k${i} holds 0`);
      n.set(`k${i}`, -0);
      assert.ok(Object.is(n.get(`k${i}`), -0), `k${i} holds -0`);
      n.set(`k${i}`, NaN);
      assert.ok(Number.isNaN(n.get(`k${i}`)), `k${i} holds NaN`);
      n.set(`k${i}`, 1);
      assert.equal(n.get(`k${i}`), 1);
    }
  });
});

test('random operations match a Map through many grows and shrinks (model-based)', () => {
  for (const tuning of [{ maxLoad: 0.5, minLoad: 0.25, stepSlots: 1 }, { maxLoad: 0.95, minLoad: 0.1, stepSlots: 2 }, {}]) {
    withTuning(tuning, () => {
      const r = rng(42);
      const d = new Dict<number>();
      const model = new Map<string, number>();
      let maxSlots = 8;
      for (let op = 0; op < 40000; op++) {
        // Phases of growth and decline so the table shrinks as well as grows.
        const phase = Math.floor(op / 5000) % 2;
        const key = 'k' + Math.floor(r() * 3000);
        const x = r();
        if (x < (phase === 0 ? 0.6 : 0.2)) {
          assert.equal(d.set(key, op), !model.has(key), `set ${key}`);
          model.set(key, op);
        } else if (x < 0.85) {
          assert.equal(d.delete(key), model.delete(key), `delete ${key}`);
        } else {
          assert.equal(d.get(key), model.get(key), `get ${key}`);
          assert.equal(d.has(key), model.has(key));
        }
        assert.equal(d.size, model.size);
        maxSlots = Math.max(maxSlots, d.stats().slots);
        if (op % 4999 === 0) {
          assert.deepEqual(sorted(d.keys()), sorted(model.keys()));
          assert.deepEqual(new Map(d.entries()), model);
        }
      }
      assert.ok(maxSlots >= 4096, `table grew (max ${maxSlots} slots)`);
      assert.deepEqual(new Map(d), model);
      assert.deepEqual([...d.values()].sort((a, b) => a - b), [...model.values()].sort((a, b) => a - b));
    });
  }
});

test('the table shrinks after mass deletion and a cleared dict starts over', () => {
  const d = new Dict<number>();
  for (let i = 0; i < 10000; i++) d.set('k' + i, i);
  const big = d.stats().slots;
  assert.ok(big >= 16384, `grew to ${big}`);
  for (let i = 0; i < 9990; i++) d.delete('k' + i);
  while (d.rehashFor(10)) {
    /* finish any resize */
  }
  // Shrinking goes in stages; where the last stage starts depends on how the (randomly seeded)
  // hashes drain, but a settled table is never under a tenth full unless minimal: 10 keys, <= 64 slots.
  assert.ok(d.stats().slots <= 64, `shrank to ${d.stats().slots}`);
  assert.deepEqual(sorted(d.keys()), sorted(Array.from({ length: 10 }, (_, i) => 'k' + (9990 + i))));
  d.clear();
  assert.equal(d.size, 0);
  assert.equal(d.stats().slots, 8);
  d.set('a', 1);
  assert.equal(d.get('a'), 1);
});

test('deleted slots are reclaimed: steady insert/delete churn keeps the table and its tombstones bounded', () => {
  const d = new Dict<number>();
  const r = rng(7);
  const live: string[] = [];
  for (let i = 0; i < 1000; i++) {
    d.set('c' + i, i);
    live.push('c' + i);
  }
  let maxSlots = 0;
  for (let i = 1000; i < 200000; i++) {
    const j = Math.floor(r() * live.length);
    assert.equal(d.delete(live[j]!), true);
    live[j] = 'c' + i;
    d.set('c' + i, i);
    maxSlots = Math.max(maxSlots, d.stats().slots);
  }
  assert.equal(d.size, 1000);
  assert.ok(maxSlots <= 8192, `table stayed small (max ${maxSlots} slots for 1000 keys)`);
  assert.ok(d.stats().tombstones < d.stats().slots * dictTuning.maxLoad);
  for (const k of live) assert.ok(d.has(k), k);
});

test('keys whose probe sequences collide stay reachable through deletes in the middle of a cluster', () => {
  const d = new Dict<number>();
  for (let i = 0; i < 5000; i++) d.set('p' + i, i);
  for (let i = 0; i < 5000; i += 3) d.delete('p' + i);
  for (let i = 0; i < 5000; i++) assert.equal(d.get('p' + i), i % 3 === 0 ? undefined : i);
  for (let i = 0; i < 5000; i += 3) d.set('p' + i, -i);
  for (let i = 0; i < 5000; i++) assert.equal(d.get('p' + i), i % 3 === 0 ? -i : i);
  assert.equal(d.size, 5000);
});

/** Runs a full scan, calling between(cursor) after every call; returns every key visited. */
function fullScan(d: Dict<unknown>, count: number, between: (calls: number) => void): Set<string> {
  const seen = new Set<string>();
  let cursor = 0;
  let calls = 0;
  do {
    cursor = d.scan(cursor, count, (k) => seen.add(k));
    between(++calls);
    assert.ok(calls < 1e6, 'scan terminates');
  } while (cursor !== 0);
  return seen;
}

test('SCAN visits every key present for the whole scan while keys are added and deleted (growth and shrink)', () => {
  for (const [tuning, seed] of [
    [{ maxLoad: 0.5, minLoad: 0.25, stepSlots: 1 }, 1],
    [{ maxLoad: 0.95, minLoad: 0.1, stepSlots: 1 }, 2],
    [{}, 3],
  ] as const) {
    withTuning(tuning, () => {
      const r = rng(seed);
      const d = new Dict<number>();
      for (let i = 0; i < 2000; i++) d.set('stable' + i, i);
      for (let i = 0; i < 2000; i++) d.set('churn' + i, i);
      const stable = new Set(Array.from({ length: 2000 }, (_, i) => 'stable' + i));
      let next = 0;
      // Growth: inserts outpace deletes by far, so the table doubles during the scan.
      const seen = fullScan(d, 5, () => {
        for (let j = 0; j < 30; j++) d.set('new' + next++, j);
        d.delete('churn' + Math.floor(r() * 2000));
      });
      for (const k of stable) assert.ok(seen.has(k), `grow: missed ${k}`);
      // Shrink: delete most keys while scanning again.
      const seen2 = fullScan(d, 5, () => {
        for (let j = 0; j < 40 && next > 0; j++) d.delete('new' + --next);
      });
      for (const k of stable) assert.ok(seen2.has(k), `shrink: missed ${k}`);
    });
  }
});

test('SCAN stops at about COUNT entries per call and a stale cursor from a bigger table still completes', () => {
  const d = new Dict<number>();
  for (let i = 0; i < 10000; i++) d.set('k' + i, i);
  while (d.rehashFor(10)) {
    /* settle */
  }
  let got = 0;
  const cursor = d.scan(0, 10, () => got++);
  assert.ok(cursor !== 0);
  assert.ok(got >= 10 && got <= 30, `visited ${got}`);
  // Shrink the table under a cursor taken from the big table, then finish the scan.
  for (let i = 0; i < 9900; i++) d.delete('k' + i);
  while (d.rehashFor(10)) {
    /* settle */
  }
  const seen = new Set<string>();
  let c = cursor;
  do c = d.scan(c, 10, (k) => seen.add(k));
  while (c !== 0);
  assert.ok(seen.size > 0);
  // An invented cursor is valid too.
  let c2 = 123456789;
  let guard = 0;
  do c2 = d.scan(c2, 10, () => {});
  while (c2 !== 0 && ++guard < 10000);
  assert.equal(c2, 0);
});

test('SCAN lets the visitor delete what it visits without losing other keys', () => {
  withTuning({ maxLoad: 0.9, minLoad: 0.1 }, () => {
    const d = new Dict<number>();
    for (let i = 0; i < 1000; i++) d.set('k' + i, i);
    const seen = new Set<string>();
    let c = 0;
    do
      c = d.scan(c, 7, (k, v) => {
        seen.add(k);
        if (v % 2 === 0) d.delete(k);
      });
    while (c !== 0);
    assert.equal(seen.size, 1000);
    assert.equal(d.size, 500);
  });
});

test('random() returns present keys and reaches all of them', () => {
  const d = new Dict<number>();
  for (let i = 0; i < 500; i++) d.set('k' + i, i);
  const hits = new Map<string, number>();
  for (let i = 0; i < 50000; i++) {
    const k = d.random()!;
    assert.ok(d.has(k));
    hits.set(k, (hits.get(k) ?? 0) + 1);
  }
  assert.equal(hits.size, 500, 'every key is picked sometimes');
  // Rough fairness: no key is picked 5x more than the mean.
  for (const n of hits.values()) assert.ok(n < 500, `picked ${n} times`);
  // Sparse table (resizing paused during mass deletion) still finds the survivors.
  d.pauseResize();
  for (let i = 0; i < 499; i++) d.delete('k' + i);
  for (let i = 0; i < 20; i++) assert.equal(d.random(), 'k499');
  d.resumeResize();
});

test('while resizing is paused no key changes slot, full tables are joined by new ones, and a slot walk sees every entry once', () => {
  withTuning({ maxLoad: 0.75, minLoad: 0.1, stepSlots: 1 }, () => {
    const d = new Dict<number>();
    for (let i = 0; i < 100; i++) d.set('k' + i, i);
    // Pause in the middle of a resize: two tables are in use.
    for (let i = 0; d.stats().rehashing === false && i < 1000; i++) d.set('t' + i, i);
    assert.equal(d.stats().rehashing, true);
    d.pauseResize();
    const slots = new Map<string, number>();
    for (const k of d.keys()) slots.set(k, d.slotOf(k));
    const count = d.slotCount;
    // Walk in slices with writes in between, as a snapshot does.
    const walked: string[] = [];
    let pos = 0;
    const slice = (): void => {
      let n = 0;
      pos = d.walkSlots(pos, (k) => {
        walked.push(k);
        return ++n < 7;
      });
    };
    slice();
    const first = [...walked];
    for (let i = 0; i < 5000; i++) d.set('more' + i, i);
    for (let i = 0; i < 50; i++) d.delete('k' + i);
    assert.ok(d.stats().tables > 2, 'new tables were added while paused');
    assert.ok(d.slotCount > count);
    for (const [k, s] of slots) if (d.has(k)) assert.equal(d.slotOf(k), s, k);
    assert.equal(d.slotOf('absent'), -1);
    while (pos < d.slotCount) slice();
    assert.equal(new Set(walked).size, walked.length, 'no entry walked twice');
    for (const k of d.keys()) assert.ok(walked.includes(k), `walked ${k}`);
    for (const k of walked) assert.ok(d.has(k) || first.includes(k));
    d.resumeResize();
    d.set('after', 1);
    while (d.rehashFor(10)) {
      /* settle */
    }
    assert.equal(d.stats().tables, 1, 'draining resumes');
    assert.equal(d.size, 100 - 50 + slots.size - 100 + 5000 + 1);
  });
});

test('a slot walk stopped anywhere resumes after the last entry it visited, in slot order', () => {
  const d = new Dict<string>();
  for (let i = 0; i < 300; i++) d.set('k' + i, 'v' + i);
  for (let i = 0; i < 300; i += 3) d.delete('k' + i); // tombstones and gaps between entries
  const order = [...d.keys()].sort((a, b) => d.slotOf(a) - d.slotOf(b));
  for (const per of [1, 5, 15, 16, 17, 40, 1000]) {
    const walked: string[] = [];
    let pos = 0;
    while (pos < d.slotCount) {
      let n = 0;
      let last = -1;
      pos = d.walkSlots(pos, (k, v) => {
        assert.equal(v, 'v' + k.slice(1));
        walked.push(k);
        last = d.slotOf(k);
        return ++n < per;
      });
      if (n === per) assert.equal(pos, last + 1, `slices of ${per}: resumes after slot ${last}`);
    }
    assert.deepEqual(walked, order, `slices of ${per}`);
  }
});

test('an iterator pauses resizing until it finishes or is closed', () => {
  withTuning({ maxLoad: 0.75, minLoad: 0.1 }, () => {
    const d = new Dict<number>();
    for (let i = 0; i < 64; i++) d.set('k' + i, i);
    const seen: string[] = [];
    for (const k of d.keys()) {
      seen.push(k);
      if (seen.length === 10) for (let i = 0; i < 500; i++) d.set('n' + i, i);
    }
    assert.equal(d.resizePaused, false);
    for (let i = 0; i < 64; i++) assert.ok(seen.includes('k' + i), 'keys present throughout are visited');
    for (const _ of d.keys()) break;
    assert.equal(d.resizePaused, false, 'break closes the iterator');
  });
});

test('hashKey spreads sequential and long keys over the low bits', () => {
  const buckets = new Array(1024).fill(0);
  for (let i = 0; i < 102400; i++) buckets[hashKey('key:' + i) & 1023]++;
  for (const n of buckets) assert.ok(n > 50 && n < 170, `bucket load ${n}`);
  const long = new Array(256).fill(0);
  const pad = 'x'.repeat(100);
  for (let i = 0; i < 25600; i++) long[hashKey(pad + i + pad) & 255]++;
  for (const n of long) assert.ok(n > 40 && n < 170, `long key bucket load ${n}`);
  assert.equal(hashKey('abc'), hashKey('abc'));
  assert.notEqual(hashKey('abc'), hashKey('abd'));
});

test('expand sizes an empty dict up front and keeps every entry reachable', () => {
  const d = new Dict<number>();
  d.expand(10000);
  const slots = d.stats().slots;
  assert.ok(slots >= 20000, `expanded to ${slots} slots`);
  for (let i = 0; i < 10000; i++) d.set(`k${i}`, i);
  assert.equal(d.stats().slots, slots, 'no resize was needed while filling');
  for (let i = 0; i < 10000; i++) assert.equal(d.get(`k${i}`), i);
  d.expand(1_000_000);
  assert.equal(d.stats().slots, slots, 'a non-empty dict is left alone');
});

test('per-entry metadata (DictMeta): fresh on insert, touched by getTouch, replaced on overwrite, kept through grows, shrinks and paused resizes (model-based)', () => {
  for (const tuning of [{ maxLoad: 0.5, minLoad: 0.25, stepSlots: 1 }, {}]) {
    withTuning(tuning, () => {
      const r = rng(7);
      let stamp = 0;
      // Each call leaves a distinct trace: fresh numbers count up, a touch adds 1000, a
      // replacement adds 1.
      const meta = { fresh: () => ++stamp * 10_000, touch: (old: number) => old + 1000, replaced: (old: number) => old + 1 };
      const d = new Dict<number>(meta);
      const plain = new Dict<number>();
      const model = new Map<string, number>();
      let paused = false;
      for (let op = 0; op < 30000; op++) {
        const phase = Math.floor(op / 5000) % 2;
        const key = 'k' + Math.floor(r() * 2000);
        const x = r();
        if (x < 0.01) {
          // Resizing paused and resumed: tables pile up, then drain.
          if (paused) d.resumeResize();
          else d.pauseResize();
          paused = !paused;
        } else if (x < (phase === 0 ? 0.55 : 0.2)) {
          const old = model.get(key);
          d.set(key, op);
          model.set(key, old === undefined ? stamp * 10_000 : old + 1);
          assert.equal(d.metaOf(key), model.get(key), `set ${key}`);
        } else if (x < 0.8) {
          d.delete(key);
          model.delete(key);
        } else if (x < 0.95) {
          const had = model.get(key);
          assert.equal(d.getTouch(key) !== undefined, had !== undefined);
          if (had !== undefined) model.set(key, had + 1000);
        } else {
          const v = Math.floor(r() * 1e6);
          assert.equal(d.setMeta(key, v), model.has(key));
          if (model.has(key)) model.set(key, v);
        }
        if (op % 2999 === 0) for (const [k, m] of model) assert.equal(d.metaOf(k), m, `metadata of ${k} after ${op} operations`);
      }
      if (paused) d.resumeResize();
      for (const [k, m] of model) assert.equal(d.metaOf(k), m);
      assert.equal(d.metaOf('absent'), undefined);
      // A dict without a policy keeps nothing.
      plain.set('a', 1);
      assert.equal(plain.metaOf('a'), undefined);
      assert.equal(plain.setMeta('a', 5), false);
      assert.equal(plain.getTouch('a'), 1);
    });
  }
});

test('storeBatch stores like set() one by one, in slot order when the table has room (model-based)', () => {
  const r = rng(11);
  let stamp = 0;
  // Metadata: a fresh stamp below 10^6, plus 10^6 per replacement.
  const meta = { fresh: () => ++stamp, touch: (old: number) => old, replaced: (old: number) => old + 1_000_000 };
  for (const [label, presize] of [['presized', true], ['growing', false]] as const) {
    const d = new Dict<number>(meta);
    const model = new Map<string, number>();
    const replacements = new Map<string, number>();
    if (presize) d.expand(60_000);
    let value = 0;
    // Batch sizes on both sides of the slot-ordered path's minimum (1024).
    for (const n of [5, 3000, 700, 20_000, 1024, 1023, 9000]) {
      const keys: string[] = [];
      const values: number[] = [];
      for (let j = 0; j < n; j++) {
        // Some keys repeat within the batch, some were stored by earlier batches.
        keys.push('k' + Math.floor(r() * 40_000));
        values.push(value++);
      }
      const seen: [number, boolean][] = [];
      const freshBefore = stamp;
      let added = 0;
      d.storeBatch(keys, values, n, (j, existed) => seen.push([j, existed]));
      assert.deepEqual(seen.map(([j]) => j).sort((a, b) => a - b), keys.map((_, j) => j), `${label}: each key reported once`);
      // Replay in the order storeBatch reported: whether each key existed follows that order.
      for (const [j, existed] of seen) {
        const key = keys[j]!;
        assert.equal(existed, model.has(key), `${label}: ${key} existed`);
        if (existed) replacements.set(key, (replacements.get(key) ?? 0) + 1);
        else added++;
        model.set(key, values[j]!);
      }
      assert.equal(stamp - freshBefore, added, `${label}: one fresh stamp per new key`);
      // Within a batch a repeated key keeps its last value (the order given).
      const last = new Map<string, number>();
      for (let j = 0; j < n; j++) last.set(keys[j]!, values[j]!);
      for (const [k, v] of last) assert.equal(d.get(k), v, `${label}: ${k} has its last value`);
      assert.equal(d.size, model.size);
      for (const [k, v] of model) {
        assert.equal(d.get(k), v);
        const m = d.metaOf(k)!;
        assert.equal(Math.floor(m / 1_000_000), replacements.get(k) ?? 0, `${label}: replacements of ${k}`);
      }
    }
  }
});

test('storeBatch stops at a key whose report throws, with the keys before it stored', () => {
  const d = new Dict<number>();
  d.expand(10_000);
  d.set('dup', -1);
  const keys = Array.from({ length: 5000 }, (_, j) => (j === 2500 ? 'dup' : `k${j}`));
  const stored: string[] = [];
  assert.throws(
    () =>
      d.storeBatch(keys, keys.map((_, j) => j), keys.length, (j, existed) => {
        if (existed) throw new Error(`duplicate ${keys[j]}`);
        stored.push(keys[j]!);
      }),
    /duplicate dup/,
  );
  assert.equal(d.size, stored.length + 1);
  for (const k of stored) assert.ok(d.get(k) !== undefined);
});
