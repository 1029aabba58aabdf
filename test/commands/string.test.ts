/**
 * String commands: replies, exact errors, TTL effects, propagation and keyspace events,
 * with cases taken from Redis's tests/unit/type/string.tcl and incr.tcl.
 *
 * The server runs on a fake clock, so expire times are exact. Other families' commands
 * (DEL, TTL, RPUSH) are not needed: setup and inspection go through the store.
 */

import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAmber, type TestAmber } from '../helpers/servers.js';
import { onKeyspaceEvent } from '../helpers/observe.js';
import { ErrorReply, type TestClient } from '../helpers/resp.js';
import { RList } from '../../src/types/list.js';
import type { Db } from '../../src/store/db.js';
import { stringEncodingOf } from '../../src/commands/string.js';

let amber: TestAmber;
let r: TestClient;
let now = 1_700_000_000_000;
const clock = { now: () => now };
let feed: [number, string[]][] = [];
let events: [string, string, string][] = [];

before(async () => {
  amber = await startAmber({ clock });
  r = await amber.client();
  amber.server.feeds.push((dbid, argv) => feed.push([dbid, argv]));
  onKeyspaceEvent(amber.server, (type, event, key) => events.push([type, event, key]));
});
after(async () => {
  await amber.stop();
});
beforeEach(() => {
  feed = [];
  events = [];
});

const db = (): Db => amber.server.store.db(0);
const del = (...keys: string[]): void => {
  for (const k of keys) db().delete(k);
};
const ttlOf = (key: string): number | undefined => db().getExpire(key);
const makeList = (key: string): void => {
  const l = new RList();
  l.pushTail('waffle');
  db().set(key, l);
};
const propagated = (): string[][] => feed.map(([, argv]) => argv);

async function error(...args: (string | number)[]): Promise<string> {
  const reply = await r.call(...args);
  assert.ok(reply instanceof ErrorReply, `expected an error from ${args.join(' ')}, got ${String(reply)}`);
  return reply.message;
}

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_INT = 'ERR value is not an integer or out of range';
const NOT_FLOAT = 'ERR value is not a valid float';

describe('GET and SET', () => {
  test('round-trips values, including empty, binary and large ones', async () => {
    assert.equal(await r.callRaw('SET', 'x', 'foobar'), '+OK\r\n');
    assert.equal(await r.callRaw('GET', 'x'), '$6\r\nfoobar\r\n');
    await r.call('SET', 'x', '');
    assert.equal(await r.callRaw('GET', 'x'), '$0\r\n\r\n');
    let all = '';
    for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
    await r.call('SET', 'bin', Buffer.from(all, 'latin1'));
    assert.equal(await r.call('GET', 'bin'), all);
    const big = 'abcd'.repeat(1_000_000);
    await r.call('SET', 'foo', big);
    assert.equal(await r.call('GET', 'foo'), big);
  });

  test('GET replies a null bulk for a missing key and WRONGTYPE for a list', async () => {
    del('missing');
    assert.equal(await r.callRaw('GET', 'missing'), '$-1\r\n');
    makeList('alist');
    assert.equal(await error('GET', 'alist'), WRONGTYPE);
  });

  test('SET overwrites a key of another type', async () => {
    makeList('over');
    await r.call('SET', 'over', 'v');
    assert.equal(await r.call('GET', 'over'), 'v');
  });

  test('counts keyspace hits and misses on reads', async () => {
    const stats = amber.server.store.stats;
    const hits = stats.keyspaceHits;
    const misses = stats.keyspaceMisses;
    await r.call('SET', 'hit', '1');
    del('miss');
    await r.call('GET', 'hit');
    await r.call('GET', 'miss');
    await r.call('MGET', 'hit', 'miss', 'hit');
    assert.equal(stats.keyspaceHits - hits, 3);
    assert.equal(stats.keyspaceMisses - misses, 2);
  });

  test('SET NX sets only a missing key', async () => {
    del('foo');
    assert.equal(await r.callRaw('SET', 'foo', '1', 'nx'), '+OK\r\n');
    assert.equal(await r.callRaw('SET', 'foo', '2', 'nx'), '$-1\r\n');
    assert.equal(await r.call('GET', 'foo'), '1');
  });

  test('SET XX sets only an existing key', async () => {
    del('foo');
    assert.equal(await r.callRaw('SET', 'foo', '1', 'xx'), '$-1\r\n');
    await r.call('SET', 'foo', 'bar');
    assert.equal(await r.callRaw('SET', 'foo', '2', 'xx'), '+OK\r\n');
    assert.equal(await r.call('GET', 'foo'), '2');
  });

  test('SET GET replies the old value, with and without NX/XX', async () => {
    del('foo');
    await r.call('SET', 'foo', 'bar');
    assert.equal(await r.call('SET', 'foo', 'bar2', 'GET'), 'bar');
    assert.equal(await r.call('GET', 'foo'), 'bar2');
    del('foo');
    assert.equal(await r.callRaw('SET', 'foo', 'bar', 'GET'), '$-1\r\n');
    assert.equal(await r.call('GET', 'foo'), 'bar');
    assert.equal(await r.call('SET', 'foo', 'baz', 'GET', 'XX'), 'bar');
    assert.equal(await r.call('GET', 'foo'), 'baz');
    del('foo');
    assert.equal(await r.call('SET', 'foo', 'bar', 'GET', 'XX'), null);
    assert.equal(await r.call('GET', 'foo'), null);
    assert.equal(await r.call('SET', 'foo', 'bar', 'GET', 'NX'), null);
    assert.equal(await r.call('GET', 'foo'), 'bar');
    assert.equal(await r.call('SET', 'foo', 'baz', 'GET', 'NX'), 'bar');
    assert.equal(await r.call('GET', 'foo'), 'bar');
  });

  test('SET GET on a list replies WRONGTYPE and leaves the list', async () => {
    makeList('foo');
    assert.equal(await error('SET', 'foo', 'bar', 'GET'), WRONGTYPE);
    assert.equal(db().get('foo') instanceof RList, true);
  });

  test('SET rejects unknown and conflicting options with a syntax error', async () => {
    const bad = [
      ['non-existing-option'],
      ['NX', 'XX'],
      ['XX', 'NX'],
      ['EX', '10', 'PX', '10'],
      ['PX', '10', 'EXAT', '10'],
      ['EXAT', '10', 'PXAT', '10'],
      ['KEEPTTL', 'EX', '10'],
      ['EX', '10', 'KEEPTTL'],
      ['EX'],
      ['PX'],
      ['EXAT'],
      ['PXAT'],
      ['PERSIST'],
      ['NX', 'EX'],
    ];
    for (const opts of bad) assert.equal(await error('SET', 'foo', 'bar', ...opts), 'ERR syntax error', opts.join(' '));
  });

  test('SET accepts repeated options; the last EX wins', async () => {
    assert.equal(await r.call('SET', 'rep', 'v', 'NX', 'NX', 'GET', 'GET'), null);
    assert.equal(await r.call('SET', 'rep', 'v', 'EX', '10', 'EX', '20'), 'OK');
    assert.equal(ttlOf('rep'), now + 20_000);
    assert.equal(await r.call('SET', 'rep', 'v', 'KEEPTTL', 'KEEPTTL'), 'OK');
    assert.equal(ttlOf('rep'), now + 20_000);
  });

  test('SET EX/PX/EXAT/PXAT set exact absolute expire times', async () => {
    await r.call('SET', 'e1', 'v', 'ex', '10');
    assert.equal(ttlOf('e1'), now + 10_000);
    await r.call('SET', 'e2', 'v', 'px', '10000');
    assert.equal(ttlOf('e2'), now + 10_000);
    await r.call('SET', 'e3', 'v', 'exat', String(Math.floor(now / 1000) + 10));
    assert.equal(ttlOf('e3'), Math.floor(now / 1000) * 1000 + 10_000);
    await r.call('SET', 'e4', 'v', 'pxat', String(now + 12_345));
    assert.equal(ttlOf('e4'), now + 12_345);
    await r.call('SET', 'e5', 'bar');
    assert.equal(await r.call('SET', 'e5', 'baz', 'xx', 'px', '10000'), 'OK');
    assert.equal(ttlOf('e5'), now + 10_000);
  });

  test('SET removes the TTL unless KEEPTTL', async () => {
    await r.call('SET', 'foo', 'bar', 'EX', '100');
    await r.call('SET', 'foo', 'bar');
    assert.equal(ttlOf('foo'), undefined);
    await r.call('SET', 'foo', 'bar', 'EX', '100');
    await r.call('SET', 'foo', 'bar2', 'KEEPTTL');
    assert.equal(ttlOf('foo'), now + 100_000);
    assert.equal(await r.call('GET', 'foo'), 'bar2');
  });

  test('SET replies "invalid expire time" for zero, negative and overflowing times', async () => {
    const cases = [
      ['EX', '0'],
      ['EX', '-1'],
      ['PX', '0'],
      ['EXAT', '0'],
      ['PXAT', '-5'],
      ['EX', '10000000000000000'],
      ['EX', '-9999999999999999'],
      ['PX', '9223372036854775807'], // now + ttl passes int64
      ['EXAT', '9223372036854776'],
    ];
    for (const opts of cases) {
      assert.equal(await error('SET', 'foo', 'bar', ...opts), "ERR invalid expire time in 'set' command", opts.join(' '));
    }
    assert.equal(await error('SET', 'foo', 'bar', 'EX', 'ten'), NOT_INT);
    assert.equal(await error('SET', 'foo', 'bar', 'EX', ''), NOT_INT);
    assert.equal(await r.call('SET', 'far', 'bar', 'PXAT', '9223372036854775807'), 'OK');
  });

  test('SET validates the expire time before the GET type check', async () => {
    makeList('order');
    assert.equal(await error('SET', 'order', 'v', 'GET', 'EX', '0'), "ERR invalid expire time in 'set' command");
  });

  test('a SET with an expire time already past leaves a key that is gone on the next read', async () => {
    assert.equal(await r.call('SET', 'past', 'v', 'PXAT', String(now - 1000)), 'OK');
    assert.deepEqual(propagated(), [['SET', 'past', 'v', 'PXAT', String(now - 1000)]]);
    assert.equal(await r.call('GET', 'past'), null);
    assert.deepEqual(propagated()[1], ['DEL', 'past']);
  });

  test('SET propagates relative and absolute expiries as SET key value PXAT <ms>', async () => {
    await r.call('set', 'p1', 'v', 'EX', '100');
    await r.call('set', 'p2', 'v', 'px', '100', 'NX');
    await r.call('SET', 'p2', 'w', 'xx', 'exat', '2000000000', 'GET');
    assert.deepEqual(propagated(), [
      ['SET', 'p1', 'v', 'PXAT', String(now + 100_000)],
      ['SET', 'p2', 'v', 'PXAT', String(now + 100)],
      ['SET', 'p2', 'w', 'PXAT', '2000000000000'],
    ]);
  });

  test('SET GET propagates without its GET tokens; plain SET as given', async () => {
    await r.call('set', 'g1', 'v', 'get', 'NX', 'GET');
    await r.call('SET', 'g1', 'get', 'KEEPTTL', 'XX');
    await r.call('SET', 'g1', 'w', 'gEt', 'xx');
    assert.deepEqual(propagated(), [
      ['set', 'g1', 'v', 'NX'],
      ['SET', 'g1', 'get', 'KEEPTTL', 'XX'],
      ['SET', 'g1', 'w', 'xx'],
    ]);
  });

  test('SET that does not set (NX/XX) propagates nothing and emits nothing', async () => {
    await r.call('SET', 'nx1', 'v');
    feed = [];
    events = [];
    await r.call('SET', 'nx1', 'w', 'NX');
    await r.call('SET', 'nx1', 'w', 'NX', 'GET');
    assert.deepEqual(feed, []);
    assert.deepEqual(events, []);
  });

  test('SET emits set, and expire when it sets a TTL', async () => {
    await r.call('SET', 'ev', 'v', 'EX', '5');
    await r.call('SET', 'ev', 'v');
    assert.deepEqual(events, [
      ['$', 'set', 'ev'],
      ['g', 'expire', 'ev'],
      ['$', 'set', 'ev'],
    ]);
  });

  test('SET on an expired key first expires it (DEL propagated, expired event)', async () => {
    await r.call('SET', 'stale', 'v', 'PX', '10');
    now += 20;
    feed = [];
    events = [];
    await r.call('SET', 'stale', 'w');
    assert.deepEqual(propagated(), [
      ['DEL', 'stale'],
      ['SET', 'stale', 'w'],
    ]);
    assert.deepEqual(events, [
      ['x', 'expired', 'stale'],
      ['$', 'set', 'stale'],
    ]);
  });

  test('SET and GET check arity', async () => {
    assert.equal(await error('SET', 'k'), "ERR wrong number of arguments for 'set' command");
    assert.equal(await error('GET'), "ERR wrong number of arguments for 'get' command");
    assert.equal(await error('GET', 'a', 'b'), "ERR wrong number of arguments for 'get' command");
  });
});

describe('SETNX, SETEX, PSETEX', () => {
  test('SETNX replies 1 when it sets and 0 when the key exists', async () => {
    del('novar');
    assert.equal(await r.call('SETNX', 'novar', 'foobared'), 1);
    assert.equal(await r.call('GET', 'novar'), 'foobared');
    assert.equal(await r.call('SETNX', 'novar', 'blabla'), 0);
    assert.equal(await r.call('GET', 'novar'), 'foobared');
  });

  test('SETNX against a volatile key: 0 while alive, 1 once expired', async () => {
    await r.call('SET', 'x', '10', 'EX', '10000');
    assert.equal(await r.call('SETNX', 'x', '20'), 0);
    assert.equal(await r.call('GET', 'x'), '10');
    await r.call('SET', 'x', '10', 'EX', '1');
    now += 2000;
    assert.equal(await r.call('SETNX', 'x', '20'), 1);
    assert.equal(await r.call('GET', 'x'), '20');
    assert.equal(ttlOf('x'), undefined);
  });

  test('SETEX and PSETEX set value and TTL, propagated as SET PXAT', async () => {
    assert.equal(await r.call('SETEX', 'se', '100', 'bar'), 'OK');
    assert.equal(ttlOf('se'), now + 100_000);
    assert.equal(await r.call('GET', 'se'), 'bar');
    assert.equal(await r.call('PSETEX', 'pse', '1500', 'baz'), 'OK');
    assert.equal(ttlOf('pse'), now + 1500);
    assert.deepEqual(propagated(), [
      ['SET', 'se', 'bar', 'PXAT', String(now + 100_000)],
      ['SET', 'pse', 'baz', 'PXAT', String(now + 1500)],
    ]);
  });

  test('SETEX and PSETEX reject bad times with their own command name', async () => {
    assert.equal(await error('SETEX', 'k', '0', 'v'), "ERR invalid expire time in 'setex' command");
    assert.equal(await error('SETEX', 'k', '-10', 'v'), "ERR invalid expire time in 'setex' command");
    assert.equal(await error('PSETEX', 'k', '0', 'v'), "ERR invalid expire time in 'psetex' command");
    assert.equal(await error('SETEX', 'k', 'x', 'v'), NOT_INT);
    assert.equal(await error('SETEX', 'k', '10'), "ERR wrong number of arguments for 'setex' command");
  });
});

describe('GETEX', () => {
  test('EX, PX, EXAT, PXAT set the TTL and reply the value', async () => {
    await r.call('SET', 'foo', 'bar');
    feed = [];
    events = [];
    assert.equal(await r.call('GETEX', 'foo', 'ex', '10'), 'bar');
    assert.equal(ttlOf('foo'), now + 10_000);
    await r.call('GETEX', 'foo', 'px', '10000');
    assert.equal(ttlOf('foo'), now + 10_000);
    await r.call('GETEX', 'foo', 'exat', String(Math.floor(now / 1000) + 10));
    assert.equal(ttlOf('foo'), Math.floor(now / 1000) * 1000 + 10_000);
    await r.call('GETEX', 'foo', 'pxat', String(now + 777));
    assert.equal(ttlOf('foo'), now + 777);
    assert.deepEqual(propagated(), [
      ['PEXPIREAT', 'foo', String(now + 10_000)],
      ['PEXPIREAT', 'foo', String(now + 10_000)],
      ['PEXPIREAT', 'foo', String(Math.floor(now / 1000) * 1000 + 10_000)],
      ['PEXPIREAT', 'foo', String(now + 777)],
    ]);
    assert.deepEqual(
      events.map((e) => e[1]),
      ['expire', 'expire', 'expire', 'expire'],
    );
  });

  test('PERSIST removes the TTL and propagates PERSIST only when there was one', async () => {
    await r.call('SET', 'foo', 'bar', 'EX', '100');
    feed = [];
    events = [];
    assert.equal(await r.call('GETEX', 'foo', 'persist'), 'bar');
    assert.equal(ttlOf('foo'), undefined);
    assert.equal(await r.call('GETEX', 'foo', 'PERSIST'), 'bar');
    assert.deepEqual(propagated(), [['PERSIST', 'foo']]);
    assert.deepEqual(events, [['g', 'persist', 'foo']]);
  });

  test('without options it reads like GET and propagates nothing', async () => {
    await r.call('SET', 'foo', 'bar', 'EX', '100');
    feed = [];
    assert.equal(await r.call('GETEX', 'foo'), 'bar');
    assert.equal(ttlOf('foo'), now + 100_000);
    assert.deepEqual(feed, []);
  });

  test('an EXAT/PXAT already past deletes the key and propagates DEL', async () => {
    await r.call('SET', 'foo', 'bar');
    feed = [];
    events = [];
    assert.equal(await r.call('GETEX', 'foo', 'exat', String(Math.floor(now / 1000) - 100)), 'bar');
    assert.equal(db().get('foo'), undefined);
    assert.deepEqual(propagated(), [['DEL', 'foo']]);
    assert.deepEqual(events, [['g', 'del', 'foo']]);
    await r.call('SET', 'foo', 'bar');
    assert.equal(await r.call('GETEX', 'foo', 'pxat', String(now)), 'bar');
    assert.equal(db().get('foo'), undefined);
  });

  test('rejects SET-only and conflicting options as syntax errors', async () => {
    await r.call('SET', 'foo', 'bar');
    for (const opts of [['non-existent-option'], ['NX'], ['XX'], ['GET'], ['KEEPTTL'], ['PERSIST', 'EX', '1'], ['EX', '1', 'PERSIST'], ['EX', '1', 'PX', '1'], ['EX']]) {
      assert.equal(await error('GETEX', 'foo', ...opts), 'ERR syntax error', opts.join(' '));
    }
    assert.equal(await error('GETEX'), "ERR wrong number of arguments for 'getex' command");
  });

  test('checks the time only when the key exists, after the type check', async () => {
    del('nokey');
    assert.equal(await r.callRaw('GETEX', 'nokey', 'EX', '-1'), '$-1\r\n');
    assert.equal(await r.callRaw('GETEX', 'nokey', 'EX', 'abc'), '$-1\r\n');
    await r.call('SET', 'foo', 'bar');
    assert.equal(await error('GETEX', 'foo', 'EX', '10000000000000000'), "ERR invalid expire time in 'getex' command");
    assert.equal(await error('GETEX', 'foo', 'EX', '-9999999999999999'), "ERR invalid expire time in 'getex' command");
    assert.equal(await error('GETEX', 'foo', 'PX', 'abc'), NOT_INT);
    makeList('alist');
    assert.equal(await error('GETEX', 'alist', 'EX', '-1'), WRONGTYPE);
  });
});

describe('GETDEL and GETSET', () => {
  test('GETDEL returns the value and deletes the key; DEL propagated, del event', async () => {
    await r.call('SET', 'foo', 'bar');
    feed = [];
    events = [];
    assert.equal(await r.call('GETDEL', 'foo'), 'bar');
    assert.equal(await r.call('GETDEL', 'foo'), null);
    assert.deepEqual(propagated(), [['DEL', 'foo']]);
    assert.deepEqual(events, [['g', 'del', 'foo']]);
    makeList('alist');
    assert.equal(await error('GETDEL', 'alist'), WRONGTYPE);
  });

  test('GETSET sets the new value, replies the old one, clears the TTL, propagates SET', async () => {
    del('foo');
    assert.equal(await r.call('GETSET', 'foo', 'xyz'), null);
    assert.equal(await r.call('GET', 'foo'), 'xyz');
    await r.call('SET', 'foo', 'bar', 'EX', '100');
    feed = [];
    assert.equal(await r.call('getset', 'foo', 'xyz'), 'bar');
    assert.equal(await r.call('GET', 'foo'), 'xyz');
    assert.equal(ttlOf('foo'), undefined);
    assert.deepEqual(propagated(), [['SET', 'foo', 'xyz']]);
    makeList('alist');
    assert.equal(await error('GETSET', 'alist', 'v'), WRONGTYPE);
  });
});

describe('MGET, MSET, MSETNX', () => {
  test('MGET replies nulls for missing and non-string keys', async () => {
    await r.call('SET', 'foo{t}', 'BAR');
    await r.call('SET', 'bar{t}', 'FOO');
    del('baazz{t}');
    makeList('myset{t}');
    assert.deepEqual(await r.call('MGET', 'foo{t}', 'baazz{t}', 'bar{t}', 'myset{t}'), ['BAR', null, 'FOO', null]);
  });

  test('MSET sets every pair; events and propagation as given', async () => {
    assert.equal(await r.call('MSET', 'x{t}', '10', 'y{t}', 'foo bar', 'z{t}', 'x x x x x x x\n\n\r\n'), 'OK');
    assert.deepEqual(await r.call('MGET', 'x{t}', 'y{t}', 'z{t}'), ['10', 'foo bar', 'x x x x x x x\n\n\r\n']);
    assert.deepEqual(events, [
      ['$', 'set', 'x{t}'],
      ['$', 'set', 'y{t}'],
      ['$', 'set', 'z{t}'],
    ]);
    assert.deepEqual(propagated(), [['MSET', 'x{t}', '10', 'y{t}', 'foo bar', 'z{t}', 'x x x x x x x\n\n\r\n']]);
  });

  test('MSET and MSETNX with an odd number of arguments reply a wrong-arity error', async () => {
    assert.equal(await error('MSET', 'x{t}', '10', 'y{t}', 'foo bar', 'z{t}'), "ERR wrong number of arguments for 'mset' command");
    assert.equal(await error('MSETNX', 'x{t}', '20', 'y{t}', 'foo bar', 'z{t}'), "ERR wrong number of arguments for 'msetnx' command");
  });

  test('MSETNX sets nothing when one key exists, everything otherwise', async () => {
    del('x1{t}', 'y2{t}');
    await r.call('SET', 'x{t}', '10');
    assert.equal(await r.call('MSETNX', 'x1{t}', 'xxx', 'y2{t}', 'yyy', 'x{t}', '20'), 0);
    assert.equal(db().get('x1{t}'), undefined);
    assert.equal(db().get('y2{t}'), undefined);
    assert.equal(await r.call('MSETNX', 'x1{t}', 'xxx', 'y2{t}', 'yyy'), 1);
    assert.deepEqual(await r.call('MGET', 'x1{t}', 'y2{t}'), ['xxx', 'yyy']);
  });

  test('MSETNX with the same key twice sets the last value, or nothing when it exists', async () => {
    del('x1{t}');
    assert.equal(await r.call('MSETNX', 'x1{t}', 'xxx', 'x1{t}', 'yyy'), 1);
    assert.equal(await r.call('GET', 'x1{t}'), 'yyy');
    assert.equal(await r.call('MSETNX', 'x1{t}', 'xxx', 'x1{t}', 'zzz'), 0);
    assert.equal(await r.call('GET', 'x1{t}'), 'yyy');
  });
});

describe('APPEND, STRLEN', () => {
  test('APPEND creates, extends and keeps the TTL', async () => {
    del('ap');
    assert.equal(await r.call('APPEND', 'ap', 'foo'), 3);
    assert.equal(await r.call('APPEND', 'ap', 'bar'), 6);
    assert.equal(await r.call('GET', 'ap'), 'foobar');
    await r.call('SET', 'ap', '1', 'EX', '50');
    assert.equal(await r.call('APPEND', 'ap', '23'), 3);
    assert.equal(await r.call('GET', 'ap'), '123');
    assert.equal(ttlOf('ap'), now + 50_000);
    assert.deepEqual(
      events.filter((e) => e[1] === 'append'),
      [
        ['$', 'append', 'ap'],
        ['$', 'append', 'ap'],
        ['$', 'append', 'ap'],
      ],
    );
    makeList('alist');
    assert.equal(await error('APPEND', 'alist', 'x'), WRONGTYPE);
  });

  test('STRLEN counts bytes; 0 for a missing key', async () => {
    del('notakey');
    assert.equal(await r.call('STRLEN', 'notakey'), 0);
    await r.call('SET', 'myinteger', '-555');
    assert.equal(await r.call('STRLEN', 'myinteger'), 4);
    await r.call('SET', 'mystring', 'foozzz0123456789 baz');
    assert.equal(await r.call('STRLEN', 'mystring'), 20);
    await r.call('SET', 'bytes', Buffer.from([0xff, 0x00, 0xe9]));
    assert.equal(await r.call('STRLEN', 'bytes'), 3);
    makeList('alist');
    assert.equal(await error('STRLEN', 'alist'), WRONGTYPE);
  });
});

describe('GETRANGE, SUBSTR, SETRANGE', () => {
  test('GETRANGE against a missing key replies an empty string', async () => {
    del('mykey');
    assert.equal(await r.callRaw('GETRANGE', 'mykey', '0', '-1'), '$0\r\n\r\n');
  });

  test('GETRANGE against a string value', async () => {
    await r.call('SET', 'mykey', 'Hello World');
    assert.equal(await r.call('GETRANGE', 'mykey', '0', '3'), 'Hell');
    assert.equal(await r.call('GETRANGE', 'mykey', '0', '-1'), 'Hello World');
    assert.equal(await r.call('GETRANGE', 'mykey', '-4', '-1'), 'orld');
    assert.equal(await r.call('GETRANGE', 'mykey', '5', '3'), '');
    assert.equal(await r.call('GETRANGE', 'mykey', '5', '5000'), ' World');
    assert.equal(await r.call('GETRANGE', 'mykey', '-5000', '10000'), 'Hello World');
    assert.equal(await r.call('GETRANGE', 'mykey', '-1', '-5'), '');
    assert.equal(await r.call('SUBSTR', 'mykey', '0', '4'), 'Hello');
  });

  test('GETRANGE against an integer value and with huge ranges', async () => {
    await r.call('SET', 'mykey', '1234');
    assert.equal(await r.call('GETRANGE', 'mykey', '0', '2'), '123');
    assert.equal(await r.call('GETRANGE', 'mykey', '-3', '-1'), '234');
    assert.equal(await r.call('GETRANGE', 'mykey', '3', '5000'), '4');
    await r.call('SET', 'foo', 'bar');
    assert.equal(await r.call('GETRANGE', 'foo', '0', '4294967297'), 'bar');
    assert.equal(await r.call('GETRANGE', 'foo', '-9223372036854775807', '-9223372036854775808'), '');
    assert.equal(await r.call('GETRANGE', 'foo', '-9223372036854775808', '9223372036854775807'), 'bar');
  });

  test('GETRANGE parses both indexes before looking at the key', async () => {
    makeList('alist');
    assert.equal(await error('GETRANGE', 'alist', 'a', '1'), NOT_INT);
    assert.equal(await error('GETRANGE', 'alist', '0', '1'), WRONGTYPE);
    assert.equal(await error('GETRANGE', 'alist', '0', '9223372036854775808'), NOT_INT);
  });

  test('GETRANGE matches a reference on random binary strings', async () => {
    let seed = 42;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 200; i++) {
      let s = '';
      const len = rnd(64);
      for (let j = 0; j < len; j++) s += String.fromCharCode(rnd(256));
      await r.call('SET', 'bin', Buffer.from(s, 'latin1'));
      const start = rnd(100) - 50;
      const end = rnd(100) - 50;
      // The reference: negative indexes from the end, clamped, inclusive.
      let a = start < 0 ? len + start : start;
      let b = end < 0 ? len + end : end;
      let want = '';
      if (!(start < 0 && end < 0 && start > end)) {
        a = Math.max(a, 0);
        b = Math.min(Math.max(b, 0), len - 1);
        if (a <= b && len > 0) want = s.slice(a, b + 1);
      }
      assert.equal(await r.call('GETRANGE', 'bin', start, end), want, `${JSON.stringify(s)} ${start} ${end}`);
    }
  });

  test('SETRANGE against a missing key pads with zero bytes; empty value creates nothing', async () => {
    del('mykey');
    assert.equal(await r.call('SETRANGE', 'mykey', '0', 'foo'), 3);
    assert.equal(await r.call('GET', 'mykey'), 'foo');
    del('mykey');
    feed = [];
    assert.equal(await r.call('SETRANGE', 'mykey', '0', ''), 0);
    assert.equal(db().get('mykey'), undefined);
    assert.deepEqual(feed, []);
    assert.equal(await r.call('SETRANGE', 'mykey', '1', 'foo'), 4);
    assert.equal(await r.call('GET', 'mykey'), '\0foo');
  });

  test('SETRANGE against string and integer values', async () => {
    const cases: [string, string, string, number, string][] = [
      ['foo', '0', 'b', 3, 'boo'],
      ['foo', '0', '', 3, 'foo'],
      ['foo', '1', 'b', 3, 'fbo'],
      ['foo', '4', 'bar', 7, 'foo\0bar'],
      ['1234', '0', '2', 4, '2234'],
      ['1234', '0', '', 4, '1234'],
      ['1234', '1', '3', 4, '1334'],
      ['1234', '5', '2', 6, '1234\u00002'],
    ];
    for (const [init, offset, value, len, after] of cases) {
      await r.call('SET', 'mykey', init);
      assert.equal(await r.call('SETRANGE', 'mykey', offset, value), len);
      assert.equal(await r.call('GET', 'mykey'), after);
    }
  });

  test('SETRANGE keeps the TTL and emits setrange', async () => {
    await r.call('SET', 'sr', 'hello', 'EX', '30');
    events = [];
    await r.call('SETRANGE', 'sr', '0', 'J');
    assert.equal(ttlOf('sr'), now + 30_000);
    assert.deepEqual(events, [['$', 'setrange', 'sr']]);
  });

  test('SETRANGE errors: wrong type, negative offset, maximum size', async () => {
    makeList('alist');
    assert.equal(await error('SETRANGE', 'alist', '0', 'bar'), WRONGTYPE);
    del('mykey');
    const tooBig = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';
    assert.equal(await error('SETRANGE', 'mykey', String(512 * 1024 * 1024 - 4), 'world'), tooBig);
    await r.call('SET', 'mykey', 'hello');
    assert.equal(await error('SETRANGE', 'mykey', '-1', 'world'), 'ERR offset is out of range');
    assert.equal(await error('SETRANGE', 'mykey', String(512 * 1024 * 1024 - 4), 'world'), tooBig);
    assert.equal(await error('SETRANGE', 'K', '9223372036854775807', 'A'), tooBig);
    assert.equal(await error('SETRANGE', 'K', '2147483647', 'A'), tooBig);
    assert.equal(await error('SETRANGE', 'K', 'x', 'A'), NOT_INT);
  });
});

describe('a smaller proto-max-bulk-len', () => {
  let small: TestAmber;
  let s: TestClient;
  before(async () => {
    small = await startAmber({ 'proto-max-bulk-len': 1024 * 1024 });
    s = await small.client();
  });
  after(async () => {
    await small.stop();
  });

  test('limits APPEND and SETRANGE, checked before anything changes', async () => {
    const half = 'x'.repeat(512 * 1024);
    await s.call('SET', 'a', half);
    assert.equal(await s.call('APPEND', 'a', half), 1024 * 1024);
    const e = await s.call('APPEND', 'a', 'y');
    assert.ok(e instanceof ErrorReply);
    assert.equal(e.message, 'ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    assert.equal(await s.call('STRLEN', 'a'), 1024 * 1024);
    const e2 = await s.call('SETRANGE', 'b', String(1024 * 1024), 'y');
    assert.ok(e2 instanceof ErrorReply);
    assert.equal(await s.call('SETRANGE', 'b', String(1024 * 1024 - 1), 'y'), 1024 * 1024);
  });
});

describe('INCR, DECR, INCRBY, DECRBY', () => {
  test('INCR against a missing key, then its own result, then a SET value', async () => {
    del('novar');
    assert.equal(await r.call('INCR', 'novar'), 1);
    assert.equal(await r.call('GET', 'novar'), '1');
    assert.equal(await r.call('INCR', 'novar'), 2);
    await r.call('SET', 'novar', '100');
    assert.equal(await r.call('INCR', 'novar'), 101);
  });

  test('works past 32 and 53 bits exactly', async () => {
    await r.call('SET', 'novar', '17179869184');
    assert.equal(await r.call('INCR', 'novar'), 17179869185);
    await r.call('SET', 'novar', '17179869184');
    assert.equal(await r.call('INCRBY', 'novar', '17179869184'), 34359738368);
    await r.call('SET', 'novar', '17179869184');
    assert.equal(await r.call('DECRBY', 'novar', '17179869185'), -1);
    await r.call('SET', 'big', '9007199254740991');
    assert.equal(await r.callRaw('INCR', 'big'), ':9007199254740992\r\n');
    assert.equal(await r.callRaw('INCR', 'big'), ':9007199254740993\r\n');
    assert.equal(await r.call('GET', 'big'), '9007199254740993');
    assert.equal(await r.callRaw('INCRBY', 'big', '-18014398509481986'), ':-9007199254740993\r\n');
    assert.equal(await r.callRaw('DECR', 'big'), ':-9007199254740994\r\n');
  });

  test('replies the overflow error at the int64 limits', async () => {
    const overflow = 'ERR increment or decrement would overflow';
    await r.call('SET', 'n', '9223372036854775807');
    assert.equal(await error('INCR', 'n'), overflow);
    assert.equal(await r.call('GET', 'n'), '9223372036854775807');
    await r.call('SET', 'n', '-9223372036854775808');
    assert.equal(await error('DECR', 'n'), overflow);
    assert.equal(await r.callRaw('INCRBY', 'n', '9223372036854775807'), ':-1\r\n');
    await r.call('SET', 'n', '1');
    assert.equal(await error('INCRBY', 'n', '9223372036854775807'), overflow);
    await r.call('SET', 'n', '-2');
    assert.equal(await error('DECRBY', 'n', '9223372036854775807'), overflow);
  });

  test('DECRBY refuses to negate -2^63', async () => {
    await r.call('SET', 'x', '0');
    assert.equal(await error('DECRBY', 'x', '-9223372036854775808'), 'ERR decrement would overflow');
  });

  test('fails against values with spaces, leading zeros, plus signs, or too big', async () => {
    for (const v of ['    11', '11    ', '    11    ', '011', '+1', '1.0', '', '9223372036854775808', 'abc', '1\x002']) {
      await r.call('SET', 'novar', v);
      assert.equal(await error('INCR', 'novar'), NOT_INT, JSON.stringify(v));
    }
  });

  test('checks the increment before the key type; WRONGTYPE for a list', async () => {
    makeList('mylist');
    assert.equal(await error('INCR', 'mylist'), WRONGTYPE);
    assert.equal(await error('INCRBY', 'mylist', 'x'), NOT_INT);
    assert.equal(await error('DECRBY', 'mylist', '1'), WRONGTYPE);
    assert.equal(await error('INCRBY', 'novar2', '1 '), NOT_INT);
  });

  test('keeps the TTL, emits incrby, propagates as given', async () => {
    await r.call('SET', 'cnt', '5', 'EX', '40');
    feed = [];
    events = [];
    await r.call('INCR', 'cnt');
    await r.call('DECRBY', 'cnt', '3');
    assert.equal(ttlOf('cnt'), now + 40_000);
    assert.deepEqual(events, [
      ['$', 'incrby', 'cnt'],
      ['$', 'incrby', 'cnt'],
    ]);
    assert.deepEqual(propagated(), [
      ['INCR', 'cnt'],
      ['DECRBY', 'cnt', '3'],
    ]);
  });
});

describe('INCRBYFLOAT', () => {
  test('against a missing key and a SET value', async () => {
    del('novar');
    assert.equal(await r.call('INCRBYFLOAT', 'novar', '1'), '1');
    assert.equal(await r.call('GET', 'novar'), '1');
    assert.equal(await r.call('INCRBYFLOAT', 'novar', '0.25'), '1.25');
    assert.equal(await r.call('GET', 'novar'), '1.25');
    await r.call('SET', 'novar', '1.5');
    assert.equal(await r.call('INCRBYFLOAT', 'novar', '1.5'), '3');
    await r.call('SET', 'novar', '17179869184');
    assert.equal(await r.call('INCRBYFLOAT', 'novar', '1.5'), '17179869185.5');
    await r.call('SET', 'novar', '17179869184');
    assert.equal(await r.call('INCRBYFLOAT', 'novar', '17179869184'), '34359738368');
    await r.call('SET', 'foo', '1');
    assert.equal(await r.call('INCRBYFLOAT', 'foo', '-1.1'), '-0.1');
  });

  test('prints what Redis prints for sums a double gets wrong', async () => {
    await r.call('SET', 'f', '10.5');
    assert.equal(await r.callRaw('INCRBYFLOAT', 'f', '0.1'), '$4\r\n10.6\r\n');
    await r.call('SET', 'f', '0.1');
    assert.equal(await r.callRaw('INCRBYFLOAT', 'f', '0.2'), '$3\r\n0.3\r\n');
    await r.call('SET', 'f', '1');
    assert.equal(await r.call('INCRBYFLOAT', 'f', '0.000003814697265625'), '1.00000381469726562');
    await r.call('SET', 'f', '0');
    assert.equal(await r.call('INCRBYFLOAT', 'f', '1e30'), '1000000000000000000024696061952');
    assert.equal(await r.call('INCRBYFLOAT', 'f', '8'), '1000000000000000000024696061952'); // below one ulp
    await r.call('SET', 'f', '0');
    assert.equal(await r.call('INCRBYFLOAT', 'f', '0x1p3'), '8');
  });

  test('fails against values with spaces or an embedded NUL', async () => {
    for (const v of ['    11', '11    ', ' 11 ']) {
      await r.call('SET', 'novar', v);
      assert.equal(await error('INCRBYFLOAT', 'novar', '1.0'), NOT_FLOAT);
    }
    await r.call('SET', 'foo', '1');
    await r.call('SETRANGE', 'foo', '2', '2');
    assert.equal(await error('INCRBYFLOAT', 'foo', '1'), NOT_FLOAT);
    await r.call('SET', 'foo', '1');
    assert.equal(await error('INCRBYFLOAT', 'foo', 'abc'), NOT_FLOAT);
    assert.equal(await error('INCRBYFLOAT', 'foo', 'nan'), NOT_FLOAT);
    assert.equal(await error('INCRBYFLOAT', 'foo', '1e5000'), NOT_FLOAT);
  });

  test('does not allow NaN or Infinity', async () => {
    await r.call('SET', 'foo', '0');
    assert.equal(await error('INCRBYFLOAT', 'foo', '+inf'), 'ERR increment would produce NaN or Infinity');
    await r.call('SET', 'foo', 'inf');
    assert.equal(await error('INCRBYFLOAT', 'foo', '-inf'), 'ERR increment would produce NaN or Infinity');
    assert.equal(await r.call('GET', 'foo'), 'inf');
  });

  test('fails against a list', async () => {
    makeList('mylist');
    assert.equal(await error('INCRBYFLOAT', 'mylist', '1.0'), WRONGTYPE);
  });

  test('never leaves negative zero', async () => {
    del('foo');
    await r.call('INCRBYFLOAT', 'foo', String(1 / 41));
    await r.call('INCRBYFLOAT', 'foo', String(-1 / 41));
    assert.equal(await r.call('GET', 'foo'), '0');
  });

  test('propagates SET key result KEEPTTL, keeps the TTL, emits incrbyfloat', async () => {
    await r.call('SET', 'fl', '1', 'EX', '60');
    feed = [];
    events = [];
    await r.call('INCRBYFLOAT', 'fl', '0.5');
    assert.equal(ttlOf('fl'), now + 60_000);
    assert.deepEqual(propagated(), [['SET', 'fl', '1.5', 'KEEPTTL']]);
    assert.deepEqual(events, [['$', 'incrbyfloat', 'fl']]);
  });
});

describe('LCS', () => {
  const rna1 =
    'CACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTTCGTCCGGGTGTG';
  const rna2 =
    'ATTAAAGGTTTATACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTT';
  const rnalcs =
    'ACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTT';

  before(async () => {
    await r.call('SET', 'virus1{t}', rna1);
    await r.call('SET', 'virus2{t}', rna2);
  });

  test('replies the subsequence, or its length with LEN', async () => {
    assert.equal(await r.call('LCS', 'virus1{t}', 'virus2{t}'), rnalcs);
    assert.equal(await r.call('LCS', 'virus1{t}', 'virus2{t}', 'LEN'), rnalcs.length);
  });

  test('IDX lists the matching ranges from the end, with lengths and a minimum', async () => {
    const idx = (await r.call('LCS', 'virus1{t}', 'virus2{t}', 'IDX')) as unknown[];
    assert.equal(idx[0], 'matches');
    assert.deepEqual(idx[1], [
      [[238, 238], [239, 239]],
      [[236, 236], [238, 238]],
      [[229, 230], [236, 237]],
      [[224, 224], [235, 235]],
      [[1, 222], [13, 234]],
    ]);
    assert.deepEqual(idx.slice(2), ['len', rnalcs.length]);
    const withLen = (await r.call('LCS', 'virus1{t}', 'virus2{t}', 'IDX', 'WITHMATCHLEN')) as unknown[];
    assert.deepEqual(withLen[1], [
      [[238, 238], [239, 239], 1],
      [[236, 236], [238, 238], 1],
      [[229, 230], [236, 237], 2],
      [[224, 224], [235, 235], 1],
      [[1, 222], [13, 234], 222],
    ]);
    const min = (await r.call('LCS', 'virus1{t}', 'virus2{t}', 'IDX', 'WITHMATCHLEN', 'MINMATCHLEN', '5')) as unknown[];
    assert.deepEqual(min[1], [[[1, 222], [13, 234], 222]]);
    const neg = (await r.call('LCS', 'virus1{t}', 'virus2{t}', 'IDX', 'MINMATCHLEN', '-5')) as unknown[];
    assert.equal((neg[1] as unknown[]).length, 5);
  });

  test('IDX with no match replies an empty list and len 0', async () => {
    await r.call('SET', 'l1{t}', 'abc');
    await r.call('SET', 'l2{t}', 'xyz');
    assert.equal(await r.callRaw('LCS', 'l1{t}', 'l2{t}', 'IDX'), '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n');
  });

  test('treats missing keys as empty strings', async () => {
    del('nokey1{t}', 'nokey2{t}');
    assert.equal(await r.callRaw('LCS', 'nokey1{t}', 'virus1{t}'), '$0\r\n\r\n');
    assert.equal(await r.call('LCS', 'nokey1{t}', 'nokey2{t}', 'LEN'), 0);
  });

  test('errors: non-string keys, LEN with IDX, bad options', async () => {
    makeList('alist{t}');
    assert.equal(await error('LCS', 'alist{t}', 'virus1{t}'), 'ERR The specified keys must contain string values');
    assert.equal(await error('LCS', 'virus1{t}', 'alist{t}', 'LEN', 'IDX'), 'ERR The specified keys must contain string values');
    assert.equal(await error('LCS', 'virus1{t}', 'virus2{t}', 'LEN', 'IDX'), 'ERR If you want both the length and indexes, please just use IDX.');
    assert.equal(await error('LCS', 'virus1{t}', 'virus2{t}', 'MINMATCHLEN'), 'ERR syntax error');
    assert.equal(await error('LCS', 'virus1{t}', 'virus2{t}', 'MINMATCHLEN', 'x'), NOT_INT);
    assert.equal(await error('LCS', 'virus1{t}', 'virus2{t}', 'FOO'), 'ERR syntax error');
    assert.equal(await error('LCS', 'virus1{t}'), "ERR wrong number of arguments for 'lcs' command");
  });
});

describe('the encoding of strings changed in place', () => {
  const enc = (key: string): string => stringEncodingOf(db(), key, db().get(key) as string);

  test('SETRANGE and APPEND leave a raw string until the value is replaced', async () => {
    await r.call('SET', 'mykey', '1234');
    assert.equal(enc('mykey'), 'int');
    await r.call('SETRANGE', 'mykey', '0', '');
    assert.equal(enc('mykey'), 'int'); // nothing set: unchanged
    await r.call('SETRANGE', 'mykey', '0', '2');
    assert.equal(enc('mykey'), 'raw');
    await r.call('GETEX', 'mykey', 'EX', '100');
    assert.equal(enc('mykey'), 'raw'); // a TTL change keeps the object
    await r.call('SET', 'mykey', '2234');
    assert.equal(enc('mykey'), 'int');
    await r.call('APPEND', 'mykey', '5');
    assert.equal(enc('mykey'), 'raw');
    await r.call('INCR', 'mykey');
    assert.equal(enc('mykey'), 'int');
    del('fresh');
    await r.call('APPEND', 'fresh', '12');
    assert.equal(enc('fresh'), 'int'); // a new key takes the argument's encoding
    await r.call('SETRANGE', 'fresh2', '0', 'ab');
    assert.equal(enc('fresh2'), 'raw');
    await r.call('SET', 'fresh2', 'ab');
    assert.equal(enc('fresh2'), 'embstr');
  });

  test('a deleted or flushed key forgets it was raw', async () => {
    await r.call('SET', 'gone', 'a');
    await r.call('APPEND', 'gone', 'b');
    assert.equal(enc('gone'), 'raw');
    await r.call('GETDEL', 'gone');
    db().set('gone', 'ab'); // same text, new value
    assert.equal(enc('gone'), 'embstr');
    await r.call('APPEND', 'gone', 'c');
    assert.equal(enc('gone'), 'raw');
    db().flush();
    db().set('gone', 'abc');
    assert.equal(enc('gone'), 'embstr');
  });
});
