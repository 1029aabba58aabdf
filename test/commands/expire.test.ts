/**
 * Key expiry: EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT (with NX/XX/GT/LT), TTL/PTTL/EXPIRETIME/
 * PEXPIRETIME, PERSIST, lazy expiry, and the active expiry cycle, against an embedded Amber
 * whose clock the tests move by hand. Edge cases from Redis's tests/unit/expire.tcl.
 */

import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startAmber, waitFor, type TestAmber } from '../helpers/servers.js';
import { onKeyspaceEvent } from '../helpers/observe.js';
import { ErrorReply, type TestClient } from '../helpers/resp.js';
import { expireSlice } from '../../src/server/expire.js';

const clock = {
  t: Date.now(),
  now(): number {
    return this.t;
  },
};

let amber: TestAmber;
let c: TestClient;
const events: string[] = [];
const propagated: string[][] = [];

before(async () => {
  amber = await startAmber({ clock, 'enable-debug-command': 'yes' });
  c = await amber.client();
  onKeyspaceEvent(amber.server, (_type, event, key) => events.push(`${event}:${key}`));
  amber.server.feeds.push((_db, argv) => propagated.push(argv));
});

after(async () => {
  await amber.stop();
});

beforeEach(async () => {
  await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
  await c.call('FLUSHALL');
});

async function traced(...args: string[]): Promise<{ reply: unknown; events: string[]; propagated: string[][]; dirty: number }> {
  events.length = 0;
  propagated.length = 0;
  const before = amber.server.store.dirty;
  const reply = await c.call(...args);
  return { reply, events: [...events], propagated: propagated.map((a) => [...a]), dirty: amber.server.store.dirty - before };
}

function err(reply: unknown): string {
  assert.ok(reply instanceof ErrorReply, `expected an error, got ${JSON.stringify(reply)}`);
  return reply.message;
}

// ---- setting and reading TTLs ----

test('EXPIRE sets and resets a TTL; TTL reports it in seconds', async () => {
  await c.call('SET', 'x', 'foobar');
  assert.equal(await c.call('EXPIRE', 'x', '5'), 1);
  assert.equal(await c.call('TTL', 'x'), 5);
  assert.equal(await c.call('EXPIRE', 'x', '10'), 1);
  assert.equal(await c.call('TTL', 'x'), 10);
  assert.equal(await c.call('PTTL', 'x'), 10000);
  assert.equal(await c.call('GET', 'x'), 'foobar');
});

test('EXPIRE is propagated as PEXPIREAT with the absolute time, options kept', async () => {
  await c.call('SET', 'x', 'v');
  const now = clock.t;
  const r = await traced('expire', 'x', '100', 'nx');
  assert.equal(r.reply, 1);
  assert.deepEqual(r.events, ['expire:x']);
  assert.equal(r.dirty, 1);
  assert.deepEqual(r.propagated, [['PEXPIREAT', 'x', String(now + 100000), 'nx']]);
  assert.deepEqual((await traced('PEXPIRE', 'x', '5000')).propagated, [['PEXPIREAT', 'x', String(now + 5000)]]);
  assert.deepEqual((await traced('EXPIREAT', 'x', '2000000000')).propagated, [['PEXPIREAT', 'x', '2000000000000']]);
  assert.deepEqual((await traced('pexpireat', 'x', '2000000000123')).propagated, [['pexpireat', 'x', '2000000000123']]);
});

test('PEXPIRE, EXPIREAT and PEXPIREAT set millisecond-exact expiry times', async () => {
  await c.call('SET', 'x', 'v');
  await c.call('PEXPIRE', 'x', '1500');
  assert.equal(await c.call('PTTL', 'x'), 1500);
  assert.equal(await c.call('TTL', 'x'), 2); // rounds to the nearest second
  await c.call('PEXPIRE', 'x', '1499');
  assert.equal(await c.call('TTL', 'x'), 1);
  const at = Math.floor(clock.t / 1000) + 100;
  await c.call('EXPIREAT', 'x', String(at));
  assert.equal(await c.call('EXPIRETIME', 'x'), at);
  assert.equal(await c.call('PEXPIRETIME', 'x'), at * 1000);
  await c.call('PEXPIREAT', 'x', String(clock.t + 123456));
  assert.equal(await c.call('PEXPIRETIME', 'x'), clock.t + 123456);
  assert.equal(await c.call('PTTL', 'x'), 123456);
});

test('TTL / PTTL / EXPIRETIME / PEXPIRETIME: -1 without expire, -2 without key', async () => {
  await c.call('SET', 'x', 'hello');
  for (const cmd of ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']) {
    assert.equal(await c.call(cmd, 'x'), -1, cmd);
    assert.equal(await c.call(cmd, 'nokey'), -2, cmd);
  }
});

test('EXPIRE on a missing key replies 0 and changes nothing', async () => {
  const r = await traced('EXPIRE', 'none', '100');
  assert.equal(r.reply, 0);
  assert.equal(r.dirty, 0);
  for (const opt of ['NX', 'XX', 'GT', 'LT']) assert.equal(await c.call('EXPIRE', 'none', '100', opt), 0);
});

test('a time already past deletes the key and propagates DEL (UNLINK with lazyfree-lazy-expire)', async () => {
  await c.call('SET', 'x', 'v');
  const r = await traced('EXPIREAT', 'x', String(Math.floor(clock.t / 1000) - 100));
  assert.equal(r.reply, 1);
  assert.deepEqual(r.events, ['del:x']);
  assert.deepEqual(r.propagated, [['DEL', 'x']]);
  assert.equal(await c.call('EXISTS', 'x'), 0);
  await c.call('SET', 'y', 'v');
  amber.server.config.set('lazyfree-lazy-expire', 'yes');
  try {
    assert.deepEqual((await traced('PEXPIRE', 'y', '-1')).propagated, [['UNLINK', 'y']]);
  } finally {
    amber.server.config.set('lazyfree-lazy-expire', 'no');
  }
  await c.call('SET', 'z', 'v');
  assert.equal(await c.call('EXPIRE', 'z', '0'), 1);
  assert.equal(await c.call('TTL', 'z'), -2);
});

test('EXPIRE with a negative time and LT deletes a volatile or persistent key', async () => {
  await c.call('SET', 'foo', 'bar', 'EX', '100');
  assert.equal(await c.call('EXPIRE', 'foo', '-10', 'LT'), 1);
  assert.equal(await c.call('TTL', 'foo'), -2);
  await c.call('SET', 'foo', 'bar');
  assert.equal(await c.call('EXPIRE', 'foo', '-10', 'LT'), 1);
  assert.equal(await c.call('TTL', 'foo'), -2);
});

test('NX / XX / GT / LT decide against the current TTL (none counts as infinite)', async () => {
  const cases: [string, string, string, number, number][] = [
    // [initial EX or '', new TTL, option, reply, resulting TTL]
    ['100', '200', 'NX', 0, 100],
    ['', '200', 'NX', 1, 200],
    ['100', '200', 'XX', 1, 200],
    ['', '200', 'XX', 0, -1],
    ['100', '200', 'GT', 1, 200],
    ['200', '100', 'GT', 0, 200],
    ['', '200', 'GT', 0, -1],
    ['100', '200', 'LT', 0, 100],
    ['200', '100', 'LT', 1, 100],
    ['', '100', 'LT', 1, 100],
  ];
  for (const [initial, ttl, opt, reply, after] of cases) {
    if (initial === '') await c.call('SET', 'foo', 'bar');
    else await c.call('SET', 'foo', 'bar', 'EX', initial);
    assert.equal(await c.call('EXPIRE', 'foo', ttl, opt), reply, `${initial} ${ttl} ${opt}`);
    assert.equal(await c.call('TTL', 'foo'), after, `${initial} ${ttl} ${opt}`);
  }
  await c.call('SET', 'foo', 'bar', 'EX', '200');
  assert.equal(await c.call('EXPIRE', 'foo', '100', 'LT', 'XX'), 1);
  await c.call('SET', 'foo', 'bar');
  assert.equal(await c.call('EXPIRE', 'foo', '200', 'LT', 'XX'), 0);
  assert.equal(await c.call('TTL', 'foo'), -1);
});

test('conflicting and unknown options are Redis’s errors, checked before the time', async () => {
  await c.call('SET', 'foo', 'bar');
  assert.equal(err(await c.call('EXPIRE', 'foo', '200', 'LT', 'GT')), 'ERR GT and LT options at the same time are not compatible');
  for (const other of ['GT', 'LT', 'XX']) {
    assert.equal(err(await c.call('EXPIRE', 'foo', '200', 'NX', other)), 'ERR NX and XX, GT or LT options at the same time are not compatible');
  }
  assert.equal(err(await c.call('EXPIRE', 'foo', '200', 'AB')), 'ERR Unsupported option AB');
  assert.equal(err(await c.call('EXPIRE', 'foo', '200', 'XX', 'AB')), 'ERR Unsupported option AB');
  assert.equal(err(await c.call('EXPIRE', 'foo', 'notanumber', 'AB')), 'ERR Unsupported option AB');
  assert.equal(err(await c.call('EXPIRE', 'foo', '')), 'ERR value is not an integer or out of range');
  assert.equal(err(await c.call('EXPIRE', 'foo', '1.5')), 'ERR value is not an integer or out of range');
  assert.equal(err(await c.call('EXPIRE', 'foo')), "ERR wrong number of arguments for 'expire' command");
});

test('expire times that overflow 64-bit milliseconds are errors naming the command', async () => {
  await c.call('SET', 'foo', 'bar');
  for (const v of ['9223370399119966', '9223372036854776', '10000000000000000', '18446744073709561', '-9223372036854776', '-9999999999999999']) {
    assert.equal(err(await c.call('EXPIRE', 'foo', v)), "ERR invalid expire time in 'expire' command", v);
  }
  assert.equal(err(await c.call('PEXPIRE', 'foo', '9223372036854770000')), "ERR invalid expire time in 'pexpire' command");
  assert.equal(err(await c.call('EXPIREAT', 'foo', '9223372036854776')), "ERR invalid expire time in 'expireat' command");
  assert.equal(await c.call('TTL', 'foo'), -1);
});

test('PEXPIREAT accepts the largest times and the most negative ones', async () => {
  await c.call('SET', 'foo', 'bar');
  assert.equal(await c.call('PEXPIREAT', 'foo', '9223372036854770000'), 1);
  assert.ok(((await c.call('TTL', 'foo')) as number) > 1e14);
  assert.equal(await c.call('PEXPIREAT', 'foo', '-9223372036854770000'), 1);
  assert.equal(await c.call('TTL', 'foo'), -2);
});

test('PERSIST removes a TTL and replies 0 when there is none', async () => {
  await c.call('SET', 'x', 'foo');
  await c.call('EXPIRE', 'x', '50');
  const r = await traced('PERSIST', 'x');
  assert.equal(r.reply, 1);
  assert.deepEqual(r.events, ['persist:x']);
  assert.deepEqual(r.propagated, [['PERSIST', 'x']]);
  assert.equal(await c.call('TTL', 'x'), -1);
  assert.equal(await c.call('GET', 'x'), 'foo');
  assert.equal(await c.call('PERSIST', 'x'), 0);
  assert.equal(await c.call('PERSIST', 'nokeyatall'), 0);
});

// ---- lazy expiry ----

test('an expired key vanishes on access: expired event, DEL propagated, counted', async () => {
  await c.call('SET', 'x', 'v');
  await c.call('PEXPIRE', 'x', '100');
  clock.t += 100;
  assert.equal(await c.call('GET', 'x'), 'v'); // expires when now > when, not at it
  clock.t += 1;
  const expiredBefore = amber.server.store.stats.expiredKeys;
  const r = await traced('GET', 'x');
  assert.equal(r.reply, null);
  assert.deepEqual(r.events, ['expired:x']);
  assert.deepEqual(r.propagated, [['DEL', 'x']]);
  assert.equal(amber.server.store.stats.expiredKeys - expiredBefore, 1);
});

test('with lazyfree-lazy-expire an expired key is propagated as UNLINK', async () => {
  await c.call('SET', 'x', 'v', 'PX', '100');
  clock.t += 101;
  amber.server.config.set('lazyfree-lazy-expire', 'yes');
  try {
    const r = await traced('GET', 'x');
    assert.equal(r.reply, null);
    assert.deepEqual(r.events, ['expired:x']);
    assert.deepEqual(r.propagated, [['UNLINK', 'x']]);
  } finally {
    amber.server.config.set('lazyfree-lazy-expire', 'no');
  }
});

test('while clients are paused an expired key reads as missing but is not deleted', async () => {
  // pause.tcl "Test both active and passive expires are skipped during client pause".
  await c.call('SET', 'x', 'v', 'PX', '100');
  await c.call('CLIENT', 'PAUSE', '50000', 'WRITE');
  try {
    clock.t += 101;
    const expiredBefore = amber.server.store.stats.expiredKeys;
    const r = await traced('GET', 'x');
    assert.equal(r.reply, null);
    assert.equal(await c.call('EXISTS', 'x'), 0);
    assert.equal(await c.call('TTL', 'x'), -2);
    assert.deepEqual(r.events, []);
    assert.deepEqual(r.propagated, []);
    assert.equal(amber.server.store.stats.expiredKeys, expiredBefore);
    assert.equal(amber.server.store.db(0).dict.has('x'), true);
  } finally {
    await c.call('CLIENT', 'UNPAUSE');
  }
  const r = await traced('GET', 'x');
  assert.equal(r.reply, null);
  assert.deepEqual(r.events, ['expired:x']);
  assert.equal(amber.server.store.db(0).dict.has('x'), false);
});

test('keys stay stored until accessed while active expiry is off', async () => {
  for (const k of ['key1', 'key2', 'key3']) await c.call('SET', k, 'a', 'PX', '500');
  clock.t += 1000;
  // Let the cron tick a few times: nothing may be reclaimed.
  let ticks = 0;
  amber.server.cronJobs.push(() => ticks++);
  await waitFor(() => ticks >= 3, 5000, 'three cron ticks');
  amber.server.cronJobs.pop();
  assert.equal(await c.call('DBSIZE'), 3);
  await c.call('MGET', 'key1', 'key2', 'key3');
  assert.equal(await c.call('DBSIZE'), 0);
});

test('EXPIRE does not resurrect an expired key (issue #1026)', async () => {
  await c.call('SET', 'foo', 'bar');
  await c.call('PEXPIRE', 'foo', '500');
  clock.t += 1000;
  assert.equal(await c.call('EXPIRE', 'foo', '10'), 0);
  assert.equal(await c.call('EXISTS', 'foo'), 0);
});

test('5 keys in, 5 keys out', async () => {
  await c.call('SET', 'a', 'c');
  await c.call('EXPIRE', 'a', '5');
  for (const k of ['t', 'e', 's', 'foo']) await c.call('SET', k, 'c');
  assert.deepEqual(((await c.call('KEYS', '*')) as string[]).sort(), ['a', 'e', 'foo', 's', 't']);
});

// ---- active expiry ----

/** Sends many commands on a raw socket and waits for their simple-string replies. */
async function pipeline(port: number, commands: string[][], replyBytes: number): Promise<void> {
  const sock = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
  let received = 0;
  const done = new Promise<void>((resolve) => {
    sock.on('data', (d) => {
      received += d.length;
      if (received >= replyBytes) resolve();
    });
  });
  const parts: string[] = [];
  for (const argv of commands) {
    let s = `*${argv.length}\r\n`;
    for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
    parts.push(s);
  }
  sock.write(parts.join(''), 'latin1');
  await done;
  sock.destroy();
}

test('active expiry reclaims 100k short-lived keys nobody touches, without stalling clients', async () => {
  const n = 100000;
  const cmds: string[][] = [];
  for (let i = 0; i < n; i++) cmds.push(['SET', `k:${i}`, 'v', 'PX', '100']);
  await pipeline(amber.port, cmds, n * 5);
  await c.call('SET', 'keeper', 'v'); // no TTL: must survive
  assert.equal(await c.call('DBSIZE'), n + 1);
  const capBefore = amber.server.store.stats.expiredTimeCapReached;
  clock.t += 200;
  await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
  let worst = 0;
  await waitFor(
    async () => {
      const t0 = performance.now();
      const size = (await c.call('DBSIZE')) as number;
      worst = Math.max(worst, performance.now() - t0);
      return size === 1;
    },
    20000,
    'active expiry of 100k keys',
  );
  assert.equal(await c.call('GET', 'keeper'), 'v');
  // Clients keep being served meanwhile (a loose bound: this machine may be busy).
  assert.ok(worst < 1000, `a DBSIZE round trip took ${worst.toFixed(1)} ms`);
  // Reclaiming them needed more than one cycle's time budget.
  assert.ok(amber.server.store.stats.expiredTimeCapReached > capBefore);
});

test('one slice of the cycle stops at its time limit with work left', async () => {
  const db = amber.server.store.db(0);
  for (let i = 0; i < 200000; i++) {
    db.set(`s:${i}`, 'v');
    db.setExpire(`s:${i}`, clock.t + 10);
  }
  clock.t += 100;
  const t0 = performance.now();
  const more = expireSlice(amber.server, 1);
  const took = performance.now() - t0;
  assert.equal(more, true);
  const left = db.size;
  assert.ok(left > 0 && left < 200000, `${left} keys left`);
  // A slice checks its clock after every sample of ~20 keys: it overruns by little.
  assert.ok(took < 50, `the 1 ms slice took ${took.toFixed(1)} ms`);
  while (expireSlice(amber.server, 50));
  assert.equal(db.size, 0);
});

test('INFO stats expire_cycle_cpu_milliseconds counts the time the cycle used; RESETSTAT clears it', async () => {
  const field = async (): Promise<number> => Number(/expire_cycle_cpu_milliseconds:(\d+)/.exec((await c.call('INFO', 'stats')) as string)![1]);
  assert.equal(await c.call('CONFIG', 'RESETSTAT'), 'OK');
  assert.equal(await field(), 0);
  const db = amber.server.store.db(0);
  for (let i = 0; i < 100000; i++) {
    db.set(`cpu:${i}`, 'v');
    db.setExpire(`cpu:${i}`, clock.t + 10);
  }
  clock.t += 100;
  const t0 = performance.now();
  while (expireSlice(amber.server, 50));
  const took = performance.now() - t0;
  const used = await field();
  assert.ok(used >= 1 && used <= Math.ceil(took), `${used} ms reported, ${took.toFixed(1)} ms spent`);
  assert.equal(await c.call('CONFIG', 'RESETSTAT'), 'OK');
  assert.equal(await field(), 0);
});

test('the expire cycle continues from where it stopped, reaching every volatile key', async () => {
  // 1000 keys far from expiry and 50 expired ones: each slice samples 20 keys, finds few
  // expired and stops, so only a persistent sampling position reaches all 50.
  const cmds: string[][] = [];
  for (let i = 0; i < 1000; i++) cmds.push(['SET', `far:${i}`, 'v', 'EX', '10000']);
  for (let i = 0; i < 50; i++) cmds.push(['SET', `soon:${i}`, 'v', 'PX', '10']);
  await pipeline(amber.port, cmds, cmds.length * 5);
  clock.t += 100;
  for (let i = 0; i < 200; i++) expireSlice(amber.server, 5);
  assert.equal(await c.call('DBSIZE'), 1000);
  assert.ok(amber.server.store.db(0).avgTtl > 9000 * 1000);
});

test('INFO keyspace reports keys, expires and avg_ttl per non-empty database', async () => {
  await c.call('SET', 'a', '1');
  await c.call('SET', 'b', '1', 'EX', '100');
  await c.call('SELECT', '2');
  await c.call('SET', 'c', '1');
  await c.call('SELECT', '0');
  const section = amber.server.infoSections.get('keyspace')!();
  assert.deepEqual(section, [
    ['db0', 'keys=2,expires=1,avg_ttl=0'],
    ['db2', 'keys=1,expires=0,avg_ttl=0'],
  ]);
  expireSlice(amber.server, 5);
  const after = amber.server.infoSections.get('keyspace')!();
  assert.match(after[0]![1] as string, /^keys=2,expires=1,avg_ttl=\d+$/);
  assert.ok(amber.server.store.db(0).avgTtl > 0);
});
