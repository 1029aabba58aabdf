import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NIL, ScoreTree, type LexRange, type ScoreRange } from '../../../src/types/score-tree.js';
import { mulberry32 as rng } from '../../helpers/random.js';

/** Model order: score, then member bytewise. */
function order(a: [string, number], b: [string, number]): number {
  return a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

function walk(t: ScoreTree): [string, number][] {
  const out: [string, number][] = [];
  for (let x = t.first(); x !== NIL; x = t.next(x)) out.push([t.memberAt(x), t.lscore[x]!]);
  return out;
}

function walkBack(t: ScoreTree): [string, number][] {
  const out: [string, number][] = [];
  for (let x = t.last(); x !== NIL; x = t.prev(x)) out.push([t.memberAt(x), t.lscore[x]!]);
  return out;
}

/** Compares every observable of the tree with the model (a member → score map). */
function compare(t: ScoreTree, ids: Map<string, number>, model: Map<string, number>, rand: () => number): void {
  t.check();
  const exp = [...model.entries()].sort(order);
  assert.equal(t.length, exp.length);
  assert.deepEqual(walk(t), exp);
  assert.deepEqual(walkBack(t), exp.slice().reverse());
  exp.forEach(([m, s], k) => {
    const id = ids.get(m)!;
    assert.equal(t.score[id], s);
    assert.equal(t.rank(id), k);
    assert.equal(t.memberAt(t.byRank(k)), m);
  });
  assert.equal(t.byRank(exp.length), NIL);
  assert.equal(t.byRank(-1), NIL);
  for (let q = 0; q < 10; q++) {
    const a = Math.floor(rand() * 60) - 5;
    const b = a + Math.floor(rand() * 20) - 3;
    const r: ScoreRange = { min: a, max: b, minex: rand() < 0.5, maxex: rand() < 0.5 };
    const inside = exp.map((e, k) => [e, k] as const).filter(([[, s]]) => (r.minex ? s > r.min : s >= r.min) && (r.maxex ? s < r.max : s <= r.max));
    const first = t.firstInRange(r);
    const firstRank = t.foundRank;
    const last = t.lastInRange(r);
    const lastRank = t.foundRank;
    if (inside.length === 0) {
      assert.equal(first, NIL);
      assert.equal(last, NIL);
    } else {
      assert.equal(t.memberAt(first), inside[0]![0][0]);
      assert.equal(firstRank, inside[0]![1]);
      assert.equal(t.memberAt(last), inside[inside.length - 1]![0][0]);
      assert.equal(lastRank, inside[inside.length - 1]![1]);
    }
  }
}

/**
 * Random inserts, score changes (small moves that stay in place and jumps) and removals
 * against a model, with tiny nodes so that leaf and internal splits, merges and root changes
 * all happen many times.
 */
function fuzz(seed: number, shift: number, ops: number, universe: number, scores: number): void {
  const rand = rng(seed);
  const t = new ScoreTree(4, shift);
  const model = new Map<string, number>();
  const ids = new Map<string, number>();
  let maxDepth = 0;
  for (let i = 0; i < ops; i++) {
    const m = 'k' + Math.floor(rand() * universe);
    const s = Math.floor(rand() * scores);
    const cur = model.get(m);
    const op = rand();
    // Phases: grow, shrink (deletes dominate), grow again; so merges meet full trees.
    const shrinking = i % 3000 >= 1500;
    if (cur === undefined) {
      if (shrinking && op < 0.7) continue;
      ids.set(m, t.insert(s, m));
      model.set(m, s);
    } else if (op < (shrinking ? 0.8 : 0.3)) {
      t.remove(ids.get(m)!);
      ids.delete(m);
      model.delete(m);
    } else {
      const next = op < 0.6 ? cur + (rand() < 0.5 ? 0.5 : -0.5) : s;
      if (next !== cur) {
        t.setScore(ids.get(m)!, next);
        model.set(m, next);
      }
    }
    maxDepth = Math.max(maxDepth, t.stats().depth);
    if (i % 97 === 0 || i === ops - 1) compare(t, ids, model, rand);
  }
  assert.ok(maxDepth >= 3, `the tree grew to ${maxDepth} levels only`);
}

test('matches the model through splits, merges and root changes (4-slot nodes)', () => {
  fuzz(1, 2, 9000, 400, 50);
  fuzz(2, 2, 6000, 60, 5); // many equal scores: order by member
});

test('matches the model with 8-slot nodes and a large member universe', () => {
  fuzz(3, 3, 9000, 3000, 40);
});

test('empties completely and is usable again', () => {
  const t = new ScoreTree(4, 2);
  for (let round = 0; round < 3; round++) {
    const ids: number[] = [];
    for (let i = 0; i < 200; i++) ids.push(t.insert(i % 7, 'm' + i));
    t.check();
    for (const id of ids) t.remove(id);
    t.check();
    assert.equal(t.length, 0);
    assert.equal(t.first(), NIL);
    assert.equal(t.last(), NIL);
    assert.equal(t.firstInRange({ min: -Infinity, max: Infinity, minex: false, maxex: false }), NIL);
    assert.deepEqual(t.stats(), { leaves: 1, nodes: 0, depth: 0 });
  }
});

test('ascending inserts fill leaves completely; other orders spill into neighbours first', () => {
  const asc = new ScoreTree(4, 3);
  for (let i = 0; i < 1000; i++) asc.insert(i, 'm' + i);
  asc.check();
  assert.equal(asc.stats().leaves, 125);
  // Splitting in halves alone would leave ~250 leaves here.
  const desc = new ScoreTree(4, 3);
  for (let i = 999; i >= 0; i--) desc.insert(i, 'm' + i);
  desc.check();
  assert.ok(desc.stats().leaves <= 160, `descending inserts made ${desc.stats().leaves} leaves`);
  const rand = rng(11);
  const mixed = new ScoreTree(4, 3);
  for (let i = 0; i < 1000; i++) mixed.insert(Math.floor(rand() * 1e6), 'm' + i);
  mixed.check();
  assert.ok(mixed.stats().leaves <= 170, `random inserts made ${mixed.stats().leaves} leaves`);
});

test('merges leaves as the tree shrinks', () => {
  const rand = rng(7);
  const t = new ScoreTree(4, 3);
  const ids: number[] = [];
  for (let i = 0; i < 5000; i++) ids.push(t.insert(Math.floor(rand() * 1000), 'm' + i));
  // Remove 90% in random order.
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  for (const id of ids.slice(500)) t.remove(id);
  t.check();
  assert.equal(t.length, 500);
  // Without merging, ~700 leaves would remain, nearly all non-empty.
  assert.ok(t.stats().leaves <= 250, `${t.stats().leaves} leaves for 500 elements`);
  // Internal nodes merge too (without that, ~45 leaves under ~70 nodes would remain for 50).
  for (const id of ids.slice(50, 500)) t.remove(id);
  t.check();
  assert.equal(t.length, 50);
  const { leaves, nodes } = t.stats();
  assert.ok(leaves <= 30 && nodes <= 20, `${leaves} leaves and ${nodes} internal nodes for 50 elements`);
});

test('a score change that keeps the order stays in its slot; one that passes a neighbour moves', () => {
  const t = new ScoreTree(4, 2);
  const ids = [10, 20, 30, 40, 50].map((s) => t.insert(s, 'm' + s));
  const slot = t.byRank(2);
  t.setScore(ids[2]!, 35);
  assert.equal(t.byRank(2), slot);
  assert.equal(t.lscore[slot], 35);
  t.setScore(ids[2]!, 45); // passes m40
  assert.equal(t.rank(ids[2]!), 3);
  t.setScore(ids[2]!, -1); // to the very front
  assert.equal(t.rank(ids[2]!), 0);
  t.setScore(ids[4]!, 1e9); // the last stays last
  assert.equal(t.rank(ids[4]!), 4);
  t.check();
  assert.deepEqual(
    walk(t).map(([m]) => m),
    ['m30', 'm10', 'm20', 'm40', 'm50'],
  );
});

test('lex seeks over equal scores find the bounds and their ranks', () => {
  const t = new ScoreTree(4, 2);
  const words = ['a', 'ab', 'b', 'ba', 'bb', 'c', 'd', 'da', 'e', 'f', 'g', 'h', 'i'];
  for (const w of words) t.insert(0, w);
  const r: LexRange = { min: 'b', minKind: 0, minex: true, max: 'e', maxKind: 0, maxex: false };
  const first = t.firstInLexRange(r);
  assert.equal(t.memberAt(first), 'ba');
  assert.equal(t.foundRank, 3);
  const last = t.lastInLexRange(r);
  assert.equal(t.memberAt(last), 'e');
  assert.equal(t.foundRank, 8);
  const none: LexRange = { min: 'bc', minKind: 0, minex: false, max: 'bz', maxKind: 0, maxex: false };
  assert.equal(t.firstInLexRange(none), NIL);
  assert.equal(t.lastInLexRange(none), NIL);
  const all: LexRange = { min: '', minKind: -1, minex: true, max: '', maxKind: 1, maxex: true };
  assert.equal(t.memberAt(t.firstInLexRange(all)), 'a');
  assert.equal(t.memberAt(t.lastInLexRange(all)), 'i');
});

/**
 * Random range removals against the model: a tree grown by inserts (and, when `mixed`,
 * shaped further by single removals and score changes) loses random runs of every kind —
 * one element, a few, runs over many leaves and several levels, the first or the last
 * leaf's worth, a prefix, a suffix, everything — and is compared with the model after each.
 * forget must report exactly the removed members, in rank order. Without single removals
 * (which may leave a leaf under-full when its neighbour is too full to merge) no node but the
 * root and the last leaf may stay below a quarter full after a range removal.
 */
function fuzzRanges(seed: number, shift: number, rounds: number, mixed: boolean): void {
  const rand = rng(seed);
  const cap = 1 << shift;
  const min = Math.max(1, cap >> 2);
  const t = new ScoreTree(4, shift);
  const model = new Map<string, number>();
  const ids = new Map<string, number>();
  let next = 0;
  let maxDepth = 0;
  const kinds = new Map<string, number>();
  for (let round = 0; round < rounds; round++) {
    // Grow back to a random size (sometimes large), with runs of equal scores.
    const target = rand() < 0.2 ? 400 + Math.floor(rand() * 800) : Math.floor(rand() * 300);
    while (model.size < target) {
      const m = 'm' + next++;
      const s = Math.floor(rand() * (rand() < 0.3 ? 5 : 2000));
      ids.set(m, t.insert(s, m));
      model.set(m, s);
    }
    if (mixed) {
      for (let j = 0; j < 40 && model.size > 0; j++) {
        const members = [...model.keys()];
        const m = members[Math.floor(rand() * members.length)]!;
        if (rand() < 0.5) {
          t.remove(ids.get(m)!);
          ids.delete(m);
          model.delete(m);
        } else {
          const s = Math.floor(rand() * 2000);
          if (s !== model.get(m)) t.setScore(ids.get(m)!, s);
          model.set(m, s);
        }
      }
    }
    maxDepth = Math.max(maxDepth, t.stats().depth);
    const len = t.length;
    if (len === 0) continue;
    // A run of one of several shapes.
    let from: number;
    let n: number;
    const kind = Math.floor(rand() * 8);
    switch (kind) {
      case 0: // one element
        from = Math.floor(rand() * len);
        n = 1;
        break;
      case 1: // a few
        from = Math.floor(rand() * len);
        n = 1 + Math.floor(rand() * Math.min(cap * 2, len - from));
        break;
      case 2: // the first leaf's worth or so
        from = 0;
        n = 1 + Math.floor(rand() * Math.min(cap + 2, len));
        break;
      case 3: // the last leaf's worth or so
        n = 1 + Math.floor(rand() * Math.min(cap + 2, len));
        from = len - n;
        break;
      case 4: // everything
        from = 0;
        n = len;
        break;
      case 5: // a prefix or a suffix
        n = 1 + Math.floor(rand() * len);
        from = rand() < 0.5 ? 0 : len - n;
        break;
      default: // long runs over many leaves and levels
        from = Math.floor(rand() * len);
        n = 1 + Math.floor(rand() * (len - from));
        break;
    }
    const exp = [...model.entries()].sort(order);
    const gone = exp.slice(from, from + n).map(([m]) => m);
    const reported: string[] = [];
    t.removeRange(from, n, (id, m) => {
      assert.equal(ids.get(m), id);
      reported.push(m);
    });
    assert.deepEqual(reported, gone);
    for (const m of gone) {
      model.delete(m);
      ids.delete(m);
    }
    kinds.set(String(kind), (kinds.get(String(kind)) ?? 0) + 1);
    compare(t, ids, model, rand);
    if (!mixed) {
      const least = t.leastFill();
      assert.ok(least.leaf >= min && least.node >= min, `after removing ${n} from rank ${from}: a leaf of ${least.leaf}, a node of ${least.node}`);
    }
    if (t.length === 0) assert.deepEqual(t.stats(), { leaves: 1, nodes: 0, depth: 0 });
  }
  assert.ok(maxDepth >= 3, `the tree grew to ${maxDepth} levels only`);
  assert.equal(kinds.size, 8);
}

test('range removals match the model and keep the shape rules (4-slot nodes)', () => {
  fuzzRanges(21, 2, 400, false);
  fuzzRanges(22, 2, 300, true);
});

test('range removals match the model and keep the shape rules (8-slot nodes)', () => {
  fuzzRanges(23, 3, 400, false);
  fuzzRanges(24, 3, 300, true);
});

test('a range removal across levels drops whole subtrees and frees their storage', () => {
  const t = new ScoreTree(4, 3);
  for (let i = 0; i < 5000; i++) t.insert(i, 'm' + i);
  assert.ok(t.stats().depth >= 3);
  const forgotten: string[] = [];
  t.removeRange(3, 4990, (_id, m) => forgotten.push(m));
  t.check();
  assert.equal(forgotten.length, 4990);
  assert.equal(forgotten[0], 'm3');
  assert.equal(forgotten[4989], 'm4992');
  assert.deepEqual(walk(t).map(([m]) => m), ['m0', 'm1', 'm2', 'm4993', 'm4994', 'm4995', 'm4996', 'm4997', 'm4998', 'm4999']);
  const { leaves, nodes, depth } = t.stats();
  assert.ok(leaves <= 3 && nodes <= 1 && depth <= 1, `${leaves} leaves, ${nodes} nodes, depth ${depth} for 10 elements`);
  // Freed ids and storage are reused.
  for (let i = 0; i < 5000; i++) t.insert(-i, 'n' + i);
  t.check();
  assert.equal(t.length, 5010);
});

/**
 * Every cut point of a few trees built by random inserts (internal nodes 4–8 children full,
 * leaves spilled and split): each prefix, each suffix and runs of several lengths from every
 * rank, each on a fresh copy. This meets the rare shapes random runs seldom do, such as an end
 * child left with one child beside a full neighbour, which must borrow and then repair the
 * child it lent to.
 */
test('range removals at every cut point keep order, sizes and fill', () => {
  for (const [seed, shift, size] of [
    [31, 3, 700],
    [32, 3, 300],
    [33, 2, 200],
  ] as const) {
    const rand = rng(seed);
    const pairs: [string, number][] = [];
    for (let i = 0; i < size; i++) pairs.push(['m' + i, Math.floor(rand() * 500)]);
    const sorted = pairs.slice().sort(order);
    const min = Math.max(1, (1 << shift) >> 2);
    const runs = (from: number): number[] => [1, 2, 7, size - from, Math.ceil((size - from) / 2), Math.ceil((size - from) / 5)];
    for (let from = 0; from < size; from++) {
      for (const n of [...new Set(runs(from))]) {
        if (n < 1 || from + n > size) continue;
        const t = new ScoreTree(4, shift);
        for (const [m, s] of pairs) t.insert(s, m);
        let count = 0;
        t.removeRange(from, n, () => count++);
        t.check();
        assert.equal(count, n);
        const expected = sorted.slice(0, from).concat(sorted.slice(from + n));
        assert.deepEqual(walk(t), expected, `removing ${n} from rank ${from}`);
        const least = t.leastFill();
        assert.ok(least.leaf >= min && least.node >= min, `removing ${n} from rank ${from} of ${size}: a leaf of ${least.leaf}, a node of ${least.node}`);
      }
    }
  }
});
