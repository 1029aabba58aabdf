/**
 * Differential tests of the generic keyspace commands, expiry commands, SCAN, pub/sub and
 * keyspace notifications: the same commands go to Amber and to a real redis-server 7.0.15
 * and the replies must match byte for byte. Where Redis's answer is an accident of its hash
 * table (KEYS order, SCAN batches) the replies are compared as sets; relative TTLs are
 * compared by sign only (the two servers' clocks read a millisecond apart).
 */

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_REDIS, redisServerPath, startAmber, startRedis, type RealRedis, type TestAmber } from '../helpers/servers.js';
import { parseReply, type TestClient } from '../helpers/resp.js';
import { globMatch } from '../../src/util/glob.js';
import { mulberry32 as prng } from '../helpers/random.js';

const skip = redisServerPath() === null ? NO_REDIS : false;

let amber: TestAmber;
let redis: RealRedis;
let a: TestClient;
let r: TestClient;

before(async () => {
  if (skip) return;
  amber = await startAmber({ 'enable-debug-command': 'yes' });
  redis = await startRedis();
  a = await amber.client();
  r = await redis.client();
});

after(async () => {
  if (skip) return;
  await amber.stop();
  await redis.stop();
});

async function both(...cmd: string[]): Promise<[string, string]> {
  const x = await a.callRaw(...cmd);
  const y = await r.callRaw(...cmd);
  return [x, y];
}

async function reset(): Promise<void> {
  const [x, y] = await both('FLUSHALL');
  assert.equal(x, y);
  await both('SELECT', '0');
}

/** The bulk strings of an array reply, sorted (for replies whose order is a hash accident). */
function sortedItems(raw: string): string {
  const v = parseReply(raw, 0)![0];
  if (!Array.isArray(v)) return raw;
  return JSON.stringify((v as unknown[]).map(String).sort());
}

/** A relative TTL reply reduced to its sign: the servers read their clocks apart. */
function ttlShape(raw: string): string {
  const m = /^:(-?\d+)\r\n$/.exec(raw);
  if (m === null) return raw;
  const n = Number(m[1]);
  return n < 0 ? raw : ':+';
}

const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', '', 'key:x'];

function randomCommand(next: () => number, now: number): string[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const key = (): string => pick(KEYS);
  const int = (n: number): string => String(Math.floor(next() * n));
  switch (Math.floor(next() * 34)) {
    case 0:
    case 1:
      return ['SET', key(), pick(['v', '100', '12345678901', 'x'.repeat(50), ''])];
    case 2:
      return ['HSET', key(), 'f' + int(3), 'v'];
    case 3:
      return ['SADD', key(), int(5), ...(next() < 0.3 ? ['m'] : [])];
    case 4:
      return ['ZADD', key(), int(10), 'm' + int(3)];
    case 5:
      return ['GET', key()];
    case 6:
      return ['DEL', key(), key()];
    case 7:
      return ['UNLINK', key()];
    case 8:
      return ['EXISTS', key(), key(), key()];
    case 9:
      return ['TYPE', key()];
    case 10:
      return ['RENAME', key(), key()];
    case 11:
      return ['RENAMENX', key(), key()];
    case 12:
      return ['MOVE', key(), pick(['0', '1', '2', '16', '-1', 'x'])];
    case 13: {
      const cmd = ['COPY', key(), key()];
      if (next() < 0.4) cmd.push('DB', pick(['0', '1', '2', '99', 'x']));
      if (next() < 0.4) cmd.push('REPLACE');
      return cmd;
    }
    case 14:
      return ['SELECT', pick(['0', '1', '2'])];
    case 15:
      return ['DBSIZE'];
    case 16: {
      const cmd = [pick(['EXPIRE', 'PEXPIRE']), key(), pick(['1000', '50000', '0', '-5', '', 'abc', '9223372036854776'])];
      if (next() < 0.5) cmd.push(pick(['NX', 'XX', 'GT', 'LT', 'BAD']));
      if (next() < 0.1) cmd.push(pick(['NX', 'XX', 'GT', 'LT']));
      return cmd;
    }
    case 17: {
      const cmd = ['PEXPIREAT', key(), String(now + 3600000 + Math.floor(next() * 1000) * 1000)];
      if (next() < 0.5) cmd.push(pick(['NX', 'XX', 'GT', 'LT']));
      return cmd;
    }
    case 18:
      return ['EXPIREAT', key(), pick([String(Math.floor(now / 1000) + 7200), '100', String(Math.floor(now / 1000) + 5000)])];
    case 19:
      return [pick(['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']), key()];
    case 20:
      return ['PERSIST', key()];
    case 21:
      return ['OBJECT', pick(['ENCODING', 'REFCOUNT', 'encoding']), key()];
    case 22:
      return ['TOUCH', key(), key()];
    case 23:
      return ['KEYS', pick(['*', 'k*', 'k[0-2]', '*x', '?', 'key:?', '**'])];
    case 24:
      return ['SWAPDB', pick(['0', '1', 'x']), pick(['1', '2', '20'])];
    case 25:
      return next() < 0.2 ? ['FLUSHDB'] : ['DBSIZE'];
    case 26:
      return ['RENAME', key(), key()];
    case 27:
      return ['MOVE', key(), pick(['1', '2'])];
    case 28:
      return ['EXPIRE', key(), pick(['100', '200']), pick(['GT', 'LT', 'NX', 'XX']), pick(['GT', 'LT', 'NX', 'XX'])];
    case 29:
      return ['OBJECT', pick(['FREQ', 'IDLETIME', 'HELP', 'NOPE']), key()];
    case 30:
      return ['SCAN', pick(['x', '-', ' 0']), ...(next() < 0.5 ? ['COUNT', pick(['0', 'x'])] : [])];
    case 31:
      return [pick(['DEL', 'EXISTS', 'TYPE', 'RENAME', 'TTL', 'PERSIST', 'COPY', 'MOVE'])];
    case 32:
      return ['FLUSHALL', pick(['ASYNC', 'SYNC', 'NOW'])];
    default:
      return ['GET', key()];
  }
}

for (const seed of [1, 2, 3, 4]) {
  test(`random generic command sequence ${seed} replies as Redis does`, { skip }, async () => {
    await reset();
    const next = prng(seed);
    const now = Date.now();
    for (let i = 0; i < 500; i++) {
      const cmd = randomCommand(next, now);
      let [x, y] = await both(...cmd);
      const name = cmd[0]!.toUpperCase();
      if (name === 'KEYS') {
        x = sortedItems(x);
        y = sortedItems(y);
      } else if (name === 'TTL' || name === 'PTTL' || name === 'EXPIRETIME' || name === 'PEXPIRETIME') {
        x = ttlShape(x);
        y = ttlShape(y);
      } else if (name === 'OBJECT' && cmd[1]!.toUpperCase() === 'IDLETIME') {
        // Amber keeps no access clock: it reports 0 where Redis reports seconds idle.
        continue;
      }
      assert.equal(x, y, `seed ${seed} step ${i}: ${JSON.stringify(cmd)}`);
    }
    // The final datasets agree.
    for (const db of ['0', '1', '2']) {
      await both('SELECT', db);
      const [x, y] = await both('KEYS', '*');
      assert.equal(sortedItems(x), sortedItems(y), `keys of db ${db}`);
      for (const k of parseReply(x, 0)![0] as string[]) {
        const [tx, ty] = await both('TYPE', k);
        assert.equal(tx, ty);
        const [ex, ey] = await both('PEXPIRETIME', k);
        assert.equal(ttlShape(ex), ttlShape(ey));
      }
    }
  });
}

test('absolute expire times read back exactly', { skip }, async () => {
  await reset();
  const at = String(Date.now() + 86400000);
  for (const cmd of [
    ['SET', 'k', 'v'],
    ['PEXPIREAT', 'k', at],
    ['PEXPIRETIME', 'k'],
    ['EXPIRETIME', 'k'],
    ['EXPIREAT', 'k', '4000000000'],
    ['EXPIRETIME', 'k'],
    ['PEXPIRETIME', 'k'],
    ['TTL', 'nokey'],
    ['PEXPIREAT', 'k', '9223372036854770000'],
    ['PEXPIREAT', 'k', '9223372036854775807', 'GT'],
    ['PEXPIREAT', 'k', '-9223372036854775808'],
    ['EXISTS', 'k'],
  ]) {
    const [x, y] = await both(...cmd);
    assert.equal(x, y, JSON.stringify(cmd));
  }
});

test('SCAN visits the same keys as Redis, with MATCH, COUNT and TYPE', { skip }, async () => {
  await reset();
  for (let i = 0; i < 300; i++) await both('SET', `s:${i}`, 'v');
  for (let i = 0; i < 20; i++) await both('HSET', `h:${i}`, 'f', 'v');
  for (let i = 0; i < 20; i++) await both('SADD', `set:${i}`, 'm');
  for (const opts of [[], ['COUNT', '3'], ['MATCH', 's:1*'], ['TYPE', 'hash'], ['TYPE', 'SET', 'COUNT', '50'], ['MATCH', 'h:*', 'TYPE', 'string']]) {
    const seen: [Set<string>, Set<string>] = [new Set(), new Set()];
    for (const [i, c] of [a, r].entries()) {
      let cursor = '0';
      do {
        const [next, batch] = (await c.call('SCAN', cursor, ...opts)) as [string, string[]];
        cursor = next;
        for (const k of batch) seen[i]!.add(k);
      } while (cursor !== '0');
    }
    assert.deepEqual([...seen[0]].sort(), [...seen[1]].sort(), JSON.stringify(opts));
  }
});

test('KEYS matches the same keys as Redis for random glob patterns', { skip }, async () => {
  await reset();
  const next = prng(99);
  const alphabet = 'ab]-\\*^[';
  const keys = new Set<string>();
  for (let i = 0; i < 60; i++) {
    let k = '';
    const n = Math.floor(next() * 5);
    for (let j = 0; j < n; j++) k += alphabet[Math.floor(next() * alphabet.length)];
    keys.add(k);
  }
  for (const k of keys) await both('SET', k, 'v');
  const pa = 'ab[]^-\\*?';
  for (let i = 0; i < 300; i++) {
    let p = '';
    const n = Math.floor(next() * 7);
    for (let j = 0; j < n; j++) p += pa[Math.floor(next() * pa.length)];
    const [x, y] = await both('KEYS', p);
    assert.equal(sortedItems(x), sortedItems(y), `pattern ${JSON.stringify(p)}`);
    // And the matcher itself agrees with what Redis listed.
    if (p !== '*') {
      const listed = new Set(parseReply(y, 0)![0] as string[]);
      for (const k of keys) assert.equal(globMatch(p, k), listed.has(k), `pattern ${JSON.stringify(p)} key ${JSON.stringify(k)}`);
    }
  }
});

test('OBJECT replies, errors and arity replies match', { skip }, async () => {
  await reset();
  for (const cmd of [
    ['SET', 'n', '100'],
    ['OBJECT', 'REFCOUNT', 'n'],
    ['OBJECT', 'ENCODING', 'n'],
    ['SET', 'n', '9999'],
    ['OBJECT', 'REFCOUNT', 'n'],
    ['SET', 'n', '10000'],
    ['OBJECT', 'REFCOUNT', 'n'],
    ['SET', 'n', '-1'],
    ['OBJECT', 'REFCOUNT', 'n'],
    ['SET', 'n', '007'],
    ['OBJECT', 'ENCODING', 'n'],
    ['OBJECT', 'REFCOUNT', 'n'],
    ['OBJECT', 'FREQ', 'n'],
    ['OBJECT', 'REFCOUNT', 'missing'],
    ['OBJECT', 'HELP'],
    ['object', 'help'],
    ['OBJECT', 'HELP', 'x'],
    ['OBJECT'],
    ['OBJECT', 'ENCODING'],
    ['OBJECT', 'nope', 'k'],
    ['DEBUG', 'SET-ACTIVE-EXPIRE'],
    ['SCAN', '0', 'MATCH'],
    ['SCAN', '0', 'TYPE'],
    ['SCAN', '18446744073709551616'],
    ['SWAPDB', '0', '99999999999'],
    ['MOVE', 'k', '99999999999'],
    ['COPY', 'k', 'k2', 'DB', '99999999999'],
    ['FLUSHDB', 'ASYNC', 'x'],
  ]) {
    const [x, y] = await both(...cmd);
    assert.equal(x, y, JSON.stringify(cmd));
  }
});

// ---- pub/sub ----

/** Two subscriber connections per server, one publisher each. */
interface Side {
  pub: TestClient;
  s1: TestClient;
  s2: TestClient;
}

async function sides(): Promise<[Side, Side]> {
  return [
    { pub: a, s1: await amber.client(), s2: await amber.client() },
    { pub: r, s1: await redis.client(), s2: await redis.client() },
  ];
}

/**
 * Runs scripted steps on both servers: [who, command, replies to read]. Every reply read
 * (confirmations, messages, command replies) must match byte for byte; a negative count
 * reads without comparing.
 */
async function script(steps: [keyof Side, string[], number][]): Promise<void> {
  const [am, re] = await sides();
  try {
    for (const [who, cmd, n] of steps) {
      const outs: string[][] = [[], []];
      for (const [i, side] of [am, re].entries()) {
        side[who].send(...cmd);
        for (let k = 0; k < Math.abs(n); k++) outs[i]!.push(await side[who].readRaw());
      }
      // A negative count: read, but the reply differs by nature (HELLO's client id).
      if (n > 0) assert.deepEqual(outs[0], outs[1], `${who} ${JSON.stringify(cmd)}`);
    }
    // What subscribers received along the way.
    for (const who of ['s1', 's2'] as const) {
      assert.equal(am[who].unread, '', `${who} has unread Amber output`);
    }
  } finally {
    for (const side of [am, re]) {
      side.s1.close();
      side.s2.close();
    }
  }
}

test('subscribe, publish and unsubscribe flows match in RESP2', { skip }, async () => {
  await reset();
  await script([
    ['s1', ['SUBSCRIBE', 'chan1', 'chan2', 'chan1'], 3],
    ['s2', ['PSUBSCRIBE', 'chan*', 'x?'], 2],
    ['pub', ['PUBLISH', 'chan1', 'hello'], 1],
    ['s1', ['PING'], 2],
    ['s2', ['PING', 'msg'], 2],
    ['pub', ['PUBLISH', 'xy', 'm'], 1],
    ['s2', ['PING'], 2],
    ['s1', ['GET', 'k'], 1],
    ['s1', ['SET', 'k', 'v'], 1],
    ['s1', ['PING', 'a', 'b'], 1],
    ['s1', ['UNSUBSCRIBE', 'chan2'], 1],
    ['s1', ['UNSUBSCRIBE', 'nope'], 1],
    ['pub', ['PUBLISH', 'chan2', 'x'], 1],
    ['s2', ['PING'], 2],
    ['s2', ['PUNSUBSCRIBE', 'x?'], 1],
    ['s2', ['PUNSUBSCRIBE', 'chan*'], 1],
    ['s2', ['PUNSUBSCRIBE'], 1],
    ['s2', ['UNSUBSCRIBE'], 1],
    ['s2', ['PING'], 1],
    ['pub', ['PUBSUB', 'NUMSUB', 'chan1', 'chan2'], 1],
    ['pub', ['PUBSUB', 'NUMPAT'], 1],
    ['pub', ['PUBSUB', 'CHANNELS', 'chan?'], 1],
    ['pub', ['PUBSUB', 'HELP'], 1],
    ['pub', ['PUBSUB', 'CHANNELS', 'a', 'b'], 1],
    ['pub', ['PUBSUB', 'NUMPAT', 'x'], 1],
    ['s1', ['UNSUBSCRIBE', 'chan1'], 1],
    ['s1', ['GET', 'k'], 1],
  ]);
});

test('subscribe, publish and unsubscribe flows match in RESP3', { skip }, async () => {
  await reset();
  await script([
    ['s1', ['HELLO', '3'], -1],
    ['s1', ['SUBSCRIBE', 'c'], 1],
    ['s1', ['GET', 'k'], 1],
    ['s1', ['PSUBSCRIBE', 'c*'], 1],
    ['pub', ['PUBLISH', 'c', 'hi'], 1],
    ['s1', ['PING'], 3],
    ['s1', ['UNSUBSCRIBE', 'c'], 1],
    ['s1', ['PUNSUBSCRIBE'], 1],
    ['s1', ['UNSUBSCRIBE'], 1],
    ['s1', ['SSUBSCRIBE', 'sc'], 1],
    ['pub', ['SPUBLISH', 'sc', 'm'], 1],
    ['s1', ['PING'], 2],
    ['s1', ['SUNSUBSCRIBE'], 1],
    ['s1', ['SUNSUBSCRIBE'], 1],
  ]);
});

test('sharded pub/sub flows match', { skip }, async () => {
  await reset();
  await script([
    ['s1', ['SSUBSCRIBE', 'a', 'b', 'a'], 3],
    ['s2', ['SUBSCRIBE', 'a'], 1],
    ['pub', ['SPUBLISH', 'a', 'x'], 1],
    ['pub', ['PUBLISH', 'a', 'y'], 1],
    ['s1', ['PING'], 2],
    ['s2', ['PING'], 2],
    ['pub', ['PUBSUB', 'SHARDNUMSUB', 'a', 'b', 'c'], 1],
    ['pub', ['PUBSUB', 'SHARDCHANNELS', 'b'], 1],
    ['s1', ['SUNSUBSCRIBE', 'b'], 1],
    ['s1', ['SUNSUBSCRIBE', 'zz'], 1],
    ['s1', ['UNSUBSCRIBE'], 1],
    ['s1', ['SUNSUBSCRIBE'], 1],
    ['pub', ['MULTI'], 1],
    ['pub', ['SSUBSCRIBE', 'q'], 1],
    ['pub', ['EXEC'], 1],
  ]);
});

test('keyspace notifications carry the same channels and payloads as Redis', { skip }, async () => {
  await reset();
  for (const c of [a, r]) assert.equal(await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA'), 'OK');
  try {
    const listeners = [await amber.client(), await redis.client()];
    for (const l of listeners) {
      l.send('PSUBSCRIBE', '__key*__:*');
      await l.read();
    }
    const commands: string[][] = [
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', '100'],
      ['PERSIST', 'k'],
      ['RENAME', 'k', 'k2'],
      ['COPY', 'k2', 'k3'],
      ['COPY', 'k2', 'k3', 'DB', '1'],
      ['MOVE', 'k3', '2'],
      ['EXPIRE', 'k2', '-1'],
      ['DEL', 'k3', 'nothing'],
      ['HSET', 'h', 'f', 'v'],
      ['SADD', 's', 'm'],
      ['SELECT', '2'],
      ['DEL', 'k3'],
      ['SELECT', '0'],
      ['PING'],
    ];
    const counts: number[] = [];
    for (const cmd of commands) {
      const [x, y] = await both(...cmd);
      assert.equal(x, y, JSON.stringify(cmd));
    }
    // PING is not an event: read until both listeners have everything, then compare.
    const streams: string[][] = [[], []];
    for (const [i, l] of listeners.entries()) {
      for (;;) {
        let raw: string;
        try {
          raw = await l.readRaw(300);
        } catch {
          break;
        }
        streams[i]!.push(raw);
      }
      counts.push(streams[i]!.length);
      l.close();
    }
    assert.ok(counts[1]! > 10);
    assert.deepEqual(streams[0], streams[1]);
  } finally {
    for (const c of [a, r]) await c.call('CONFIG', 'SET', 'notify-keyspace-events', '');
  }
});
