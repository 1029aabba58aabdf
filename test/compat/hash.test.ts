/**
 * Differential tests of the hash commands: the same random command sequences go to Amber and
 * to a real redis-server 7.0.15; replies must be equal byte for byte (listpack hashes keep
 * insertion order, so HGETALL and friends are compared exactly there), except for
 * hashtable-encoded hashes, whose order is a hash-table accident and which are compared as
 * multisets with the same header. HRANDFIELD is checked for shape and membership. Encodings
 * (OBJECT ENCODING) are compared after every command that names the key.
 */

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_REDIS, redisServerPath, startAmber, startRedis, type RealRedis, type TestAmber } from '../helpers/servers.js';
import { ErrorReply, parseReply, type TestClient } from '../helpers/resp.js';
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

async function reset(config: Record<string, string>): Promise<void> {
  reloadedTables.clear();
  for (const db of amber.server.store.dbs) db.flush();
  assert.equal(await r.call('FLUSHALL'), 'OK');
  for (const [name, value] of Object.entries(config)) {
    assert.equal(amber.server.config.set(name, value), null);
    assert.equal(await r.call('CONFIG', 'SET', name, value), 'OK');
  }
}

let proto: 2 | 3 = 2;

/** Switches both connections to RESP2 or RESP3 (HELLO on Redis; Amber's client state if it has no HELLO yet). */
async function protocol(p: 2 | 3): Promise<void> {
  proto = p;
  await r.call('HELLO', String(p));
  const reply = await a.call('HELLO', String(p));
  if (reply instanceof ErrorReply) {
    for (const c of amber.server.clients.values()) if (c.socket?.remotePort === a.socket.localPort) c.reply.proto = p;
  }
}

function elements(raw: string): { header: string; items: string[] } {
  const eol = raw.indexOf('\r\n');
  const header = raw.slice(0, eol);
  const t = raw[0]!;
  if (t !== '*' && t !== '~' && t !== '%') return { header, items: [] };
  let n = Number(header.slice(1));
  if (t === '%') n *= 2;
  const items: string[] = [];
  let p = eol + 2;
  for (let i = 0; i < n; i++) {
    const next = parseReply(raw, p)![1];
    items.push(raw.slice(p, next));
    p = next;
  }
  return { header, items };
}

function unordered(raw: string, pairs = false): string {
  const { header, items } = elements(raw);
  if (items.length === 0) return raw;
  let groups = items;
  if (pairs || raw[0] === '%') {
    groups = [];
    for (let i = 0; i < items.length; i += 2) groups.push(items[i]! + items[i + 1]!);
  }
  return header + '\n' + [...groups].sort().join('\n');
}

function amberEncoding(key: string): string | null {
  const v = amber.server.store.db(0).dict.get(key);
  if (v === undefined || typeof v === 'string') return null;
  return v.encoding();
}

async function redisEncoding(key: string): Promise<string | null> {
  const e = await r.call('OBJECT', 'ENCODING', key);
  return typeof e === 'string' ? e : null;
}

const HASH_KEYS = ['h0', 'h1', 'h2'];
const OTHER_KEYS = ['str', 'set', 'nokey'];
const FIELDS = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9', 'a', 'b', '1', '2', '-3', '', 'F'.repeat(20)];
const VALUES = ['0', '1', '-1', '10', '007', '1.5', '0.1', '-2.25', '1e3', '3.0e-5', 'inf', ' 1', 'abc', '', 'v'.repeat(20), '9223372036854775807', '-9223372036854775808', '9223372036854775808', '17179869184'];
const INCRS = ['1', '-1', '10', '0', '9223372036854775807', '-9223372036854775808', '4294967296', 'x', '1.0', ' 1', '+1'];
const FLOAT_INCRS = ['0.1', '0.2', '1.5', '-0.3', '1e3', '3.0e-5', '10', '-10', '0', 'inf', '-inf', 'nan', 'x', ' 1', '5.0e3', '0x10', '1e400', '-1e-10'];
const COUNTS = ['0', '1', '2', '3', '5', '8', '30', '-1', '-3', '-40', 'x', '-9223372036854775808', '9223372036854775807', '-4611686018427387904', '4611686018427387904'];

interface Gen {
  rnd: () => number;
  pick<T>(xs: readonly T[]): T;
  int(n: number): number;
}

function gen(seed: number): Gen {
  const rnd = prng(seed);
  return { rnd, pick: (xs) => xs[Math.floor(rnd() * xs.length)]!, int: (n) => Math.floor(rnd() * n) };
}

const anyKey = (g: Gen): string => (g.rnd() < 0.88 ? g.pick(HASH_KEYS) : g.pick(OTHER_KEYS));

function fields(g: Gen, max: number): string[] {
  const out: string[] = [];
  const n = 1 + g.int(max);
  for (let i = 0; i < n; i++) out.push(g.pick(FIELDS));
  return out;
}

function pairs(g: Gen, max: number): string[] {
  const out: string[] = [];
  const n = 1 + g.int(max);
  for (let i = 0; i < n; i++) out.push(g.pick(FIELDS), g.pick(VALUES));
  return out;
}

function command(g: Gen): string[] {
  const x = g.int(100);
  if (x < 20) return ['HSET', anyKey(g), ...pairs(g, 3)];
  if (x < 23) return ['HMSET', anyKey(g), ...pairs(g, 3)];
  if (x < 27) return ['HSETNX', anyKey(g), g.pick(FIELDS), g.pick(VALUES)];
  if (x < 32) return ['HGET', anyKey(g), g.pick(FIELDS)];
  if (x < 35) return ['HMGET', anyKey(g), ...fields(g, 4)];
  if (x < 42) return ['HDEL', anyKey(g), ...fields(g, 3)];
  if (x < 44) return ['HLEN', anyKey(g)];
  if (x < 46) return ['HSTRLEN', anyKey(g), g.pick(FIELDS)];
  if (x < 48) return ['HEXISTS', anyKey(g), g.pick(FIELDS)];
  if (x < 51) return ['HKEYS', anyKey(g)];
  if (x < 54) return ['HVALS', anyKey(g)];
  if (x < 58) return ['HGETALL', anyKey(g)];
  if (x < 66) return ['HINCRBY', anyKey(g), g.pick(FIELDS), g.pick(INCRS)];
  if (x < 75) return ['HINCRBYFLOAT', anyKey(g), g.pick(FIELDS), g.pick(FLOAT_INCRS)];
  if (x < 85) {
    const cmd = ['HRANDFIELD', anyKey(g)];
    if (g.rnd() < 0.8) cmd.push(g.pick(COUNTS));
    if (cmd.length === 3 && g.rnd() < 0.5) cmd.push(g.pick(['WITHVALUES', 'withvalues', 'WITHVALUES', 'foo']));
    // A huge negative count asks for endless picks (Redis would never finish the reply);
    // with WITHVALUES it is a range error instead.
    if (cmd.length === 3 && cmd[2]!.startsWith('-46')) cmd.push('WITHVALUES');
    return cmd;
  }
  if (x < 93) {
    const cmd = ['HSCAN', anyKey(g), g.pick(['0', '0', '0', 'x', '-1', '', ' 0'])];
    if (g.rnd() < 0.4) cmd.push('MATCH', g.pick(['*', 'f*', '[a-c]', '*1', '?']));
    if (g.rnd() < 0.4) cmd.push('COUNT', g.pick(['1', '3', '100', '0', 'x']));
    if (g.rnd() < 0.05) cmd.push('NOVALUES');
    return cmd;
  }
  return g.pick([
    ['HSET', anyKey(g), 'f'],
    ['HSET', anyKey(g), 'f', 'v', 'g'],
    ['HMSET', anyKey(g), 'f', 'v', 'g'],
    ['HRANDFIELD', anyKey(g), '1', 'WITHVALUES', 'x'],
    ['HMGET', anyKey(g)],
    ['HINCRBY', anyKey(g), 'f'],
  ]);
}

/**
 * Hashes that were hash tables when both servers saved and loaded them (DEBUG RELOAD): small
 * enough, each server loads one back as a listpack in the order its table happened to
 * have, and that order stays an accident for as long as the key exists.
 */
const reloadedTables = new Set<string>();

/** Whether the reply order of this read is Redis's hash-table accident. */
async function orderIsAccident(key: string): Promise<boolean> {
  const encoding = await redisEncoding(key);
  if (encoding === null) reloadedTables.delete(key);
  return encoding === 'hashtable' || reloadedTables.has(key);
}

async function step(cmd: string[]): Promise<void> {
  const name = cmd[0]!;
  const what = JSON.stringify(cmd);
  if (name === 'HRANDFIELD') return hrandfield(cmd);
  if (name === 'HSCAN') return hscan(cmd);
  const ra = await a.callRaw(...cmd);
  const rr = await r.callRaw(...cmd);
  if ((name === 'HKEYS' || name === 'HVALS' || name === 'HGETALL') && (await orderIsAccident(cmd[1]!))) {
    assert.equal(unordered(ra, name === 'HGETALL'), unordered(rr, name === 'HGETALL'), what);
  } else {
    assert.equal(ra, rr, what);
  }
}

async function hrandfield(cmd: string[]): Promise<void> {
  const what = JSON.stringify(cmd);
  const key = cmd[1]!;
  const ra = await a.callRaw(...cmd);
  const rr = await r.callRaw(...cmd);
  const type = await r.call('TYPE', key);
  if (ra.startsWith('-') || rr.startsWith('-') || type !== 'hash') {
    assert.equal(ra, rr, what);
    return;
  }
  if (cmd.length === 2) {
    assert.equal(await r.call('HEXISTS', key, parseReply(ra, 0)![0] as string), 1, what);
    return;
  }
  const size = (await r.call('HLEN', key)) as number;
  const count = Number(cmd[2]);
  const withValues = cmd.length === 4;
  if (count === 0 || count >= size) {
    assert.equal(unordered(ra, withValues && proto === 2), unordered(rr, withValues && proto === 2), what);
    return;
  }
  assert.equal(elements(ra).header, elements(rr).header, what);
  // Flatten to field/value pairs and check each against Redis's hash.
  const items = parseReply(ra, 0)![0] as (string | string[])[];
  const got: [string, string | null][] = [];
  if (!withValues) for (const f of items) got.push([f as string, null]);
  else if (proto === 3) for (const p of items) got.push([(p as string[])[0]!, (p as string[])[1]!]);
  else for (let i = 0; i < items.length; i += 2) got.push([items[i] as string, items[i + 1] as string]);
  assert.equal(got.length, Math.abs(count), what);
  if (count > 0) assert.equal(new Set(got.map((p) => p[0])).size, got.length, `${what}: distinct`);
  for (const [f, v] of got) {
    const real = await r.call('HGET', key, f);
    assert.notEqual(real, null, `${what}: ${f} is a field`);
    if (v !== null) assert.equal(v, real, `${what}: value of ${f}`);
  }
}

async function hscan(cmd: string[]): Promise<void> {
  const what = JSON.stringify(cmd);
  const ra = await a.callRaw(...cmd);
  const rr = await r.callRaw(...cmd);
  if (ra.startsWith('-') || rr.startsWith('-') || !(await orderIsAccident(cmd[1]!))) {
    assert.equal(ra, rr, what);
    return;
  }
  const all = async (c: TestClient): Promise<string[]> => {
    const seen = new Set<string>();
    let cursor = '0';
    let guard = 0;
    do {
      const [next, items] = (await c.call('HSCAN', cmd[1]!, cursor, ...cmd.slice(3))) as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.add(items[i]! + '=' + items[i + 1]!);
      cursor = next;
      assert.ok(guard++ < 10000, 'scan terminates');
    } while (cursor !== '0');
    return [...seen].sort();
  };
  assert.deepEqual(await all(a), await all(r), what);
}

async function compareEncodings(cmd: readonly string[]): Promise<void> {
  for (const key of HASH_KEYS) {
    if (!cmd.includes(key)) continue;
    assert.equal(amberEncoding(key), await redisEncoding(key), `encoding of ${key} after ${JSON.stringify(cmd)}`);
  }
}

async function compareAll(): Promise<void> {
  for (const key of [...HASH_KEYS, ...OTHER_KEYS]) {
    const accident = await orderIsAccident(key);
    const ra = await a.callRaw('HGETALL', key);
    const rr = await r.callRaw('HGETALL', key);
    if (accident) assert.equal(unordered(ra, true), unordered(rr, true), `HGETALL ${key}`);
    else assert.equal(ra, rr, `HGETALL ${key}`);
  }
}

/** `reloadEvery`: both servers DEBUG RELOAD after every that many commands (0: never). */
async function run(seed: number, n: number, reloadEvery = 0): Promise<void> {
  const g = gen(seed);
  for (const c of [a, r]) {
    await c.call('SET', 'str', 'text');
    await c.call('SADD', 'set', 'm');
  }
  for (let i = 0; i < n; i++) {
    const cmd = command(g);
    await step(cmd);
    await compareEncodings(cmd);
    if (reloadEvery > 0 && i % reloadEvery === reloadEvery - 1) {
      for (const key of HASH_KEYS) if ((await redisEncoding(key)) === 'hashtable') reloadedTables.add(key);
      for (const c of [a, r]) assert.equal(await c.call('DEBUG', 'RELOAD'), 'OK');
      await compareEncodings(HASH_KEYS);
    }
  }
  await compareAll();
}

test('random hash command sequences agree with Redis (RESP2, default limits)', { skip }, async () => {
  await reset({ 'hash-max-listpack-entries': '512', 'hash-max-listpack-value': '64' });
  await protocol(2);
  await run(1, 2500);
});

test('random hash command sequences agree with Redis at small listpack limits', { skip }, async () => {
  await reset({ 'hash-max-listpack-entries': '6', 'hash-max-listpack-value': '8' });
  await protocol(2);
  await run(2, 1500);
  await reset({ 'hash-max-listpack-entries': '0', 'hash-max-listpack-value': '64' });
  await run(3, 400);
  await reset({ 'hash-max-listpack-entries': '128', 'hash-max-listpack-value': '0' });
  await run(4, 400);
});

test('random hash command sequences agree with Redis over RESP3', { skip }, async () => {
  await reset({ 'hash-max-listpack-entries': '8', 'hash-max-listpack-value': '16' });
  await protocol(3);
  try {
    await run(5, 2000);
  } finally {
    await protocol(2);
  }
});

test('random hash command sequences agree with Redis across DEBUG RELOAD (hashes loaded packed)', { skip }, async () => {
  // After each reload Amber holds its small hashes packed (types/packed.ts) until a command
  // touches them, so each kind of command meets hashes in that state.
  await reset({ 'hash-max-listpack-entries': '512', 'hash-max-listpack-value': '64' });
  await protocol(2);
  await run(6, 1500, 20);
  await reset({ 'hash-max-listpack-entries': '6', 'hash-max-listpack-value': '8' });
  await run(7, 1000, 15);
  await protocol(3);
  try {
    await run(8, 800, 20);
  } finally {
    await protocol(2);
  }
});

test('HINCRBYFLOAT chains print exactly as Redis prints them', { skip }, async () => {
  await reset({});
  const g = gen(99);
  const incrs = ['0.1', '0.2', '0.3', '-0.7', '1.23', '0.77', '-0.1', '1e10', '-1e-5', '3.14159', '1e17', '-1e17', '0.000001', '2.5e-3', '123456789.987654321'];
  for (let i = 0; i < 300; i++) {
    const cmd = ['HINCRBYFLOAT', 'hf', 'f' + g.int(3), g.pick(incrs)];
    assert.equal(await a.callRaw(...cmd), await r.callRaw(...cmd), JSON.stringify(cmd));
  }
});

test('a large hash converts, answers and scans like Redis', { skip }, async () => {
  await reset({ 'hash-max-listpack-entries': '128', 'hash-max-listpack-value': '64' });
  const args: string[] = [];
  for (let i = 0; i < 2000; i++) args.push('field:' + i, 'value:' + i);
  for (const c of [a, r]) assert.equal(await c.call('HSET', 'big', ...args), 2000);
  assert.equal(amberEncoding('big'), await redisEncoding('big'));
  for (const cmd of [['HLEN', 'big'], ['HGET', 'big', 'field:1999'], ['HMGET', 'big', 'field:0', 'nope', 'field:7'], ['HDEL', 'big', 'field:1', 'field:2', 'nope'], ['HSTRLEN', 'big', 'field:10']]) {
    assert.equal(await a.callRaw(...cmd), await r.callRaw(...cmd), JSON.stringify(cmd));
  }
  assert.equal(unordered(await a.callRaw('HGETALL', 'big'), true), unordered(await r.callRaw('HGETALL', 'big'), true));
  await hscan(['HSCAN', 'big', '0', 'COUNT', '17']);
  await hscan(['HSCAN', 'big', '0', 'MATCH', 'field:1*']);
});

/** Runs commands on both servers and returns the keyspace notifications each one published. */
async function notifications(cmds: readonly string[][]): Promise<{ amber: string[]; redis: string[] }> {
  const out = { amber: [] as string[], redis: [] as string[] };
  for (const [side, server] of [['amber', amber], ['redis', redis]] as const) {
    const main = side === 'amber' ? a : r;
    assert.equal(await main.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA'), 'OK');
    const sub = await server.client();
    sub.send('PSUBSCRIBE', '__key*__:*', 'sentinel');
    await sub.read();
    await sub.read();
    for (const cmd of cmds) await main.call(...cmd);
    await main.call('PUBLISH', 'sentinel', 'end');
    for (;;) {
      const m = (await sub.read()) as string[];
      if (m[2] === 'sentinel') break;
      out[side].push(`${m[2]} ${m[3]}`);
    }
    sub.close();
    assert.equal(await main.call('CONFIG', 'SET', 'notify-keyspace-events', ''), 'OK');
  }
  return out;
}

test('hash commands publish the keyspace notifications Redis publishes, in order', { skip }, async () => {
  await reset({});
  const cmds = [
    ['HSET', 'k', 'a', '1', 'b', '2'], ['HSET', 'k', 'a', '1'], ['HSETNX', 'k', 'a', '3'], ['HSETNX', 'k', 'c', '3'],
    ['HMSET', 'k', 'd', '4'], ['HINCRBY', 'k', 'a', '5'], ['HINCRBY', 'k', 'x', 'bad'], ['HINCRBYFLOAT', 'k', 'b', '0.5'],
    ['HDEL', 'k', 'zz'], ['HDEL', 'k', 'a', 'b'], ['HDEL', 'k', 'c', 'd', 'x'], ['HINCRBYFLOAT', 'n', 'f', '1'],
  ];
  const got = await notifications(cmds);
  assert.deepEqual(got.amber, got.redis);
  assert.ok(got.redis.length > 15);
});
