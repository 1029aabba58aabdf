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
import { NO_REDIS, redisServerPath, startAmber, startRedis, tempDir } from '../helpers/servers.js';

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

test('IDLE and FREQ in a file written by redis-server under LRU / LFU policies become the keys\' idle time / counter', { skip: redisServerPath() === null && NO_REDIS }, async () => {
  for (const policy of ['allkeys-lru', 'allkeys-lfu'] as const) {
    const redis = await startRedis(['--maxmemory-policy', policy]);
    const dir = tempDir('amber-rdb-access-');
    dirs.push(dir);
    try {
      const r = await redis.client();
      await r.call('SET', 'src', 'v');
      const payload = (await r.call('DUMP', 'src')) as string;
      if (policy === 'allkeys-lru') await r.call('RESTORE', 'k', '0', payload, 'IDLETIME', '5000');
      else await r.call('RESTORE', 'k', '0', payload, 'FREQ', '42');
      assert.equal(await r.call('SAVE'), 'OK');
      writeFileSync(join(dir, 'dump.rdb'), readFileSync(join(redis.dir, 'dump.rdb')));
    } finally {
      await redis.stop();
    }
    const a = await startAmber({ dir, 'maxmemory-policy': policy });
    try {
      const c = await a.client();
      if (policy === 'allkeys-lru') {
        const idle = (await c.call('OBJECT', 'IDLETIME', 'k')) as number;
        assert.ok(idle >= 5000 && idle <= 5010, `idle ${idle}`);
      } else {
        // (A minute boundary between the save and the load decays it by one.)
        const freq = (await c.call('OBJECT', 'FREQ', 'k')) as number;
        assert.ok(freq === 42 || freq === 41, `freq ${freq}`);
      }
    } finally {
      await a.stop();
    }
  }
});

test('under LRU / LFU policies Amber writes IDLE / FREQ: DEBUG RELOAD keeps them, and redis-server reads them', async () => {
  for (const policy of ['allkeys-lru', 'allkeys-lfu'] as const) {
    const dir = tempDir('amber-rdb-access-');
    dirs.push(dir);
    const a = await startAmber({ dir, 'maxmemory-policy': policy, 'enable-debug-command': 'yes' });
    try {
      const c = await a.client();
      await c.call('SET', 'src', 'v');
      const payload = (await c.call('DUMP', 'src')) as string;
      const check = async (get: (key: string) => Promise<number>): Promise<void> => {
        const got = await get('k');
        if (policy === 'allkeys-lru') assert.ok(got >= 5000 && got <= 5010, `idle ${got}`);
        else assert.ok(got === 42 || got === 41, `freq ${got}`);
      };
      if (policy === 'allkeys-lru') await c.call('RESTORE', 'k', '0', payload, 'IDLETIME', '5000');
      else await c.call('RESTORE', 'k', '0', payload, 'FREQ', '42');
      const amberGet = async (key: string): Promise<number> => (await c.call('OBJECT', policy === 'allkeys-lru' ? 'IDLETIME' : 'FREQ', key)) as number;
      assert.equal(await c.call('DEBUG', 'RELOAD'), 'OK');
      await check(amberGet);
      assert.equal(await c.call('SAVE'), 'OK');
    } finally {
      await a.stop();
    }
    if (redisServerPath() === null) continue;
    const redis = await startRedis(['--maxmemory-policy', policy]);
    try {
      writeFileSync(join(redis.dir, 'dump.rdb'), readFileSync(join(dir, 'dump.rdb')));
      const r = await redis.client();
      assert.equal(await r.call('DEBUG', 'RELOAD', 'NOSAVE'), 'OK');
      const got = (await r.call('OBJECT', policy === 'allkeys-lru' ? 'IDLETIME' : 'FREQ', 'k')) as number;
      if (policy === 'allkeys-lru') assert.ok(got >= 5000 && got <= 5010, `redis idle ${got}`);
      else assert.ok(got === 42 || got === 41, `redis freq ${got}`);
    } finally {
      await redis.stop();
    }
  }
});
