/**
 * Server: listeners, the client registry, the per-turn flush (beforeSleep), periodic
 * jobs (serverCron), statistics, logging and the propagation feed.
 *
 * One event-loop turn: sockets deliver data → each client parses and runs its complete
 * commands → `beforeSleep` runs once (AOF write/fsync hooks first, then every client with
 * output gets one socket write). With `appendfsync always` this ordering is what keeps a
 * reply from leaving before its write is durable.
 */

import net from 'node:net';
import type { CommandSpec } from '../commands/types.js';
import { Config } from '../config/config.js';
import type { Aof } from '../persistence/aof/aof.js';
import { Store } from '../store/store.js';
import type { Clock } from '../store/store.js';
import { Client } from './client.js';
import { call, execute } from './dispatch.js';

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';
const LEVELS: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3 };
const LEVEL_MARK: Record<LogLevel, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface CommandStat {
  calls: number;
  usec: number;
  rejected: number;
  failed: number;
}

export interface SlowlogEntry {
  id: number;
  time: number;
  usec: number;
  argv: string[];
  addr: string;
  name: string;
}

export interface ShutdownOptions {
  save?: boolean;
}

export interface ServerOptions {
  clock?: Clock;
  /** Where log lines go; defaults to stdout (or the logfile config). */
  logger?: (line: string) => void;
}

export class Server {
  readonly config: Config;
  readonly store: Store;
  readonly clients = new Map<number, Client>();
  private nextClientId = 1;
  private listeners: net.Server[] = [];
  /** The TCP port actually bound (differs from config when port 0 was asked). */
  port = 0;
  readonly startTime = Date.now();
  readonly runId: string;
  stats = {
    totalConnections: 0,
    rejectedConnections: 0,
    totalCommands: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    totalErrorReplies: 0,
  };
  readonly errorStats = new Map<string, number>();
  private readonly cmdStats = new Map<string, CommandStat>();
  slowlog: SlowlogEntry[] = [];
  private slowlogNextId = 0;
  /** Bytes queued on a socket before the server stops reading from that client. */
  outputPauseBytes = 64 * 1024 * 1024;

  /** Clients with output to flush this turn. */
  private pending = new Set<Client>();
  private flushScheduled = false;
  /** Run at the start of beforeSleep (AOF write and fsync). */
  readonly beforeSleepHooks: (() => void)[] = [];
  /** Run every cron tick (1000/hz ms). */
  readonly cronJobs: (() => void)[] = [];
  /**
   * Run at shutdown, in order, before sockets close. May be async. `save` is what SHUTDOWN
   * asked (true: SAVE, false: NOSAVE, undefined: save when save points are configured).
   */
  readonly shutdownHooks: ((opts: ShutdownOptions) => void | Promise<void>)[] = [];
  /** Run after FLUSHALL has emptied every database (Redis saves the empty dataset then). */
  readonly flushAllHooks: (() => void)[] = [];
  /** Run after each top-level command (and after a whole EXEC): serves clients blocked on keys made ready. */
  readonly afterCommandHooks: (() => void)[] = [];
  /**
   * INFO sections by lower-case name, in the order INFO prints them. Each returns its
   * fields in order; a subsystem registers its own section (e.g. 'persistence').
   */
  readonly infoSections = new Map<string, () => [string, string | number][]>();
  /** Receives each propagated command (the AOF and, later, replicas). */
  readonly feeds: ((dbid: number, argv: string[]) => void)[] = [];
  /** Set when writes must be refused (e.g. MISCONF after a failed save); returns an error line. */
  readonly writeGuards: (() => string | null)[] = [];
  /** Until this time (ms) clients are paused (CLIENT PAUSE); 'write' pauses only writes. */
  pauseUntil = 0;
  pauseWritesOnly = false;
  /** The append-only file (null until wired). */
  aof: Aof | null = null;
  /** Reports whether a background RDB save is running (installed by the RDB persistence wiring). */
  backgroundSaveRunning: () => boolean = () => false;
  private cronTimer: NodeJS.Timeout | null = null;
  private readonly logger: (line: string) => void;
  closing = false;

  constructor(config: Config, options: ServerOptions = {}) {
    this.config = config;
    this.store = new Store(config.num('databases'), options.clock);
    this.store.hooks.propagate = (dbid, argv) => this.propagate(dbid, argv);
    this.logger = options.logger ?? ((line) => process.stdout.write(line + '\n'));
    let id = '';
    for (let i = 0; i < 40; i++) id += '0123456789abcdef'[Math.floor(Math.random() * 16)];
    this.runId = id;
  }

  log(level: LogLevel, msg: string): void {
    if (LEVELS[level] < LEVELS[this.config.str('loglevel') as LogLevel]) return;
    const d = new Date();
    const p2 = (n: number) => (n < 10 ? '0' + n : String(n));
    const ms = String(d.getMilliseconds()).padStart(3, '0');
    const stamp = `${p2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${ms}`;
    this.logger(`${process.pid}:M ${stamp} ${LEVEL_MARK[level]} ${msg}`);
  }

  /** Binds every address of `bind` on `port` (port 0 picks a free one). */
  async listen(): Promise<void> {
    const port = this.config.num('port');
    const binds = this.config.str('bind').split(/\s+/).filter((b) => b.length > 0);
    let bound = port;
    for (const raw of binds) {
      const optional = raw.startsWith('-');
      let host = optional ? raw.slice(1) : raw;
      if (host === '*') host = '0.0.0.0';
      if (host === '::*') host = '::';
      const srv = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
      try {
        await new Promise<void>((resolve, reject) => {
          srv.once('error', reject);
          srv.listen({ host, port: bound, backlog: this.config.num('tcp-backlog'), ipv6Only: host.includes(':') }, () => {
            srv.off('error', reject);
            resolve();
          });
        });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (optional && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) {
          this.log('warning', `Failed to listen on ${host}:${bound}: ${(e as Error).message} (optional address, ignored)`);
          continue;
        }
        await this.closeListeners();
        throw new Error(`Could not create server TCP listening socket ${host}:${bound}: ${(e as Error).message}`);
      }
      const addr = srv.address();
      if (addr && typeof addr === 'object') bound = addr.port;
      this.listeners.push(srv);
    }
    this.port = bound;
    this.startCron();
  }

  private accept(socket: net.Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    if (this.clients.size >= this.config.num('maxclients')) {
      this.stats.rejectedConnections++;
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    this.stats.totalConnections++;
    const c = new Client(this, socket, this.nextClientId++);
    this.clients.set(c.id, c);
    socket.on('data', (chunk: Buffer) => {
      try {
        c.onData(chunk);
      } catch (e) {
        this.log('warning', `Internal error serving client id=${c.id}: ${(e as Error).stack ?? e}`);
        c.reply.error('ERR internal error');
        c.closeAfterReply = true;
        this.schedule(c);
      }
    });
    socket.on('error', () => c.close());
    socket.on('close', () => c.close());
  }

  /** A client the server makes for itself (scripts, loading, tests): no socket. */
  fakeClient(): Client {
    return new Client(this, null, this.nextClientId++);
  }

  removeClient(c: Client): void {
    this.clients.delete(c.id);
    this.pending.delete(c);
    for (const fn of this.clientCloseHooks) fn(c);
  }

  /** Run when a client goes away (unwatch, unblock, unsubscribe). */
  readonly clientCloseHooks: ((c: Client) => void)[] = [];

  /** Processes one request (the full dispatch checklist). */
  execute(c: Client, argv: string[]): void {
    execute(this, c, argv);
  }

  /** Runs a command's handler with accounting and propagation (no checks). */
  call(c: Client, spec: CommandSpec, argv: string[]): void {
    call(this, c, spec, argv);
  }

  /** Whether a client must wait before running commands (CLIENT PAUSE). */
  isPausedFor(_c: Client): boolean {
    return this.pauseUntil > 0 && Date.now() < this.pauseUntil && !this.pauseWritesOnly;
  }

  /** The error line refusing writes right now, or null when writes are allowed. */
  writeRefusal(): string | null {
    for (const g of this.writeGuards) {
      const r = g();
      if (r !== null) return r;
    }
    return null;
  }

  /** Sends a command's effect to the AOF and replicas. */
  propagate(dbid: number, argv: string[]): void {
    if (this.store.loading) return;
    for (const f of this.feeds) f(dbid, argv);
  }

  commandStats(name: string): CommandStat {
    let s = this.cmdStats.get(name);
    if (s === undefined) {
      s = { calls: 0, usec: 0, rejected: 0, failed: 0 };
      this.cmdStats.set(name, s);
    }
    return s;
  }

  allCommandStats(): ReadonlyMap<string, CommandStat> {
    return this.cmdStats;
  }

  resetStats(): void {
    this.cmdStats.clear();
    this.errorStats.clear();
    this.stats.totalErrorReplies = 0;
    this.stats.totalCommands = 0;
    this.stats.totalConnections = 0;
    this.stats.rejectedConnections = 0;
    this.stats.netInputBytes = 0;
    this.stats.netOutputBytes = 0;
    this.store.stats.expiredKeys = 0;
    this.store.stats.keyspaceHits = 0;
    this.store.stats.keyspaceMisses = 0;
  }

  /** Counts an error reply by its code (first word), as INFO errorstats shows. */
  countError(line: string): void {
    const space = line.indexOf(' ');
    const code = space < 0 ? line : line.slice(0, space);
    this.stats.totalErrorReplies++;
    this.errorStats.set(code, (this.errorStats.get(code) ?? 0) + 1);
  }

  slowlogPush(c: Client, argv: string[], usec: number, spec: CommandSpec): void {
    const threshold = this.config.num('slowlog-log-slower-than');
    if (threshold < 0 || usec < threshold || spec.flags.includes('skip_slowlog')) return;
    const max = this.config.num('slowlog-max-len');
    if (max === 0) return;
    // Redis keeps at most 32 arguments and 128 bytes per argument.
    const shown: string[] = [];
    const limit = Math.min(argv.length, 32);
    for (let i = 0; i < limit; i++) {
      const a = argv[i]!;
      if (i === 31 && argv.length > 32) shown.push(`... (${argv.length - 31} more arguments)`);
      else shown.push(a.length > 128 ? a.slice(0, 128) + `... (${a.length - 128} more bytes)` : a);
    }
    this.slowlog.unshift({ id: this.slowlogNextId++, time: Math.floor(Date.now() / 1000), usec, argv: shown, addr: c.addr, name: c.name });
    if (this.slowlog.length > max) this.slowlog.length = max;
  }

  /** Marks a client as having output; the flush happens once at the end of this turn. */
  schedule(c: Client): void {
    this.pending.add(c);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.beforeSleep());
    }
  }

  /**
   * Durability gates: each returns a promise when replies produced so far must wait for data
   * to reach the disk (AOF with appendfsync always), or null when nothing is pending.
   */
  readonly replyGates: (() => Promise<void> | null)[] = [];
  /** The last batch of held replies (they leave in order). */
  private heldReplies: Promise<void> | null = null;

  /**
   * End of an event-loop turn: durability hooks first (AOF write), then one write per client.
   * When a gate asks for it, this turn's replies are taken as a batch and written once the
   * gate resolves and every earlier batch has left, so no client ever sees a reply (or data
   * written by another client) before it is durable.
   */
  beforeSleep(): void {
    this.flushScheduled = false;
    for (const h of this.beforeSleepHooks) h();
    const pending = this.pending;
    this.pending = new Set();
    let gate: Promise<unknown> | null = null;
    for (const g of this.replyGates) {
      const p = g();
      if (p !== null) gate = gate === null ? p : Promise.all([gate, p]);
    }
    if (gate === null && this.heldReplies === null) {
      for (const c of pending) c.flush();
      return;
    }
    const batch: [Client, string][] = [];
    for (const c of pending) batch.push([c, c.reply.take()]);
    const held: Promise<void> = Promise.all([this.heldReplies, gate]).then(() => {
      for (const [c, out] of batch) c.writeOut(out);
      if (this.heldReplies === held) this.heldReplies = null;
    });
    this.heldReplies = held;
  }

  private startCron(): void {
    const tick = (): void => {
      for (const job of this.cronJobs) {
        try {
          job();
        } catch (e) {
          this.log('warning', `Internal error in periodic job: ${(e as Error).stack ?? e}`);
        }
      }
      this.cronTimer = setTimeout(tick, Math.max(1, Math.round(1000 / Math.max(1, this.config.num('hz')))));
      this.cronTimer.unref();
    };
    this.cronTimer = setTimeout(tick, 100);
    this.cronTimer.unref();
  }

  private async closeListeners(): Promise<void> {
    const all = this.listeners;
    this.listeners = [];
    await Promise.all(all.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }

  /** Stops accepting, runs shutdown hooks, closes every client. */
  async close(opts: ShutdownOptions = {}): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.cronTimer) clearTimeout(this.cronTimer);
    const listenersClosed = this.closeListeners();
    for (const h of this.shutdownHooks) await h(opts);
    this.beforeSleep();
    for (const c of [...this.clients.values()]) {
      c.close();
      c.socket?.destroy();
    }
    await listenersClosed;
  }
}
