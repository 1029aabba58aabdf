/**
 * In-process RDB load timing: `node dist/bench/rdb-load.js <dump.rdb> [runs] [--settle seconds]`.
 *
 * Each run is a fresh child process (as a start-up load is) that applies the CLI's GC
 * settings, wires a server without listening and loads the file; it prints the load's
 * wall time, the process CPU (all threads: main plus V8's GC helpers) and the main thread's
 * CPU, V8's heap and RSS after the load. Not a test; figures only.
 *
 *   --settle N      also report CPU (GC work left by the load included), heap and RSS
 *                   N seconds after the load
 *   --child <file> <settle>  (internal) one load in this process
 */

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

const self = fileURLToPath(import.meta.url);

/** utime + stime of this process's main thread, in ms (/proc/self/task/<pid>/stat). */
function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'latin1');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

async function child(file: string, settle: number): Promise<void> {
  // The standalone server's GC setting (cli.ts), unless given on the command line.
  if (!process.execArgv.some((a) => a.startsWith('--semi-space-growth-factor'))) v8.setFlagsFromString('--semi-space-growth-factor=1');
  const { Config } = await import('../src/config/config.js');
  const { wire } = await import('../src/server/bootstrap.js');
  const { Server } = await import('../src/server/server.js');
  const config = new Config();
  for (const [k, v] of [['dir', dirname(file)], ['dbfilename', basename(file)], ['save', ''], ['port', '0']]) {
    const err = config.set(k!, v!);
    if (err !== null) throw new Error(err);
  }
  const server = new Server(config, { logger: () => {} });
  const steps = wire(server);
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuMs();
  const t0 = performance.now();
  for (const step of steps) await step(server);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const main = mainThreadCpuMs() - main0;
  let keys = 0;
  for (const db of server.store.dbs) keys += db.dict.size;
  const ms = (c: NodeJS.CpuUsage): number => Math.round((c.user + c.system) / 1000);
  const row: Record<string, number> = { keys, wall: Math.round(wall), cpu: ms(cpu), main: Math.round(main) };
  // --settle N: wait N seconds idle, then report the CPU spent since the load began (GC work
  // the load left behind included) and the memory then (V8's memory reducer has run).
  if (settle > 0) {
    await new Promise((r) => setTimeout(r, settle * 1000));
    row.cpuSettled = ms(process.cpuUsage(cpu0));
    row.mainSettled = Math.round(mainThreadCpuMs() - main0);
  }
  const heap = process.memoryUsage();
  row.heapMB = Math.round(heap.heapUsed / 1048576);
  row.rssMB = Math.round(heap.rss / 1048576);
  process.stdout.write(JSON.stringify(row) + '\n');
  process.exit(0);
}

function parent(file: string, runs: number, settle: number): void {
  const rows: Record<string, number>[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [...process.execArgv, self, '--child', file, String(settle)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const row = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  for (const k of ['wall', 'cpu', 'main', 'cpuSettled', 'mainSettled']) {
    if (rows[0]![k] === undefined) continue;
    const v = rows.map((r) => r[k]!).sort((a, b) => a - b);
    console.log(`${k}: best ${v[0]} ms, median ${v[v.length >> 1]} ms`);
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') await child(argv[1]!, Number(argv[2] ?? 0));
else {
  const at = argv.indexOf('--settle');
  const settle = at >= 0 ? Number(argv.splice(at, 2)[1]) : 0;
  parent(argv[0]!, Number(argv[1] ?? 5), settle);
}
