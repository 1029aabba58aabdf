/**
 * Servers for tests: an embedded Amber in a fresh temp dir on port 0, and a real
 * redis-server 7.0.15 on a free port for differential tests (skipped, with a message,
 * where redis-server is not installed; CI installs it).
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type AmberServer, type StartOptions } from '../../src/index.js';
import { TestClient } from './resp.js';

export function tempDir(prefix = 'amber-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TestAmber extends AmberServer {
  dir: string;
  client(): Promise<TestClient>;
  /** Closes the server and removes its directory. */
  stop(): Promise<void>;
}

/** Starts Amber embedded with persistence off unless options turn it on. */
export async function startAmber(options: StartOptions = {}): Promise<TestAmber> {
  const dir = (options.dir as string | undefined) ?? tempDir();
  const amber = await startServer({ save: '', appendonly: 'no', ...options, dir });
  const clients: TestClient[] = [];
  return {
    ...amber,
    port: amber.port,
    server: amber.server,
    close: amber.close,
    dir,
    async client() {
      const c = await TestClient.connect(amber.port);
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.close();
      await amber.close();
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

let redisPath: string | null | undefined;
/** The redis-server binary, or null when it is not installed. */
export function redisServerPath(): string | null {
  if (redisPath === undefined) {
    const r = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
    redisPath = r.status === 0 ? r.stdout.trim() : null;
  }
  return redisPath;
}

/** Message for test skips when the reference server is absent. */
export const NO_REDIS = 'redis-server 7.0 is not installed (apt-get install redis-server); differential test skipped';

export interface RealRedis {
  port: number;
  dir: string;
  proc: ChildProcess;
  client(): Promise<TestClient>;
  stop(): Promise<void>;
}

/** Starts a real redis-server on a free loopback port in a temp dir. */
export async function startRedis(args: string[] = []): Promise<RealRedis> {
  const bin = redisServerPath();
  if (bin === null) throw new Error(NO_REDIS);
  const dir = tempDir('amber-redis-');
  const port = await freePort();
  const proc = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--enable-debug-command', 'yes', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout!.on('data', (d) => (output += d));
  proc.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 10000;
  for (;;) {
    try {
      const c = await TestClient.connect(port);
      const pong = await c.call('PING');
      c.close();
      if (pong === 'PONG') break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`redis-server did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const clients: TestClient[] = [];
  return {
    port,
    dir,
    proc,
    async client() {
      const c = await TestClient.connect(port);
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.close();
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Sends the same commands to both servers over one connection each and returns the
 * exact reply texts side by side.
 */
export async function bothReplies(
  amber: TestClient,
  redis: TestClient,
  commands: readonly (readonly (string | number)[])[],
): Promise<{ command: readonly (string | number)[]; amber: string; redis: string }[]> {
  const out = [];
  for (const cmd of commands) {
    const a = await amber.callRaw(...cmd);
    const r = await redis.callRaw(...cmd);
    out.push({ command: cmd, amber: a, redis: r });
  }
  return out;
}

/** Polls fn until it returns true or the deadline passes (never a bare sleep). */
export async function waitFor(fn: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
