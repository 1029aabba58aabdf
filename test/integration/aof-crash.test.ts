/**
 * Crash tests: a child amber-server under write load from several clients is killed with
 * SIGKILL at random moments, then restarted on the same directory. Every acknowledged write
 * must be there with `appendfsync always`; with `everysec` at most the last ~2 seconds may be
 * missing; in every case the server starts, each writer's keys form a prefix of what it sent
 * (no reordering, no gaps) and redis-check-aof accepts the files.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestClient } from '../helpers/resp.js';
import { tempDir, waitFor } from '../helpers/servers.js';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'server', 'cli.js');
const WRITERS = 3;

/** A small seeded PRNG so a failing run can be repeated. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Starts a child server on a port it picks itself (--port 0; the port is read from its log),
 * so no other test can take the port between runs. Resolves once it answers PING.
 */
async function startChild(dir: string, fsync: string): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(process.execPath, [CLI, '--port', '0', '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', fsync], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  let port = 0;
  await waitFor(
    async () => {
      if (proc.exitCode !== null) throw new Error(`server exited: ${out}`);
      if (port === 0) {
        const m = /Running mode=standalone, port=(\d+)\./.exec(out);
        if (m === null) return false;
        port = Number(m[1]);
      }
      try {
        const c = await TestClient.connect(port);
        const r = await c.call('PING');
        c.close();
        return r === 'PONG';
      } catch {
        return false;
      }
    },
    15000,
    'server start',
  );
  return { proc, port };
}

interface Writer {
  acked: number;
  ackTimes: number[];
  stop: boolean;
  done: Promise<void>;
}

/** Writes per writer and cycle: enough to exercise the log, small enough to check quickly. */
const MAX_WRITES = 15000;

/** Writes `SET <prefix>:<seq> <seq>` in windows of 8 until stopped, capped, or the connection dies. */
function startWriter(port: number, prefix: string): Writer {
  const w: Writer = { acked: 0, ackTimes: [], stop: false, done: Promise.resolve() };
  w.done = (async () => {
    let c: TestClient;
    try {
      c = await TestClient.connect(port);
    } catch {
      return;
    }
    try {
      let seq = 0;
      while (!w.stop && seq < MAX_WRITES) {
        const window = 8;
        for (let i = 0; i < window; i++) c.send('SET', `${prefix}:${seq + i}`, String(seq + i));
        for (let i = 0; i < window; i++) {
          const r = await c.read(3000);
          if (r !== 'OK') throw new Error(`unexpected reply ${String(r)}`);
          w.acked = seq + i + 1;
          w.ackTimes.push(Date.now());
        }
        seq += window;
      }
    } catch {
      /* killed server: the connection drops */
    } finally {
      c.close();
    }
  })();
  return w;
}

/** How many consecutive keys prefix:0.. exist, checking that nothing exists after the gap. */
async function presentPrefix(c: TestClient, prefix: string, upTo: number): Promise<number> {
  const n = upTo + 64;
  for (let i = 0; i < n; i++) c.send('GET', `${prefix}:${i}`);
  let present = 0;
  let gap = false;
  for (let i = 0; i < n; i++) {
    const v = await c.read();
    if (v === null) gap = true;
    else {
      assert.ok(!gap, `${prefix}:${i} exists after a missing key (writes reordered or lost in the middle)`);
      assert.equal(v, String(i));
      present++;
    }
  }
  return present;
}

async function crashCycles(fsync: 'always' | 'everysec', cycles: number, seed: number, killAfter: () => number): Promise<void> {
  const dir = tempDir('amber-crash-');
  const random = rng(seed);
  try {
    for (let cycle = 0; cycle < cycles; cycle++) {
      const { proc, port } = await startChild(dir, fsync);
      const writers: Writer[] = [];
      for (let w = 0; w < WRITERS; w++) writers.push(startWriter(port, `c${cycle}w${w}`));
      const wait = killAfter() + random() * 200;
      await new Promise((r) => setTimeout(r, wait));
      const killedAt = Date.now();
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await exited;
      for (const w of writers) w.stop = true;
      await Promise.all(writers.map((w) => w.done));
      // Restart and check what survived.
      const restarted = await startChild(dir, fsync);
      const again = restarted.proc;
      const c = await TestClient.connect(restarted.port);
      try {
        for (let w = 0; w < WRITERS; w++) {
          const writer = writers[w]!;
          const present = await presentPrefix(c, `c${cycle}w${w}`, writer.acked);
          if (fsync === 'always') {
            assert.ok(present >= writer.acked, `cycle ${cycle} writer ${w}: ${writer.acked} acknowledged but only ${present} present`);
          } else {
            const mustHave = writer.ackTimes.filter((t) => t <= killedAt - 2000).length;
            assert.ok(present >= mustHave, `cycle ${cycle} writer ${w}: writes acknowledged over 2 s before the kill are missing (${present} < ${mustHave})`);
          }
        }
      } finally {
        c.close();
        const exited2 = new Promise((r) => again.once('exit', r));
        again.kill('SIGTERM');
        await exited2;
      }
    }
    if (spawnSync('sh', ['-c', 'command -v redis-check-aof']).status === 0) {
      const r = spawnSync('redis-check-aof', [path.join(dir, 'appendonlydir', 'appendonly.aof.manifest')], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('appendfsync always: every acknowledged write survives SIGKILL (12 kills)', { timeout: 120000 }, async () => {
  await crashCycles('always', 12, 42, () => 100);
});

test('appendfsync everysec: at most the last ~2 s are lost on SIGKILL (8 kills)', { timeout: 120000 }, async () => {
  await crashCycles('everysec', 8, 7, () => 2300);
});
