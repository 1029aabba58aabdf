import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intString, parseScore, SHARED_INTEGERS } from '../../../src/util/number.js';

test('parseScore reads scores as Redis (strtod over the whole argument), on the integer fast path and off it', () => {
  const cases: [string, number | null][] = [
    ['0', 0],
    ['007', 7],
    ['42', 42],
    ['-42', -42],
    ['123456789012345', 123456789012345],
    ['-123456789012345', -123456789012345],
    ['1234567890123456', 1234567890123456],
    ['99999999999999999999', 1e20],
    ['+5', 5],
    ['1.5', 1.5],
    ['-.5', -0.5],
    ['1e3', 1000],
    ['0x10', 16],
    ['inf', Infinity],
    ['-Infinity', -Infinity],
    ['', null],
    ['-', null],
    [' 1', null],
    ['1 ', null],
    ['12a', null],
    ['abc', null],
    ['nan', null],
    ['1e999', null],
  ];
  for (const [s, want] of cases) assert.equal(parseScore(s), want, JSON.stringify(s));
  assert.ok(Object.is(parseScore('-0'), -0), '-0 keeps its sign');
  assert.ok(Object.is(parseScore('0'), 0));
});

test('intString prints integers as String does, sharing one string for 0..9999', () => {
  for (const n of [0, -0, 1, 9, 10, 9999, 10000, -1, -9999, 2 ** 53 - 1, -(2 ** 53 - 1), 12345678901234567890n, -5n]) {
    assert.equal(intString(n), String(n));
  }
  assert.equal(SHARED_INTEGERS, 10000);
  // Every entry of the shared table (sharing itself is not observable from JS).
  for (let i = 0; i < SHARED_INTEGERS; i++) assert.equal(intString(i), String(i));
  assert.equal(intString(1.5), '1.5');
});
