import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAmber, type TestAmber } from '../helpers/servers.js';
import { TestClient } from '../helpers/resp.js';
import { configFrom, startWithConfig } from '../../src/index.js';

let amber: TestAmber;
before(async () => {
  amber = await startAmber();
});
after(async () => {
  await amber.stop();
});

test('answers PING over a socket', async () => {
  const c = await amber.client();
  assert.equal(await c.callRaw('PING'), '+PONG\r\n');
});

test('answers pipelined commands in order in one write', async () => {
  const c = await amber.client();
  c.sendRaw('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\n');
  assert.equal(await c.readRaw(), '+OK\r\n');
  assert.equal(await c.readRaw(), '$1\r\nv\r\n');
  assert.equal(await c.readRaw(), '+PONG\r\n');
});

test('replies to a protocol error and closes only that connection', async () => {
  const bad = await amber.client();
  const good = await amber.client();
  bad.sendRaw('*1\r\n+x\r\n');
  assert.equal(await bad.readRaw(), "-ERR Protocol error: expected '$', got '+'\r\n");
  await bad.closed();
  assert.equal(await good.callRaw('PING'), '+PONG\r\n');
});

test('answers an unknown command with the arguments it began with', async () => {
  const c = await amber.client();
  assert.equal(await c.callRaw('NOPE', 'a', 'b'), "-ERR unknown command 'NOPE', with args beginning with: 'a' 'b' \r\n");
});

test('garbage from many clients at once, in pieces, never disturbs a well-behaved client or the server', async () => {
  let seed = 17;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  // Valid frames, truncated frames, bad lengths, leading zeros, inline lines and noise.
  const pieces = [
    '*3\r\n$3\r\nSET\r\n$1\r\ng\r\n$1\r\nv\r\n', '*2\r\n$3\r\nGET\r\n$1\r\ng\r\n', '*1\r\n$4\r\nPING\r\n',
    '*2\r\n$3\r\nGET', '$-1\r\n', '*-5\r\n', '*03\r\n', '$9999999999\r\n', '*1\r\n$4000000000\r\n',
    'PING "unbalanced\r\n', 'ECHO hi\r\n', '\r\n\r\n', '*1\r\n+x\r\n', '*a\r\n', '\x00\xff\x7f*\r',
  ];
  const noisy = await Promise.all(Array.from({ length: 8 }, () => amber.client()));
  const good = await amber.client();
  const values: string[] = [];
  for (let round = 0; round < 40; round++) {
    for (const c of noisy) {
      let bytes = '';
      for (let k = 0; k < 1 + rand(6); k++) bytes += rand(5) === 0 ? String.fromCharCode(...Array.from({ length: 1 + rand(40) }, () => rand(256))) : pieces[rand(pieces.length)]!;
      c.sendRaw(Buffer.from(bytes, 'latin1'));
    }
    const value = `v${round}:` + 'x'.repeat(rand(3000));
    values.push(value);
    assert.equal(await good.call('SET', `good:${round}`, value), 'OK');
    assert.equal(await good.call('GET', `good:${round}`), value);
  }
  assert.equal(await good.callRaw('PING'), '+PONG\r\n');
  const fresh = await amber.client();
  assert.deepEqual(await fresh.call('MGET', ...values.map((_, i) => `good:${i}`)), values);
});

test('the stream-read fallback (Node\'s \'data\' events, used when its internals differ) serves pipelines, split frames and protocol errors alike', async () => {
  const srv = await startWithConfig(configFrom({ port: 0, save: '', appendonly: 'no' }), { logger: () => {}, streamReads: true });
  try {
    const c = await TestClient.connect(srv.port);
    const id = (await c.call('CLIENT', 'ID')) as number;
    assert.equal(srv.server.clients.get(id)!.socket!.listenerCount('data'), 1, 'reads come as data events');
    const frames = '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n';
    for (let i = 0; i < frames.length; i += 7) {
      c.sendRaw(frames.slice(i, i + 7));
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(await c.readRaw(), '+OK\r\n');
    assert.equal(await c.readRaw(), '$5\r\nhello\r\n');
    c.sendRaw('*1\r\n+x\r\n');
    assert.equal(await c.readRaw(), "-ERR Protocol error: expected '$', got '+'\r\n");
    await c.closed();
  } finally {
    await srv.close();
  }
});
