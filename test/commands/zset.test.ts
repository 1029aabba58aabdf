/**
 * The sorted-set commands against an embedded Amber: replies, errors, encodings, keyspace
 * events, dirty counts and propagated effects, with edge cases from Redis's
 * tests/unit/type/zset.tcl, for listpack and skiplist sets.
 */

import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAmber, waitFor, type TestAmber } from '../helpers/servers.js';
import { onKeyspaceEvent } from '../helpers/observe.js';
import { ErrorReply, type RespValue, type TestClient } from '../helpers/resp.js';
import { limits } from '../../src/types/limits.js';
import { zsetD2string } from '../../src/commands/zset.js';
import { parseScore, strtod } from '../../src/util/number.js';

let amber: TestAmber;
let c: TestClient;
const events: string[] = [];
const propagated: string[][] = [];

before(async () => {
  amber = await startAmber();
  c = await amber.client();
  onKeyspaceEvent(amber.server, (_type, event, key) => events.push(`${event}:${key}`));
  amber.server.feeds.push((_db, argv) => propagated.push(argv));
});

after(async () => {
  await amber.stop();
});

const DEFAULTS = { e: limits.zsetMaxListpackEntries, v: limits.zsetMaxListpackValue };
afterEach(() => {
  limits.zsetMaxListpackEntries = DEFAULTS.e;
  limits.zsetMaxListpackValue = DEFAULTS.v;
});

async function traced(...args: (string | number)[]): Promise<{ reply: RespValue; events: string[]; propagated: string[][]; dirty: number }> {
  events.length = 0;
  propagated.length = 0;
  const before = amber.server.store.dirty;
  const reply = await c.call(...args);
  return { reply, events: [...events], propagated: propagated.map((a) => [...a]), dirty: amber.server.store.dirty - before };
}

function encoding(key: string): string | undefined {
  const v = amber.server.store.db(0).dict.get(key);
  return v === undefined || typeof v === 'string' ? undefined : v.encoding();
}

function isErr(v: RespValue, text: string): void {
  assert.ok(v instanceof ErrorReply, `expected an error, got ${JSON.stringify(v)}`);
  assert.equal(v.message, text);
}

const LONG = 'x'.repeat(100);

/** Creates key with the given score/member pairs in the requested encoding. */
async function create(key: string, enc: string, ...pairs: (string | number)[]): Promise<void> {
  await c.call('DEL', key);
  if (enc === 'skiplist') {
    // A long member converts the set for good; removing it keeps the skiplist.
    await c.call('ZADD', key, 0, LONG);
    if (pairs.length > 0) await c.call('ZADD', key, ...pairs);
    await c.call('ZREM', key, LONG);
  } else if (pairs.length > 0) {
    await c.call('ZADD', key, ...pairs);
  }
  if (pairs.length > 0) assert.equal(encoding(key), enc);
}

test('number parsing follows C strtod and Redis string2d', () => {
  assert.equal(parseScore('0x10'), 16);
  assert.equal(parseScore('0x1.8p1'), 3);
  assert.equal(parseScore('1e3'), 1000);
  assert.equal(parseScore('.5'), 0.5);
  assert.equal(parseScore('5.'), 5);
  assert.equal(parseScore('-inf'), -Infinity);
  assert.equal(parseScore('+Infinity'), Infinity);
  assert.equal(parseScore(' 1'), null);
  assert.equal(parseScore('1 '), null);
  assert.equal(parseScore(''), null);
  assert.equal(parseScore('nan'), null);
  assert.equal(parseScore('1e400'), null);
  assert.equal(parseScore('1e-400'), null);
  assert.equal(parseScore('1e-310'), 1e-310); // subnormal, not zero: accepted
  assert.equal(parseScore('0x'), null);
  assert.equal(parseScore('1e'), null);
  assert.deepEqual(strtod('  12abc'), { value: 12, end: 4, erange: false });
  assert.deepEqual(strtod('abc'), { value: 0, end: 0, erange: false });
  assert.equal(strtod('1e-310').erange, true);
  assert.equal(zsetD2string(3), '3');
  assert.equal(zsetD2string(1e17), '100000000000000000');
  assert.equal(zsetD2string(1e19), '1e+19');
  assert.equal(zsetD2string(1.5), '1.5');
  assert.equal(zsetD2string(-0), '-0');
});

for (const enc of ['listpack', 'skiplist']) {
  describe(`${enc} sorted sets`, () => {
    test('ZADD replies the number of new members; CH counts updates too', async () => {
      await create('z', enc, 1, 'a');
      assert.equal(await c.call('ZADD', 'z', 1, 'a', 2, 'b', 3, 'c'), 2);
      assert.equal(await c.call('ZADD', 'z', 'CH', 5, 'a', 2, 'b', 4, 'd'), 2);
      assert.deepEqual(await c.call('ZRANGE', 'z', 0, -1, 'WITHSCORES'), ['b', '2', 'c', '3', 'd', '4', 'a', '5']);
    });

    test('ZADD NX, XX, GT and LT choose what changes', async () => {
      await create('z', enc, 10, 'x', 20, 'y');
      assert.equal(await c.call('ZADD', 'z', 'NX', 1, 'x', 30, 'z'), 1);
      assert.equal(await c.call('ZSCORE', 'z', 'x'), '10');
      assert.equal(await c.call('ZADD', 'z', 'XX', 'CH', 11, 'x', 40, 'w'), 1);
      assert.equal(await c.call('ZSCORE', 'z', 'w'), null);
      assert.equal(await c.call('ZADD', 'z', 'GT', 'CH', 5, 'x', 25, 'y', 1, 'new'), 2);
      assert.deepEqual(await c.call('ZMSCORE', 'z', 'x', 'y', 'new'), ['11', '25', '1']);
      assert.equal(await c.call('ZADD', 'z', 'LT', 'CH', 50, 'x', 5, 'y'), 1);
      assert.deepEqual(await c.call('ZMSCORE', 'z', 'x', 'y'), ['11', '5']);
      assert.equal(await c.call('ZADD', 'z', 'XX', 'GT', 'CH', 12, 'x', 100, 'nothere'), 1);
    });

    test('ZADD options are case-insensitive; a score that is a word ends them', async () => {
      await create('z', enc, 10, 'x');
      assert.equal(await c.call('ZADD', 'z', 'xX', 'cH', 11, 'x', 1, 'no'), 1);
      assert.equal(await c.call('ZADD', 'z', 'Incr', 'gT', 1, 'x'), '12');
      assert.equal(await c.call('ZADD', 'z', 'nx', 'inf', 'x', '-Inf', 'y'), 1);
      assert.deepEqual(await c.call('ZRANGE', 'z', 0, -1, 'WITHSCORES'), ['y', '-inf', 'x', '12']);
      isErr(await c.call('ZADD', 'z', 'nxx', 1, 'x', 'y'), 'ERR value is not a valid float');
      isErr(await c.call('ZADD', 'z', 'NX', 'X', 1, 'x'), 'ERR syntax error');
    });

    test('ZADD INCR replies the new score, or null when NX/XX/GT/LT stop it', async () => {
      await create('z', enc, 1, 'a');
      assert.equal(await c.call('ZADD', 'z', 'INCR', 2.5, 'a'), '3.5');
      assert.equal(await c.call('ZADD', 'z', 'INCR', 'NX', 1, 'a'), null);
      assert.equal(await c.call('ZADD', 'z', 'INCR', 'XX', 1, 'nope'), null);
      assert.equal(await c.call('ZADD', 'z', 'INCR', 'GT', -1, 'a'), null);
      assert.equal(await c.call('ZADD', 'z', 'INCR', 'LT', -1, 'a'), '2.5');
      assert.equal(await c.call('ZADD', 'z', 'INCR', 'NX', 7, 'b'), '7');
    });

    test('ZADD rejects option clashes, odd pairs and bad scores before changing anything', async () => {
      await create('z', enc, 1, 'a');
      isErr(await c.call('ZADD', 'z', 'NX', 'XX', 1, 'a'), 'ERR XX and NX options at the same time are not compatible');
      isErr(await c.call('ZADD', 'z', 'GT', 'LT', 1, 'a'), 'ERR GT, LT, and/or NX options at the same time are not compatible');
      isErr(await c.call('ZADD', 'z', 'GT', 'NX', 1, 'a'), 'ERR GT, LT, and/or NX options at the same time are not compatible');
      isErr(await c.call('ZADD', 'z', 'INCR', 1, 'a', 2, 'b'), 'ERR INCR option supports a single increment-element pair');
      isErr(await c.call('ZADD', 'z', 1, 'a', 2), 'ERR syntax error');
      isErr(await c.call('ZADD', 'z', 'NX', 1), 'ERR syntax error');
      isErr(await c.call('ZADD', 'z', 10, 'a', 'x', 'b', 30, 'c'), 'ERR value is not a valid float');
      isErr(await c.call('ZADD', 'z', 'nan', 'a'), 'ERR value is not a valid float');
      assert.deepEqual(await c.call('ZRANGE', 'z', 0, -1, 'WITHSCORES'), ['a', '1']);
    });

    test('ZINCRBY adds to a score and reports NaN from inf - inf', async () => {
      await create('z', enc, 1, 'a');
      assert.equal(await c.call('ZINCRBY', 'z', 2, 'a'), '3');
      assert.equal(await c.call('ZINCRBY', 'z', 1.1, 'b'), '1.1000000000000001');
      assert.equal(await c.call('ZINCRBY', 'z', 'inf', 'c'), 'inf');
      isErr(await c.call('ZINCRBY', 'z', '-inf', 'c'), 'ERR resulting score is not a number (NaN)');
      assert.equal(await c.call('ZSCORE', 'z', 'c'), 'inf');
      isErr(await c.call('ZINCRBY', 'z', 'x', 'c'), 'ERR value is not a valid float');
    });

    test('ZREM removes members and deletes the emptied key with zrem and del events', async () => {
      await create('z', enc, 1, 'a', 2, 'b', 3, 'c');
      const t1 = await traced('ZREM', 'z', 'a', 'nope', 'b');
      assert.equal(t1.reply, 2);
      assert.deepEqual(t1.events, ['zrem:z']);
      assert.equal(t1.dirty, 2);
      const t2 = await traced('ZREM', 'z', 'c', 'nope');
      assert.equal(t2.reply, 1);
      assert.deepEqual(t2.events, ['zrem:z', 'del:z']);
      assert.equal(await c.call('EXISTS', 'z'), 0);
      assert.equal(await c.call('ZREM', 'z', 'x'), 0);
    });

    test('ZCARD, ZSCORE, ZMSCORE, ZRANK and ZREVRANK', async () => {
      await create('z', enc, 10, 'x', 20, 'y', 30, 'z', 1.5, 'w');
      assert.equal(await c.call('ZCARD', 'z'), 4);
      assert.equal(await c.call('ZCARD', 'missing'), 0);
      assert.equal(await c.call('ZSCORE', 'z', 'w'), '1.5');
      assert.equal(await c.call('ZSCORE', 'z', 'q'), null);
      assert.equal(await c.call('ZSCORE', 'missing', 'q'), null);
      assert.deepEqual(await c.call('ZMSCORE', 'z', 'x', 'q', 'w'), ['10', null, '1.5']);
      assert.deepEqual(await c.call('ZMSCORE', 'missing', 'a', 'b'), [null, null]);
      assert.equal(await c.call('ZRANK', 'z', 'w'), 0);
      assert.equal(await c.call('ZRANK', 'z', 'z'), 3);
      assert.equal(await c.call('ZREVRANK', 'z', 'z'), 0);
      assert.equal(await c.call('ZRANK', 'z', 'q'), null);
      assert.equal(await c.call('ZREVRANK', 'missing', 'q'), null);
    });

    test('ZRANGE by rank, reversed, with scores, and out-of-range indexes', async () => {
      await create('z', enc, 1, 'a', 2, 'b', 3, 'c', 4, 'd');
      assert.deepEqual(await c.call('ZRANGE', 'z', 0, -1), ['a', 'b', 'c', 'd']);
      assert.deepEqual(await c.call('ZRANGE', 'z', 1, 2, 'WITHSCORES'), ['b', '2', 'c', '3']);
      assert.deepEqual(await c.call('ZRANGE', 'z', -2, -1), ['c', 'd']);
      assert.deepEqual(await c.call('ZRANGE', 'z', -10, 10), ['a', 'b', 'c', 'd']);
      assert.deepEqual(await c.call('ZRANGE', 'z', 5, 10), []);
      assert.deepEqual(await c.call('ZRANGE', 'z', 2, 1), []);
      assert.deepEqual(await c.call('ZREVRANGE', 'z', 0, 1), ['d', 'c']);
      assert.deepEqual(await c.call('ZRANGE', 'z', 0, 1, 'REV', 'WITHSCORES'), ['d', '4', 'c', '3']);
      assert.deepEqual(await c.call('ZRANGE', 'missing', 0, -1), []);
      isErr(await c.call('ZRANGE', 'z', 0, -1, 'LIMIT', 0, 1), 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
      isErr(await c.call('ZRANGE', 'z', 'a', -1), 'ERR value is not an integer or out of range');
      isErr(await c.call('ZRANGE', 'z', 0, -1, 'REV', 'REV'), 'ERR syntax error');
      isErr(await c.call('ZRANGE', 'z', 0, -1, 'BYSCORE', 'BYLEX'), 'ERR syntax error');
      isErr(await c.call('ZREVRANGE', 'z', 0, -1, 'REV'), 'ERR syntax error');
    });

    test('ZRANGEBYSCORE with inclusive and exclusive bounds, infinities and LIMIT', async () => {
      await create('z', enc, '-inf', 'a', 1, 'b', 2, 'c', 3, 'd', 4, 'e', 5, 'f', 'inf', 'g');
      assert.deepEqual(await c.call('ZRANGEBYSCORE', 'z', 2, 4), ['c', 'd', 'e']);
      assert.deepEqual(await c.call('ZRANGEBYSCORE', 'z', '(2', '(4'), ['d']);
      assert.deepEqual(await c.call('ZRANGEBYSCORE', 'z', '-inf', '(1'), ['a']);
      assert.deepEqual(await c.call('ZRANGEBYSCORE', 'z', '(5', '+inf', 'WITHSCORES'), ['g', 'inf']);
      assert.deepEqual(await c.call('ZREVRANGEBYSCORE', 'z', 4, 2), ['e', 'd', 'c']);
      assert.deepEqual(await c.call('ZREVRANGEBYSCORE', 'z', '(4', '(2'), ['d']);
      assert.deepEqual(await c.call('ZRANGEBYSCORE', 'z', 0, 10, 'LIMIT', 2, 3), ['d', 'e', 'f']);
      assert.deepEqual(await c.call('ZRANGEBYSCORE', 'z', 0, 10, 'LIMIT', 4, -1), ['f']);
      assert.deepEqual(await c.call('ZRANGEBYSCORE', 'z', 0, 10, 'LIMIT', -1, 3), []);
      assert.deepEqual(await c.call('ZRANGEBYSCORE', 'z', 0, 10, 'LIMIT', 20, 3), []);
      assert.deepEqual(await c.call('ZRANGEBYSCORE', 'z', 0, 10, 'LIMIT', 0, 0), []);
      assert.deepEqual(await c.call('ZREVRANGEBYSCORE', 'z', 10, 0, 'LIMIT', 1, 2, 'WITHSCORES'), ['e', '4', 'd', '3']);
      assert.deepEqual(await c.call('ZRANGE', 'z', '(1', 3, 'BYSCORE'), ['c', 'd']);
      assert.deepEqual(await c.call('ZRANGE', 'z', 3, '(1', 'BYSCORE', 'REV', 'LIMIT', 0, 1), ['d']);
      assert.deepEqual(await c.call('ZRANGEBYSCORE', 'z', 4, 2), []);
      assert.deepEqual(await c.call('ZRANGEBYSCORE', 'z', '(3', 3), []);
      // strtod quirks: "" and "(" read as 0, hex is a number, leading spaces are allowed
      assert.deepEqual(await c.call('ZRANGEBYSCORE', 'z', '(', 1), ['b']);
      assert.deepEqual(await c.call('ZRANGEBYSCORE', 'z', ' 0x2', '0x3'), ['c', 'd']);
      for (const bad of ['str', '1x', 'nan', '(nan']) {
        isErr(await c.call('ZRANGEBYSCORE', 'z', bad, 1), 'ERR min or max is not a float');
        isErr(await c.call('ZCOUNT', 'z', 0, bad), 'ERR min or max is not a float');
      }
    });

    test('ZCOUNT counts by score', async () => {
      await create('z', enc, 1, 'a', 2, 'b', 3, 'c', 4, 'd');
      assert.equal(await c.call('ZCOUNT', 'z', 2, 3), 2);
      assert.equal(await c.call('ZCOUNT', 'z', '(2', '+inf'), 2);
      assert.equal(await c.call('ZCOUNT', 'z', '-inf', '(1'), 0);
      assert.equal(await c.call('ZCOUNT', 'z', 5, 1), 0);
      assert.equal(await c.call('ZCOUNT', 'missing', 0, 1), 0);
    });

    test('lex ranges: ZRANGEBYLEX, ZREVRANGEBYLEX, ZLEXCOUNT, ZRANGE BYLEX', async () => {
      await create('z', enc, 0, 'alpha', 0, 'bar', 0, 'cool', 0, 'down', 0, 'elephant', 0, 'foo', 0, 'great', 0, 'hill', 0, 'omega');
      assert.deepEqual(await c.call('ZRANGEBYLEX', 'z', '-', '[cool'), ['alpha', 'bar', 'cool']);
      assert.deepEqual(await c.call('ZRANGEBYLEX', 'z', '[bar', '(down'), ['bar', 'cool']);
      assert.deepEqual(await c.call('ZRANGEBYLEX', 'z', '(great', '+'), ['hill', 'omega']);
      assert.deepEqual(await c.call('ZRANGEBYLEX', 'z', '-', '+', 'LIMIT', 2, 3), ['cool', 'down', 'elephant']);
      assert.deepEqual(await c.call('ZREVRANGEBYLEX', 'z', '[elez', '[bar', 'LIMIT', 1, 2), ['down', 'cool']);
      assert.deepEqual(await c.call('ZRANGE', 'z', '[d', '(f', 'BYLEX'), ['down', 'elephant']);
      assert.deepEqual(await c.call('ZRANGE', 'z', '+', '[hill', 'BYLEX', 'REV'), ['omega', 'hill']);
      assert.equal(await c.call('ZLEXCOUNT', 'z', '-', '+'), 9);
      assert.equal(await c.call('ZLEXCOUNT', 'z', '[cool', '[foo'), 4);
      assert.equal(await c.call('ZLEXCOUNT', 'z', '(foo', '(cool'), 0);
      assert.equal(await c.call('ZLEXCOUNT', 'z', '+', '-'), 0);
      assert.deepEqual(await c.call('ZRANGEBYLEX', 'z', '-', '-'), []);
      for (const bad of ['foo', '+x', '-x', '']) {
        isErr(await c.call('ZRANGEBYLEX', 'z', bad, '+'), 'ERR min or max not valid string range item');
        isErr(await c.call('ZLEXCOUNT', 'z', '-', bad), 'ERR min or max not valid string range item');
      }
      isErr(await c.call('ZRANGE', 'z', '-', '+', 'BYLEX', 'WITHSCORES'), 'ERR syntax error, WITHSCORES not supported in combination with BYLEX');
    });

    test('ZREMRANGEBYRANK, ZREMRANGEBYSCORE and ZREMRANGEBYLEX', async () => {
      await create('z', enc, 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e');
      let t = await traced('ZREMRANGEBYRANK', 'z', 1, 2);
      assert.equal(t.reply, 2);
      assert.deepEqual(t.events, ['zremrangebyrank:z']);
      assert.equal(t.dirty, 2);
      assert.deepEqual(await c.call('ZRANGE', 'z', 0, -1), ['a', 'd', 'e']);
      assert.equal(await c.call('ZREMRANGEBYRANK', 'z', 5, 10), 0);
      assert.equal(await c.call('ZREMRANGEBYRANK', 'z', -1, -1), 1);
      t = await traced('ZREMRANGEBYSCORE', 'z', '(1', 'inf');
      assert.equal(t.reply, 1);
      assert.deepEqual(t.events, ['zremrangebyscore:z']);
      t = await traced('ZREMRANGEBYSCORE', 'z', '-inf', 'inf');
      assert.deepEqual(t.events, ['zremrangebyscore:z', 'del:z']);
      assert.equal(await c.call('EXISTS', 'z'), 0);
      await create('z', enc, 0, 'a', 0, 'b', 0, 'c', 0, 'd');
      t = await traced('ZREMRANGEBYLEX', 'z', '[b', '(d');
      assert.equal(t.reply, 2);
      assert.deepEqual(t.events, ['zremrangebylex:z']);
      assert.deepEqual(await c.call('ZRANGE', 'z', 0, -1), ['a', 'd']);
      isErr(await c.call('ZREMRANGEBYLEX', 'z', 'a', '+'), 'ERR min or max not valid string range item');
      isErr(await c.call('ZREMRANGEBYSCORE', 'z', 'a', '+'), 'ERR min or max is not a float');
      isErr(await c.call('ZREMRANGEBYRANK', 'z', 'a', 1), 'ERR value is not an integer or out of range');
      assert.equal(await c.call('ZREMRANGEBYSCORE', 'missing', 0, 1), 0);
    });

    test('ZPOPMIN and ZPOPMAX pop, count, delete the emptied key and propagate as sent', async () => {
      await create('z', enc, 1, 'a', 2, 'b', 3, 'c');
      let t = await traced('ZPOPMIN', 'z');
      assert.deepEqual(t.reply, ['a', '1']);
      assert.deepEqual(t.events, ['zpopmin:z']);
      assert.deepEqual(t.propagated, [['ZPOPMIN', 'z']]);
      t = await traced('ZPOPMAX', 'z', 5);
      assert.deepEqual(t.reply, ['c', '3', 'b', '2']);
      assert.deepEqual(t.events, ['zpopmax:z', 'del:z']);
      assert.equal(t.dirty, 2);
      assert.deepEqual(await c.call('ZPOPMIN', 'z'), []);
      await create('z', enc, 1, 'a');
      assert.deepEqual(await c.call('ZPOPMIN', 'z', 0), []);
      isErr(await c.call('ZPOPMIN', 'z', -1), 'ERR value is out of range, must be positive');
      isErr(await c.call('ZPOPMIN', 'z', 'x'), 'ERR value is out of range, must be positive');
      isErr(await c.call('ZPOPMIN', 'z', 1, 2), 'ERR syntax error');
    });

    test('ZMPOP pops from the first non-empty key and propagates as ZPOPMIN/ZPOPMAX with a count', async () => {
      await create('z2', enc, 1, 'a', 2, 'b', 3, 'c');
      await c.call('DEL', 'z1');
      let t = await traced('ZMPOP', 2, 'z1', 'z2', 'MAX', 'COUNT', 2);
      assert.deepEqual(t.reply, ['z2', [['c', '3'], ['b', '2']]]);
      assert.deepEqual(t.propagated, [['ZPOPMAX', 'z2', '2']]);
      t = await traced('ZMPOP', 1, 'z2', 'MIN', 'COUNT', 10);
      assert.deepEqual(t.reply, ['z2', [['a', '1']]]);
      assert.deepEqual(t.propagated, [['ZPOPMIN', 'z2', '1']]);
      assert.equal(await c.call('EXISTS', 'z2'), 0);
      t = await traced('ZMPOP', 2, 'z1', 'z2', 'MIN');
      assert.equal(t.reply, null);
      assert.deepEqual(t.propagated, []);
      isErr(await c.call('ZMPOP', 0, 'z1', 'MIN'), 'ERR numkeys should be greater than 0');
      isErr(await c.call('ZMPOP', 1, 'z1', 'MIN', 'COUNT', 0), 'ERR count should be greater than 0');
      isErr(await c.call('ZMPOP', 1, 'z1', 'MIDDLE'), 'ERR syntax error');
      isErr(await c.call('ZMPOP', 3, 'z1', 'MIN'), 'ERR syntax error');
      isErr(await c.call('ZMPOP', 1, 'z1', 'MIN', 'COUNT', 1, 'COUNT', 1), 'ERR syntax error');
    });

    test('ZRANDMEMBER without count, with counts of both signs, and WITHSCORES', async () => {
      await create('z', enc, 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e');
      const one = await c.call('ZRANDMEMBER', 'z');
      assert.ok(['a', 'b', 'c', 'd', 'e'].includes(one as string));
      assert.equal(await c.call('ZRANDMEMBER', 'missing'), null);
      assert.deepEqual(await c.call('ZRANDMEMBER', 'missing', 3), []);
      assert.deepEqual(await c.call('ZRANDMEMBER', 'z', 0), []);
      assert.deepEqual(await c.call('ZRANDMEMBER', 'z', 10, 'WITHSCORES'), ['a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5']);
      for (const n of [2, 4]) {
        const got = (await c.call('ZRANDMEMBER', 'z', n)) as string[];
        assert.equal(new Set(got).size, n);
      }
      const many = (await c.call('ZRANDMEMBER', 'z', -20, 'WITHSCORES')) as string[];
      assert.equal(many.length, 40);
      for (let i = 0; i < 40; i += 2) assert.equal(many[i]!.charCodeAt(0) - 96, Number(many[i + 1]));
      isErr(await c.call('ZRANDMEMBER', 'z', 1, 'bad'), 'ERR syntax error');
      isErr(await c.call('ZRANDMEMBER', 'z', -9223372036854770000, 'WITHSCORES'), 'ERR value is out of range');
      isErr(await c.call('ZRANDMEMBER', 'z', '-9223372036854775808'), 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
    });

    test('ZSCAN returns every member with its score', async () => {
      await create('z', enc, 1, 'a', 2.5, 'b', 3, 'c');
      const [cursor, items] = (await c.call('ZSCAN', 'z', 0, 'COUNT', 100)) as [string, string[]];
      assert.equal(cursor, '0');
      const pairs = new Map<string, string>();
      for (let i = 0; i < items.length; i += 2) pairs.set(items[i]!, items[i + 1]!);
      assert.deepEqual(Object.fromEntries(pairs), { a: '1', b: '2.5', c: '3' });
      const [, matched] = (await c.call('ZSCAN', 'z', 0, 'MATCH', 'b*', 'COUNT', 100)) as [string, string[]];
      assert.deepEqual(matched, ['b', '2.5']);
      assert.deepEqual(await c.call('ZSCAN', 'missing', 0), ['0', []]);
      isErr(await c.call('ZSCAN', 'z', 'x'), 'ERR invalid cursor');
      isErr(await c.call('ZSCAN', 'z', 0, 'COUNT', 0), 'ERR syntax error');
    });

    test('replies WRONGTYPE on a string key for reads and writes', async () => {
      await c.call('SET', 'str', 'v');
      for (const cmd of [
        ['ZADD', 'str', 1, 'a'],
        ['ZINCRBY', 'str', 1, 'a'],
        ['ZREM', 'str', 'a'],
        ['ZCARD', 'str'],
        ['ZSCORE', 'str', 'a'],
        ['ZMSCORE', 'str', 'a'],
        ['ZRANK', 'str', 'a'],
        ['ZRANGE', 'str', 0, -1],
        ['ZRANGEBYSCORE', 'str', 0, 1],
        ['ZRANGEBYLEX', 'str', '-', '+'],
        ['ZCOUNT', 'str', 0, 1],
        ['ZLEXCOUNT', 'str', '-', '+'],
        ['ZREMRANGEBYRANK', 'str', 0, 1],
        ['ZPOPMIN', 'str'],
        ['ZMPOP', 1, 'str', 'MIN'],
        ['ZRANDMEMBER', 'str'],
        ['ZSCAN', 'str', 0],
        ['ZUNION', 1, 'str'],
        ['ZRANGESTORE', 'dst', 'str', 0, -1],
      ]) {
        isErr(await c.call(...cmd), 'WRONGTYPE Operation against a key holding the wrong kind of value');
      }
    });
  });
}

describe('set operations', () => {
  test('ZUNIONSTORE sums with weights, mixes sets (score 1) and stores listpack when small', async () => {
    await create('za', 'listpack', 1, 'a', 2, 'b', 3, 'c');
    await create('zb', 'skiplist', 1, 'b', 2, 'c', 3, 'd');
    await c.call('DEL', 'sa');
    await c.call('SADD', 'sa', 'a', 'x');
    const t = await traced('ZUNIONSTORE', 'dst', 3, 'za', 'zb', 'sa', 'WEIGHTS', 2, 3, 10);
    assert.equal(t.reply, 5);
    assert.deepEqual(t.events, ['zunionstore:dst']);
    assert.deepEqual(await c.call('ZRANGE', 'dst', 0, -1, 'WITHSCORES'), ['b', '7', 'd', '9', 'x', '10', 'a', '12', 'c', '12']);
    assert.deepEqual(await c.call('ZMSCORE', 'dst', 'a', 'b', 'c', 'd', 'x'), ['12', '7', '12', '9', '10']);
    assert.equal(encoding('dst'), 'listpack');
    assert.deepEqual(await c.call('ZUNION', 2, 'za', 'zb', 'AGGREGATE', 'MAX', 'WITHSCORES'), ['a', '1', 'b', '2', 'c', '3', 'd', '3']);
    assert.deepEqual(await c.call('ZUNION', 2, 'za', 'zb', 'AGGREGATE', 'MIN'), ['a', 'b', 'c', 'd']);
  });

  test('ZINTERSTORE and ZINTER keep members in every input', async () => {
    await create('za', 'listpack', 1, 'a', 2, 'b', 3, 'c');
    await create('zb', 'skiplist', 1, 'b', 2, 'c', 3, 'd');
    assert.equal(await c.call('ZINTERSTORE', 'dst', 2, 'za', 'zb'), 2);
    assert.deepEqual(await c.call('ZRANGE', 'dst', 0, -1, 'WITHSCORES'), ['b', '3', 'c', '5']);
    assert.deepEqual(await c.call('ZINTER', 2, 'za', 'zb', 'WEIGHTS', 1, -1, 'WITHSCORES'), ['b', '1', 'c', '1']);
    assert.equal(await c.call('ZINTERCARD', 2, 'za', 'zb'), 2);
    assert.equal(await c.call('ZINTERCARD', 2, 'za', 'zb', 'LIMIT', 1), 1);
    assert.equal(await c.call('ZINTERCARD', 2, 'za', 'missing'), 0);
    isErr(await c.call('ZINTERCARD', 2, 'za', 'zb', 'LIMIT', -1), "ERR LIMIT can't be negative");
    isErr(await c.call('ZINTERCARD', 2, 'za', 'zb', 'WITHSCORES'), 'ERR syntax error');
  });

  test('ZDIFFSTORE and ZDIFF keep members of the first input only', async () => {
    await create('za', 'listpack', 1, 'a', 2, 'b', 3, 'c');
    await create('zb', 'skiplist', 1, 'b', 2, 'c', 3, 'd');
    assert.deepEqual(await c.call('ZDIFF', 2, 'za', 'zb', 'WITHSCORES'), ['a', '1']);
    assert.deepEqual(await c.call('ZDIFF', 2, 'za', 'za'), []);
    assert.equal(await c.call('ZDIFFSTORE', 'dst', 2, 'za', 'zb'), 1);
    isErr(await c.call('ZDIFF', 2, 'za', 'zb', 'WEIGHTS', 1, 1), 'ERR syntax error');
  });

  test('an empty result deletes the destination with a del event', async () => {
    await c.call('ZADD', 'dst', 1, 'a');
    const t = await traced('ZINTERSTORE', 'dst', 2, 'za', 'missing');
    assert.equal(t.reply, 0);
    assert.deepEqual(t.events, ['del:dst']);
    assert.equal(await c.call('EXISTS', 'dst'), 0);
    const t2 = await traced('ZUNIONSTORE', 'dst', 1, 'missing');
    assert.equal(t2.reply, 0);
    assert.deepEqual(t2.events, []);
    assert.equal(t2.dirty, 0);
  });

  test('sums of +inf and -inf are 0, not NaN (ZUNIONSTORE regression)', async () => {
    await create('za', 'listpack', 'inf', 'x');
    await create('zb', 'listpack', '-inf', 'x');
    assert.equal(await c.call('ZUNIONSTORE', 'dst', 2, 'za', 'zb'), 1);
    assert.equal(await c.call('ZSCORE', 'dst', 'x'), '0');
    assert.deepEqual(await c.call('ZUNION', 1, 'za', 'WEIGHTS', 0, 'WITHSCORES'), ['x', '0']);
  });

  test('numkeys, WEIGHTS and AGGREGATE errors', async () => {
    isErr(await c.call('ZUNIONSTORE', 'dst', 0, 'za'), "ERR at least 1 input key is needed for 'zunionstore' command");
    isErr(await c.call('ZINTER', 0, 'za'), "ERR at least 1 input key is needed for 'zinter' command");
    isErr(await c.call('ZUNION', 3, 'za'), 'ERR syntax error');
    isErr(await c.call('ZUNION', 'x', 'za'), 'ERR value is not an integer or out of range');
    isErr(await c.call('ZUNION', 1, 'za', 'WEIGHTS', 'x'), 'ERR weight value is not a float');
    isErr(await c.call('ZUNION', 2, 'za', 'zb', 'WEIGHTS', 1), 'ERR syntax error');
    isErr(await c.call('ZUNION', 1, 'za', 'AGGREGATE', 'AVG'), 'ERR syntax error');
    isErr(await c.call('ZUNIONSTORE', 'dst', 1, 'za', 'WITHSCORES'), 'ERR syntax error');
  });

  test('store results are skiplist when large or long, per Redis 7.0', async () => {
    limits.zsetMaxListpackEntries = 4;
    await c.call('DEL', 'big');
    await c.call('ZADD', 'big', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e');
    assert.equal(await c.call('ZUNIONSTORE', 'dst', 1, 'big'), 5);
    assert.equal(encoding('dst'), 'skiplist');
    await c.call('ZREM', 'big', 'e');
    assert.equal(encoding('big'), 'skiplist'); // never converts back by itself
    assert.equal(await c.call('ZUNIONSTORE', 'dst', 1, 'big'), 4);
    assert.equal(encoding('dst'), 'listpack');
    assert.equal(await c.call('ZRANGESTORE', 'dst', 'big', 0, -1), 4);
    assert.equal(encoding('dst'), 'listpack');
  });
});

describe('ZRANGESTORE', () => {
  test('stores ranges by rank, score and lex, and deletes dst on an empty range', async () => {
    await create('src', 'listpack', 1, 'a', 2, 'b', 3, 'c', 4, 'd');
    let t = await traced('ZRANGESTORE', 'dst', 'src', 0, 1);
    assert.equal(t.reply, 2);
    assert.deepEqual(t.events, ['zrangestore:dst']);
    assert.deepEqual(await c.call('ZRANGE', 'dst', 0, -1, 'WITHSCORES'), ['a', '1', 'b', '2']);
    assert.equal(await c.call('ZRANGESTORE', 'dst', 'src', 5, '(2', 'BYSCORE', 'REV', 'LIMIT', 0, 1), 1);
    assert.deepEqual(await c.call('ZRANGE', 'dst', 0, -1), ['d']);
    await create('lex', 'listpack', 0, 'a', 0, 'b', 0, 'c');
    assert.equal(await c.call('ZRANGESTORE', 'dst', 'lex', '[b', '+', 'BYLEX'), 2);
    t = await traced('ZRANGESTORE', 'dst', 'src', 5, 10);
    assert.equal(t.reply, 0);
    assert.deepEqual(t.events, ['del:dst']);
    assert.equal(await c.call('ZRANGESTORE', 'dst', 'missing', 0, -1), 0);
    isErr(await c.call('ZRANGESTORE', 'dst', 'src', 0, -1, 'WITHSCORES'), 'ERR syntax error');
  });

  test('zset-max-listpack-entries 0 and 1 give a skiplist destination', async () => {
    await create('src', 'listpack', 1, 'a', 2, 'b');
    limits.zsetMaxListpackEntries = 0;
    assert.equal(await c.call('ZRANGESTORE', 'dst', 'src', 0, -1), 2);
    assert.equal(encoding('dst'), 'skiplist');
    limits.zsetMaxListpackEntries = 1;
    assert.equal(await c.call('ZRANGESTORE', 'dst', 'src', 0, -1), 2);
    assert.equal(encoding('dst'), 'skiplist');
  });
});

describe('RESP3 shapes', () => {
  test('pairs are arrays of [member, double] where Redis 7.0 nests them', async () => {
    const c3 = await amber.client();
    await c3.call('HELLO', 3);
    await create('r3', 'listpack', 1, 'a', 2.5, 'b');
    assert.equal(await c3.callRaw('ZSCORE', 'r3', 'b'), ',2.5\r\n');
    assert.equal(await c3.callRaw('ZSCORE', 'r3', 'nope'), '_\r\n');
    assert.equal(await c3.callRaw('ZRANGE', 'r3', 0, -1, 'WITHSCORES'), '*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n');
    assert.equal(await c3.callRaw('ZUNION', 1, 'r3', 'WITHSCORES'), '*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n');
    assert.equal(await c3.callRaw('ZRANDMEMBER', 'r3', 5, 'WITHSCORES'), '*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n');
    // ZPOPMIN without a count stays flat; with a count it nests.
    assert.equal(await c3.callRaw('ZPOPMIN', 'r3'), '*2\r\n$1\r\na\r\n,1\r\n');
    assert.equal(await c3.callRaw('ZPOPMIN', 'r3', 1), '*1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n');
    assert.equal(await c3.callRaw('ZMPOP', 1, 'r3', 'MIN'), '_\r\n');
    await create('r3', 'listpack', 1, 'a');
    assert.equal(await c3.callRaw('ZMPOP', 1, 'r3', 'MIN'), '*2\r\n$2\r\nr3\r\n*1\r\n*2\r\n$1\r\na\r\n,1\r\n');
    assert.equal(await c3.callRaw('ZADD', 'r3', 'INCR', 1.1, 'x'), ',1.1000000000000001\r\n');
    c3.close();
  });

  test('RESP2 prints doubles as %.17g bulk strings', async () => {
    await create('d', 'listpack', 1.1, 'a', 1e20, 'b', '-inf', 'c', 0.1, 'e');
    assert.equal(await c.callRaw('ZSCORE', 'd', 'a'), '$18\r\n1.1000000000000001\r\n');
    assert.equal(await c.callRaw('ZSCORE', 'd', 'b'), '$5\r\n1e+20\r\n');
    assert.equal(await c.callRaw('ZSCORE', 'd', 'c'), '$4\r\n-inf\r\n');
    assert.equal(await c.callRaw('ZSCORE', 'd', 'e'), '$19\r\n0.10000000000000001\r\n');
    assert.equal(await c.callRaw('ZSCORE', 'd', 'nope'), '$-1\r\n');
  });
});

describe('encodings', () => {
  test('a new key is skiplist at once when its first member is too long or entries is 0', async () => {
    await c.call('DEL', 'e1', 'e2');
    await c.call('ZADD', 'e1', 1, 'y'.repeat(65));
    assert.equal(encoding('e1'), 'skiplist');
    limits.zsetMaxListpackEntries = 0;
    await c.call('ZADD', 'e2', 1, 'a');
    assert.equal(encoding('e2'), 'skiplist');
  });

  test('the 129th member converts a listpack set to skiplist', async () => {
    await c.call('DEL', 'e3');
    for (let i = 0; i < 128; i++) await c.call('ZADD', 'e3', i, 'm' + i);
    assert.equal(encoding('e3'), 'listpack');
    await c.call('ZADD', 'e3', 200, 'one-more');
    assert.equal(encoding('e3'), 'skiplist');
    assert.equal(await c.call('ZCARD', 'e3'), 129);
    assert.equal(await c.call('ZRANK', 'e3', 'one-more'), 128);
  });

  test('ZSCAN shows listpack scores as integers where Redis stores them so', async () => {
    await create('e4', 'listpack', 1e17, 'a');
    assert.deepEqual(await c.call('ZSCAN', 'e4', 0), ['0', ['a', '100000000000000000']]);
    await create('e5', 'skiplist', 1e17, 'a');
    assert.deepEqual(await c.call('ZSCAN', 'e5', 0), ['0', ['a', '1e+17']]);
  });
});

describe('propagation and events', () => {
  test('ZADD and ZINCRBY emit zadd/zincr, count changes as dirty and propagate as sent', async () => {
    await c.call('DEL', 'p');
    let t = await traced('ZADD', 'p', 1, 'a', 2, 'b');
    assert.deepEqual(t.events, ['zadd:p']);
    assert.equal(t.dirty, 2);
    assert.deepEqual(t.propagated, [['ZADD', 'p', '1', 'a', '2', 'b']]);
    t = await traced('ZADD', 'p', 1, 'a');
    assert.deepEqual(t.events, []);
    assert.equal(t.dirty, 0);
    assert.deepEqual(t.propagated, []);
    t = await traced('ZINCRBY', 'p', 1, 'a');
    assert.deepEqual(t.events, ['zincr:p']);
    t = await traced('ZADD', 'p', 'INCR', 1, 'a');
    assert.deepEqual(t.events, ['zincr:p']);
  });
});

describe('blocking pops', () => {
  const blocked = (n: number): Promise<void> => waitFor(() => amber.server.blocking.blockedCount === n, 5000, `${n} blocked clients`);

  test('BZPOPMIN pops at once from the first non-empty key and propagates ZPOPMIN', async () => {
    await c.call('DEL', 'b1', 'b2');
    await c.call('ZADD', 'b2', 1, 'a', 2, 'b');
    const t = await traced('BZPOPMIN', 'b1', 'b2', 0);
    assert.deepEqual(t.reply, ['b2', 'a', '1']);
    assert.deepEqual(t.propagated, [['ZPOPMIN', 'b2']]);
    assert.deepEqual(await c.call('BZPOPMAX', 'b2', 0), ['b2', 'b', '2']);
    assert.equal(await c.call('EXISTS', 'b2'), 0);
  });

  test('a blocked BZPOPMIN is served by a ZADD from another client, as ZPOPMIN', async () => {
    await c.call('DEL', 'b1', 'b2');
    const w = await amber.client();
    w.send('BZPOPMIN', 'b1', 'b2', 0);
    await blocked(1);
    propagated.length = 0;
    assert.equal(await c.call('ZADD', 'b2', 5, 'x', 6, 'y'), 2);
    assert.deepEqual(await w.read(), ['b2', 'x', '5']);
    assert.deepEqual(propagated, [
      ['ZADD', 'b2', '5', 'x', '6', 'y'],
      ['ZPOPMIN', 'b2'],
    ]);
    assert.deepEqual(await c.call('ZRANGE', 'b2', 0, -1), ['y']);
    w.close();
  });

  test('waiters on one key are served first come, first served', async () => {
    await c.call('DEL', 'b3');
    const w1 = await amber.client();
    const w2 = await amber.client();
    w1.send('BZPOPMAX', 'b3', 0);
    await blocked(1);
    w2.send('BZPOPMAX', 'b3', 0);
    await blocked(2);
    await c.call('ZADD', 'b3', 1, 'only');
    assert.deepEqual(await w1.read(), ['b3', 'only', '1']);
    await blocked(1);
    assert.equal(await c.call('EXISTS', 'b3'), 0);
    await c.call('ZADD', 'b3', 2, 'next');
    assert.deepEqual(await w2.read(), ['b3', 'next', '2']);
    await blocked(0);
    w1.close();
    w2.close();
  });

  test('BZMPOP waits, then pops up to COUNT and propagates ZPOPMIN key count', async () => {
    await c.call('DEL', 'b4', 'b5');
    const w = await amber.client();
    w.send('BZMPOP', 0, 2, 'b4', 'b5', 'MIN', 'COUNT', 2);
    await blocked(1);
    propagated.length = 0;
    await c.call('ZADD', 'b5', 1, 'a', 2, 'b', 3, 'c');
    assert.deepEqual(await w.read(), ['b5', [['a', '1'], ['b', '2']]]);
    assert.deepEqual(propagated[1], ['ZPOPMIN', 'b5', '2']);
    const t = await traced('BZMPOP', 0, 1, 'b5', 'MAX', 'COUNT', 5);
    assert.deepEqual(t.reply, ['b5', [['c', '3']]]);
    assert.deepEqual(t.propagated, [['ZPOPMAX', 'b5', '1']]);
    w.close();
  });

  test('a timeout answers a null array (RESP2 *-1, RESP3 _)', async () => {
    await c.call('DEL', 'b6');
    const start = Date.now();
    assert.equal(await c.callRaw('BZPOPMIN', 'b6', '0.05'), '*-1\r\n');
    assert.ok(Date.now() - start >= 40);
    assert.equal(await c.callRaw('BZMPOP', '0.01', 1, 'b6', 'MIN'), '*-1\r\n');
    const c3 = await amber.client();
    await c3.call('HELLO', 3);
    assert.equal(await c3.callRaw('BZPOPMAX', 'b6', '0.01'), '_\r\n');
    await c.call('ZADD', 'b6', 1, 'a');
    assert.equal(await c3.callRaw('BZPOPMAX', 'b6', 0), '*3\r\n$2\r\nb6\r\n$1\r\na\r\n,1\r\n');
    c3.close();
  });

  test('inside MULTI an empty wait answers null at once', async () => {
    await c.call('DEL', 'b7');
    await c.call('MULTI');
    await c.call('BZPOPMIN', 'b7', 0);
    await c.call('BZMPOP', 0, 1, 'b7', 'MIN');
    assert.deepEqual(await c.call('EXEC'), [null, null]);
  });

  test('a key created as another type keeps the client waiting', async () => {
    await c.call('DEL', 'b8');
    const w = await amber.client();
    w.send('BZPOPMIN', 'b8', 0);
    await blocked(1);
    await c.call('SET', 'b8', 'str');
    await c.call('PING');
    assert.equal(amber.server.blocking.blockedCount, 1);
    await c.call('DEL', 'b8');
    await c.call('ZADD', 'b8', 3, 'z');
    assert.deepEqual(await w.read(), ['b8', 'z', '3']);
    w.close();
  });

  test('keys made by ZUNIONSTORE and inside EXEC serve waiters', async () => {
    await c.call('DEL', 'b9', 'src');
    await c.call('ZADD', 'src', 1, 'u');
    const w = await amber.client();
    w.send('BZPOPMIN', 'b9', 0);
    await blocked(1);
    await c.call('ZUNIONSTORE', 'b9', 1, 'src');
    assert.deepEqual(await w.read(), ['b9', 'u', '1']);
    w.send('BZPOPMAX', 'b9', 0);
    await blocked(1);
    await c.call('MULTI');
    await c.call('ZADD', 'b9', 1, 'p');
    await c.call('ZADD', 'b9', 2, 'q');
    await c.call('EXEC');
    assert.deepEqual(await w.read(), ['b9', 'q', '2']);
    w.close();
  });

  test('argument errors: WRONGTYPE, timeouts and BZMPOP options', async () => {
    await c.call('SET', 'bs', 'v');
    isErr(await c.call('BZPOPMIN', 'bs', 0), 'WRONGTYPE Operation against a key holding the wrong kind of value');
    isErr(await c.call('BZPOPMIN', 'bx', -1), 'ERR timeout is negative');
    isErr(await c.call('BZPOPMIN', 'bx', 'abc'), 'ERR timeout is not a float or out of range');
    isErr(await c.call('BZMPOP', 'abc', 1, 'bx', 'MIN'), 'ERR timeout is not a float or out of range');
    isErr(await c.call('BZMPOP', 0, 0, 'bx', 'MIN'), 'ERR numkeys should be greater than 0');
    isErr(await c.call('BZMPOP', 0, 1, 'bx', 'LEFT'), 'ERR syntax error');
    isErr(await c.call('BZMPOP', 0, 1, 'bx', 'MIN', 'COUNT', 0), 'ERR count should be greater than 0');
  });

  test('a client that disconnects while blocked stops waiting', async () => {
    await c.call('DEL', 'b10');
    const w = await amber.client();
    w.send('BZPOPMIN', 'b10', 0);
    await blocked(1);
    w.close();
    await blocked(0);
    await c.call('ZADD', 'b10', 1, 'a');
    assert.equal(await c.call('ZCARD', 'b10'), 1);
  });
});
