/**
 * The AOF's INCR file against redis-server 7.0's, byte for byte, for one pipelined stream of
 * requests sent in pieces (so frames are split across reads). Amber appends a command
 * propagated as it arrived by copying its request bytes; this checks that those copies, the
 * commands it encodes itself (inline requests, rewritten effects, a large argument, SELECT,
 * MULTI/EXEC) and their order are exactly what Redis writes.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { NO_REDIS, redisServerPath, startAmber, startRedis } from '../helpers/servers.js';
import { encodeCommand, type TestClient } from '../helpers/resp.js';

const skip = redisServerPath() === null ? NO_REDIS : false;

/** Requests: an array is sent as a multibulk frame, a string as an inline line. */
function stream(): (string[] | string)[] {
  let bytes = '';
  for (let i = 0; i < 256; i++) bytes += String.fromCharCode(i);
  const out: (string[] | string)[] = [];
  for (let r = 0; r < 40; r++) {
    out.push(
      ['SET', `k${r}`, `v${r}`],
      ['set', `lower${r}`, 'x'],
      ['SET', `bin${r}`, bytes],
      ['INCR', 'counter'],
      ['INCR', `bin${r}`], // an error: not propagated
      ['INCRBYFLOAT', 'f', '1.5'], // propagated as SET ... KEEPTTL
      ['LPUSH', `l${r}`, 'a', 'b', 'c'],
      ['RPOP', `l${r}`],
      ['LPOP', 'nolist'], // nothing changes
      ['BLPOP', `l${r}`, '0'], // served at once: propagated as a plain pop
      ['LMOVE', `l${r}`, `dst${r}`, 'LEFT', 'RIGHT'],
      ['GETDEL', `dst${r}`], // nothing: dst is a list (WRONGTYPE)
      ['SET', `gd${r}`, 'x', 'GET'],
      ['GETDEL', `gd${r}`], // propagated as DEL
      ['HSET', 'h', `f${r}`, 'v', 'g', String(r)],
      ['SADD', `s${r}`, 'm'],
      ['SADD', `s${r}`, 'm'], // no change: not propagated
      ['SPOP', `s${r}`], // propagated as SREM
      ['SELECT', '3'],
      ['SET', `in3:${r}`, 'y'],
      ['SELECT', '0'],
      ['MULTI'],
      ['SET', `m${r}`, '1'],
      ['INCR', `m${r}`],
      ['EXEC'],
      ['GET', `k${r}`],
      `SET inline${r} "quoted value"`,
      ['DEL', `k${r}`, 'nokey'],
    );
    if (r % 10 === 0) out.push(['SET', `big${r}`, 'z'.repeat(40_000 + r)]);
  }
  return out;
}

function wire(reqs: (string[] | string)[]): Buffer {
  return Buffer.concat(reqs.map((q) => (typeof q === 'string' ? Buffer.from(q + '\r\n', 'latin1') : encodeCommand(q))));
}

/** Sends the bytes in pieces of pseudo-random sizes with pauses (separate reads), then reads every reply. */
async function play(c: TestClient, bytes: Buffer, replies: number): Promise<void> {
  let seed = 11;
  let at = 0;
  while (at < bytes.length) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const n = 1 + (seed % 700);
    c.sendRaw(bytes.subarray(at, at + n));
    at += n;
    if (seed % 4 === 0) await new Promise((r) => setTimeout(r, 1));
  }
  for (let i = 0; i < replies; i++) await c.read();
}

function incrFile(dir: string): Buffer {
  const aofDir = path.join(dir, 'appendonlydir');
  const name = fs.readdirSync(aofDir).find((f) => f.endsWith('.incr.aof'));
  assert.ok(name !== undefined, 'an INCR file exists');
  return fs.readFileSync(path.join(aofDir, name));
}

test('the INCR file holds the same bytes as redis-server 7.0 writes for a pipelined stream sent in pieces', { skip }, async () => {
  const reqs = stream();
  const bytes = wire(reqs);
  const amber = await startAmber({ appendonly: 'yes', appendfsync: 'everysec' });
  const redis = await startRedis(['--appendonly', 'yes']);
  try {
    await play(await amber.client(), bytes, reqs.length);
    await play(await redis.client(), bytes, reqs.length);
    // Both write the AOF before the replies of the turn leave.
    const ours = incrFile(amber.dir);
    const theirs = incrFile(redis.dir);
    assert.ok(ours.length > 100_000, 'the stream was logged');
    if (!ours.equals(theirs)) {
      let i = 0;
      while (i < ours.length && ours[i] === theirs[i]) i++;
      assert.fail(`the files differ from byte ${i}: ours ${JSON.stringify(ours.subarray(Math.max(0, i - 40), i + 60).toString('latin1'))}, redis ${JSON.stringify(theirs.subarray(Math.max(0, i - 40), i + 60).toString('latin1'))}`);
    }
  } finally {
    await amber.stop();
    await redis.stop();
  }
});

test('clients read in the same turn each get their own request bytes into the INCR file (the read buffer is shared)', async () => {
  const amber = await startAmber({ appendonly: 'yes', appendfsync: 'everysec' });
  try {
    const clients = await Promise.all([0, 1, 2, 3].map(() => amber.client()));
    const blocks: Buffer[] = [];
    for (let r = 0; r < 30; r++) {
      // Every client's pipeline is written before the server's loop runs: it reads them
      // one after another into the same buffer, then writes the AOF once for the turn.
      clients.forEach((c, i) => {
        const reqs = Array.from({ length: 16 }, (_, j) => ['SET', `c${i}:r${r}:${j}`, String.fromCharCode(97 + i).repeat(1 + i * 7 + j)]);
        const block = wire(reqs);
        blocks.push(block);
        c.sendRaw(block);
      });
      for (const c of clients) for (let j = 0; j < 16; j++) assert.equal(await c.read(), 'OK');
    }
    const file = incrFile(amber.dir);
    const select = wire([['SELECT', '0']]);
    assert.equal(file.length, select.length + blocks.reduce((n, b) => n + b.length, 0), 'nothing more, nothing less');
    for (const [k, block] of blocks.entries()) assert.ok(file.includes(block), `block ${k} (client ${k % 4}) is in the file as sent`);
  } finally {
    await amber.stop();
  }
});
