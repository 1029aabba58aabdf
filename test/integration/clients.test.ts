/**
 * The two most used Node.js Redis clients, unmodified, against Amber: ioredis and
 * node-redis (the `redis` package) in RESP2 and RESP3. Basic commands of each type,
 * pipelines, transactions (with WATCH), pub/sub, errors and connection setup (the INFO
 * ready check of ioredis, HELLO and CLIENT SETINFO of node-redis).
 */

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { startAmber, type TestAmber } from '../helpers/servers.js';

let amber: TestAmber;
before(async () => {
  amber = await startAmber();
});
after(async () => {
  await amber.stop();
});

describe('ioredis', () => {
  let r: Redis;
  before(async () => {
    r = new Redis({ port: amber.port, host: '127.0.0.1', connectionName: 'io-client', lazyConnect: true, maxRetriesPerRequest: 0 });
    await r.connect();
  });
  after(async () => {
    await r.quit();
  });

  test('passes the ready check and names its connection', async () => {
    assert.equal(r.status, 'ready');
    assert.equal(await r.client('GETNAME'), 'io-client');
  });

  test('strings, counters and expiry', async () => {
    assert.equal(await r.set('io:s', 'hello', 'EX', 100), 'OK');
    assert.equal(await r.get('io:s'), 'hello');
    assert.ok((await r.ttl('io:s')) > 90);
    assert.equal(await r.incrby('io:n', 5), 5);
    assert.equal(await r.incrbyfloat('io:n', 0.5), '5.5');
    assert.deepEqual(await r.mget('io:s', 'io:missing'), ['hello', null]);
    const buf = Buffer.from([0, 1, 2, 255]);
    await r.set('io:bin', buf);
    assert.deepEqual(await r.getBuffer('io:bin'), buf);
  });

  test('hashes, lists, sets and sorted sets', async () => {
    await r.hset('io:h', { a: '1', b: '2' });
    assert.deepEqual(await r.hgetall('io:h'), { a: '1', b: '2' });
    await r.rpush('io:l', 'x', 'y', 'z');
    assert.deepEqual(await r.lrange('io:l', 0, -1), ['x', 'y', 'z']);
    await r.sadd('io:set', 'm1', 'm2');
    assert.deepEqual((await r.smembers('io:set')).sort(), ['m1', 'm2']);
    await r.zadd('io:z', 2, 'two', 1, 'one');
    assert.deepEqual(await r.zrange('io:z', 0, -1, 'WITHSCORES'), ['one', '1', 'two', '2']);
  });

  test('pipelines return every reply in order, errors in place', async () => {
    const res = await r.pipeline().set('io:p', '1').incr('io:p').hset('io:p', 'f', 'v').get('io:p').exec();
    assert.equal(res!.length, 4);
    assert.deepEqual(res![0], [null, 'OK']);
    assert.deepEqual(res![1], [null, 2]);
    assert.match(String(res![2]![0]), /^ReplyError: WRONGTYPE/);
    assert.deepEqual(res![3], [null, '2']);
  });

  test('transactions, and WATCH aborting one', async () => {
    const res = await r.multi().set('io:t', 'a').append('io:t', 'b').get('io:t').exec();
    assert.deepEqual(res, [[null, 'OK'], [null, 2], [null, 'ab']]);
    const other = new Redis({ port: amber.port, host: '127.0.0.1' });
    await r.watch('io:w');
    await other.set('io:w', 'changed');
    assert.equal(await r.multi().set('io:w', 'mine').exec(), null);
    assert.equal(await r.get('io:w'), 'changed');
    other.disconnect();
  });

  test('a command error rejects with the Redis error text', async () => {
    await assert.rejects(r.call('NOSUCHCOMMAND', 'x'), /ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'x'/);
    await assert.rejects(r.lpush('io:s', 'x'), /WRONGTYPE Operation against a key holding the wrong kind of value/);
  });

  test('scanStream walks every key', async () => {
    for (let i = 0; i < 50; i++) await r.set(`io:scan:${i}`, i);
    const seen = new Set<string>();
    for await (const keys of r.scanStream({ match: 'io:scan:*', count: 7 })) for (const k of keys as string[]) seen.add(k);
    assert.equal(seen.size, 50);
  });

  test('pub/sub delivers messages', async () => {
    const sub = new Redis({ port: amber.port, host: '127.0.0.1' });
    const got = new Promise<[string, string]>((resolve) => sub.on('message', (ch: string, msg: string) => resolve([ch, msg])));
    await sub.subscribe('io:chan');
    assert.equal(await r.publish('io:chan', 'hi'), 1);
    assert.deepEqual(await got, ['io:chan', 'hi']);
    sub.disconnect();
  });

  test('select and flushdb on another database', async () => {
    const db3 = new Redis({ port: amber.port, host: '127.0.0.1', db: 3 });
    await db3.set('io:db3', 'v');
    assert.equal(await r.exists('io:db3'), 0);
    assert.equal(await db3.dbsize(), 1);
    await db3.flushdb();
    db3.disconnect();
  });
});

for (const RESP of [2, 3] as const) {
  describe(`node-redis (RESP${RESP})`, () => {
    const url = (): string => `redis://127.0.0.1:${amber.port}`;
    let client: ReturnType<typeof createClient>;
    before(async () => {
      client = createClient({ url: url(), RESP, name: `node-redis-${RESP}` });
      client.on('error', () => {});
      await client.connect();
    });
    after(async () => {
      await client.close();
    });

    test('connects and speaks the protocol it asked for', async () => {
      const info = (await client.sendCommand(['CLIENT', 'INFO'])) as string;
      assert.match(String(info), new RegExp(`resp=${RESP}\\b`));
      assert.match(String(info), new RegExp(`name=node-redis-${RESP}\\b`));
      assert.equal(await client.ping(), 'PONG');
    });

    test('strings, hashes, lists, sets, sorted sets', async () => {
      const p = `nr${RESP}:`;
      assert.equal(await client.set(`${p}s`, 'v', { EX: 100 }), 'OK');
      assert.equal(await client.get(`${p}s`), 'v');
      assert.equal(await client.incrBy(`${p}n`, 3), 3);
      await client.hSet(`${p}h`, { f1: 'a', f2: 'b' });
      assert.deepEqual({ ...(await client.hGetAll(`${p}h`)) }, { f1: 'a', f2: 'b' });
      await client.rPush(`${p}l`, ['1', '2', '3']);
      assert.deepEqual(await client.lRange(`${p}l`, 0, -1), ['1', '2', '3']);
      await client.sAdd(`${p}set`, ['a', 'b']);
      assert.deepEqual((await client.sMembers(`${p}set`)).sort(), ['a', 'b']);
      await client.zAdd(`${p}z`, [{ score: 1.5, value: 'x' }, { score: 0.5, value: 'y' }]);
      assert.deepEqual(await client.zRangeWithScores(`${p}z`, 0, -1), [
        { value: 'y', score: 0.5 },
        { value: 'x', score: 1.5 },
      ]);
      assert.equal(await client.zScore(`${p}z`, 'x'), 1.5);
    });

    test('auto-pipelined commands all answer', async () => {
      const p = `nr${RESP}:pipe:`;
      const sets = await Promise.all(Array.from({ length: 100 }, (_, i) => client.set(`${p}${i}`, String(i))));
      assert.ok(sets.every((r) => r === 'OK'));
      const gets = await Promise.all(Array.from({ length: 100 }, (_, i) => client.get(`${p}${i}`)));
      assert.deepEqual(gets, Array.from({ length: 100 }, (_, i) => String(i)));
    });

    test('MULTI/EXEC transactions and WATCH', async () => {
      const p = `nr${RESP}:tx:`;
      const res = await client.multi().set(`${p}a`, '1').incr(`${p}a`).get(`${p}a`).exec();
      assert.deepEqual(res, ['OK', 2, '2']);
      const iso = await client.duplicate().connect();
      await iso.watch(`${p}w`);
      await client.set(`${p}w`, 'other');
      await assert.rejects(iso.multi().set(`${p}w`, 'mine').exec());
      await iso.close();
      assert.equal(await client.get(`${p}w`), 'other');
    });

    test('errors reject with the Redis text', async () => {
      await client.set(`nr${RESP}:str`, 'x');
      await assert.rejects(client.lPush(`nr${RESP}:str`, 'y'), /WRONGTYPE/);
      await assert.rejects(client.sendCommand(['NOSUCH']), /ERR unknown command 'NOSUCH'/);
    });

    test('pub/sub', async () => {
      const sub = client.duplicate();
      sub.on('error', () => {});
      await sub.connect();
      const got = new Promise<string>((resolve) => void sub.subscribe(`nr${RESP}:ch`, (msg) => resolve(msg)));
      // Wait until the subscription is registered before publishing.
      for (let i = 0; i < 100 && (await client.pubSubNumSub(`nr${RESP}:ch`))[`nr${RESP}:ch`] === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(await client.publish(`nr${RESP}:ch`, 'hello'), 1);
      assert.equal(await got, 'hello');
      await sub.close();
    });

    test('INFO, CONFIG GET and TIME parse', async () => {
      assert.match(await client.info('server'), /redis_version:7\.0\.15/);
      const cfg = await client.configGet('maxmemory*');
      assert.equal(cfg['maxmemory-policy'], 'noeviction');
      const [sec] = await client.time();
      assert.ok(Math.abs(Number(sec) * 1000 - Date.now()) < 10000);
    });
  });
}
