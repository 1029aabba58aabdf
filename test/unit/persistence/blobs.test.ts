import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlobError } from '../../../src/persistence/rdb/constants.js';
import { decodeIntset, encodeIntset } from '../../../src/persistence/rdb/intset.js';
import { ListpackBuilder, decodeListpack, encodeListpack, listpackEntryBytes } from '../../../src/persistence/rdb/listpack.js';
import { lzfDecompress } from '../../../src/persistence/rdb/lzf.js';
import { decodeZiplist, encodeZiplist } from '../../../src/persistence/rdb/ziplist.js';
import { decodeZipmap, encodeZipmap } from '../../../src/persistence/rdb/zipmap.js';
import { expected, rng } from './rdb-helpers.js';

/** The blob of a DUMP payload whose value is one RDB string (plain or LZF) holding a listpack/intset. */
function blobOfDump(hex: string): Buffer {
  const p = Buffer.from(hex, 'hex');
  let i = 1;
  const len = (): number => {
    const b = p[i++]!;
    if (b >> 6 === 0) return b & 0x3f;
    if (b >> 6 === 1) return ((b & 0x3f) << 8) | p[i++]!;
    if (b === 0x80) {
      i += 4;
      return p.readUInt32BE(i - 4);
    }
    if (b === 0xc3) return -1;
    throw new Error('unexpected string encoding');
  };
  const n = len();
  if (n >= 0) return p.subarray(i, i + n);
  const clen = len();
  const orig = len();
  const out = Buffer.alloc(orig);
  assert.equal(lzfDecompress(p, i, i + clen, out, orig), orig);
  return out;
}

const EDGE_STRINGS = [
  '',
  '0',
  '-0',
  '00',
  '127',
  '128',
  '-1',
  '4095',
  '4096',
  '-4096',
  '-4097',
  '32767',
  '32768',
  '-32768',
  '-32769',
  '8388607',
  '8388608',
  '-8388608',
  '-8388609',
  '2147483647',
  '2147483648',
  '-2147483648',
  '-2147483649',
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775808',
  '12345678901234567890',
  ' 1',
  '+1',
  '1.5',
  'a'.repeat(63),
  'b'.repeat(64),
  'c'.repeat(4095),
  'd'.repeat(4096),
  'bin\x00\xff\x80',
];

test('listpack round trips integers at every width boundary and strings at every length class', () => {
  const lp = encodeListpack(EDGE_STRINGS);
  assert.deepEqual(decodeListpack(lp), EDGE_STRINGS);
  assert.equal(lp.readUInt32LE(0), lp.length);
  assert.equal(lp.readUInt16LE(4), EDGE_STRINGS.length);
  assert.equal(lp[lp.length - 1], 0xff);
});

test('listpack entry sizes follow Redis: 7-bit, 13-bit, 16/24/32/64-bit ints, string headers, backlen', () => {
  const size = (s: string): number => encodeListpack([s]).length - 7;
  assert.equal(size('5'), 2); // 1 + backlen
  assert.equal(size('-1'), 3); // 13-bit
  assert.equal(size('4000'), 3);
  assert.equal(size('5000'), 4); // 16-bit
  assert.equal(size('5000000'), 5); // 24-bit
  assert.equal(size('5000000000'), 10); // 64-bit
  assert.equal(size('abc'), 5); // 6-bit header + 3 + backlen
  assert.equal(size('x'.repeat(127)), 2 + 127 + 2); // entry 129 bytes needs a 2-byte backlen
  for (const s of EDGE_STRINGS) assert.equal(listpackEntryBytes(s), size(s), JSON.stringify(s));
});

test('listpack header counts 65535 as unknown beyond that many elements', () => {
  const b = new ListpackBuilder();
  for (let i = 0; i < 70000; i++) b.append('1');
  const lp = b.finish();
  assert.equal(lp.readUInt16LE(4), 0xffff);
  assert.equal(decodeListpack(lp).length, 70000);
});

test('listpack blobs are byte-identical to what Redis 7.0 DUMPs for hashes and sorted sets', () => {
  const exp = expected()['all-types.rdb']!;
  let checked = 0;
  for (const k of exp.keys!) {
    if (k.encoding !== 'listpack' || k.dump === null) continue;
    const blob = blobOfDump(k.dump);
    const items = decodeListpack(blob);
    const b = new ListpackBuilder();
    // Scores that Redis stored as integers come back as integer strings and re-encode the same.
    for (const it of items) b.append(it);
    assert.deepEqual(b.finish(), blob, k.key);
    checked++;
  }
  assert.ok(checked >= 3);
});

test('intset picks the narrowest width and matches Redis byte for byte', () => {
  const exp = expected()['all-types.rdb']!;
  for (const name of ['set:int16', 'set:int32', 'set:int64']) {
    const k = exp.keys!.find((x) => x.key === name)!;
    const blob = blobOfDump(k.dump!);
    const members = decodeIntset(blob);
    assert.deepEqual(encodeIntset([...members].reverse()), blob, name);
  }
  assert.equal(encodeIntset(['1', '2'])!.readUInt32LE(0), 2);
  assert.equal(encodeIntset(['1', '-32769'])!.readUInt32LE(0), 4);
  assert.equal(encodeIntset(['2147483648'])!.readUInt32LE(0), 8);
  assert.equal(encodeIntset(['1', 'x']), null);
});

test('ziplist round trips every entry encoding, including large prevlen', () => {
  const items = [...EDGE_STRINGS.filter((s) => s.length < 300), 'z'.repeat(300), '7', 'tail'];
  assert.deepEqual(decodeZiplist(encodeZiplist(items)), items);
  assert.deepEqual(decodeZiplist(encodeZiplist([])), []);
});

test('zipmap decodes pairs, including 5-byte lengths', () => {
  const pairs: [string, string][] = [
    ['a', '1'],
    ['long', 'v'.repeat(300)],
    ['', ''],
  ];
  assert.deepEqual(decodeZipmap(encodeZipmap(pairs)), pairs);
});

test('corrupt blobs are rejected with BlobError, never another exception', () => {
  const r = rng(11);
  const samples: [string, Buffer, (b: Buffer) => unknown][] = [
    ['listpack', encodeListpack(EDGE_STRINGS.filter((s) => s.length < 100)), decodeListpack],
    ['ziplist', encodeZiplist(EDGE_STRINGS.filter((s) => s.length < 100)), decodeZiplist],
    ['intset', encodeIntset(['1', '5', '-7', '100000'])!, decodeIntset],
    [
      'zipmap',
      encodeZipmap([
        ['f', 'v'],
        ['g', 'w'.repeat(20)],
      ]),
      decodeZipmap,
    ],
  ];
  let rejected = 0;
  for (const [name, good, decode] of samples) {
    for (let i = 0; i < 1500; i++) {
      let bad = Buffer.from(good);
      const mode = r();
      if (mode < 0.4) {
        bad = bad.subarray(0, Math.floor(r() * bad.length));
      } else {
        const flips = 1 + Math.floor(r() * 3);
        for (let f = 0; f < flips; f++) bad[Math.floor(r() * bad.length)] = Math.floor(r() * 256);
      }
      try {
        decode(bad);
      } catch (e) {
        assert.ok(e instanceof BlobError, `${name}: ${(e as Error).stack}`);
        rejected++;
      }
    }
  }
  assert.ok(rejected > 3000);
});

test('specific listpack defects are caught', () => {
  const good = encodeListpack(['a', 'b']);
  const bad1 = Buffer.from(good);
  bad1.writeUInt32LE(good.length + 1, 0); // header size mismatch
  assert.throws(() => decodeListpack(bad1), BlobError);
  const bad2 = Buffer.from(good);
  bad2[bad2.length - 1] = 0; // no terminator
  assert.throws(() => decodeListpack(bad2), BlobError);
  const bad3 = Buffer.from(good);
  bad3.writeUInt16LE(3, 4); // wrong count
  assert.throws(() => decodeListpack(bad3), BlobError);
  const bad4 = Buffer.from(good);
  bad4[8] = 5; // backlen of first entry wrong
  assert.throws(() => decodeListpack(bad4), BlobError);
  const bad5 = Buffer.from(good);
  bad5[6] = 0xf5; // invalid encoding byte
  assert.throws(() => decodeListpack(bad5), BlobError);
  assert.throws(() => decodeIntset(encodeIntset(['1', '2'])!.subarray(0, 10)), BlobError);
  const unsorted = encodeIntset(['1', '2'])!;
  unsorted.writeInt16LE(5, 8);
  assert.throws(() => decodeIntset(unsorted), BlobError);
});
