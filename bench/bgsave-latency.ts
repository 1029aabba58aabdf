/**
 * GET latency while a fork-less BGSAVE runs: starts amber-server in a child process, loads N
 * string keys (MSET batches), measures ping-pong GET latency idle, then during a BGSAVE,
 * and prints percentiles and how long the save took. Not a test (no thresholds):
 *
 *   node dist/bench/bgsave-latency.js [keys=2000000] [port=7108]
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, '..', 'src', 'server', 'cli.js');
const N = Number(process.argv[2] ?? 2_000_000);
const PORT = Number(process.argv[3] ?? 7108);

/** A minimal pipelined RESP client: replies are counted and returned as raw lines. */
class Conn {
  private buf = '';
  private waiting: ((line: string) => void)[] = [];
  constructor(private readonly sock: net.Socket) {
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      this.buf += d;
      this.drain();
    });
  }
  static open(port: number): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new Conn(s)));
      s.once('error', reject);
    });
  }
  /** Parses complete replies (simple, error, integer, bulk) off the buffer. */
  private drain(): void {
    for (;;) {
      if (this.buf.length === 0 || this.waiting.length === 0) return;
      const eol = this.buf.indexOf('\r\n');
      if (eol < 0) return;
      let end = eol + 2;
      if (this.buf[0] === '$') {
        const len = Number(this.buf.slice(1, eol));
        if (len >= 0) {
          end = eol + 2 + len + 2;
          if (this.buf.length < end) return;
        }
      }
      const reply = this.buf.slice(0, end);
      this.buf = this.buf.slice(end);
      this.waiting.shift()!(reply);
    }
  }
  send(...args: string[]): Promise<string> {
    let out = `*${args.length}\r\n`;
    for (const a of args) out += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
    this.sock.write(out, 'latin1');
    return new Promise((r) => this.waiting.push(r));
  }
  close(): void {
    this.sock.destroy();
  }
}

function percentiles(lat: number[]): string {
  lat.sort((a, b) => a - b);
  const p = (q: number) => lat[Math.min(lat.length - 1, Math.floor(lat.length * q))]!.toFixed(3);
  return `n=${lat.length} p50=${p(0.5)} p99=${p(0.99)} p99.9=${p(0.999)} max=${p(1)} ms`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'amber-bgsave-bench-'));
  const proc = spawn(process.execPath, [CLI, '--port', String(PORT), '--save', '', '--dir', dir], { stdio: 'ignore' });
  try {
    let c: Conn | null = null;
    for (let i = 0; i < 100 && c === null; i++) {
      try {
        c = await Conn.open(PORT);
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    if (c === null) throw new Error('server did not start');
    let t = performance.now();
    const BATCH = 1000;
    for (let i = 0; i < N; ) {
      const pending: Promise<string>[] = [];
      for (let b = 0; b < 20 && i < N; b++) {
        const args = ['MSET'];
        for (let j = 0; j < BATCH && i < N; j++, i++) args.push(`key:${i}`, `value:${i}:xxxxxxxxxxxxxxxxxxxx`);
        pending.push(c.send(...args));
      }
      await Promise.all(pending);
    }
    process.stdout.write(`loaded ${N} keys in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    const idle: number[] = [];
    const idleUntil = performance.now() + 3000;
    while (performance.now() < idleUntil) {
      const t0 = performance.now();
      await c.send('GET', 'key:12345');
      idle.push(performance.now() - t0);
    }
    process.stdout.write(`GET idle:           ${percentiles(idle)}\n`);
    const during: number[] = [];
    t = performance.now();
    process.stdout.write(`BGSAVE: ${(await c.send('BGSAVE')).trim()}\n`);
    for (let k = 0; ; k++) {
      const t0 = performance.now();
      await c.send('GET', 'key:12345');
      during.push(performance.now() - t0);
      if (k % 200 === 0 && (await c.send('INFO', 'persistence')).includes('rdb_bgsave_in_progress:0')) break;
    }
    process.stdout.write(`BGSAVE took ${((performance.now() - t) / 1000).toFixed(2)} s\n`);
    process.stdout.write(`GET during BGSAVE:  ${percentiles(during)}\n`);
    c.close();
  } finally {
    proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
