import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latin1String } from '../../../src/util/latin1.js';
import { RequestParser } from '../../../src/protocol/parser.js';

/** Bytes covering NUL, CR/LF, ASCII and the whole upper half. */
function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (seed * 131 + i * 197) & 0xff;
  return b;
}

test('latin1String gives one char per byte, as Buffer latin1 decoding does, for every length', () => {
  for (let n = 0; n <= 40; n++) {
    for (const at of [0, 3]) {
      const b = Buffer.concat([Buffer.alloc(at, 0x41), bytes(n, n), Buffer.from('zz')]);
      const s = latin1String(b, at, n);
      assert.equal(s, b.toString('latin1', at, at + n), `length ${n} at ${at}`);
      assert.equal(s.length, n);
    }
  }
});

test('latin1String keeps every byte value at every position of a short string', () => {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  for (let n = 1; n <= 24; n++) {
    for (let at = 0; at + n <= 256; at++) assert.equal(latin1String(all, at, n), all.toString('latin1', at, at + n), `length ${n} at ${at}`);
  }
});

test('the parser returns arguments of every short length byte for byte', () => {
  for (let n = 0; n <= 40; n++) {
    const arg = bytes(n, 7 + n);
    const frame = Buffer.concat([Buffer.from(`*2\r\n$3\r\nSET\r\n$${n}\r\n`), arg, Buffer.from('\r\n')]);
    const p = new RequestParser({ maxBulkLen: () => 512 * 1024 * 1024, unauthenticated: () => false });
    p.feed(frame);
    const argv = p.next();
    assert.ok(argv !== null);
    assert.equal(argv[1], arg.toString('latin1'), `length ${n}`);
  }
});
