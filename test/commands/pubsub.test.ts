/**
 * Pub/sub and keyspace notifications against an embedded Amber: exact reply bytes in RESP2
 * and RESP3, the RESP2 subscribed context, PUBSUB introspection, sharded channels, cleanup
 * on disconnect, and notify-keyspace-events. Edge cases from Redis's tests/unit/pubsub.tcl
 * and pubsubshard.tcl.
 */

import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAmber, waitFor, type TestAmber } from '../helpers/servers.js';
import { ErrorReply, type TestClient } from '../helpers/resp.js';
import { pubsubStats } from '../../src/server/pubsub.js';

let amber: TestAmber;
let r: TestClient;
const opened: TestClient[] = [];

before(async () => {
  amber = await startAmber({ 'enable-debug-command': 'yes' });
  r = await amber.client();
});

after(async () => {
  await amber.stop();
});

afterEach(async () => {
  for (const c of opened.splice(0)) c.close();
  amber.server.config.set('notify-keyspace-events', '');
  await r.call('FLUSHALL');
  // Closed subscribers are forgotten once the server sees the close: start each test clean.
  await waitFor(() => {
    const st = pubsubStats(amber.server);
    return st.channels + st.patterns + st.shardChannels === 0;
  }, 5000, 'subscribers of the last test to go');
});

async function client(): Promise<TestClient> {
  const c = await amber.client();
  opened.push(c);
  return c;
}

const bulk = (s: string): string => `$${s.length}\r\n${s}\r\n`;
const frame = (head: string, ...parts: string[]): string => head + parts.join('');

/** Reads the n replies a multi-channel (un)subscribe produces. */
async function readN(c: TestClient, n: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(await c.read());
  return out;
}

// ---- SUBSCRIBE / PUBLISH ----

test('SUBSCRIBE confirms each channel with the running count', async () => {
  const s = await client();
  s.send('SUBSCRIBE', 'chan1', 'chan2');
  assert.equal(await s.readRaw(), frame('*3\r\n', bulk('subscribe'), bulk('chan1'), ':1\r\n'));
  assert.equal(await s.readRaw(), frame('*3\r\n', bulk('subscribe'), bulk('chan2'), ':2\r\n'));
});

test('PUBLISH delivers to every subscriber and counts them', async () => {
  const s1 = await client();
  const s2 = await client();
  s1.send('SUBSCRIBE', 'chan1');
  await s1.read();
  s2.send('SUBSCRIBE', 'chan1');
  await s2.read();
  assert.equal(await r.call('PUBLISH', 'chan1', 'hello'), 2);
  const msg = frame('*3\r\n', bulk('message'), bulk('chan1'), bulk('hello'));
  assert.equal(await s1.readRaw(), msg);
  assert.equal(await s2.readRaw(), msg);
  assert.equal(await r.call('PUBLISH', 'nobody', 'x'), 0);
});

test('messages are binary safe', async () => {
  const s = await client();
  s.send('SUBSCRIBE', 'ch\x00\xff');
  await s.read();
  assert.equal(await r.call('PUBLISH', 'ch\x00\xff', 'a\r\nb\x00'), 1);
  assert.equal(await s.readRaw(), frame('*3\r\n', bulk('message'), bulk('ch\x00\xff'), bulk('a\r\nb\x00')));
});

test('subscribing to one channel more than once counts it once', async () => {
  const s = await client();
  s.send('SUBSCRIBE', 'chan1', 'chan1', 'chan1');
  assert.deepEqual(await readN(s, 3), [
    ['subscribe', 'chan1', 1],
    ['subscribe', 'chan1', 1],
    ['subscribe', 'chan1', 1],
  ]);
  assert.equal(await r.call('PUBLISH', 'chan1', 'hello'), 1);
  assert.deepEqual(await s.read(), ['message', 'chan1', 'hello']);
});

test('UNSUBSCRIBE one channel, then all; later messages do not arrive', async () => {
  const s = await client();
  s.send('SUBSCRIBE', 'chan1', 'chan2', 'chan3');
  await readN(s, 3);
  s.send('UNSUBSCRIBE', 'chan1');
  assert.deepEqual(await s.read(), ['unsubscribe', 'chan1', 2]);
  assert.equal(await r.call('PUBLISH', 'chan1', 'x'), 0);
  assert.equal(await r.call('PUBLISH', 'chan2', 'y'), 1);
  assert.deepEqual(await s.read(), ['message', 'chan2', 'y']);
  s.send('UNSUBSCRIBE');
  const rest = (await readN(s, 2)) as [string, string, number][];
  assert.deepEqual(rest.map((m) => m[1]).sort(), ['chan2', 'chan3']);
  assert.deepEqual(rest.map((m) => m[2]), [1, 0]);
  assert.equal(await r.call('PUBLISH', 'chan2', 'z'), 0);
  assert.equal(await s.callRaw('PING'), '+PONG\r\n');
});

test('UNSUBSCRIBE from channels never subscribed still answers each', async () => {
  const s = await client();
  s.send('UNSUBSCRIBE', 'foo', 'bar', 'quux');
  assert.deepEqual(await readN(s, 3), [
    ['unsubscribe', 'foo', 0],
    ['unsubscribe', 'bar', 0],
    ['unsubscribe', 'quux', 0],
  ]);
});

test('UNSUBSCRIBE and PUNSUBSCRIBE without subscriptions answer with a null name', async () => {
  assert.equal(await r.callRaw('UNSUBSCRIBE'), frame('*3\r\n', bulk('unsubscribe'), '$-1\r\n', ':0\r\n'));
  assert.equal(await r.callRaw('PUNSUBSCRIBE'), frame('*3\r\n', bulk('punsubscribe'), '$-1\r\n', ':0\r\n'));
});

// ---- PSUBSCRIBE ----

test('PSUBSCRIBE delivers pmessage for matching channels only', async () => {
  const s = await client();
  s.send('PSUBSCRIBE', 'foo.*', 'bar.*');
  assert.deepEqual(await readN(s, 2), [
    ['psubscribe', 'foo.*', 1],
    ['psubscribe', 'bar.*', 2],
  ]);
  assert.equal(await r.call('PUBLISH', 'foo.1', 'hello'), 1);
  assert.equal(await r.call('PUBLISH', 'bar.1', 'hello'), 1);
  assert.equal(await r.call('PUBLISH', 'foo1', 'hello'), 0);
  assert.equal(await r.call('PUBLISH', 'barfoo.1', 'hello'), 0);
  assert.equal(await s.readRaw(), frame('*4\r\n', bulk('pmessage'), bulk('foo.*'), bulk('foo.1'), bulk('hello')));
  assert.deepEqual(await s.read(), ['pmessage', 'bar.*', 'bar.1', 'hello']);
  s.send('PUNSUBSCRIBE', 'foo.*');
  assert.deepEqual(await s.read(), ['punsubscribe', 'foo.*', 1]);
  assert.equal(await r.call('PUBLISH', 'foo.1', 'hello'), 0);
  s.send('PUNSUBSCRIBE');
  assert.deepEqual(await s.read(), ['punsubscribe', 'bar.*', 0]);
});

test('a channel and a matching pattern both deliver, counted twice', async () => {
  const s = await client();
  s.send('SUBSCRIBE', 'foo.bar');
  assert.deepEqual(await s.read(), ['subscribe', 'foo.bar', 1]);
  s.send('PSUBSCRIBE', 'foo.*');
  assert.deepEqual(await s.read(), ['psubscribe', 'foo.*', 2]);
  assert.equal(await r.call('PUBLISH', 'foo.bar', 'hello'), 2);
  assert.deepEqual(await s.read(), ['message', 'foo.bar', 'hello']);
  assert.deepEqual(await s.read(), ['pmessage', 'foo.*', 'foo.bar', 'hello']);
});

test('PUNSUBSCRIBE from patterns never subscribed answers each', async () => {
  const s = await client();
  s.send('PUNSUBSCRIBE', 'foo.*', 'bar.*');
  assert.deepEqual(await readN(s, 2), [
    ['punsubscribe', 'foo.*', 0],
    ['punsubscribe', 'bar.*', 0],
  ]);
});

// ---- the RESP2 subscribed context ----

test('a RESP2 subscriber may only run the subscribe family, PING, QUIT and RESET', async () => {
  const s = await client();
  s.send('SUBSCRIBE', 'somechannel');
  await s.read();
  assert.equal(
    await s.callRaw('GET', 'k'),
    "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
  );
  assert.equal(
    await s.callRaw('CONFIG', 'GET', 'port'),
    "-ERR Can't execute 'config|get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
  );
  assert.equal(await s.callRaw('PING'), frame('*2\r\n', bulk('pong'), bulk('')));
  assert.equal(await s.callRaw('PING', 'foo'), frame('*2\r\n', bulk('pong'), bulk('foo')));
  assert.equal(await s.callRaw('PING', 'a', 'b'), "-ERR wrong number of arguments for 'ping' command\r\n");
  s.send('PSUBSCRIBE', 'x*');
  assert.deepEqual(await s.read(), ['psubscribe', 'x*', 2]);
  s.send('UNSUBSCRIBE', 'somechannel');
  await s.read();
  // Still subscribed to a pattern: still in the context.
  assert.ok((await s.call('GET', 'k')) instanceof ErrorReply);
  s.send('PUNSUBSCRIBE');
  await s.read();
  assert.equal(await s.callRaw('PING'), '+PONG\r\n');
  assert.equal(await s.callRaw('GET', 'k'), '$-1\r\n');
});

test('RESET leaves pub/sub mode silently', async () => {
  const s = await client();
  s.send('SUBSCRIBE', 'a');
  await s.read();
  assert.equal(await s.callRaw('RESET'), '+RESET\r\n');
  assert.equal(await r.call('PUBLISH', 'a', 'x'), 0);
  assert.equal(await s.callRaw('PING'), '+PONG\r\n');
});

test('RESP3 subscribers get push frames and may run any command', async () => {
  const s = await client();
  await s.call('HELLO', '3');
  s.send('SUBSCRIBE', 'chan');
  assert.equal(await s.readRaw(), frame('>3\r\n', bulk('subscribe'), bulk('chan'), ':1\r\n'));
  assert.equal(await s.callRaw('SET', 'k', 'v'), '+OK\r\n');
  assert.equal(await s.callRaw('PING'), '+PONG\r\n');
  assert.equal(await r.call('PUBLISH', 'chan', 'hi'), 1);
  assert.equal(await s.readRaw(), frame('>3\r\n', bulk('message'), bulk('chan'), bulk('hi')));
  s.send('PSUBSCRIBE', 'c*');
  await s.read();
  await r.call('PUBLISH', 'chan', 'hi');
  await s.read();
  assert.equal(await s.readRaw(), frame('>4\r\n', bulk('pmessage'), bulk('c*'), bulk('chan'), bulk('hi')));
  s.send('UNSUBSCRIBE', 'chan');
  assert.equal(await s.readRaw(), frame('>3\r\n', bulk('unsubscribe'), bulk('chan'), ':1\r\n'));
  s.send('PUNSUBSCRIBE');
  await s.read();
  assert.equal(await s.callRaw('UNSUBSCRIBE'), frame('>3\r\n', bulk('unsubscribe'), '_\r\n', ':0\r\n'));
});

test('a RESP3 client receives its own publications', async () => {
  const s = await client();
  await s.call('HELLO', '3');
  s.send('SUBSCRIBE', 'me');
  await s.read();
  s.send('PUBLISH', 'me', 'hello');
  assert.deepEqual(await s.read(), ['message', 'me', 'hello']);
  assert.equal(await s.read(), 1);
});

// Redis 7.0 writes pub/sub output with CLIENT_PUSHING, which bypasses CLIENT REPLY OFF (see
// pubsub.tcl "PubSub messages with CLIENT REPLY OFF").
test('subscription replies and messages are not silenced by CLIENT REPLY OFF', async () => {
  const s = await client();
  await s.call('HELLO', '3');
  s.send('CLIENT', 'REPLY', 'OFF');
  s.send('SUBSCRIBE', 'channel');
  assert.deepEqual(await s.read(), ['subscribe', 'channel', 1]);
  s.send('PSUBSCRIBE', 'ch*');
  assert.deepEqual(await s.read(), ['psubscribe', 'ch*', 2]);
  assert.equal(await r.call('PUBLISH', 'channel', 'hello'), 2);
  assert.deepEqual(await s.read(), ['message', 'channel', 'hello']);
  assert.deepEqual(await s.read(), ['pmessage', 'ch*', 'channel', 'hello']);
  s.send('UNSUBSCRIBE', 'channel');
  assert.deepEqual(await s.read(), ['unsubscribe', 'channel', 1]);
  s.send('SET', 'k', 'v'); // silenced
  s.send('PUNSUBSCRIBE', 'ch*');
  assert.deepEqual(await s.read(), ['punsubscribe', 'ch*', 0]);
});

test('a closed subscriber is unsubscribed everywhere', async () => {
  const s = await amber.client();
  s.send('SUBSCRIBE', 'gone');
  await s.read();
  s.send('PSUBSCRIBE', 'gone*');
  await s.read();
  s.send('SSUBSCRIBE', 'gone');
  await s.read();
  assert.deepEqual(await r.call('PUBSUB', 'NUMSUB', 'gone'), ['gone', 1]);
  s.close();
  await waitFor(async () => (await r.call('PUBSUB', 'NUMPAT')) === 0, 5000, 'unsubscribe on close');
  assert.deepEqual(await r.call('PUBSUB', 'NUMSUB', 'gone'), ['gone', 0]);
  assert.deepEqual(await r.call('PUBSUB', 'SHARDNUMSUB', 'gone'), ['gone', 0]);
  assert.equal(await r.call('PUBLISH', 'gone', 'x'), 0);
});

// ---- PUBSUB introspection ----

test('PUBSUB CHANNELS, NUMSUB and NUMPAT describe the subscriptions', async () => {
  const s1 = await client();
  const s2 = await client();
  s1.send('SUBSCRIBE', 'news.tech', 'news.art');
  await readN(s1, 2);
  s2.send('SUBSCRIBE', 'news.tech', 'weather');
  await readN(s2, 2);
  s1.send('PSUBSCRIBE', 'foo*', 'bar*');
  await readN(s1, 2);
  s2.send('PSUBSCRIBE', 'foo*', 'baz*');
  await readN(s2, 2);
  assert.deepEqual(((await r.call('PUBSUB', 'CHANNELS')) as string[]).sort(), ['news.art', 'news.tech', 'weather']);
  assert.deepEqual(((await r.call('PUBSUB', 'CHANNELS', 'news.*')) as string[]).sort(), ['news.art', 'news.tech']);
  assert.deepEqual(await r.call('PUBSUB', 'NUMSUB', 'news.tech', 'weather', 'none'), ['news.tech', 2, 'weather', 1, 'none', 0]);
  assert.equal(await r.callRaw('PUBSUB', 'NUMSUB'), '*0\r\n');
  assert.equal(await r.call('PUBSUB', 'NUMPAT'), 3);
});

test('PUBSUB NUMSUB replies numbers, not strings (#1561)', async () => {
  assert.equal(await r.callRaw('PUBSUB', 'NUMSUB', 'abc', 'def'), frame('*4\r\n', bulk('abc'), ':0\r\n', bulk('def'), ':0\r\n'));
});

test('PUBSUB errors and HELP', async () => {
  assert.equal(
    (await r.call('PUBSUB', 'CHANNELS', 'a', 'b') as ErrorReply).message,
    "ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.",
  );
  assert.equal((await r.call('PUBSUB', 'NUMPAT', 'x') as ErrorReply).message, "ERR wrong number of arguments for 'pubsub|numpat' command");
  assert.equal((await r.call('PUBSUB', 'FOO') as ErrorReply).message, "ERR unknown subcommand 'FOO'. Try PUBSUB HELP.");
  const help = (await r.call('pubsub', 'help')) as string[];
  assert.equal(help[0], 'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
  assert.equal(help.length, 14);
});

// ---- sharded pub/sub ----

test('SSUBSCRIBE / SPUBLISH / SUNSUBSCRIBE use their own channel namespace', async () => {
  const s = await client();
  s.send('SSUBSCRIBE', 'chan1');
  assert.equal(await s.readRaw(), frame('*3\r\n', bulk('ssubscribe'), bulk('chan1'), ':1\r\n'));
  s.send('SSUBSCRIBE', 'chan2');
  assert.deepEqual(await s.read(), ['ssubscribe', 'chan2', 2]);
  const p = await client();
  p.send('SUBSCRIBE', 'chan1');
  await p.read();
  p.send('PSUBSCRIBE', 'chan*');
  await p.read();
  assert.equal(await r.call('SPUBLISH', 'chan1', 'hello'), 1);
  assert.equal(await s.readRaw(), frame('*3\r\n', bulk('smessage'), bulk('chan1'), bulk('hello')));
  // PUBLISH reaches the channel and the pattern, never the shard subscriber.
  assert.equal(await r.call('PUBLISH', 'chan1', 'x'), 2);
  assert.deepEqual(await r.call('PUBSUB', 'SHARDNUMSUB', 'chan1'), ['chan1', 1]);
  assert.deepEqual(((await r.call('PUBSUB', 'SHARDCHANNELS')) as string[]).sort(), ['chan1', 'chan2']);
  assert.deepEqual(await r.call('PUBSUB', 'SHARDCHANNELS', '*2'), ['chan2']);
  assert.deepEqual(await r.call('PUBSUB', 'CHANNELS'), ['chan1']);
  s.send('SUNSUBSCRIBE', 'chan1');
  assert.deepEqual(await s.read(), ['sunsubscribe', 'chan1', 1]);
  assert.equal(await r.call('SPUBLISH', 'chan1', 'hello'), 0);
  s.send('SUNSUBSCRIBE');
  assert.deepEqual(await s.read(), ['sunsubscribe', 'chan2', 0]);
  assert.equal(await r.callRaw('SUNSUBSCRIBE', 'none'), frame('*3\r\n', bulk('sunsubscribe'), bulk('none'), ':0\r\n'));
  assert.equal(await r.callRaw('SUNSUBSCRIBE'), frame('*3\r\n', bulk('sunsubscribe'), '$-1\r\n', ':0\r\n'));
});

test('shard and plain subscription counts are kept apart', async () => {
  const s = await client();
  s.send('SUBSCRIBE', 'a');
  assert.deepEqual(await s.read(), ['subscribe', 'a', 1]);
  s.send('SSUBSCRIBE', 'b');
  assert.deepEqual(await s.read(), ['ssubscribe', 'b', 1]);
  s.send('UNSUBSCRIBE', 'a');
  assert.deepEqual(await s.read(), ['unsubscribe', 'a', 0]);
  // Still shard-subscribed: still in the RESP2 context.
  assert.ok((await s.call('GET', 'k')) instanceof ErrorReply);
});

test('SSUBSCRIBE is refused inside MULTI; SUBSCRIBE is allowed', async () => {
  const s = await client();
  await s.call('MULTI');
  await s.call('SSUBSCRIBE', 'x');
  assert.deepEqual(await s.call('EXEC'), [new ErrorReply("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client")]);
  await s.call('MULTI');
  await s.call('SUBSCRIBE', 'y');
  assert.deepEqual(await s.call('EXEC'), [['subscribe', 'y', 1]]);
  assert.equal(await r.call('PUBLISH', 'y', 'm'), 1);
});

// ---- keyspace notifications ----

/** A pattern subscriber on every channel. */
async function listener(): Promise<TestClient> {
  const s = await client();
  s.send('PSUBSCRIBE', '*');
  assert.deepEqual(await s.read(), ['psubscribe', '*', 1]);
  return s;
}

test('K publishes __keyspace@<db>__:<key> <event>; E publishes __keyevent@<db>__:<event> <key>', async () => {
  await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
  const s = await listener();
  await r.call('SET', 'foo', 'bar');
  assert.deepEqual(await s.read(), ['pmessage', '*', '__keyspace@0__:foo', 'set']);
  assert.deepEqual(await s.read(), ['pmessage', '*', '__keyevent@0__:set', 'foo']);
  await r.call('SELECT', '3');
  await r.call('DEL', 'nothing');
  await r.call('SET', 'k', 'v');
  await r.call('SELECT', '0');
  assert.deepEqual(await s.read(), ['pmessage', '*', '__keyspace@3__:k', 'set']);
});

test('only enabled classes publish', async () => {
  await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'Kg');
  const s = await listener();
  await r.call('SET', 'foo', 'bar'); // $ class: off
  await r.call('EXPIRE', 'foo', '100');
  await r.call('RENAME', 'foo', 'bar');
  await r.call('DEL', 'bar');
  assert.deepEqual(await readN(s, 4), [
    ['pmessage', '*', '__keyspace@0__:foo', 'expire'],
    ['pmessage', '*', '__keyspace@0__:foo', 'rename_from'],
    ['pmessage', '*', '__keyspace@0__:bar', 'rename_to'],
    ['pmessage', '*', '__keyspace@0__:bar', 'del'],
  ]);
  await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'K');
  await r.call('SET', 'x', '1');
  await r.call('DEL', 'x');
  await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'E$');
  await r.call('SET', 'y', '1');
  assert.deepEqual(await s.read(), ['pmessage', '*', '__keyevent@0__:set', 'y']);
});

test('x publishes expired events for lazy and active expiry', async () => {
  await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'Ex');
  const s = await listener();
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
  try {
    await r.call('SET', 'lazy', '1', 'PX', '1');
    const when = amber.server.store.db(0).getExpire('lazy')!;
    await waitFor(() => Date.now() > when + 1, 1000, 'the key to be past its time');
    assert.equal(await r.call('GET', 'lazy'), null);
    assert.deepEqual(await s.read(), ['pmessage', '*', '__keyevent@0__:expired', 'lazy']);
  } finally {
    await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
  }
  await r.call('PSETEX', 'active', '100', '1');
  assert.deepEqual(await s.read(3000), ['pmessage', '*', '__keyevent@0__:expired', 'active']);
  assert.equal(await r.call('EXISTS', 'active'), 0);
});

test('m publishes keymiss events for reads of missing keys', async () => {
  await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'Em');
  const s = await listener();
  await r.call('EXISTS', 'nokey');
  await r.call('TTL', 'other');
  assert.deepEqual(await readN(s, 2), [
    ['pmessage', '*', '__keyevent@0__:keymiss', 'nokey'],
    ['pmessage', '*', '__keyevent@0__:keymiss', 'other'],
  ]);
});

test('n publishes a new event when a command creates a key, before the command event', async () => {
  await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
  const s = await listener();
  await r.call('SET', 'foo', 'bar'); // A does not include n
  assert.deepEqual(await readN(s, 2), [
    ['pmessage', '*', '__keyspace@0__:foo', 'set'],
    ['pmessage', '*', '__keyevent@0__:set', 'foo'],
  ]);
  await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'En$lg');
  await r.call('SET', 'foo', 'baz'); // exists: no new event
  await r.call('RPUSH', 'list', 'a');
  await r.call('RPUSH', 'list', 'b');
  await r.call('COPY', 'list', 'list2');
  await r.call('DEL', 'list', 'list2');
  assert.deepEqual(await readN(s, 7), [
    ['pmessage', '*', '__keyevent@0__:set', 'foo'],
    ['pmessage', '*', '__keyevent@0__:new', 'list'],
    ['pmessage', '*', '__keyevent@0__:rpush', 'list'],
    ['pmessage', '*', '__keyevent@0__:rpush', 'list'],
    ['pmessage', '*', '__keyevent@0__:new', 'list2'],
    ['pmessage', '*', '__keyevent@0__:copy_to', 'list2'],
    ['pmessage', '*', '__keyevent@0__:del', 'list'],
  ]);
  // 'An' reads back as 'A' (Redis drops n after A when printing) but new events still fire.
  await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'AnE');
  assert.deepEqual(await r.call('CONFIG', 'GET', 'notify-keyspace-events'), ['notify-keyspace-events', 'AE']);
  await r.call('HSET', 'h', 'f', 'v');
  assert.deepEqual(await s.read(), ['pmessage', '*', '__keyevent@0__:del', 'list2']);
  assert.deepEqual(await readN(s, 2), [
    ['pmessage', '*', '__keyevent@0__:new', 'h'],
    ['pmessage', '*', '__keyevent@0__:hset', 'h'],
  ]);
});

test('CONFIG SET notify-keyspace-events renders flags as Redis does', async () => {
  // Compared with redis-server 7.0.15.
  const cases: [string, string][] = [
    ['gKE', 'gKE'],
    ['$lshzxeKE', '$lshzxeKE'],
    ['KA', 'AK'],
    ['EA', 'AE'],
    ['An', 'A'],
    ['nA', 'A'],
    ['Kn', 'nK'],
    ['Kgn', 'gnK'],
    ['gn$lshzxetdm', 'Am'],
    ['', ''],
  ];
  for (const [set, get] of cases) {
    assert.equal(await r.call('CONFIG', 'SET', 'notify-keyspace-events', set), 'OK');
    assert.deepEqual(await r.call('CONFIG', 'GET', 'notify-keyspace-events'), ['notify-keyspace-events', get]);
  }
  assert.ok((await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEQ')) instanceof ErrorReply);
});
