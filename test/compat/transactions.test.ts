/**
 * Differential tests for MULTI/EXEC/WATCH: scripted sequences over two connections per
 * server (one transacting, one interfering) run against Amber and a real redis-server
 * 7.0.15; every reply must be byte for byte the same.
 */

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_REDIS, redisServerPath, startAmber, startRedis, type RealRedis, type TestAmber } from '../helpers/servers.js';
import type { TestClient } from '../helpers/resp.js';

const skip = redisServerPath() === null ? NO_REDIS : false;

let amber: TestAmber;
let redis: RealRedis;
let amberClients: TestClient[];
let redisClients: TestClient[];

before(async () => {
  if (skip) return;
  amber = await startAmber();
  redis = await startRedis();
  amberClients = [await amber.client(), await amber.client()];
  redisClients = [await redis.client(), await redis.client()];
});
after(async () => {
  if (skip) return;
  await amber.stop();
  await redis.stop();
});

/** A step: which connection (0 transacts, 1 interferes) sends which command. */
type Step = [0 | 1, ...string[]];

async function compare(name: string, steps: Step[]): Promise<void> {
  for (const [who, ...cmd] of steps) {
    const x = await amberClients[who]!.callRaw(...cmd);
    const y = await redisClients[who]!.callRaw(...cmd);
    assert.equal(x, y, `${name}: reply to ${who === 0 ? '' : '(other) '}${cmd.join(' ')}`);
  }
}

const scripts: Record<string, Step[]> = {
  'basic transaction with reads, writes and errors': [
    [0, 'SET', 't1:a', '1'],
    [0, 'MULTI'],
    [0, 'INCR', 't1:a'],
    [0, 'GET', 't1:a'],
    [0, 'SET', 't1:b', 'x', 'GET'],
    [0, 'INCR', 't1:b'],
    [0, 'MGET', 't1:a', 't1:b', 't1:c'],
    [0, 'PING'],
    [0, 'EXEC'],
    [0, 'GET', 't1:a'],
  ],
  'errors outside and inside MULTI': [
    [0, 'EXEC'],
    [0, 'DISCARD'],
    [0, 'MULTI'],
    [0, 'MULTI'],
    [0, 'WATCH', 't2:a'],
    [0, 'SET', 't2:a', '1'],
    [0, 'EXEC'],
    [0, 'MULTI'],
    [0, 'SET', 't2:b'],
    [0, 'SET', 't2:b', '1'],
    [0, 'EXEC'],
    [0, 'GET', 't2:b'],
    [0, 'MULTI'],
    [0, 'NOSUCHCOMMAND', 'x'],
    [0, 'EXEC'],
    [0, 'MULTI'],
    [0, 'DISCARD'],
    [0, 'DISCARD'],
    [0, 'MULTI'],
    [0, 'EXEC'],
  ],
  'WATCH against other clients': [
    [0, 'SET', 't3:x', '1'],
    [0, 'WATCH', 't3:x', 't3:y'],
    [1, 'SET', 't3:x', '2'],
    [0, 'MULTI'],
    [0, 'SET', 't3:y', 'never'],
    [0, 'EXEC'],
    [0, 'GET', 't3:y'],
    [0, 'WATCH', 't3:x'],
    [1, 'GET', 't3:x'],
    [0, 'MULTI'],
    [0, 'INCR', 't3:x'],
    [0, 'EXEC'],
    [0, 'WATCH', 't3:x'],
    [1, 'SET', 't3:x', '9', 'NX'],
    [1, 'GETEX', 't3:x', 'PERSIST'],
    [1, 'SETRANGE', 't3:x', '0', ''],
    [1, 'MSETNX', 't3:x', '1', 't3:z', '2'],
    [1, 'INCRBYFLOAT', 't3:x', 'abc'],
    [1, 'GETDEL', 't3:nokey'],
    [0, 'MULTI'],
    [0, 'INCR', 't3:x'],
    [0, 'EXEC'],
    [0, 'WATCH', 't3:x'],
    [1, 'APPEND', 't3:x', ''],
    [0, 'MULTI'],
    [0, 'INCR', 't3:x'],
    [0, 'EXEC'],
  ],
  'WATCH, UNWATCH, DISCARD and dirty clients': [
    [0, 'SET', 't4:x', '1'],
    [0, 'WATCH', 't4:x'],
    [0, 'SET', 't4:x', '2'],
    [0, 'WATCH', 't4:y'],
    [0, 'MULTI'],
    [0, 'PING'],
    [0, 'EXEC'],
    [0, 'WATCH', 't4:x'],
    [1, 'SET', 't4:x', '3'],
    [0, 'UNWATCH'],
    [0, 'MULTI'],
    [0, 'GET', 't4:x'],
    [0, 'EXEC'],
    [0, 'WATCH', 't4:x'],
    [1, 'DECR', 't4:x'],
    [0, 'MULTI'],
    [0, 'DISCARD'],
    [0, 'MULTI'],
    [0, 'INCR', 't4:x'],
    [0, 'EXEC'],
    [0, 'WATCH', 't4:x'],
    [0, 'MULTI'],
    [0, 'SET', 't4:x', 'own'],
    [0, 'EXEC'],
    [0, 'UNWATCH'],
  ],
  'WATCH across databases': [
    [0, 'SELECT', '5'],
    [0, 'SET', 't5:x', '30'],
    [0, 'WATCH', 't5:x'],
    [1, 'SELECT', '1'],
    [1, 'SET', 't5:x', '10'],
    [0, 'MULTI'],
    [0, 'PING'],
    [0, 'EXEC'],
    [0, 'WATCH', 't5:x'],
    [1, 'SELECT', '5'],
    [1, 'SET', 't5:x', '11'],
    [0, 'MULTI'],
    [0, 'PING'],
    [0, 'EXEC'],
    [0, 'MULTI'],
    [0, 'SELECT', '2'],
    [0, 'SET', 't5:y', 'in2'],
    [0, 'SELECT', '99'],
    [0, 'GET', 't5:y'],
    [0, 'EXEC'],
    [0, 'GET', 't5:y'],
    [0, 'SELECT', '0'],
    [1, 'SELECT', '0'],
  ],
  'a transaction that expires keys it sets': [
    [0, 'MULTI'],
    [0, 'SET', 't6:a', 'v', 'PXAT', '1'],
    [0, 'GET', 't6:a'],
    [0, 'SET', 't6:b', 'v', 'EX', '100'],
    [0, 'GETEX', 't6:b', 'EXAT', '1'],
    [0, 'GET', 't6:b'],
    [0, 'EXEC'],
  ],
};

for (const [name, steps] of Object.entries(scripts)) {
  test(`${name} replies as Redis does`, { skip }, async () => {
    await compare(name, steps);
  });
}
