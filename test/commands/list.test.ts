/**
 * The list commands against an embedded Amber: replies, errors, RESP2/RESP3 null shapes,
 * keyspace events, dirty counts and propagated effects, with edge cases from Redis's
 * tests/unit/type/list.tcl (plain nodes included). Blocking behaviour is in blocking.test.ts.
 */

import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAmber, type TestAmber } from '../helpers/servers.js';
import { onKeyspaceEvent } from '../helpers/observe.js';
import { ErrorReply, type RespValue, type TestClient } from '../helpers/resp.js';
import { RList, getPackedThreshold, setPackedThreshold } from '../../src/types/list.js';

let amber: TestAmber;
let c: TestClient;
const events: string[] = [];
const propagated: string[][] = [];

before(async () => {
  amber = await startAmber({ 'enable-debug-command': 'yes' });
  c = await amber.client();
  onKeyspaceEvent(amber.server, (_type, event, key) => events.push(`${event}:${key}`));
  amber.server.feeds.push((_db, argv) => propagated.push(argv));
});

after(async () => {
  await amber.stop();
});

afterEach(() => {
  setPackedThreshold(0);
});

async function traced(...args: (string | number)[]): Promise<{ reply: RespValue; events: string[]; propagated: string[][]; dirty: number }> {
  events.length = 0;
  propagated.length = 0;
  const before = amber.server.store.dirty;
  const reply = await c.call(...args);
  return { reply, events: [...events], propagated: propagated.map((a) => [...a]), dirty: amber.server.store.dirty - before };
}

function isErr(v: RespValue, text: string): void {
  assert.ok(v instanceof ErrorReply, `expected an error, got ${JSON.stringify(v)}`);
  assert.equal(v.message, text);
}

async function create(key: string, ...items: string[]): Promise<void> {
  await c.call('DEL', key);
  if (items.length > 0) await c.call('RPUSH', key, ...items);
}

async function all(key: string): Promise<RespValue> {
  return c.call('LRANGE', key, 0, -1);
}

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

// ---------------------------------------------------------------------------------------------
// Pushes

test('LPUSH and RPUSH reply the new length, keep order, count one change per element', async () => {
  await c.call('DEL', 'l');
  const t = await traced('RPUSH', 'l', 'a', 'b');
  assert.equal(t.reply, 2);
  assert.deepEqual(t.events, ['rpush:l']);
  assert.equal(t.dirty, 2);
  assert.deepEqual(t.propagated, [['RPUSH', 'l', 'a', 'b']]);
  const t2 = await traced('LPUSH', 'l', 'x', 'y', 'z');
  assert.equal(t2.reply, 5);
  assert.deepEqual(t2.events, ['lpush:l']);
  assert.equal(t2.dirty, 3);
  assert.deepEqual(await all('l'), ['z', 'y', 'x', 'a', 'b']);
  assert.equal(await c.call('OBJECT', 'ENCODING', 'l'), 'quicklist');
});

test('LPUSHX and RPUSHX push only onto an existing list', async () => {
  await c.call('DEL', 'xl');
  const t = await traced('LPUSHX', 'xl', 'a');
  assert.equal(t.reply, 0);
  assert.deepEqual(t.events, []);
  assert.equal(t.dirty, 0);
  assert.equal(await c.call('EXISTS', 'xl'), 0);
  await c.call('RPUSH', 'xl', 'b');
  assert.equal(await c.call('LPUSHX', 'xl', 'a', 'z'), 3);
  assert.equal(await c.call('RPUSHX', 'xl', 'c', 'd'), 5);
  assert.deepEqual(await all('xl'), ['z', 'a', 'b', 'c', 'd']);
});

test('every list command replies WRONGTYPE on a string key', async () => {
  await c.call('SET', 's', 'v');
  const cmds: (string | number)[][] = [
    ['LPUSH', 's', 'a'], ['RPUSH', 's', 'a'], ['LPUSHX', 's', 'a'], ['RPUSHX', 's', 'a'],
    ['LPOP', 's'], ['RPOP', 's', 2], ['LLEN', 's'], ['LRANGE', 's', 0, -1], ['LINDEX', 's', 0],
    ['LSET', 's', 0, 'x'], ['LINSERT', 's', 'BEFORE', 'a', 'b'], ['LREM', 's', 0, 'a'],
    ['LTRIM', 's', 0, 1], ['LPOS', 's', 'a'], ['LMOVE', 's', 'd', 'LEFT', 'LEFT'],
    ['RPOPLPUSH', 's', 'd'], ['LMPOP', 1, 's', 'LEFT'], ['BLPOP', 's', 0], ['BRPOP', 's', 0],
    ['BLMOVE', 's', 'd', 'LEFT', 'LEFT', 0], ['BRPOPLPUSH', 's', 'd', 0], ['BLMPOP', 0, 1, 's', 'LEFT'],
  ];
  for (const cmd of cmds) isErr(await c.call(...cmd), WRONGTYPE);
  assert.equal(await c.call('GET', 's'), 'v');
});

// ---------------------------------------------------------------------------------------------
// Pops

test('LPOP and RPOP pop one element as a bulk, or a count of them as an array', async () => {
  await create('p', 'a', 'b', 'c', 'd', 'e');
  assert.equal(await c.call('LPOP', 'p'), 'a');
  assert.equal(await c.call('RPOP', 'p'), 'e');
  assert.deepEqual(await c.call('LPOP', 'p', 2), ['b', 'c']);
  assert.deepEqual(await c.call('RPOP', 'p', 0), []);
  const t = await traced('RPOP', 'p', 10);
  assert.deepEqual(t.reply, ['d']);
  assert.deepEqual(t.events, ['rpop:p', 'del:p']);
  assert.equal(t.dirty, 1);
  assert.deepEqual(t.propagated, [['RPOP', 'p', '10']]);
  assert.equal(await c.call('EXISTS', 'p'), 0);
});

test('LPOP and RPOP count from the tail end in popping order', async () => {
  await create('p', '1', '2', '3', '4');
  assert.deepEqual(await c.call('RPOP', 'p', 3), ['4', '3', '2']);
  assert.deepEqual(await all('p'), ['1']);
});

test('LPOP on a missing key answers null, with a count a null array (RESP2 and RESP3 shapes)', async () => {
  await c.call('DEL', 'none');
  assert.equal(await c.callRaw('LPOP', 'none'), '$-1\r\n');
  assert.equal(await c.callRaw('LPOP', 'none', 2), '*-1\r\n');
  assert.equal(await c.callRaw('LPOP', 'none', 0), '*-1\r\n');
  await c.call('HELLO', 3);
  try {
    assert.equal(await c.callRaw('RPOP', 'none'), '_\r\n');
    assert.equal(await c.callRaw('RPOP', 'none', 2), '_\r\n');
  } finally {
    await c.call('HELLO', 2);
  }
});

test('LPOP rejects negative and non-numeric counts and extra arguments', async () => {
  await create('p', 'a');
  isErr(await c.call('LPOP', 'p', -1), 'ERR value is out of range, must be positive');
  isErr(await c.call('LPOP', 'p', 'x'), 'ERR value is out of range, must be positive');
  isErr(await c.call('RPOP', 'p', 1, 2), "ERR wrong number of arguments for 'rpop' command");
  assert.deepEqual(await all('p'), ['a']);
});

// ---------------------------------------------------------------------------------------------
// Reads

test('LLEN and LINDEX read lengths and elements; LINDEX looks the key up before the index', async () => {
  await create('r', 'a', 'b', 'c');
  assert.equal(await c.call('LLEN', 'r'), 3);
  assert.equal(await c.call('LLEN', 'none'), 0);
  assert.equal(await c.call('LINDEX', 'r', 0), 'a');
  assert.equal(await c.call('LINDEX', 'r', -1), 'c');
  assert.equal(await c.call('LINDEX', 'r', -3), 'a');
  assert.equal(await c.call('LINDEX', 'r', 3), null);
  assert.equal(await c.call('LINDEX', 'r', -4), null);
  assert.equal(await c.call('LINDEX', 'r', '9223372036854775807'), null);
  assert.equal(await c.call('LINDEX', 'none', 'abc'), null);
  isErr(await c.call('LINDEX', 'r', 'abc'), 'ERR value is not an integer or out of range');
  isErr(await c.call('LINDEX', 'r', '9223372036854775808'), 'ERR value is not an integer or out of range');
});

test('LRANGE clamps and converts negative indexes as Redis', async () => {
  await create('r', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
  assert.deepEqual(await c.call('LRANGE', 'r', 1, -2), ['1', '2', '3', '4', '5', '6', '7', '8']);
  assert.deepEqual(await c.call('LRANGE', 'r', -3, -1), ['7', '8', '9']);
  assert.deepEqual(await c.call('LRANGE', 'r', 4, 4), ['4']);
  assert.deepEqual(await c.call('LRANGE', 'r', -20, 2), ['0', '1', '2']);
  assert.deepEqual(await c.call('LRANGE', 'r', 8, 100), ['8', '9']);
  assert.deepEqual(await c.call('LRANGE', 'r', 6, 2), []);
  assert.deepEqual(await c.call('LRANGE', 'r', 10, 20), []);
  assert.deepEqual(await c.call('LRANGE', 'r', 0, -11), []);
  assert.deepEqual(await c.call('LRANGE', 'none', 0, -1), []);
  isErr(await c.call('LRANGE', 'none', 'x', -1), 'ERR value is not an integer or out of range');
});

test('LPOS finds indexes with RANK, COUNT and MAXLEN (list.tcl cases)', async () => {
  await create('mylist', 'a', 'b', 'c', '1', '2', '3', 'c', 'c');
  assert.equal(await c.call('LPOS', 'mylist', 'a'), 0);
  assert.equal(await c.call('LPOS', 'mylist', 'c'), 2);
  assert.equal(await c.call('LPOS', 'mylist', 'c', 'RANK', 1), 2);
  assert.equal(await c.call('LPOS', 'mylist', 'c', 'RANK', 2), 6);
  assert.equal(await c.call('LPOS', 'mylist', 'c', 'RANK', 4), null);
  assert.equal(await c.call('LPOS', 'mylist', 'c', 'RANK', -1), 7);
  assert.equal(await c.call('LPOS', 'mylist', 'c', 'RANK', -2), 6);
  isErr(
    await c.call('LPOS', 'mylist', 'c', 'RANK', 0),
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
  );
  assert.deepEqual(await c.call('LPOS', 'mylist', 'c', 'COUNT', 0), [2, 6, 7]);
  assert.deepEqual(await c.call('LPOS', 'mylist', 'c', 'COUNT', 1), [2]);
  assert.deepEqual(await c.call('LPOS', 'mylist', 'c', 'COUNT', 2), [2, 6]);
  assert.deepEqual(await c.call('LPOS', 'mylist', 'c', 'COUNT', 100), [2, 6, 7]);
  assert.deepEqual(await c.call('LPOS', 'mylist', 'c', 'COUNT', 0, 'RANK', 2), [6, 7]);
  assert.deepEqual(await c.call('LPOS', 'mylist', 'c', 'COUNT', 2, 'RANK', -1), [7, 6]);
  assert.deepEqual(await c.call('LPOS', 'mylist', 'x', 'COUNT', 2, 'RANK', -1), []);
  assert.equal(await c.call('LPOS', 'mylist', 'x', 'RANK', -1), null);
  assert.deepEqual(await c.call('LPOS', 'mylist', 'a', 'COUNT', 0, 'MAXLEN', 1), [0]);
  assert.deepEqual(await c.call('LPOS', 'mylist', 'c', 'COUNT', 0, 'MAXLEN', 1), []);
  assert.deepEqual(await c.call('LPOS', 'mylist', 'c', 'COUNT', 0, 'MAXLEN', 3), [2]);
  assert.deepEqual(await c.call('LPOS', 'mylist', 'c', 'COUNT', 0, 'MAXLEN', 3, 'RANK', -1), [7, 6]);
  assert.deepEqual(await c.call('LPOS', 'mylist', 'c', 'COUNT', 0, 'MAXLEN', 7, 'RANK', 2), [6]);
  assert.equal(await c.call('LPOS', 'mylist', 'c', 'RANK', 3), 7);
  assert.deepEqual(await c.call('LPOS', 'mylist', 'c', 'RANK', 5, 'COUNT', 0), []);
  assert.equal(await c.call('LPOS', 'mylistxxx', 'c', 'COUNT', 0, 'MAXLEN', 7, 'RANK', 2) instanceof Array, true);
  assert.equal(await c.call('LPOS', 'mylistxxx', 'c'), null);
  isErr(await c.call('LPOS', 'mylist', 'c', 'COUNT', -1), "ERR COUNT can't be negative");
  isErr(await c.call('LPOS', 'mylist', 'c', 'MAXLEN', 'x'), "ERR MAXLEN can't be negative");
  isErr(await c.call('LPOS', 'mylist', 'c', 'RANK'), 'ERR syntax error');
  isErr(await c.call('LPOS', 'mylist', 'c', 'FOO', 1), 'ERR syntax error');
  // Redis 7.0 negates LONG_MIN into itself: every match from the tail, COUNT ignored.
  assert.deepEqual(await c.call('LPOS', 'mylist', 'c', 'RANK', '-9223372036854775808', 'COUNT', 1), [7, 6, 2]);
});

// ---------------------------------------------------------------------------------------------
// Changes in place

test('LSET replaces by index and errors on a missing key or an index out of range', async () => {
  await create('s', 'a', 'b', 'c');
  const t = await traced('LSET', 's', -1, 'z');
  assert.equal(t.reply, 'OK');
  assert.deepEqual(t.events, ['lset:s']);
  assert.equal(await c.call('LSET', 's', 0, 'y'), 'OK');
  assert.deepEqual(await all('s'), ['y', 'b', 'z']);
  isErr(await c.call('LSET', 's', 3, 'x'), 'ERR index out of range');
  isErr(await c.call('LSET', 's', -4, 'x'), 'ERR index out of range');
  isErr(await c.call('LSET', 'none', 0, 'x'), 'ERR no such key');
  isErr(await c.call('LSET', 'none', 'x', 'x'), 'ERR no such key');
  isErr(await c.call('LSET', 's', 'x', 'x'), 'ERR value is not an integer or out of range');
});

test('LINSERT inserts around the first pivot from the head', async () => {
  await create('i', 'a', 'b', 'c', 'b');
  const t = await traced('LINSERT', 'i', 'BEFORE', 'b', 'x');
  assert.equal(t.reply, 5);
  assert.deepEqual(t.events, ['linsert:i']);
  assert.equal(await c.call('LINSERT', 'i', 'after', 'b', 'y'), 6);
  assert.deepEqual(await all('i'), ['a', 'x', 'b', 'y', 'c', 'b']);
  const miss = await traced('LINSERT', 'i', 'AFTER', 'zz', 'q');
  assert.equal(miss.reply, -1);
  assert.equal(miss.dirty, 0);
  assert.deepEqual(miss.propagated, []);
  assert.equal(await c.call('LINSERT', 'none', 'AFTER', 'a', 'q'), 0);
  isErr(await c.call('LINSERT', 'i', 'MIDDLE', 'a', 'q'), 'ERR syntax error');
  isErr(await c.call('LINSERT', 'none', 'MIDDLE', 'a', 'q'), 'ERR syntax error');
});

test('LREM removes from the head, from the tail, or everywhere; an emptied list goes', async () => {
  await create('r', 'foo', 'bar', 'foobar', 'foobared', 'zap', 'bar', 'test', 'foo');
  assert.equal(await c.call('LREM', 'r', 0, 'bar'), 2);
  assert.deepEqual(await all('r'), ['foo', 'foobar', 'foobared', 'zap', 'test', 'foo']);
  await create('r', 'foo', 'bar', 'foobar', 'foobared', 'zap', 'bar', 'test', 'foo', 'foo');
  assert.equal(await c.call('LREM', 'r', -1, 'bar'), 1);
  assert.equal(await c.call('LREM', 'r', -2, 'foo'), 2);
  assert.deepEqual(await all('r'), ['foo', 'bar', 'foobar', 'foobared', 'zap', 'test']);
  assert.equal(await c.call('LREM', 'r', 1, 'foo'), 1);
  assert.deepEqual(await all('r'), ['bar', 'foobar', 'foobared', 'zap', 'test']);
  const none = await traced('LREM', 'r', 0, 'nothing');
  assert.equal(none.reply, 0);
  assert.deepEqual(none.events, []);
  assert.equal(none.dirty, 0);
  await create('r', 'a', 'a', 'a');
  const t = await traced('LREM', 'r', 0, 'a');
  assert.equal(t.reply, 3);
  assert.deepEqual(t.events, ['lrem:r', 'del:r']);
  assert.equal(t.dirty, 3);
  assert.equal(await c.call('EXISTS', 'r'), 0);
  assert.equal(await c.call('LREM', 'none', 0, 'a'), 0);
  isErr(await c.call('LREM', 'r', 'x', 'a'), 'ERR value is not an integer or out of range');
});

test('LTRIM keeps a range; an out-of-range trim deletes the list; a no-op trim is not propagated', async () => {
  const trimmed = async (start: number, end: number): Promise<RespValue> => {
    await create('t', '1', '2', '3', '4', '5');
    await c.call('LTRIM', 't', start, end);
    return all('t');
  };
  assert.deepEqual(await trimmed(0, 0), ['1']);
  assert.deepEqual(await trimmed(0, 1), ['1', '2']);
  assert.deepEqual(await trimmed(0, 2), ['1', '2', '3']);
  assert.deepEqual(await trimmed(1, 2), ['2', '3']);
  assert.deepEqual(await trimmed(1, -1), ['2', '3', '4', '5']);
  assert.deepEqual(await trimmed(1, -2), ['2', '3', '4']);
  assert.deepEqual(await trimmed(-2, -1), ['4', '5']);
  assert.deepEqual(await trimmed(-1, -1), ['5']);
  assert.deepEqual(await trimmed(-5, -1), ['1', '2', '3', '4', '5']);
  assert.deepEqual(await trimmed(-10, 10), ['1', '2', '3', '4', '5']);
  assert.deepEqual(await trimmed(0, 5), ['1', '2', '3', '4', '5']);
  assert.deepEqual(await trimmed(0, 10), ['1', '2', '3', '4', '5']);
  await create('t', '1', '2', '3');
  const t = await traced('LTRIM', 't', 5, 10);
  assert.equal(t.reply, 'OK');
  assert.deepEqual(t.events, ['ltrim:t', 'del:t']);
  assert.equal(t.dirty, 3);
  assert.equal(await c.call('EXISTS', 't'), 0);
  await create('t', '1', '2', '3');
  const noop = await traced('LTRIM', 't', 0, -1);
  assert.deepEqual(noop.events, ['ltrim:t']);
  assert.equal(noop.dirty, 0);
  assert.deepEqual(noop.propagated, []);
  assert.equal(await c.call('LTRIM', 'none', 0, 1), 'OK');
});

// ---------------------------------------------------------------------------------------------
// Moves

for (const [from, to] of [['LEFT', 'LEFT'], ['LEFT', 'RIGHT'], ['RIGHT', 'LEFT'], ['RIGHT', 'RIGHT']] as const) {
  test(`LMOVE ${from} ${to} moves one element and creates the destination`, async () => {
    await create('src', 'a', 'b', 'c');
    await create('dst', 'x');
    const moved = from === 'LEFT' ? 'a' : 'c';
    assert.equal(await c.call('LMOVE', 'src', 'dst', from, to), moved);
    assert.deepEqual(await all('dst'), to === 'LEFT' ? [moved, 'x'] : ['x', moved]);
    await c.call('DEL', 'new');
    const t = await traced('LMOVE', 'src', 'new', from, to);
    assert.equal(t.events[0], `${to === 'LEFT' ? 'lpush' : 'rpush'}:new`);
    assert.equal(t.events[1], `${from === 'LEFT' ? 'lpop' : 'rpop'}:src`);
    assert.equal(t.dirty, 1);
    assert.deepEqual(t.propagated, [['LMOVE', 'src', 'new', from, to]]);
    assert.equal(await c.call('LLEN', 'new'), 1);
  });
}

test('LMOVE and RPOPLPUSH on one key rotate it; the last element moves onto itself', async () => {
  await create('rot', 'a', 'b', 'c');
  assert.equal(await c.call('RPOPLPUSH', 'rot', 'rot'), 'c');
  assert.deepEqual(await all('rot'), ['c', 'a', 'b']);
  assert.equal(await c.call('LMOVE', 'rot', 'rot', 'LEFT', 'RIGHT'), 'c');
  assert.deepEqual(await all('rot'), ['a', 'b', 'c']);
  await create('one', 'x');
  assert.equal(await c.call('RPOPLPUSH', 'one', 'one'), 'x');
  assert.deepEqual(await all('one'), ['x']);
});

test('RPOPLPUSH empties and deletes its source; a missing source gives null, a wrong destination WRONGTYPE', async () => {
  await create('src', 'a');
  await c.call('DEL', 'dst');
  const t = await traced('RPOPLPUSH', 'src', 'dst');
  assert.equal(t.reply, 'a');
  assert.deepEqual(t.events, ['lpush:dst', 'rpop:src', 'del:src']);
  assert.equal(await c.call('EXISTS', 'src'), 0);
  assert.equal(await c.call('RPOPLPUSH', 'src', 'dst'), null);
  assert.equal(await c.call('EXISTS', 'src'), 0);
  await create('src', 'a', 'b');
  await c.call('SET', 'str', 'v');
  isErr(await c.call('RPOPLPUSH', 'src', 'str'), WRONGTYPE);
  assert.deepEqual(await all('src'), ['a', 'b']);
  isErr(await c.call('LMOVE', 'src', 'dst', 'UP', 'LEFT'), 'ERR syntax error');
});

test('LMPOP pops from the first non-empty list and propagates LPOP/RPOP with the count popped', async () => {
  await c.call('DEL', 'm1', 'm2');
  await create('m2', 'a', 'b', 'c');
  const t = await traced('LMPOP', 2, 'm1', 'm2', 'RIGHT', 'COUNT', 10);
  assert.deepEqual(t.reply, ['m2', ['c', 'b', 'a']]);
  assert.deepEqual(t.propagated, [['RPOP', 'm2', '3']]);
  assert.deepEqual(t.events, ['rpop:m2', 'del:m2']);
  assert.equal(await c.call('LMPOP', 2, 'm1', 'm2', 'LEFT'), null);
  await create('m1', 'x', 'y');
  assert.deepEqual(await c.call('LMPOP', 1, 'm1', 'LEFT'), ['m1', ['x']]);
  isErr(await c.call('LMPOP', 0, 'm1', 'LEFT'), 'ERR numkeys should be greater than 0');
  isErr(await c.call('LMPOP', 'x', 'm1', 'LEFT'), 'ERR numkeys should be greater than 0');
  isErr(await c.call('LMPOP', 2, 'm1', 'LEFT'), 'ERR syntax error');
  isErr(await c.call('LMPOP', 1, 'm1', 'UP'), 'ERR syntax error');
  isErr(await c.call('LMPOP', 1, 'm1', 'LEFT', 'COUNT', 0), 'ERR count should be greater than 0');
  isErr(await c.call('LMPOP', 1, 'm1', 'LEFT', 'COUNT', 1, 'COUNT', 1), 'ERR syntax error');
  isErr(await c.call('LMPOP', 1, 'm1', 'LEFT', 'FOO'), 'ERR syntax error');
});

test('blocking commands that find data propagate as their plain forms', async () => {
  await create('b1', 'a', 'b', 'c', 'd');
  let t = await traced('BLPOP', 'none', 'b1', 0);
  assert.deepEqual(t.reply, ['b1', 'a']);
  assert.deepEqual(t.propagated, [['LPOP', 'b1']]);
  t = await traced('BRPOP', 'b1', 1);
  assert.deepEqual(t.reply, ['b1', 'd']);
  assert.deepEqual(t.propagated, [['RPOP', 'b1']]);
  t = await traced('BLMOVE', 'b1', 'b2', 'Left', 'rIGHT', 0);
  assert.equal(t.reply, 'b');
  assert.deepEqual(t.propagated, [['LMOVE', 'b1', 'b2', 'Left', 'rIGHT']]);
  t = await traced('BRPOPLPUSH', 'b2', 'b1', 0);
  assert.equal(t.reply, 'b');
  assert.deepEqual(t.propagated, [['RPOPLPUSH', 'b2', 'b1']]);
  t = await traced('BLMPOP', 0, 2, 'none', 'b1', 'LEFT', 'COUNT', 5);
  assert.deepEqual(t.reply, ['b1', ['b', 'c']]);
  assert.deepEqual(t.propagated, [['LPOP', 'b1', '2']]);
});

test('blocking commands inside MULTI answer at once as on timeout', async () => {
  await c.call('DEL', 'none');
  await c.call('MULTI');
  await c.call('BLPOP', 'none', 0);
  await c.call('BLMPOP', 0, 1, 'none', 'LEFT');
  await c.call('BLMOVE', 'none', 'x', 'LEFT', 'LEFT', 0);
  await c.call('BRPOPLPUSH', 'none', 'x', 0);
  // Redis answers a null array for the pops, a null bulk for the moves.
  assert.equal(await c.callRaw('EXEC'), '*4\r\n*-1\r\n*-1\r\n$-1\r\n$-1\r\n');
});

test('timeouts are parsed as Redis 7.0 does', async () => {
  await c.call('DEL', 'none');
  isErr(await c.call('BLPOP', 'none', 'abc'), 'ERR timeout is not a float or out of range');
  isErr(await c.call('BLPOP', 'none', ' 1'), 'ERR timeout is not a float or out of range');
  isErr(await c.call('BLPOP', 'none', 'nan'), 'ERR timeout is not a float or out of range');
  isErr(await c.call('BLPOP', 'none', '-1'), 'ERR timeout is negative');
  isErr(await c.call('BLPOP', 'none', '1e16'), 'ERR timeout is negative');
  isErr(await c.call('BLPOP', 'none', 'inf'), 'ERR timeout is negative');
  isErr(await c.call('BLMOVE', 'none', 'd', 'up', 'left', 'abc'), 'ERR syntax error');
  isErr(await c.call('BLMPOP', 'abc', 0, 'none', 'LEFT'), 'ERR numkeys should be greater than 0');
  isErr(await c.call('BLMPOP', 'abc', 1, 'none', 'LEFT'), 'ERR timeout is not a float or out of range');
});

// ---------------------------------------------------------------------------------------------
// Plain nodes (DEBUG QUICKLIST-PACKED-THRESHOLD), as list.tcl's "plain node" tests

test('DEBUG QUICKLIST-PACKED-THRESHOLD sets the plain-node threshold and validates its argument', async () => {
  assert.equal(await c.call('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '1b'), 'OK');
  assert.equal(getPackedThreshold(), 1);
  assert.equal(await c.call('DEBUG', 'quicklist-packed-threshold', '2KB'), 'OK');
  assert.equal(getPackedThreshold(), 2048);
  assert.equal(await c.call('DEBUG', 'quicklist-packed-threshold', 0), 'OK');
  assert.equal(getPackedThreshold(), 1 << 30);
  isErr(await c.call('DEBUG', 'quicklist-packed-threshold', '5gb'), 'ERR argument must be a memory value bigger than 1 and smaller than 4gb');
  isErr(await c.call('DEBUG', 'quicklist-packed-threshold', '-1'), 'ERR argument must be a memory value bigger than 1 and smaller than 4gb');
  isErr(await c.call('DEBUG', 'quicklist-packed-threshold', '1x'), 'ERR argument must be a memory value bigger than 1 and smaller than 4gb');
});

test('plain nodes keep values through push, pop, index, insert, set, trim, rem, pos and move', async () => {
  await c.call('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '5b');
  await c.call('DEL', 'pl', 'pl2');
  const big = (s: string): string => s.repeat(6);
  await c.call('RPUSH', 'pl', big('a'), 'b', big('c'));
  await c.call('LPUSH', 'pl', big('z'), 'y');
  assert.deepEqual(await all('pl'), ['y', big('z'), big('a'), 'b', big('c')]);
  const layout = (amber.server.store.db(0).get('pl') as RList).layout();
  assert.deepEqual(layout.map((n) => n.plain), [false, true, true, false, true]);
  assert.equal(await c.call('LINDEX', 'pl', 1), big('z'));
  assert.equal(await c.call('LINSERT', 'pl', 'BEFORE', 'b', big('i')), 6);
  assert.equal(await c.call('LINSERT', 'pl', 'AFTER', big('a'), 'j'), 7);
  assert.deepEqual(await all('pl'), ['y', big('z'), big('a'), 'j', big('i'), 'b', big('c')]);
  assert.equal(await c.call('LSET', 'pl', 1, 'small'), 'OK');
  assert.equal(await c.call('LSET', 'pl', 3, big('k')), 'OK');
  assert.equal(await c.call('LSET', 'pl', 2, big('l')), 'OK');
  assert.deepEqual(await all('pl'), ['y', 'small', big('l'), big('k'), big('i'), 'b', big('c')]);
  assert.equal(await c.call('LPOS', 'pl', big('i')), 4);
  assert.equal(await c.call('LREM', 'pl', 0, big('k')), 1);
  assert.equal(await c.call('LMOVE', 'pl', 'pl2', 'RIGHT', 'LEFT'), big('c'));
  assert.equal(await c.call('LTRIM', 'pl', 1, -2), 'OK');
  assert.deepEqual(await all('pl'), ['small', big('l'), big('i')]);
  assert.equal(await c.call('RPOP', 'pl'), big('i'));
  assert.equal(await c.call('LPOP', 'pl2'), big('c'));
  const list = amber.server.store.db(0).get('pl') as RList;
  assert.equal(list.length, 2);
  assert.deepEqual([...list.values()], ['small', big('l')]);
});

test('LSET of a large element into the middle of a packed node splits it around a plain node', async () => {
  await c.call('DEL', 'sp');
  await c.call('RPUSH', 'sp', 'aa', 'bb', 'cc', 'dd', 'ee');
  await c.call('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '10b');
  const large = 'x'.repeat(20);
  assert.equal(await c.call('LSET', 'sp', 2, large), 'OK');
  assert.deepEqual(await all('sp'), ['aa', 'bb', large, 'dd', 'ee']);
  const layout = (amber.server.store.db(0).get('sp') as RList).layout();
  assert.deepEqual(layout.map((n) => [n.count, n.plain]), [[2, false], [1, true], [2, false]]);
});
