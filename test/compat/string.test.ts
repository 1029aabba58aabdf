/**
 * Differential tests for the string commands: the same seeded random command sequences
 * go to Amber and to a real redis-server 7.0.15, and every reply must be byte for byte
 * the same. Expire times used are far from now (or long past), so the two servers never
 * disagree because a few milliseconds passed between them.
 */

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_REDIS, redisServerPath, startAmber, startRedis, type RealRedis, type TestAmber } from '../helpers/servers.js';
import type { TestClient } from '../helpers/resp.js';
import { mulberry32 } from '../helpers/random.js';

const skip = redisServerPath() === null ? NO_REDIS : false;

let amber: TestAmber;
let redis: RealRedis;
let a: TestClient;
let b: TestClient;

before(async () => {
  if (skip) return;
  amber = await startAmber();
  redis = await startRedis();
  a = await amber.client();
  b = await redis.client();
});
after(async () => {
  if (skip) return;
  await amber.stop();
  await redis.stop();
});

/** A small seeded generator (mulberry32) so failures are reproducible. */
function rng(seed: number): { int(n: number): number; pick<T>(xs: readonly T[]): T; chance(p: number): boolean } {
  const next = mulberry32(seed);
  return {
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
    chance: (p) => next() < p,
  };
}

type Rng = ReturnType<typeof rng>;

function digits(r: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += r.int(10);
  return s;
}

/** A value of one of the shapes string commands care about. */
function value(r: Rng): string {
  switch (r.int(12)) {
    case 0:
      return String(r.int(200) - 100);
    case 1:
      return r.pick(['9223372036854775807', '-9223372036854775808', '9223372036854775806', '-9223372036854775807', '9223372036854775808']);
    case 2:
      return (r.int(2000) / 100 - 10).toString();
    case 3:
      return r.pick(['', ' 1', '1 ', '011', '+5', '0x10', '1e3', 'inf', '-inf', 'nan', '1.5e-3', '-0', '3.']);
    case 4: {
      let s = '';
      const n = r.int(12);
      for (let i = 0; i < n; i++) s += String.fromCharCode(r.int(256));
      return s;
    }
    case 5:
      return digits(r, 1 + r.int(25));
    case 6:
      return 'x'.repeat(r.int(60));
    default: {
      let s = '';
      const n = 1 + r.int(10);
      for (let i = 0; i < n; i++) s += 'abcdefgh'[r.int(8)];
      return s;
    }
  }
}

function num(r: Rng): string {
  return r.pick([String(r.int(20) - 10), String(r.int(1_000_000)), '-1', '0', 'abc', '', '9223372036854775807', '-9223372036854775808', '1.5', ' 3']);
}

/** Expire options whose outcome cannot depend on a few milliseconds. */
function expireOption(r: Rng): string[] {
  const nowS = Math.floor(Date.now() / 1000);
  return r.pick([
    ['EX', String(1000 + r.int(1000))],
    ['PX', String(1_000_000 + r.int(1000))],
    ['EXAT', String(nowS + 100_000)],
    ['PXAT', String(nowS * 1000 + 100_000_000)],
    ['EXAT', '1'],
    ['PXAT', String(nowS * 1000 - 100_000)],
    ['EX', r.pick(['0', '-1', 'abc', '10000000000000000', '9223372036854775807'])],
    ['PX', r.pick(['0', '-5', '9223372036854775807'])],
    ['PXAT', '9223372036854775807'],
    ['KEEPTTL'],
    ['PERSIST'],
    ['EX'],
  ]);
}

function setOptions(r: Rng): string[] {
  const out: string[] = [];
  const n = r.int(4);
  for (let i = 0; i < n; i++) {
    if (r.chance(0.5)) out.push(...expireOption(r));
    else out.push(r.pick(['NX', 'XX', 'GET', 'nx', 'get', 'KEEPTTL', 'bogus']));
  }
  return out;
}

function command(r: Rng, prefix: string): string[] {
  const key = (): string => prefix + (r.chance(0.05) ? 'set' : 'k' + r.int(6));
  switch (r.int(26)) {
    case 0:
    case 1:
      return ['SET', key(), value(r), ...setOptions(r)];
    case 2:
      return ['GET', key()];
    case 3:
      return ['GETEX', key(), ...(r.chance(0.3) ? [] : r.chance(0.5) ? expireOption(r) : setOptions(r))];
    case 4:
      return ['GETDEL', key()];
    case 5:
      return ['GETSET', key(), value(r)];
    case 6: {
      const n = 1 + r.int(4);
      return ['MGET', ...Array.from({ length: n }, key)];
    }
    case 7:
    case 8: {
      const n = r.chance(0.1) ? 1 : 2 + 2 * r.int(3);
      const args: string[] = [];
      for (let i = 0; i < n; i++) args.push(i % 2 === 0 ? key() : value(r));
      return [r.chance(0.5) ? 'MSET' : 'MSETNX', ...args];
    }
    case 9:
      return ['SETNX', key(), value(r)];
    case 10:
      return [r.pick(['SETEX', 'PSETEX']), key(), r.pick(['1000000', '0', '-1', 'x', '5000000']), value(r)];
    case 11:
      return ['APPEND', key(), value(r)];
    case 12:
      return ['STRLEN', key()];
    case 13:
    case 14:
      return [r.pick(['GETRANGE', 'SUBSTR']), key(), String(r.int(40) - 20), r.pick([String(r.int(40) - 20), '-1', '9223372036854775807', 'x'])];
    case 15:
      return ['SETRANGE', key(), r.pick([String(r.int(30)), '-1', '0', 'x', '536870912']), value(r)];
    case 16:
    case 17:
      return [r.pick(['INCR', 'DECR']), key()];
    case 18:
    case 19:
      return [r.pick(['INCRBY', 'DECRBY']), key(), num(r)];
    case 20:
    case 21:
      return ['INCRBYFLOAT', key(), r.pick([value(r), num(r), (r.int(100000) / 1000 - 50).toString()])];
    case 22: {
      const opts = r.pick([[], ['LEN'], ['IDX'], ['IDX', 'WITHMATCHLEN'], ['IDX', 'MINMATCHLEN', String(r.int(4) - 1)], ['LEN', 'IDX'], ['MINMATCHLEN'], ['FOO']]);
      return ['LCS', key(), key(), ...opts];
    }
    case 23:
      return ['SADD', prefix + 'set', 'member'];
    default:
      return ['SET', key(), value(r)];
  }
}

async function compare(commands: string[][]): Promise<void> {
  for (const cmd of commands) {
    const x = await a.callRaw(...cmd.map((s) => Buffer.from(s, 'latin1')));
    const y = await b.callRaw(...cmd.map((s) => Buffer.from(s, 'latin1')));
    assert.equal(x, y, `reply to ${JSON.stringify(cmd)}`);
  }
}

test('random string command sequences reply as Redis does', { skip }, async () => {
  for (const seed of [1, 2, 3]) {
    const r = rng(seed);
    const commands: string[][] = [];
    for (let i = 0; i < 300; i++) commands.push(command(r, `s${seed}:`));
    await compare(commands);
  }
});

test('INCRBYFLOAT matches Redis over random decimal and hex values', { skip }, async () => {
  const r = rng(99);
  const number = (): string => {
    const sign = r.pick(['', '', '-', '+']);
    switch (r.int(10)) {
      case 0:
        return sign + digits(r, 1 + r.int(3));
      case 1:
        return sign + digits(r, 1 + r.int(5)) + '.' + digits(r, 1 + r.int(5));
      case 2:
        return sign + '0.' + digits(r, 1 + r.int(20));
      case 3:
        return sign + digits(r, 1 + r.int(25)) + '.' + digits(r, r.int(25));
      case 4:
        return sign + digits(r, 1 + r.int(3)) + 'e' + r.pick(['', '-', '+']) + r.int(40);
      case 5:
        return sign + digits(r, 1 + r.int(20)) + 'e' + r.pick(['-', '+']) + r.int(5000);
      case 6:
        return sign + '0x' + Array.from({ length: 1 + r.int(10) }, () => '0123456789abcdef'[r.int(16)]).join('') + 'p' + r.pick(['', '-']) + r.int(100);
      case 7:
        return sign + String(r.int(1_000_000) / 7);
      case 8:
        return sign + String(2 ** (r.int(200) - 100));
      default:
        return sign + (r.int(1_000_000) / 10_000).toFixed(r.int(18));
    }
  };
  const commands: string[][] = [];
  for (let i = 0; i < 1500; i++) {
    const key = 'f:' + r.int(5);
    commands.push(r.chance(0.15) ? ['SET', key, number()] : ['INCRBYFLOAT', key, number()]);
  }
  await compare(commands);
});

test('the edge values of the long double range reply as Redis does', { skip }, async () => {
  const k = 'edge:';
  const values = [
    '1e-4950', '1e-4951', '3e-4951', '1.9e-4951', '1.8e-4951', '1e-4952', '0e-99999',
    '1.18973149535723176502e+4932', '1.18973149535723176505e+4932', '1.1897314953572317651e+4932',
    '0x1p-16445', '0x1p-16446', '0x1.8p-16446', 'INF', 'infinity', 'nan', '0x', '1e', '-0',
    '18446744073709551617', '18446744073709551615', '1e4000', '0.000003814697265625', '0.000001814697265625',
  ];
  const commands: string[][] = [];
  for (const v of values) {
    commands.push(['SET', k + 'a', '0'], ['INCRBYFLOAT', k + 'a', v], ['INCRBYFLOAT', k + 'a', v]);
    commands.push(['SET', k + 'b', v], ['INCRBYFLOAT', k + 'b', '1']);
  }
  await compare(commands);
});

test('LCS replies as Redis does on random strings', { skip }, async () => {
  const r = rng(7);
  const commands: string[][] = [];
  for (let i = 0; i < 60; i++) {
    const gen = (): string => Array.from({ length: r.int(40) }, () => 'ACGT'[r.int(4)]).join('');
    commands.push(['SET', 'lcs:a', gen()], ['SET', 'lcs:b', gen()]);
    commands.push(['LCS', 'lcs:a', 'lcs:b'], ['LCS', 'lcs:a', 'lcs:b', 'LEN'], ['LCS', 'lcs:a', 'lcs:b', 'IDX', 'WITHMATCHLEN'], ['LCS', 'lcs:b', 'lcs:a', 'IDX', 'MINMATCHLEN', String(r.int(4))]);
  }
  await compare(commands);
});
