import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reply } from '../../../src/protocol/writer.js';

/** The RESP text of an array of bulk strings, built the plain way. */
function expected(items: string[]): string {
  return `*${items.length}\r\n` + items.map((s) => `$${s.length}\r\n${s}\r\n`).join('');
}

function bulks(items: string[], proto: 2 | 3 = 2): string {
  const r = new Reply();
  r.proto = proto;
  r.ok();
  r.bulks(items);
  r.int(7);
  return r.out;
}

test('bulks encodes short and long arrays byte for byte, after and before other replies', () => {
  const binary = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
  const cases: string[][] = [
    [],
    ['a'],
    Array.from({ length: 7 }, (_, i) => 'v' + i),
    Array.from({ length: 8 }, (_, i) => 'v' + i),
    Array.from({ length: 100 }, () => 'xxx'),
    ['', 'x', '', binary, 'y'.repeat(33), 'z'.repeat(32), '\r\n', '0123456789', 'é€'.slice(0, 1)],
    Array.from({ length: 12 }, (_, i) => 'k'.repeat(i * 11)),
  ];
  for (const items of cases) {
    for (const proto of [2, 3] as const) assert.equal(bulks(items, proto), '+OK\r\n' + expected(items) + ':7\r\n');
  }
});

test('bulks falls back to plain concatenation for replies larger than the scratch buffer', () => {
  const items = Array.from({ length: 10 }, (_, i) => String.fromCharCode(65 + i).repeat(20000));
  assert.equal(bulks(items), '+OK\r\n' + expected(items) + ':7\r\n');
  const many = Array.from({ length: 5000 }, (_, i) => 'member:' + i);
  assert.equal(bulks(many), '+OK\r\n' + expected(many) + ':7\r\n');
});

test('integers, lines and nulls are encoded as RESP text in both protocols', () => {
  const r = new Reply();
  for (const n of [0, 7, 9, 10, 99, 100, 1023, 1024, 2 ** 31 - 1, 2 ** 31, -1, -42, 2 ** 53 - 1, -(2 ** 53 - 1)]) r.int(n);
  r.int(123456789012345678901234567890n);
  r.int(1.5);
  r.array(0);
  r.array(12345);
  r.nullBulk();
  r.nullArray();
  r.bool(true);
  r.map(2);
  r.set(3);
  r.push(4);
  r.double(1.5);
  r.simple('PONG');
  r.error('ERR two\r\nlines');
  assert.equal(
    r.take(),
    ':0\r\n:7\r\n:9\r\n:10\r\n:99\r\n:100\r\n:1023\r\n:1024\r\n:2147483647\r\n:2147483648\r\n:-1\r\n:-42\r\n:9007199254740991\r\n:-9007199254740991\r\n' +
      ':123456789012345678901234567890\r\n:1.5\r\n*0\r\n*12345\r\n$-1\r\n*-1\r\n:1\r\n*4\r\n*3\r\n*4\r\n$3\r\n1.5\r\n+PONG\r\n-ERR two  lines\r\n',
  );
  assert.equal(r.length, 0);
  r.proto = 3;
  r.nullBulk();
  r.bool(false);
  r.map(2);
  r.set(3);
  r.push(4);
  r.double(1.5);
  r.verbatim('hi');
  r.bigNumber('12345678901234567890');
  assert.equal(r.take(), '_\r\n#f\r\n%2\r\n~3\r\n>4\r\n,1.5\r\n=6\r\ntxt:hi\r\n(12345678901234567890\r\n');
});

test('deferred headers are inserted before what was written after them, across buffer growth', () => {
  const r = new Reply();
  r.ok();
  const at = r.defer();
  const big = 'v'.repeat(5000);
  for (let i = 0; i < 3; i++) r.bulk(big);
  r.closeArray(at, 3);
  assert.equal(r.take(), '+OK\r\n' + expected([big, big, big]));
  r.proto = 3;
  const m = r.defer();
  r.bulk('f');
  r.int(1);
  r.closeMap(m, 1);
  const s = r.defer();
  r.closeSet(s, 0);
  assert.equal(r.take(), '%1\r\n$1\r\nf\r\n:1\r\n~0\r\n');
});

test('keepOnly keeps the listed ranges after a mark and drops the rest', () => {
  const r = new Reply();
  r.simple('before');
  const mark = r.length;
  r.simple('dropped');
  const from = r.length;
  r.simple('kept');
  const to = r.length;
  r.simple('dropped too');
  r.keepOnly(mark, [[0, 3], [from, to]]);
  assert.equal(r.take(), '+before\r\n+kept\r\n');
  r.simple('x');
  r.truncate(0);
  assert.equal(r.length, 0);
});

test('flushInto hands over a view, keeps the buffer only when the bytes were consumed at once', () => {
  const r = new Reply();
  r.simple('one');
  let first: Buffer | null = null;
  assert.equal(
    r.flushInto((b) => {
      first = b;
      return true;
    }),
    6,
  );
  assert.equal(first!.toString('latin1'), '+one\r\n');
  // Consumed: the same memory is written again.
  r.simple('two');
  let second: Buffer | null = null;
  r.flushInto((b) => {
    second = b;
    return false; // the socket keeps these bytes
  });
  const same = (a: Buffer, b: Buffer): boolean => a.buffer === b.buffer && a.byteOffset === b.byteOffset;
  assert.ok(same(second!, first!));
  assert.equal(second!.toString('latin1'), '+two\r\n');
  // Not consumed: the next replies must not overwrite what the socket still holds.
  r.simple('three');
  let third: Buffer | null = null;
  r.flushInto((b) => {
    third = b;
    return true;
  });
  assert.ok(!same(third!, second!));
  assert.equal(second!.toString('latin1'), '+two\r\n');
  assert.equal(third!.toString('latin1'), '+three\r\n');
  assert.equal(r.flushInto(() => assert.fail('nothing to write')), 0);
  // takeBytes copies: later replies do not change it.
  r.simple('held');
  const held = r.takeBytes();
  r.simple('next');
  assert.equal(held.toString('latin1'), '+held\r\n');
});
