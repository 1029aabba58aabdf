/**
 * RDB persistence end to end: SAVE/BGSAVE/LASTSAVE, restarts, save points, SHUTDOWN and
 * FLUSHALL saves, DEBUG RELOAD, a failing disk (MISCONF), corrupt files, crash safety, and
 * files checked by redis-check-rdb and loaded by a real redis-server 7.0.15.
 */

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs, { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../../src/store/store.js';
import type { Value } from '../../src/store/values.js';
import { RHash } from '../../src/types/hash.js';
import { RList } from '../../src/types/list.js';
import { RSet } from '../../src/types/set.js';
import { RZSet } from '../../src/types/zset.js';
import { ErrorReply, TestClient } from '../helpers/resp.js';
import { freePort, NO_REDIS, redisServerPath, startAmber, startRedis, tempDir, waitFor, type TestAmber } from '../helpers/servers.js';

const dirs: string[] = [];
function dir(): string {
  const d = tempDir('amber-rdb-');
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A value as comparable text. */
function repr(v: Value): string {
  if (typeof v === 'string') return 's:' + v;
  switch (v.kind) {
    case 'list':
      return 'l:' + JSON.stringify([...v.values()]);
    case 'hash':
      return 'h:' + JSON.stringify([...v.entries()].sort());
    case 'set':
      return 'S:' + JSON.stringify([...v.values()].sort());
    case 'zset':
      return 'z:' + JSON.stringify([...v.entries()]);
  }
}

/** db → key → "value|expire" for every stored key. */
function dataset(store: Store): Map<number, Map<string, string>> {
  const out = new Map<number, Map<string, string>>();
  for (const db of store.dbs) {
    if (db.dict.size === 0) continue;
    const m = new Map<string, string>();
    for (const [k, v] of db.dict.entries()) m.set(k, repr(v) + '|' + (db.expires.get(k) ?? ''));
    out.set(db.id, m);
  }
  return out;
}

const FAR = Date.now() + 3600_000;

/** Every type and encoding, TTLs, binary keys and values, over three databases. */
function fillAllTypes(store: Store): void {
  const db0 = store.db(0);
  db0.set('str', 'hello');
  db0.set('int', '12345');
  db0.set('neg', '-9223372036854775808');
  db0.set('empty', '');
  db0.set('bin\x00\xff\r\n', '\x00\x01\x02\xfe\xff');
  db0.set('long', 'abc'.repeat(10000)); // LZF-compressible
  const small = new RList();
  for (const v of ['a', 'b', '3', '-4']) small.pushTail(v);
  db0.set('list', small);
  const big = new RList();
  for (let i = 0; i < 2000; i++) big.pushTail('element-' + i);
  db0.set('biglist', big);
  const h = new RHash();
  h.set('f1', 'v1');
  h.set('f2', '2');
  db0.set('hash', h);
  const bigh = new RHash();
  for (let i = 0; i < 600; i++) bigh.set('field' + i, 'value' + i);
  db0.set('bighash', bigh);
  const ints = new RSet();
  for (const m of ['1', '2', '-3', '100000']) ints.add(m);
  db0.set('intset', ints);
  const strs = new RSet();
  for (let i = 0; i < 700; i++) strs.add('m' + i);
  db0.set('bigset', strs);
  const z = new RZSet();
  z.add('a', 1);
  z.add('b', 2.5);
  z.add('c', -Infinity);
  db0.set('zset', z);
  const bigz = new RZSet();
  for (let i = 0; i < 300; i++) bigz.add('member' + i, i / 7);
  db0.set('bigzset', bigz);
  db0.setExpire('str', FAR);
  db0.setExpire('hash', FAR + 1);
  const db3 = store.db(3);
  db3.set('in-db-3', 'three');
  db3.setExpire('in-db-3', FAR + 3);
  const db15 = store.db(15);
  const l15 = new RList();
  l15.pushTail('x');
  db15.set('l', l15);
}

async function info(c: TestClient, field: string): Promise<string> {
  const text = (await c.call('INFO', 'persistence')) as string;
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(text);
  assert.ok(m, `INFO has ${field}`);
  return m[1]!.trim();
}

async function restart(d: string, options: Record<string, string> = {}): Promise<TestAmber> {
  return startAmber({ dir: d, ...options });
}

test('SAVE then a restart gives back every type, TTLs and several databases', async () => {
  const d = dir();
  const a = await startAmber({ dir: d });
  fillAllTypes(a.server.store);
  const before = dataset(a.server.store);
  const c = await a.client();
  assert.equal(await c.call('SAVE'), 'OK');
  await a.stop();
  assert.ok(existsSync(join(d, 'dump.rdb')));
  assert.deepEqual(readdirSync(d).filter((f) => f.startsWith('temp-')), [], 'no temp file left');
  const b = await restart(d);
  assert.deepEqual(dataset(b.server.store), before);
  const c2 = await b.client();
  assert.equal(await info(c2, 'rdb_last_load_keys_loaded'), '16');
  assert.equal(await info(c2, 'rdb_last_load_keys_expired'), '0');
  assert.equal(await c2.call('GET', 'str'), 'hello');
  const ttl = (await c2.call('TTL', 'str')) as number;
  assert.ok(ttl > 3500 && ttl <= 3600, `ttl ${ttl}`);
  await b.stop();
});

test('keys already expired when the file is loaded are skipped and counted', async () => {
  const d = dir();
  const a = await startAmber({ dir: d });
  const db = a.server.store.db(0);
  db.set('gone', 'x');
  db.setExpire('gone', Date.now() + 300);
  db.set('stays', 'y');
  const c = await a.client();
  assert.equal(await c.call('SAVE'), 'OK');
  await a.stop();
  await new Promise((r) => setTimeout(r, 400));
  const b = await restart(d);
  assert.equal(b.server.store.db(0).dict.has('gone'), false);
  const c2 = await b.client();
  assert.equal(await info(c2, 'rdb_last_load_keys_expired'), '1');
  assert.equal(await info(c2, 'rdb_last_load_keys_loaded'), '1');
  await b.stop();
});

test('INFO persistence lists Redis 7.0 fields in order; LASTSAVE and rdb_saves follow saves', async () => {
  const a = await startAmber({});
  const c = await a.client();
  const text = (await c.call('INFO', 'persistence')) as string;
  const names = text.split('\r\n').filter((l) => l.includes(':')).map((l) => l.slice(0, l.indexOf(':')));
  assert.deepEqual(names, [
    'loading', 'async_loading', 'current_cow_peak', 'current_cow_size', 'current_cow_size_age', 'current_fork_perc',
    'current_save_keys_processed', 'current_save_keys_total', 'rdb_changes_since_last_save', 'rdb_bgsave_in_progress',
    'rdb_last_save_time', 'rdb_last_bgsave_status', 'rdb_last_bgsave_time_sec', 'rdb_current_bgsave_time_sec', 'rdb_saves',
    'rdb_last_cow_size', 'rdb_last_load_keys_expired', 'rdb_last_load_keys_loaded', 'aof_enabled', 'aof_rewrite_in_progress',
    'aof_rewrite_scheduled', 'aof_last_rewrite_time_sec', 'aof_current_rewrite_time_sec', 'aof_last_bgrewrite_status',
    'aof_rewrites', 'aof_rewrites_consecutive_failures', 'aof_last_write_status', 'aof_last_cow_size',
    'module_fork_in_progress', 'module_fork_last_cow_size',
  ]);
  assert.equal(await info(c, 'rdb_saves'), '0');
  assert.equal(await info(c, 'rdb_last_bgsave_time_sec'), '-1');
  await c.call('SET', 'k', 'v');
  assert.equal(await info(c, 'rdb_changes_since_last_save'), '1');
  const t0 = (await c.call('LASTSAVE')) as number;
  assert.ok(Math.abs(t0 - Date.now() / 1000) < 5);
  assert.equal(await c.call('SAVE'), 'OK');
  assert.equal(await info(c, 'rdb_changes_since_last_save'), '0');
  assert.equal(await info(c, 'rdb_saves'), '1');
  assert.equal(await c.call('BGSAVE'), 'Background saving started');
  await waitFor(async () => (await info(c, 'rdb_bgsave_in_progress')) === '0');
  assert.equal(await info(c, 'rdb_saves'), '2');
  assert.equal(await info(c, 'rdb_last_bgsave_status'), 'ok');
  // Whole seconds as Redis counts them (time() at the end minus time() at the start): a
  // save of a few milliseconds that crosses a second boundary counts 1.
  assert.match(await info(c, 'rdb_last_bgsave_time_sec'), /^[01]$/);
  assert.ok(((await c.call('LASTSAVE')) as number) >= t0);
  await a.stop();
});

test('BGSAVE while one runs answers "already in progress"; SAVE too; BGSAVE takes only SCHEDULE', async () => {
  const a = await startAmber({});
  for (let i = 0; i < 100; i++) a.server.store.db(0).set('k' + i, 'v');
  const c = await a.client();
  assert.deepEqual(await c.call('BGSAVE', 'foo'), new ErrorReply('ERR syntax error'));
  assert.deepEqual(await c.call('BGSAVE', 'SCHEDULE', 'x'), new ErrorReply('ERR syntax error'));
  await c.call('CONFIG', 'SET', 'rdb-key-save-delay', '100000');
  assert.equal(await c.call('BGSAVE'), 'Background saving started');
  assert.equal(await info(c, 'rdb_bgsave_in_progress'), '1');
  assert.equal(await info(c, 'current_save_keys_total'), '100');
  assert.deepEqual(await c.call('BGSAVE'), new ErrorReply('ERR Background save already in progress'));
  assert.deepEqual(await c.call('BGSAVE', 'SCHEDULE'), new ErrorReply('ERR Background save already in progress'));
  assert.deepEqual(await c.call('SAVE'), new ErrorReply('ERR Background save already in progress'));
  // Clients are served while it runs.
  assert.equal(await c.call('SET', 'x', 'y'), 'OK');
  assert.equal(await c.call('GET', 'x'), 'y');
  // FLUSHALL stops a running BGSAVE (Redis kills the child) and removes its temp file.
  assert.equal(await c.call('FLUSHALL'), 'OK');
  assert.equal(await info(c, 'rdb_bgsave_in_progress'), '0');
  assert.equal(await info(c, 'rdb_last_bgsave_status'), 'ok');
  await waitFor(() => readdirSync(a.dir).filter((f) => f.startsWith('temp-')).length === 0, 2000, 'temp file removed');
  await a.stop();
});

test('BGSAVE inside MULTI is scheduled and runs from the cron', async () => {
  const a = await startAmber({});
  const c = await a.client();
  await c.call('SET', 'k', 'v');
  assert.equal(await c.call('MULTI'), 'OK');
  assert.equal(await c.call('BGSAVE'), 'QUEUED');
  assert.deepEqual(await c.call('EXEC'), ['Background saving scheduled']);
  await waitFor(() => existsSync(join(a.dir, 'dump.rdb')), 5000, 'scheduled save');
  await a.stop();
});

test('a save point triggers a background save after enough changes and seconds', async () => {
  const d = dir();
  const a = await startAmber({ dir: d, save: '1 2' });
  const c = await a.client();
  await c.call('SET', 'a', '1');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(existsSync(join(d, 'dump.rdb')), false, 'one change is below the save point');
  await c.call('SET', 'b', '2');
  await waitFor(() => existsSync(join(d, 'dump.rdb')), 5000, 'save point');
  await waitFor(async () => (await info(c, 'rdb_changes_since_last_save')) === '0', 3000, 'dirty reset');
  await c.call('CONFIG', 'SET', 'save', '');
  await a.stop();
  const b = await restart(d);
  assert.equal(b.server.store.db(0).get('b'), '2');
  await b.stop();
});

test('SHUTDOWN saves when save points are set; SHUTDOWN NOSAVE does not; SHUTDOWN SAVE always does', async () => {
  const d = dir();
  const a = await startAmber({ dir: d, save: '3600 1' });
  const c = await a.client();
  await c.call('SET', 'k', 'v1');
  await a.server.close({});
  assert.equal(readFileSync(join(d, 'dump.rdb')).includes('v1'), true);
  c.close();

  const b = await restart(d, { save: '3600 1' });
  const cb = await b.client();
  assert.equal(await cb.call('GET', 'k'), 'v1');
  await cb.call('SET', 'k', 'v2');
  await b.server.close({ save: false });
  const b2 = await restart(d, { save: '' });
  assert.equal(b2.server.store.db(0).get('k'), 'v1', 'NOSAVE kept the old file');
  b2.server.store.db(0).set('k', 'v3');
  await b2.server.close({ save: true });
  const b3 = await restart(d, { save: '' });
  assert.equal(b3.server.store.db(0).get('k'), 'v3', 'SHUTDOWN SAVE saved without save points');
  await b3.stop();
});

test('FLUSHALL with save points saves the empty dataset and resets dirty; without them dirty stays', async () => {
  const d = dir();
  const a = await startAmber({ dir: d, save: '' });
  const c = await a.client();
  await c.call('SET', 'k', 'v');
  await c.call('SAVE');
  await c.call('SET', 'key', 'value');
  await c.call('FLUSHALL');
  assert.ok(Number(await info(c, 'rdb_changes_since_last_save')) > 0);
  assert.ok(readFileSync(join(d, 'dump.rdb')).includes('k'), 'no save without save points');
  await c.call('CONFIG', 'SET', 'save', '3600 1 300 100 60 10000');
  await c.call('SET', 'key', 'value');
  await c.call('FLUSHALL');
  assert.equal(await info(c, 'rdb_changes_since_last_save'), '0');
  await c.call('CONFIG', 'SET', 'save', '');
  await a.stop();
  const b = await restart(d);
  assert.equal(b.server.store.keyCount, 0);
  await b.stop();
});

test('DEBUG RELOAD saves and reloads in place; NOSAVE, NOFLUSH and MERGE as Redis 7.0', async () => {
  const a = await startAmber({ 'enable-debug-command': 'yes' });
  fillAllTypes(a.server.store);
  const before = dataset(a.server.store);
  const c = await a.client();
  const digest = await c.call('DEBUG', 'DIGEST');
  assert.equal(typeof digest, 'string');
  assert.equal(await c.call('DEBUG', 'RELOAD'), 'OK');
  assert.deepEqual(dataset(a.server.store), before);
  assert.equal(await c.call('DEBUG', 'DIGEST'), digest);
  // NOSAVE: the file on disk wins over changes made since.
  await c.call('SET', 'str', 'changed');
  assert.equal(await c.call('DEBUG', 'RELOAD', 'NOSAVE'), 'OK');
  assert.equal(await c.call('GET', 'str'), 'hello');
  // NOFLUSH without MERGE: duplicate keys fail the load.
  assert.deepEqual(await c.call('DEBUG', 'RELOAD', 'NOFLUSH', 'NOSAVE'), new ErrorReply('ERR Error trying to load the RDB dump'));
  await c.call('FLUSHALL');
  await c.call('SET', 'str', 'mine');
  await c.call('SET', 'extra', 'kept');
  assert.equal(await c.call('DEBUG', 'RELOAD', 'NOFLUSH', 'MERGE', 'NOSAVE'), 'OK');
  assert.equal(await c.call('GET', 'str'), 'hello');
  assert.equal(await c.call('GET', 'extra'), 'kept');
  assert.deepEqual(await c.call('DEBUG', 'RELOAD', 'BOGUS'), new ErrorReply('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.'));
  await a.stop();
});

test('an unwritable dir fails BGSAVE, refuses writes with MISCONF (reads still work) until a save succeeds', async () => {
  const d = dir();
  const sub = join(d, 'data');
  mkdirSync(sub);
  const a = await startAmber({ dir: sub, save: '3600 1' });
  const c = await a.client();
  await c.call('SET', 'k', 'v');
  // The directory disappears (as root, permission bits would not stop us).
  rmSync(sub, { recursive: true });
  assert.equal(await c.call('BGSAVE'), 'Background saving started');
  await waitFor(async () => (await info(c, 'rdb_last_bgsave_status')) === 'err', 3000, 'failed bgsave');
  const misconf = await c.call('SET', 'k', 'v2');
  assert.ok(misconf instanceof ErrorReply && misconf.message.startsWith('MISCONF '), String(misconf));
  assert.equal(await c.call('GET', 'k'), 'v');
  assert.deepEqual(await c.call('SAVE'), new ErrorReply('ERR'));
  // stop-writes-on-bgsave-error no: writes pass while the error stays.
  await c.call('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'no');
  assert.equal(await c.call('SET', 'k', 'v2'), 'OK');
  await c.call('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'yes');
  // The disk is back: the next successful save clears the refusal.
  mkdirSync(sub);
  assert.equal(await c.call('BGSAVE'), 'Background saving started');
  await waitFor(async () => (await info(c, 'rdb_last_bgsave_status')) === 'ok', 3000, 'bgsave recovers');
  assert.equal(await c.call('SET', 'k', 'v3'), 'OK');
  await a.stop();
});

test('a full disk (ENOSPC) fails SAVE and BGSAVE with Redis\'s log lines, keeps the old file and the server up', async () => {
  const lines: string[] = [];
  const a = await startAmber({ save: '3600 1', logger: (l: string) => lines.push(l) });
  const c = await a.client();
  await c.call('SET', 'k', 'v');
  assert.equal(await c.call('SAVE'), 'OK');
  const original = readFileSync(join(a.dir, 'dump.rdb'));
  await c.call('SET', 'k', 'v2');
  const enospc = (): NodeJS.ErrnoException => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
  const realWrite = fs.write;
  const realWriteSync = fs.writeSync;
  (fs as { write: unknown }).write = (...args: unknown[]) => {
    const cb = args[args.length - 1] as (e: Error | null, n?: number) => void;
    setImmediate(() => cb(enospc()));
  };
  (fs as { writeSync: unknown }).writeSync = () => {
    throw enospc();
  };
  try {
    assert.deepEqual(await c.call('SAVE'), new ErrorReply('ERR'));
    assert.ok(lines.some((l) => l.includes('Write error saving DB on disk(write): No space left on device')), lines.join('\n'));
    assert.equal(await c.call('BGSAVE'), 'Background saving started');
    await waitFor(async () => (await info(c, 'rdb_last_bgsave_status')) === 'err', 3000, 'failed bgsave');
    assert.ok(lines.some((l) => l.includes('Background saving error')));
    assert.ok((await c.call('SET', 'k', 'v3')) instanceof ErrorReply, 'MISCONF');
    assert.equal(await c.call('GET', 'k'), 'v2');
  } finally {
    (fs as { write: unknown }).write = realWrite;
    (fs as { writeSync: unknown }).writeSync = realWriteSync;
  }
  assert.deepEqual(readFileSync(join(a.dir, 'dump.rdb')), original, 'old file intact');
  assert.deepEqual(readdirSync(a.dir).filter((f) => f.startsWith('temp-')), [], 'temp files removed');
  assert.equal(await c.call('BGSAVE'), 'Background saving started');
  await waitFor(async () => (await info(c, 'rdb_last_bgsave_status')) === 'ok', 3000, 'recovered');
  assert.equal(await c.call('SET', 'k', 'v4'), 'OK');
  await a.stop();
});

test('a corrupt or truncated dump.rdb stops the start with the file and offset named, and is left untouched', async () => {
  const d = dir();
  const a = await startAmber({ dir: d });
  fillAllTypes(a.server.store);
  const c = await a.client();
  await c.call('SAVE');
  await a.stop();
  const good = readFileSync(join(d, 'dump.rdb'));
  const cases: [string, Buffer][] = [
    ['truncated', good.subarray(0, Math.floor(good.length / 2))],
    ['bad checksum', Buffer.concat([good.subarray(0, good.length - 1), Buffer.from([good[good.length - 1]! ^ 0xff])])],
    ['bad magic', Buffer.concat([Buffer.from('RADIS'), good.subarray(5)])],
  ];
  for (const [what, bytes] of cases) {
    writeFileSync(join(d, 'dump.rdb'), bytes);
    const mtime = statSync(join(d, 'dump.rdb')).mtimeMs;
    await assert.rejects(restart(d), (e: Error) => {
      assert.match(e.message, /dump\.rdb/, what);
      assert.match(e.message, /offset \d+/, what);
      return true;
    });
    assert.deepEqual(readFileSync(join(d, 'dump.rdb')), bytes, `${what}: file unchanged`);
    assert.equal(statSync(join(d, 'dump.rdb')).mtimeMs, mtime);
    assert.deepEqual(readdirSync(d).sort(), ['dump.rdb']);
  }
});

test('redis-check-rdb accepts our files', { skip: spawnSync('sh', ['-c', 'command -v redis-check-rdb']).status !== 0 && 'redis-check-rdb not installed' }, async () => {
  const a = await startAmber({});
  fillAllTypes(a.server.store);
  const c = await a.client();
  for (const compression of ['yes', 'no']) {
    await c.call('CONFIG', 'SET', 'rdbcompression', compression);
    await c.call('BGSAVE');
    await waitFor(async () => (await info(c, 'rdb_bgsave_in_progress')) === '0');
    const r = spawnSync('redis-check-rdb', [join(a.dir, 'dump.rdb')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /RDB looks OK/);
    assert.match(r.stdout, /16 keys read/);
    assert.match(r.stdout, /3 expires/);
  }
  await a.stop();
});

/** What a real Redis holds for a key, as our repr (plus the TTL's presence). */
async function redisRepr(r: TestClient, key: string): Promise<string> {
  const type = await r.call('TYPE', key);
  let v: string;
  switch (type) {
    case 'string':
      v = 's:' + (await r.call('GET', key));
      break;
    case 'list':
      v = 'l:' + JSON.stringify(await r.call('LRANGE', key, 0, -1));
      break;
    case 'hash': {
      const flat = (await r.call('HGETALL', key)) as string[];
      const pairs: [string, string][] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
      v = 'h:' + JSON.stringify(pairs.sort());
      break;
    }
    case 'set':
      v = 'S:' + JSON.stringify(((await r.call('SMEMBERS', key)) as string[]).sort());
      break;
    case 'zset': {
      const flat = (await r.call('ZRANGE', key, 0, -1, 'WITHSCORES')) as string[];
      const pairs: [string, number][] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, Number(flat[i + 1]!)]);
      v = 'z:' + JSON.stringify(pairs);
      break;
    }
    default:
      v = `unknown type ${String(type)}`;
  }
  return v;
}

test('a real redis-server 7.0.15 loads our dump.rdb with the same keys, values, TTLs and DEBUG DIGEST', { skip: redisServerPath() === null && NO_REDIS }, async () => {
  const a = await startAmber({ 'enable-debug-command': 'yes' });
  fillAllTypes(a.server.store);
  const expected = dataset(a.server.store);
  const c = await a.client();
  const ourDigest = await c.call('DEBUG', 'DIGEST');
  await c.call('SAVE');
  const rdir = dir();
  copyFileSync(join(a.dir, 'dump.rdb'), join(rdir, 'ours.rdb'));
  await a.stop();
  const redis = await startRedis(['--dir', rdir, '--dbfilename', 'ours.rdb']);
  try {
    const r = await redis.client();
    assert.equal(typeof ourDigest, 'string');
    assert.equal(await r.call('DEBUG', 'DIGEST'), ourDigest);
    for (const [dbid, keys] of expected) {
      await r.call('SELECT', dbid);
      assert.equal(await r.call('DBSIZE'), keys.size, `db ${dbid} size`);
      for (const [key, text] of keys) {
        const [value, exp] = [text.slice(0, text.lastIndexOf('|')), text.slice(text.lastIndexOf('|') + 1)];
        assert.equal(await redisRepr(r, key), value, `db ${dbid} key ${JSON.stringify(key)}`);
        const pexp = await r.call('PEXPIRETIME', key);
        assert.equal(pexp, exp === '' ? -1 : Number(exp), `expire of ${key}`);
      }
    }
  } finally {
    await redis.stop();
  }
});

test('a file written by redis-server 7.0.15 loads with the same DEBUG DIGEST', { skip: redisServerPath() === null && NO_REDIS }, async () => {
  const redis = await startRedis([]);
  let digest: unknown;
  const d = dir();
  try {
    const r = await redis.client();
    await r.call('RPUSH', 'list', 'a', 'b', '1');
    await r.call('HSET', 'h', 'f', 'v', 'n', '1');
    await r.call('SADD', 's', '1', '2', 'x');
    await r.call('ZADD', 'z', '1.5', 'a', '2', 'b');
    await r.call('SET', 'str', 'v');
    await r.call('PEXPIREAT', 'str', FAR);
    await r.call('SELECT', 2);
    await r.call('SET', 'db2', 'x');
    digest = await r.call('DEBUG', 'DIGEST');
    await r.call('SAVE');
    copyFileSync(join(redis.dir, 'dump.rdb'), join(d, 'dump.rdb'));
  } finally {
    await redis.stop();
  }
  const a = await restart(d, { 'enable-debug-command': 'yes' });
  const c = await a.client();
  assert.equal(await c.call('DBSIZE'), 5);
  assert.equal(await c.call('DEBUG', 'DIGEST'), digest);
  await a.stop();
});

test('kill -9 during a background save leaves the previous dump.rdb intact', async () => {
  const d = dir();
  const cli = fileURLToPath(new URL('../../src/server/cli.js', import.meta.url));
  const port = await freePort();
  const start = () => {
    const p = spawn(process.execPath, [cli, '--port', String(port), '--dir', d, '--save', '', '--bind', '127.0.0.1'], { stdio: 'ignore' });
    return p;
  };
  const connect = async (): Promise<TestClient> => {
    let client: TestClient | null = null;
    await waitFor(async () => {
      try {
        client = await TestClient.connect(port);
        return (await client.call('PING')) === 'PONG';
      } catch {
        return false;
      }
    }, 10000, 'server up');
    return client!;
  };
  let proc = start();
  const kill = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  };
  try {
    let c = await connect();
    for (let i = 0; i < 200; i++) await c.call('SET', 'old' + i, 'v' + i);
    assert.equal(await c.call('SAVE'), 'OK');
    const original = readFileSync(join(d, 'dump.rdb'));
    for (let i = 0; i < 200; i++) await c.call('SET', 'new' + i, 'w' + i);
    await c.call('CONFIG', 'SET', 'rdb-key-save-delay', '5000');
    assert.equal(await c.call('BGSAVE'), 'Background saving started');
    await waitFor(() => readdirSync(d).some((f) => f.startsWith('temp-')), 5000, 'temp file created');
    assert.equal(await info(c, 'rdb_bgsave_in_progress'), '1');
    await kill();
    c.close();
    assert.deepEqual(readFileSync(join(d, 'dump.rdb')), original, 'dump.rdb unchanged');
    proc = start();
    c = await connect();
    assert.equal(await c.call('DBSIZE'), 200);
    assert.equal(await c.call('GET', 'old7'), 'v7');
    c.close();
  } finally {
    await kill();
  }
});
