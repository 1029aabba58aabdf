import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RdbError } from '../../../src/persistence/rdb/constants.js';
import { Crc64 } from '../../../src/persistence/rdb/crc64.js';
import { RdbOutput, encodeValue } from '../../../src/persistence/rdb/encode.js';
import { encodeListpack } from '../../../src/persistence/rdb/listpack.js';
import { debugFlags, decodeValue, readRdb } from '../../../src/persistence/rdb/reader.js';
import { RdbWriter } from '../../../src/persistence/rdb/writer.js';
import { encodeZiplist } from '../../../src/persistence/rdb/ziplist.js';
import { encodeZipmap } from '../../../src/persistence/rdb/zipmap.js';
import { encodeIntset } from '../../../src/persistence/rdb/intset.js';
import type { Value } from '../../../src/store/values.js';
import { fixture, readAll, repr, rng } from './rdb-helpers.js';
import { RHash } from '../../../src/types/hash.js';
import { RList } from '../../../src/types/list.js';
import { RSet } from '../../../src/types/set.js';
import { RZSet } from '../../../src/types/zset.js';

/** Builds an RDB file of `version` around a body written with RdbOutput (EOF and CRC added). */
function rdbFile(version: number, body: (o: RdbOutput) => void, crc = true): Buffer {
  const o = new RdbOutput();
  o.latin1('REDIS' + String(version).padStart(4, '0'));
  body(o);
  o.byte(255);
  const head = o.take();
  if (version < 5) return head;
  const tail = Buffer.alloc(8);
  if (crc) new Crc64().update(head).writeLE(tail, 0);
  return Buffer.concat([head, tail]);
}

function keyOf(entries: { key: string; value: Value }[], key: string): Value {
  const e = entries.find((x) => x.key === key);
  assert.ok(e, `key ${key} present`);
  return e.value;
}

test('reads every type and encoding of a Redis 7.0 file: values, TTLs, databases, AUX, functions', () => {
  const r = readAll(fixture('all-types.rdb'));
  assert.equal(r.version, 10);
  assert.equal(r.bytesRead, fixture('all-types.rdb').length);
  assert.equal(r.keys, 34);
  assert.deepEqual(r.aux.map((a) => a[0]), ['redis-ver', 'redis-bits', 'ctime', 'used-mem', 'aof-base']);
  assert.deepEqual(r.aux[0], ['redis-ver', '7.0.15']);
  assert.equal(r.functions.length, 1);
  assert.match(r.functions[0]!, /^#!lua name=mylib\n/);
  assert.deepEqual(
    r.resize.map((x) => x[0]),
    [0, 1, 5],
  );
  const e = r.entries;
  assert.equal(keyOf(e, 'str:int64'), '9000000000000000000');
  assert.equal(keyOf(e, 'str:int16'), '30000');
  assert.equal(keyOf(e, 'str:neg'), '-5');
  assert.equal(keyOf(e, 'str:empty'), '');
  assert.equal(keyOf(e, 'str:lzf'), 'abcabcabc'.repeat(20));
  assert.equal(keyOf(e, 'str:binary'), Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('latin1'));
  assert.equal(keyOf(e, '12345'), 'integer-looking key');
  assert.equal(repr(keyOf(e, 'list:small')), 'l:' + JSON.stringify(['a', 'b', 'c', '1', '2', '300', '-70000', '5000000000']));
  const big: string[] = [];
  for (let i = 0; i < 400; i++) big.push(i % 3 === 0 ? String(i * 7) : `item-${i}-${'x'.repeat(i % 40)}`);
  assert.equal(repr(keyOf(e, 'list:big')), 'l:' + JSON.stringify(big));
  assert.equal(repr(keyOf(e, 'list:longitem')), 'l:' + JSON.stringify(['y'.repeat(5000), 'short']));
  assert.equal(
    repr(keyOf(e, 'hash:small')),
    'h:' + JSON.stringify([['big', '123456789012'], ['f', '1.5'], ['n', '42'], ['name', 'amber'], ['neg', '-1']]),
  );
  assert.equal((keyOf(e, 'hash:big') as { size: number }).size, 130);
  assert.equal(repr(keyOf(e, 'set:int64')), 'S:' + JSON.stringify(['-9223372036854775808', '1', '1099511627776']));
  assert.equal((keyOf(e, 'set:manyints') as { size: number }).size, 520);
  assert.equal(
    repr(keyOf(e, 'zset:small')),
    'z:' +
      JSON.stringify([
        ['bottom', '-Infinity'],
        ['minus', '-3'],
        ['one', '1'],
        ['two.five', '2.5'],
        ['big', '5000000000000000000'],
        ['huge', '1e+100'],
        ['top', 'Infinity'],
      ]),
  );
  const ttl = e.find((x) => x.key === 'ttl:hash')!;
  assert.equal(ttl.expireMs, 4102444800000 + 12345);
  assert.equal(e.find((x) => x.key === 'str:small')!.expireMs, undefined);
  assert.deepEqual(
    e.filter((x) => x.db !== 0).map((x) => [x.db, x.key]).sort(),
    [
      [1, 'db1:key'],
      [1, 'db1:list'],
      [1, 'db1:ttl'],
      [5, 'db5:set'],
    ],
  );
});

test('an uncompressed file with a zero checksum reads the same values', () => {
  const a = readAll(fixture('all-types.rdb'));
  const b = readAll(fixture('all-types-plain.rdb'));
  const byKey = new Map(a.entries.map((x) => [x.db + '/' + x.key, repr(x.value)]));
  assert.ok(b.entries.length > 20);
  for (const x of b.entries) assert.equal(repr(x.value), byKey.get(x.db + '/' + x.key), x.key);
});

test('reads LZF-compressed quicklist nodes and history-shaped values', () => {
  const c = readAll(fixture('compressed-list.rdb'));
  const items: string[] = [];
  for (let i = 0; i < 2000; i++) items.push(`element-${i % 100}-${'q'.repeat(i % 20)}`);
  assert.equal(repr(keyOf(c.entries, 'list:compressed')), 'l:' + JSON.stringify(items));
  const h = readAll(fixture('history.rdb'));
  const head: string[] = [];
  for (let i = 329; i >= 0; i--) head.push(`h${i}-${'w'.repeat(20)}`);
  assert.equal(repr(keyOf(h.entries, 'list:lpush')), 'l:' + JSON.stringify(head));
  assert.equal(repr(keyOf(h.entries, 'set:shrunk')), 'S:' + JSON.stringify(['1', '2']));
});

test('reads from a path, and from an fd at an offset (an AOF preamble), reporting where the RDB ends', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amber-rdb-'));
  try {
    const rdb = fixture('all-types.rdb');
    const path = join(dir, 'dump.rdb');
    writeFileSync(path, rdb);
    const fromPath = readAll(path);
    const fromBuf = readAll(rdb);
    assert.deepEqual(
      fromPath.entries.map((e) => [e.key, repr(e.value), e.expireMs]),
      fromBuf.entries.map((e) => [e.key, repr(e.value), e.expireMs]),
    );
    const prefix = Buffer.from('prefix bytes that are not RDB');
    const tail = Buffer.from('*2\r\n$3\r\nDEL\r\n$1\r\nx\r\n');
    const mixed = join(dir, 'mixed.aof');
    writeFileSync(mixed, Buffer.concat([prefix, rdb, tail]));
    const fd = openSync(mixed, 'r');
    try {
      const r = readAll({ fd, position: prefix.length });
      assert.equal(r.bytesRead, rdb.length);
      assert.equal(r.keys, 34);
    } finally {
      closeSync(fd);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('values that straddle file refills read as from a whole buffer (refills of 1, 7 and 64 bytes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amber-rdb-'));
  try {
    // Redis's files, and one of Amber's with small values of every kind (sets of integers,
    // strings and both, compressed members, hashes, sorted sets, lists: the packed paths).
    const chunks: Buffer[] = [];
    const w = new RdbWriter({ write: (b) => chunks.push(b) }, { compression: true, checksum: true });
    w.header();
    w.selectDb(0, 0, 0);
    const r = rng(8);
    for (let i = 0; i < 400; i++) {
      const items = Array.from({ length: 1 + (i % 7) }, (_, j) => (r() < 0.5 ? String(j * 1000 + i - 200) : `m${j}-${'x'.repeat(i % 40)}`));
      const set = RSet.fromMembers([...new Set(items)])!;
      const hash = new RHash();
      const zset = new RZSet();
      const list = new RList();
      items.forEach((m, j) => (hash.set(m, String(j)), zset.add(m, j / 4), list.pushTail(m)));
      w.entry(`s${i}`, set);
      w.entry(`h${i}`, hash);
      w.entry(`z${i}`, zset);
      w.entry(`l${i}`, list);
    }
    w.end();
    const files: [string, Buffer][] = [['all-types.rdb', fixture('all-types.rdb')], ['compressed-list.rdb', fixture('compressed-list.rdb')], ['small-values.rdb', Buffer.concat(chunks)]];
    for (const [name, file] of files) {
      const path = join(dir, name);
      writeFileSync(path, file);
      const whole = readAll(file).entries.map((e) => `${e.db} ${e.key} ${repr(e.value)} ${e.expireMs ?? ''}`);
      for (const chunkBytes of [1, 7, 64]) {
        const streamed = readAll(path, { chunkBytes }).entries.map((e) => `${e.db} ${e.key} ${repr(e.value)} ${e.expireMs ?? ''}`);
        assert.deepEqual(streamed, whole, `${name} in refills of ${chunkBytes} bytes`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file larger than the read chunk streams correctly (big strings, many keys)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amber-rdb-'));
  try {
    const r = rng(7);
    const chunks: Buffer[] = [];
    const w = new RdbWriter({ write: (b) => chunks.push(b) }, { compression: false, checksum: true });
    w.header();
    w.selectDb(0, 0, 0);
    const big = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = Math.floor(r() * 256);
    w.entry('big', big.toString('latin1'));
    for (let i = 0; i < 30000; i++) w.entry('k' + i, 'value-' + i + '-'.repeat(i % 50));
    w.end();
    const file = Buffer.concat(chunks);
    const path = join(dir, 'big.rdb');
    writeFileSync(path, file);
    let progress = 0;
    let seen = 0;
    const res = readRdb(
      path,
      {
        entry: (_db, key, value) => {
          if (key === 'big') assert.ok(value === big.toString('latin1'));
          else assert.equal(value, 'value-' + key.slice(1) + '-'.repeat(Number(key.slice(1)) % 50));
          seen++;
        },
        progress: () => progress++,
      },
    );
    assert.equal(seen, 30001);
    assert.equal(res.bytesRead, file.length);
    assert.ok(progress >= 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('refuses a bad signature and versions outside 1..12 with Redis messages', () => {
  const good = fixture('all-types.rdb');
  const bad = Buffer.from(good);
  bad.write('RADIS', 0, 'latin1');
  assert.throws(() => readAll(bad), /Wrong signature trying to load DB from file/);
  for (const v of ['0013', '0000', 'abcd']) {
    const f = Buffer.from(good);
    f.write(v, 5, 'latin1');
    const n = v === 'abcd' ? 0 : Number(v);
    assert.throws(() => readAll(f), (e: unknown) => e instanceof RdbError && e.message.startsWith(`Can't handle RDB format version ${n}`));
  }
});

test('a wrong checksum is an error unless verification is off or the stored checksum is 0', () => {
  const good = fixture('all-types.rdb');
  const bad = Buffer.from(good);
  bad[bad.length - 1]! ^= 0xff;
  assert.throws(() => readAll(bad), /RDB CRC error/);
  assert.equal(readAll(bad, { verifyChecksum: false }).keys, 34);
  debugFlags.skipChecksumValidation = true;
  try {
    assert.equal(readAll(bad).keys, 34);
  } finally {
    debugFlags.skipChecksumValidation = false;
  }
  // A flipped byte in the data is caught by the checksum.
  const flipped = Buffer.from(good);
  const i = flipped.indexOf('hello');
  flipped[i] = 0x48; // 'H'
  assert.throws(() => readAll(flipped), /RDB CRC error/);
  const zero = Buffer.from(good);
  zero.fill(0, zero.length - 8);
  assert.equal(readAll(zero).keys, 34);
});

test('a SELECTDB beyond the configured databases is an error', () => {
  assert.throws(() => readAll(fixture('all-types.rdb'), { databases: 4 }), /configured to handle more than 4 databases/);
});

test('truncation at any point is an RdbError, never another exception', () => {
  const good = fixture('all-types-plain.rdb');
  for (let cut = 0; cut < good.length; cut += cut < 200 ? 1 : 7) {
    assert.throws(
      () => readAll(good.subarray(0, cut)),
      (e: unknown) => e instanceof RdbError,
      `cut at ${cut}`,
    );
  }
});

test('random corruption is rejected cleanly or read into usable values (fuzz, 3000 cases, checksum not consulted)', () => {
  const good = fixture('all-types.rdb');
  const r = rng(99);
  let rejected = 0;
  const started = Date.now();
  for (let i = 0; i < 3000; i++) {
    const bad = Buffer.from(good);
    const flips = 1 + Math.floor(r() * 4);
    for (let f = 0; f < flips; f++) bad[9 + Math.floor(r() * (bad.length - 9))] = Math.floor(r() * 256);
    try {
      // What loads must be usable: every value (packed ones decode here) reads and encodes.
      for (const e of readAll(bad, { verifyChecksum: false }).entries) {
        repr(e.value);
        encodeValue(e.value, true);
        if (typeof e.value !== 'string' && e.value.kind === 'zset') e.value.check();
      }
    } catch (e) {
      assert.ok(e instanceof RdbError, (e as Error).stack);
      assert.match(e.message, /at byte offset \d+/);
      rejected++;
    }
  }
  assert.ok(rejected > 500);
  assert.ok(Date.now() - started < 20000);
});

test('reads the encodings of older Redis versions: LIST, SET, text-score ZSET, HASH, ZIPMAP, ZIPLISTs, QUICKLIST', () => {
  const file = rdbFile(6, (o) => {
    o.byte(254);
    o.len(0);
    // EXPIRETIME in seconds (old opcode), then a plain list.
    o.byte(253);
    o.buf.writeInt32LE(1_800_000_000, (o.ensure(4), o.pos));
    o.pos += 4;
    o.byte(1);
    o.string('list', false);
    o.len(3);
    for (const s of ['a', '12', 'c']) o.string(s, false);
    o.byte(2);
    o.string('set', false);
    o.len(2);
    o.string('x', false);
    o.string('7', false);
    o.byte(3); // ZSET with text scores: 254 = +inf, 255 = -inf
    o.string('zset', false);
    o.len(3);
    o.string('m1', false);
    o.byte(3);
    o.latin1('1.5');
    o.string('m2', false);
    o.byte(254);
    o.string('m3', false);
    o.byte(255);
    o.byte(4);
    o.string('hash', false);
    o.len(1);
    o.string('f', false);
    o.string('v', false);
    o.byte(9);
    o.string('zipmap', false);
    o.blob(
      encodeZipmap([
        ['f1', 'v1'],
        ['f2', 'v2'],
      ]),
      false,
    );
    o.byte(10);
    o.string('ziplist', false);
    o.blob(encodeZiplist(['1', '2', 'three', '100000', '6000000000']), false);
    o.byte(11);
    o.string('intset', false);
    o.blob(encodeIntset(['3', '1', '2'])!, false);
    o.byte(12);
    o.string('zset-zl', false);
    o.blob(encodeZiplist(['a', '1', 'b', '2.5']), false);
    o.byte(13);
    o.string('hash-zl', false);
    o.blob(encodeZiplist(['f', 'v', 'n', '5']), false);
    o.byte(14);
    o.string('quicklist', false);
    o.len(2);
    o.blob(encodeZiplist(['q1', 'q2']), true);
    o.blob(encodeZiplist(['q3']), true);
  });
  const r = readAll(file);
  assert.equal(r.version, 6);
  const v = new Map(r.entries.map((e) => [e.key, repr(e.value)]));
  assert.equal(r.entries[0]!.expireMs, 1_800_000_000_000);
  assert.equal(v.get('list'), 'l:["a","12","c"]');
  assert.equal(v.get('set'), 'S:["7","x"]');
  assert.equal(v.get('zset'), 'z:' + JSON.stringify([['m3', '-Infinity'], ['m1', '1.5'], ['m2', 'Infinity']]));
  assert.equal(v.get('hash'), 'h:[["f","v"]]');
  assert.equal(v.get('zipmap'), 'h:[["f1","v1"],["f2","v2"]]');
  assert.equal(v.get('ziplist'), 'l:["1","2","three","100000","6000000000"]');
  assert.equal(v.get('intset'), 'S:["1","2","3"]');
  assert.equal(v.get('zset-zl'), 'z:[["a","1"],["b","2.5"]]');
  assert.equal(v.get('hash-zl'), 'h:[["f","v"],["n","5"]]');
  assert.equal(v.get('quicklist'), 'l:["q1","q2","q3"]');
});

test('reads version 1 to 4 files, which have no checksum', () => {
  for (const version of [1, 3, 4]) {
    const file = rdbFile(version, (o) => {
      o.byte(0);
      o.string('k', false);
      o.string('v', false);
    });
    const r = readAll(file);
    assert.equal(r.keys, 1);
    assert.equal(r.bytesRead, file.length);
  }
});

test('reads Redis 7.2/7.4 files: SET_LISTPACK and version 11/12 headers', () => {
  for (const version of [11, 12]) {
    const file = rdbFile(version, (o) => {
      o.byte(20);
      o.string('s', false);
      o.blob(encodeListpack(['a', 'b', '3']), false);
    });
    const r = readAll(file);
    assert.equal(repr(r.entries[0]!.value), 'S:["3","a","b"]');
  }
});

test('refuses streams, modules, 7.4 field-TTL hashes and module AUX with an error naming the key', () => {
  const cases: [number, RegExp][] = [
    [15, /key 'mystream': stream values \(RDB type 15\)/],
    [19, /key 'mystream': stream values/],
    [21, /key 'mystream': stream values/],
    [24, /key 'mystream': hashes with field expiration/],
    [25, /key 'mystream': hashes with field expiration/],
  ];
  for (const [type, re] of cases) {
    const file = rdbFile(12, (o) => {
      o.byte(type);
      o.string('mystream', false);
      o.len(0);
    });
    assert.throws(() => readAll(file), re);
  }
  // A module value: the id encodes the 9-character module name.
  const name = 'mymodtype';
  const cs = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let id = 0n;
  for (const ch of name) id = (id << 6n) | BigInt(cs.indexOf(ch));
  id = (id << 10n) | 1n;
  const mod = rdbFile(10, (o) => {
    o.byte(7);
    o.string('m', false);
    o.byte(0x81);
    o.ensure(8);
    o.buf.writeBigUInt64BE(id, o.pos);
    o.pos += 8;
  });
  assert.throws(() => readAll(mod), /key 'm': the RDB file contains module data for the module type 'mymodtype'/);
  const aux = rdbFile(10, (o) => {
    o.byte(247);
    o.byte(0x81);
    o.ensure(8);
    o.buf.writeBigUInt64BE(id, o.pos);
    o.pos += 8;
  });
  assert.throws(() => readAll(aux), /AUX module data I can't load: no matching module 'mymodtype'/);
});

test('empty collections are skipped (Redis skips them when loading) and reported', () => {
  const file = rdbFile(10, (o) => {
    o.byte(2);
    o.string('empty-set', false);
    o.len(0);
    o.byte(18);
    o.string('empty-list', false);
    o.len(1);
    o.len(2);
    o.blob(encodeListpack([]), false);
    o.byte(0);
    o.string('k', false);
    o.string('v', false);
  });
  const skipped: string[] = [];
  const res = readRdb(file, { entry: () => {}, emptyKey: (_db, key) => skipped.push(key) });
  assert.deepEqual(skipped, ['empty-set', 'empty-list']);
  assert.equal(res.emptyKeysSkipped, 2);
  assert.equal(res.keys, 1);
});

test('old FUNCTION opcode (7.0 rc) is converted to a library source', () => {
  const file = rdbFile(10, (o) => {
    o.byte(246);
    o.string('lib', false);
    o.string('LUA', false);
    o.len(1);
    o.string('a description', false);
    o.string("redis.register_function('f', function() return 1 end)", false);
  });
  assert.deepEqual(readAll(file).functions, ["#!LUA name=lib\nredis.register_function('f', function() return 1 end)"]);
});

test('duplicates and NaN scores are corruption', () => {
  const dupSet = Buffer.concat([Buffer.from([2, 2, 1, 0x61, 1, 0x61])]);
  assert.throws(() => decodeValue(dupSet), /Duplicate set members/);
  const dupHash = Buffer.concat([Buffer.from([16]), lenStr(encodeListpack(['f', '1', 'f', '2']))]);
  assert.throws(() => decodeValue(dupHash), /duplicate fields/);
  const nan = Buffer.alloc(12);
  nan[0] = 5;
  nan[1] = 1;
  nan[2] = 1;
  nan[3] = 0x6d;
  nan.writeDoubleLE(NaN, 4);
  assert.throws(() => decodeValue(nan), /NAN score/);
  const oddHash = Buffer.concat([Buffer.from([16]), lenStr(encodeListpack(['f', '1', 'g']))]);
  assert.throws(() => decodeValue(oddHash), /odd number/);
  assert.throws(() => decodeValue(Buffer.from([8, 0])), RdbError);
  assert.throws(() => decodeValue(Buffer.from([2, 0])), /Empty/);
});

function lenStr(b: Buffer): Buffer {
  const o = new RdbOutput();
  o.blob(b, false);
  return o.take();
}

test('the Redis test suite assets load with the contents its tests expect', { skip: !existsSync('/work/redis-suite/tests/assets') && 'Redis test suite assets not present' }, () => {
  const dir = '/work/redis-suite/tests/assets';
  const enc = readAll(readFileSync(join(dir, 'encodings.rdb')));
  const v = new Map(enc.entries.map((e) => [e.key, e.value]));
  assert.equal(repr(v.get('hash_zipped')!), 'h:[["a","1"],["b","2"],["c","3"]]');
  assert.equal(repr(v.get('list_zipped')!), 'l:["1","2","3","a","b","c","100000","6000000000"]');
  assert.equal(repr(v.get('set_zipped_2')!), 'S:["100000","200000","300000","400000"]');
  assert.equal(v.get('number'), '10');
  const zm = readAll(readFileSync(join(dir, 'hash-zipmap.rdb')));
  assert.equal(repr(zm.entries[0]!.value), 'h:[["f1","v1"],["f2","v2"]]');
  const ql = readAll(readFileSync(join(dir, 'list-quicklist.rdb')));
  assert.equal(ql.entries.find((e) => e.key === 'x')!.value, '7');
  for (const name of ['hash-ziplist.rdb', 'zset-ziplist.rdb']) assert.ok(readAll(readFileSync(join(dir, name))).keys >= 1, name);
  // An old file whose Lua scripts ride in a "lua" AUX field (ignored, as Redis 7 does).
  assert.ok(readAll(readFileSync(join(dir, 'scriptbackup.rdb'))).aux.some(([n]) => n === 'lua'));
  const empty = readRdb(readFileSync(join(dir, 'corrupt_empty_keys.rdb')), { entry: () => assert.fail('no key should load') });
  assert.equal(empty.emptyKeysSkipped, 9);
  assert.throws(() => readAll(readFileSync(join(dir, 'corrupt_ziplist.rdb'))), /integrity check failed/);
});
