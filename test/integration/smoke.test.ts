import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAmber, type TestAmber } from '../helpers/servers.js';

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
