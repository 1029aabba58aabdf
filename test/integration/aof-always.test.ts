/**
 * `appendfsync always` over real sockets, with the fsync thread replaced by a hand-driven
 * one and every fsync placed on it: which replies are held, when they leave, in which order, and what a failing fsync
 * does. "Nothing left" is checked on the server's own output counter, so no test waits for
 * something not to happen.
 */

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startAmber, waitFor, type TestAmber } from '../helpers/servers.js';
import { ManualFsync } from '../helpers/fsync.js';
import { FsyncPlacement } from '../../src/persistence/aof/fsync-placement.js';

async function alwaysServer(t: TestContext): Promise<{ amber: TestAmber; fsync: ManualFsync }> {
  const amber = await startAmber({ appendonly: 'yes', appendfsync: 'always' });
  t.after(() => amber.stop());
  const fsync = new ManualFsync();
  amber.server.aof!.startFsyncThread = () => fsync;
  // Every fsync goes to the thread, never inline.
  amber.server.aof!.fsyncPlacement = new FsyncPlacement(false, 0);
  return { amber, fsync };
}

/** Waits until the log has asked for an fsync beyond `from` (a turn's writes reached the file). */
async function written(fsync: ManualFsync, from: number): Promise<number> {
  await waitFor(() => fsync.wanted > from, 5000, 'the write reached the file');
  return fsync.wanted;
}

/** Waits until the server has executed `n` more commands than `from`. */
function executed(amber: TestAmber, from: number, n: number): Promise<void> {
  return waitFor(() => amber.server.stats.totalCommands >= from + n, 5000, `${n} command(s) executed`);
}

test('always: no reply leaves before the fsync covering its write, and a read of that key waits too', async (t) => {
  const { amber, fsync } = await alwaysServer(t);
  const a = await amber.client();
  const b = await amber.client();
  const out = amber.server.stats.netOutputBytes;
  const cmds = amber.server.stats.totalCommands;
  a.send('SET', 'k', 'v1');
  await written(fsync, 0);
  b.send('GET', 'k');
  await executed(amber, cmds, 2);
  assert.equal(amber.server.stats.netOutputBytes, out, 'no reply has left');
  fsync.complete();
  assert.equal(await a.readRaw(), '+OK\r\n');
  assert.equal(await b.readRaw(), '$2\r\nv1\r\n');
});

test('always: a later turn never overtakes an earlier one, even when it needs no fsync of its own', async (t) => {
  const { amber, fsync } = await alwaysServer(t);
  const a = await amber.client();
  const cmds = amber.server.stats.totalCommands;
  a.send('INCR', 'n');
  await written(fsync, 0);
  // The fsync has finished but its report is still on its way: the next turn sees the data
  // durable (its own reply needs nothing) while the first turn's reply is not out yet.
  fsync.completeSilently();
  a.send('GET', 'n');
  await executed(amber, cmds, 2);
  assert.equal(await a.readRaw(), ':1\r\n');
  assert.equal(await a.readRaw(), '$1\r\n1\r\n');
});

test('always: batches leave in order as successive fsyncs cover them', async (t) => {
  const { amber, fsync } = await alwaysServer(t);
  const a = await amber.client();
  const b = await amber.client();
  const cmds = amber.server.stats.totalCommands;
  a.send('INCR', 'n');
  const first = await written(fsync, 0);
  b.send('INCR', 'n');
  await written(fsync, first);
  a.send('GET', 'n');
  await executed(amber, cmds, 3);
  const out = amber.server.stats.netOutputBytes;
  fsync.complete(first);
  assert.equal(await a.readRaw(), ':1\r\n');
  // b's INCR and a's GET (which saw b's write) wait for the second fsync.
  assert.equal(amber.server.stats.netOutputBytes, out + ':1\r\n'.length);
  fsync.complete();
  assert.equal(await b.readRaw(), ':2\r\n');
  assert.equal(await a.readRaw(), '$1\r\n2\r\n');
});

test('always: a failing fsync holds the replies that depend on it, refuses writes with MISCONF, and recovers on retry', async (t) => {
  const { amber, fsync } = await alwaysServer(t);
  const a = await amber.client();
  const b = await amber.client();
  a.send('SET', 'a', '1');
  await written(fsync, 0);
  fsync.fail('EIO');
  assert.equal(amber.server.aof!.log!.writeStatus, 'err');
  b.send('SET', 'b', '2');
  await waitFor(() => amber.server.errorStats.get('MISCONF') === 1, 5000, 'the write refused');
  await waitFor(() => fsync.retries > 0, 5000, 'the cron retries the fsync');
  fsync.complete();
  assert.equal(await a.readRaw(), '+OK\r\n', 'acknowledged once durable');
  assert.equal(await b.readRaw(), '-MISCONF Errors writing to the AOF file: Input/output error\r\n');
  assert.equal(amber.server.aof!.log!.writeStatus, 'ok');
  const before = fsync.wanted;
  b.send('SET', 'b', '3');
  await written(fsync, before);
  fsync.complete();
  assert.equal(await b.readRaw(), '+OK\r\n');
  assert.equal(await b.call('GET', 'b'), '3');
});

test('always with no-appendfsync-on-rewrite yes: during a BGSAVE or a rewrite replies leave without an fsync; the first write after it fsyncs everything', async (t) => {
  const { amber, fsync } = await alwaysServer(t);
  const a = await amber.client();
  const info = async (field: string): Promise<string> => new RegExp(`${field}:(\\S+)`).exec((await a.call('INFO', 'persistence')) as string)![1]!;
  // Twenty keys to walk, fsynced the usual way.
  a.send('MSET', ...Array.from({ length: 20 }, (_, i) => [`k${i}`, 'v']).flat());
  await written(fsync, 0);
  fsync.complete();
  assert.equal(await a.read(), 'OK');
  assert.equal(await a.call('CONFIG', 'SET', 'no-appendfsync-on-rewrite', 'yes'), 'OK');
  for (const start of ['BGSAVE', 'BGREWRITEAOF'] as const) {
    // 0.2 s per key: the job runs for seconds.
    assert.equal(await a.call('CONFIG', 'SET', 'rdb-key-save-delay', '200000'), 'OK');
    await a.call(start);
    const field = start === 'BGSAVE' ? 'rdb_bgsave_in_progress' : 'aof_rewrite_in_progress';
    const asked = fsync.requests.length;
    assert.equal(await a.call('SET', 'during', start), 'OK', 'the reply left without an fsync');
    assert.equal(await a.call('INCR', 'n'), start === 'BGSAVE' ? 1 : 2);
    assert.equal(await info(field), '1', 'while the job still ran');
    assert.equal(fsync.requests.length, asked, 'no fsync was asked for');
    assert.equal(await a.call('CONFIG', 'SET', 'rdb-key-save-delay', '0'), 'OK');
    // (Asked of the server directly: once the job is over, every reply waits for the fsync
    // of what was written meanwhile, INFO's too.)
    const running = (): boolean => (start === 'BGSAVE' ? amber.server.backgroundSaveRunning() : amber.server.aof!.rewriting);
    await waitFor(() => !running(), 10_000, `${start} to end`);
    // The next write is fsynced again, together with what was written meanwhile.
    a.send('SET', 'after', start);
    await waitFor(() => fsync.requests.length > asked, 5000, 'an fsync request');
    fsync.complete();
    assert.equal(await a.read(), 'OK');
  }
});
