/**
 * The parser's fast paths (`*<n>\r\n` up to 10 arguments, `$<len>\r\n` up to 16384 bytes)
 * must answer exactly as the general path: same commands, same errors, whatever the split
 * points. Each case is compared against a plain reference reading of RESP, fed whole, byte
 * by byte and in random pieces.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError, RequestParser } from '../../../src/protocol/parser.js';
import { mulberry32 as rng } from '../../helpers/random.js';

function run(pieces: Buffer[], unauth = false): (string[] | string)[] {
  const p = new RequestParser({ maxBulkLen: () => 512 * 1024 * 1024, unauthenticated: () => unauth });
  const out: (string[] | string)[] = [];
  for (const piece of pieces) {
    p.feed(piece);
    try {
      for (let cmd = p.next(); cmd !== null; cmd = p.next()) out.push(cmd);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      out.push(e.line);
      return out;
    }
  }
  return out;
}

function frame(args: string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

function pieces(buf: Buffer, rand: () => number): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  while (i < buf.length) {
    const n = 1 + Math.floor(rand() * 40);
    out.push(buf.subarray(i, i + n));
    i += n;
  }
  return out;
}

test('frames of 0 to 12 arguments with lengths around the fast-path bounds parse the same in any pieces', () => {
  const rand = rng(7);
  const lengths = [0, 1, 9, 10, 99, 100, 9999, 10000, 16383, 16384, 16385, 99999, 100000];
  const cmds: string[][] = [];
  let input = '';
  for (let n = 0; n < 40; n++) {
    const argc = 1 + Math.floor(rand() * 12);
    const args: string[] = [];
    for (let j = 0; j < argc; j++) {
      const len = rand() < 0.2 ? lengths[Math.floor(rand() * lengths.length)]! : Math.floor(rand() * 20);
      let s = '';
      for (let k = 0; k < len; k++) s += String.fromCharCode(Math.floor(rand() * 256));
      args.push(s);
    }
    cmds.push(args);
    input += frame(args);
  }
  input += '*0\r\n' + frame(['PING']);
  cmds.push(['PING']);
  const buf = Buffer.from(input, 'latin1');
  assert.deepEqual(run([buf]), cmds);
  for (let round = 0; round < 5; round++) assert.deepEqual(run(pieces(buf, rand)), cmds);
});

test('counts and lengths the fast path does not take still parse or fail as before', () => {
  // Leading zeros and -0 are refused (Redis's string2ll), in counts and in lengths; 0 alone is
  // a length. Then 10 and 11 arguments, a negative count, non-digits.
  assert.deepEqual(run([Buffer.from('*01\r\n$3\r\nget\r\n')]), ['ERR Protocol error: invalid multibulk length']);
  assert.deepEqual(run([Buffer.from('*-0\r\n')]), ['ERR Protocol error: invalid multibulk length']);
  assert.deepEqual(run([Buffer.from('*1\r\n$03\r\nget\r\n')]), ['ERR Protocol error: invalid bulk length']);
  assert.deepEqual(run([Buffer.from('*1\r\n$0003\r\nget\r\n')]), ['ERR Protocol error: invalid bulk length']);
  assert.deepEqual(run([Buffer.from('*1\r\n$-0\r\n')]), ['ERR Protocol error: invalid bulk length']);
  assert.deepEqual(run([Buffer.from('*2\r\n$4\r\necho\r\n$0\r\n\r\n')]), [['echo', '']]);
  const ten = Array.from({ length: 10 }, (_, i) => String(i));
  assert.deepEqual(run([Buffer.from(frame(ten))]), [ten]);
  const eleven = Array.from({ length: 11 }, (_, i) => String(i));
  assert.deepEqual(run([Buffer.from(frame(eleven))]), [eleven]);
  assert.deepEqual(run([Buffer.from(frame(eleven))], true), ['ERR Protocol error: unauthenticated multibulk length']);
  assert.deepEqual(run([Buffer.from(frame(ten))], true), [ten]);
  assert.deepEqual(run([Buffer.from('*-1\r\n*1\r\n$4\r\nping\r\n')]), [['ping']]);
  assert.deepEqual(run([Buffer.from('*1\r\n$x\r\n')]), ['ERR Protocol error: invalid bulk length']);
  assert.deepEqual(run([Buffer.from('*1\r\n$-1\r\n')]), ['ERR Protocol error: invalid bulk length']);
  assert.deepEqual(run([Buffer.from('*1\r\n+4\r\n')]), ["ERR Protocol error: expected '$', got '+'"]);
  assert.deepEqual(run([Buffer.from('*1x\r\n')]), ['ERR Protocol error: invalid multibulk length']);
  // Just over the unauthenticated bulk limit is refused, at it is accepted.
  const big = 'a'.repeat(16385);
  assert.deepEqual(run([Buffer.from(frame([big]))], true), ['ERR Protocol error: unauthenticated bulk length']);
  assert.deepEqual(run([Buffer.from(frame(['a'.repeat(16384)]))], true), [['a'.repeat(16384)]]);
});

test('a repeated command name is reused, and names that differ in any byte are not confused with it', () => {
  const names = ['SET', 'SET', 'GET', 'sET', 'SET', 'SETX', 'SET', '', 'SET', 'SE\u00ff', 'SE\u00fe'];
  const wire = names.map((n) => frame([n, 'k'])).join('');
  for (const pieces of [[Buffer.from(wire, 'latin1')], [...Buffer.from(wire, 'latin1')].map((b) => Buffer.from([b]))]) {
    const got = run(pieces);
    assert.deepEqual(got, names.map((n) => [n, 'k']));
  }
});

test('a repeated first argument is reused, and keys that differ in any byte (last byte equal or not) are not confused with it', () => {
  const keys = ['key:001', 'key:001', 'key:101', 'kex:001', 'key:001', 'key:0011', 'key:00', '', 'key:001', 'k\u00ffy:001', 'k\u00fey:001', 'x'.repeat(64), 'x'.repeat(64), 'x'.repeat(63) + 'y', 'x'.repeat(65), 'x'.repeat(65)];
  const cmds = keys.map((k, i) => (i % 3 === 0 ? ['LPUSH', k, 'v'] : i % 3 === 1 ? ['GET', k] : ['SET', k, k]));
  const wire = cmds.map((c) => frame(c)).join('');
  for (const pieces of [[Buffer.from(wire, 'latin1')], [...Buffer.from(wire, 'latin1')].map((b) => Buffer.from([b]))]) {
    assert.deepEqual(run(pieces), cmds);
  }
});

test('a repeated last argument is reused, and values that differ in any byte or length are not confused with it', () => {
  const values = ['xxx', 'xxx', 'xxy', 'yxx', 'xxx', 'xxxx', 'xx', '', 'xxx', 'x\u00ffx', 'x\u00fex', 'v'.repeat(64), 'v'.repeat(64), 'v'.repeat(63) + 'w', 'v'.repeat(65), 'v'.repeat(65)];
  const cmds: string[][] = [];
  values.forEach((v, i) => {
    cmds.push(i % 2 === 0 ? ['LPUSH', 'list', v] : ['HSET', 'h', 'f' + i, v]);
    // Commands of other shapes between them: a key that equals the last value, a name only.
    if (i % 5 === 0) cmds.push(['GET', v]);
    if (i % 7 === 0) cmds.push(['PING']);
  });
  const wire = cmds.map((c) => frame(c)).join('');
  for (const pieces of [[Buffer.from(wire, 'latin1')], [...Buffer.from(wire, 'latin1')].map((b) => Buffer.from([b]))]) {
    assert.deepEqual(run(pieces), cmds);
  }
});

test('rawStart..rawEnd are the bytes of the frame just returned, in any pieces; none for inline requests and large arguments assembled apart', () => {
  let seed = 3;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const reqs: (string[] | string)[] = [];
  for (let i = 0; i < 300; i++) {
    const n = 1 + Math.floor(rand() * 5);
    const args = Array.from({ length: n }, () => {
      const len = [0, 1, 9, 10, 99, 100, 5000][Math.floor(rand() * 7)]!;
      let s = '';
      for (let k = 0; k < len; k++) s += String.fromCharCode(Math.floor(rand() * 256));
      return s;
    });
    reqs.push(i % 50 === 7 ? `PING inline${i}` : i % 100 === 13 ? ['SET', 'big', 'b'.repeat(40_000)] : args);
  }
  const wire = Buffer.from(reqs.map((q) => (typeof q === 'string' ? q + '\r\n' : frame(q))).join(''), 'latin1');
  // Also read into one shared buffer, as the server reads: each piece fills its start and is
  // fed with its length (what follows is garbage), the parser lets go of it after each read
  // (unshare), and it is overwritten before the next.
  const shared = Buffer.alloc(wire.length + 64);
  for (const [split, reuse] of [[[wire], false], [pieces(wire, rand), false], [pieces(wire, rand), false], [pieces(wire, rand), true], [pieces(wire, rand), true]] as const) {
    const p = new RequestParser({ maxBulkLen: () => 512 * 1024 * 1024, unauthenticated: () => false });
    let got = 0;
    let withRaw = 0;
    for (const piece of split) {
      if (reuse) {
        p.unshare();
        shared.fill('*1\r\n$4\r\nPING\r\n');
        piece.copy(shared);
        p.feed(shared, piece.length);
      } else {
        p.feed(piece);
      }
      for (let cmd = p.next(); cmd !== null; cmd = p.next()) {
        const q = reqs[got++]!;
        if (typeof q === 'string') {
          assert.equal(p.rawStart, -1, 'no request bytes for an inline request');
          continue;
        }
        assert.deepEqual(cmd, q);
        // A frame split across reads keeps its bytes while at most 4 KB of it came before the
        // split; a large argument assembled in its own buffer loses them.
        if (split.length === 1 || frame(q).length <= 4096) assert.ok(p.rawStart >= 0, `request ${got - 1} has its bytes`);
        if (split.length > 1 && q[2]?.length === 40_000) assert.equal(p.rawStart, -1);
        if (p.rawStart < 0) continue;
        withRaw++;
        assert.equal(p.rawBuf.toString('latin1', p.rawStart, p.rawEnd), frame(q), `request ${got - 1}`);
      }
    }
    assert.equal(got, reqs.length);
    assert.ok(withRaw > reqs.length / 2);
  }
});
