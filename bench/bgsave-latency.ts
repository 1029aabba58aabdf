/**
 * GET latency while a BGSAVE runs, measured the same way for Amber and redis-server.
 *
 * The load is redis-benchmark (`-t get -c 50 -r <keys>`, ping-pong, no pipelining) run in
 * loop mode: it prints a full latency distribution every `chunk` requests, and the
 * distributions of the chunks that ran while the save was in progress are merged. A C load
 * generator takes a fraction of the CPU a Node one does (on a 2-core machine the load
 * generator competes with the server for the same cores); the Node driver (`--driver node`)
 * is kept to compare. Nothing blocks the measuring process meanwhile: the end of the save
 * is polled with INFO over a persistent connection and RSS is read from /proc.
 *
 * Phases per server: load the keys (the SET stream of `npm run bench`), GETs for a while
 * with no save (baseline), then GETs during BGSAVE. Reported per phase: p50/p99/p99.9/max,
 * requests/s, and the server's CPU time; for the save its duration and the server's RSS
 * growth (Redis's copy lives in its forked child: only the parent's RSS is counted).
 *
 *   node dist/bench/bgsave-latency.js [--keys 5000000] [--servers amber,redis,old=/x/cli.js]
 *        [--port 7800] [--driver redis-benchmark|node] [--clients 50] [--idle-ms 4000]
 *        [--rounds 1] [--node-args "--trace-gc"] [--rdb dump.rdb]
 *        [--command BGSAVE|BGREWRITEAOF] [--chunk 10000]
 *
 * All servers are started and loaded first, then measured in turn, round after round (a
 * shared machine's load swings then hit them alike); with several rounds the best round of
 * each is printed too.
 *
 * Not a test: there are no thresholds.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, '..', 'src', 'server', 'cli.js');

/** One point of a cumulative latency distribution: `count` requests took at most `ms`. */
type CdfPoint = [ms: number, count: number];

/** A latency distribution: CDF points in increasing order, and the number of requests. */
export interface Distribution {
  points: CdfPoint[];
  total: number;
}

export interface LatencySummary {
  n: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

export interface PhaseResult extends LatencySummary {
  /** Requests per second over the phase. */
  rps: number;
  /** Server CPU time (user + system) per request, in µs. */
  cpuUsPerReq: number;
  ms: number;
}

export interface SaveResult {
  idle: PhaseResult;
  save: PhaseResult;
  /** Peak RSS growth of the server process during the save, % of its RSS before. */
  rssGrowthPct: number;
}

/**
 * Merges distributions: the value at percentile q is the smallest recorded value at which
 * the summed step CDFs reach q of all requests. Each chunk's CDF is known only at its
 * points, so the merged figure errs high (never low).
 */
export function mergePercentiles(dists: Distribution[]): LatencySummary {
  const total = dists.reduce((s, d) => s + d.total, 0);
  const values = [...new Set(dists.flatMap((d) => d.points.map((p) => p[0])))].sort((a, b) => a - b);
  const idx = dists.map(() => -1);
  const out: LatencySummary = { n: total, p50: NaN, p99: NaN, p999: NaN, max: NaN };
  const wanted: [keyof LatencySummary, number][] = [
    ['p50', 0.5],
    ['p99', 0.99],
    ['p999', 0.999],
    ['max', 1],
  ];
  let w = 0;
  for (const v of values) {
    let below = 0;
    dists.forEach((d, i) => {
      while (idx[i]! + 1 < d.points.length && d.points[idx[i]! + 1]![0] <= v) idx[i]!++;
      below += idx[i]! < 0 ? 0 : d.points[idx[i]!]![1];
    });
    while (w < wanted.length && below >= wanted[w]![1] * total) {
      out[wanted[w]![0]] = v;
      w++;
    }
    if (w === wanted.length) break;
  }
  return out;
}

/** Exact percentiles of raw samples (the Node driver). */
function samplePercentiles(lat: number[]): LatencySummary {
  lat.sort((a, b) => a - b);
  const p = (q: number): number => lat[Math.min(lat.length - 1, Math.floor(lat.length * q))] ?? NaN;
  return { n: lat.length, p50: p(0.5), p99: p(0.99), p999: p(0.999), max: lat[lat.length - 1] ?? NaN };
}

/** utime + stime of a process, in ms. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // fields 14, 15; USER_HZ = 100
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** A persistent connection for INFO polls (one command at a time). */
class Control {
  private buf = '';
  private waiter: ((s: string) => void) | null = null;
  private constructor(private readonly sock: net.Socket) {
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      this.buf += d;
      const nl = this.buf.indexOf('\r\n');
      if (nl < 0 || this.waiter === null) return;
      let need = nl + 2;
      if (this.buf[0] === '$') need += Math.max(0, Number(this.buf.slice(1, nl))) + 2;
      if (this.buf.length < need) return;
      const reply = this.buf.slice(0, need);
      this.buf = this.buf.slice(need);
      const w = this.waiter;
      this.waiter = null;
      w(reply);
    });
  }
  static open(port: number): Promise<Control> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(new Control(s)));
      s.once('error', reject);
    });
  }
  send(...args: string[]): Promise<string> {
    let out = `*${args.length}\r\n`;
    for (const a of args) out += `$${a.length}\r\n${a}\r\n`;
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.sock.write(out, 'latin1');
    });
  }
  /** Whether the background job started by `command` (BGSAVE or BGREWRITEAOF) still runs. */
  async saving(command: 'BGSAVE' | 'BGREWRITEAOF' = 'BGSAVE'): Promise<boolean> {
    const info = await this.send('INFO', 'persistence');
    return command === 'BGSAVE' ? /rdb_bgsave_in_progress:1/.test(info) : /aof_rewrite_(in_progress|scheduled):1/.test(info);
  }
  close(): void {
    this.sock.destroy();
  }
}

/**
 * A GET load that runs until stopped. `stop(from, to)` ends it and gives the latencies of
 * the requests made between `from` and `to` (performance.now() times), and the request rate.
 */
interface Load {
  stop(from: number, to: number): Promise<{ summary: LatencySummary; rps: number }>;
}

/**
 * redis-benchmark in loop mode. Each chunk's "Latency by percentile distribution" is kept
 * with the times it started and ended; `stop()` merges the chunks that overlap the window
 * (so a few requests just outside it are counted too: keep chunks short).
 */
function benchmarkLoad(port: number, clients: number, keys: number, chunk: number): Load {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-c', String(clients), '-n', String(chunk), '-r', String(keys), '-t', 'get', '-l'];
  const proc = spawn('redis-benchmark', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const chunks: { startedAt: number; endedAt: number; dist: Distribution }[] = [];
  let current: CdfPoint[] | null = null;
  let chunkStart = performance.now();
  let pending = '';
  proc.stdout.setEncoding('latin1');
  proc.stdout.on('data', (d: string) => {
    pending += d;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.startsWith('Latency by percentile distribution')) current = [];
      else if (current !== null) {
        const m = /<= ([\d.]+) milliseconds \(cumulative count (\d+)\)/.exec(line);
        if (m) current.push([Number(m[1]), Number(m[2])]);
        else if (line.trim() === '' && current.length > 0) {
          const points = current;
          current = null;
          const now = performance.now();
          chunks.push({ startedAt: chunkStart, endedAt: now, dist: { points, total: points[points.length - 1]![1] } });
          chunkStart = now;
        }
      }
    }
  });
  return {
    stop: async (from, to) => {
      // Let the chunk in progress finish, so the end of the window is not lost.
      while (chunks.every((c) => c.endedAt < to) && proc.exitCode === null) await new Promise((r) => setTimeout(r, 5));
      proc.kill('SIGKILL');
      const used = chunks.filter((c) => c.endedAt > from && c.startedAt < to);
      if (used.length === 0) throw new Error('redis-benchmark reported nothing');
      const requests = used.reduce((s, c) => s + c.dist.total, 0);
      const span = used[used.length - 1]!.endedAt - used[0]!.startedAt;
      return { summary: mergePercentiles(used.map((c) => c.dist)), rps: (requests / span) * 1000 };
    },
  };
}

/** Ping-pong GETs from `clients` sockets of this process (what `npm run bench` used before). */
function nodeLoad(port: number, clients: number, keys: number): Load {
  const lat: number[] = [];
  const ends: number[] = [];
  let stopped = false;
  const one = async (): Promise<void> => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    sock.setNoDelay(true);
    await new Promise<void>((r) => sock.once('connect', () => r()));
    let pending: (() => void) | null = null;
    let buf = '';
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      const nl = buf.indexOf('\r\n');
      if (nl < 0) return;
      const len = Number(buf.slice(1, nl));
      const need = len < 0 ? nl + 2 : nl + 2 + len + 2;
      if (buf.length >= need) {
        buf = buf.slice(need);
        const p = pending;
        pending = null;
        p?.();
      }
    });
    while (!stopped) {
      const key = `key:${String(Math.floor(Math.random() * keys)).padStart(12, '0')}`;
      const t0 = performance.now();
      await new Promise<void>((r) => {
        pending = r;
        sock.write(`*2\r\n$3\r\nGET\r\n$${key.length}\r\n${key}\r\n`);
      });
      const t1 = performance.now();
      lat.push(t1 - t0);
      ends.push(t1);
    }
    sock.destroy();
  };
  const all = Promise.all(Array.from({ length: clients }, one));
  return {
    stop: async (from, to) => {
      stopped = true;
      await all;
      const inWindow = lat.filter((_, i) => ends[i]! > from && ends[i]! - lat[i]! < to);
      return { summary: samplePercentiles(inWindow), rps: (inWindow.length / (to - from)) * 1000 };
    },
  };
}

export interface MeasureOptions {
  keys: number;
  clients: number;
  driver: 'redis-benchmark' | 'node';
  idleMs: number;
  /** redis-benchmark requests per reported distribution. */
  chunk?: number;
  /** The background job measured (default BGSAVE; BGREWRITEAOF needs the AOF on). */
  command?: 'BGSAVE' | 'BGREWRITEAOF';
}

/**
 * Measures a loaded server: GETs with no save for `idleMs`, then GETs during a BGSAVE (or
 * the `command` given) started with the load already running.
 */
export async function measureBgsave(port: number, pid: number, opts: MeasureOptions): Promise<SaveResult> {
  const ctl = await Control.open(port);
  const chunk = opts.chunk ?? 10_000;
  const startLoad = (): Load => (opts.driver === 'node' ? nodeLoad(port, opts.clients, opts.keys) : benchmarkLoad(port, opts.clients, opts.keys, chunk));
  const phase = async (run: (load: Load) => Promise<void>): Promise<PhaseResult> => {
    const load = startLoad();
    await new Promise((r) => setTimeout(r, 300)); // connections up, first chunk under way
    const cpu0 = cpuMs(pid);
    const t0 = performance.now();
    await run(load);
    const t1 = performance.now();
    const cpu1 = cpuMs(pid);
    const { summary, rps } = await load.stop(t0, t1);
    const ms = t1 - t0;
    return { ...summary, ms, rps, cpuUsPerReq: ((cpu1 - cpu0) * 1000) / Math.max(1, (rps * ms) / 1000) };
  };
  try {
    const idle = await phase(() => new Promise((r) => setTimeout(r, opts.idleMs)));
    const rssBefore = rssKb(pid);
    let peak = rssBefore;
    const command = opts.command ?? 'BGSAVE';
    const save = await phase(async () => {
      const reply = await ctl.send(command);
      if (!/started|scheduled/.test(reply)) throw new Error(`${command}: ${reply.trim()}`);
      while (await ctl.saving(command)) {
        peak = Math.max(peak, rssKb(pid));
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    return { idle, save, rssGrowthPct: ((peak - rssBefore) / rssBefore) * 100 };
  } finally {
    ctl.close();
  }
}

// ---- stand-alone run ----

/** A server to measure: redis-server, or Amber from a given build's cli.js. */
interface Target {
  label: string;
  kind: 'amber' | 'redis';
  cli: string;
}

interface Cli {
  keys: number;
  targets: Target[];
  port: number;
  driver: 'redis-benchmark' | 'node';
  clients: number;
  idleMs: number;
  rounds: number;
  nodeArgs: string[];
  /** Start from this RDB file instead of loading keys with SET (quicker for repeated runs). */
  rdb: string | null;
  /** The background job measured: BGSAVE, or BGREWRITEAOF (the servers then run with the AOF on). */
  command: 'BGSAVE' | 'BGREWRITEAOF';
  /** redis-benchmark requests per reported distribution. */
  chunk: number;
}

/** `amber`, `redis`, or `label=path/to/cli.js` (another Amber build, for A/B runs). */
function parseTarget(spec: string): Target {
  if (spec === 'redis') return { label: 'redis', kind: 'redis', cli: '' };
  if (spec === 'amber') return { label: 'amber', kind: 'amber', cli: CLI };
  const eq = spec.indexOf('=');
  if (eq < 0) throw new Error(`bad target ${spec}`);
  return { label: spec.slice(0, eq), kind: 'amber', cli: spec.slice(eq + 1) };
}

function parseCli(argv: string[]): Cli {
  const c: Cli = { keys: 5_000_000, targets: [parseTarget('amber'), parseTarget('redis')], port: 7800, driver: 'redis-benchmark', clients: 50, idleMs: 4000, rounds: 1, nodeArgs: [], rdb: null, command: 'BGSAVE', chunk: 10_000 };
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!;
    const v = (): string => argv[++i]!;
    if (w === '--keys') c.keys = Number(v());
    else if (w === '--servers') c.targets = v().split(',').map(parseTarget);
    else if (w === '--port') c.port = Number(v());
    else if (w === '--driver') c.driver = v() as Cli['driver'];
    else if (w === '--clients') c.clients = Number(v());
    else if (w === '--idle-ms') c.idleMs = Number(v());
    else if (w === '--rounds') c.rounds = Number(v());
    else if (w === '--node-args') c.nodeArgs = v().split(' ').filter((s) => s !== '');
    else if (w === '--rdb') c.rdb = v();
    else if (w === '--command') c.command = v().toUpperCase() as Cli['command'];
    else if (w === '--chunk') c.chunk = Number(v());
    else throw new Error(`unknown option ${w}`);
  }
  return c;
}

async function ping(port: number): Promise<boolean> {
  try {
    const c = await Control.open(port);
    const r = await c.send('PING');
    c.close();
    return r.startsWith('+PONG');
  } catch {
    return false;
  }
}

/** Sends SETs for key:000000000000.. over one connection, pipelined (as `npm run bench`). */
async function loadKeys(port: number, n: number): Promise<void> {
  const sock = net.connect({ port, host: '127.0.0.1' });
  await new Promise<void>((r) => sock.once('connect', () => r()));
  let owed = 0;
  let waiter: (() => void) | null = null;
  sock.on('data', (d: Buffer) => {
    for (const b of d) if (b === 10) owed--;
    if (owed === 0 && waiter !== null) waiter();
  });
  const BATCH = 5000;
  for (let i = 0; i < n; ) {
    let s = '';
    const end = Math.min(n, i + BATCH);
    const count = end - i;
    for (; i < end; i++) s += `*3\r\n$3\r\nSET\r\n$16\r\nkey:${String(i).padStart(12, '0')}\r\n$3\r\nxxx\r\n`;
    await new Promise<void>((r) => {
      waiter = r;
      owed = count;
      sock.write(s, 'latin1');
    });
  }
  sock.destroy();
}

function fmt(r: PhaseResult): string {
  const f = (x: number) => x.toFixed(2);
  return `p50 ${f(r.p50)} p99 ${f(r.p99)} p99.9 ${f(r.p999)} max ${f(r.max)} ms, ${r.rps.toFixed(0)} req/s, server ${r.cpuUsPerReq.toFixed(1)} µs CPU/req`;
}

interface Running {
  target: Target;
  port: number;
  proc: ChildProcess;
  dir: string;
  results: SaveResult[];
}

/**
 * Starts every target, loads the keys into each, then measures them in turn, round after
 * round, so that a shared machine's load swings hit all of them alike.
 */
async function main(): Promise<void> {
  const c = parseCli(process.argv.slice(2));
  const running: Running[] = [];
  try {
    for (const [i, target] of c.targets.entries()) {
      const port = c.port + i;
      const dir = mkdtempSync(join(tmpdir(), `bgsave-lat-${target.label}-`));
      if (c.rdb !== null) copyFileSync(c.rdb, join(dir, 'dump.rdb'));
      const common = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', c.command === 'BGREWRITEAOF' ? 'yes' : 'no'];
      const proc: ChildProcess =
        target.kind === 'amber'
          ? spawn(process.execPath, [...c.nodeArgs, target.cli, ...common], { stdio: ['ignore', c.nodeArgs.length > 0 ? 'inherit' : 'ignore', 'inherit'] })
          : spawn('redis-server', common, { stdio: ['ignore', 'ignore', 'inherit'] });
      running.push({ target, port, proc, dir, results: [] });
      while (!(await ping(port))) {
        if (proc.exitCode !== null) throw new Error(`${target.label} did not start`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const t0 = performance.now();
      if (c.rdb === null) await loadKeys(port, c.keys);
      process.stdout.write(`${target.label}: ${c.keys} keys in ${((performance.now() - t0) / 1000).toFixed(1)} s, RSS ${(rssKb(proc.pid!) / 1024).toFixed(0)} MB\n`);
    }
    for (let r = 0; r < c.rounds; r++) {
      for (const s of running) {
        const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
        const res = await measureBgsave(s.port, s.proc.pid!, { keys: c.keys, clients: c.clients, driver: c.driver, idleMs: c.idleMs, chunk: c.chunk, command: c.command });
        s.results.push(res);
        process.stdout.write(`round ${r + 1} ${s.target.label} (load ${load})\n  no save:     ${fmt(res.idle)}\n  during save: ${fmt(res.save)}; save ${(res.save.ms / 1000).toFixed(2)} s, RSS +${res.rssGrowthPct.toFixed(1)}%\n`);
      }
    }
    if (c.rounds > 1) {
      process.stdout.write('best of the rounds (lowest p99 of each phase):\n');
      for (const s of running) {
        const best = (pick: (x: SaveResult) => PhaseResult) => s.results.map(pick).reduce((a, b) => (b.p99 < a.p99 ? b : a));
        process.stdout.write(`${s.target.label}\n  no save:     ${fmt(best((x) => x.idle))}\n  during save: ${fmt(best((x) => x.save))}\n`);
      }
    }
  } finally {
    for (const s of running) {
      s.proc.kill('SIGKILL');
      rmSync(s.dir, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    process.stderr.write(String(e?.stack ?? e) + '\n');
    process.exit(1);
  });
}
