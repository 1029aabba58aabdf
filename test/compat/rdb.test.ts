/**
 * RDB and DUMP compatibility with a real redis-server 7.0.15, in both directions:
 * 1. Redis saves a random dataset of every type and encoding; Amber's reader loads the
 *    file and the dataset digest (DEBUG DIGEST's algorithm) is Redis's.
 * 2. Amber's writer saves that dataset; redis-check-rdb accepts the file, a redis-server
 *    started on it reports the same DEBUG DIGEST, and with Redis's encodings the file is
 *    the same size as Redis's (byte-identical when hash-table elements keep the file's order).
 * 3. DUMP payloads move between the servers: Redis → RESTORE in Amber → DUMP again is
 *    byte-identical when Amber holds the value in the same encoding, and Amber → RESTORE in
 *    Redis gives the same DEBUG DIGEST-VALUE; lists split into nodes as Redis splits them for
 *    several list-max-listpack-size values.
 */

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dumpPayload } from '../../src/commands/dump.js';
import { datasetDigest } from '../../src/persistence/digest.js';
import { RdbWriter, type AuxField } from '../../src/persistence/rdb/writer.js';
import { encodeValue } from '../../src/persistence/rdb/encode.js';
import { Store } from '../../src/store/store.js';
import type { Value } from '../../src/store/values.js';
import { limits } from '../../src/types/limits.js';
import { RList } from '../../src/types/list.js';
import { ErrorReply, type TestClient } from '../helpers/resp.js';
import { NO_REDIS, redisServerPath, startAmber, startRedis, tempDir, type RealRedis, type TestAmber } from '../helpers/servers.js';
import { hashTableOrder, orderedValue, readAll, rng, withEncoding, type ReadAll } from '../unit/persistence/rdb-helpers.js';

const skip = redisServerPath() === null ? NO_REDIS : false;

let redis: RealRedis;
let r: TestClient;
let amber: TestAmber;
let a: TestClient;

before(async () => {
  if (skip) return;
  redis = await startRedis();
  r = await redis.client();
  amber = await startAmber({ 'enable-debug-command': 'yes' });
  a = await amber.client();
});

after(async () => {
  if (skip) return;
  await redis.stop();
  await amber.stop();
});

/** Fills Redis with a seeded random dataset: every type, both encodings, TTLs, 3 dbs. */
async function fillRandom(seed: number): Promise<void> {
  const rand = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const str = (): string => {
    const k = rand();
    if (k < 0.25) return String(Math.floor((rand() - 0.5) * 2 ** (1 + Math.floor(rand() * 62))));
    if (k < 0.35) return 'abc'.repeat(1 + Math.floor(rand() * 40));
    let s = '';
    const n = Math.floor(rand() ** 3 * 200);
    for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(rand() * 256));
    return s;
  };
  const bin = (s: string): Buffer => Buffer.from(s, 'latin1');
  assert.equal(await r.call('FLUSHALL'), 'OK');
  for (const db of [0, 2, 7]) {
    await r.call('SELECT', db);
    for (let i = 0; i < 40; i++) {
      const key = `${pick(['s', 'l', 'h', 'S', 'z'])}:${i}:${str().slice(0, 10)}`;
      const big = rand() < 0.3;
      const n = big ? 130 + Math.floor(rand() * 600) : 1 + Math.floor(rand() * 20);
      switch (key[0]) {
        case 's':
          await r.call('SET', bin(key), bin(big ? str().repeat(50) : str()));
          break;
        case 'l': {
          const items: Buffer[] = [];
          for (let j = 0; j < n; j++) items.push(bin(str()));
          await r.call('RPUSH', bin(key), ...items);
          break;
        }
        case 'h': {
          const items: Buffer[] = [];
          for (let j = 0; j < n; j++) items.push(bin(`f${j}${str().slice(0, 5)}`), bin(rand() < 0.05 ? 'v'.repeat(100) : str().slice(0, 30)));
          await r.call('HSET', bin(key), ...items);
          break;
        }
        case 'S': {
          const items: Buffer[] = [];
          const ints = rand() < 0.5;
          for (let j = 0; j < n; j++) items.push(bin(ints ? String(Math.floor((rand() - 0.5) * 2 ** (1 + Math.floor(rand() * 62)))) : str().slice(0, 20)));
          await r.call('SADD', bin(key), ...items);
          break;
        }
        default: {
          const items: Buffer[] = [];
          for (let j = 0; j < n; j++) {
            const score = rand() < 0.5 ? String(Math.floor((rand() - 0.5) * 1000)) : String((rand() - 0.5) * 1e6);
            items.push(bin(score), bin(str().slice(0, 20) + j));
          }
          await r.call('ZADD', bin(key), ...items);
        }
      }
      if (rand() < 0.2) await r.call('PEXPIREAT', bin(key), String(4102444800000 + Math.floor(rand() * 1e6)));
    }
  }
  await r.call('SELECT', 0);
}

async function saveRedis(): Promise<Buffer> {
  assert.equal(await r.call('SAVE'), 'OK');
  return readFileSync(join(redis.dir, 'dump.rdb'));
}

function storeFrom(read: ReadAll): Store {
  const store = new Store(16);
  for (const e of read.entries) {
    store.db(e.db).dict.set(e.key, e.value);
    if (e.expireMs !== undefined) store.db(e.db).expires.set(e.key, e.expireMs);
  }
  return store;
}

/** Writes entries with Amber's writer; `redisEncodings` makes values report what Redis had. */
function writeFile(file: Buffer, read: ReadAll, redisEncodings: boolean): Buffer {
  const chunks: Buffer[] = [];
  const w = new RdbWriter({ write: (b) => chunks.push(b) }, { compression: true, checksum: true });
  w.header(read.aux as AuxField[]);
  let db = -1;
  for (const e of read.entries) {
    if (e.db !== db) {
      db = e.db;
      const rs = read.resize.find((x) => x[0] === db)!;
      w.selectDb(db, rs[1], rs[2]);
    }
    let v: Value = e.value;
    if (redisEncodings && typeof v !== 'string') {
      const seg = file.subarray(e.span.start, e.span.end);
      const type = seg[seg[0] === 252 ? 9 : 0]!;
      const enc = ({ 2: 'hashtable', 4: 'hashtable', 5: 'skiplist', 11: 'intset', 16: 'listpack', 17: 'listpack', 18: 'quicklist' } as Record<number, string>)[type]!;
      v = (v.kind === 'set' || v.kind === 'hash') && enc === 'hashtable' ? orderedValue(v.kind, hashTableOrder(seg), enc) : withEncoding(v, enc);
    }
    w.entry(e.key, v, e.expireMs);
  }
  w.end();
  return Buffer.concat(chunks);
}

test('Amber reads what Redis saves: same dataset digest for random datasets of every type', { skip }, async () => {
  for (const seed of [1, 2, 3]) {
    await fillRandom(seed);
    const digest = await r.call('DEBUG', 'DIGEST');
    const read = readAll(await saveRedis());
    assert.equal(datasetDigest(storeFrom(read)), digest, `seed ${seed}`);
    assert.equal(read.keys, (await r.call('DBSIZE')) as number + (read.entries.filter((e) => e.db !== 0).length));
  }
});

test('Redis loads what Amber writes (redis-check-rdb passes, same DEBUG DIGEST); with Redis encodings the file is byte-identical', { skip }, async () => {
  await fillRandom(4);
  const digest = await r.call('DEBUG', 'DIGEST');
  const file = await saveRedis();
  const read = readAll(file);
  const dir = tempDir('amber-rdb-compat-');
  try {
    for (const redisEncodings of [false, true]) {
      const ours = writeFile(file, read, redisEncodings);
      if (redisEncodings) {
        assert.equal(ours.length, file.length);
        assert.ok(ours.equals(file), 'byte-identical to the file Redis wrote');
      }
      const path = join(dir, 'amber.rdb');
      writeFileSync(path, ours);
      const check = spawnSync('redis-check-rdb', [path], { encoding: 'utf8' });
      assert.equal(check.status, 0, check.stdout + check.stderr);
      assert.match(check.stdout, /RDB looks OK!/);
      const loaded = await startRedis(['--dir', dir, '--dbfilename', 'amber.rdb']);
      try {
        const c = await loaded.client();
        assert.equal(await c.call('DEBUG', 'DIGEST'), digest);
      } finally {
        await loaded.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('DUMP payloads from Redis restore in Amber, and DUMP back byte-identical when the encoding agrees', { skip }, async () => {
  await fillRandom(5);
  const keys = ((await r.call('KEYS', '*')) as string[]).sort();
  let identical = 0;
  let differentEncoding = 0;
  for (const key of keys) {
    const payload = Buffer.from((await r.call('DUMP', key)) as string, 'latin1');
    const ttl = (await r.call('PTTL', key)) as number;
    assert.equal(await a.call('RESTORE', key, String(Math.max(ttl, 0)), payload, 'REPLACE'), 'OK');
    assert.deepEqual(await a.call('DEBUG', 'DIGEST-VALUE', key), await r.call('DEBUG', 'DIGEST-VALUE', key), key);
    const encR = await r.call('OBJECT', 'ENCODING', key);
    const value = amber.server.store.db(0).dict.get(key)!;
    const encA = typeof value === 'string' ? encR : value.kind === 'list' ? 'quicklist' : value.encoding();
    const back = Buffer.from((await a.call('DUMP', key)) as string, 'latin1');
    if (encA === encR) {
      if (encR === 'hashtable') {
        // Same bytes in a different hash-table order: same length.
        assert.equal(back.length, payload.length, key);
      } else {
        assert.ok(back.equals(payload), `DUMP of ${key} (${encR}) is byte-identical`);
        identical++;
      }
    } else {
      differentEncoding++;
    }
  }
  assert.ok(identical > 20, `${identical} identical, ${differentEncoding} held in another encoding`);
});

test('DUMP payloads from Amber restore in Redis with the same DEBUG DIGEST-VALUE', { skip }, async () => {
  await fillRandom(6);
  const keys = ((await r.call('KEYS', '*')) as string[]).sort();
  for (const key of keys) {
    const payload = Buffer.from((await r.call('DUMP', key)) as string, 'latin1');
    assert.equal(await a.call('RESTORE', key, '0', payload, 'REPLACE'), 'OK');
  }
  for (const key of keys) {
    const ours = Buffer.from((await a.call('DUMP', key)) as string, 'latin1');
    const expected = await r.call('DEBUG', 'DIGEST-VALUE', key);
    // Keep the TTL (a key's digest includes whether it has one).
    const ttl = (await r.call('PTTL', key)) as number;
    assert.equal(await r.call('RESTORE', key, String(Math.max(ttl, 0)), ours, 'REPLACE'), 'OK', key);
    assert.deepEqual(await r.call('DEBUG', 'DIGEST-VALUE', key), expected, key);
  }
});

test('lists split into quicklist nodes as Redis splits them, for several list-max-listpack-size values', { skip }, async () => {
  const saved = limits.listMaxListpackSize;
  try {
    for (const fill of [-1, -2, -5, 1, 5, 128]) {
      assert.equal(await r.call('CONFIG', 'SET', 'list-max-listpack-size', String(fill)), 'OK');
      limits.listMaxListpackSize = fill;
      const rand = rng(fill + 100);
      const l = new RList();
      const items: string[] = [];
      for (let i = 0; i < 700; i++) {
        const s = rand() < 0.3 ? String(Math.floor(rand() * 1e6)) : 'e'.repeat(Math.floor(rand() ** 2 * 300));
        items.push(s);
        l.pushTail(s);
      }
      await r.call('DEL', 'l');
      for (let i = 0; i < items.length; i += 100) await r.call('RPUSH', 'l', ...items.slice(i, i + 100));
      const theirs = Buffer.from((await r.call('DUMP', 'l')) as string, 'latin1');
      assert.ok(dumpPayload(l, true).equals(theirs), `list-max-listpack-size ${fill}`);
    }
  } finally {
    limits.listMaxListpackSize = saved;
    await r.call('CONFIG', 'SET', 'list-max-listpack-size', '-2');
  }
});

test('lists shaped by LPUSH, LINSERT, LREM and plain nodes DUMP byte-identically, also after RESTORE', { skip }, async () => {
  const both = async (...cmd: (string | number)[]): Promise<void> => {
    assert.deepEqual(await a.call(...cmd), await r.call(...cmd), cmd.join(' '));
  };
  const rand = rng(42);
  const item = (): string => (rand() < 0.3 ? String(Math.floor(rand() * 1e6)) : 'e'.repeat(Math.floor(rand() ** 2 * 120)));
  const at = async (key: string, range: number): Promise<string> => ((await r.call('LINDEX', key, Math.floor(rand() * range))) as string | null) ?? 'x';
  await both('FLUSHALL');
  try {
    for (const fill of ['4', '-1']) {
      await both('CONFIG', 'SET', 'list-max-listpack-size', fill);
      const key = `shaped${fill}`;
      for (let i = 0; i < 300; i++) {
        const k = rand();
        if (k < 0.4) await both('LPUSH', key, item());
        else if (k < 0.6) await both('RPUSH', key, item());
        else if (k < 0.8) await both('LINSERT', key, rand() < 0.5 ? 'BEFORE' : 'AFTER', await at(key, 10), item());
        else if (k < 0.9) await both('LREM', key, '1', await at(key, 20));
        else await both('LSET', key, '0', item());
      }
    }
    await both('CONFIG', 'SET', 'list-max-listpack-size', '-2');
    await both('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '100');
    await both('RPUSH', 'plain', 'p'.repeat(200), 's', 'q'.repeat(150), 't');
    await both('LINSERT', 'plain', 'BEFORE', 's', 'r'.repeat(101));
    await both('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '1g');
    for (const key of ['shaped4', 'shaped-1', 'plain']) {
      const theirs = Buffer.from((await r.call('DUMP', key)) as string, 'latin1');
      const ours = Buffer.from((await a.call('DUMP', key)) as string, 'latin1');
      assert.ok(ours.equals(theirs), `DUMP of ${key}`);
      // Loading keeps the node layout: a restored list dumps the same bytes again.
      assert.equal(await a.call('RESTORE', `${key}:copy`, '0', theirs), 'OK');
      assert.ok(Buffer.from((await a.call('DUMP', `${key}:copy`)) as string, 'latin1').equals(theirs), `DUMP of restored ${key}`);
    }
  } finally {
    await both('CONFIG', 'SET', 'list-max-listpack-size', '-2');
    await both('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '1g');
    await both('FLUSHALL');
  }
});

test("loading gives every value the encoding Redis's loader gives it, also with thresholds changed since the save", { skip }, async () => {
  const both = async (...cmd: (string | number)[]): Promise<void> => {
    assert.deepEqual(await a.call(...cmd), await r.call(...cmd), cmd.join(' '));
  };
  const config = async (pairs: [string, string][]): Promise<void> => {
    for (const [name, value] of pairs) await both('CONFIG', 'SET', name, value);
  };
  const defaults: [string, string][] = [
    ['hash-max-listpack-entries', '128'],
    ['hash-max-listpack-value', '64'],
    ['zset-max-listpack-entries', '128'],
    ['zset-max-listpack-value', '64'],
    ['set-max-intset-entries', '512'],
  ];
  const fields = (n: number, long = -1): string[] => Array.from({ length: n }, (_, i) => [`f${i}`, i === long ? 'v'.repeat(100) : `v${i}`]).flat();
  const members = (n: number, long = -1): string[] => Array.from({ length: n }, (_, i) => [String(i % 7 === 0 ? 2.5 * i : i), i === long ? 'm'.repeat(100) : `m${i}`]).flat();
  await r.call('FLUSHALL');
  try {
    // Generous thresholds: the file gets listpacks and intsets the defaults would not make.
    await r.call('CONFIG', 'SET', 'hash-max-listpack-entries', '300', 'hash-max-listpack-value', '200', 'zset-max-listpack-entries', '300', 'zset-max-listpack-value', '200', 'set-max-intset-entries', '1000');
    await r.call('HSET', 'h:longvalue', ...fields(5, 2));
    await r.call('HSET', 'h:many', ...fields(200));
    await r.call('ZADD', 'z:longmember', ...members(5, 3));
    await r.call('ZADD', 'z:many', ...members(200));
    await r.call('SADD', 's:ints', ...Array.from({ length: 600 }, (_, i) => String(i * 3 - 900)));
    // Tight thresholds: hash tables, skiplists and a hash-table set that would fit a listpack or intset.
    await r.call('CONFIG', 'SET', 'hash-max-listpack-entries', '4', 'zset-max-listpack-entries', '4', 'set-max-intset-entries', '4');
    await r.call('HSET', 'h:table', ...fields(10));
    await r.call('HSET', 'h:tablelong', ...fields(10, 4));
    await r.call('ZADD', 'z:skiplist', ...members(10));
    await r.call('ZADD', 'z:skiplistlong', ...members(10, 6));
    await r.call('SADD', 's:table', '5', '-3', '8', '1', '1000000');
    await r.call('SADD', 's:strings', 'a', 'b', 'c');
    await r.call('RPUSH', 'l', ...Array.from({ length: 300 }, (_, i) => `e${i}`));
    await r.call('SET', 'str', 'plain');
    assert.equal(await r.call('SAVE'), 'OK');
    const keys = ((await r.call('KEYS', '*')) as string[]).sort();
    for (const thresholds of [defaults, [['hash-max-listpack-entries', '100'], ['zset-max-listpack-entries', '100'], ['set-max-intset-entries', '550']] as [string, string][]]) {
      await config(defaults);
      await config(thresholds);
      copyFileSync(join(redis.dir, 'dump.rdb'), join(amber.dir, 'dump.rdb'));
      assert.equal(await r.call('DEBUG', 'RELOAD', 'NOSAVE'), 'OK');
      assert.equal(await a.call('DEBUG', 'RELOAD', 'NOSAVE'), 'OK');
      for (const key of keys) await both('OBJECT', 'ENCODING', key);
      await both('DEBUG', 'DIGEST');
    }
  } finally {
    await config(defaults);
    await both('FLUSHALL');
  }
});

test('strings DUMP byte-identically with rdbcompression yes and no', { skip }, async () => {
  const samples = ['', '0', '-1', '127', '128', '-32769', '2147483647', '2147483648', '00', 'x'.repeat(20), 'x'.repeat(21), 'xy'.repeat(300), '12345678901'];
  for (const comp of ['yes', 'no']) {
    assert.equal(await r.call('CONFIG', 'SET', 'rdbcompression', comp), 'OK');
    for (const s of samples) {
      await r.call('SET', 'k', s);
      const theirs = Buffer.from((await r.call('DUMP', 'k')) as string, 'latin1');
      assert.ok(dumpPayload(s, comp === 'yes').equals(theirs), `${JSON.stringify(s.slice(0, 20))} compression ${comp}`);
      assert.ok(encodeValue(s, comp === 'yes').equals(theirs.subarray(0, theirs.length - 10)));
    }
  }
  await r.call('CONFIG', 'SET', 'rdbcompression', 'yes');
});

test('RESTORE errors are the same as Redis 7.0', { skip }, async () => {
  await r.call('SET', 'foo', 'bar');
  await a.call('SET', 'foo', 'bar');
  const p = Buffer.from((await r.call('DUMP', 'foo')) as string, 'latin1');
  const bad = Buffer.from(p);
  bad[bad.length - 1]! ^= 1;
  const cases: (string | Buffer)[][] = [
    ['RESTORE', 'foo', '0', p],
    ['RESTORE', 'foo', '0', p, 'BOGUS'],
    ['RESTORE', 'new', 'x', p],
    ['RESTORE', 'new', '-5', p],
    ['RESTORE', 'new', '0', bad],
    ['RESTORE', 'new', '0', 'short'],
    ['RESTORE', 'new', '0', p, 'IDLETIME', '-1'],
    ['RESTORE', 'new', '0', p, 'FREQ', '300'],
    ['RESTORE', 'new', '0', p, 'FREQ', '1', 'IDLETIME', '1'],
    ['RESTORE', 'new', '0', p, 'IDLETIME'],
    ['RESTORE', 'new'],
    ['DUMP'],
    ['DUMP', 'missing'],
  ];
  for (const cmd of cases) {
    const ra = await a.callRaw(...cmd);
    const rr = await r.callRaw(...cmd);
    assert.equal(ra, rr, cmd.map(String).join(' ').slice(0, 60));
  }
  void ErrorReply;
});
