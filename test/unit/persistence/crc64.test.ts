import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Crc64, crc64 } from '../../../src/persistence/rdb/crc64.js';
import { rng } from './rdb-helpers.js';

/** The bit-by-bit definition (reflected Jones polynomial), to check the sliced tables. */
function slowCrc64(data: Uint8Array): bigint {
  const poly = 0x95ac9329ac4bc9b5n; // 0xad93d23594c935a9 reflected
  let crc = 0n;
  for (const b of data) {
    crc ^= BigInt(b);
    for (let i = 0; i < 8; i++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return crc;
}

test('crc64("123456789") is 0xe9c6d914c4b8d9ca (Redis crc64.c test vector)', () => {
  assert.equal(crc64(Buffer.from('123456789')), 0xe9c6d914c4b8d9can);
});

test('crc64 of Redis test text including its NUL terminator is 0xc7794709e69683b3', () => {
  const li =
    'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.';
  assert.equal(crc64(Buffer.concat([Buffer.from(li), Buffer.from([0])])), 0xc7794709e69683b3n);
});

test('crc64 of empty input is 0', () => {
  assert.equal(crc64(Buffer.alloc(0)), 0n);
});

test('sliced tables agree with the bit-by-bit definition for every length up to 40', () => {
  const r = rng(1);
  for (let len = 0; len <= 40; len++) {
    const b = Buffer.alloc(len);
    for (let i = 0; i < len; i++) b[i] = Math.floor(r() * 256);
    assert.equal(crc64(b), slowCrc64(b), `length ${len}`);
  }
});

test('inputs long enough to be read as words agree with the definition at every alignment', () => {
  const r = rng(7);
  const backing = Buffer.alloc(600);
  for (let i = 0; i < backing.length; i++) backing[i] = Math.floor(r() * 256);
  for (const len of [63, 64, 65, 71, 72, 73, 100, 257]) {
    for (let offset = 0; offset < 8; offset++) {
      const view = backing.subarray(offset, offset + len + 8);
      for (const start of [0, 1, 3, 5]) {
        const want = slowCrc64(view.subarray(start, start + len));
        assert.equal(crc64(view, 0n, start, start + len), want, `length ${len} at offset ${offset}+${start}`);
        // Continuing from a crc: the same as one pass over both parts.
        const half = len >> 1;
        const c = new Crc64().update(view, start, start + half).update(view, start + half, start + len);
        assert.equal(c.value(), want, `split, length ${len} at offset ${offset}+${start}`);
      }
    }
  }
});

test('incremental updates at random split points equal the one-shot crc', () => {
  const r = rng(2);
  const data = Buffer.alloc(5000);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(r() * 256);
  const whole = crc64(data);
  for (let round = 0; round < 50; round++) {
    const c = new Crc64();
    let pos = 0;
    while (pos < data.length) {
      const n = Math.min(data.length - pos, Math.floor(r() * 300));
      c.update(data, pos, pos + n);
      pos += n;
    }
    assert.equal(c.value(), whole);
  }
  // Continuing from a previous value.
  assert.equal(crc64(data, crc64(data.subarray(0, 1234)), 1234), whole);
});

test('writeLE/equalsLE store the crc little-endian as RDB files and DUMP payloads do', () => {
  const c = new Crc64().update(Buffer.from('123456789'));
  const out = Buffer.alloc(8);
  c.writeLE(out, 0);
  assert.equal(out.readBigUInt64LE(0), 0xe9c6d914c4b8d9can);
  assert.ok(c.equalsLE(out, 0));
  out[3]! ^= 1;
  assert.ok(!c.equalsLE(out, 0));
});
