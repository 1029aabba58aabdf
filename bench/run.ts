/**
 * `npm run bench`: Amber and a real redis-server side by side in the same run.
 *
 * Both servers start with the same options (no persistence unless a section asks for it);
 * redis-benchmark drives each in turn with the same parameters, and the figures are
 * printed as ops/s and as the ratio Amber/Redis. Memory is compared after loading the same
 * keys into both. Nothing here is a test: there are no pass/fail thresholds.
 *
 *   node dist/bench/run.js [--quick] [--only set,get] [--sections throughput,memory,...]
 *                          [--markdown docs/benchmarks.md]
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, '..', 'src', 'server', 'cli.js');

interface Args {
  quick: boolean;
  only: string[] | null;
  sections: string[];
  markdown: string | null;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, only: null, sections: ['throughput', 'memory'], markdown: null };
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!;
    if (w === '--quick') a.quick = true;
    else if (w === '--only') a.only = argv[++i]!.split(',');
    else if (w === '--sections') a.sections = argv[++i]!.split(',');
    else if (w === '--markdown') a.markdown = argv[++i]!;
    else throw new Error(`unknown option ${w}`);
  }
  return a;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Running {
  name: 'amber' | 'redis';
  port: number;
  proc: ChildProcess;
  dir: string;
  stop(): Promise<void>;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => s.write('PING\r\n'));
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    s.once('error', () => resolve(false));
  });
}

/** Starts Amber or redis-server on a free port with the given extra options. */
export async function startServer(name: 'amber' | 'redis', extra: string[] = []): Promise<Running> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const common = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...extra];
  const proc =
    name === 'amber'
      ? spawn(process.execPath, [CLI, ...common], { stdio: ['ignore', 'ignore', 'inherit'] })
      : spawn('redis-server', common, { stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 15000;
  while (!(await ping(port))) {
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`${name} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    name,
    port,
    proc,
    dir,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs redis-benchmark and returns requests per second for each test. */
export function redisBenchmark(port: number, test: string, opts: { clients: number; requests: number; pipeline: number; keyspace?: number }): number {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-c', String(opts.clients), '-n', String(opts.requests), '-P', String(opts.pipeline), '-t', test, '--csv'];
  if (opts.keyspace) args.push('-r', String(opts.keyspace));
  const r = spawnSync('redis-benchmark', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  // CSV: "test","rps","avg_latency_ms",... ; first line is the header.
  const lines = r.stdout.trim().split('\n').filter((l) => l.startsWith('"') && !l.startsWith('"test"'));
  if (lines.length === 0) throw new Error(`no result for ${test}: ${r.stdout}`);
  const cols = lines[0]!.split(',').map((c) => c.replace(/"/g, ''));
  return Number(cols[1]);
}

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) : 0;
}

/** Sends commands over one connection as fast as the server answers (pipelined in batches). */
export async function pipeCommands(port: number, commands: Iterable<string[]>, batch = 1000): Promise<void> {
  const sock = net.connect({ port, host: '127.0.0.1' });
  await new Promise<void>((r) => sock.once('connect', () => r()));
  let pendingReplies = 0;
  let waiter: (() => void) | null = null;
  let buf = '';
  sock.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    // Count complete simple replies/ints/errors (the load uses SET-like commands only).
    let idx: number;
    while ((idx = buf.indexOf('\r\n')) >= 0) {
      buf = buf.slice(idx + 2);
      pendingReplies--;
    }
    if (pendingReplies <= 0 && waiter) {
      const w = waiter;
      waiter = null;
      w();
    }
  });
  let chunk: string[] = [];
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    pendingReplies += chunk.length;
    sock.write(chunk.join(''), 'latin1');
    chunk = [];
    await new Promise<void>((r) => (waiter = r));
  };
  for (const argv of commands) {
    let s = `*${argv.length}\r\n`;
    for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
    chunk.push(s);
    if (chunk.length >= batch) await flush();
  }
  await flush();
  sock.destroy();
}

function* stringKeys(n: number): Generator<string[]> {
  for (let i = 0; i < n; i++) yield ['SET', `key:${String(i).padStart(12, '0')}`, 'xxx'];
}

async function infoField(port: number, field: string): Promise<string> {
  const r = spawnSync('redis-cli', ['-p', String(port), 'INFO', 'memory'], { encoding: 'utf8' });
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(r.stdout);
  return m ? m[1]!.trim() : '';
}

interface Row {
  section: string;
  name: string;
  amber: number;
  redis: number;
  unit: string;
  /** Higher is better for ops/s; lower is better for memory and time. */
  better: 'higher' | 'lower';
}

async function throughput(a: Args, rows: Row[]): Promise<void> {
  const tests = a.only ?? ['set', 'get', 'incr', 'mset', 'lpush', 'rpop', 'sadd', 'hset', 'zadd', 'lrange_100'];
  const requests = a.quick ? 100_000 : 1_000_000;
  for (const pipeline of [1, 16]) {
    const amber = await startServer('amber');
    const redis = await startServer('redis');
    try {
      for (const t of tests) {
        const n = pipeline === 1 ? requests / 4 : requests;
        const opts = { clients: 50, requests: n, pipeline, keyspace: 100_000 };
        const ra = redisBenchmark(amber.port, t, opts);
        const rr = redisBenchmark(redis.port, t, opts);
        rows.push({ section: 'throughput', name: `${t.toUpperCase()} -P ${pipeline}`, amber: ra, redis: rr, unit: 'ops/s', better: 'higher' });
        process.stderr.write(`${t} -P ${pipeline}: amber ${ra.toFixed(0)} redis ${rr.toFixed(0)} ratio ${(ra / rr).toFixed(2)}\n`);
      }
    } finally {
      await amber.stop();
      await redis.stop();
    }
  }
}

async function memory(a: Args, rows: Row[]): Promise<void> {
  const n = a.quick ? 200_000 : 1_000_000;
  const amber = await startServer('amber');
  const redis = await startServer('redis');
  try {
    const before = { amber: rssKb(amber.proc.pid!), redis: rssKb(redis.proc.pid!) };
    await pipeCommands(amber.port, stringKeys(n));
    await pipeCommands(redis.port, stringKeys(n));
    const after = { amber: rssKb(amber.proc.pid!), redis: rssKb(redis.proc.pid!) };
    rows.push({ section: 'memory', name: `RSS after ${n} small string keys`, amber: after.amber / 1024, redis: after.redis / 1024, unit: 'MB', better: 'lower' });
    rows.push({ section: 'memory', name: `RSS growth for ${n} keys`, amber: (after.amber - before.amber) / 1024, redis: (after.redis - before.redis) / 1024, unit: 'MB', better: 'lower' });
    const ua = Number(await infoField(amber.port, 'used_memory'));
    const ur = Number(await infoField(redis.port, 'used_memory'));
    if (ua > 0 && ur > 0) rows.push({ section: 'memory', name: `used_memory with ${n} keys`, amber: ua / 1048576, redis: ur / 1048576, unit: 'MB', better: 'lower' });
  } finally {
    await amber.stop();
    await redis.stop();
  }
}

export function formatTable(rows: Row[]): string {
  const out = ['| section | measure | Amber | Redis 7.0.15 | Amber/Redis |', '|---|---|---:|---:|---:|'];
  for (const r of rows) {
    const fmt = (v: number) => (r.unit === 'ops/s' ? v.toFixed(0) : v.toFixed(1)) + ' ' + r.unit;
    out.push(`| ${r.section} | ${r.name} | ${fmt(r.amber)} | ${fmt(r.redis)} | ${(r.amber / r.redis).toFixed(2)} |`);
  }
  return out.join('\n');
}

/** Sections other modules add (persistence, AOF): name → runner. */
export const SECTIONS: Record<string, (a: Args, rows: Row[]) => Promise<void>> = { throughput, memory };

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const rows: Row[] = [];
  for (const s of a.sections) {
    const run = SECTIONS[s];
    if (!run) throw new Error(`unknown section ${s}; known: ${Object.keys(SECTIONS).join(', ')}`);
    await run(a, rows);
  }
  const table = formatTable(rows);
  process.stdout.write(table + '\n');
  if (a.markdown) {
    const stamp = new Date().toISOString().slice(0, 10);
    writeFileSync(a.markdown, `# Benchmarks\n\nMeasured ${stamp} on the project's 2-core machine by \`npm run bench\` (redis-benchmark, 50 clients, random keys over 100k).\nAmber and redis-server 7.0.15 ran side by side in the same run; ratios above 1 mean Amber is faster (ops/s) or larger (memory).\n\n${table}\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    process.stderr.write(String(e?.stack ?? e) + '\n');
    process.exit(1);
  });
}
