import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lzfCompress, lzfDecompress, lzfTryCompress } from '../../../src/persistence/rdb/lzf.js';
import { expected, rng } from './rdb-helpers.js';

function compress(data: Buffer, outLen = data.length): Buffer | null {
  const out = Buffer.alloc(outLen + 16);
  const n = lzfCompress(data, 0, data.length, out, outLen);
  return n === 0 ? null : Buffer.from(out.subarray(0, n));
}

function decompress(data: Buffer, len: number): Buffer | null {
  const out = Buffer.alloc(len);
  return lzfDecompress(data, 0, data.length, out, len) === len ? out : null;
}

/** Splits a STRING DUMP payload whose value is LZF-encoded into [compressed, originalLength]. */
function lzfPartOfDump(hex: string): [Buffer, number] {
  const p = Buffer.from(hex, 'hex');
  assert.equal(p[0], 0, 'string type');
  assert.equal(p[1], 0xc3, 'LZF marker');
  let i = 2;
  const len = (): number => {
    const b = p[i++]!;
    if (b >> 6 === 0) return b & 0x3f;
    if (b >> 6 === 1) return ((b & 0x3f) << 8) | p[i++]!;
    const v = p.readUInt32BE(i);
    i += 4;
    return v;
  };
  const clen = len();
  const orig = len();
  return [p.subarray(i, i + clen), orig];
}

test('compresses repetitive data and decompresses it back', () => {
  const data = Buffer.from('abcabcabcabcabcabcabcabcabcabc-hello-hello-hello-hello');
  const c = compress(data)!;
  assert.ok(c.length < data.length);
  assert.deepEqual(decompress(c, data.length), data);
});

test('random inputs of many shapes round trip', () => {
  const r = rng(3);
  for (let i = 0; i < 1500; i++) {
    const len = Math.floor(r() ** 2 * 4000);
    const alpha = 1 + Math.floor(r() * (r() < 0.5 ? 4 : 256));
    const b = Buffer.alloc(len);
    for (let j = 0; j < len; j++) b[j] = r() < 0.3 && j > 10 ? b[j - 1 - Math.floor(r() * 10)]! : Math.floor(r() * alpha);
    // Incompressible input grows by one control byte per 32 literals at most.
    const c = compress(b, len + Math.ceil(len / 32) + 4);
    if (len === 0) {
      assert.equal(c, null);
      continue;
    }
    assert.ok(c !== null, `length ${len} must fit the worst-case budget`);
    assert.deepEqual(decompress(c, len), b);
  }
});

test('gives up (0) when the output budget is too small, as Redis relies on', () => {
  const noise = Buffer.alloc(100);
  const r = rng(4);
  for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(r() * 256);
  assert.equal(compress(noise, noise.length - 4), null);
  assert.equal(lzfTryCompress(noise, 96), null);
  assert.equal(compress(Buffer.alloc(0), 10), null);
  assert.equal(compress(Buffer.from('abc'), 0), null);
});

test('never uses a match at the very first byte (Redis checks ref > in_data)', () => {
  // "aaaa..." : the first possible match would start at offset 0.
  const data = Buffer.alloc(40, 0x61);
  const c = compress(data)!;
  // literal run of 2 bytes ("aa"), then back references.
  assert.equal(c[0], 1);
  assert.deepEqual(decompress(c, 40), data);
});

test('decodes and reproduces the LZF bytes Redis 7.0 wrote for a string', () => {
  const exp = expected()['all-types.rdb']!;
  const k = exp.keys!.find((x) => x.key === 'str:lzf')!;
  const [compressed, orig] = lzfPartOfDump(k.dump!);
  const plain = decompress(compressed, orig)!;
  assert.equal(plain.toString('latin1'), 'abcabcabc'.repeat(20));
  // Redis's budget for a string is length - 4.
  assert.deepEqual(compress(plain, plain.length - 4), compressed);
});

test('malformed compressed input is rejected without throwing or overrunning', () => {
  const r = rng(5);
  const base = compress(Buffer.from('The quick brown fox jumps over the lazy dog. '.repeat(10)))!;
  for (let i = 0; i < 3000; i++) {
    const bad = Buffer.from(base);
    const flips = 1 + Math.floor(r() * 4);
    for (let f = 0; f < flips; f++) bad[Math.floor(r() * bad.length)] = Math.floor(r() * 256);
    const cut = r() < 0.3 ? Math.floor(r() * bad.length) : bad.length;
    const out = Buffer.alloc(450);
    const n = lzfDecompress(bad, 0, cut, out, 450);
    assert.ok(n >= -1 && n <= 450);
  }
  // A back reference before the start of the output.
  assert.equal(lzfDecompress(Buffer.from([0x20, 0x05]), 0, 2, Buffer.alloc(10), 10), -1);
  // A literal run longer than the input.
  assert.equal(lzfDecompress(Buffer.from([0x05, 0x61]), 0, 2, Buffer.alloc(10), 10), -1);
  // Output larger than announced.
  assert.equal(lzfDecompress(Buffer.from([0x02, 0x61, 0x62, 0x63]), 0, 4, Buffer.alloc(2), 2), -1);
});
