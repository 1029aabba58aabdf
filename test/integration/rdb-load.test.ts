/**
 * Start-up and DEBUG RELOAD loads of big files: keys are stored through the load queue
 * (src/persistence/load-queue.ts), so these check that nothing read is lost or reordered
 * on the way: every key of a file much larger than the young generation, duplicates found
 * wherever they are, and a file cut short leaving loaded exactly the keys before the cut,
 * as before the queue existed.
 */

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRdb } from '../../src/persistence/rdb/reader.js';
import { ErrorReply } from '../helpers/resp.js';
import { startAmber, tempDir } from '../helpers/servers.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function filled(n: number): Promise<{ file: string; dir: string }> {
  const dir = tempDir('amber-rdb-load-');
  dirs.push(dir);
  const a = await startAmber({ dir, 'enable-debug-command': 'yes' });
  const c = await a.client();
  for (let i = 0; i < n; i += 1000) {
    const args: string[] = [];
    for (let j = i; j < Math.min(n, i + 1000); j++) args.push(`key:${j}`, `value:${j}:${'v'.repeat(j % 40)}`);
    await c.call('MSET', ...args);
  }
  await c.call('HSET', 'h', 'f', '1');
  await c.call('RPUSH', 'l', 'a', 'b');
  await c.call('SELECT', '3');
  await c.call('SET', 'in-db-3', 'x');
  await c.call('PEXPIREAT', 'in-db-3', String(Date.now() + 3_600_000));
  assert.equal(await c.call('SAVE'), 'OK');
  await a.stop();
  return { file: join(dir, 'dump.rdb'), dir };
}

test('a file many times the young generation loads every key, value and TTL', async () => {
  const { dir } = await filled(200_000);
  const a = await startAmber({ dir, 'enable-debug-command': 'yes' });
  try {
    const c = await a.client();
    assert.equal(await c.call('DBSIZE'), 200_002);
    assert.equal(await c.call('GET', 'key:0'), 'value:0:');
    assert.equal(await c.call('GET', 'key:199999'), `value:199999:${'v'.repeat(199999 % 40)}`);
    assert.deepEqual(await c.call('LRANGE', 'l', '0', '-1'), ['a', 'b']);
    await c.call('SELECT', '3');
    assert.equal(await c.call('GET', 'in-db-3'), 'x');
    assert.ok(((await c.call('PTTL', 'in-db-3')) as number) > 3_000_000);
    // Reloading over the same keys finds the first duplicate; MERGE replaces them all.
    assert.deepEqual(await c.call('DEBUG', 'RELOAD', 'NOFLUSH', 'NOSAVE'), new ErrorReply('ERR Error trying to load the RDB dump'));
    assert.equal(await c.call('DEBUG', 'RELOAD', 'NOFLUSH', 'MERGE', 'NOSAVE'), 'OK');
    await c.call('SELECT', '0');
    assert.equal(await c.call('DBSIZE'), 200_002);
  } finally {
    await a.stop();
  }
});

test('a file cut short fails DEBUG RELOAD and leaves loaded exactly the keys before the cut', async () => {
  const { file, dir } = await filled(50_000);
  const whole = readFileSync(file);
  const cut = whole.subarray(0, Math.floor(whole.length * 0.7));
  let before = 0;
  assert.throws(() => readRdb(cut, { entry: () => before++ }), /Unexpected EOF/);
  assert.ok(before > 30_000);
  const a = await startAmber({ dir, 'enable-debug-command': 'yes' });
  try {
    const c = await a.client();
    writeFileSync(file, cut);
    assert.deepEqual(await c.call('DEBUG', 'RELOAD', 'NOSAVE'), new ErrorReply('ERR Error trying to load the RDB dump'));
    assert.equal(await c.call('DBSIZE'), before);
  } finally {
    await a.stop();
  }
});
