/**
 * Differential tests of the list commands: the same seeded random command sequences go to
 * Amber and to a real redis-server 7.0.15, and every reply must be equal byte for byte, in
 * RESP2 and RESP3, with valid and invalid arguments. Blocking commands are sent where they
 * cannot block (data present, or inside MULTI). After each sequence the quicklist layout of
 * every list (node count and total listpack bytes, as DEBUG OBJECT reports them on Redis)
 * must match too: that layout is what an RDB file records.
 */

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_REDIS, redisServerPath, startAmber, startRedis, type RealRedis, type TestAmber } from '../helpers/servers.js';
import type { TestClient } from '../helpers/resp.js';
import { RList } from '../../src/types/list.js';
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

type Cmd = (string | number)[];

/** Sends a command to both and asserts the exact replies are equal. */
async function same(cmd: Cmd, context: string): Promise<string> {
  const ra = await a.callRaw(...cmd);
  const rr = await r.callRaw(...cmd);
  assert.equal(ra, rr, `${context}: ${JSON.stringify(cmd).slice(0, 300)}`);
  return ra;
}

/** Sends a command to both without comparing (HELLO: ids and versions differ). */
async function both(cmd: Cmd): Promise<void> {
  await a.callRaw(...cmd);
  await r.callRaw(...cmd);
}

async function reset(fill: number): Promise<void> {
  assert.equal(await r.call('FLUSHALL'), 'OK');
  assert.equal(await a.call('FLUSHALL'), 'OK');
  await same(['CONFIG', 'SET', 'list-max-listpack-size', String(fill)], 'config');
}

/** A random command generator over a few list keys, one string key and odd arguments. */
function generator(rand: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const int = (n: number): number => Math.floor(rand() * n);
  const keys = ['l1', 'l2', 'l3', 'str'];
  const listKey = (): string => (rand() < 0.95 ? pick(['l1', 'l2', 'l3']) : 'str');
  const element = (): string => {
    const k = int(20);
    if (k < 6) return String(int(12)); // small ints repeat: LREM/LPOS/LINSERT find them
    if (k < 8) return String(int(200000) - 100000);
    if (k < 9) return pick(['9223372036854775807', '-9223372036854775808', '9223372036854775808', '007', '-0', '']);
    if (k < 15) return pick(['a', 'b', 'c', 'foo', 'bar']);
    if (k < 17) return 'x'.repeat(int(100));
    if (k < 18) return 'y'.repeat(60 + int(10000));
    return String.fromCharCode(0, 255, 13, 10, int(256));
  };
  const index = (): string => {
    const k = int(12);
    if (k < 8) return String(int(14) - 7);
    if (k < 9) return pick(['9223372036854775807', '-9223372036854775808', '99999999999']);
    if (k < 10) return pick(['1.5', 'abc', '', ' 1', '+1', '01']);
    return String(int(400) - 200);
  };
  const count = (): string => {
    const k = int(10);
    if (k < 7) return String(int(6));
    if (k < 8) return pick(['-1', '0', 'x', '9223372036854775807']);
    return String(int(100));
  };
  const side = (): string => pick(['LEFT', 'RIGHT', 'left', 'Right', 'up']);
  return (): Cmd => {
    const op = int(30);
    const key = listKey();
    switch (op) {
      case 0:
      case 1:
      case 2: {
        const n = 1 + int(4);
        const els: string[] = [];
        for (let i = 0; i < n; i++) els.push(element());
        return [pick(['LPUSH', 'RPUSH', 'LPUSH', 'RPUSH', 'LPUSHX', 'RPUSHX']), key, ...els];
      }
      case 3:
      case 4:
        return rand() < 0.5 ? [pick(['LPOP', 'RPOP']), key] : [pick(['LPOP', 'RPOP']), key, count()];
      case 5:
        return ['LLEN', key];
      case 6:
      case 7:
        return ['LRANGE', key, index(), index()];
      case 8:
        return ['LINDEX', key, index()];
      case 9:
        return ['LSET', key, index(), element()];
      case 10:
        return ['LINSERT', key, pick(['BEFORE', 'AFTER', 'after', 'middle']), element(), element()];
      case 11:
        return ['LREM', key, pick(['0', '1', '-1', '2', '-2', 'x']), element()];
      case 12:
        return ['LTRIM', key, index(), index()];
      case 13: {
        const cmd: Cmd = ['LPOS', key, element()];
        const opts = int(4);
        for (let i = 0; i < opts; i++) {
          const o = pick(['RANK', 'COUNT', 'MAXLEN', 'rank', 'BOGUS']);
          cmd.push(o);
          if (rand() < 0.95) cmd.push(o.toUpperCase() === 'RANK' ? pick(['1', '2', '-1', '-3', '0', 'x', '-9223372036854775808']) : count());
        }
        return cmd;
      }
      case 14:
      case 15:
        return ['LMOVE', key, listKey(), side(), side()];
      case 16:
        return ['RPOPLPUSH', key, listKey()];
      case 17: {
        const n = int(4);
        const ks: string[] = [];
        for (let i = 0; i < n; i++) ks.push(listKey());
        const cmd: Cmd = ['LMPOP', rand() < 0.1 ? pick(['0', 'x', '9']) : String(n), ...ks, side()];
        if (rand() < 0.6) cmd.push('COUNT', count());
        if (rand() < 0.05) cmd.push('COUNT', '1');
        return cmd;
      }
      case 18:
        return [pick(['BLPOP', 'BRPOP']), key, listKey(), pick(['0', '0.01', '1', '-1', 'x', '1e400', 'inf'])];
      case 19:
        return ['BLMOVE', key, listKey(), side(), side(), pick(['0', '0.01', '-1', 'nan'])];
      case 20:
        return ['BRPOPLPUSH', key, listKey(), pick(['0', '0.01', '-0.5', '10'])];
      case 21: {
        const n = 1 + int(3);
        const ks: string[] = [];
        for (let i = 0; i < n; i++) ks.push(listKey());
        const cmd: Cmd = ['BLMPOP', pick(['0', '0.01', '-1', 'x']), rand() < 0.1 ? '0' : String(n), ...ks, side()];
        if (rand() < 0.5) cmd.push('COUNT', count());
        return cmd;
      }
      case 22:
        return ['DEL', pick(keys)];
      case 23:
        return ['SET', 'str', 'value'];
      case 24:
        return ['EXISTS', ...keys];
      case 25:
        return ['LPOP', key, '1', '2'];
      case 26:
        return ['OBJECT', 'ENCODING', key];
      case 27:
        return ['TYPE', key];
      default:
        return ['LRANGE', key, '0', '-1'];
    }
  };
}

/** Blocking commands go inside MULTI, where they answer at once whatever the keys hold. */
function blockingCommand(cmd: Cmd): boolean {
  return String(cmd[0]).toUpperCase().startsWith('B');
}

/** Compares the quicklist layout of every list with Redis's DEBUG OBJECT figures. */
async function sameLayout(context: string): Promise<void> {
  for (const key of ['l1', 'l2', 'l3']) {
    const v = amber.server.store.db(0).get(key);
    const info = await r.call('DEBUG', 'OBJECT', key);
    if (v === undefined) {
      assert.ok(String(info).startsWith('ERR'), `${context}: ${key} exists on Redis only`);
      continue;
    }
    assert.ok(v instanceof RList, `${context}: ${key} is not a list`);
    const text = String(info);
    const nodes = Number(/ql_nodes:(\d+)/.exec(text)?.[1]);
    const bytes = Number(/ql_uncompressed_size:(\d+)/.exec(text)?.[1]);
    const layout = v.layout();
    assert.equal(layout.length, nodes, `${context}: ${key} node count`);
    assert.equal(layout.reduce((s, n) => s + n.bytes, 0), bytes, `${context}: ${key} listpack bytes`);
  }
}

/** `reloadEvery`: both servers DEBUG RELOAD after every that many commands (0: never). */
async function run(seed: number, steps: number, fill: number, resp: 2 | 3, reloadEvery = 0): Promise<void> {
  await reset(fill);
  await both(['HELLO', String(resp)]);
  const next = generator(prng(seed));
  for (let i = 0; i < steps; i++) {
    const cmd = next();
    const context = `seed ${seed} step ${i} resp${resp} fill ${fill}`;
    if (blockingCommand(cmd)) {
      await same(['MULTI'], context);
      await same(cmd, context);
      await same(['EXEC'], context);
      continue;
    }
    await same(cmd, context);
    if (reloadEvery > 0 && i % reloadEvery === reloadEvery - 1) await same(['DEBUG', 'RELOAD'], context);
    if (i % 50 === 49) await sameLayout(context);
  }
  await sameLayout(`seed ${seed} end`);
  await both(['HELLO', '2']);
}

test('random list commands reply byte for byte as Redis (RESP2, default fill)', { skip }, async () => {
  await run(1, 2500, -2, 2);
});

test('random list commands reply byte for byte as Redis (RESP3)', { skip }, async () => {
  await run(2, 1500, -2, 3);
});

test('random list commands keep Redis node layouts with small fills', { skip }, async () => {
  await run(3, 1500, 3, 2);
  await run(4, 1000, -1, 2);
  await run(5, 800, 1, 2);
});

test('random list commands agree with Redis across DEBUG RELOAD (lists loaded packed)', { skip }, async () => {
  // After each reload Amber holds its one-node lists packed (types/packed.ts) until a
  // command touches them, so each kind of command meets lists in that state.
  await run(6, 1500, -2, 2, 20);
  await run(7, 800, 3, 3, 15);
});

test('blocking commands with data present reply as Redis', { skip }, async () => {
  await reset(-2);
  const rand = prng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  for (let i = 0; i < 400; i++) {
    const context = `blocking step ${i}`;
    await same(['RPUSH', pick(['l1', 'l2']), String(Math.floor(rand() * 5)), 'x'], context);
    const cmd = pick<Cmd>([
      ['BLPOP', 'l3', 'l1', 'l2', '0'],
      ['BRPOP', 'l2', 'l1', '0.5'],
      ['BLMOVE', pick(['l1', 'l2']), pick(['l1', 'l3']), pick(['LEFT', 'right']), pick(['left', 'RIGHT']), '0'],
      ['BRPOPLPUSH', pick(['l1', 'l2']), 'l3', '0'],
      ['BLMPOP', '0', '3', 'l3', 'l1', 'l2', pick(['LEFT', 'RIGHT']), 'COUNT', String(1 + Math.floor(rand() * 3))],
      ['BLMPOP', '0', '2', 'l1', 'l2', 'LEFT'],
    ]);
    // Only send it when Redis would not block: some key the command pops from has data.
    const src = String(cmd[0]) === 'BLMPOP' ? cmd.slice(3, -1).filter((k) => String(k).startsWith('l')) : String(cmd[0]).startsWith('BLMOVE') || String(cmd[0]) === 'BRPOPLPUSH' ? [cmd[1]!] : cmd.slice(1, -1);
    let hasData = false;
    for (const k of src) if (Number(await r.call('LLEN', String(k))) > 0) hasData = true;
    if (!hasData) continue;
    await same(cmd, context);
  }
  await sameLayout('blocking end');
});

test('errors and edge replies match Redis exactly', { skip }, async () => {
  await reset(-2);
  const cases: Cmd[] = [
    ['RPUSH', 'l', 'a', 'b', 'c', '1', '2', '3'],
    ['LPOP', 'l', '0'],
    ['LPOP', 'nokey', '0'],
    ['LPOP', 'nokey'],
    ['LPOP', 'nokey', '2'],
    ['LPOP', 'l', '-1'],
    ['LPOP', 'l', 'abc'],
    ['LPOP', 'l', '1', '2'],
    ['LINDEX', 'nokey', 'abc'],
    ['LINDEX', 'l', 'abc'],
    ['LSET', 'nokey', '0', 'x'],
    ['LSET', 'l', '100', 'x'],
    ['LSET', 'l', 'x', 'x'],
    ['LINSERT', 'l', 'middle', 'a', 'x'],
    ['LINSERT', 'nokey', 'before', 'a', 'x'],
    ['LINSERT', 'l', 'before', 'zz', 'x'],
    ['LPOS', 'l', 'a', 'RANK', '0'],
    ['LPOS', 'l', 'a', 'COUNT', '-1'],
    ['LPOS', 'l', 'a', 'MAXLEN', '-1'],
    ['LPOS', 'l', 'a', 'MAXLEN'],
    ['LPOS', 'nokey', 'a', 'COUNT', '0'],
    ['LPOS', 'nokey', 'a'],
    ['LPOS', 'l', 'a', 'RANK', '-9223372036854775808', 'COUNT', '1'],
    ['LMPOP', '0', 'l', 'LEFT'],
    ['LMPOP', '1', 'l', 'LEFT', 'COUNT', '0'],
    ['LMPOP', '1', 'l', 'LEFT', 'COUNT', '1', 'COUNT', '1'],
    ['LMPOP', '2', 'l', 'LEFT'],
    ['LMPOP', '1', 'l', 'UP'],
    ['BLMPOP', 'x', '1', 'l', 'LEFT'],
    ['BLMPOP', 'x', '0', 'l', 'LEFT'],
    ['BLPOP', 'l', 'x'],
    ['BLPOP', 'l', '-1'],
    ['BLPOP', 'l', '1e16'],
    ['BLPOP', 'l', ' 1'],
    ['BLMOVE', 'l', 'd', 'up', 'left', 'x'],
    ['BLMOVE', 'l', 'd', 'left', 'left', 'x'],
    ['BRPOPLPUSH', 'l', 'd', 'nan'],
    ['SET', 'str', 'v'],
    ['LPUSH', 'str', 'a'],
    ['LPUSHX', 'str', 'a'],
    ['LPUSHX', 'nokey', 'a'],
    ['LLEN', 'str'],
    ['LRANGE', 'str', '0', '-1'],
    ['LRANGE', 'str', 'x', '-1'],
    ['LRANGE', 'nokey', 'x', '-1'],
    ['LMOVE', 'l', 'str', 'left', 'left'],
    ['LMOVE', 'str', 'l', 'left', 'left'],
    ['RPOPLPUSH', 'nokey', 'str'],
    ['BLPOP', 'nokey', 'str', 'l', '0'],
    ['BLPOP', 'str', 'nokey', '0'],
    ['LMPOP', '2', 'nokey', 'str', 'LEFT'],
    ['BLMOVE', 'l', 'l', 'right', 'left', '0'],
    ['LRANGE', 'l', '0', '-1'],
    ['LTRIM', 'l', '1', '0'],
    ['EXISTS', 'l'],
    ['LTRIM', 'nokey', '0', '1'],
    ['LREM', 'nokey', '0', 'a'],
    ['LREM', 'l', 'x', 'a'],
  ];
  for (const resp of [2, 3]) {
    await both(['HELLO', String(resp)]);
    await same(['FLUSHALL'], 'flush');
    for (const cmd of cases) await same(cmd, `resp${resp}`);
    for (const cmd of [
      ['BLPOP', 'nokey', '0'],
      ['BLMOVE', 'nokey', 'd', 'left', 'left', '0'],
      ['BRPOPLPUSH', 'nokey', 'd', '0'],
      ['BLMPOP', '0', '1', 'nokey', 'LEFT'],
    ]) {
      await same(['MULTI'], 'multi');
      await same(cmd, `resp${resp} in MULTI`);
      await same(['EXEC'], `resp${resp} in MULTI`);
    }
  }
  await both(['HELLO', '2']);
});

/**
 * Runs one blocking scenario on a server: `waiters` block in order, the pusher runs its
 * commands, then every waiter still blocked is released with CLIENT UNBLOCK. Returns each
 * waiter's exact reply, the pusher's replies and the final lists.
 */
async function scenario(server: TestAmber | RealRedis, waiters: Cmd[], pushes: Cmd[]): Promise<string[]> {
  const pusher = await server.client();
  await pusher.call('FLUSHALL');
  const clients: TestClient[] = [];
  const ids: number[] = [];
  const out: string[] = [];
  for (const cmd of waiters) {
    const w = await server.client();
    ids.push(Number(await w.call('CLIENT', 'ID')));
    w.send(...cmd);
    clients.push(w);
    // Wait until this waiter is parked (or answered) before the next one blocks: FIFO order.
    const deadline = Date.now() + 5000;
    for (;;) {
      const info = String(await pusher.call('CLIENT', 'LIST', 'ID', ids[ids.length - 1]!));
      if (/flags=b/.test(info) || w.unread.length > 0) break;
      if (Date.now() > deadline) throw new Error('waiter never blocked');
      await new Promise((res) => setTimeout(res, 2));
    }
  }
  for (const cmd of pushes) out.push(await pusher.callRaw(...cmd));
  for (let i = 0; i < clients.length; i++) out.push('unblock ' + (await pusher.callRaw('CLIENT', 'UNBLOCK', ids[i]!)));
  for (const w of clients) {
    out.push(await w.readRaw());
    w.close();
  }
  for (const key of ['k1', 'k2', 'k3', 'd']) out.push(`${key}: ${await pusher.callRaw('LRANGE', key, 0, -1)}`);
  pusher.close();
  return out;
}

test('blocked clients are served in the same order with the same replies as Redis', { skip }, async () => {
  const rand = prng(11);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const key = (): string => pick(['k1', 'k2', 'k3']);
  for (let n = 0; n < 60; n++) {
    const waiters: Cmd[] = [];
    const count = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < count; i++) {
      waiters.push(
        pick<Cmd>([
          ['BLPOP', key(), key(), '0'],
          ['BRPOP', key(), '0'],
          ['BLMOVE', key(), pick(['k1', 'k2', 'k3', 'd']), pick(['LEFT', 'RIGHT']), pick(['LEFT', 'RIGHT']), '0'],
          ['BRPOPLPUSH', key(), pick(['k2', 'd']), '0'],
          ['BLMPOP', '0', '2', key(), key(), pick(['LEFT', 'RIGHT']), 'COUNT', String(1 + Math.floor(rand() * 3))],
        ]),
      );
    }
    const pushes: Cmd[] = [];
    const inMulti = rand() < 0.4;
    if (inMulti) pushes.push(['MULTI']);
    const pushCount = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < pushCount; i++) {
      pushes.push(pick<Cmd>([
        ['RPUSH', key(), 'a', 'b'],
        ['LPUSH', key(), 'x'],
        ['RPUSH', key(), '1', '2', '3', '4'],
        ['SET', 'd', 'string'],
        ['DEL', key()],
      ]));
    }
    if (inMulti) pushes.push(['EXEC']);
    const mine = await scenario(amber, waiters, pushes);
    const theirs = await scenario(redis, waiters, pushes);
    assert.deepEqual(mine, theirs, `scenario ${n}: ${JSON.stringify({ waiters, pushes })}`);
  }
});

test('list commands emit the same keyspace notifications and hit/miss counts as Redis', { skip }, async () => {
  await reset(-2);
  const subA = await amber.client();
  const subR = await redis.client();
  await subA.call('PSUBSCRIBE', '__key*__:*');
  await subR.call('PSUBSCRIBE', '__key*__:*');
  await same(['CONFIG', 'SET', 'notify-keyspace-events', 'KEAm'], 'config');
  await same(['CONFIG', 'RESETSTAT'], 'resetstat');
  const next = generator(prng(21));
  try {
    for (let i = 0; i < 400; i++) {
      const cmd = next();
      if (blockingCommand(cmd)) continue;
      await same(cmd, `notifications step ${i}`);
    }
    // Read commands count keyspace hits and misses, write commands do not.
    const stat = async (c: TestClient, name: string): Promise<string> => {
      const m = new RegExp(`\\r\\n${name}:(\\d+)`).exec(String(await c.call('INFO', 'stats')));
      assert.ok(m !== null, `INFO stats has ${name}`);
      return m[1]!;
    };
    assert.equal(await stat(a, 'keyspace_hits'), await stat(r, 'keyspace_hits'));
    assert.equal(await stat(a, 'keyspace_misses'), await stat(r, 'keyspace_misses'));
    // The marker's own event ends the stream.
    await same(['SET', '__end__', 'x'], 'marker');
  } finally {
    await same(['CONFIG', 'SET', 'notify-keyspace-events', ''], 'config');
  }
  const collect = async (c: TestClient): Promise<string[]> => {
    const msgs: string[] = [];
    for (;;) {
      const m = (await c.read()) as string[];
      msgs.push(m.slice(2).join(' '));
      if (m[2] === '__keyevent@0__:set' && m[3] === '__end__') return msgs;
    }
  };
  const mine = await collect(subA);
  const theirs = await collect(subR);
  assert.ok(theirs.length > 200, `only ${theirs.length} notifications`);
  assert.deepEqual(mine, theirs);
  subA.close();
  subR.close();
});
