/**
 * RList (the quicklist) as a pure data structure: random operations against a plain array
 * model under many fill settings, node layouts at the fill thresholds checked against
 * figures taken from redis-server 7.0.15 (DEBUG OBJECT ql_nodes / ql_uncompressed_size),
 * listpack entry sizes, plain nodes, copies, node-level persistence and memory per element.
 */

import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { RList, lpEntrySize, setPackedThreshold } from '../../../src/types/list.js';
import { limits } from '../../../src/types/limits.js';
import { mulberry32 as prng } from '../../helpers/random.js';

afterEach(() => {
  setPackedThreshold(0);
  limits.listMaxListpackSize = -2;
});

const LEVELS = [4096, 8192, 16384, 32768, 65536];

/** Checks the node invariants: counts add up, bytes are exact, no empty node, fill respected by packed multi-entry nodes. */
function checkLayout(l: RList, model: readonly string[], grownByPushOnly: boolean): void {
  const layout = l.layout();
  assert.equal(layout.reduce((s, n) => s + n.count, 0), model.length);
  assert.equal(l.length, model.length);
  assert.equal(l.nodesLength, layout.length);
  let i = 0;
  for (const node of l.nodes()) {
    const expectBytes = node.plain ? node.values[0]!.length : 7 + node.values.reduce((s, v) => s + lpEntrySize(v), 0);
    assert.equal(layout[i]!.bytes, expectBytes, `node ${i} bytes`);
    assert.ok(node.values.length > 0, 'no empty node');
    if (node.plain) assert.equal(node.values.length, 1);
    if (grownByPushOnly && !node.plain && node.values.length > 1) {
      if (l.fill < 0) assert.ok(expectBytes <= LEVELS[-l.fill - 1]!, `node ${i} over the size class`);
      else assert.ok(node.values.length <= l.fill && expectBytes <= 8192, `node ${i} over the fill`);
    }
    i++;
  }
}

function randomElement(rand: () => number): string {
  const k = Math.floor(rand() * 10);
  if (k < 3) return String(Math.floor(rand() * 20));
  if (k < 5) return String(Math.floor(rand() * 2 ** 40) - 2 ** 39);
  if (k < 8) return 'e'.repeat(Math.floor(rand() * 30));
  return 'L'.repeat(Math.floor(rand() * 3000));
}

test('random operations agree with an array model under every fill', () => {
  for (const fill of [-5, -4, -3, -2, -1, 1, 2, 3, 7, 64, 1000]) {
    limits.listMaxListpackSize = fill;
    const rand = prng(fill + 100);
    const l = new RList();
    const model: string[] = [];
    for (let step = 0; step < 3000; step++) {
      const op = Math.floor(rand() * 14);
      const v = randomElement(rand);
      const len = model.length;
      const idx = len === 0 ? 0 : Math.floor(rand() * len * 2) - len; // negative too
      switch (op) {
        case 0:
        case 1:
          l.pushTail(v);
          model.push(v);
          break;
        case 2:
        case 3:
          l.pushHead(v);
          model.unshift(v);
          break;
        case 4:
          assert.equal(l.popHead(), model.shift());
          break;
        case 5:
          assert.equal(l.popTail(), model.pop());
          break;
        case 6: {
          const n = 1 + Math.floor(rand() * 20);
          const where = rand() < 0.5 ? 'head' : 'tail';
          const expect = where === 'head' ? model.splice(0, n) : model.splice(Math.max(0, len - n), n).reverse();
          assert.deepEqual(l.popMany(where, n), expect);
          break;
        }
        case 7: {
          const ok = l.set(idx, v);
          const i = idx < 0 ? len + idx : idx;
          assert.equal(ok, i >= 0 && i < len);
          if (ok) model[i] = v;
          break;
        }
        case 8: {
          const pivot = len > 0 && rand() < 0.9 ? model[Math.floor(rand() * len)]! : 'missing';
          const after = rand() < 0.5;
          const at = model.indexOf(pivot);
          assert.equal(l.insert(pivot, v, after), at >= 0);
          if (at >= 0) model.splice(after ? at + 1 : at, 0, v);
          break;
        }
        case 9: {
          const target = len > 0 ? model[Math.floor(rand() * len)]! : 'x';
          const count = Math.floor(rand() * 5) - 2;
          let removed = 0;
          if (count >= 0) {
            for (let i = 0; i < model.length && (count === 0 || removed < count); ) {
              if (model[i] === target) {
                model.splice(i, 1);
                removed++;
              } else i++;
            }
          } else {
            for (let i = model.length - 1; i >= 0 && removed < -count; i--) {
              if (model[i] === target) {
                model.splice(i, 1);
                removed++;
              }
            }
          }
          assert.equal(l.remove(target, count), removed);
          break;
        }
        case 10: {
          const left = Math.floor(rand() * 5);
          const right = Math.floor(rand() * 5);
          l.trim(Math.min(left, len), Math.min(right, Math.max(0, len - left)));
          model.splice(0, Math.min(left, len));
          model.splice(Math.max(0, model.length - Math.min(right, Math.max(0, len - left))));
          break;
        }
        case 11: {
          const i = idx < 0 ? len + idx : idx;
          assert.equal(l.get(idx), i >= 0 && i < len ? model[i] : undefined);
          break;
        }
        case 12:
          if (len > 0) {
            const a = Math.floor(rand() * len);
            const b = a + Math.floor(rand() * (len - a));
            assert.deepEqual(l.range(a, b), model.slice(a, b + 1));
          }
          break;
        default: {
          const target = len > 0 ? model[Math.floor(rand() * len)]! : 'x';
          const expect: number[] = [];
          model.forEach((m, i) => m === target && expect.push(i));
          assert.deepEqual(l.positions(target, 1, 0, 0, false), expect);
          assert.deepEqual(l.positions(target, 1, 0, 0, true), [...expect].reverse());
        }
      }
      if (step % 100 === 0) checkLayout(l, model, false);
    }
    assert.deepEqual([...l.values()], model);
    checkLayout(l, model, false);
  }
});

test('node layouts match redis-server 7.0.15 at the fill thresholds', () => {
  // RPUSH of 1000 50-byte strings with the default fill -2 (8 KB nodes).
  limits.listMaxListpackSize = -2;
  let l = new RList();
  for (let i = 0; i < 1000; i++) l.pushTail('x'.repeat(50));
  assert.equal(l.nodesLength, 7);
  assert.equal(l.layout().reduce((s, n) => s + n.bytes, 0), 52049);
  checkLayout(l, [...l.values()], true);

  // Fill 4: RPUSH 1..9 gives nodes of 4, 4, 1; LINSERT after 2 into a full node splits it.
  limits.listMaxListpackSize = 4;
  l = new RList();
  for (let i = 1; i <= 9; i++) l.pushTail(String(i));
  assert.deepEqual(l.layout().map((n) => n.count), [4, 4, 1]);
  assert.equal(l.layout().reduce((s, n) => s + n.bytes, 0), 39);
  l.insert('2', 'x', true);
  assert.equal(l.nodesLength, 4);
  assert.equal(l.layout().reduce((s, n) => s + n.bytes, 0), 49);
  assert.deepEqual([...l.values()], ['1', '2', 'x', '3', '4', '5', '6', '7', '8', '9']);

  // Fill -1 (4 KB): LPUSH 1..3000 gives 3 nodes of 8894 bytes in all.
  limits.listMaxListpackSize = -1;
  l = new RList();
  for (let i = 1; i <= 3000; i++) l.pushHead(String(i));
  assert.equal(l.nodesLength, 3);
  assert.equal(l.layout().reduce((s, n) => s + n.bytes, 0), 8894);
});

test('the fill is captured when the list is created and clamped to Redis bounds', () => {
  limits.listMaxListpackSize = 2;
  const l = new RList();
  limits.listMaxListpackSize = 100;
  for (let i = 0; i < 5; i++) l.pushTail('a');
  assert.deepEqual(l.layout().map((n) => n.count), [2, 2, 1]);
  assert.equal(new RList(-100).fill, -5);
  assert.equal(new RList(100000).fill, 32767);
  // Fill 0 puts every element in its own node (Redis allows no entry into a full node).
  const zero = new RList(0);
  for (let i = 0; i < 3; i++) zero.pushTail('a');
  assert.equal(zero.nodesLength, 3);
});

test('a positive fill still caps nodes at 8 KB', () => {
  const l = new RList(1000);
  for (let i = 0; i < 100; i++) l.pushTail('z'.repeat(1000));
  for (const n of l.layout()) assert.ok(n.bytes <= 8192 && n.count <= 8);
});

test('listpack entry sizes follow Redis encodings', () => {
  assert.equal(lpEntrySize('0'), 2); // 7-bit uint
  assert.equal(lpEntrySize('127'), 2);
  assert.equal(lpEntrySize('128'), 3); // 13-bit int
  assert.equal(lpEntrySize('-4096'), 3);
  assert.equal(lpEntrySize('4096'), 4); // 16-bit
  assert.equal(lpEntrySize('-32768'), 4);
  assert.equal(lpEntrySize('32768'), 5); // 24-bit
  assert.equal(lpEntrySize('8388608'), 6); // 32-bit
  assert.equal(lpEntrySize('2147483648'), 10); // 64-bit
  assert.equal(lpEntrySize('9223372036854775807'), 10);
  assert.equal(lpEntrySize('-9223372036854775808'), 10);
  assert.equal(lpEntrySize('9223372036854775808'), 21); // not an int64: a 19-byte string
  assert.equal(lpEntrySize('007'), 5); // not canonical: a string
  assert.equal(lpEntrySize('-0'), 4);
  assert.equal(lpEntrySize(''), 2);
  assert.equal(lpEntrySize('a'.repeat(63)), 65);
  assert.equal(lpEntrySize('a'.repeat(64)), 67); // 12-bit length, 2-byte backlen
  assert.equal(lpEntrySize('a'.repeat(125)), 128);
  assert.equal(lpEntrySize('a'.repeat(4095)), 4099);
  assert.equal(lpEntrySize('a'.repeat(4096)), 4103); // 32-bit length
  assert.equal(lpEntrySize('a'.repeat(16378)), 16386); // 3-byte backlen from 16383
});

test('elements at the packed threshold go into plain nodes, also by LSET and LINSERT', () => {
  setPackedThreshold(10);
  const l = new RList(-2);
  l.pushTail('small');
  l.pushTail('b'.repeat(10));
  l.pushHead('c'.repeat(20));
  assert.deepEqual(l.layout().map((n) => n.plain), [true, false, true]);
  l.set(1, 'd'.repeat(12)); // packed node of one element replaced by a plain one
  assert.deepEqual(l.layout().map((n) => [n.count, n.plain]), [[1, true], [1, true], [1, true]]);
  l.set(0, 'tiny'); // plain → packed
  assert.deepEqual(l.layout().map((n) => n.plain), [false, true, true]);
  l.insert('tiny', 'e'.repeat(30), true);
  assert.deepEqual([...l.values()], ['tiny', 'e'.repeat(30), 'd'.repeat(12), 'b'.repeat(10)]);
  l.deleteRange(1, 2);
  assert.deepEqual([...l.values()], ['tiny', 'b'.repeat(10)]);
  checkLayout(l, [...l.values()], false);
});

test('clone copies elements, layout and fill, independently', () => {
  const l = new RList(3);
  for (let i = 0; i < 10; i++) l.pushTail(String(i));
  const copy = l.clone();
  assert.deepEqual(copy.layout(), l.layout());
  assert.equal(copy.fill, 3);
  copy.pushHead('x');
  copy.set(5, 'y');
  assert.deepEqual([...l.values()], ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.equal(copy.length, 11);
});

test('nodes() and appendNode() keep a node layout as a save and load would', () => {
  const l = new RList(-2);
  for (let i = 0; i < 5000; i++) l.pushHead('v' + i);
  for (let i = 0; i < 100; i++) l.insert('v' + i * 37, 'ins' + i, i % 2 === 0);
  const loaded = new RList(-2);
  for (const node of l.nodes()) loaded.appendNode(node.values, node.plain);
  assert.deepEqual(loaded.layout(), l.layout());
  assert.deepEqual([...loaded.values()], [...l.values()]);
  loaded.appendNode([]);
  assert.equal(loaded.nodesLength, l.nodesLength);
});

test('head pushes and pops stay cheap on a long list (no per-element reshuffle)', () => {
  const l = new RList(-5); // 64 KB nodes: thousands of small entries per node
  const n = 200000;
  const start = performance.now();
  for (let i = 0; i < n; i++) l.pushHead('x');
  for (let i = 0; i < n; i++) l.popHead();
  const ms = performance.now() - start;
  assert.equal(l.length, 0);
  assert.equal(l.nodesLength, 0);
  assert.ok(ms < 2000, `${ms} ms for ${2 * n} head operations`);
});

test('a million-element list costs little beyond its strings', () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const n = 1_000_000;
  const strings: string[] = new Array(n);
  for (let i = 0; i < n; i++) strings[i] = 'element:' + i;
  gc();
  const before = process.memoryUsage().heapUsed;
  const l = new RList();
  for (let i = 0; i < n; i++) l.pushTail(strings[i]!);
  gc();
  const perElement = (process.memoryUsage().heapUsed - before) / n;
  assert.equal(l.length, n);
  // One array slot (8 bytes) plus node overhead; the strings are shared with `strings`.
  assert.ok(perElement < 12, `${perElement.toFixed(1)} bytes per element beyond the strings`);
});

test('short lists cost about 200 bytes each (no growth slack in small nodes)', () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const n = 100_000;
  gc();
  const before = process.memoryUsage().heapUsed;
  const lists: RList[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const l = new RList();
    l.pushTail('a');
    l.pushTail('b');
    l.pushHead('c');
    lists[i] = l;
  }
  gc();
  const perList = (process.memoryUsage().heapUsed - before) / n - 8; // minus the slot in `lists`
  assert.equal(lists[n - 1]!.length, 3);
  assert.ok(perList < 260, `${perList.toFixed(0)} bytes per 3-element list`);
});
