import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorReply } from '../helpers/resp.js';
import { startAmber, type TestAmber } from '../helpers/servers.js';

let amber: TestAmber;
before(async () => {
  amber = await startAmber();
});
after(async () => {
  await amber.stop();
});

test('MEMORY USAGE estimates a key and grows with its value; a missing key is null', async () => {
  const c = await amber.client();
  await c.call('SET', 'small', 'x');
  await c.call('SET', 'big', 'x'.repeat(10000));
  const small = (await c.call('MEMORY', 'USAGE', 'small')) as number;
  const big = (await c.call('MEMORY', 'USAGE', 'big')) as number;
  assert.ok(small > 0 && small < 100, `small ${small}`);
  assert.ok(big > 10000 && big < 42000, `big ${big}`);
  assert.equal(await c.call('MEMORY', 'USAGE', 'nokey'), null);
  await c.call('RPUSH', 'l', 'a', 'b', 'c');
  await c.call('HSET', 'h', 'f', 'v');
  await c.call('SADD', 's', '1', '2');
  await c.call('ZADD', 'z', '1', 'm');
  for (const k of ['l', 'h', 's', 'z']) assert.ok(((await c.call('MEMORY', 'USAGE', k)) as number) > 0);
  assert.ok(((await c.call('MEMORY', 'USAGE', 'l', 'SAMPLES', '0')) as number) > 0);
});

test('MEMORY USAGE rejects a bad SAMPLES option', async () => {
  const c = await amber.client();
  assert.equal(await c.callRaw('MEMORY', 'USAGE', 'k', 'SAMPLES'), '-ERR syntax error\r\n');
  assert.equal(await c.callRaw('MEMORY', 'USAGE', 'k', 'SAMPLES', 'x'), '-ERR value is not an integer or out of range\r\n');
  assert.equal(await c.callRaw('MEMORY', 'USAGE', 'k', 'FOO', '1'), '-ERR syntax error\r\n');
});

test('MEMORY STATS, DOCTOR, MALLOC-STATS, PURGE and HELP answer', async () => {
  const c = await amber.client();
  const stats = (await c.call('MEMORY', 'STATS')) as unknown[];
  assert.ok(Array.isArray(stats) && stats.includes('keys.count') && stats.includes('peak.allocated'));
  assert.equal(typeof (await c.call('MEMORY', 'DOCTOR')), 'string');
  assert.equal(typeof (await c.call('MEMORY', 'MALLOC-STATS')), 'string');
  assert.equal(await c.call('MEMORY', 'PURGE'), 'OK');
  const help = (await c.call('MEMORY', 'HELP')) as string[];
  assert.match(help[0]!, /^MEMORY <subcommand>/);
  assert.ok(await c.call('MEMORY', 'NOPE') instanceof ErrorReply);
});
