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
