/**
 * The hash commands against an embedded Amber: replies, errors, encodings, keyspace events,
 * dirty counts and propagated effects, with edge cases from Redis's tests/unit/type/hash.tcl,
 * each run on a small (listpack) and a big (hashtable) hash.
 */

import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAmber, type TestAmber } from '../helpers/servers.js';
import { onKeyspaceEvent } from '../helpers/observe.js';
import { ErrorReply, type TestClient } from '../helpers/resp.js';
import { limits } from '../../src/types/limits.js';

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

const DEFAULT_ENTRIES = limits.hashMaxListpackEntries;
const DEFAULT_VALUE = limits.hashMaxListpackValue;
afterEach(() => {
  limits.hashMaxListpackEntries = DEFAULT_ENTRIES;
  limits.hashMaxListpackValue = DEFAULT_VALUE;
});

async function traced(...args: string[]): Promise<{ reply: unknown; events: string[]; propagated: string[][]; dirty: number }> {
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

function exists(key: string): boolean {
  return amber.server.store.db(0).dict.get(key) !== undefined;
}

function del(...keys: string[]): void {
  for (const k of keys) amber.server.store.db(0).delete(k);
}

async function useProtocol(proto: 2 | 3): Promise<void> {
  const reply = await c.call('HELLO', String(proto));
  if (reply instanceof ErrorReply) {
    for (const client of amber.server.clients.values()) if (client.socket?.remotePort === c.socket.localPort) client.reply.proto = proto;
  }
}

function errorText(v: unknown): string {
  assert.ok(v instanceof ErrorReply, `expected an error, got ${JSON.stringify(v)}`);
  return v.message;
}

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

/** Builds smallhash (8 fields, listpack) and bighash (1024 fields, hashtable). */
async function makeHashes(): Promise<{ small: Map<string, string>; big: Map<string, string> }> {
  del('smallhash', 'bighash');
  const small = new Map<string, string>();
  const big = new Map<string, string>();
  for (let i = 0; i < 8; i++) small.set('__avoid__s' + i, 'val' + i);
  for (let i = 0; i < 1024; i++) big.set('__avoid__b' + i, 'val' + i);
  for (const [f, v] of small) await c.call('HSET', 'smallhash', f, v);
  const args: string[] = [];
  for (const [f, v] of big) args.push(f, v);
  await c.call('HSET', 'bighash', ...args);
  return { small, big };
}

test('HSET/HLEN/HGET on a small (listpack) and a big (hashtable) hash', async () => {
  const { small, big } = await makeHashes();
  assert.equal(await c.call('HLEN', 'smallhash'), 8);
  assert.equal(await c.call('HLEN', 'bighash'), 1024);
  assert.equal(encoding('smallhash'), 'listpack');
  assert.equal(encoding('bighash'), 'hashtable');
  for (const [f, v] of small) assert.equal(await c.call('HGET', 'smallhash', f), v);
  for (const [f, v] of [...big].slice(0, 200)) assert.equal(await c.call('HGET', 'bighash', f), v);
  assert.equal(await c.call('HGET', 'smallhash', '__123123123__'), null);
  assert.equal(await c.call('HGET', 'bighash', '__123123123__'), null);
  assert.equal(await c.call('HGET', 'nokey', 'f'), null);
});

test('HSET in update and insert mode; HDEL of a new field', async () => {
  await makeHashes();
  for (const key of ['smallhash', 'bighash']) {
    const f = key === 'smallhash' ? '__avoid__s0' : '__avoid__b0';
    assert.equal(await c.call('HSET', key, f, 'newval'), 0);
    assert.equal(await c.call('HGET', key, f), 'newval');
    assert.equal(await c.call('HSET', key, '__foobar123__', 'newval'), 1);
    assert.equal(await c.call('HDEL', key, '__foobar123__'), 1);
  }
  del('multi');
  assert.equal(await c.call('HSET', 'multi', 'a', '1', 'b', '2', 'a', '3'), 2, 'a repeated field counts once');
  assert.equal(await c.call('HGET', 'multi', 'a'), '3');
});

test('HSETNX sets only missing fields, on both encodings', async () => {
  await makeHashes();
  for (const key of ['smallhash', 'bighash']) {
    assert.equal(await c.call('HSETNX', key, '__123123123__', 'foo'), 1);
    assert.equal(await c.call('HGET', key, '__123123123__'), 'foo');
    assert.equal(await c.call('HSETNX', key, '__123123123__', 'bar'), 0);
    assert.equal(await c.call('HGET', key, '__123123123__'), 'foo');
  }
  del('nx');
  assert.equal(await c.call('HSETNX', 'nx', 'f', 'v'), 1);
  assert.equal(await c.call('HGET', 'nx', 'f'), 'v');
});

test('HSET/HMSET with a field and no value is an arity error naming the command', async () => {
  assert.equal(errorText(await c.call('HSET', 'smallhash', 'key1', 'val1', 'key2')), "ERR wrong number of arguments for 'hset' command");
  assert.equal(errorText(await c.call('HMSET', 'smallhash', 'key1', 'val1', 'key2')), "ERR wrong number of arguments for 'hmset' command");
  assert.equal(errorText(await c.call('HSET', 'smallhash', 'key1')), "ERR wrong number of arguments for 'hset' command");
});

test('HMSET replies OK and HMGET returns values or nulls in order', async () => {
  await makeHashes();
  for (const key of ['smallhash', 'bighash']) {
    assert.equal(await c.call('HMSET', key, 'a', '1', 'b', '2'), 'OK');
    assert.deepEqual(await c.call('HMGET', key, 'b', 'nope', 'a'), ['2', null, '1']);
  }
  assert.deepEqual(await c.call('HMGET', 'doesntexist', '__123123123__', '__456456456__'), [null, null]);
  await c.call('SET', 'wrongtype', 'somevalue');
  assert.equal(errorText(await c.call('HMGET', 'wrongtype', 'field1', 'field2')), WRONGTYPE);
});

test('HKEYS, HVALS and HGETALL: insertion order for a listpack, everything for a hashtable', async () => {
  const { small, big } = await makeHashes();
  assert.deepEqual(await c.call('HKEYS', 'smallhash'), [...small.keys()]);
  assert.deepEqual(await c.call('HVALS', 'smallhash'), [...small.values()]);
  assert.deepEqual(await c.call('HGETALL', 'smallhash'), [...small].flat());
  assert.deepEqual(((await c.call('HKEYS', 'bighash')) as string[]).sort(), [...big.keys()].sort());
  assert.deepEqual(((await c.call('HVALS', 'bighash')) as string[]).sort(), [...big.values()].sort());
  const all = (await c.call('HGETALL', 'bighash')) as string[];
  const pairs = new Map<string, string>();
  for (let i = 0; i < all.length; i += 2) pairs.set(all[i]!, all[i + 1]!);
  assert.deepEqual(pairs, big);
  del('ord');
  await c.call('HSET', 'ord', 'z', '1', 'a', '2', 'm', '3');
  await c.call('HDEL', 'ord', 'a');
  await c.call('HSET', 'ord', 'a', '4', 'z', '5');
  assert.deepEqual(await c.call('HGETALL', 'ord'), ['z', '5', 'm', '3', 'a', '4']);
  assert.equal(await c.callRaw('HGETALL', 'nokey'), '*0\r\n');
  assert.equal(await c.callRaw('HKEYS', 'nokey'), '*0\r\n');
  assert.equal(await c.callRaw('HVALS', 'nokey'), '*0\r\n');
});

test('HDEL returns the count, stops when the hash empties, and deletes the key', async () => {
  del('hdel');
  await c.call('HSET', 'hdel', 'foo', 'bar');
  assert.equal(await c.call('HDEL', 'hdel', 'nokey'), 0);
  assert.equal(await c.call('HDEL', 'nokey', 'f'), 0);
  await c.call('HSET', 'hdel', 'a', '1', 'b', '2', 'c', '3');
  assert.equal(await c.call('HDEL', 'hdel', 'a', 'b', 'x'), 2);
  const t = await traced('HDEL', 'hdel', 'foo', 'c', 'foo', 'c');
  assert.equal(t.reply, 2);
  assert.equal(exists('hdel'), false);
  assert.deepEqual(t.events, ['hdel:hdel', 'del:hdel']);
  assert.equal(t.dirty, 2);
});

test('HEXISTS and HSTRLEN on both encodings, including integer-looking values', async () => {
  await makeHashes();
  assert.equal(await c.call('HEXISTS', 'smallhash', '__avoid__s1'), 1);
  assert.equal(await c.call('HEXISTS', 'smallhash', 'nokey'), 0);
  assert.equal(await c.call('HEXISTS', 'bighash', '__avoid__b1'), 1);
  assert.equal(await c.call('HEXISTS', 'nokey', 'f'), 0);
  for (const v of ['-9223372036854775808', '9223372036854775807', '9223372036854775808', '', '0', '-1', 'x']) {
    await c.call('HMSET', 'smallhash', 'field', v);
    await c.call('HMSET', 'bighash', 'field', v);
    assert.equal(await c.call('HSTRLEN', 'smallhash', 'field'), v.length);
    assert.equal(await c.call('HSTRLEN', 'bighash', 'field'), v.length);
  }
  assert.equal(await c.call('HSTRLEN', 'smallhash', '__123123123__'), 0);
  assert.equal(await c.call('HSTRLEN', 'nokey', 'f'), 0);
});

test('a long value or field promotes a listpack; the thresholds are exact', async () => {
  del('p1', 'p2', 'p3', 'p4');
  await c.call('HSET', 'p1', 'f', 'a'.repeat(64));
  assert.equal(encoding('p1'), 'listpack');
  await c.call('HSET', 'p1', 'foo', 'a'.repeat(1024));
  assert.equal(encoding('p1'), 'hashtable');
  await c.call('HSET', 'p2', 'k'.repeat(65), 'a');
  assert.equal(encoding('p2'), 'hashtable');
  await c.call('HSET', 'p3', 'k'.repeat(300), 'a');
  await c.call('HSET', 'p3', 'k'.repeat(300), 'b');
  assert.equal(await c.call('HGET', 'p3', 'k'.repeat(300)), 'b', 'Hash ziplist regression test for large keys');
  limits.hashMaxListpackEntries = 4;
  const args: string[] = [];
  for (let i = 0; i < 4; i++) args.push('f' + i, 'v');
  await c.call('HSET', 'p4', ...args);
  assert.equal(encoding('p4'), 'listpack');
  await c.call('HSET', 'p4', 'f4', 'v');
  assert.equal(encoding('p4'), 'hashtable');
});

test('HINCRBY creates keys and fields, works on both encodings, and over 32 bits', async () => {
  await makeHashes();
  del('htest');
  assert.equal(await c.call('HINCRBY', 'htest', 'foo', '2'), 2);
  for (const key of ['smallhash', 'bighash']) {
    assert.equal(await c.call('HINCRBY', key, 'tmp', '2'), 2);
    assert.equal(await c.call('HGET', key, 'tmp'), '2');
    assert.equal(await c.call('HINCRBY', key, 'tmp', '3'), 5);
    await c.call('HSET', key, 'tmp', '100');
    assert.equal(await c.call('HINCRBY', key, 'tmp', '2'), 102);
    await c.call('HSET', key, 'tmp', '17179869184');
    assert.equal(await c.call('HINCRBY', key, 'tmp', '1'), 17179869185);
    await c.call('HSET', key, 'tmp', '17179869184');
    assert.equal(await c.call('HINCRBY', key, 'tmp', '17179869184'), 34359738368);
    for (const bad of [' 11', '11 ', '1.5', '']) {
      await c.call('HSET', key, 'str', bad);
      assert.equal(errorText(await c.call('HINCRBY', key, 'str', '1')), 'ERR hash value is not an integer');
    }
  }
});

test('HINCRBY detects overflow and rejects a bad increment before touching the key', async () => {
  del('hash', 'untouched');
  await c.call('HSET', 'hash', 'n', '-9223372036854775484');
  assert.equal(await c.call('HINCRBY', 'hash', 'n', '-1'), -9223372036854775485n);
  assert.equal(errorText(await c.call('HINCRBY', 'hash', 'n', '-10000')), 'ERR increment or decrement would overflow');
  await c.call('HSET', 'hash', 'max', '9223372036854775807');
  assert.equal(errorText(await c.call('HINCRBY', 'hash', 'max', '1')), 'ERR increment or decrement would overflow');
  assert.equal(await c.call('HINCRBY', 'hash', 'max', '-9223372036854775807'), 0);
  assert.equal(await c.call('HINCRBY', 'hash', 'new', '-9223372036854775808'), -9223372036854775808n);
  assert.equal(errorText(await c.call('HINCRBY', 'untouched', 'f', 'x')), 'ERR value is not an integer or out of range');
  assert.equal(errorText(await c.call('HINCRBY', 'untouched', 'f', '9223372036854775808')), 'ERR value is not an integer or out of range');
  assert.equal(exists('untouched'), false);
  await c.call('SET', 'str', 'x');
  assert.equal(errorText(await c.call('HINCRBY', 'str', 'f', '1')), WRONGTYPE);
});

test('HINCRBYFLOAT on both encodings, over 32 bits, with Redis formatting', async () => {
  await makeHashes();
  del('htest');
  assert.equal(await c.call('HINCRBYFLOAT', 'htest', 'foo', '2.5'), '2.5');
  for (const key of ['smallhash', 'bighash']) {
    assert.equal(await c.call('HINCRBYFLOAT', key, 'tmp', '2.5'), '2.5');
    assert.equal(await c.call('HINCRBYFLOAT', key, 'tmp', '3.5'), '6');
    await c.call('HSET', key, 'tmp', '100');
    assert.equal(await c.call('HINCRBYFLOAT', key, 'tmp', '2.5'), '102.5');
    await c.call('HSET', key, 'tmp', '17179869184');
    assert.equal(await c.call('HINCRBYFLOAT', key, 'tmp', '17179869184'), '34359738368');
    for (const bad of [' 11', '11 ', '1\x002', 'abc']) {
      await c.call('HSET', key, 'str', bad);
      assert.equal(errorText(await c.call('HINCRBYFLOAT', key, 'str', '1')), 'ERR hash value is not a float');
    }
  }
  del('myhash');
  assert.equal(await c.call('HINCRBYFLOAT', 'myhash', 'float', '1.23'), '1.23');
  assert.equal(await c.call('HINCRBYFLOAT', 'myhash', 'float', '0.77'), '2');
  assert.equal(await c.call('HINCRBYFLOAT', 'myhash', 'float', '-0.1'), '1.9');
  del('ld');
  assert.equal(await c.call('HINCRBYFLOAT', 'ld', 'f', '0.1'), '0.1');
  assert.equal(await c.call('HINCRBYFLOAT', 'ld', 'f', '0.2'), '0.3', 'long double arithmetic, not double');
  assert.equal(await c.call('HINCRBYFLOAT', 'ld', 'f', '5.0e3'), '5000.29999999999999982', 'printed with %.17Lf, as Redis does');
  assert.equal(await c.call('HINCRBYFLOAT', 'ld', 'hex', '0x10'), '16', 'strtold reads hexadecimal');
});

test('HINCRBYFLOAT refuses NaN and infinity and leaves no key behind', async () => {
  del('hfoo');
  assert.equal(errorText(await c.call('HINCRBYFLOAT', 'hfoo', 'field', '+inf')), 'ERR value is NaN or Infinity');
  assert.equal(errorText(await c.call('HINCRBYFLOAT', 'hfoo', 'field', 'nan')), 'ERR value is not a valid float');
  assert.equal(errorText(await c.call('HINCRBYFLOAT', 'hfoo', 'field', 'x')), 'ERR value is not a valid float');
  assert.equal(exists('hfoo'), false);
  await c.call('HSET', 'hfoo', 'big', '1.1e4932');
  assert.equal(errorText(await c.call('HINCRBYFLOAT', 'hfoo', 'big', '1e4932')), 'ERR increment would produce NaN or Infinity');
  assert.equal(await c.call('HGET', 'hfoo', 'big'), '1.1e4932', 'the failed increment changed nothing');
});

test('HINCRBYFLOAT is propagated as HSET with the result; HINCRBY as itself', async () => {
  del('prop');
  let t = await traced('HINCRBYFLOAT', 'prop', 'f', '1.5');
  assert.deepEqual(t.propagated, [['HSET', 'prop', 'f', '1.5']]);
  assert.deepEqual(t.events, ['hincrbyfloat:prop']);
  t = await traced('HINCRBY', 'prop', 'g', '7');
  assert.deepEqual(t.propagated, [['HINCRBY', 'prop', 'g', '7']]);
  assert.deepEqual(t.events, ['hincrby:prop']);
  t = await traced('HINCRBYFLOAT', 'prop', 'f', 'x');
  assert.deepEqual(t.propagated, [], 'an error propagates nothing');
});

test('HINCRBYFLOAT converts when the result passes hash-max-listpack-value', async () => {
  limits.hashMaxListpackValue = 8;
  del('smallhash', 'bighash');
  await c.call('HSET', 'smallhash', 'tmp', '0');
  await c.call('HSET', 'bighash', 'tmp', '0');
  await c.call('HINCRBYFLOAT', 'smallhash', 'tmp', '0.000005');
  await c.call('HINCRBYFLOAT', 'bighash', 'tmp', '0.0000005');
  assert.equal(encoding('smallhash'), 'listpack');
  assert.equal(encoding('bighash'), 'hashtable');
  del('smallhash', 'bighash');
  await c.call('HINCRBYFLOAT', 'smallhash', 'abcdefgh', '1');
  await c.call('HINCRBYFLOAT', 'bighash', 'abcdefghi', '1');
  assert.equal(encoding('smallhash'), 'listpack');
  assert.equal(encoding('bighash'), 'hashtable');
});

test('HSET, HSETNX and HDEL emit Redis events and dirty counts', async () => {
  del('ev');
  let t = await traced('HSET', 'ev', 'a', '1', 'b', '2');
  assert.deepEqual(t.events, ['hset:ev']);
  assert.equal(t.dirty, 2);
  t = await traced('HSET', 'ev', 'a', '1');
  assert.deepEqual(t.events, ['hset:ev'], 'HSET always counts as a change');
  t = await traced('HSETNX', 'ev', 'a', '9');
  assert.deepEqual(t.events, []);
  assert.equal(t.dirty, 0);
  t = await traced('HSETNX', 'ev', 'c', '9');
  assert.deepEqual(t.events, ['hset:ev']);
  t = await traced('HDEL', 'ev', 'zz');
  assert.deepEqual(t.events, []);
  assert.deepEqual(t.propagated, []);
});

test('every hash command replies WRONGTYPE on a string key', async () => {
  await c.call('SET', 'str', 'x');
  for (const cmd of [
    ['HSET', 'str', 'f', 'v'], ['HSETNX', 'str', 'f', 'v'], ['HGET', 'str', 'f'], ['HMSET', 'str', 'f', 'v'],
    ['HMGET', 'str', 'f'], ['HDEL', 'str', 'f'], ['HLEN', 'str'], ['HSTRLEN', 'str', 'f'], ['HEXISTS', 'str', 'f'],
    ['HKEYS', 'str'], ['HVALS', 'str'], ['HGETALL', 'str'], ['HINCRBY', 'str', 'f', '1'], ['HINCRBYFLOAT', 'str', 'f', '1'],
    ['HRANDFIELD', 'str'], ['HRANDFIELD', 'str', '2'], ['HSCAN', 'str', '0'],
  ]) {
    assert.equal(errorText(await c.call(...cmd)), WRONGTYPE, cmd.join(' '));
  }
});

for (const [type, fields] of [
  ['listpack', ['a', 'b', 'c']],
  ['hashtable', ['a', 'b', 'x'.repeat(80)]],
] as const) {
  test(`HRANDFIELD without count returns every field eventually - ${type}`, async () => {
    del('myhash');
    for (const [i, f] of fields.entries()) await c.call('HSET', 'myhash', f, String(i + 1));
    assert.equal(encoding('myhash'), type);
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) seen.add((await c.call('HRANDFIELD', 'myhash')) as string);
    assert.deepEqual([...seen].sort(), [...fields].sort());
  });
}

test('HRANDFIELD count of 0, missing keys and count errors', async () => {
  del('myhash');
  await c.call('HMSET', 'myhash', 'a', '1');
  assert.equal(await c.callRaw('HRANDFIELD', 'myhash', '0'), '*0\r\n');
  assert.equal(await c.callRaw('HRANDFIELD', 'nonexisting_key', '100'), '*0\r\n');
  assert.equal(await c.callRaw('HRANDFIELD', 'nonexisting_key'), '$-1\r\n');
  assert.equal(errorText(await c.call('HRANDFIELD', 'myhash', '-9223372036854770000', 'withvalues')), 'ERR value is out of range');
  assert.equal(errorText(await c.call('HRANDFIELD', 'myhash', '-9223372036854775808', 'withvalues')), 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  assert.equal(errorText(await c.call('HRANDFIELD', 'myhash', '-9223372036854775808')), 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  assert.equal(errorText(await c.call('HRANDFIELD', 'myhash', '1', 'foo')), 'ERR syntax error');
  assert.equal(errorText(await c.call('HRANDFIELD', 'myhash', '1', 'withvalues', 'x')), 'ERR syntax error');
  assert.equal(errorText(await c.call('HRANDFIELD', 'myhash', 'x')), 'ERR value is not an integer or out of range');
  assert.equal(errorText(await c.call('HRANDFIELD', 'nokey', 'x', 'foo')), 'ERR value is not an integer or out of range', 'the count is read first');
});

for (const [type, long] of [
  ['hashtable', 'y'.repeat(80)],
  ['listpack', '10'],
] as const) {
  test(`HRANDFIELD with <count> - ${type}`, async () => {
    del('myhash');
    const contents = new Map<string, string>([['a', '1'], ['b', '2'], ['c', '3'], ['d', '4'], ['e', '5'], ['6', 'f'], ['7', 'g'], ['8', 'h'], ['9', 'i'], [long, 'j']]);
    for (const [f, v] of contents) await c.call('HSET', 'myhash', f, v);
    assert.equal(encoding('myhash'), type);
    // Negative counts: repeats allowed, values match.
    for (const n of [20, 1001]) {
      assert.equal(((await c.call('HRANDFIELD', 'myhash', String(-n))) as string[]).length, n);
      const res = (await c.call('HRANDFIELD', 'myhash', String(-n), 'withvalues')) as string[];
      assert.equal(res.length, 2 * n);
      for (let i = 0; i < res.length; i += 2) assert.equal(contents.get(res[i]!), res[i + 1]);
    }
    // At or over the size: the whole hash.
    for (const n of ['10', '20']) {
      assert.deepEqual(((await c.call('HRANDFIELD', 'myhash', n)) as string[]).sort(), [...contents.keys()].sort());
      const res = (await c.call('HRANDFIELD', 'myhash', n, 'WITHVALUES')) as string[];
      assert.equal(res.length, 20);
    }
    // Under the size: distinct fields, every field eventually, values right.
    for (const n of [8, 2]) {
      const seen = new Set<string>();
      for (let i = 0; i < 200 && seen.size < 10; i++) {
        const res = (await c.call('HRANDFIELD', 'myhash', String(n), 'withvalues')) as string[];
        assert.equal(res.length, 2 * n);
        const fields = res.filter((_, j) => j % 2 === 0);
        assert.equal(new Set(fields).size, n);
        for (let j = 0; j < res.length; j += 2) {
          assert.equal(contents.get(res[j]!), res[j + 1]);
          seen.add(res[j]!);
        }
      }
      assert.equal(seen.size, 10);
    }
  });
}

test('HRANDFIELD picks are spread evenly (chi-square), on a big hash too', async () => {
  for (const size of [10, 500]) {
    del('hist');
    const args: string[] = [];
    for (let i = 0; i < size; i++) args.push('f' + i, 'v');
    await c.call('HSET', 'hist', ...args);
    const counts = new Map<string, number>();
    const draws = size * 100;
    for (const f of (await c.call('HRANDFIELD', 'hist', String(-draws))) as string[]) counts.set(f, (counts.get(f) ?? 0) + 1);
    let chi = 0;
    for (const n of counts.values()) chi += (n - 100) ** 2 / 100;
    assert.equal(counts.size, size);
    // p < 1e-5 thresholds for 9 and 499 degrees of freedom.
    assert.ok(chi < (size === 10 ? 40 : 640), `chi-square ${chi} for ${size} fields`);
  }
});

test('HRANDFIELD in RESP3: pairs as two-element arrays, null for a missing key', async () => {
  del('myhash');
  await c.call('HSET', 'myhash', 'a', '1', 'b', '2', 'c', '3');
  await useProtocol(3);
  try {
    const res = (await c.call('HRANDFIELD', 'myhash', '3', 'withvalues')) as string[][];
    assert.equal(res.length, 3);
    assert.deepEqual(res.map((p) => p.length), [2, 2, 2]);
    const flat = (await c.call('HRANDFIELD', 'myhash', '3')) as string[];
    assert.equal(flat.length, 3);
    assert.equal(typeof flat[1], 'string');
    const neg = (await c.call('HRANDFIELD', 'myhash', '-5', 'withvalues')) as string[][];
    assert.equal(neg.length, 5);
    assert.ok(neg.every((p) => p.length === 2));
    assert.equal(await c.callRaw('HRANDFIELD', 'nokey'), '_\r\n');
    assert.equal(await c.callRaw('HRANDFIELD', 'nokey', '3'), '*0\r\n');
    assert.equal(await c.callRaw('HGETALL', 'myhash'), '%3\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n');
    assert.equal(await c.callRaw('HGETALL', 'nokey'), '%0\r\n');
    assert.equal(await c.callRaw('HGET', 'nokey', 'f'), '_\r\n');
    assert.equal(await c.callRaw('HMGET', 'myhash', 'a', 'zz'), '*2\r\n$1\r\n1\r\n_\r\n');
  } finally {
    await useProtocol(2);
  }
});

test('HSCAN: a listpack whole at once, a hashtable in many calls, MATCH on fields', async () => {
  del('small', 'big');
  await c.call('HSET', 'small', 'b', '1', 'a', '2');
  assert.deepEqual(await c.call('HSCAN', 'small', '0', 'COUNT', '1'), ['0', ['b', '1', 'a', '2']]);
  assert.deepEqual(await c.call('HSCAN', 'small', '0', 'MATCH', 'a'), ['0', ['a', '2']]);
  const args: string[] = [];
  for (let i = 0; i < 1000; i++) args.push('key:' + i, String(i));
  await c.call('HSET', 'big', ...args);
  const seen = new Map<string, string>();
  let cursor = '0';
  let calls = 0;
  do {
    const [next, items] = (await c.call('HSCAN', 'big', cursor)) as [string, string[]];
    for (let i = 0; i < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
    cursor = next;
    calls++;
  } while (cursor !== '0');
  assert.equal(seen.size, 1000);
  assert.ok(calls > 10);
  for (let i = 0; i < 1000; i++) assert.equal(seen.get('key:' + i), String(i));
  const matched: string[] = [];
  cursor = '0';
  do {
    const [next, items] = (await c.call('HSCAN', 'big', cursor, 'MATCH', '*:9?', 'COUNT', '100')) as [string, string[]];
    matched.push(...items);
    cursor = next;
  } while (cursor !== '0');
  assert.equal(matched.length, 20, 'ten fields, each with its value');
});

test('HSCAN argument errors come in Redis order', async () => {
  del('h');
  await c.call('HSET', 'h', 'f', 'v');
  assert.equal(errorText(await c.call('HSCAN', 'h', 'x')), 'ERR invalid cursor');
  assert.equal(errorText(await c.call('HSCAN', 'nokey', '-')), 'ERR invalid cursor');
  assert.equal(errorText(await c.call('HSCAN', 'h', '0', 'COUNT', '0')), 'ERR syntax error');
  assert.equal(errorText(await c.call('HSCAN', 'h', '0', 'COUNT')), 'ERR syntax error');
  assert.equal(errorText(await c.call('HSCAN', 'h', '0', 'NOVALUES')), 'ERR syntax error');
  assert.deepEqual(await c.call('HSCAN', 'nokey', '0', 'BAD'), ['0', []]);
  assert.deepEqual(await c.call('HSCAN', 'h', '+0'), ['0', ['f', 'v']]);
});

test('hash fuzzing: random HSET/HDEL agree with a model at 10 and 512 fields', async () => {
  for (const size of [10, 512]) {
    del('fuzz');
    const model = new Map<string, string>();
    let seed = size;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < size * 4; i++) {
      const f = 'f' + Math.floor(rnd() * size);
      if (rnd() < 0.7) {
        const v = String(Math.floor(rnd() * 1e6));
        assert.equal(await c.call('HSET', 'fuzz', f, v), model.has(f) ? 0 : 1);
        model.set(f, v);
      } else {
        assert.equal(await c.call('HDEL', 'fuzz', f), model.delete(f) ? 1 : 0);
      }
    }
    assert.equal(await c.call('HLEN', 'fuzz'), model.size);
    for (const [f, v] of model) assert.equal(await c.call('HGET', 'fuzz', f), v);
  }
});
