import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtomicFile } from '../../../src/persistence/fsutil.js';
import { BlockSink } from '../../../src/persistence/rdb-persistence.js';
import { sliceBudget } from '../../../src/persistence/snapshot.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'amber-bgsave-writing-'));
}

/** Deterministic bytes: chunk i of length n. */
function chunk(i: number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let j = 0; j < n; j++) b[j] = (i * 31 + j * 7) & 0xff;
  return b;
}

test('an idle event loop gives the walk whole turns', () => {
  assert.equal(sliceBudget(1, 0), 1);
  assert.equal(sliceBudget(0.5, 0), 0.5);
});

test('time spent on clients since the last slice shortens the next one to keep the turn length', () => {
  assert.equal(sliceBudget(1, 0.75), 0.25);
  assert.equal(sliceBudget(2, 0.5), 1.5);
});

test('under load the walk keeps a fifth of the time, in slices never longer than a turn', () => {
  assert.equal(sliceBudget(1, 2), 0.5);
  assert.equal(sliceBudget(1, 40), 1);
  for (let busy = 0; busy <= 10; busy += 0.05) {
    const b = sliceBudget(1, busy);
    assert.ok(b <= 1, `budget ${b} after ${busy} ms busy`);
    if (busy <= 4) assert.ok(b / (b + busy) >= 0.2 - 1e-9, `share ${b / (b + busy)} after ${busy} ms busy`);
    else assert.equal(b, 1);
  }
});

test('a zero turn gives zero budgets (the smallest slices, as tests use)', () => {
  assert.equal(sliceBudget(0, 0), 0);
  assert.equal(sliceBudget(0, 3), 0);
});

test('AtomicFile calls a chunk\'s written callback once it is written, in order, and never after discard', async () => {
  const dir = tempDir();
  try {
    const sync = AtomicFile.create(dir, 'sync.bin', 'sync.tmp');
    let syncCalled = false;
    sync.write(chunk(0, 10), () => (syncCalled = true));
    assert.equal(syncCalled, true, 'sync mode: written before write() returns');
    sync.commitSync();

    const file = AtomicFile.create(dir, 'async.bin', 'async.tmp', { async: true });
    const order: number[] = [];
    for (let i = 0; i < 5; i++) file.write(chunk(i, 1000 + i), () => order.push(i));
    assert.deepEqual(order, [], 'async mode: nothing is written before the event loop turns');
    await file.commit();
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
    assert.deepEqual(readFileSync(join(dir, 'async.bin')), Buffer.concat([0, 1, 2, 3, 4].map((i) => chunk(i, 1000 + i))));

    const dropped = AtomicFile.create(dir, 'dropped.bin', 'dropped.tmp', { async: true });
    let called = 0;
    for (let i = 0; i < 3; i++) dropped.write(chunk(i, 100), () => called++);
    dropped.discard();
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(called <= 1, 'only a write already in flight may complete');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('BlockSink writes exactly the bytes it is given and reuses a bounded set of blocks', async () => {
  const dir = tempDir();
  try {
    const file = AtomicFile.create(dir, 'out.bin', 'out.tmp', { async: true });
    const blocks = new Set<ArrayBufferLike>();
    const write = file.write.bind(file);
    file.write = (b: Buffer, done?: () => void) => {
      blocks.add(b.buffer);
      write(b, done);
    };
    const sink = new BlockSink(file, 1000, 3);
    const expected: Buffer[] = [];
    let waits = 0;
    // Like the snapshot: a slice writes a few chunks (here under a block in all), then
    // asks for backpressure.
    for (let i = 0; i < 400; i++) {
      const c = chunk(i, 1 + ((i * 37) % 333));
      expected.push(c);
      sink.write(c);
      if (i % 3 === 2) {
        const wait = sink.backpressure();
        if (wait !== null) {
          waits++;
          await wait;
        }
      }
    }
    sink.end();
    await file.commit();
    assert.deepEqual(readFileSync(join(dir, 'out.bin')), Buffer.concat(expected));
    assert.ok(waits > 0, 'the disk never fell behind');
    // Three in flight and the one being filled.
    assert.ok(blocks.size <= 3 + 1, `${blocks.size} distinct blocks for ~${Math.round(Buffer.concat(expected).length / 1000)} blocks of data`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('BlockSink asks the walk to wait while all its blocks wait for the disk', async () => {
  const dir = tempDir();
  try {
    const file = AtomicFile.create(dir, 'out.bin', 'out.tmp', { async: true });
    const sink = new BlockSink(file, 100, 2);
    sink.write(chunk(0, 150));
    assert.equal(sink.backpressure(), null, 'one block out of two in flight');
    sink.write(chunk(1, 50));
    const wait = sink.backpressure();
    assert.notEqual(wait, null, 'two blocks in flight and no write can have completed yet');
    await wait;
    assert.equal(sink.backpressure(), null, 'a block came back');
    sink.end();
    await file.commit();
    assert.deepEqual(readFileSync(join(dir, 'out.bin')), Buffer.concat([chunk(0, 150), chunk(1, 50)]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
