import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FsyncThread, type FsyncService } from '../../../src/persistence/aof/fsync-thread.js';
import { AofLog, type FsyncPolicy } from '../../../src/persistence/aof/log.js';
import { ManualFsync } from '../../helpers/fsync.js';
import { FsyncPlacement, INLINE_MAX_MICROS } from '../../../src/persistence/aof/fsync-placement.js';

function tempFile(): { file: string; fd: number; done(): void } {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'amber-aoflog-'));
  const file = path.join(dir, 'appendonly.aof.1.incr.aof');
  const fd = fs.openSync(file, 'a', 0o644);
  return { file, fd, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A log whose `always` fsyncs all go to `thread` (or the thread pool), unless `placement` says otherwise. */
function makeLog(fd: number, thread: FsyncService | null, policy: FsyncPolicy = 'always', timestamps = false, placement = new FsyncPlacement(false, 0)) {
  const logged: string[] = [];
  const log = new AofLog(fd, 'appendonly.aof.1.incr.aof', 0, {
    policy: () => policy,
    timestamps: () => timestamps,
    noFsyncNow: () => false,
    log: (_level, msg) => logged.push(msg),
    fsyncThread: () => thread,
    placement: () => placement,
  });
  return { log, logged };
}

/** Lets pending promise reactions and immediates run. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

function tracked(p: Promise<void> | null): { done: boolean } {
  const state = { done: false };
  assert.ok(p !== null, 'something is waiting to be fsynced');
  void p.then(() => (state.done = true));
  return state;
}

test('always: a turn\'s commands go out in one write and one fsync request covering them', () => {
  const f = tempFile();
  const fsync = new ManualFsync();
  const { log } = makeLog(f.fd, fsync);
  log.feed(0, ['SET', 'a', '1']);
  log.feed(0, ['SET', 'b', '2']);
  log.feed(3, ['DEL', 'c']);
  log.flush();
  const text = fs.readFileSync(f.file, 'latin1');
  assert.equal(
    text,
    '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n' +
      '*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*2\r\n$3\r\nDEL\r\n$1\r\nc\r\n',
  );
  assert.deepEqual(fsync.requests, [text.length], 'one fsync request, for everything written');
  assert.equal(fsync.fd, f.fd);
  log.close();
  f.done();
});

/** RESP of one command, as the AOF must hold it (the reference the encoder is checked against). */
function resp(argv: readonly string[]): string {
  return `*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('');
}

test('commands are encoded byte for byte: any byte value, short and long arguments, SELECT, a value larger than the buffer', () => {
  const f = tempFile();
  const { log } = makeLog(f.fd, null, 'no');
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  let expected = '';
  let db = -1;
  for (let i = 0; i < 500; i++) {
    const argv = ['SET'];
    for (let j = 0, n = 1 + rnd(4); j < n; j++) {
      let a = '';
      for (let k = 0, len = [0, 1, 9, 10, 63, 64, 99, 100, 300][rnd(9)]!; k < len; k++) a += String.fromCharCode(rnd(256));
      argv.push(a);
    }
    const next = [0, 9, 10, 15][rnd(4)]!;
    if (next !== db) {
      expected += resp(['SELECT', String(next)]);
      db = next;
    }
    expected += resp(argv);
    log.feed(db, argv);
  }
  const big = 'v'.repeat(3 * 1024 * 1024 + 17);
  log.feed(db, ['SET', 'big', big]);
  expected += resp(['SET', 'big', big]);
  assert.equal(log.pending, expected.length);
  log.flush();
  const text = fs.readFileSync(f.file, 'latin1');
  assert.equal(text.length, expected.length);
  assert.ok(text === expected, 'the file holds exactly the RESP of what was fed');
  // The buffer went back to its usual size and keeps working.
  log.feed(db, ['DEL', 'big']);
  log.flush();
  assert.equal(fs.readFileSync(f.file, 'latin1').slice(text.length), resp(['DEL', 'big']));
  log.close();
  f.done();
});

test('request bytes are appended as they are: runs from one buffer are joined, anything else settles them first, in order', () => {
  const f = tempFile();
  const { log } = makeLog(f.fd, null, 'no');
  // Two "reads" of pipelined requests, as a client's parser holds them.
  const cmds = [['SET', 'a', '1'], ['set', 'b', 'x'.repeat(100)], ['INCR', 'c'], ['LPUSH', 'l', 'p', 'q']];
  const read1 = Buffer.from('junk' + cmds.map(resp).join('') + 'tail', 'latin1');
  const read2 = Buffer.from(cmds.map(resp).join(''), 'latin1');
  const ranges = (buf: Buffer, at: number) =>
    cmds.map((c) => {
      const r = { rawBuf: buf, rawStart: at, rawEnd: at + resp(c).length };
      at = r.rawEnd;
      return r;
    });
  const r1 = ranges(read1, 4);
  const r2 = ranges(read2, 0);
  let expected = '';
  const feedRaw = (db: number, i: number, r: { rawBuf: Buffer; rawStart: number; rawEnd: number }): void => {
    log.feed(db, cmds[i]!, r);
    expected += resp(cmds[i]!);
  };
  expected += resp(['SELECT', '0']);
  feedRaw(0, 0, r1[0]!);
  feedRaw(0, 1, r1[1]!);
  log.feed(0, ['DEL', 'z']); // encoded between two copies of the same read
  expected += resp(['DEL', 'z']);
  feedRaw(0, 2, r1[2]!);
  feedRaw(0, 0, r2[0]!); // another buffer
  feedRaw(0, 1, r2[1]!);
  expected += resp(['SELECT', '4']);
  feedRaw(4, 2, r2[2]!); // a SELECT comes first
  feedRaw(4, 3, r2[3]!);
  assert.equal(log.pending, expected.length);
  log.flush();
  feedRaw(4, 3, r1[3]!);
  log.flush();
  assert.equal(fs.readFileSync(f.file, 'latin1'), expected);
  log.close();
  f.done();
});

test('aof-timestamp-enabled: a #TS:<unix time> line comes before the first command', () => {
  const f = tempFile();
  const { log } = makeLog(f.fd, null, 'no', true);
  const from = Math.floor(Date.now() / 1000);
  log.feed(0, ['SET', 'a', '1']);
  const to = Math.floor(Date.now() / 1000);
  log.flush();
  const m = /^#TS:(\d+)\r\n(.*)$/s.exec(fs.readFileSync(f.file, 'latin1'));
  assert.ok(m !== null);
  assert.ok(Number(m[1]) >= from && Number(m[1]) <= to);
  assert.equal(m[2], resp(['SELECT', '0']) + resp(['SET', 'a', '1']));
  log.close();
  f.done();
});

test('always: durable() resolves only once an fsync covers its bytes, earlier batches first', async () => {
  const f = tempFile();
  const fsync = new ManualFsync();
  const { log } = makeLog(f.fd, fsync);
  assert.equal(log.durable(), null, 'nothing written: nothing to wait for');
  log.feed(0, ['SET', 'a', '1']);
  log.flush();
  const first = tracked(log.durable());
  const firstEnd = fsync.wanted;
  log.feed(0, ['SET', 'b', '2']);
  log.flush();
  const second = tracked(log.durable());
  await settle();
  assert.deepEqual([first.done, second.done], [false, false], 'nothing is durable before an fsync returns');
  fsync.complete(firstEnd);
  await settle();
  assert.deepEqual([first.done, second.done], [true, false], 'the first fsync covers only the first batch');
  fsync.complete();
  await settle();
  assert.deepEqual([first.done, second.done], [true, true]);
  assert.equal(log.durable(), null);
  log.close();
  f.done();
});

test('always: progress the thread made is picked up at the next flush, before its report arrives', async () => {
  const f = tempFile();
  const fsync = new ManualFsync();
  const { log } = makeLog(f.fd, fsync);
  log.feed(0, ['SET', 'a', '1']);
  log.flush();
  const first = tracked(log.durable());
  fsync.completeSilently();
  log.flush();
  await settle();
  assert.equal(first.done, true);
  assert.equal(log.durable(), null);
  log.close();
  f.done();
});

test('always: a failed fsync refuses writes (MISCONF text) until a retried fsync succeeds', async () => {
  const f = tempFile();
  const fsync = new ManualFsync();
  const { log, logged } = makeLog(f.fd, fsync);
  log.feed(0, ['SET', 'a', '1']);
  log.flush();
  const held = tracked(log.durable());
  fsync.fail('EIO');
  assert.equal(log.writeStatus, 'err');
  assert.equal(log.lastWriteError, 'Input/output error');
  assert.ok(logged.some((l) => l.startsWith("Can't persist AOF for fsync error")), logged.join('\n'));
  await settle();
  assert.equal(held.done, false, 'the reply waiting on the failed fsync stays held');
  log.tick();
  assert.equal(fsync.retries, 1, 'the cron asks the thread to try again');
  fsync.complete();
  await settle();
  assert.equal(log.writeStatus, 'ok');
  assert.equal(held.done, true);
  log.close();
  f.done();
});

test('always: without an fsync thread the thread pool fsyncs and releases the waiters', async () => {
  const f = tempFile();
  const { log } = makeLog(f.fd, null);
  log.feed(0, ['SET', 'a', '1']);
  log.flush();
  const p = log.durable();
  assert.ok(p !== null);
  await p;
  assert.equal(log.durable(), null);
  log.close();
  f.done();
});

test('placement: fsyncs start inline; each window of 16 durations moves them by its median, in both directions', () => {
  const p = new FsyncPlacement();
  assert.equal(p.inline, true, 'no durations yet: inline');
  for (let i = 0; i < 15; i++) p.record(5000);
  assert.equal(p.inline, true, 'nothing is decided before a window is full');
  p.record(5000);
  assert.equal(p.inline, false, 'slow fsyncs go to the thread');
  // A few quick outliers do not move a slow median, nor slow ones a quick median.
  for (let i = 0; i < 16; i++) p.record(i < 5 ? 50 : 800);
  assert.equal(p.inline, false);
  for (let i = 0; i < 16; i++) p.record(i < 5 ? 9000 : 120);
  assert.equal(p.inline, true, 'quick fsyncs come back inline');
  for (let i = 0; i < 16; i++) p.record(INLINE_MAX_MICROS);
  assert.equal(p.inline, false, 'the bound itself is the thread\'s');
  const pinned = new FsyncPlacement(false, 0);
  for (let i = 0; i < 32; i++) pinned.record(1);
  assert.equal(pinned.inline, false, 'a bound of 0 never goes inline');
});

test('always, inline: the turn\'s write is fsynced before flush() returns, nothing is asked of the thread, and nothing waits', () => {
  const f = tempFile();
  const fsync = new ManualFsync();
  const { log } = makeLog(f.fd, fsync, 'always', false, new FsyncPlacement(true, Infinity));
  log.feed(0, ['SET', 'a', '1']);
  assert.notEqual(log.durable(), null, 'a buffered command is not durable yet');
  log.flush();
  assert.equal(log.durable(), null, 'durable once flush() returned');
  assert.deepEqual(fsync.requests, []);
  assert.equal(fsync.attaches, 0, 'the thread is not even attached');
  assert.match(fs.readFileSync(f.file, 'latin1'), /\$1\r\na\r\n\$1\r\n1\r\n$/);
  log.close();
  f.done();
});

test('always: once the thread reports 16 quick fsyncs the next turn fsyncs inline, and replies still held leave with it', async () => {
  const f = tempFile();
  const fsync = new ManualFsync();
  const placement = new FsyncPlacement(false);
  const { log } = makeLog(f.fd, fsync, 'always', false, placement);
  for (let i = 0; i < 15; i++) {
    log.feed(0, ['SET', 'a', String(i)]);
    log.flush();
    fsync.complete(fsync.wanted, 100);
  }
  log.feed(0, ['SET', 'b', '1']);
  log.flush();
  const first = fsync.wanted;
  const held1 = tracked(log.durable());
  log.feed(0, ['SET', 'c', '1']);
  log.flush();
  const held2 = tracked(log.durable());
  assert.equal(placement.inline, false);
  fsync.complete(first, 100); // the 16th quick fsync
  assert.equal(placement.inline, true);
  await settle();
  assert.deepEqual([held1.done, held2.done], [true, false]);
  const asked = fsync.requests.length;
  log.feed(0, ['SET', 'd', '1']);
  log.flush();
  assert.equal(fsync.requests.length, asked, 'no new request to the thread');
  assert.equal(log.durable(), null, 'the inline fsync covered everything written');
  await settle();
  assert.equal(held2.done, true);
  log.close();
  f.done();
});

test('always, inline: a failed fsync refuses writes and holds the replies; the next flush (the cron) tries again', async () => {
  // fdatasync of /dev/null fails with EINVAL.
  const fd = fs.openSync('/dev/null', 'a');
  const { log, logged } = makeLog(fd, null, 'always', false, new FsyncPlacement(true, Infinity));
  log.feed(0, ['SET', 'a', '1']);
  log.flush();
  assert.equal(log.writeStatus, 'err');
  assert.ok(logged.some((l) => l.startsWith("Can't persist AOF for fsync error")), logged.join('\n'));
  const held = tracked(log.durable());
  log.tick();
  await settle();
  assert.equal(held.done, false, 'still not durable');
  assert.equal(log.writeStatus, 'err');
  log.close(); // closes the descriptor
});

test('close() writes what is buffered, fsyncs, and detaches the thread before the file is closed', () => {
  const f = tempFile();
  const fsync = new ManualFsync();
  const { log } = makeLog(f.fd, fsync);
  log.feed(0, ['SET', 'a', '1']);
  log.flush();
  log.feed(0, ['SET', 'b', '2']);
  log.close();
  assert.equal(fsync.detaches, 1);
  assert.equal(fsync.fd, -1);
  assert.match(fs.readFileSync(f.file, 'latin1'), /\$1\r\nb\r\n\$1\r\n2\r\n$/);
  f.done();
});

test('closeInBackground() (a rewrite switching files) writes what is buffered at once, then fsyncs and closes on the thread pool and releases the replies that waited', async () => {
  const f = tempFile();
  const fsync = new ManualFsync();
  const { log } = makeLog(f.fd, fsync);
  log.feed(0, ['SET', 'a', '1']);
  log.flush();
  const held = tracked(log.durable());
  log.feed(0, ['SET', 'b', '2']);
  log.closeInBackground();
  assert.equal(fsync.detaches, 1, 'the fsync thread lets go of the file');
  assert.match(fs.readFileSync(f.file, 'latin1'), /\$1\r\nb\r\n\$1\r\n2\r\n$/, 'the buffer was written before returning');
  // The thread-pool fsync and close come back in a later turn.
  for (let i = 0; i < 50 && !held.done; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(held.done, true, 'released once the background fsync returned');
  for (let i = 0; i < 50; i++) {
    try {
      fs.fstatSync(f.fd);
    } catch {
      break;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.throws(() => fs.fstatSync(f.fd), 'the descriptor is closed');
  log.closeInBackground(); // a second call does nothing
  f.done();
});

test('the fsync thread fsyncs what was written, reports it, and switches files', async () => {
  const f = tempFile();
  const g = tempFile();
  const t = new FsyncThread(() => assert.fail('thread died'));
  try {
    const reports: (string | null)[] = [];
    let wake: (() => void) | null = null;
    t.onDone = (e) => {
      reports.push(e === null ? null : (e.code ?? '?'));
      wake?.();
    };
    const next = (): Promise<void> => new Promise((r) => (wake = r));
    fs.writeSync(f.fd, 'x'.repeat(100));
    t.attach(f.fd, 0);
    let done = next();
    t.request(100);
    await done;
    assert.deepEqual(reports, [null]);
    assert.equal(t.synced, 100);
    // A file whose fsync fails (EINVAL on /dev/null): reported with its code, not retried
    // on its own, tried again when asked.
    const devnull = fs.openSync('/dev/null', 'a');
    t.attach(devnull, 0);
    done = next();
    t.request(10);
    await done;
    assert.deepEqual(reports, [null, 'EINVAL']);
    done = next();
    t.retry();
    await done;
    assert.deepEqual(reports, [null, 'EINVAL', 'EINVAL']);
    assert.equal(t.synced, 0);
    t.detach();
    fs.closeSync(devnull);
    // Another file after a failure: a fresh start.
    fs.writeSync(g.fd, 'y'.repeat(7));
    t.attach(g.fd, 0);
    done = next();
    t.request(7);
    await done;
    assert.deepEqual(reports, [null, 'EINVAL', 'EINVAL', null]);
    assert.equal(t.synced, 7);
    t.detach();
  } finally {
    t.terminate();
    fs.closeSync(f.fd);
    fs.closeSync(g.fd);
    f.done();
    g.done();
  }
});
