import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError, RequestParser, splitArgs } from '../../../src/protocol/parser.js';

function parser(opts: { maxBulk?: number; unauth?: boolean } = {}): RequestParser {
  return new RequestParser({ maxBulkLen: () => opts.maxBulk ?? 512 * 1024 * 1024, unauthenticated: () => opts.unauth ?? false });
}

/**
 * Feeds input in the given pieces and collects every command (or the protocol error). With
 * `shared`, each piece is read into the start of one larger buffer and fed with its length,
 * as the server reads every client: the bytes after it are garbage that looks like requests
 * (a parser reading past the length would find commands there), and after the piece's
 * commands were taken the parser lets go of the buffer (unshare) and it is overwritten.
 */
const GARBAGE = '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\nPING\r\n';

function run(pieces: Buffer[], opts?: { maxBulk?: number; unauth?: boolean }, shared?: Buffer): (string[] | string)[] {
  const p = parser(opts);
  const out: (string[] | string)[] = [];
  for (const piece of pieces) {
    if (shared === undefined) {
      p.feed(piece);
    } else {
      shared.fill(GARBAGE);
      piece.copy(shared);
      p.feed(shared, piece.length);
    }
    try {
      for (let cmd = p.next(); cmd !== null; cmd = p.next()) out.push(cmd);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      out.push(e.line);
      return out;
    }
    if (shared !== undefined) {
      p.unshare();
      shared.fill(GARBAGE);
    }
  }
  return out;
}

/** Runs a case whole, byte by byte, and at 20 random split points: all must agree. */
function check(input: string | Buffer, expected: (string[] | string)[], opts?: { maxBulk?: number; unauth?: boolean }): void {
  const buf = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const shared = Buffer.alloc(buf.length + 64);
  assert.deepEqual(run([buf], opts), expected, 'whole buffer');
  assert.deepEqual(run([buf], opts, shared), expected, 'whole buffer, read into a shared buffer');
  const bytes = [];
  for (let i = 0; i < buf.length; i++) bytes.push(buf.subarray(i, i + 1));
  assert.deepEqual(run(bytes, opts), expected, 'byte by byte');
  assert.deepEqual(run(bytes, opts, shared), expected, 'byte by byte, read into a shared buffer');
  for (let k = 0; k < 20; k++) {
    const cuts = new Set<number>();
    const n = 1 + Math.floor(Math.random() * 4);
    for (let j = 0; j < n; j++) cuts.add(Math.floor(Math.random() * buf.length));
    const sorted = [...cuts].sort((a, b) => a - b);
    const pieces = [];
    let prev = 0;
    for (const c of sorted) {
      pieces.push(buf.subarray(prev, c));
      prev = c;
    }
    pieces.push(buf.subarray(prev));
    assert.deepEqual(run(pieces, opts), expected, `split at ${sorted}`);
    assert.deepEqual(run(pieces, opts, shared), expected, `split at ${sorted}, read into a shared buffer`);
  }
}

test('parses a multibulk command', () => {
  check('*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n', [['SET', 'key', 'value']]);
});

test('parses pipelined commands', () => {
  check('*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n', [['PING'], ['ECHO', ''], ['GET', 'k']]);
});

test('keeps binary bytes exactly (latin1, one char per byte)', () => {
  const value = Buffer.from([0, 255, 13, 10, 128, 42]);
  const input = Buffer.concat([Buffer.from('*2\r\n$4\r\nECHO\r\n$6\r\n'), value, Buffer.from('\r\n')]);
  const [cmd] = run([input]) as string[][];
  assert.deepEqual(Buffer.from(cmd![1]!, 'latin1'), value);
  check(input, [['ECHO', value.toString('latin1')]]);
});

test('assembles a large bulk argument across many reads', () => {
  const big = 'x'.repeat(100_000);
  const input = Buffer.from(`*2\r\n$4\r\nECHO\r\n$${big.length}\r\n${big}\r\n*1\r\n$4\r\nPING\r\n`);
  const pieces = [];
  for (let i = 0; i < input.length; i += 1000) pieces.push(input.subarray(i, i + 1000));
  assert.deepEqual(run(pieces), [['ECHO', big], ['PING']]);
  assert.deepEqual(run([input]), [['ECHO', big], ['PING']]);
});

test('skips empty multibulk frames', () => {
  check('*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n', [['PING']]);
});

test('parses inline commands with quotes and escapes', () => {
  check('SET k "a b\\x41\\n"\r\nGET \'it\\\'s\'\nPING\r\n', [['SET', 'k', 'a bA\n'], ['GET', "it's"], ['PING']]);
});

test('skips blank inline lines', () => {
  check('\r\n\n  \r\nPING\r\n', [['PING']]);
});

test('rejects unbalanced quotes in inline commands', () => {
  check('SET k "abc\r\n', ['ERR Protocol error: unbalanced quotes in request']);
  check('SET k "abc"x\r\n', ['ERR Protocol error: unbalanced quotes in request']);
});

test("rejects a bulk header that is not '$'", () => {
  check('*1\r\n:4\r\nPING\r\n', ["ERR Protocol error: expected '$', got ':'"]);
});

test('rejects invalid multibulk and bulk lengths', () => {
  check('*abc\r\n', ['ERR Protocol error: invalid multibulk length']);
  check('*3000000000\r\n', ['ERR Protocol error: invalid multibulk length']);
  check('*1\r\n$-5\r\n', ['ERR Protocol error: invalid bulk length']);
  check('*1\r\n$+5\r\n', ['ERR Protocol error: invalid bulk length']);
  check('*1\r\n$2000000\r\n', ['ERR Protocol error: invalid bulk length'], { maxBulk: 1024 * 1024 });
});

test('applies the tighter limits before authentication', () => {
  check('*11\r\n', ['ERR Protocol error: unauthenticated multibulk length'], { unauth: true });
  check('*1\r\n$16385\r\n', ['ERR Protocol error: unauthenticated bulk length'], { unauth: true });
  check('*10\r\n', [], { unauth: true });
});

test('rejects over-long lines without a newline', () => {
  const p = parser();
  p.feed(Buffer.from('x'.repeat(70000)));
  assert.throws(() => p.next(), (e: ProtocolError) => e.line === 'ERR Protocol error: too big inline request');
  const q = parser();
  q.feed(Buffer.from('*' + '1'.repeat(70000)));
  assert.throws(() => q.next(), (e: ProtocolError) => e.line === 'ERR Protocol error: too big mbulk count string');
});

test('commands before a protocol error are still returned', () => {
  check('*1\r\n$4\r\nPING\r\n*x\r\n', [['PING'], 'ERR Protocol error: invalid multibulk length']);
});

test('splitArgs follows sdssplitargs', () => {
  assert.deepEqual(splitArgs('  a  b\tc '), ['a', 'b', 'c']);
  assert.deepEqual(splitArgs('"\\x4"'), ['x4']);
  assert.deepEqual(splitArgs('""'), ['']);
  assert.deepEqual(splitArgs("a'b c'd"), null);
  assert.deepEqual(splitArgs("'a b' c"), ['a b', 'c']);
  assert.equal(splitArgs('"unterminated'), null);
});
