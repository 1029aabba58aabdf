/**
 * LoadQueue: keys reach the databases in file order, only once the reader has moved on by
 * twice the young generation's size in file bytes, and everything queued is stored by flush().
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { LoadQueue } from '../../../src/persistence/load-queue.js';

function young(): number {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size;
}

test('keys wait until the reader has moved on by twice the young generation, then come out in order', () => {
  const out: string[] = [];
  const q = new LoadQueue<string>((db, key, value, exp) => out.push(`${db}/${key}=${value}@${exp ?? '-'}`));
  for (let i = 0; i < 100; i++) q.push(i % 3, `k${i}`, `v${i}`, i % 2 === 0 ? 1000 + i : undefined, 10 + i);
  assert.equal(out.length, 0, 'nothing stored while the reader is still near');
  assert.equal(q.length, 100);
  // Far enough past every queued key: all of them go, the new one waits.
  q.push(0, 'far', 'x', undefined, 110 + 2 * young());
  assert.equal(out.length, 100);
  assert.equal(out[0], '0/k0=v0@1000');
  assert.equal(out[99], '0/k99=v99@-');
  assert.equal(q.length, 1);
  q.flush();
  assert.equal(out.length, 101);
  assert.equal(out[100], '0/far=x@-');
  assert.equal(q.length, 0);
});

test('a long load keeps the order while the ring grows and wraps around', () => {
  const out: number[] = [];
  const q = new LoadQueue<number>((_db, _key, value) => out.push(value));
  const step = Math.ceil(young() / 1000); // ~2000 keys queued at a time
  for (let i = 0; i < 200_000; i++) {
    q.push(0, 'k', i, undefined, i * step);
    assert.ok(q.length <= 2 * (2 * young()) / step + 2);
  }
  assert.ok(q.length > 0);
  q.flush();
  assert.equal(out.length, 200_000);
  for (let i = 0; i < out.length; i++) if (out[i] !== i) assert.fail(`key ${i} came out as ${out[i]}`);
});

test('a key whose store fails leaves the queue: it is not stored again, and the queue says so', () => {
  const out: string[] = [];
  const q = new LoadQueue<string>((_db, key) => {
    if (key === 'dup') throw new Error('duplicate');
    out.push(key);
  });
  q.push(0, 'a', '', undefined, 1);
  q.push(0, 'dup', '', undefined, 2);
  q.push(0, 'b', '', undefined, 3);
  assert.throws(() => q.flush(), /duplicate/);
  assert.equal(q.failed, true);
  assert.deepEqual(out, ['a']);
  q.flush();
  assert.deepEqual(out, ['a', 'b'], 'the failed key is not retried');
});

test('at most 2^18 keys wait, however close together they are in the file', () => {
  const out: number[] = [];
  const q = new LoadQueue<number>((_db, _key, value) => out.push(value));
  for (let i = 0; i < 300_000; i++) q.push(0, 'k', i, undefined, 7);
  assert.equal(q.length, 1 << 18);
  assert.equal(out.length, 300_000 - (1 << 18));
  q.flush();
  assert.equal(out.length, 300_000);
  for (let i = 0; i < out.length; i++) if (out[i] !== i) assert.fail(`key ${i} came out as ${out[i]}`);
});
