import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { NO_REDIS, redisServerPath, startAmber, startRedis, tempDir, waitFor, type TestAmber } from '../helpers/servers.js';
import { RHash } from '../../src/types/hash.js';
import { TestClient } from '../helpers/resp.js';
import { parseManifest } from '../../src/persistence/aof/manifest.js';

const noRedis = redisServerPath() === null && NO_REDIS;
const AOF = { appendonly: 'yes', appendfsync: 'everysec' } as const;

function manifest(dir: string) {
  return parseManifest(fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1'));
}

async function fill(c: TestClient, n: number, prefix = 'k'): Promise<void> {
  for (let i = 0; i < n; i++) c.send('SET', `${prefix}${i}`, `v${i}`);
  for (let i = 0; i < n; i++) assert.equal(await c.read(), 'OK');
}

test('writes survive a restart through the multi-part AOF', async () => {
  const dir = tempDir();
  let amber = await startAmber({ dir, ...AOF });
  let c = await amber.client();
  await fill(c, 100);
  assert.equal(await c.call('SELECT', '5'), 'OK');
  assert.equal(await c.call('SET', 'in5', 'five'), 'OK');
  await amber.stop();
  const m = manifest(dir);
  assert.ok(m.base, 'a BASE file is listed');
  assert.equal(m.incr.length, 1);
  amber = await startAmber({ dir, ...AOF });
  c = await amber.client();
  assert.equal(await c.call('GET', 'k99'), 'v99');
  assert.equal(await c.call('SELECT', '5'), 'OK');
  assert.equal(await c.call('GET', 'in5'), 'five');
  await amber.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the files pass redis-check-aof', { skip: spawnSync('sh', ['-c', 'command -v redis-check-aof']).status !== 0 && 'redis-check-aof not installed' }, async () => {
  const dir = tempDir();
  const amber = await startAmber({ dir, ...AOF });
  const c = await amber.client();
  await fill(c, 50);
  await amber.stop();
  const r = spawnSync('redis-check-aof', [path.join(dir, 'appendonlydir', 'appendonly.aof.manifest')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /All AOF files and manifest are valid/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('BGREWRITEAOF writes a new BASE, retires the old files and keeps every write', async () => {
  const dir = tempDir();
  let amber = await startAmber({ dir, ...AOF, 'aof-use-rdb-preamble': 'no' });
  let c = await amber.client();
  await fill(c, 200);
  const before = manifest(dir);
  assert.equal(await c.call('BGREWRITEAOF'), 'Background append only file rewriting started');
  // Writes while the rewrite runs land in the new INCR file.
  await fill(c, 50, 'during');
  await waitFor(() => manifest(dir).base!.seq > before.base!.seq, 5000, 'rewrite to finish');
  const after = manifest(dir);
  assert.equal(after.incr.length, 1);
  assert.ok(after.incr[0]!.seq > before.incr[0]!.seq);
  await waitFor(() => !fs.existsSync(path.join(dir, 'appendonlydir', before.incr[0]!.name)), 5000, 'history removal');
  await amber.stop();
  amber = await startAmber({ dir, ...AOF });
  c = await amber.client();
  assert.equal(await c.call('GET', 'k199'), 'v199');
  assert.equal(await c.call('GET', 'during49'), 'v49');
  await amber.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('small values in an RDB-preamble BASE load packed, take the INCR commands, and survive two more restarts and a rewrite', async () => {
  const dir = tempDir();
  const opts = { dir, ...AOF, 'aof-use-rdb-preamble': 'yes', 'enable-debug-command': 'yes' };
  // The server running now, stopped in `finally` if an assertion fails on the way.
  let amber: TestAmber | null = null;
  const restart = async (): Promise<TestClient> => {
    if (amber !== null) await amber.stop();
    amber = await startAmber(opts);
    return amber.client();
  };
  try {
    let c = await restart();
    for (let i = 0; i < 50; i++) {
      assert.equal(await c.call('HSET', `h${i}`, 'a', String(i), 'b', 'x'), 2);
      assert.equal(await c.call('ZADD', `z${i}`, '1', 'a', '2.5', 'b', String(i), 'c'), 3);
      assert.equal(await c.call('RPUSH', `l${i}`, 'a', 'b', String(i)), 3);
      assert.equal(await c.call('SADD', `s${i}`, 'x', 'y', String(i)), 3);
      assert.equal(await c.call('SADD', `i${i}`, '1', '2', String(i + 10)), 3);
    }
    const before = manifest(dir);
    assert.equal(await c.call('BGREWRITEAOF'), 'Background append only file rewriting started');
    await waitFor(() => manifest(dir).base!.seq > before.base!.seq, 5000, 'rewrite to finish');

    // The BASE holds every value as a small listpack, SET or intset record: they load packed,
    // and the INCR file's commands change some of them.
    c = await restart();
    const h0 = amber!.server.store.db(0).dict.get('h0') as RHash;
    assert.notEqual(h0.packedListpack(), null, 'h0 is packed after the load');
    for (let i = 0; i < 50; i += 5) {
      await c.call('HSET', `h${i}`, 'c', 'new');
      await c.call('ZINCRBY', `z${i}`, '3', 'a');
      await c.call('LPUSH', `l${i}`, 'first');
      await c.call('SREM', `s${i}`, 'x');
      await c.call('SADD', `i${i}`, '-7');
    }
    const digest = await c.call('DEBUG', 'DIGEST');

    c = await restart();
    assert.equal(await c.call('DEBUG', 'DIGEST'), digest, 'after replaying the INCR file');
    assert.deepEqual(await c.call('HGETALL', 'h5'), ['a', '5', 'b', 'x', 'c', 'new']);
    assert.deepEqual(await c.call('ZRANGE', 'z5', '0', '-1', 'WITHSCORES'), ['b', '2.5', 'a', '4', 'c', '5']);
    assert.deepEqual(await c.call('LRANGE', 'l5', '0', '-1'), ['first', 'a', 'b', '5']);
    assert.deepEqual(await c.call('SMEMBERS', 'i5'), ['-7', '1', '2', '15']);
    assert.equal(await c.call('OBJECT', 'ENCODING', 'i6'), 'intset');
    // A rewrite now writes the untouched values from their packed bytes.
    const mid = manifest(dir);
    assert.equal(await c.call('BGREWRITEAOF'), 'Background append only file rewriting started');
    await waitFor(() => manifest(dir).base!.seq > mid.base!.seq, 5000, 'rewrite to finish');

    c = await restart();
    assert.equal(await c.call('DEBUG', 'DIGEST'), digest, 'after a rewrite from packed values');
  } finally {
    if (amber !== null) await (amber as TestAmber).stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a truncated INCR tail is trimmed with aof-load-truncated yes', async () => {
  const dir = tempDir();
  let amber = await startAmber({ dir, ...AOF });
  let c = await amber.client();
  await fill(c, 10);
  await amber.stop();
  const m = manifest(dir);
  const incr = path.join(dir, 'appendonlydir', m.incr[0]!.name);
  const full = fs.statSync(incr).size;
  fs.appendFileSync(incr, '*3\r\n$3\r\nSET\r\n$4\r\nhalf'); // a command cut short
  amber = await startAmber({ dir, ...AOF });
  c = await amber.client();
  assert.equal(await c.call('GET', 'k9'), 'v9');
  assert.equal(await c.call('GET', 'half'), null);
  assert.equal(fs.statSync(incr).size, full, 'the partial command was cut off');
  await amber.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a truncated tail refuses the start with aof-load-truncated no and leaves the file alone', async () => {
  const dir = tempDir();
  const amber = await startAmber({ dir, ...AOF });
  const c = await amber.client();
  await fill(c, 10);
  await amber.stop();
  const incr = path.join(dir, 'appendonlydir', manifest(dir).incr[0]!.name);
  fs.appendFileSync(incr, '*2\r\n$3\r\nGET');
  const size = fs.statSync(incr).size;
  await assert.rejects(startAmber({ dir, ...AOF, 'aof-load-truncated': 'no' }), /Unexpected end of file reading the append only file/);
  assert.equal(fs.statSync(incr).size, size);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('garbage in the middle of an AOF refuses the start naming the file and offset', async () => {
  const dir = tempDir();
  const amber = await startAmber({ dir, ...AOF });
  const c = await amber.client();
  await fill(c, 3);
  await amber.stop();
  const incr = path.join(dir, 'appendonlydir', manifest(dir).incr[0]!.name);
  fs.appendFileSync(incr, 'garbage\r\n*1\r\n$4\r\nPING\r\n');
  const before = fs.readFileSync(incr);
  await assert.rejects(startAmber({ dir, ...AOF }), /Bad file format reading the append only file appendonly\.aof\.1\.incr\.aof at offset \d+/);
  assert.deepEqual(fs.readFileSync(incr), before);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a malformed manifest refuses the start', async () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'appendonlydir'));
  fs.writeFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'file x seq\n');
  await assert.rejects(startAmber({ dir, ...AOF }), /Invalid AOF manifest file format/);
  fs.writeFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'file appendonly.aof.1.base.aof seq 1 type b\n');
  await assert.rejects(startAmber({ dir, ...AOF }), /doesn't exist/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a Redis 6 single-file appendonly.aof is moved into the directory as the BASE', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'appendonly.aof'), '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$5\r\nstyle\r\n');
  const amber = await startAmber({ dir, ...AOF });
  const c = await amber.client();
  assert.equal(await c.call('GET', 'old'), 'style');
  await amber.stop();
  assert.ok(!fs.existsSync(path.join(dir, 'appendonly.aof')));
  const m = manifest(dir);
  assert.equal(m.base!.name, 'appendonly.aof');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('CONFIG SET appendonly yes at run time writes a BASE of the current dataset', async () => {
  const dir = tempDir();
  let amber = await startAmber({ dir });
  let c = await amber.client();
  try {
    await fill(c, 20);
    assert.equal(await c.call('CONFIG', 'SET', 'appendonly', 'yes'), 'OK');
    await waitFor(() => amber.server.aof!.state === 'on', 5000, 'AOF on');
    assert.equal(await c.call('SET', 'after', 'on'), 'OK');
  } finally {
    await amber.stop();
  }
  amber = await startAmber({ dir, ...AOF });
  c = await amber.client();
  assert.equal(await c.call('GET', 'k19'), 'v19');
  assert.equal(await c.call('GET', 'after'), 'on');
  await amber.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a real redis-server 7.0 loads the appendonlydir Amber wrote', { skip: noRedis }, async () => {
  const dir = tempDir();
  const amber = await startAmber({ dir, ...AOF, 'aof-use-rdb-preamble': 'no' });
  const c = await amber.client();
  await fill(c, 30);
  await amber.stop();
  const redis = await startRedis(['--appendonly', 'yes', '--dir', dir]);
  const r = await redis.client();
  assert.equal(await r.call('GET', 'k29'), 'v29');
  assert.equal(await r.call('DBSIZE'), 30);
  await redis.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('Amber loads an appendonlydir written by redis-server 7.0', { skip: noRedis }, async () => {
  const dir = tempDir();
  const redis = await startRedis(['--appendonly', 'yes', '--aof-use-rdb-preamble', 'no', '--dir', dir]);
  const r = await redis.client();
  for (let i = 0; i < 30; i++) assert.equal(await r.call('SET', `r${i}`, `x${i}`), 'OK');
  assert.equal(await r.call('SELECT', '2'), 'OK');
  assert.equal(await r.call('SET', 'db2', 'yes'), 'OK');
  // redis-server fsyncs every second; stop it cleanly so everything is on disk.
  r.send('SHUTDOWN');
  await waitFor(() => redis.proc.exitCode !== null, 5000, 'redis-server to exit');
  const copy = tempDir();
  fs.cpSync(path.join(dir, 'appendonlydir'), path.join(copy, 'appendonlydir'), { recursive: true });
  await redis.stop();
  const amber = await startAmber({ dir: copy, ...AOF });
  const c = await amber.client();
  assert.equal(await c.call('GET', 'r29'), 'x29');
  assert.equal(await c.call('SELECT', '2'), 'OK');
  assert.equal(await c.call('GET', 'db2'), 'yes');
  await amber.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(copy, { recursive: true, force: true });
});
