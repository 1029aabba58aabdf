/**
 * New hashes, sets and sorted sets share one empty array to start with (no allocation per
 * value); nothing a value does may change that shared array, or every later value would
 * start with someone else's contents.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RHash } from '../../../src/types/hash.js';
import { RSet } from '../../../src/types/set.js';
import { RZSet, ZADD_INCR } from '../../../src/types/zset.js';

test('values built, emptied and refilled leave new values empty', () => {
  for (let round = 0; round < 3; round++) {
    const h = new RHash();
    assert.equal(h.delete('x'), false);
    h.set('a', '1');
    h.set('a', '2');
    h.set('b', '3');
    h.delete('a');
    h.delete('b');
    h.set('c', '4');
    const s = new RSet();
    assert.equal(s.remove('1'), false);
    s.add('5');
    s.add('3');
    s.remove('5');
    s.pop();
    s.add('7');
    const z = new RZSet();
    assert.equal(z.remove('m'), false);
    z.add('m', 1);
    z.zadd('m', 2, ZADD_INCR);
    z.add('n', 0);
    z.deleteRangeByRank(0, 1);
    z.add('o', 5);
    const fresh = [new RHash(), new RSet(), new RZSet()] as const;
    assert.equal(fresh[0].size, 0);
    assert.deepEqual(fresh[0].flat(), []);
    assert.equal(fresh[1].size, 0);
    assert.deepEqual([...fresh[1].values()], []);
    assert.deepEqual(fresh[1].sortedInts(), []);
    assert.equal(fresh[2].size, 0);
    assert.deepEqual([...fresh[2].entries()], []);
    assert.equal(h.size + s.size + z.size, 3);
  }
});
