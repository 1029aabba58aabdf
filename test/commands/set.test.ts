/**
 * The set commands against an embedded Amber: replies, errors, encodings, keyspace events,
 * dirty counts and propagated effects, with edge cases from Redis's tests/unit/type/set.tcl,
 * for intset and hashtable sets.
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

const DEFAULT_MAX = limits.setMaxIntsetEntries;
afterEach(() => {
  limits.setMaxIntsetEntries = DEFAULT_MAX;
});

/** Runs a command and returns what it emitted as keyspace events and propagated effects. */
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

async function createSet(key: string, members: readonly string[]): Promise<void> {
  amber.server.store.db(0).delete(key);
  for (const m of members) await c.call('SADD', key, m);
}

async function sorted(...args: string[]): Promise<string[]> {
  const v = await c.call(...args);
  assert.ok(Array.isArray(v), `${args.join(' ')} replied ${String(v)}`);
  return (v as string[]).slice().sort();
}

/** Switches the test connection's protocol (HELLO, or the client state if HELLO is not there yet). */
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

test('SADD, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS on a hashtable set', async () => {
  await createSet('myset', ['foo']);
  assert.equal(encoding('myset'), 'hashtable');
  assert.equal(await c.call('SADD', 'myset', 'bar'), 1);
  assert.equal(await c.call('SADD', 'myset', 'bar'), 0);
  assert.equal(await c.call('SCARD', 'myset'), 2);
  assert.equal(await c.call('SISMEMBER', 'myset', 'foo'), 1);
  assert.equal(await c.call('SISMEMBER', 'myset', 'bla'), 0);
  assert.deepEqual(await c.call('SMISMEMBER', 'myset', 'foo', 'bla', 'bar'), [1, 0, 1]);
  assert.deepEqual(await sorted('SMEMBERS', 'myset'), ['bar', 'foo']);
});

test('SADD, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS on an intset, which replies in ascending order', async () => {
  await createSet('myset', ['17']);
  assert.equal(encoding('myset'), 'intset');
  assert.equal(await c.call('SADD', 'myset', '16'), 1);
  assert.equal(await c.call('SADD', 'myset', '16'), 0);
  assert.equal(await c.call('SADD', 'myset', '-5'), 1);
  assert.equal(await c.call('SCARD', 'myset'), 3);
  assert.deepEqual(await c.call('SMISMEMBER', 'myset', '16', '18', 'x', '017'), [1, 0, 0, 0]);
  assert.deepEqual(await c.call('SMEMBERS', 'myset'), ['-5', '16', '17']);
});

test('missing keys read as empty sets', async () => {
  assert.equal(await c.call('SCARD', 'nokey'), 0);
  assert.equal(await c.call('SISMEMBER', 'nokey', 'a'), 0);
  assert.deepEqual(await c.call('SMISMEMBER', 'nokey', 'a', 'b'), [0, 0]);
  assert.equal(await c.callRaw('SMEMBERS', 'nokey'), '*0\r\n');
  assert.equal(await c.callRaw('SRANDMEMBER', 'nokey'), '$-1\r\n');
  assert.equal(await c.callRaw('SRANDMEMBER', 'nokey', '5'), '*0\r\n');
  assert.equal(await c.callRaw('SPOP', 'nokey'), '$-1\r\n');
  assert.equal(await c.callRaw('SPOP', 'nokey', '5'), '*0\r\n');
  assert.equal(await c.call('SREM', 'nokey', 'a'), 0);
  assert.equal(await c.callRaw('SSCAN', 'nokey', '0'), '*2\r\n$1\r\n0\r\n*0\r\n');
});

test('every set command replies WRONGTYPE on a string key', async () => {
  await c.call('SET', 'str', 'x');
  for (const cmd of [
    ['SADD', 'str', 'a'], ['SREM', 'str', 'a'], ['SCARD', 'str'], ['SISMEMBER', 'str', 'a'], ['SMISMEMBER', 'str', 'a'],
    ['SMEMBERS', 'str'], ['SRANDMEMBER', 'str'], ['SRANDMEMBER', 'str', '2'], ['SPOP', 'str'], ['SPOP', 'str', '2'],
    ['SMOVE', 'str', 'other', 'a'], ['SINTER', 'str'], ['SINTERCARD', '1', 'str'], ['SINTERSTORE', 'd', 'str'],
    ['SUNION', 'str'], ['SUNIONSTORE', 'd', 'str'], ['SDIFF', 'str'], ['SDIFFSTORE', 'd', 'str'], ['SSCAN', 'str', '0'],
  ]) {
    assert.equal(errorText(await c.call(...cmd)), WRONGTYPE, cmd.join(' '));
  }
  assert.equal(await c.call('GET', 'str'), 'x', 'the string is untouched');
});

test('arity errors name the command', async () => {
  assert.equal(errorText(await c.call('SMISMEMBER', 'myset')), "ERR wrong number of arguments for 'smismember' command");
  assert.equal(errorText(await c.call('SADD', 'myset')), "ERR wrong number of arguments for 'sadd' command");
  assert.equal(errorText(await c.call('SINTERCARD', '1')), "ERR wrong number of arguments for 'sintercard' command");
  assert.equal(errorText(await c.call('SMOVE', 'a', 'b')), "ERR wrong number of arguments for 'smove' command");
});

test('a non-integer member converts an intset; so does an integer beyond 64 bits', async () => {
  await createSet('myset', ['1', '2', '3']);
  assert.equal(encoding('myset'), 'intset');
  assert.equal(await c.call('SADD', 'myset', 'a'), 1);
  assert.equal(encoding('myset'), 'hashtable');
  await createSet('big', ['213244124402402314402033402']);
  assert.equal(encoding('big'), 'hashtable');
  assert.equal(await c.call('SISMEMBER', 'big', '213244124402402314402033402'), 1);
  await createSet('edge', ['9223372036854775807', '-9223372036854775808']);
  assert.equal(encoding('edge'), 'intset');
  assert.deepEqual(await c.call('SMEMBERS', 'edge'), ['-9223372036854775808', '9223372036854775807']);
});

test('SADD converts when the intset passes set-max-intset-entries', async () => {
  amber.server.store.db(0).delete('myset');
  const members = Array.from({ length: 512 }, (_, i) => String(i));
  assert.equal(await c.call('SADD', 'myset', ...members), 512);
  assert.equal(encoding('myset'), 'intset');
  assert.equal(await c.call('SADD', 'myset', '512'), 1);
  assert.equal(encoding('myset'), 'hashtable');
  limits.setMaxIntsetEntries = 3;
  await createSet('small', ['1', '2', '3']);
  assert.equal(encoding('small'), 'intset');
  await c.call('SADD', 'small', '4');
  assert.equal(encoding('small'), 'hashtable');
});

test('variadic SADD counts only new members, and a large set stays consistent', async () => {
  amber.server.store.db(0).delete('myset');
  assert.equal(await c.call('SADD', 'myset', 'a', 'b', 'c'), 3);
  assert.equal(await c.call('SADD', 'myset', 'A', 'a', 'b', 'c', 'B'), 2);
  assert.deepEqual(await sorted('SMEMBERS', 'myset'), ['A', 'B', 'a', 'b', 'c']);
  const many = Array.from({ length: 5000 }, (_, i) => 'm' + i);
  assert.equal(await c.call('SADD', 'large', ...many), 5000);
  assert.equal(await c.call('SADD', 'large', ...many), 0);
  assert.equal(await c.call('SREM', 'large', ...many.slice(0, 2500), 'nope'), 2500);
  assert.equal(await c.call('SCARD', 'large'), 2500);
  assert.deepEqual(await sorted('SMEMBERS', 'large'), many.slice(2500).sort());
});

test('SREM on both encodings, with several members, deletes the emptied key', async () => {
  await createSet('myset', ['foo', 'bar', 'ciao']);
  assert.equal(await c.call('SREM', 'myset', 'qux'), 0);
  assert.equal(await c.call('SREM', 'myset', 'foo'), 1);
  assert.deepEqual(await sorted('SMEMBERS', 'myset'), ['bar', 'ciao']);
  await createSet('ints', ['3', '4', '5']);
  assert.equal(await c.call('SREM', 'ints', '6', 'x', '04'), 0);
  assert.equal(await c.call('SREM', 'ints', '4'), 1);
  assert.deepEqual(await c.call('SMEMBERS', 'ints'), ['3', '5']);
  assert.equal(await c.call('SREM', 'ints', '3', '5', '6', '7'), 2);
  assert.equal(exists('ints'), false);
});

test('SADD and SREM emit sadd/srem (and del) events and count every change as dirty', async () => {
  amber.server.store.db(0).delete('ev');
  let t = await traced('SADD', 'ev', 'a', 'b', 'c');
  assert.deepEqual(t.events, ['sadd:ev']);
  assert.equal(t.dirty, 3);
  t = await traced('SADD', 'ev', 'a');
  assert.deepEqual(t.events, [], 'no change, no event');
  assert.equal(t.dirty, 0);
  assert.deepEqual(t.propagated, [], 'no change, nothing propagated');
  t = await traced('SREM', 'ev', 'a', 'zz');
  assert.deepEqual(t.events, ['srem:ev']);
  assert.deepEqual(t.propagated, [['SREM', 'ev', 'a', 'zz']]);
  t = await traced('SREM', 'ev', 'b', 'c', 'd');
  assert.deepEqual(t.events, ['srem:ev', 'del:ev']);
  assert.equal(t.dirty, 2);
});

test('SINTERCARD rejects illegal arguments with Redis texts', async () => {
  assert.equal(errorText(await c.call('SINTERCARD', '0', 'myset')), 'ERR numkeys should be greater than 0');
  assert.equal(errorText(await c.call('SINTERCARD', 'a', 'myset')), 'ERR numkeys should be greater than 0');
  assert.equal(errorText(await c.call('SINTERCARD', '2', 'myset')), "ERR Number of keys can't be greater than number of args");
  assert.equal(errorText(await c.call('SINTERCARD', '3', 'myset', 'myset2')), "ERR Number of keys can't be greater than number of args");
  assert.equal(errorText(await c.call('SINTERCARD', '1', 'myset', 'myset2')), 'ERR syntax error');
  assert.equal(errorText(await c.call('SINTERCARD', '1', 'myset', 'LIMIT')), 'ERR syntax error');
  assert.equal(errorText(await c.call('SINTERCARD', '1', 'myset', 'LIMIT', '-1')), "ERR LIMIT can't be negative");
  assert.equal(errorText(await c.call('SINTERCARD', '1', 'myset', 'LIMIT', 'a')), "ERR LIMIT can't be negative");
  assert.equal(await c.call('SINTERCARD', '1', 'non-existing-key', 'limit', '10'), 0);
  await c.call('SET', 'key1', 'x');
  await createSet('abc', ['a', 'b', 'c']);
  assert.equal(errorText(await c.call('SINTERCARD', '2', 'abc', 'key1')), WRONGTYPE);
  assert.equal(errorText(await c.call('SINTERCARD', '2', 'key1', 'noset')), WRONGTYPE);
});

for (const type of ['hashtable', 'intset'] as const) {
  test(`set algebra on generated ${type} sets (set.tcl)`, async () => {
    const db = amber.server.store.db(0);
    for (let i = 1; i <= 5; i++) db.delete(`set${i}`);
    const s1: string[] = [];
    const s2: string[] = [];
    for (let i = 0; i < 200; i++) {
      s1.push(String(i));
      s2.push(String(i + 195));
    }
    const large = type === 'hashtable' ? 'foo' : '200';
    await c.call('SADD', 'set1', ...s1, large);
    await c.call('SADD', 'set2', ...s2, large);
    await c.call('SADD', 'set3', '199', '195', '1000', '2000', large);
    await c.call('SADD', 'set4', ...s1.slice(5), large);
    await c.call('SADD', 'set5', '0', large);
    for (let i = 1; i <= 5; i++) assert.equal(encoding(`set${i}`), type);
    const inter = ['195', '196', '197', '198', '199', large].sort();
    assert.deepEqual(await sorted('SINTER', 'set1', 'set2'), inter);
    assert.equal(await c.call('SINTERCARD', '2', 'set1', 'set2'), 6);
    assert.equal(await c.call('SINTERCARD', '2', 'set1', 'set2', 'limit', '0'), 6);
    assert.equal(await c.call('SINTERCARD', '2', 'set1', 'set2', 'LIMIT', '3'), 3);
    assert.equal(await c.call('SINTERSTORE', 'setres', 'set1', 'set2'), 6);
    assert.equal(encoding('setres'), type);
    assert.deepEqual(await sorted('SMEMBERS', 'setres'), inter);
    const union = [...new Set([...s1, ...s2, large])].sort();
    assert.deepEqual(await sorted('SUNION', 'set1', 'set2'), union);
    assert.equal(await c.call('SUNIONSTORE', 'setres', 'set1', 'set2'), union.length);
    assert.equal(encoding('setres'), type, 'the 395 integers of the intset union still fit an intset');
    assert.deepEqual(await sorted('SUNION', 'nokey1', 'set1', 'set2', 'nokey2'), union);
    assert.deepEqual(await sorted('SINTER', 'set1', 'set2', 'set3'), ['195', '199', large].sort());
    assert.equal(await c.call('SINTERCARD', '3', 'set1', 'set2', 'set3', 'limit', '2'), 2);
    assert.deepEqual(await sorted('SDIFF', 'set1', 'set4'), ['0', '1', '2', '3', '4']);
    assert.deepEqual(await sorted('SDIFF', 'set1', 'set4', 'set5'), ['1', '2', '3', '4']);
    assert.equal(await c.call('SDIFFSTORE', 'setres', 'set1', 'set4', 'set5'), 4);
    if (type === 'intset') assert.equal(encoding('setres'), 'intset');
    assert.deepEqual(await sorted('SINTER', 'set1', 'set1', 'set1'), [...s1, large].sort());
    assert.deepEqual(await sorted('SUNION', 'set1', 'set1', 'set1'), [...s1, large].sort());
    assert.deepEqual(await c.call('SDIFF', 'set1', 'set1', 'set1'), []);
  });
}

test('SUNIONSTORE and SINTERSTORE choose the result encoding by its members', async () => {
  await createSet('i1', ['1', '2', '3']);
  await createSet('i2', ['3', '4']);
  await createSet('h1', ['3', 'a']);
  await c.call('SUNIONSTORE', 'u', 'i1', 'i2');
  assert.equal(encoding('u'), 'intset');
  assert.deepEqual(await c.call('SMEMBERS', 'u'), ['1', '2', '3', '4']);
  await c.call('SINTERSTORE', 'x', 'i1', 'h1');
  assert.equal(encoding('x'), 'intset', 'an intersection of integers is an intset even from a hashtable');
  await c.call('SUNIONSTORE', 'u2', 'i1', 'h1');
  assert.equal(encoding('u2'), 'hashtable');
});

test('SDIFFSTORE passes members through the result as Redis does, so the encoding follows its algorithm', async () => {
  const first = [...Array.from({ length: 20 }, (_, i) => String(i)), 'a', 'b'];
  await createSet('big', first);
  await createSet('strs', ['a', 'b']);
  for (const k of ['s1', 's2', 's3']) await createSet(k, ['999']);
  // Algorithm 1 (work 2*22/2 = 22 <= 22+2) adds only the members that survive: integers.
  assert.equal(await c.call('SDIFFSTORE', 'r1', 'big', 'strs'), 20);
  assert.equal(encoding('r1'), 'intset');
  // Algorithm 2 (work 5*22/2 = 55 > 22+2+3) copies the first set and removes the rest: the
  // strings it held on the way leave a hashtable although only integers remain.
  assert.equal(await c.call('SDIFFSTORE', 'r2', 'big', 'strs', 's1', 's2', 's3'), 20);
  assert.equal(encoding('r2'), 'hashtable');
});

test('SINTER of an intset and a hashtable holding the same integers', async () => {
  await createSet('set1', ['1', '2', '3']);
  await createSet('set2', ['1', '2', '3', 'a']);
  await c.call('SREM', 'set2', 'a');
  assert.equal(encoding('set1'), 'intset');
  assert.equal(encoding('set2'), 'hashtable');
  assert.deepEqual(await sorted('SINTER', 'set1', 'set2'), ['1', '2', '3']);
});

test('SDIFF edge cases: empty first set, same set twice, missing keys, fuzzing against a model', async () => {
  const db = amber.server.store.db(0);
  for (const k of ['set1', 'set2', 'set3']) db.delete(k);
  await c.call('SADD', 'set2', '1', '2', '3', '4');
  await c.call('SADD', 'set3', 'a', 'b', 'c', 'd');
  assert.deepEqual(await c.call('SDIFF', 'set1', 'set2', 'set3'), []);
  await createSet('same', ['a', 'b', 'c', '1', '2', '3', '4', '5', '6']);
  assert.deepEqual(await c.call('SDIFF', 'same', 'same'), []);
  let seed = 42;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const values = ['a', 'b', 'c', '1', '2', '3', '-7', '100', 'zz', 'x y'];
  for (let j = 0; j < 60; j++) {
    const numSets = 1 + Math.floor(rnd() * 6);
    const model = new Set<string>();
    const keys: string[] = [];
    for (let i = 0; i < numSets; i++) {
      const key = `fz${i}`;
      db.delete(key);
      keys.push(key);
      const n = Math.floor(rnd() * 8);
      for (let k = 0; k < n; k++) {
        const v = values[Math.floor(rnd() * values.length)]!;
        await c.call('SADD', key, v);
        if (i === 0) model.add(v);
        else model.delete(v);
      }
    }
    assert.deepEqual(await sorted('SDIFF', ...keys), [...model].sort());
  }
});

test('set algebra checks every key type before answering', async () => {
  await c.call('SET', 'key1', 'x');
  await createSet('set1', ['a', 'b', 'c']);
  for (const cmd of ['SDIFF', 'SINTER', 'SUNION']) {
    assert.equal(errorText(await c.call(cmd, 'key1', 'noset')), WRONGTYPE);
    assert.equal(errorText(await c.call(cmd, 'noset', 'key1')), WRONGTYPE);
    assert.equal(errorText(await c.call(cmd, 'set1', 'key1')), WRONGTYPE);
  }
  await createSet('dst', ['e']);
  for (const cmd of ['SDIFFSTORE', 'SINTERSTORE', 'SUNIONSTORE']) {
    assert.equal(errorText(await c.call(cmd, 'dst', 'set1', 'key1', 'noset')), WRONGTYPE);
    assert.deepEqual(await c.call('SMEMBERS', 'dst'), ['e'], `${cmd} left the destination alone`);
  }
});

test('store commands delete the destination when the result is empty, with a del event', async () => {
  const db = amber.server.store.db(0);
  await c.call('SET', 'setres', 'xxx');
  let t = await traced('SDIFFSTORE', 'setres', 'foo111', 'bar222');
  assert.equal(t.reply, 0);
  assert.equal(exists('setres'), false);
  assert.deepEqual(t.events, ['del:setres']);
  assert.equal(t.dirty, 1);
  t = await traced('SDIFFSTORE', 'setres', 'foo111', 'bar222');
  assert.deepEqual(t.events, [], 'nothing to delete, nothing emitted');
  assert.equal(t.dirty, 0);
  await createSet('d', ['a']);
  assert.equal(await c.call('SINTERSTORE', 'd', 'nokey', 'd'), 0);
  assert.equal(exists('d'), false);
  await createSet('d', ['a']);
  await createSet('p', ['x']);
  await createSet('q', ['y']);
  assert.equal(await c.call('SINTERSTORE', 'd', 'p', 'q'), 0);
  assert.equal(exists('d'), false);
  db.delete('u');
  assert.equal(await c.call('SUNIONSTORE', 'u', 'nokey1', 'nokey2'), 0);
  assert.equal(exists('u'), false);
});

test('store commands replace the destination, clear its TTL and emit their event', async () => {
  const db = amber.server.store.db(0);
  await createSet('src', ['1', '2']);
  await createSet('dst', ['old']);
  db.setExpire('dst', Date.now() + 100000);
  const t = await traced('SUNIONSTORE', 'dst', 'src');
  assert.equal(t.reply, 2);
  assert.deepEqual(t.events, ['sunionstore:dst']);
  assert.equal(db.getExpire('dst'), undefined);
  assert.deepEqual(await c.call('SMEMBERS', 'dst'), ['1', '2']);
  assert.deepEqual((await traced('SINTERSTORE', 'dst', 'src')).events, ['sinterstore:dst']);
  assert.deepEqual((await traced('SDIFFSTORE', 'dst', 'src', 'nokey')).events, ['sdiffstore:dst']);
  // The destination may be one of the sources.
  await createSet('acc', ['a']);
  assert.equal(await c.call('SUNIONSTORE', 'acc', 'acc', 'src'), 3);
  assert.deepEqual(await sorted('SMEMBERS', 'acc'), ['1', '2', 'a']);
});

for (const [type, contents] of [['hashtable', ['a', 'b', 'c']], ['intset', ['1', '2', '3']]] as const) {
  test(`SPOP and SRANDMEMBER basics - ${type}`, async () => {
    await createSet('myset', contents);
    assert.equal(encoding('myset'), type);
    const popped = [await c.call('SPOP', 'myset'), await c.call('SPOP', 'myset'), await c.call('SPOP', 'myset')];
    assert.deepEqual((popped as string[]).sort(), [...contents]);
    assert.equal(await c.call('SCARD', 'myset'), 0);
    assert.equal(exists('myset'), false);
    await createSet('myset', contents);
    const popped1 = [await c.call('SPOP', 'myset', '1'), await c.call('SPOP', 'myset', '1'), await c.call('SPOP', 'myset', '1')];
    assert.deepEqual((popped1 as string[][]).flat().sort(), [...contents]);
    await createSet('myset', contents);
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) seen.add((await c.call('SRANDMEMBER', 'myset')) as string);
    assert.deepEqual([...seen].sort(), [...contents]);
  });
}

for (const [type, contents] of [
  ['hashtable', 'abcdefghijklmnopqrstuvwxyz'.split('')],
  ['intset', Array.from({ length: 26 }, (_, i) => String(i + 1))],
] as const) {
  test(`SPOP with <count> drains the set exactly - ${type}`, async () => {
    await createSet('myset', contents);
    assert.equal(encoding('myset'), type);
    const all: string[] = [];
    for (const n of ['11', '9', '0', '4', '1', '0', '1', '0']) all.push(...((await c.call('SPOP', 'myset', n)) as string[]));
    assert.deepEqual(all.sort(), [...contents].sort());
    assert.equal(await c.call('SCARD', 'myset'), 0);
  });
}

test('SPOP code paths: whole set (DEL), few (SREM each), most (SREM each, rebuilt set)', async () => {
  const content = Array.from({ length: 20 }, (_, i) => String(i + 1));
  await createSet('myset', content);
  let t = await traced('SPOP', 'myset', '30');
  assert.deepEqual((t.reply as string[]).sort(), [...content].sort());
  assert.deepEqual(t.propagated, [['DEL', 'myset']]);
  assert.deepEqual(t.events, ['spop:myset', 'del:myset']);
  assert.equal(t.dirty, 20);
  assert.equal(exists('myset'), false);

  await createSet('myset', content);
  t = await traced('SPOP', 'myset', '2');
  const two = t.reply as string[];
  assert.equal(two.length, 2);
  assert.equal(await c.call('SCARD', 'myset'), 18);
  // Several effects of one command go out as one MULTI/EXEC unit, as in Redis 7.0's AOF.
  assert.deepEqual(t.propagated, [['MULTI'], ...two.map((m) => ['SREM', 'myset', m]), ['EXEC']]);
  assert.deepEqual(t.events, ['spop:myset']);
  assert.equal(t.dirty, 2);
  assert.deepEqual([...((await c.call('SMEMBERS', 'myset')) as string[]), ...two].sort(), [...content].sort());

  await createSet('myset', content);
  amber.server.store.db(0).setExpire('myset', Date.now() + 100000);
  t = await traced('SPOP', 'myset', '18');
  const most = t.reply as string[];
  assert.equal(most.length, 18);
  assert.equal(await c.call('SCARD', 'myset'), 2);
  assert.deepEqual(t.propagated, [['MULTI'], ...most.map((m) => ['SREM', 'myset', m]), ['EXEC']]);
  assert.deepEqual([...((await c.call('SMEMBERS', 'myset')) as string[]), ...most].sort(), [...content].sort());
  assert.notEqual(amber.server.store.db(0).getExpire('myset'), undefined, 'the rebuilt set keeps the TTL');
});

test('SPOP without count propagates SREM of the member and deletes the emptied set', async () => {
  await createSet('one', ['x']);
  const t = await traced('SPOP', 'one');
  assert.equal(t.reply, 'x');
  assert.deepEqual(t.propagated, [['SREM', 'one', 'x']]);
  assert.deepEqual(t.events, ['spop:one', 'del:one']);
  assert.equal(exists('one'), false);
  const none = await traced('SPOP', 'one');
  assert.equal(none.reply, null);
  assert.deepEqual(none.propagated, []);
});

test('SPOP and SRANDMEMBER argument errors', async () => {
  await createSet('myset', ['a']);
  assert.equal(errorText(await c.call('SPOP', 'myset', '-1')), 'ERR value is out of range, must be positive');
  assert.equal(errorText(await c.call('SPOP', 'myset', 'x')), 'ERR value is out of range, must be positive');
  assert.equal(errorText(await c.call('SPOP', 'myset', '1', '2')), 'ERR syntax error');
  assert.equal(errorText(await c.call('SRANDMEMBER', 'myset', '1', '2')), 'ERR syntax error');
  assert.equal(errorText(await c.call('SRANDMEMBER', 'myset', 'x')), 'ERR value is not an integer or out of range');
  assert.equal(
    errorText(await c.call('SRANDMEMBER', 'myset', '-9223372036854775808')),
    'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
  );
  assert.equal(await c.callRaw('SRANDMEMBER', 'myset', '0'), '*0\r\n');
  assert.equal(await c.callRaw('SPOP', 'myset', '0'), '*0\r\n');
  assert.equal(await c.call('SCARD', 'myset'), 1);
});

for (const [type, contents] of [
  ['hashtable', Array.from({ length: 50 }, (_, i) => 'm' + i)],
  ['intset', Array.from({ length: 50 }, (_, i) => String(i * 7))],
] as const) {
  test(`SRANDMEMBER with <count> - ${type}`, async () => {
    await createSet('myset', contents);
    assert.equal(encoding('myset'), type);
    const all = new Set<string>(contents);
    // Negative counts repeat members.
    for (const n of [-1, -20, -1001]) {
      const res = (await c.call('SRANDMEMBER', 'myset', String(n))) as string[];
      assert.equal(res.length, -n);
      for (const m of res) assert.ok(all.has(m));
    }
    // Counts at or over the size: the whole set.
    for (const n of [50, 100]) assert.deepEqual(await sorted('SRANDMEMBER', 'myset', String(n)), [...contents].sort());
    // Counts under the size: distinct members, each member eventually.
    for (const n of [45, 5]) {
      const seen = new Set<string>();
      for (let i = 0; i < 200 && seen.size < 50; i++) {
        const res = (await c.call('SRANDMEMBER', 'myset', String(n))) as string[];
        assert.equal(res.length, n);
        assert.equal(new Set(res).size, n);
        for (const m of res) {
          assert.ok(all.has(m));
          seen.add(m);
        }
      }
      assert.equal(seen.size, 50);
    }
  });
}

test('SRANDMEMBER picks are spread evenly (chi-square)', async () => {
  await createSet('hist', Array.from({ length: 20 }, (_, i) => 'e' + i));
  const counts = new Map<string, number>();
  for (let i = 0; i < 100; i++) {
    for (const m of (await c.call('SRANDMEMBER', 'hist', '-100')) as string[]) counts.set(m, (counts.get(m) ?? 0) + 1);
  }
  let chi = 0;
  for (const n of counts.values()) chi += (n - 500) ** 2 / 500;
  assert.equal(counts.size, 20);
  assert.ok(chi < 60, `chi-square ${chi} (19 degrees of freedom)`);
});

test('random picks on a large set are fast and touch the whole set', async () => {
  const members = Array.from({ length: 100000 }, (_, i) => 'member:' + i);
  amber.server.store.db(0).delete('huge');
  for (let i = 0; i < members.length; i += 10000) await c.call('SADD', 'huge', ...members.slice(i, i + 10000));
  const start = performance.now();
  const picks = (await c.call('SRANDMEMBER', 'huge', '-20000')) as string[];
  const distinct = (await c.call('SRANDMEMBER', 'huge', '20000')) as string[];
  const popped: string[] = [];
  for (let i = 0; i < 200; i++) popped.push(...((await c.call('SPOP', 'huge', '50')) as string[]));
  const ms = performance.now() - start;
  assert.ok(ms < 5000, `took ${ms} ms`);
  assert.equal(new Set(distinct).size, 20000);
  const buckets = new Set(picks.map((m) => Math.floor(Number(m.slice(7)) / 10000)));
  assert.equal(buckets.size, 10, 'picks come from every part of the set');
  assert.equal(new Set(popped).size, 10000);
  assert.equal(await c.call('SCARD', 'huge'), 90000);
});

test('SMOVE between encodings, to new keys, with identical keys and wrong types (set.tcl)', async () => {
  const setup = async (): Promise<void> => {
    const db = amber.server.store.db(0);
    db.delete('myset3');
    await createSet('myset1', ['1', 'a', 'b']);
    await createSet('myset2', ['2', '3', '4']);
  };
  await setup();
  assert.equal(await c.call('SMOVE', 'myset1', 'myset2', 'a'), 1);
  assert.deepEqual(await sorted('SMEMBERS', 'myset1'), ['1', 'b']);
  assert.deepEqual(await sorted('SMEMBERS', 'myset2'), ['2', '3', '4', 'a']);
  assert.equal(encoding('myset2'), 'hashtable');
  await setup();
  assert.equal(await c.call('SMOVE', 'myset1', 'myset2', '1'), 1);
  assert.equal(encoding('myset2'), 'intset');
  await setup();
  assert.equal(await c.call('SMOVE', 'myset2', 'myset1', '2'), 1);
  assert.deepEqual(await sorted('SMEMBERS', 'myset1'), ['1', '2', 'a', 'b']);
  await setup();
  assert.equal(await c.call('SMOVE', 'myset1', 'myset2', 'foo'), 0);
  assert.equal(await c.call('SMOVE', 'myset1', 'myset1', 'foo'), 0);
  assert.equal(await c.call('SMOVE', 'noset', 'myset2', 'foo'), 0);
  assert.equal(await c.call('SMOVE', 'myset1', 'myset3', 'a'), 1);
  assert.equal(encoding('myset3'), 'hashtable');
  await setup();
  assert.equal(await c.call('SMOVE', 'myset2', 'myset3', '2'), 1);
  assert.equal(encoding('myset3'), 'intset');
  await c.call('SET', 'x', '10');
  assert.equal(errorText(await c.call('SMOVE', 'x', 'myset2', 'foo')), WRONGTYPE);
  assert.equal(errorText(await c.call('SMOVE', 'myset2', 'x', 'foo')), WRONGTYPE);
  assert.equal(await c.call('SMOVE', 'noset', 'x', 'foo'), 0, 'a missing source answers 0 before the type check');
  await createSet('same', ['a', 'b', 'c']);
  assert.equal(await c.call('SMOVE', 'same', 'same', 'b'), 1);
  assert.deepEqual(await sorted('SMEMBERS', 'same'), ['a', 'b', 'c']);
});

test('SMOVE emits srem, del and sadd only for what changed', async () => {
  await createSet('src', ['a', 'b']);
  await createSet('dst', ['a']);
  let t = await traced('SMOVE', 'src', 'dst', 'a');
  assert.equal(t.reply, 1);
  assert.deepEqual(t.events, ['srem:src'], 'dst already had the member');
  assert.equal(t.dirty, 1);
  t = await traced('SMOVE', 'src', 'dst', 'b');
  assert.deepEqual(t.events, ['srem:src', 'del:src', 'sadd:dst']);
  assert.equal(t.dirty, 2);
  assert.equal(exists('src'), false);
  assert.deepEqual(await sorted('SMEMBERS', 'dst'), ['a', 'b']);
});

test('SSCAN: whole intset at once, full coverage of a hashtable, MATCH and COUNT', async () => {
  await createSet('ints', ['3', '1', '2']);
  assert.deepEqual(await c.call('SSCAN', 'ints', '0', 'COUNT', '1'), ['0', ['1', '2', '3']]);
  assert.deepEqual(await c.call('SSCAN', 'ints', '0', 'MATCH', '[12]'), ['0', ['1', '2']]);
  const members = Array.from({ length: 1000 }, (_, i) => 'key:' + i);
  await createSet('big', []);
  await c.call('SADD', 'big', ...members);
  const seen = new Set<string>();
  let cursor = '0';
  let calls = 0;
  do {
    const [next, items] = (await c.call('SSCAN', 'big', cursor, 'COUNT', '20')) as [string, string[]];
    items.forEach((m) => seen.add(m));
    cursor = next;
    calls++;
  } while (cursor !== '0');
  assert.equal(seen.size, 1000);
  assert.ok(calls > 10);
  const matched = new Set<string>();
  cursor = '0';
  do {
    const [next, items] = (await c.call('SSCAN', 'big', cursor, 'MATCH', 'key:1??', 'COUNT', '100')) as [string, string[]];
    items.forEach((m) => matched.add(m));
    cursor = next;
  } while (cursor !== '0');
  assert.deepEqual([...matched].sort(), members.filter((m) => /^key:1..$/.test(m)).sort());
});

test('SSCAN argument errors in Redis order: cursor, then key, then options', async () => {
  await createSet('s', ['a']);
  assert.equal(errorText(await c.call('SSCAN', 's', 'x')), 'ERR invalid cursor');
  assert.equal(errorText(await c.call('SSCAN', 's', ' 0')), 'ERR invalid cursor');
  assert.equal(errorText(await c.call('SSCAN', 's', '18446744073709551616')), 'ERR invalid cursor');
  assert.deepEqual(await c.call('SSCAN', 's', '18446744073709551615'), ['0', ['a']]);
  assert.deepEqual(await c.call('SSCAN', 's', ''), ['0', ['a']]);
  assert.equal(errorText(await c.call('SSCAN', 's', '0', 'COUNT', '0')), 'ERR syntax error');
  assert.equal(errorText(await c.call('SSCAN', 's', '0', 'COUNT', 'x')), 'ERR value is not an integer or out of range');
  assert.equal(errorText(await c.call('SSCAN', 's', '0', 'MATCH')), 'ERR syntax error');
  assert.equal(errorText(await c.call('SSCAN', 's', '0', 'TYPE', 'set')), 'ERR syntax error');
  assert.deepEqual(await c.call('SSCAN', 'nokey', '0', 'BAD'), ['0', []], 'a missing key answers before options are read');
});

test('RESP3 shapes: sets for SMEMBERS/SINTER/SUNION/SDIFF/SPOP count, arrays for SRANDMEMBER', async () => {
  await createSet('r3', ['1', '2']);
  await useProtocol(3);
  try {
    assert.equal(await c.callRaw('SMEMBERS', 'r3'), '~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    assert.equal(await c.callRaw('SMEMBERS', 'nokey'), '~0\r\n');
    assert.equal(await c.callRaw('SINTER', 'r3', 'nokey'), '~0\r\n');
    assert.equal(await c.callRaw('SUNION', 'r3'), '~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    assert.equal(await c.callRaw('SDIFF', 'r3', 'nokey'), '~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    assert.equal(await c.callRaw('SRANDMEMBER', 'r3', '5'), '*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    assert.equal(await c.callRaw('SRANDMEMBER', 'nokey'), '_\r\n');
    assert.equal(await c.callRaw('SPOP', 'nokey', '3'), '~0\r\n');
    assert.equal(await c.callRaw('SPOP', 'r3', '0'), '~0\r\n');
    assert.ok((await c.callRaw('SPOP', 'r3', '1')).startsWith('~1\r\n'));
    assert.equal(await c.callRaw('SMISMEMBER', 'r3', 'nope'), '*1\r\n:0\r\n');
  } finally {
    await useProtocol(2);
  }
});
