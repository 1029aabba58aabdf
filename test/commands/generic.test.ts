/**
 * Generic keyspace commands against an embedded Amber with a controllable clock: replies,
 * errors, keyspace events, dirty counts and propagated effects, with edge cases from
 * Redis's tests/unit/keyspace.tcl and scan.tcl. Expiry commands are in expire.test.ts.
 */

import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAmber, waitFor, type TestAmber } from '../helpers/servers.js';
import { onKeyspaceEvent } from '../helpers/observe.js';
import { ErrorReply, type TestClient } from '../helpers/resp.js';

/** The store's clock: tests move time by hand. */
const clock = {
  t: Date.now(),
  now(): number {
    return this.t;
  },
};

let amber: TestAmber;
let c: TestClient;
const events: string[] = [];
const propagated: string[][] = [];

before(async () => {
  amber = await startAmber({ clock, 'enable-debug-command': 'yes' });
  c = await amber.client();
  onKeyspaceEvent(amber.server, (_type, event, key, dbid) => events.push(`${event}:${key}@${dbid}`));
  amber.server.feeds.push((db, argv) => propagated.push([String(db), ...argv]));
  // Active expiry would race with the tests that look at expired-but-stored keys.
  assert.equal(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), 'OK');
});

after(async () => {
  await amber.stop();
});

beforeEach(async () => {
  await c.call('SELECT', '0');
  await c.call('FLUSHALL');
});

/** Runs a command and returns its reply with the events, propagation and dirty count it caused. */
async function traced(...args: string[]): Promise<{ reply: unknown; events: string[]; propagated: string[][]; dirty: number }> {
  events.length = 0;
  propagated.length = 0;
  const before = amber.server.store.dirty;
  const reply = await c.call(...args);
  return { reply, events: [...events], propagated: propagated.map((a) => [...a]), dirty: amber.server.store.dirty - before };
}

function err(reply: unknown): string {
  assert.ok(reply instanceof ErrorReply, `expected an error, got ${JSON.stringify(reply)}`);
  return reply.message;
}

/** Sets keys with a TTL of ms from now, then moves the clock past it. */
async function setExpired(...keys: string[]): Promise<void> {
  for (const k of keys) {
    await c.call('SET', k, 'v');
    await c.call('PEXPIRE', k, '100');
  }
  clock.t += 1000;
}

// ---- DEL / UNLINK / EXISTS / TYPE / TOUCH ----

test('DEL removes the keys and replies how many existed', async () => {
  await c.call('SET', 'a', '1');
  await c.call('SET', 'b', '2');
  const r = await traced('DEL', 'a', 'b', 'nope', 'a');
  assert.equal(r.reply, 2);
  assert.deepEqual(r.events, ['del:a@0', 'del:b@0']);
  assert.equal(r.dirty, 2);
  assert.deepEqual(r.propagated, [['0', 'DEL', 'a', 'b', 'nope', 'a']]);
  assert.equal(await c.call('EXISTS', 'a', 'b'), 0);
});

test('DEL of only missing keys replies 0 and propagates nothing', async () => {
  const r = await traced('DEL', 'x', 'y');
  assert.equal(r.reply, 0);
  assert.equal(r.dirty, 0);
  assert.deepEqual(r.propagated, []);
});

test('DEL against an expired key replies 0; the expiry propagates its own DEL', async () => {
  await setExpired('gone');
  const r = await traced('DEL', 'gone');
  assert.equal(r.reply, 0);
  assert.deepEqual(r.events, ['expired:gone@0']);
  assert.deepEqual(r.propagated, [['0', 'DEL', 'gone']]);
});

test('UNLINK deletes like DEL and propagates as UNLINK', async () => {
  await c.call('SET', 'a', '1');
  const r = await traced('UNLINK', 'a', 'b');
  assert.equal(r.reply, 1);
  assert.deepEqual(r.events, ['del:a@0']);
  assert.deepEqual(r.propagated, [['0', 'UNLINK', 'a', 'b']]);
});

test('DEL and UNLINK need a key', async () => {
  assert.equal(err(await c.call('DEL')), "ERR wrong number of arguments for 'del' command");
  assert.equal(err(await c.call('UNLINK')), "ERR wrong number of arguments for 'unlink' command");
});

test('EXISTS counts every named key that exists, repeats included', async () => {
  await c.call('SET', 'a', '1');
  await c.call('SET', '', 'empty name');
  assert.equal(await c.call('EXISTS', 'a', 'a', 'b', ''), 3);
  assert.equal(await c.call('EXISTS', 'nope'), 0);
});

test('EXISTS and TYPE count keyspace hits and misses', async () => {
  const stats = amber.server.store.stats;
  await c.call('SET', 'a', '1');
  const hits = stats.keyspaceHits;
  const misses = stats.keyspaceMisses;
  await c.call('EXISTS', 'a', 'b');
  await c.call('TYPE', 'b');
  assert.equal(stats.keyspaceHits - hits, 1);
  assert.equal(stats.keyspaceMisses - misses, 2);
});

test('TYPE names every type and none for a missing or expired key', async () => {
  await c.call('SET', 's', 'v');
  await c.call('HSET', 'h', 'f', 'v');
  await c.call('SADD', 'st', 'm');
  await c.call('ZADD', 'z', '1', 'm');
  assert.equal(await c.callRaw('TYPE', 's'), '+string\r\n');
  assert.equal(await c.callRaw('TYPE', 'h'), '+hash\r\n');
  assert.equal(await c.callRaw('TYPE', 'st'), '+set\r\n');
  assert.equal(await c.callRaw('TYPE', 'z'), '+zset\r\n');
  assert.equal(await c.callRaw('TYPE', 'nope'), '+none\r\n');
  await setExpired('old');
  assert.equal(await c.callRaw('TYPE', 'old'), '+none\r\n');
});

test('TOUCH counts the existing keys', async () => {
  await c.call('SET', 'a', '1');
  await c.call('SET', 'b', '1');
  assert.equal(await c.call('TOUCH', 'a', 'b', 'c'), 2);
  assert.equal(err(await c.call('TOUCH')), "ERR wrong number of arguments for 'touch' command");
});

// ---- KEYS / SCAN / RANDOMKEY / DBSIZE ----

test('KEYS returns the keys matching a glob pattern', async () => {
  for (const k of ['key_x', 'key_y', 'key_z', 'foo_a', 'foo_b', 'foo_c']) await c.call('SET', k, 'hello');
  assert.deepEqual(((await c.call('KEYS', 'foo*')) as string[]).sort(), ['foo_a', 'foo_b', 'foo_c']);
  assert.deepEqual(((await c.call('KEYS', '*')) as string[]).sort(), ['foo_a', 'foo_b', 'foo_c', 'key_x', 'key_y', 'key_z']);
  assert.deepEqual(((await c.call('KEYS', 'key_[xz]')) as string[]).sort(), ['key_x', 'key_z']);
  assert.deepEqual(await c.call('KEYS', 'nothing*'), []);
});

test('KEYS * lists an empty key name but ** does not (Redis stringmatch quirk)', async () => {
  await c.call('SET', '', 'v');
  assert.deepEqual(await c.call('KEYS', '*'), ['']);
  assert.deepEqual(await c.call('KEYS', '**'), []);
});

test('KEYS skips expired keys without deleting them', async () => {
  await c.call('SET', 'live', 'v');
  await setExpired('dead');
  const r = await traced('KEYS', '*');
  assert.deepEqual(r.reply, ['live']);
  assert.deepEqual(r.propagated, []);
  assert.equal(await c.call('DBSIZE'), 2);
});

test('KEYS with a pathological pattern answers quickly', async () => {
  await c.call('SET', 'a'.repeat(40), '1');
  assert.deepEqual(await c.call('KEYS', 'a*'.repeat(20) + 'b'), []);
});

/** Runs a full SCAN with the given options; returns every key seen (with repeats) and the calls made. */
async function scanAll(...opts: string[]): Promise<{ keys: string[]; calls: number }> {
  let cursor = '0';
  const keys: string[] = [];
  let calls = 0;
  do {
    const [next, batch] = (await c.call('SCAN', cursor, ...opts)) as [string, string[]];
    calls++;
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return { keys, calls };
}

test('SCAN walks every key exactly as the cursor says', async () => {
  for (let i = 0; i < 1000; i++) await c.call('SET', `key:${i}`, String(i));
  const all = await scanAll();
  assert.equal(new Set(all.keys).size, 1000);
  const small = await scanAll('COUNT', '5');
  assert.equal(new Set(small.keys).size, 1000);
  const big = await scanAll('COUNT', '400');
  assert.equal(new Set(big.keys).size, 1000);
  assert.ok(small.calls > big.calls, `COUNT 5 took ${small.calls} calls, COUNT 400 ${big.calls}`);
});

test('SCAN MATCH and TYPE filter the returned keys', async () => {
  for (let i = 0; i < 1000; i++) await c.call('SET', `key:${i}`, String(i));
  await c.call('HSET', 'key:hash', 'f', 'v');
  assert.equal(new Set((await scanAll('MATCH', 'key:1??')).keys).size, 100);
  assert.deepEqual((await scanAll('TYPE', 'hash')).keys, ['key:hash']);
  assert.deepEqual((await scanAll('TYPE', 'list')).keys, []);
  assert.equal(new Set((await scanAll('type', 'STRING', 'match', 'key:*', 'count', '10')).keys).size, 1000);
});

test('SCAN skips and deletes expired keys', async () => {
  await c.call('SET', 'live', 'v');
  await setExpired('dead');
  events.length = 0;
  propagated.length = 0;
  assert.deepEqual((await scanAll()).keys, ['live']);
  assert.deepEqual(events, ['expired:dead@0']);
  assert.deepEqual(propagated, [['0', 'DEL', 'dead']]);
  assert.equal(await c.call('DBSIZE'), 1);
});

test('SCAN returns every key present for the whole scan while others come and go', async () => {
  for (let i = 0; i < 500; i++) await c.call('SET', `stay:${i}`, 'v');
  for (let i = 0; i < 500; i++) await c.call('SET', `churn:${i}`, 'v');
  let seed = 42;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const seen = new Set<string>();
  let cursor = '0';
  let added = 0;
  do {
    const [next, batch] = (await c.call('SCAN', cursor, 'COUNT', '7')) as [string, string[]];
    cursor = next;
    for (const k of batch) seen.add(k);
    // Grow the table (forcing resizes) and shrink it again while scanning.
    for (let j = 0; j < 20; j++) {
      await c.call('SET', `added:${added++}`, 'v');
      await c.call('DEL', `churn:${rnd(500)}`);
    }
  } while (cursor !== '0');
  for (let i = 0; i < 500; i++) assert.ok(seen.has(`stay:${i}`), `stay:${i} missed`);
});

test('SCAN cursors parse as Redis strtoul does', async () => {
  await c.call('SET', 'k', 'v');
  for (const bad of [' 1', '1 ', '1x', '-', '+', '0x10', '18446744073709551616']) {
    assert.equal(err(await c.call('SCAN', bad)), 'ERR invalid cursor', `cursor ${JSON.stringify(bad)}`);
  }
  for (const ok of ['', '0', '+0', '-0', '18446744073709551615']) {
    const r = (await c.call('SCAN', ok)) as [string, string[]];
    assert.ok(Array.isArray(r[1]), `cursor ${JSON.stringify(ok)}`);
  }
});

test('SCAN option errors are Redis’s', async () => {
  assert.equal(err(await c.call('SCAN', '0', 'COUNT', '0')), 'ERR syntax error');
  assert.equal(err(await c.call('SCAN', '0', 'COUNT', '-1')), 'ERR syntax error');
  assert.equal(err(await c.call('SCAN', '0', 'COUNT', 'x')), 'ERR value is not an integer or out of range');
  assert.equal(err(await c.call('SCAN', '0', 'MATCH')), 'ERR syntax error');
  assert.equal(err(await c.call('SCAN', '0', 'FOO', 'bar')), 'ERR syntax error');
  assert.equal(err(await c.call('SCAN')), "ERR wrong number of arguments for 'scan' command");
});

test('SCAN replies a bulk cursor and an array of keys', async () => {
  await c.call('SET', 'k', 'v');
  assert.equal(await c.callRaw('SCAN', '0'), '*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n');
});

test('RANDOMKEY returns a key, null for an empty or all-expired database', async () => {
  assert.equal(await c.callRaw('RANDOMKEY'), '$-1\r\n');
  await c.call('SET', 'foo', 'x');
  await c.call('SET', 'bar', 'y');
  const seen = new Set<unknown>();
  for (let i = 0; i < 100; i++) seen.add(await c.call('RANDOMKEY'));
  assert.deepEqual([...seen].sort(), ['bar', 'foo']);
  await c.call('FLUSHDB');
  await setExpired('e1', 'e2');
  assert.equal(await c.call('RANDOMKEY'), null);
  assert.equal(await c.call('DBSIZE'), 0);
});

test('DBSIZE counts the keys of the selected database', async () => {
  await c.call('SET', 'a', '1');
  await c.call('SELECT', '1');
  assert.equal(await c.call('DBSIZE'), 0);
  await c.call('SET', 'a', '1');
  await c.call('SET', 'b', '1');
  assert.equal(await c.call('DBSIZE'), 2);
});

// ---- RENAME / RENAMENX ----

test('RENAME moves the value, events rename_from then rename_to, one change', async () => {
  await c.call('SET', 'mykey', 'hello');
  const r = await traced('RENAME', 'mykey', 'mykey1');
  assert.equal(r.reply, 'OK');
  assert.deepEqual(r.events, ['rename_from:mykey@0', 'rename_to:mykey1@0']);
  assert.equal(r.dirty, 1);
  assert.deepEqual(r.propagated, [['0', 'RENAME', 'mykey', 'mykey1']]);
  assert.equal(await c.call('GET', 'mykey1'), 'hello');
  assert.equal(await c.call('EXISTS', 'mykey'), 0);
});

test('RENAME overwrites an existing destination; RENAMENX refuses', async () => {
  await c.call('SET', 'a', '1');
  await c.call('SET', 'b', '2');
  assert.equal(await c.call('RENAMENX', 'a', 'b'), 0);
  assert.equal(await c.call('GET', 'b'), '2');
  assert.equal(await c.call('RENAME', 'a', 'b'), 'OK');
  assert.equal(await c.call('GET', 'b'), '1');
  assert.equal(await c.call('RENAMENX', 'b', 'c'), 1);
  assert.equal(await c.call('GET', 'c'), '1');
});

test('RENAME of a missing key is an error, even onto itself', async () => {
  assert.equal(err(await c.call('RENAME', 'nokey', 'foobar')), 'ERR no such key');
  assert.equal(err(await c.call('RENAME', 'nokey', 'nokey')), 'ERR no such key');
  assert.equal(err(await c.call('RENAMENX', 'nokey', 'x')), 'ERR no such key');
  await setExpired('old');
  assert.equal(err(await c.call('RENAME', 'old', 'new')), 'ERR no such key');
});

test('RENAME onto the same existing key is OK, RENAMENX 0, and nothing changes', async () => {
  await c.call('SET', 'mykey', 'foo');
  const r = await traced('RENAME', 'mykey', 'mykey');
  assert.equal(r.reply, 'OK');
  assert.equal(r.dirty, 0);
  assert.equal(await c.call('RENAMENX', 'mykey', 'mykey'), 0);
});

test('RENAME moves the TTL and drops the destination’s own', async () => {
  await c.call('SET', 'src', 'v');
  await c.call('EXPIRE', 'src', '100');
  await c.call('RENAME', 'src', 'dst');
  assert.equal(await c.call('TTL', 'dst'), 100);
  await c.call('SET', 'plain', 'v');
  await c.call('SET', 'volatile', 'v');
  await c.call('EXPIRE', 'volatile', '100');
  await c.call('RENAME', 'plain', 'volatile');
  assert.equal(await c.call('TTL', 'volatile'), -1);
});

test('RENAME keeps the value type and contents', async () => {
  await c.call('HSET', 'h', 'f1', 'v1', 'f2', 'v2');
  await c.call('RENAME', 'h', 'h2');
  assert.equal(await c.call('HGET', 'h2', 'f2'), 'v2');
  assert.equal(await c.callRaw('TYPE', 'h2'), '+hash\r\n');
});

// ---- MOVE ----

test('MOVE moves a key to another database with its TTL', async () => {
  await c.call('SET', 'mykey', 'foobar');
  await c.call('EXPIRE', 'mykey', '100');
  const r = await traced('MOVE', 'mykey', '10');
  assert.equal(r.reply, 1);
  assert.deepEqual(r.events, ['move_from:mykey@0', 'move_to:mykey@10']);
  assert.equal(r.dirty, 1);
  assert.equal(await c.call('EXISTS', 'mykey'), 0);
  await c.call('SELECT', '10');
  assert.equal(await c.call('GET', 'mykey'), 'foobar');
  assert.equal(await c.call('TTL', 'mykey'), 100);
  await c.call('FLUSHDB');
});

test('MOVE without a TTL creates none; a key already in the target stays', async () => {
  await c.call('SET', 'k', 'here');
  await c.call('SELECT', '1');
  await c.call('SET', 'k', 'there');
  await c.call('SELECT', '0');
  assert.equal(await c.call('MOVE', 'k', '1'), 0);
  assert.equal(await c.call('GET', 'k'), 'here');
  await c.call('SET', 'k2', 'v');
  assert.equal(await c.call('MOVE', 'k2', '1'), 1);
  await c.call('SELECT', '1');
  assert.equal(await c.call('TTL', 'k2'), -1);
});

test('MOVE errors: same database, bad index, missing key', async () => {
  await c.call('SET', 'k', 'v');
  assert.equal(err(await c.call('MOVE', 'k', '0')), 'ERR source and destination objects are the same');
  assert.equal(err(await c.call('MOVE', 'k', 'notanumber')), 'ERR value is not an integer or out of range');
  assert.equal(err(await c.call('MOVE', 'k', '16')), 'ERR DB index is out of range');
  assert.equal(err(await c.call('MOVE', 'k', '-1')), 'ERR DB index is out of range');
  assert.equal(err(await c.call('MOVE', 'k', '4294967296')), 'ERR value is out of range, value must between -2147483648 and 2147483647');
  assert.equal(await c.call('MOVE', 'nokey', '1'), 0);
});

// ---- COPY ----

test('COPY copies a string, within and across databases', async () => {
  await c.call('SET', 'mykey', 'foobar');
  const r = await traced('COPY', 'mykey', 'mynewkey');
  assert.equal(r.reply, 1);
  assert.deepEqual(r.events, ['copy_to:mynewkey@0']);
  assert.equal(r.dirty, 1);
  assert.equal(await c.call('GET', 'mynewkey'), 'foobar');
  assert.equal(await c.call('COPY', 'mykey', 'mynewkey', 'DB', '10'), 1);
  await c.call('SELECT', '10');
  assert.equal(await c.call('GET', 'mynewkey'), 'foobar');
  await c.call('FLUSHDB');
});

test('COPY does not overwrite without REPLACE', async () => {
  await c.call('SET', 'a', '1');
  await c.call('SET', 'b', '2');
  assert.equal(await c.call('COPY', 'a', 'b'), 0);
  assert.equal(await c.call('GET', 'b'), '2');
  assert.equal(await c.call('COPY', 'a', 'b', 'REPLACE'), 1);
  assert.equal(await c.call('GET', 'b'), '1');
  assert.equal(await c.call('COPY', 'missing', 'b'), 0);
});

test('COPY keeps the TTL and creates none when there is none', async () => {
  await c.call('SET', 'v', 'x');
  await c.call('EXPIRE', 'v', '100');
  await c.call('COPY', 'v', 'v2');
  assert.equal(await c.call('TTL', 'v2'), 100);
  await c.call('SET', 'p', 'x');
  await c.call('COPY', 'p', 'v2', 'REPLACE');
  assert.equal(await c.call('TTL', 'v2'), -1);
});

test('COPY of a collection is independent of the original', async () => {
  await c.call('HSET', 'h', 'f', 'v');
  await c.call('COPY', 'h', 'h2');
  await c.call('HSET', 'h2', 'f', 'changed', 'g', 'new');
  assert.equal(await c.call('HGET', 'h', 'f'), 'v');
  assert.equal(await c.call('HLEN', 'h'), 1);
  await c.call('SADD', 's', '1', '2', '3');
  await c.call('COPY', 's', 's2');
  await c.call('SREM', 's', '1');
  assert.equal(await c.call('SCARD', 's2'), 3);
  await c.call('ZADD', 'z', '1', 'a');
  await c.call('COPY', 'z', 'z2');
  await c.call('DEL', 'z');
  assert.equal(await c.call('ZSCORE', 'z2', 'a'), '1');
});

test('COPY errors: same key, bad DB, syntax', async () => {
  await c.call('SET', 'k', 'v');
  assert.equal(err(await c.call('COPY', 'k', 'k')), 'ERR source and destination objects are the same');
  assert.equal(err(await c.call('COPY', 'k', 'k', 'DB', '0')), 'ERR source and destination objects are the same');
  assert.equal(await c.call('COPY', 'k', 'k', 'DB', '1'), 1);
  assert.equal(err(await c.call('COPY', 'k', 'x', 'DB', 'notanumber')), 'ERR value is not an integer or out of range');
  assert.equal(err(await c.call('COPY', 'k', 'x', 'DB', '99')), 'ERR DB index is out of range');
  assert.equal(err(await c.call('COPY', 'k', 'x', 'DB')), 'ERR syntax error');
  assert.equal(err(await c.call('COPY', 'k', 'x', 'FOO')), 'ERR syntax error');
});

// ---- SWAPDB / FLUSHDB / FLUSHALL ----

test('SWAPDB exchanges two databases for every client', async () => {
  await c.call('SET', 'in0', 'a');
  await c.call('SELECT', '1');
  await c.call('SET', 'in1', 'b');
  const r = await traced('SWAPDB', '0', '1');
  assert.equal(r.reply, 'OK');
  assert.equal(r.dirty, 1);
  assert.deepEqual(r.propagated, [['1', 'SWAPDB', '0', '1']]);
  assert.equal(await c.call('GET', 'in0'), 'a');
  await c.call('SELECT', '0');
  assert.equal(await c.call('GET', 'in1'), 'b');
  assert.equal(await c.call('SWAPDB', '3', '3'), 'OK');
});

test('SWAPDB serves a client blocked on a key the swap brings in', async () => {
  await c.call('SELECT', '1');
  await c.call('ZADD', 'z', '1', 'm');
  await c.call('SELECT', '0');
  const waiter = await amber.client();
  waiter.send('BZPOPMIN', 'z', '0');
  await waitFor(() => amber.server.clients.size > 0 && [...amber.server.clients.values()].some((x) => x.blocked !== null), 5000, 'the client to block');
  assert.equal(await c.call('SWAPDB', '0', '1'), 'OK');
  assert.deepEqual(await waiter.read(), ['z', 'm', '1']);
  waiter.close();
});

test('RENAME and MOVE serve clients blocked on the destination key', async () => {
  // Redis's dbAdd signals the new key ready; checked with redis-server 7.0.15.
  const blocked = (): boolean => [...amber.server.clients.values()].some((x) => x.blocked !== null);
  await c.call('RPUSH', 'src', 'a', 'b');
  const waiter = await amber.client();
  waiter.send('BLPOP', 'dst', '0');
  await waitFor(blocked, 5000, 'the client to block');
  assert.equal(await c.call('RENAME', 'src', 'dst'), 'OK');
  assert.deepEqual(await waiter.read(), ['dst', 'a']);
  assert.deepEqual(await c.call('LRANGE', 'dst', '0', '-1'), ['b']);
  await waiter.call('SELECT', '1');
  waiter.send('BZPOPMIN', 'z', '0');
  await waitFor(blocked, 5000, 'the client to block');
  await c.call('ZADD', 'z', '1', 'm');
  assert.equal(await c.call('MOVE', 'z', '1'), 1);
  assert.deepEqual(await waiter.read(), ['z', 'm', '1']);
  waiter.close();
});

test('SWAPDB errors name the bad index', async () => {
  assert.equal(err(await c.call('SWAPDB', 'x', '1')), 'ERR invalid first DB index');
  assert.equal(err(await c.call('SWAPDB', '0', 'y')), 'ERR invalid second DB index');
  assert.equal(err(await c.call('SWAPDB', '0', '99999999999')), 'ERR invalid second DB index');
  assert.equal(err(await c.call('SWAPDB', '0', '16')), 'ERR DB index is out of range');
  assert.equal(err(await c.call('SWAPDB', '-1', '0')), 'ERR DB index is out of range');
});

test('SWAPDB makes a transaction watching a swapped key fail', async () => {
  await c.call('SET', 'w', '1');
  await c.call('WATCH', 'w');
  const other = await amber.client();
  assert.equal(await other.call('SWAPDB', '0', '1'), 'OK');
  await c.call('MULTI');
  await c.call('PING');
  assert.equal(await c.callRaw('EXEC'), '*-1\r\n');
  await other.call('SWAPDB', '0', '1');
  other.close();
});

test('FLUSHDB empties the current database only and is always propagated', async () => {
  await c.call('SET', 'a', '1');
  await c.call('SET', 'b', '1');
  await c.call('SELECT', '1');
  await c.call('SET', 'c', '1');
  await c.call('SELECT', '0');
  const r = await traced('FLUSHDB');
  assert.equal(r.reply, 'OK');
  assert.equal(r.dirty, 2);
  assert.deepEqual(r.propagated, [['0', 'FLUSHDB']]);
  assert.equal(await c.call('DBSIZE'), 0);
  await c.call('SELECT', '1');
  assert.equal(await c.call('DBSIZE'), 1);
  const empty = await traced('FLUSHDB', 'ASYNC');
  assert.equal(empty.dirty, 1);
  const again = await traced('FLUSHDB', 'sync');
  assert.deepEqual(again.propagated, [['1', 'FLUSHDB', 'sync']]);
});

test('FLUSHALL empties every database, runs the flush-all hooks, and is always propagated', async () => {
  await c.call('SET', 'a', '1');
  await c.call('SELECT', '5');
  await c.call('SET', 'b', '1');
  let hooks = 0;
  amber.server.flushAllHooks.push(() => hooks++);
  const r = await traced('FLUSHALL');
  amber.server.flushAllHooks.pop();
  assert.equal(r.reply, 'OK');
  assert.equal(hooks, 1);
  assert.equal(amber.server.store.keyCount, 0);
  assert.deepEqual(r.propagated, [['5', 'FLUSHALL']]);
  assert.deepEqual((await traced('FLUSHALL', 'ASYNC')).propagated, [['5', 'FLUSHALL', 'ASYNC']]);
});

test('FLUSHDB and FLUSHALL take only SYNC or ASYNC', async () => {
  assert.equal(err(await c.call('FLUSHDB', 'now')), 'ERR syntax error');
  assert.equal(err(await c.call('FLUSHALL', 'ASYNC', 'SYNC')), 'ERR syntax error');
});

test('FLUSHALL makes a transaction watching an existing key fail', async () => {
  await c.call('SET', 'w', '1');
  await c.call('WATCH', 'w');
  const other = await amber.client();
  await other.call('FLUSHALL');
  other.close();
  await c.call('MULTI');
  await c.call('PING');
  assert.equal(await c.callRaw('EXEC'), '*-1\r\n');
});

// ---- OBJECT ----

test('OBJECT ENCODING names string and collection encodings', async () => {
  await c.call('SET', 'i', '12345');
  await c.call('SET', 'e', 'short');
  await c.call('SET', 'r', 'x'.repeat(45));
  await c.call('HSET', 'h', 'f', 'v');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'i'), 'int');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'e'), 'embstr');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'r'), 'raw');
  assert.equal(await c.call('OBJECT', 'encoding', 'h'), 'listpack');
  assert.equal(await c.callRaw('OBJECT', 'ENCODING', 'nope'), '$-1\r\n');
});

test('OBJECT ENCODING of a string is raw after APPEND or SETRANGE, as Redis', async () => {
  // type/string.tcl "SETRANGE against integer-encoded key"; checked with redis-server 7.0.15.
  await c.call('SET', 'i', '1234');
  await c.call('SETRANGE', 'i', '0', '2');
  assert.equal(await c.call('GET', 'i'), '2234');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'i'), 'raw');
  await c.call('SET', 'j', '12');
  await c.call('APPEND', 'j', '3');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'j'), 'raw');
  assert.equal(await c.call('OBJECT', 'REFCOUNT', 'j'), 1); // not a shared integer once raw
  await c.call('SET', 'j', '123');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'j'), 'int');
  assert.equal(await c.call('OBJECT', 'REFCOUNT', 'j'), 2147483647);
});

test('RENAME, MOVE and COPY keep a raw string raw; a moved-in value replaces a raw one', async () => {
  // Redis moves (RENAME, MOVE) or duplicates (COPY) the object; checked with redis-server 7.0.15.
  const raw = async (key: string, text: string): Promise<void> => {
    await c.call('SET', key, text.slice(0, -1));
    await c.call('APPEND', key, text.slice(-1));
  };
  await raw('k', '12');
  await c.call('RENAME', 'k', 'k2');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'k2'), 'raw');
  await raw('m', '12');
  await c.call('COPY', 'm', 'm2');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'm2'), 'raw');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'm'), 'raw');
  await raw('n', '12');
  await c.call('MOVE', 'n', '3');
  await c.call('SELECT', '3');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'n'), 'raw');
  await c.call('FLUSHDB');
  await c.call('SELECT', '0');
  await raw('d', '123');
  await c.call('SET', 's', '123');
  await c.call('RENAME', 's', 'd');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'd'), 'int');
  await raw('e', '123');
  await c.call('SET', 't', '123');
  await c.call('COPY', 't', 'e', 'REPLACE');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'e'), 'int');
});

test('SWAPDB keeps raw strings raw in their new database', async () => {
  await c.call('SET', 'r', '12');
  await c.call('APPEND', 'r', '3');
  await c.call('SELECT', '4');
  await c.call('SET', 'r', '45');
  await c.call('APPEND', 'r', '6');
  await c.call('SET', 'i', '789');
  assert.equal(await c.call('SWAPDB', '0', '4'), 'OK');
  assert.equal(await c.call('GET', 'r'), '123');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'r'), 'raw');
  await c.call('SELECT', '0');
  assert.equal(await c.call('GET', 'r'), '456');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'r'), 'raw');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'i'), 'int');
  await c.call('SELECT', '4');
  await c.call('FLUSHDB');
  await c.call('SELECT', '0');
});

test('OBJECT REFCOUNT reports shared small integers as Redis 7.0 does', async () => {
  await c.call('SET', 'small', '100');
  await c.call('SET', 'big', '10000');
  await c.call('SET', 'neg', '-1');
  await c.call('SET', 'str', 'abc');
  await c.call('HSET', 'h', 'f', 'v');
  assert.equal(await c.call('OBJECT', 'REFCOUNT', 'small'), 2147483647);
  assert.equal(await c.call('OBJECT', 'REFCOUNT', 'big'), 1);
  assert.equal(await c.call('OBJECT', 'REFCOUNT', 'neg'), 1);
  assert.equal(await c.call('OBJECT', 'REFCOUNT', 'str'), 1);
  assert.equal(await c.call('OBJECT', 'REFCOUNT', 'h'), 1);
  assert.equal(await c.callRaw('OBJECT', 'REFCOUNT', 'nope'), '$-1\r\n');
  // An LRU/LFU policy with a memory limit stops sharing.
  const config = amber.server.config;
  config.set('maxmemory-policy', 'allkeys-lru');
  config.set('maxmemory', '1000000000');
  try {
    assert.equal(await c.call('OBJECT', 'REFCOUNT', 'small'), 1);
  } finally {
    config.set('maxmemory', '0');
    config.set('maxmemory-policy', 'noeviction');
  }
});

test('OBJECT FREQ needs an LFU policy; IDLETIME refuses one', async () => {
  await c.call('SET', 'k', 'v');
  assert.equal(
    err(await c.call('OBJECT', 'FREQ', 'k')),
    'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  );
  assert.equal(await c.call('OBJECT', 'IDLETIME', 'k'), 0);
  const config = amber.server.config;
  config.set('maxmemory-policy', 'allkeys-lfu');
  try {
    assert.equal(typeof (await c.call('OBJECT', 'FREQ', 'k')), 'number');
    assert.equal(
      err(await c.call('OBJECT', 'IDLETIME', 'k')),
      'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
  } finally {
    config.set('maxmemory-policy', 'noeviction');
  }
});

test('OBJECT HELP, unknown subcommands and arity', async () => {
  const help = (await c.call('object', 'help')) as string[];
  assert.equal(help[0], 'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
  assert.equal(help.length, 15);
  assert.equal(help[help.length - 2], 'HELP');
  assert.equal(err(await c.call('OBJECT', 'FOO', 'k')), 'ERR unknown subcommand \'FOO\'. Try OBJECT HELP.');
  assert.equal(err(await c.call('OBJECT', 'ENCODING')), "ERR wrong number of arguments for 'object|encoding' command");
  assert.equal(err(await c.call('OBJECT')), "ERR wrong number of arguments for 'object' command");
});

test('OBJECT does not emit keymiss events', async () => {
  const config = amber.server.config;
  config.set('notify-keyspace-events', 'KEm');
  try {
    events.length = 0;
    await c.call('OBJECT', 'ENCODING', 'nope');
    assert.deepEqual(events, []);
    await c.call('EXISTS', 'nope');
    assert.deepEqual(events, ['keymiss:nope@0']);
  } finally {
    config.set('notify-keyspace-events', '');
  }
});

// ---- DEBUG SET-ACTIVE-EXPIRE ----

test('DEBUG SET-ACTIVE-EXPIRE takes exactly one argument', async () => {
  assert.equal(err(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE')), "ERR unknown subcommand or wrong number of arguments for 'SET-ACTIVE-EXPIRE'. Try DEBUG HELP.");
  assert.equal(await c.call('DEBUG', 'set-active-expire', '0'), 'OK');
});

// ---- access data: OBJECT IDLETIME / FREQ, TOUCH, RESTORE IDLETIME / FREQ ----

test('OBJECT IDLETIME counts the seconds since the last touching access: EXISTS, TYPE, TTL, SCAN TYPE and OBJECT do not touch; TOUCH, GET and SET do', async () => {
  assert.equal(await c.call('SET', 'idle', 'v'), 'OK');
  assert.equal(await c.call('OBJECT', 'IDLETIME', 'idle'), 0);
  clock.t += 10_000;
  assert.equal(await c.call('OBJECT', 'IDLETIME', 'idle'), 10);
  assert.equal(await c.call('EXISTS', 'idle'), 1);
  assert.equal(await c.call('TYPE', 'idle'), 'string');
  assert.equal(await c.call('TTL', 'idle'), -1);
  assert.equal(await c.call('PTTL', 'idle'), -1);
  await c.call('SCAN', '0', 'TYPE', 'string');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'idle'), 'embstr');
  assert.match((await c.call('DEBUG', 'OBJECT', 'idle')) as string, / lru_seconds_idle:10$/);
  assert.equal(await c.call('OBJECT', 'IDLETIME', 'idle'), 10, 'nothing above touched the key');
  assert.equal(await c.call('TOUCH', 'idle', 'missing'), 1);
  assert.equal(await c.call('OBJECT', 'IDLETIME', 'idle'), 0);
  clock.t += 5000;
  assert.equal(await c.call('GET', 'idle'), 'v');
  assert.equal(await c.call('OBJECT', 'IDLETIME', 'idle'), 0);
  clock.t += 7000;
  assert.equal(await c.call('OBJECT', 'IDLETIME', 'idle'), 7);
  assert.equal(await c.call('SET', 'idle', 'w'), 'OK');
  assert.equal(await c.call('OBJECT', 'IDLETIME', 'idle'), 0);
  assert.equal(await c.callRaw('OBJECT', 'IDLETIME', 'missing'), '$-1\r\n');
});

test('RESTORE IDLETIME gives the key that idle time; under an LFU policy FREQ sets the counter, which OBJECT FREQ reads with its decay', async () => {
  assert.equal(await c.call('SET', 'src', 'v'), 'OK');
  const payload = (await c.call('DUMP', 'src')) as string;
  assert.equal(await c.call('RESTORE', 'lru', '0', payload, 'IDLETIME', '1000'), 'OK');
  assert.equal(await c.call('OBJECT', 'IDLETIME', 'lru'), 1000);
  // FREQ is ignored without an LFU policy: the key is new.
  assert.equal(await c.call('RESTORE', 'lru2', '0', payload, 'FREQ', '100'), 'OK');
  assert.equal(await c.call('OBJECT', 'IDLETIME', 'lru2'), 0);
  assert.equal(await c.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'), 'OK');
  try {
    assert.equal(await c.call('RESTORE', 'lfu', '0', payload, 'FREQ', '100'), 'OK');
    assert.equal(await c.call('OBJECT', 'FREQ', 'lfu'), 100);
    assert.equal(await c.call('SET', 'fresh', 'v'), 'OK');
    assert.equal(await c.call('OBJECT', 'FREQ', 'fresh'), 5, 'LFU_INIT_VAL');
    // IDLETIME is ignored under LFU: the key starts at the initial counter.
    assert.equal(await c.call('RESTORE', 'lfu2', '0', payload, 'IDLETIME', '50'), 'OK');
    assert.equal(await c.call('OBJECT', 'FREQ', 'lfu2'), 5);
    // lfu-decay-time 1: one point per idle minute.
    clock.t += 3 * 60_000;
    assert.equal(await c.call('OBJECT', 'FREQ', 'lfu'), 97);
    assert.equal(await c.call('CONFIG', 'SET', 'lfu-decay-time', '0'), 'OK');
    assert.equal(await c.call('OBJECT', 'FREQ', 'lfu'), 100, 'no decay');
    // Touches raise a counter (logarithmically: with lfu-log-factor 0 every touch counts).
    assert.equal(await c.call('CONFIG', 'SET', 'lfu-log-factor', '0'), 'OK');
    for (let i = 0; i < 10; i++) await c.call('GET', 'fresh');
    assert.equal(await c.call('OBJECT', 'FREQ', 'fresh'), 15);
    // A new value keeps the counter under LFU (Redis's dbOverwrite), after SET's lookup
    // touched it. (The figures are redis-server 7.0.15's for the same commands.)
    assert.equal(await c.call('SET', 'fresh', 'w'), 'OK');
    assert.equal(await c.call('OBJECT', 'FREQ', 'fresh'), 16);
    // RENAME and MOVE move the object: the counter goes with it (plus their own touch).
    assert.equal(await c.call('RENAME', 'fresh', 'renamed'), 'OK');
    assert.equal(await c.call('OBJECT', 'FREQ', 'renamed'), 17);
    assert.equal(await c.call('MOVE', 'renamed', '1'), 1);
    assert.equal(await c.call('SELECT', '1'), 'OK');
    assert.equal(await c.call('OBJECT', 'FREQ', 'renamed'), 18);
    assert.equal(await c.call('SELECT', '0'), 'OK');
    // One touch per command, as redis-server 7.0.15 counts them for the same sequence
    // (it looks the key up before replacing a value; Amber's handlers do not always).
    const counts: number[] = [];
    for (const cmd of [['SET', 's', 'abc'], ['APPEND', 's', 'x'], ['SET', 's', 'vv', 'XX'], ['SET', 's', 'ww', 'GET'], ['SETRANGE', 's', '0', 'q'], ['SET', 's', 'plain'], ['STRLEN', 's']]) {
      await c.call(...cmd);
      counts.push((await c.call('OBJECT', 'FREQ', 's')) as number);
    }
    assert.deepEqual(counts, [5, 6, 7, 9, 10, 11, 12]);
    await c.call('SETEX', 'e', '100', 'v');
    await c.call('SETEX', 'e', '100', 'w');
    assert.equal(await c.call('OBJECT', 'FREQ', 'e'), 6);
  } finally {
    await c.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    await c.call('CONFIG', 'SET', 'lfu-decay-time', '1');
    await c.call('CONFIG', 'SET', 'lfu-log-factor', '10');
  }
});

test('while a background save runs, lookups touch nothing (Redis: while a child process exists)', async () => {
  for (let i = 0; i < 20; i++) await c.call('SET', `walk:${i}`, 'v');
  assert.equal(await c.call('SET', 'frozen', 'v'), 'OK');
  clock.t += 10_000;
  assert.equal(await c.call('CONFIG', 'SET', 'rdb-key-save-delay', '100000'), 'OK');
  try {
    assert.equal(await c.call('BGSAVE'), 'Background saving started');
    await waitFor(() => amber.server.store.access.frozen, 2000, 'the cron to see the save');
    assert.equal(await c.call('GET', 'frozen'), 'v');
    assert.equal(await c.call('OBJECT', 'IDLETIME', 'frozen'), 10, 'not touched during the save');
  } finally {
    await c.call('CONFIG', 'SET', 'rdb-key-save-delay', '0');
  }
  await waitFor(() => !amber.server.backgroundSaveRunning() && !amber.server.store.access.frozen, 10_000, 'the save to end');
  assert.equal(await c.call('GET', 'frozen'), 'v');
  assert.equal(await c.call('OBJECT', 'IDLETIME', 'frozen'), 0);
});
