import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LATENCY_BUCKETS, latencyBucket, latencyBucketValue } from '../../../src/server/info.js';

test('latency buckets: 1..9 ns one each, then two significant digits per decade', () => {
  assert.equal(latencyBucket(0.4), 0);
  assert.equal(latencyBucket(1), 0);
  assert.equal(latencyBucket(9), 8);
  assert.equal(latencyBucket(10), 9);
  assert.equal(latencyBucket(99), 98);
  assert.equal(latencyBucket(100), 99);
  assert.equal(latencyBucket(999), 188);
  assert.equal(latencyBucket(1000), 189, 'a power of ten opens its decade');
  assert.equal(latencyBucket(1e6), 9 + 5 * 90);
  assert.equal(latencyBucket(1e9), LATENCY_BUCKETS - 90);
  assert.equal(latencyBucket(5e12), LATENCY_BUCKETS - 90, 'clamped to 1 s');
});

test("every duration lies within its bucket's range", () => {
  let x = 1;
  for (let i = 0; i < 2000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const ns = 1 + (x % 999_999_999);
    const b = latencyBucket(ns);
    assert.ok(b >= 0 && b < LATENCY_BUCKETS, `bucket ${b} of ${ns}`);
    assert.ok(latencyBucketValue(b) >= ns, `${ns} ns is at most its bucket's value ${latencyBucketValue(b)}`);
    if (b > 0) assert.ok(latencyBucketValue(b - 1) < ns, `${ns} ns is above the previous bucket`);
  }
});
