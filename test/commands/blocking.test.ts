/**
 * Blocking list commands with several real clients against an embedded Amber: FIFO
 * serving, timeouts (sub-second), MULTI/EXEC pushes, BLMOVE chains, disconnects, CLIENT
 * UNBLOCK, pipelined input after serving, propagation of served pops, and statistics.
 * Cases follow Redis's tests/unit/type/list.tcl.
 */

import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAmber, waitFor, type TestAmber } from '../helpers/servers.js';
import { ErrorReply, type TestClient } from '../helpers/resp.js';
import { parseTimeout } from '../../src/server/blocking.js';

let amber: TestAmber;
let r: TestClient;
const propagated: string[][] = [];

before(async () => {
  amber = await startAmber({ 'enable-debug-command': 'yes' });
  r = await amber.client();
  amber.server.feeds.push((db, argv) => propagated.push([String(db), ...argv]));
});

after(async () => {
  await amber.stop();
});

beforeEach(async () => {
  await r.call('FLUSHALL');
  propagated.length = 0;
});

const blocked = (): number => amber.server.blocking.blockedCount;

async function waitBlocked(n: number): Promise<void> {
  await waitFor(() => blocked() === n, 5000, `${n} blocked clients`);
}

async function clientId(c: TestClient): Promise<number> {
  return Number(await c.call('CLIENT', 'ID'));
}

test('BLPOP waits for a push from another client and propagates as LPOP after it', async () => {
  const rd = await amber.client();
  rd.send('BLPOP', 'list', 0);
  await waitBlocked(1);
  assert.equal(await r.call('LPUSH', 'list', 'foo'), 1);
  assert.deepEqual(await rd.read(), ['list', 'foo']);
  assert.equal(blocked(), 0);
  assert.equal(await r.call('EXISTS', 'list'), 0);
  assert.deepEqual(propagated.filter((p) => p[1] !== 'FLUSHALL'), [['0', 'LPUSH', 'list', 'foo'], ['0', 'LPOP', 'list']]);
  rd.close();
});

test('clients blocked on one key are served first come, first served', async () => {
  const clients = [await amber.client(), await amber.client(), await amber.client()];
  for (let i = 0; i < clients.length; i++) {
    clients[i]!.send('BLPOP', 'q', 0);
    await waitBlocked(i + 1);
  }
  assert.equal(await r.call('RPUSH', 'q', '1', '2', '3', '4'), 4);
  assert.deepEqual(await clients[0]!.read(), ['q', '1']);
  assert.deepEqual(await clients[1]!.read(), ['q', '2']);
  assert.deepEqual(await clients[2]!.read(), ['q', '3']);
  assert.deepEqual(await r.call('LRANGE', 'q', 0, -1), ['4']);
  for (const c of clients) c.close();
});

test('BRPOP on several keys is served from the key that gets data, keys named twice wait once', async () => {
  const rd = await amber.client();
  rd.send('BRPOP', 'k1', 'k2', 'k2', 'k1', 0);
  await waitBlocked(1);
  await r.call('RPUSH', 'k2', 'a', 'b');
  assert.deepEqual(await rd.read(), ['k2', 'b']);
  rd.close();
});

test('a timeout of 0.1 s is answered about 100 ms later with a null array', async () => {
  const rd = await amber.client();
  const start = performance.now();
  assert.equal(await rd.callRaw('BLPOP', 'nothing', '0.1'), '*-1\r\n');
  const elapsed = performance.now() - start;
  assert.ok(elapsed >= 95, `answered too early: ${elapsed} ms`);
  assert.ok(elapsed < 250, `answered too late: ${elapsed} ms`);
  assert.equal(blocked(), 0);
  // A push after the timeout stays in the list.
  await r.call('RPUSH', 'nothing', 'x');
  assert.equal(await r.call('LLEN', 'nothing'), 1);
  rd.close();
});

test('BLMOVE and BRPOPLPUSH time out with a null array (and RESP3 null)', async () => {
  const rd = await amber.client();
  assert.equal(await rd.callRaw('BLMOVE', 'none', 'dst', 'LEFT', 'LEFT', '0.01'), '*-1\r\n');
  assert.equal(await rd.callRaw('BRPOPLPUSH', 'none', 'dst', '0.01'), '*-1\r\n');
  await rd.call('HELLO', 3);
  assert.equal(await rd.callRaw('BLMPOP', '0.01', 1, 'none', 'LEFT'), '_\r\n');
  rd.close();
});

test('a timeout longer than a timer can hold does not fire early', async () => {
  const rd = await amber.client();
  const id = await clientId(rd);
  rd.send('BLPOP', 'far', '3000000'); // 34 days: beyond setTimeout's 24.8-day limit
  await waitBlocked(1);
  await new Promise((res) => setTimeout(res, 50));
  assert.equal(blocked(), 1);
  assert.equal(await r.call('CLIENT', 'UNBLOCK', id), 1);
  assert.equal(await rd.read(), null);
  rd.close();
});

test('pushes inside MULTI/EXEC serve waiters after EXEC, with the last state of the list', async () => {
  const rd = await amber.client();
  rd.send('BLPOP', 'list', 0);
  await waitBlocked(1);
  await r.call('MULTI');
  await r.call('LPUSH', 'list', 'a');
  await r.call('LPUSH', 'list', 'b');
  await r.call('LPUSH', 'list', 'c');
  assert.deepEqual(await r.call('EXEC'), [1, 2, 3]);
  assert.deepEqual(await rd.read(), ['list', 'c']);
  const names = propagated.filter((p) => p[1] !== 'FLUSHALL').map((p) => p[1]);
  assert.deepEqual(names, ['MULTI', 'LPUSH', 'LPUSH', 'LPUSH', 'EXEC', 'LPOP']);
  rd.close();
});

test('LPUSH + DEL (+ SET) in one transaction does not wake a blocked client', async () => {
  const rd = await amber.client();
  rd.send('BLPOP', 'list', 0);
  await waitBlocked(1);
  await r.call('MULTI');
  await r.call('LPUSH', 'list', 'a');
  await r.call('DEL', 'list');
  await r.call('SET', 'list', 'foo');
  await r.call('EXEC');
  assert.equal(blocked(), 1);
  await r.call('DEL', 'list');
  await r.call('LPUSH', 'list', 'b');
  assert.deepEqual(await rd.read(), ['list', 'b']);
  rd.close();
});

test('a key created with another type does not serve a list waiter', async () => {
  const rd = await amber.client();
  rd.send('BLPOP', 'k', 0);
  await waitBlocked(1);
  await r.call('ZADD', 'k', 1, 'm');
  assert.equal(blocked(), 1);
  await r.call('DEL', 'k');
  await r.call('RPUSH', 'k', 'v');
  assert.deepEqual(await rd.read(), ['k', 'v']);
  rd.close();
});

test('Linked BLMOVEs move an element along a chain in one go', async () => {
  const rd1 = await amber.client();
  const rd2 = await amber.client();
  rd1.send('BLMOVE', 'list1', 'list2', 'RIGHT', 'LEFT', 0);
  await waitBlocked(1);
  rd2.send('BLMOVE', 'list2', 'list3', 'LEFT', 'RIGHT', 0);
  await waitBlocked(2);
  await r.call('RPUSH', 'list1', 'foo');
  assert.equal(await rd1.read(), 'foo');
  assert.equal(await rd2.read(), 'foo');
  assert.deepEqual(await r.call('LRANGE', 'list1', 0, -1), []);
  assert.deepEqual(await r.call('LRANGE', 'list2', 0, -1), []);
  assert.deepEqual(await r.call('LRANGE', 'list3', 0, -1), ['foo']);
  assert.deepEqual(propagated.filter((p) => p[1] !== 'FLUSHALL'), [
    ['0', 'RPUSH', 'list1', 'foo'],
    ['0', 'LMOVE', 'list1', 'list2', 'right', 'left'],
    ['0', 'LMOVE', 'list2', 'list3', 'left', 'right'],
  ]);
  rd1.close();
  rd2.close();
});

test('Circular and self-referential BRPOPLPUSH settle as in Redis', async () => {
  const rd1 = await amber.client();
  const rd2 = await amber.client();
  rd1.send('BRPOPLPUSH', 'list1', 'list2', 0);
  await waitBlocked(1);
  rd2.send('BRPOPLPUSH', 'list2', 'list1', 0);
  await waitBlocked(2);
  await r.call('RPUSH', 'list1', 'foo');
  assert.equal(await rd1.read(), 'foo');
  assert.equal(await rd2.read(), 'foo');
  assert.deepEqual(await r.call('LRANGE', 'list1', 0, -1), ['foo']);
  assert.deepEqual(await r.call('LRANGE', 'list2', 0, -1), []);
  assert.deepEqual(propagated.filter((p) => p[1] === 'RPOPLPUSH'), [
    ['0', 'RPOPLPUSH', 'list1', 'list2'],
    ['0', 'RPOPLPUSH', 'list2', 'list1'],
  ]);
  rd1.send('BRPOPLPUSH', 'self', 'self', 0);
  await waitBlocked(1);
  await r.call('RPUSH', 'self', 'x');
  assert.equal(await rd1.read(), 'x');
  assert.deepEqual(await r.call('LRANGE', 'self', 0, -1), ['x']);
  rd1.close();
  rd2.close();
});

test('BLMOVE into a client BLPOPing the target serves both', async () => {
  const rd = await amber.client();
  const rd2 = await amber.client();
  rd2.send('BLPOP', 'target', 0);
  await waitBlocked(1);
  rd.send('BLMOVE', 'blist', 'target', 'LEFT', 'RIGHT', 0);
  await waitBlocked(2);
  await r.call('RPUSH', 'blist', 'foo');
  assert.equal(await rd.read(), 'foo');
  assert.deepEqual(await rd2.read(), ['target', 'foo']);
  assert.equal(await r.call('EXISTS', 'target'), 0);
  rd.close();
  rd2.close();
});

test('a destination of the wrong type answers WRONGTYPE to the blocked client and keeps the element', async () => {
  const rd1 = await amber.client();
  const rd2 = await amber.client();
  await r.call('SET', 'target1', 'nolist');
  rd1.send('BRPOPLPUSH', 'blist', 'target1', 0);
  await waitBlocked(1);
  rd2.send('BRPOPLPUSH', 'blist', 'target2', 0);
  await waitBlocked(2);
  await r.call('RPUSH', 'blist', 'a', 'b', 'c');
  const err = await rd1.read();
  assert.ok(err instanceof ErrorReply && err.message.startsWith('WRONGTYPE'));
  assert.equal(await rd2.read(), 'c');
  assert.deepEqual(await r.call('LRANGE', 'blist', 0, -1), ['a', 'b']);
  assert.deepEqual(await r.call('LRANGE', 'target2', 0, -1), ['c']);
  rd1.close();
  rd2.close();
});

test('BLMPOP waiters are served in order with their own counts and directions', async () => {
  const rds = [await amber.client(), await amber.client(), await amber.client(), await amber.client()];
  const cmds: (string | number)[][] = [
    ['BLMPOP', 0, 2, 'blist', 'blist2', 'LEFT', 'COUNT', 1],
    ['BLMPOP', 0, 2, 'blist', 'blist2', 'RIGHT', 'COUNT', 10],
    ['BLMPOP', 0, 2, 'blist', 'blist2', 'LEFT', 'COUNT', 10],
    ['BLMPOP', 0, 2, 'blist', 'blist2', 'RIGHT', 'COUNT', 1],
  ];
  for (let i = 0; i < 4; i++) {
    rds[i]!.send(...cmds[i]!);
    await waitBlocked(i + 1);
  }
  await r.call('MULTI');
  await r.call('LPUSH', 'blist', 'a', 'b', 'c', 'd', 'e');
  await r.call('LPUSH', 'blist2', '1', '2', '3', '4', '5');
  await r.call('EXEC');
  assert.deepEqual(await rds[0]!.read(), ['blist', ['e']]);
  assert.deepEqual(await rds[1]!.read(), ['blist', ['a', 'b', 'c', 'd']]);
  assert.deepEqual(await rds[2]!.read(), ['blist2', ['5', '4', '3', '2', '1']]);
  assert.equal(blocked(), 1);
  await r.call('LPUSH', 'blist2', '1', '2', '3');
  assert.deepEqual(await rds[3]!.read(), ['blist2', ['1']]);
  const pops = propagated.filter((p) => p[1] === 'LPOP' || p[1] === 'RPOP');
  assert.deepEqual(pops, [
    ['0', 'LPOP', 'blist', '1'],
    ['0', 'RPOP', 'blist', '4'],
    ['0', 'LPOP', 'blist2', '5'],
    ['0', 'RPOP', 'blist2', '1'],
  ]);
  for (const c of rds) c.close();
});

test('a client that disconnects while blocked stops waiting and consumes nothing', async () => {
  const rd = await amber.client();
  rd.send('BLPOP', 'gone', 0);
  await waitBlocked(1);
  rd.close();
  await waitBlocked(0);
  await r.call('RPUSH', 'gone', 'x');
  assert.deepEqual(await r.call('LRANGE', 'gone', 0, -1), ['x']);
});

test('CLIENT UNBLOCK answers as a timeout or with an UNBLOCKED error, counted as a failed call', async () => {
  const rd = await amber.client();
  const id = await clientId(rd);
  assert.equal(await r.call('CLIENT', 'UNBLOCK', id), 0);
  rd.send('BLPOP', 'u', 0);
  await waitBlocked(1);
  assert.equal(await r.call('CLIENT', 'UNBLOCK', id, 'TIMEOUT'), 1);
  assert.equal(await rd.read(), null);
  const failedBefore = amber.server.commandStats('brpop').failed;
  rd.send('BRPOP', 'u', 0);
  await waitBlocked(1);
  assert.equal(await r.call('CLIENT', 'UNBLOCK', id, 'ERROR'), 1);
  const e = await rd.read();
  assert.ok(e instanceof ErrorReply);
  assert.equal(e.message, 'UNBLOCKED client unblocked via CLIENT UNBLOCK');
  assert.equal(amber.server.commandStats('brpop').failed, failedBefore + 1);
  assert.equal(blocked(), 0);
  rd.close();
});

test('a served client goes on with the commands it pipelined while blocked', async () => {
  const rd = await amber.client();
  rd.sendRaw('*3\r\n$5\r\nBLPOP\r\n$1\r\np\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nLLEN\r\n$1\r\np\r\n');
  await waitBlocked(1);
  assert.equal(rd.unread, '');
  await r.call('RPUSH', 'p', 'a', 'b');
  assert.deepEqual(await rd.read(), ['p', 'a']);
  assert.equal(await rd.read(), 'PONG');
  assert.equal(await rd.read(), 1);
  rd.close();
});

test('a waiter in another database is not served by a push in this one', async () => {
  const rd = await amber.client();
  await rd.call('SELECT', 1);
  rd.send('BLPOP', 'k', 0);
  await waitBlocked(1);
  await r.call('RPUSH', 'k', 'db0');
  assert.equal(blocked(), 1);
  await r.call('SELECT', 1);
  await r.call('RPUSH', 'k', 'db1');
  await r.call('SELECT', 0);
  assert.deepEqual(await rd.read(), ['k', 'db1']);
  assert.deepEqual(await r.call('LRANGE', 'k', 0, -1), ['db0']);
  rd.close();
});

test('SWAPDB wakes a client blocked on a key the other database has', async () => {
  const rd = await amber.client();
  await r.call('SELECT', 1);
  await r.call('RPUSH', 'k', 'hello');
  await r.call('SELECT', 0);
  rd.send('BRPOP', 'k', 5);
  await waitBlocked(1);
  await r.call('SWAPDB', 1, 0);
  assert.deepEqual(await rd.read(), ['k', 'hello']);
  rd.close();
});

test('INFO clients counts blocked clients and CLIENT LIST flags them', async () => {
  const rd = await amber.client();
  const id = await clientId(rd);
  rd.send('BLPOP', 'i', 0);
  await waitBlocked(1);
  assert.match(String(await r.call('INFO', 'clients')), /blocked_clients:1\r\n/);
  assert.match(String(await r.call('CLIENT', 'LIST', 'ID', id)), /flags=b /);
  await r.call('RPUSH', 'i', 'x');
  await rd.read();
  assert.match(String(await r.call('INFO', 'clients')), /blocked_clients:0\r\n/);
  rd.close();
});

test('a served blocking command enters the slow log with the arguments it was given', async () => {
  const rd = await amber.client();
  rd.send('BLPOP', 'slow', 0);
  await waitBlocked(1);
  await r.call('CONFIG', 'SET', 'slowlog-log-slower-than', 0);
  try {
    await r.call('MULTI');
    await r.call('LPUSH', 'slow', 'foo');
    await r.call('SLOWLOG', 'RESET');
    await r.call('EXEC');
    assert.deepEqual(await rd.read(), ['slow', 'foo']);
    const log = (await r.call('SLOWLOG', 'GET')) as unknown[][];
    assert.ok(log.some((entry) => JSON.stringify(entry[3]) === JSON.stringify(['BLPOP', 'slow', '0'])));
  } finally {
    await r.call('CONFIG', 'SET', 'slowlog-log-slower-than', 10000);
  }
  rd.close();
});

test('parseTimeout converts seconds to milliseconds as Redis rounds them', () => {
  assert.equal(parseTimeout('0'), 0);
  assert.equal(parseTimeout('1'), 1000);
  assert.equal(parseTimeout('0.1'), 100);
  assert.equal(parseTimeout('1e-10'), 1); // ceil
  assert.equal(parseTimeout('-0.0001'), 0); // rounds up to 0: forever
  assert.equal(parseTimeout('0x10'), 16000);
  assert.equal(parseTimeout('.5'), 500);
  assert.equal(parseTimeout('5.'), 5000);
  assert.equal(parseTimeout('1e-400'), 1); // below a double, within a long double
  assert.throws(() => parseTimeout('1e-5000'), /not a float/);
  assert.throws(() => parseTimeout('1e5000'), /not a float/);
  assert.throws(() => parseTimeout('1e400'), /negative/);
  assert.throws(() => parseTimeout('9223372036854776'), /negative/);
  // Fits 64-bit milliseconds but the deadline wraps in Redis, which then never fires.
  assert.equal(parseTimeout('9223372036854775'), 0);
});

test('a key that expired before its waiter is served leaves it blocked; the deletion propagates (list.tcl)', async () => {
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  const rd = await amber.client();
  try {
    const id = await clientId(rd);
    rd.send('BRPOP', 'k', 0);
    await waitBlocked(1);
    await r.call('MULTI');
    await r.call('RPUSH', 'k', 'hello');
    await r.call('PEXPIRE', 'k', 100);
    await r.call('DEBUG', 'SLEEP', '0.2');
    await r.call('EXEC');
    assert.match(String(await r.call('CLIENT', 'LIST', 'ID', id)), /flags=b /);
    assert.equal(await r.call('CLIENT', 'UNBLOCK', id), 1);
    assert.equal(await rd.read(), null);
    const stream = propagated.filter((p) => p[1] !== 'FLUSHALL').map((p) => p[1]);
    assert.deepEqual(stream, ['MULTI', 'RPUSH', 'PEXPIREAT', 'EXEC', 'DEL']);
  } finally {
    await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 1);
    rd.close();
  }
});
