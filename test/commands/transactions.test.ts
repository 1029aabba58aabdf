/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH, with cases from Redis's tests/unit/multi.tcl:
 * queueing, aborts, WATCH invalidation (writes, expiry, flush and swap of databases),
 * frozen time during EXEC, and how a transaction is propagated.
 *
 * The server runs on a fake clock. Two test-only commands are registered in the table
 * for this process: one that advances the clock (to show time is frozen inside EXEC)
 * and one flagged no_multi.
 */

import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAmber, waitFor, type TestAmber } from '../helpers/servers.js';
import { ErrorReply, type TestClient } from '../helpers/resp.js';
import { COMMANDS } from '../../src/commands/index.js';
import { touchAllWatchedKeysInDb, watchCount } from '../../src/server/multi.js';
import type { Db } from '../../src/store/db.js';
import { setActiveExpire } from '../../src/server/expire.js';

let now = 1_700_000_000_000;
const clock = { now: () => now };

COMMANDS.set('amber-test-tick', {
  name: 'amber-test-tick',
  arity: 2,
  flags: [],
  group: 'test',
  since: '0',
  summary: 'Advances the fake clock (tests only).',
  handler: (c, args) => {
    now += Number(args.next());
    c.reply.ok();
  },
});
COMMANDS.set('amber-test-nomulti', {
  name: 'amber-test-nomulti',
  arity: 1,
  flags: ['no_multi'],
  group: 'test',
  since: '0',
  summary: 'A command refused inside MULTI (tests only).',
  handler: (c) => c.reply.ok(),
});

let amber: TestAmber;
let r: TestClient;
let r2: TestClient;
let feed: [number, string[]][] = [];
let guard: string | null = null;

before(async () => {
  amber = await startAmber({ clock });
  r = await amber.client();
  r2 = await amber.client();
  amber.server.feeds.push((dbid, argv) => feed.push([dbid, argv]));
  amber.server.writeGuards.push(() => guard);
});
after(async () => {
  await amber.stop();
});
beforeEach(async () => {
  feed = [];
  guard = null;
  // Leave no state behind from a failed test.
  await r.call('DISCARD');
  await r.call('UNWATCH');
  await r.call('SELECT', '0');
});

const db = (i = 0): Db => amber.server.store.db(i);

/** Sends commands in order on one connection and returns the raw replies. */
async function raw(c: TestClient, ...commands: (string | number)[][]): Promise<string[]> {
  const out: string[] = [];
  for (const cmd of commands) out.push(await c.callRaw(...cmd));
  return out;
}

describe('MULTI, EXEC, DISCARD', () => {
  test('queues commands and EXEC replies with all their replies', async () => {
    db().delete('a');
    assert.deepEqual(await raw(r, ['MULTI'], ['SET', 'a', '1'], ['GET', 'a'], ['PING'], ['EXEC']), [
      '+OK\r\n',
      '+QUEUED\r\n',
      '+QUEUED\r\n',
      '+QUEUED\r\n',
      '*3\r\n+OK\r\n$1\r\n1\r\n+PONG\r\n',
    ]);
  });

  test('an empty transaction replies an empty array', async () => {
    assert.deepEqual(await raw(r, ['MULTI'], ['EXEC']), ['+OK\r\n', '*0\r\n']);
  });

  test('DISCARD drops the queue', async () => {
    await r.call('SET', 'd', 'before');
    assert.deepEqual(await raw(r, ['MULTI'], ['SET', 'd', 'after'], ['DISCARD'], ['GET', 'd']), ['+OK\r\n', '+QUEUED\r\n', '+OK\r\n', '$6\r\nbefore\r\n']);
  });

  test('nested MULTI is an error that leaves the transaction intact', async () => {
    assert.deepEqual(await raw(r, ['MULTI'], ['MULTI'], ['PING'], ['EXEC']), [
      '+OK\r\n',
      '-ERR MULTI calls can not be nested\r\n',
      '+QUEUED\r\n',
      '*1\r\n+PONG\r\n',
    ]);
  });

  test('WATCH inside MULTI is an error that leaves the transaction intact', async () => {
    assert.deepEqual(await raw(r, ['MULTI'], ['WATCH', 'x'], ['PING'], ['EXEC']), [
      '+OK\r\n',
      '-ERR WATCH inside MULTI is not allowed\r\n',
      '+QUEUED\r\n',
      '*1\r\n+PONG\r\n',
    ]);
  });

  test('EXEC and DISCARD without MULTI are errors', async () => {
    assert.equal(await r.callRaw('EXEC'), '-ERR EXEC without MULTI\r\n');
    assert.equal(await r.callRaw('DISCARD'), '-ERR DISCARD without MULTI\r\n');
  });

  test('a command that fails to queue makes EXEC abort, and nothing runs', async () => {
    db().delete('foo1{t}');
    db().delete('foo2{t}');
    const replies = await raw(r, ['MULTI'], ['SET', 'foo1{t}', 'bar1'], ['NON-EXISTING-COMMAND'], ['SET', 'foo2{t}', 'bar2'], ['EXEC']);
    assert.equal(replies[2]!.startsWith("-ERR unknown command 'NON-EXISTING-COMMAND'"), true);
    assert.equal(replies[4], '-EXECABORT Transaction discarded because of previous errors.\r\n');
    assert.equal(db().get('foo1{t}'), undefined);
    assert.equal(db().get('foo2{t}'), undefined);
    assert.equal(await r.callRaw('PING'), '+PONG\r\n'); // no longer in MULTI
  });

  test('a wrong arity inside MULTI aborts the transaction', async () => {
    assert.deepEqual(await raw(r, ['MULTI'], ['SET', 'x'], ['EXEC']), [
      '+OK\r\n',
      "-ERR wrong number of arguments for 'set' command\r\n",
      '-EXECABORT Transaction discarded because of previous errors.\r\n',
    ]);
  });

  test('a no_multi command is refused inside MULTI and aborts it', async () => {
    assert.deepEqual(await raw(r, ['MULTI'], ['SET', 'nm', '1'], ['AMBER-TEST-NOMULTI'], ['EXEC'], ['GET', 'nm']), [
      '+OK\r\n',
      '+QUEUED\r\n',
      '-ERR Command not allowed inside a transaction\r\n',
      '-EXECABORT Transaction discarded because of previous errors.\r\n',
      '$-1\r\n',
    ]);
    assert.equal(await r.callRaw('AMBER-TEST-NOMULTI'), '+OK\r\n');
  });

  test('errors while running are replies in the array; later commands still run', async () => {
    await r.call('SET', 'notnum', 'abc');
    assert.deepEqual(await raw(r, ['MULTI'], ['INCR', 'notnum'], ['SET', 'after', 'ok'], ['EXEC']), [
      '+OK\r\n',
      '+QUEUED\r\n',
      '+QUEUED\r\n',
      '*2\r\n-ERR value is not an integer or out of range\r\n+OK\r\n',
    ]);
    assert.equal(db().get('after'), 'ok');
  });

  test('EXEC of a writing transaction is refused when writes are refused now', async () => {
    await r.call('SET', 'ro', 'old');
    await raw(r, ['MULTI'], ['SET', 'ro', 'new']);
    guard = "READONLY You can't write against a read only replica.";
    assert.equal(await r.callRaw('EXEC'), "-EXECABORT Transaction discarded because of: READONLY You can't write against a read only replica.\r\n");
    guard = null;
    assert.equal(db().get('ro'), 'old');
    assert.equal(await r.callRaw('PING'), '+PONG\r\n');
  });

  test('a read-only transaction runs while writes are refused', async () => {
    await r.call('SET', 'ro', 'value');
    await raw(r, ['MULTI'], ['GET', 'ro'], ['PING']);
    guard = 'MISCONF test';
    assert.equal(await r.callRaw('EXEC'), '*2\r\n$5\r\nvalue\r\n+PONG\r\n');
  });

  test('a write refused while queueing aborts the transaction', async () => {
    await r.call('MULTI');
    guard = 'MISCONF test';
    assert.equal(await r.callRaw('SET', 'x', '1'), '-MISCONF test\r\n');
    guard = null;
    assert.equal(await r.callRaw('EXEC'), '-EXECABORT Transaction discarded because of previous errors.\r\n');
  });
});

describe('WATCH', () => {
  test('EXEC runs when watched keys were not modified', async () => {
    await r.call('WATCH', 'x{t}', 'y{t}', 'z{t}');
    await r.call('WATCH', 'k{t}');
    assert.deepEqual(await raw(r, ['MULTI'], ['PING'], ['EXEC']), ['+OK\r\n', '+QUEUED\r\n', '*1\r\n+PONG\r\n']);
  });

  test('EXEC fails with a null array when a watched key was modified', async () => {
    await r.call('SET', 'x', '30');
    await r.call('WATCH', 'x');
    await r.call('SET', 'x', '40');
    assert.deepEqual(await raw(r, ['MULTI'], ['PING'], ['EXEC']), ['+OK\r\n', '+QUEUED\r\n', '*-1\r\n']);
  });

  test('one modified key of five watched is enough, whoever modifies it', async () => {
    await r.call('SET', 'x{t}', '30');
    await r.call('WATCH', 'a{t}', 'b{t}', 'x{t}', 'k{t}', 'z{t}');
    await r2.call('SET', 'x{t}', '40');
    assert.deepEqual(await raw(r, ['MULTI'], ['SET', 'a{t}', 'never'], ['EXEC']), ['+OK\r\n', '+QUEUED\r\n', '*-1\r\n']);
    assert.equal(db().get('a{t}'), undefined);
  });

  test('a modification that changes nothing visible still counts (same value)', async () => {
    await r.call('SET', 'same', 'v');
    await r.call('WATCH', 'same');
    await r2.call('SET', 'same', 'v');
    assert.deepEqual(await raw(r, ['MULTI'], ['PING'], ['EXEC']), ['+OK\r\n', '+QUEUED\r\n', '*-1\r\n']);
  });

  test('a write that does not happen (SET NX on an existing key) does not count', async () => {
    await r.call('SET', 'nx', 'v');
    await r.call('WATCH', 'nx');
    await r2.call('SET', 'nx', 'w', 'NX');
    assert.deepEqual(await raw(r, ['MULTI'], ['PING'], ['EXEC']), ['+OK\r\n', '+QUEUED\r\n', '*1\r\n+PONG\r\n']);
  });

  test('after EXEC, successful or not, keys are no longer watched', async () => {
    await r.call('SET', 'x', '30');
    await r.call('WATCH', 'x');
    await raw(r, ['MULTI'], ['PING'], ['EXEC']);
    await r.call('SET', 'x', '40');
    assert.deepEqual(await raw(r, ['MULTI'], ['PING'], ['EXEC']), ['+OK\r\n', '+QUEUED\r\n', '*1\r\n+PONG\r\n']);

    await r.call('WATCH', 'x');
    await r.call('SET', 'x', '40');
    assert.equal((await raw(r, ['MULTI'], ['PING'], ['EXEC']))[2], '*-1\r\n');
    await r.call('SET', 'x', '40');
    assert.equal((await raw(r, ['MULTI'], ['PING'], ['EXEC']))[2], '*1\r\n+PONG\r\n');
    assert.equal(watchCount(amber.server), 0);
  });

  test('UNWATCH forgets the watches and the dirty flag', async () => {
    await r.call('SET', 'x', '30');
    await r.call('WATCH', 'x');
    await r.call('SET', 'x', '40');
    assert.equal(await r.callRaw('UNWATCH'), '+OK\r\n');
    assert.equal((await raw(r, ['MULTI'], ['PING'], ['EXEC']))[2], '*1\r\n+PONG\r\n');
    assert.equal(await r.callRaw('UNWATCH'), '+OK\r\n');
  });

  test('WATCH on a dirty client changes nothing: EXEC still fails', async () => {
    await r.call('SET', 'x', '1');
    await r.call('WATCH', 'x');
    await r.call('SET', 'x', '2');
    await r.call('WATCH', 'y');
    assert.equal((await raw(r, ['MULTI'], ['PING'], ['EXEC']))[2], '*-1\r\n');
  });

  test('DISCARD clears the dirty flag and unwatches every key', async () => {
    await r.call('WATCH', 'x');
    await r.call('SET', 'x', '10');
    await raw(r, ['MULTI'], ['DISCARD']);
    assert.deepEqual(await raw(r, ['MULTI'], ['INCR', 'x'], ['EXEC']), ['+OK\r\n', '+QUEUED\r\n', '*1\r\n:11\r\n']);

    await r.call('WATCH', 'x');
    await raw(r, ['MULTI'], ['DISCARD']);
    await r.call('SET', 'x', '10');
    assert.deepEqual(await raw(r, ['MULTI'], ['INCR', 'x'], ['EXEC']), ['+OK\r\n', '+QUEUED\r\n', '*1\r\n:11\r\n']);
  });

  test('WATCH remembers the database a key belongs to', async () => {
    await r.call('SELECT', '5');
    await r.call('SET', 'x', '30');
    await r.call('WATCH', 'x');
    await r.call('SELECT', '1');
    await r.call('SET', 'x', '10');
    await r.call('SELECT', '5');
    assert.equal((await raw(r, ['MULTI'], ['PING'], ['EXEC']))[2], '*1\r\n+PONG\r\n');
    await r.call('WATCH', 'x');
    await r2.call('SELECT', '5');
    await r2.call('SET', 'x', '31');
    await r2.call('SELECT', '0');
    assert.equal((await raw(r, ['MULTI'], ['PING'], ['EXEC']))[2], '*-1\r\n');
  });

  test('a watched key that expires (lazily or not yet deleted) fails EXEC', async () => {
    await r.call('SET', 'key', '1', 'PX', '100');
    await r.call('WATCH', 'key');
    now += 101;
    assert.deepEqual(await raw(r, ['MULTI'], ['INCR', 'key'], ['EXEC']), ['+OK\r\n', '+QUEUED\r\n', '*-1\r\n']);

    await r.call('SET', 'key', '1', 'PX', '100');
    await r.call('WATCH', 'key');
    now += 101;
    assert.equal(await r2.callRaw('GET', 'key'), '$-1\r\n'); // the expiry deletes it
    assert.equal((await raw(r, ['MULTI'], ['PING'], ['EXEC']))[2], '*-1\r\n');
  });

  test('watching a key that already expired does not fail EXEC, even once deleted', async () => {
    await r.call('SET', 'x', 'foo', 'PX', '1');
    now += 2;
    await r.call('WATCH', 'x');
    assert.equal((await raw(r, ['MULTI'], ['PING'], ['EXEC']))[2], '*1\r\n+PONG\r\n');

    await r.call('SET', 'x', 'foo', 'PX', '1');
    now += 2;
    await r.call('WATCH', 'x');
    assert.equal(await r2.callRaw('GET', 'x'), '$-1\r\n'); // lazy deletion: no logical change
    assert.equal((await raw(r, ['MULTI'], ['PING'], ['EXEC']))[2], '*1\r\n+PONG\r\n');

    await r.call('SET', 'x', 'foo', 'PX', '1');
    now += 2;
    await r.call('WATCH', 'x');
    await r2.call('SET', 'x', 'bar'); // expires the stale key, then creates a new one
    assert.equal((await raw(r, ['MULTI'], ['PING'], ['EXEC']))[2], '*-1\r\n');
  });

  test('a client that disconnects stops watching', async () => {
    const c = await amber.client();
    await c.call('WATCH', 'gone1', 'gone2');
    assert.equal(watchCount(amber.server), 2);
    c.close();
    await c.closed();
    await waitFor(() => watchCount(amber.server) === 0, 2000, 'the watches of a closed client to go');
    await r.call('SET', 'gone1', 'v');
  });
});

describe('touchAllWatchedKeysInDb (FLUSHDB, FLUSHALL, SWAPDB)', () => {
  const flushdb = (d: Db): void => {
    touchAllWatchedKeysInDb(amber.server, d);
    d.flush();
  };
  const swapdb = (a: number, b: number): void => {
    touchAllWatchedKeysInDb(amber.server, db(a), db(b));
    touchAllWatchedKeysInDb(amber.server, db(b), db(a));
    amber.server.store.swap(a, b);
  };
  const execResult = async (): Promise<string> => (await raw(r, ['MULTI'], ['PING'], ['EXEC']))[2]!;

  test('a flush touches watched keys that exist', async () => {
    await r.call('SET', 'x', '30');
    await r.call('WATCH', 'x');
    flushdb(db());
    assert.equal(await execResult(), '*-1\r\n');
  });

  test('a flush does not touch watched keys that do not exist', async () => {
    db().delete('x');
    await r.call('WATCH', 'x');
    flushdb(db());
    assert.equal(await execResult(), '*1\r\n+PONG\r\n');
  });

  test('a flush while watching a stale key does not fail EXEC', async () => {
    await r.call('SET', 'x', 'foo', 'PX', '1');
    now += 2;
    await r.call('WATCH', 'x');
    flushdb(db());
    assert.equal(await execResult(), '*1\r\n+PONG\r\n');
  });

  test('a swap touches watched keys that exist in either database', async () => {
    flushdb(db(0));
    flushdb(db(1));
    await r.call('SET', 'x', '30');
    await r.call('WATCH', 'x');
    swapdb(0, 1);
    assert.equal(await execResult(), '*-1\r\n');

    flushdb(db(0));
    flushdb(db(1));
    db(1).set('x', '30');
    await r.call('WATCH', 'x');
    swapdb(0, 1);
    assert.equal(await execResult(), '*-1\r\n');
  });

  test('a swap does not touch stale keys replaced by nothing or by other stale keys', async () => {
    flushdb(db(0));
    flushdb(db(1));
    await r.call('SELECT', '1');
    await r.call('SET', 'x', 'foo', 'PX', '1');
    now += 2;
    await r.call('WATCH', 'x');
    swapdb(0, 1); // expired key replaced with no key
    assert.equal(await execResult(), '*1\r\n+PONG\r\n');

    flushdb(db(0));
    flushdb(db(1));
    await r.call('SELECT', '0');
    await r.call('SET', 'x', 'foo', 'PX', '1');
    now += 2;
    await r.call('SELECT', '1');
    await r.call('WATCH', 'x');
    swapdb(0, 1); // no key replaced with an expired key
    assert.equal(await execResult(), '*1\r\n+PONG\r\n');

    flushdb(db(0));
    flushdb(db(1));
    await r.call('SELECT', '1');
    await r.call('SET', 'x', 'foo', 'PX', '1');
    await r.call('SELECT', '0');
    await r.call('SET', 'x', 'bar', 'PX', '1');
    now += 2;
    await r.call('SELECT', '1');
    await r.call('WATCH', 'x');
    swapdb(0, 1); // expired key replaced with another expired key
    assert.equal(await execResult(), '*1\r\n+PONG\r\n');
  });

  test('a flush while one client watches several keys', async () => {
    await r.call('SET', 'a', 'a');
    await r.call('SET', 'b', 'b');
    await r.call('WATCH', 'b', 'a');
    flushdb(db());
    assert.equal(await r.callRaw('PING'), '+PONG\r\n');
    assert.equal(await execResult(), '*-1\r\n');
  });
});

describe('time and propagation inside EXEC', () => {
  before(() => {
    // No stale key may be left for active expiry to delete (and propagate) mid-test, and
    // the cron must not expire a key the fake clock just passed before the transaction
    // that is to find it expired runs (these tests see only lazy expiry).
    for (const d of amber.server.store.dbs) d.flush();
    setActiveExpire(amber.server, false);
  });
  after(() => setActiveExpire(amber.server, true));

  test('time is frozen during EXEC: a key cannot expire between two commands', async () => {
    await r.call('SET', 'frozen', 'v', 'PX', '500');
    const replies = await raw(r, ['MULTI'], ['GET', 'frozen'], ['AMBER-TEST-TICK', '1000'], ['GET', 'frozen'], ['EXEC']);
    assert.equal(replies[4], '*3\r\n$1\r\nv\r\n+OK\r\n$1\r\nv\r\n');
    assert.equal(await r.callRaw('GET', 'frozen'), '$-1\r\n');
    assert.equal(amber.server.store.fixedTime, 0);
  });

  test('a single write is propagated alone, without MULTI/EXEC', async () => {
    await raw(r, ['MULTI'], ['SET', 'foo', 'bar'], ['EXEC']);
    await r.call('SET', 'foo2', 'bar');
    assert.deepEqual(feed, [
      [0, ['SET', 'foo', 'bar']],
      [0, ['SET', 'foo2', 'bar']],
    ]);
  });

  test('several writes are wrapped in MULTI ... EXEC; reads are not propagated', async () => {
    await raw(r, ['MULTI'], ['SET', 'foo{t}', 'bar'], ['GET', 'foo{t}'], ['SET', 'foo2{t}', 'bar2'], ['GET', 'foo2{t}'], ['SET', 'foo3{t}', 'bar3'], ['GET', 'foo3{t}'], ['EXEC']);
    assert.deepEqual(feed, [
      [0, ['MULTI']],
      [0, ['SET', 'foo{t}', 'bar']],
      [0, ['SET', 'foo2{t}', 'bar2']],
      [0, ['SET', 'foo3{t}', 'bar3']],
      [0, ['EXEC']],
    ]);
  });

  test('the database of each command is kept; EXEC goes with the last one', async () => {
    await raw(r, ['MULTI'], ['SELECT', '1'], ['SET', 'foo{t}', 'bar'], ['GET', 'foo{t}'], ['SELECT', '2'], ['SET', 'foo2{t}', 'bar2'], ['SELECT', '3'], ['SET', 'foo3{t}', 'bar3'], ['EXEC']);
    assert.deepEqual(feed, [
      [1, ['MULTI']],
      [1, ['SET', 'foo{t}', 'bar']],
      [2, ['SET', 'foo2{t}', 'bar2']],
      [3, ['SET', 'foo3{t}', 'bar3']],
      [3, ['EXEC']],
    ]);
  });

  test('empty, read-only and no-effect transactions propagate nothing', async () => {
    await r.call('SET', 'foo', 'value1');
    feed = [];
    await raw(r, ['MULTI'], ['EXEC']);
    await raw(r, ['MULTI'], ['GET', 'foo'], ['EXEC']);
    await raw(r, ['MULTI'], ['SET', 'foo', 'x', 'NX'], ['GETDEL', 'nosuchkey'], ['EXEC']);
    assert.deepEqual(feed, []);
  });

  test('effects are propagated, not intentions, inside the wrapper', async () => {
    await raw(r, ['MULTI'], ['SET', 'e{t}', '1', 'EX', '100'], ['INCRBYFLOAT', 'e{t}', '0.5'], ['EXEC']);
    assert.deepEqual(feed, [
      [0, ['MULTI']],
      [0, ['SET', 'e{t}', '1', 'PXAT', String(now + 100_000)]],
      [0, ['SET', 'e{t}', '1.5', 'KEEPTTL']],
      [0, ['EXEC']],
    ]);
  });

  test('a lazy expiry inside EXEC is wrapped with the writes', async () => {
    await r.call('SET', 'lz', 'v', 'PX', '10');
    now += 20;
    feed = [];
    await raw(r, ['MULTI'], ['GET', 'lz'], ['SET', 'other', 'v'], ['EXEC']);
    assert.deepEqual(feed, [
      [0, ['MULTI']],
      [0, ['DEL', 'lz']],
      [0, ['SET', 'other', 'v']],
      [0, ['EXEC']],
    ]);
  });

  test('a failed EXEC propagates nothing and EXEC itself never is', async () => {
    await r.call('WATCH', 'w');
    await r2.call('SET', 'w', '1');
    feed = [];
    await raw(r, ['MULTI'], ['SET', 'w', '2'], ['EXEC']);
    assert.deepEqual(feed, []);
  });

  test('counts EXEC and each command in command statistics', async () => {
    const before = amber.server.commandStats('exec').calls;
    const incrBefore = amber.server.commandStats('incr').calls;
    await raw(r, ['MULTI'], ['INCR', 'st'], ['INCR', 'st'], ['EXEC']);
    assert.equal(amber.server.commandStats('exec').calls, before + 1);
    assert.equal(amber.server.commandStats('incr').calls, incrBefore + 2);
    const e = await r.call('EXEC');
    assert.ok(e instanceof ErrorReply);
  });
});
