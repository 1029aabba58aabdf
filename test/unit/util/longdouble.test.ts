import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addLongDouble, formatLongDoubleHuman, parseLongDouble } from '../../../src/util/longdouble.js';

/** INCRBYFLOAT's arithmetic: parse both, add, print (null when a side does not parse). */
function incr(a: string, b: string): string | null {
  const x = parseLongDouble(a);
  const y = parseLongDouble(b);
  if (x === null || y === null) return null;
  return formatLongDoubleHuman(addLongDouble(x, y));
}

test('adds decimals the way x87 long double and %.17Lf print them', () => {
  // Reference values from redis-server 7.0.15 on x86-64.
  assert.equal(incr('10.5', '0.1'), '10.6');
  assert.equal(incr('0.1', '0.2'), '0.3');
  assert.equal(incr('1', '-1.1'), '-0.1');
  assert.equal(incr('17179869184', '1.5'), '17179869185.5');
  assert.equal(incr('17179869184', '17179869184'), '34359738368');
  assert.equal(incr('0', '1e30'), '1000000000000000000024696061952');
  assert.equal(incr('0', '123456789012345678901234567890'), '123456789012345678899921813504');
  assert.equal(incr('18446744073709551617', '1'), '18446744073709551616');
  assert.equal(incr('18446744073709551615', '0'), '18446744073709551615');
});

test('rounds printed ties to even as glibc does', () => {
  // 2^-18 has 18 decimals: the 17-digit print is an exact tie.
  assert.equal(incr('1', '0.000003814697265625'), '1.00000381469726562');
  assert.equal(incr('0', '0.000003814697265625'), '0.00000381469726562');
  assert.equal(incr('0', '0.000001814697265625'), '0.00000181469726563');
});

test('never prints negative zero', () => {
  assert.equal(incr('0', '-0'), '0');
  assert.equal(incr('-0', '-0.000000000000000001'), '0');
  assert.equal(incr(String(1 / 41), String(-1 / 41)), '0');
});

test('reads what strtold reads and string2ld keeps', () => {
  assert.equal(incr('0', '0x1p3'), '8');
  assert.equal(incr('0', '0X.8P1'), '1');
  assert.equal(incr('0', '.5'), '0.5');
  assert.equal(incr('0', '5.'), '5');
  assert.equal(incr('0', '+1E+2'), '100');
  assert.equal(incr('0', '00001'), '1');
  for (const bad of ['', ' 1', '1 ', '1\x002', 'abc', '1e', '0x', 'nan', '-nan', 'nan(12)', '1..2', '--1', '0x1p', 'e5']) {
    assert.equal(parseLongDouble(bad), null, JSON.stringify(bad));
  }
  assert.equal(parseLongDouble('1'.repeat(5120)), null); // MAX_LONG_DOUBLE_CHARS
  assert.equal(formatLongDoubleHuman(parseLongDouble('0'.repeat(5118) + '1')!), '1');
});

test('accepts infinity as input but an infinite sum is not finite', () => {
  const inf = parseLongDouble('+inf')!;
  assert.equal(inf.inf, true);
  assert.equal(parseLongDouble('-Infinity')!.neg, true);
  assert.equal(addLongDouble(parseLongDouble('0')!, inf).inf, true);
  assert.equal(addLongDouble(inf, parseLongDouble('-inf')!).nan, true);
});

test('rejects literals that overflow or underflow to zero, keeps subnormals', () => {
  assert.equal(parseLongDouble('1.1897314953572317651e+4932'), null);
  assert.notEqual(parseLongDouble('1.18973149535723176502e+4932'), null);
  assert.equal(parseLongDouble('1e-4952'), null);
  assert.equal(parseLongDouble('1.8e-4951'), null); // below half the smallest subnormal
  assert.notEqual(parseLongDouble('1.9e-4951'), null); // rounds up to it
  assert.notEqual(parseLongDouble('0x1p-16445'), null);
  assert.equal(parseLongDouble('0x1p-16446'), null); // an exact tie: rounds to even, zero
  assert.notEqual(parseLongDouble('0x1.8p-16446'), null);
  assert.notEqual(parseLongDouble('0e-99999'), null); // zero itself is fine
  assert.equal(parseLongDouble('1e99999999999999999999'), null);
});

test('overflows the sum to infinity at the top of the range', () => {
  const max = parseLongDouble('1.18973149535723176502e+4932')!;
  assert.equal(addLongDouble(max, parseLongDouble('1e4913')!).inf, true);
  assert.equal(addLongDouble(max, parseLongDouble('1')!).inf, false);
  assert.equal(formatLongDoubleHuman(addLongDouble(max, parseLongDouble('-1.18973149535723176502e+4932')!)), '0');
});

test('prints huge values in full and 1e4000 as the extended value nearest to it', () => {
  const s = incr('0', '1e4000')!;
  assert.equal(s.length, 4000);
  assert.ok(s.startsWith('99999999999999999999654638730996237849324925835069576313015083330432619433063423554818216418655092798627644520731236735402176022173675923441721258819505279999614285824343547545018709582142907413011430146704450262608494434562753337423408225591462204407745026991471168183077755667735712064920363'));
});
