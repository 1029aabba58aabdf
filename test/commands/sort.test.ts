/**
 * SORT and SORT_RO against an embedded Amber, with cases from Redis's tests/unit/sort.tcl:
 * numeric and ALPHA order, BY (keys, hash fields, constants), GET, LIMIT, STORE, errors and
 * the encoding side effect on sorted sets. List inputs are covered when the list commands
 * are present in the build.
 */

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAmber, type TestAmber } from '../helpers/servers.js';
import { onKeyspaceEvent } from '../helpers/observe.js';
import { ErrorReply, type RespValue, type TestClient } from '../helpers/resp.js';
import { commands } from '../../src/commands/sort.js';

let amber: TestAmber;
let c: TestClient;
let lists = false;
const events: string[] = [];

before(async () => {
  amber = await startAmber();
  c = await amber.client();
  onKeyspaceEvent(amber.server, (_type, event, key) => events.push(`${event}:${key}`));
  lists = !String(await c.call('RPUSH', 'probe', 'x')).startsWith('ERR unknown command');
});

after(async () => {
  await amber.stop();
});

function isErr(v: RespValue, text: string): void {
  assert.ok(v instanceof ErrorReply, `expected an error, got ${JSON.stringify(v)}`);
  assert.equal(v.message, text);
}

function encoding(key: string): string | undefined {
  const v = amber.server.store.db(0).dict.get(key);
  return v === undefined || typeof v === 'string' ? undefined : v.encoding();
}

/** The elements of a stored list, read back through SORT ... BY nosort. */
async function listAt(key: string): Promise<RespValue> {
  return c.call('SORT', key, 'BY', 'nosort');
}

async function weights(): Promise<void> {
  await c.call('FLUSHALL');
  await c.call('SADD', 's', 'a', 'b', 'c', 'd');
  await c.call('MSET', 'w_a', '3', 'w_b', '1', 'w_c', '2', 'o_a', 'A', 'o_b', 'B');
  await c.call('HSET', 'h_a', 'f', '30');
  await c.call('HSET', 'h_b', 'f', '10');
  await c.call('HSET', 'h_c', 'f', '20');
  await c.call('HSET', 'h_d', 'f', '40');
}

test('sorts a set numerically, ascending and descending, with LIMIT', async () => {
  await c.call('DEL', 'n');
  await c.call('SADD', 'n', '10', '-3', '2.5', '7', '0');
  assert.deepEqual(await c.call('SORT', 'n'), ['-3', '0', '2.5', '7', '10']);
  assert.deepEqual(await c.call('SORT', 'n', 'DESC'), ['10', '7', '2.5', '0', '-3']);
  assert.deepEqual(await c.call('SORT', 'n', 'LIMIT', 1, 2), ['0', '2.5']);
  assert.deepEqual(await c.call('SORT', 'n', 'LIMIT', -5, 2), ['-3', '0']);
  assert.deepEqual(await c.call('SORT', 'n', 'LIMIT', 3, -1), ['7', '10']);
  assert.deepEqual(await c.call('SORT', 'n', 'LIMIT', 10, 2), []);
  assert.deepEqual(await c.call('SORT', 'n', 'LIMIT', 0, 0), []);
});

test('sorts ALPHA bytewise', async () => {
  await c.call('DEL', 'w');
  await c.call('SADD', 'w', 'pear', 'Apple', 'banana', 'apple');
  assert.deepEqual(await c.call('SORT', 'w', 'ALPHA'), ['Apple', 'apple', 'banana', 'pear']);
  assert.deepEqual(await c.call('SORT', 'w', 'ALPHA', 'DESC', 'LIMIT', 0, 2), ['pear', 'banana']);
});

test('refuses values that are not doubles', async () => {
  await c.call('DEL', 'bad');
  await c.call('SADD', 'bad', '1', 'x', '3');
  isErr(await c.call('SORT', 'bad'), "ERR One or more scores can't be converted into double");
  await c.call('DEL', 'bad');
  await c.call('SADD', 'bad', '1e-310');
  isErr(await c.call('SORT', 'bad'), "ERR One or more scores can't be converted into double");
  // strtod rules: leading spaces, hex and the empty string are numbers
  await c.call('DEL', 'odd');
  await c.call('SADD', 'odd', ' 5', '0x10', '', '3');
  assert.deepEqual(await c.call('SORT', 'odd'), ['', '3', ' 5', '0x10']);
});

test('BY a key pattern, BY a hash field, missing weights count as 0', async () => {
  await weights();
  assert.deepEqual(await c.call('SORT', 's', 'BY', 'w_*'), ['d', 'b', 'c', 'a']);
  assert.deepEqual(await c.call('SORT', 's', 'BY', 'h_*->f', 'DESC'), ['d', 'a', 'c', 'b']);
  assert.deepEqual(await c.call('SORT', 's', 'BY', 'w_*', 'LIMIT', 1, 2), ['b', 'c']);
  // ALPHA with BY: elements without a weight key come first
  assert.deepEqual(await c.call('SORT', 's', 'BY', 'o_*', 'ALPHA'), ['c', 'd', 'a', 'b']);
});

test('GET fetches keys, hash fields and the element itself (#), null when missing', async () => {
  await weights();
  assert.deepEqual(await c.call('SORT', 's', 'BY', 'w_*', 'GET', '#', 'GET', 'w_*', 'GET', 'h_*->f'), [
    'd', null, '40',
    'b', '1', '10',
    'c', '2', '20',
    'a', '3', '30',
  ]);
  assert.deepEqual(await c.call('SORT', 's', 'BY', 'w_*', 'GET', 'o_*', 'LIMIT', 0, 2), [null, 'B']);
  // A GET pattern without '*' names no key
  assert.deepEqual(await c.call('SORT', 's', 'BY', 'w_*', 'GET', 'w_a', 'LIMIT', 0, 1), [null]);
  // "->" at the end is part of the key name
  assert.deepEqual(await c.call('SORT', 's', 'BY', 'w_*', 'GET', 'w_*->', 'LIMIT', 0, 1), [null]);
});

test('a sorted set sorts by member value; BY nosort keeps its order, DESC reverses it', async () => {
  await c.call('DEL', 'z');
  await c.call('ZADD', 'z', 1, '30', 2, '10', 3, '20', '-inf', '5', 'inf', '1');
  assert.deepEqual(await c.call('SORT', 'z'), ['1', '5', '10', '20', '30']);
  assert.deepEqual(await c.call('SORT', 'z', 'BY', 'nosort'), ['5', '30', '10', '20', '1']);
  assert.deepEqual(await c.call('SORT', 'z', 'BY', 'nosort', 'DESC'), ['1', '20', '10', '30', '5']);
  assert.deepEqual(await c.call('SORT', 'z', 'BY', 'nosort', 'LIMIT', 1, 2), ['30', '10']);
  assert.deepEqual(await c.call('SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', 1, 2), ['20', '10']);
});

test('SORT turns a listpack sorted set into a skiplist, as Redis 7.0 does', async () => {
  await c.call('DEL', 'z');
  await c.call('ZADD', 'z', 1, 'a');
  assert.equal(encoding('z'), 'listpack');
  await c.call('SORT', 'z', 'BY', 'nosort');
  assert.equal(encoding('z'), 'skiplist');
  await c.call('DEL', 'z');
  await c.call('ZADD', 'z', 1, 'a');
  await c.call('SORT_RO', 'z', 'ALPHA');
  assert.equal(encoding('z'), 'skiplist');
});

test('STORE writes a list, returns its length and emits sortstore', async () => {
  await weights();
  events.length = 0;
  assert.equal(await c.call('SORT', 's', 'BY', 'w_*', 'STORE', 'dst'), 4);
  assert.deepEqual(events, ['sortstore:dst']);
  assert.equal(await c.call('TYPE', 'dst'), 'list');
  assert.deepEqual(await listAt('dst'), ['d', 'b', 'c', 'a']);
  // GET values that are missing are stored as empty strings
  assert.equal(await c.call('SORT', 's', 'BY', 'w_*', 'GET', 'o_*', 'STORE', 'dst'), 4);
  assert.deepEqual(await listAt('dst'), ['', 'B', '', 'A']);
  // The last STORE wins
  assert.equal(await c.call('SORT', 's', 'STORE', 'x1', 'ALPHA', 'STORE', 'dst2'), 4);
  assert.equal(await c.call('EXISTS', 'x1'), 0);
  assert.deepEqual(await listAt('dst2'), ['a', 'b', 'c', 'd']);
});

test('STORE of an empty result deletes the destination and creates nothing', async () => {
  await c.call('SET', 'dst', 'old');
  events.length = 0;
  assert.equal(await c.call('SORT', 'missing', 'STORE', 'dst'), 0);
  assert.deepEqual(events, ['del:dst']);
  assert.equal(await c.call('EXISTS', 'dst'), 0);
  assert.equal(await c.call('SORT', 'missing', 'STORE', 'dst'), 0);
  assert.equal(await c.call('EXISTS', 'dst'), 0);
});

test('a set sorted BY a constant with STORE is stored in ALPHA order', async () => {
  await c.call('DEL', 'ss');
  await c.call('SADD', 'ss', 'c', 'a', 'b', '10');
  assert.equal(await c.call('SORT', 'ss', 'BY', 'nosort', 'STORE', 'dst'), 4);
  assert.deepEqual(await listAt('dst'), ['10', 'a', 'b', 'c']);
});

test('a missing key sorts as empty; other types are WRONGTYPE', async () => {
  assert.deepEqual(await c.call('SORT', 'nothing'), []);
  await c.call('SET', 'str', 'v');
  isErr(await c.call('SORT', 'str'), 'WRONGTYPE Operation against a key holding the wrong kind of value');
  await c.call('HSET', 'hh', 'f', 'v');
  isErr(await c.call('SORT', 'hh'), 'WRONGTYPE Operation against a key holding the wrong kind of value');
});

test('syntax errors come before the key type', async () => {
  isErr(await c.call('SORT', 'str', 'BOGUS'), 'ERR syntax error');
  isErr(await c.call('SORT', 'str', 'LIMIT', 'x', 1), 'ERR value is not an integer or out of range');
  isErr(await c.call('SORT', 's', 'LIMIT', 1), 'ERR syntax error');
  isErr(await c.call('SORT', 's', 'GET'), 'ERR syntax error');
  isErr(await c.call('SORT', 's', 'STORE'), 'ERR syntax error');
});

test('SORT_RO sorts like SORT and rejects STORE', async () => {
  await weights();
  assert.deepEqual(await c.call('SORT_RO', 's', 'BY', 'w_*', 'GET', '#'), ['d', 'b', 'c', 'a']);
  isErr(await c.call('SORT_RO', 's', 'STORE', 'dst'), 'ERR syntax error');
});

test('key positions: the sorted key and the last STORE target', () => {
  const sort = commands.find((s) => s.name === 'sort')!;
  const sortRo = commands.find((s) => s.name === 'sort_ro')!;
  assert.deepEqual(sort.getKeys!(['SORT', 'k', 'STORE', 'x', 'LIMIT', '0', '1', 'GET', 'y', 'STORE', 'z']), [1, 10]);
  assert.deepEqual(sort.getKeys!(['SORT', 'k', 'GET', 'store', 'BY', 'x']), [1]);
  assert.deepEqual(sort.getKeys!(['SORT', 'k', 'STORE']), [1]);
  assert.deepEqual(sortRo.getKeys!(['SORT_RO', 'k', 'STORE', 'x']), [1]);
});

test('lists: native order with BY nosort, numeric and ALPHA sorts, GET and STORE', async (t) => {
  if (!lists) {
    t.skip('list commands are not in this build');
    return;
  }
  await weights();
  await c.call('DEL', 'l');
  await c.call('RPUSH', 'l', 'c', 'a', 'b', 'a');
  assert.deepEqual(await c.call('SORT', 'l', 'ALPHA'), ['a', 'a', 'b', 'c']);
  assert.deepEqual(await c.call('SORT', 'l', 'BY', 'nosort'), ['c', 'a', 'b', 'a']);
  assert.deepEqual(await c.call('SORT', 'l', 'BY', 'nosort', 'DESC', 'LIMIT', 0, 2), ['a', 'b']);
  assert.deepEqual(await c.call('SORT', 'l', 'BY', 'w_*', 'GET', '#', 'GET', 'w_*'), ['b', '1', 'c', '2', 'a', '3', 'a', '3']);
  assert.equal(await c.call('SORT', 'l', 'ALPHA', 'STORE', 'l'), 4);
  assert.deepEqual(await c.call('LRANGE', 'l', 0, -1), ['a', 'a', 'b', 'c']);
  await c.call('DEL', 'f');
  await c.call('RPUSH', 'f', '1.1', '5.10', '3.10', '7.44', '2.1', '5.75', '6.12', '0.25', '1.15');
  assert.deepEqual(await c.call('SORT', 'f'), ['0.25', '1.1', '1.15', '2.1', '3.10', '5.10', '5.75', '6.12', '7.44']);
});
