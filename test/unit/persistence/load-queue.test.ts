/**
 * LoadQueue: keys reach the databases in file order, only once the reader has moved on by
 * twice the young generation's size in file bytes, in batches of 2^16 (one call per run of a
 * database), and everything queued is stored by flush().
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { LoadQueue } from '../../../src/persistence/load-queue.js';

function young(): number {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size;
}

const BATCH = 1 << 16;

/** A queue that records every key it is asked to store, and the size of each call. */
function recording<V>(): { q: LoadQueue<V>; out: string[]; calls: number[] } {
  const out: string[] = [];
  const calls: number[] = [];
  const q = new LoadQueue<V>((db, keys, values, expires, n) => {
    calls.push(n);
    for (let j = 0; j < n; j++) out.push(`${db}/${keys[j]}=${String(values[j])}@${expires[j] ?? '-'}`);
  });
  return { q, out, calls };
}

test('old enough keys wait for a batch to gather; flush stores the rest, in file order, one call per database run', () => {
  const { q, out, calls } = recording<string>();
  for (let i = 0; i < 100; i++) q.push(i < 50 ? 0 : 3, `k${i}`, `v${i}`, i % 2 === 0 ? 1000 + i : undefined, 10 + i);
  // Far past every queued key, but 100 keys are not a batch: they stay.
  q.push(0, 'far', 'x', undefined, 110 + 2 * young());
  assert.equal(out.length, 0);
  assert.equal(q.length, 101);
  q.flush();
  assert.deepEqual(calls, [50, 50, 1]);
  assert.equal(out[0], '0/k0=v0@1000');
  assert.equal(out[50], '3/k50=v50@1050');
  assert.equal(out[99], '3/k99=v99@-');
  assert.equal(out[100], '0/far=x@-');
  assert.equal(q.length, 0);
});

test('keys leave in batches of 2^16 old enough keys, and not before', () => {
  const { q, out, calls } = recording<number>();
  const step = Math.ceil(young() / 100); // ~200 keys within twice the young generation
  const pushedAt: number[] = [];
  const n = 3 * BATCH + 123;
  for (let i = 0; i < n; i++) {
    const before = calls.length;
    q.push(0, 'k', i, undefined, i * step);
    if (calls.length > before) pushedAt.push(i + 1);
  }
  // ~200 keys are still too young, so the third batch has not gathered yet.
  assert.deepEqual(calls, [BATCH, BATCH]);
  // Each batch left only once its last key was old enough: keys pushed after it came first.
  for (let m = 0; m < 2; m++) assert.ok(pushedAt[m]! > (m + 1) * BATCH, `batch ${m} left after ${pushedAt[m]} keys`);
  assert.equal(q.length, n - 2 * BATCH);
  q.flush();
  assert.equal(out.length, n);
  for (let k = 0; k < n; k++) if (out[k] !== `0/k=${k}@-`) assert.fail(`key ${k} came out as ${out[k]}`);
});

test('a long load keeps the order while the ring grows and wraps around', () => {
  const { q, out } = recording<number>();
  const step = Math.ceil(young() / 1000); // ~2000 keys become old per young generation
  for (let i = 0; i < 300_000; i++) {
    q.push(i % 7 === 0 ? 1 : 0, 'k', i, undefined, i * step);
    assert.ok(q.length <= (2 * young()) / step + BATCH + 2);
  }
  assert.ok(q.length > 0);
  q.flush();
  assert.equal(out.length, 300_000);
  for (let i = 0; i < out.length; i++) if (!out[i]!.endsWith(`/k=${i}@-`)) assert.fail(`key ${i} came out as ${out[i]}`);
});

test('keys whose store fails leave the queue: they are not stored again, and the queue says so', () => {
  const stored: string[] = [];
  const q = new LoadQueue<string>((_db, keys, _values, _expires, n) => {
    for (let j = 0; j < n; j++) {
      if (keys[j] === 'dup') throw new Error('duplicate');
      stored.push(keys[j]!);
    }
  });
  q.push(0, 'a', '', undefined, 1);
  q.push(0, 'dup', '', undefined, 2);
  q.push(0, 'b', '', undefined, 3);
  q.push(1, 'c', '', undefined, 4);
  assert.throws(() => q.flush(), /duplicate/);
  assert.equal(q.failed, true);
  assert.deepEqual(stored, ['a']);
  assert.equal(q.length, 1, "database 1's key is still queued");
  q.flush();
  assert.deepEqual(stored, ['a', 'c'], 'the failed run is not retried');
});

test('at most 2^18 keys wait, however close together they are in the file', () => {
  const { q, out } = recording<number>();
  for (let i = 0; i < 300_000; i++) {
    q.push(0, 'k', i, undefined, 7);
    assert.ok(q.length <= 1 << 18);
  }
  assert.equal(out.length + q.length, 300_000);
  assert.ok(out.length >= 300_000 - (1 << 18));
  q.flush();
  assert.equal(out.length, 300_000);
  for (let i = 0; i < out.length; i++) if (out[i] !== `0/k=${i}@-`) assert.fail(`key ${i} came out as ${out[i]}`);
});
