#!/usr/bin/env node
/**
 * amber-server: the standalone entry point, used like redis-server:
 *   amber-server [config-file] [--name value ...]
 * Reads the configuration as redis-server does (refusing to start on a bad option, with
 * Redis's FATAL CONFIG FILE ERROR message), logs "Ready to accept connections" once
 * listening, and shuts down cleanly on SIGTERM/SIGINT as `shutdown-on-sigterm` /
 * `shutdown-on-sigint` say (by default saving first when save points are configured,
 * which the persistence shutdown hook decides). A second SIGINT/SIGTERM while shutting
 * down exits at once. SHUTDOWN from a client ends the process too.
 */

import { appendFileSync, unlinkSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import { Config } from '../config/config.js';
import { ConfigError, loadConfig } from '../config/parse.js';
import { startWithConfig } from '../index.js';
import type { ShutdownOptions } from './server.js';

const VERSION = '0.1.0';

/**
 * V8 garbage-collector settings for the standalone server, set at start-up (they take
 * effect at run time; a node flag of the same name given on the command line wins).
 * V8 lets the young generation grow to 2 x 16 MB as the allocation rate rises. A data
 * store's survivors are mostly long-lived keys, so the bigger nursery buys no throughput
 * here (same CPU per command at redis-benchmark -P 16) but costs resident memory: with
 * 1M small string keys RSS went from about 233 MB to about 205 MB (Redis: 125 MB). See
 * docs/performance.md, which also describes `--heap-growing-percent` for tighter memory
 * at a CPU cost. The embedded server (startServer) leaves the host process's settings alone.
 */
const GC_FLAGS: [name: string, value: string][] = [['semi-space-growth-factor', '1']];
for (const [name, value] of GC_FLAGS) {
  if (!process.execArgv.some((a) => a.startsWith(`--${name}`))) v8.setFlagsFromString(`--${name}=${value}`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '-v' || argv[0] === '--version') {
    process.stdout.write(`Amber server v=${VERSION} (Redis 7.0.15 compatible) bits=64\n`);
    return;
  }
  if (argv[0] === '-h' || argv[0] === '--help') {
    process.stdout.write('Usage: amber-server [/path/to/redis.conf] [--name value ...]\n       amber-server -v or --version\n');
    return;
  }
  const config = new Config();
  try {
    loadConfig(config, argv);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(e.message + '\n');
      process.exit(1);
    }
    throw e;
  }
  const logfile = config.str('logfile');
  const logger = logfile === '' ? (line: string) => process.stdout.write(line + '\n') : (line: string) => appendFileSync(logfile, line + '\n');
  const early = (mark: string, msg: string): void => {
    const d = new Date();
    const p2 = (n: number): string => String(n).padStart(2, '0');
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    logger(`${process.pid}:C ${p2(d.getDate())} ${months[d.getMonth()]} ${d.getFullYear()} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')} ${mark} ${msg}`);
  };
  early('#', 'oO0OoO0OoO0Oo Amber is starting oO0OoO0OoO0Oo');
  early('#', `Amber version=${VERSION} (Redis 7.0.15 compatible), bits=64, pid=${process.pid}, just started`);
  if (config.file === null) {
    early('#', 'Warning: no config file specified, using the default config. In order to specify a config file use amber-server /path/to/redis.conf');
  } else {
    early('#', 'Configuration loaded');
  }
  if (config.bool('daemonize')) early('#', 'daemonize yes is not supported: running in the foreground');
  // The dataset lives in V8's heap: say how large it may grow (bin/amber-server sizes it to
  // the machine), and warn when maxmemory promises more than that.
  const heapMb = Math.floor(v8.getHeapStatistics().heap_size_limit / 1048576);
  early('*', `V8 heap limit ${heapMb} MB`);
  const maxmemoryMb = Math.floor(config.num('maxmemory') / 1048576);
  if (maxmemoryMb > heapMb) {
    early('#', `WARNING: maxmemory (${maxmemoryMb} MB) is above the V8 heap limit (${heapMb} MB): start the server with bin/amber-server, or give node --max-old-space-size`);
  }

  // Signal handlers go in before the server starts listening (as Redis's initServer sets
  // them up first): a SIGTERM that arrives right after the ready line must shut down cleanly,
  // not kill the process with the default action. One that arrives while starting waits for
  // the start to finish.
  let stopping = false;
  let earlySignal: 'SIGTERM' | 'SIGINT' | null = null;
  let stop = (signal: 'SIGTERM' | 'SIGINT'): void => {
    if (earlySignal !== null) process.exit(1); // a second one: "You insist"
    earlySignal = signal;
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  let amber;
  try {
    amber = await startWithConfig(config, { logger });
  } catch (e) {
    early('#', (e as Error).message);
    process.exit(1);
  }
  const server = amber.server;
  const pidfile = config.str('pidfile');
  if (pidfile !== '') {
    try {
      writeFileSync(pidfile, `${process.pid}\n`);
    } catch (e) {
      server.log('warning', `Failed to write PID file: ${(e as Error).message}`);
    }
  }
  // SHUTDOWN from a client (or any close) ends the process.
  void server.whenClosed.then(() => {
    if (pidfile !== '') {
      try {
        unlinkSync(pidfile);
      } catch {
        /* already gone */
      }
    }
    server.log('warning', 'Amber is now ready to exit, bye bye...');
    process.exit(0);
  });

  stop = (signal: 'SIGTERM' | 'SIGINT'): void => {
    if (stopping) {
      server.log('warning', 'You insist... exiting now.');
      process.exit(1);
    }
    stopping = true;
    const how = config.str(signal === 'SIGTERM' ? 'shutdown-on-sigterm' : 'shutdown-on-sigint').split(' ');
    const opts: ShutdownOptions = { force: how.includes('force') };
    if (how.includes('save')) opts.save = true;
    if (how.includes('nosave')) opts.save = false;
    server.log('warning', `Received ${signal} scheduling shutdown...`);
    server.close(opts).catch((e: unknown) => {
      stopping = false;
      server.log('warning', `${signal} received but errors trying to shut down the server, check the logs for more information (${(e as Error).message})`);
    });
  };
  if (earlySignal !== null) stop(earlySignal);
}

void main();
