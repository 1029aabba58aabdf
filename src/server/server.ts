/**
 * Server: listeners, the client registry, the per-turn flush (beforeSleep), periodic
 * jobs (serverCron), statistics, logging and the propagation feed.
 *
 * One event-loop turn: sockets deliver data → each client parses and runs its complete
 * commands → `beforeSleep` runs once (AOF write/fsync hooks first, then every client with
 * output gets one socket write). With `appendfsync always` this ordering is what keeps a
 * reply from leaving before its write is durable.
 */

import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { COMMANDS } from '../commands/index.js';
import { Trait, traits, type CommandSpec } from '../commands/types.js';
import { Config, findConfig } from '../config/config.js';
import type { Aof } from '../persistence/aof/aof.js';
import type { RawRequest } from '../protocol/parser.js';
import { Store } from '../store/store.js';
import type { Clock } from '../store/store.js';
import { BlockingManager } from './blocking.js';
import { Client } from './client.js';
import { call, execute, mayReplicate } from './dispatch.js';
import { LATENCY_BUCKETS, latencyBucket } from './info.js';

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';
const LEVELS: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3 };
const LEVEL_MARK: Record<LogLevel, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface CommandStat {
  calls: number;
  usec: number;
  rejected: number;
  failed: number;
  /**
   * Latency histogram (INFO latencystats) with two significant digits per bucket, in
   * nanoseconds from 1 ns to 1 s as Redis's; null until the command ran with
   * latency-tracking on. See latencyBucket().
   */
  latency: number[] | null;
  latencyCount: number;
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
  /** SHUTDOWN FORCE: go on even when a shutdown hook (the final save) fails. */
  force?: boolean;
}

export interface ServerOptions {
  clock?: Clock;
  /** Where log lines go; defaults to stdout (or the logfile config). */
  logger?: (line: string) => void;
  /**
   * Read client sockets through Node's stream path ('data' events) instead of the shared
   * read buffer: what the server falls back to when Node's internals are not as expected
   * (see acceptIntoReadBuffer). For tests of that path.
   */
  streamReads?: boolean;
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
    /** Bytes of memory use at its highest (INFO used_memory_peak). */
    peakMemory: 0,
  };
  /**
   * Instantaneous metrics (INFO instantaneous_*): the last 16 samples, taken every 100 ms,
   * of commands, input bytes and output bytes per second (Redis's STATS_METRIC_SAMPLES).
   */
  readonly metrics = {
    last: { time: 0, commands: 0, input: 0, output: 0 },
    commands: [] as number[],
    input: [] as number[],
    output: [] as number[],
  };
  /** Clients in MONITOR mode. */
  readonly monitors = new Set<Client>();
  /** Clients parked in blocking commands (BLPOP, BZPOPMIN, ...); hooks installed by bootstrap. */
  readonly blocking: BlockingManager = new BlockingManager(this);
  /** The command table this server looks names up in (differs when rename-command was used). */
  readonly commandTable: ReadonlyMap<string, CommandSpec>;
  /** Clients whose command waits for CLIENT PAUSE to end, in arrival order. */
  private paused: Client[] = [];
  private pauseTimer: NodeJS.Timeout | null = null;
  /** What CLIENT PAUSE holds: nothing, may-replicate commands ('write'), or every command. */
  pauseType: 'none' | 'write' | 'all' = 'none';
  readonly errorStats = new Map<string, number>();
  private readonly cmdStats = new Map<string, CommandStat>();
  /** The entry commandStats returned last, and its name (pipelines repeat one command). */
  private lastStatName = '';
  private lastStat: CommandStat | null = null;
  slowlog: SlowlogEntry[] = [];
  private slowlogNextId = 0;
  /** Bytes queued on a socket before the server stops reading from that client. */
  outputPauseBytes = 64 * 1024 * 1024;

  /**
   * Clients with output to flush this turn, each once (`Client.flushPending`). Two arrays
   * take turns, so a turn allocates nothing for the list (a new Set per turn grew its table
   * afresh as clients were added: ~60 bytes per request at -P 1).
   */
  private pending: Client[] = [];
  private flushing: Client[] = [];
  private flushScheduled = false;
  /** Runs beforeSleep; made once, as setImmediate is called every turn. */
  private readonly runBeforeSleep = (): void => this.beforeSleep();
  /** Run at the end of the next beforeSleep (see afterReplies). */
  private afterFlush: (() => void)[] = [];
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
  /**
   * Receives each propagated command (the AOF and, later, replicas), with its request bytes
   * when it is a client's command propagated as it arrived (see RawRequest).
   */
  readonly feeds: ((dbid: number, argv: string[], raw: RawRequest | null) => void)[] = [];
  /**
   * Disk-error refusals (MISCONF after a failed save or AOF write): each returns an error line
   * or null. Applied, as Redis's writeCommandsDeniedByDiskError, to write commands, to an
   * EXEC holding writes, and to PING.
   */
  readonly writeGuards: (() => string | null)[] = [];
  /** Until this time (ms) clients are paused (CLIENT PAUSE), 0 when not paused; see pauseType. */
  pauseUntil = 0;
  /** The append-only file (null until wired). */
  aof: Aof | null = null;
  /** Reports whether a background RDB save is running (installed by the RDB persistence wiring). */
  backgroundSaveRunning: () => boolean = () => false;
  private cronTimer: NodeJS.Timeout | null = null;
  /** latency-tracking, kept here for the per-command hot path. */
  private latencyTracking = true;
  /** slowlog-log-slower-than, kept here for the per-command hot path. */
  private slowlogThreshold = 10000;
  /**
   * While a client's pipelined commands run back to back (Client.processInput), each
   * command's end time (performance.now) doubles as the next one's start: one clock read
   * per command instead of two. -1 outside such a run: `call` reads the clock itself.
   * Kept in a typed array: a double stored in an object field is a new heap number per store.
   */
  readonly clockMark = new Float64Array([-1]);
  /** True while Client.processInput runs a client's commands (see clockMark). */
  chaining = false;
  /**
   * Where every client socket reads (net.Socket's `onread`, see acceptIntoReadBuffer): one
   * buffer reused by each read, instead of a new 64 KB allocation per read pushed through a
   * Readable stream (~1 µs of CPU per read). Nothing may refer to it after the read's
   * commands ran: the parser copies out what it did not parse (RequestParser.unshare) and
   * the hooks below copy what they deferred (the AOF's request bytes).
   */
  private readonly readBuffer = Buffer.allocUnsafeSlow(64 * 1024);
  /** Run after each read into readBuffer was processed. */
  readonly readDoneHooks: (() => void)[] = [];
  /** DEBUG PAUSE-CRON 1: periodic jobs are skipped. */
  cronPaused = false;
  private resolveClosed!: () => void;
  /** Resolves once the server has shut down (SHUTDOWN, close(), a signal). */
  readonly whenClosed = new Promise<void>((r) => (this.resolveClosed = r));
  private readonly logger: (line: string) => void;
  private readonly streamReads: boolean;
  closing = false;

  constructor(config: Config, options: ServerOptions = {}) {
    this.config = config;
    this.store = new Store(config.num('databases'), options.clock);
    // What the keys' access data means follows the eviction settings (store/access.ts).
    const access = this.store.access;
    access.lfu = config.str('maxmemory-policy').endsWith('-lfu');
    access.lfuLogFactor = config.num('lfu-log-factor');
    access.lfuDecayTime = config.num('lfu-decay-time');
    config.on('maxmemory-policy', (v) => (access.lfu = String(v).endsWith('-lfu')));
    config.on('lfu-log-factor', (v) => (access.lfuLogFactor = Number(v)));
    config.on('lfu-decay-time', (v) => (access.lfuDecayTime = Number(v)));
    // Redis touches no key while a child process runs; here, while a save or rewrite does.
    this.cronJobs.push(() => {
      access.refresh();
      access.frozen = this.backgroundSaveRunning() || (this.aof !== null && this.aof.rewriting);
    });
    this.store.hooks.propagate = (dbid, argv) => this.propagate(dbid, argv);
    this.logger = options.logger ?? ((line) => process.stdout.write(line + '\n'));
    this.streamReads = options.streamReads === true;
    let id = '';
    for (let i = 0; i < 40; i++) id += '0123456789abcdef'[Math.floor(Math.random() * 16)];
    this.runId = id;
    this.commandTable = buildCommandTable(config.renames);
    // Redis caps hz to 1..500 (config_hz keeps what was asked within INT range).
    const clampHz = (v: unknown): void => {
      const hz = v as number;
      if (hz < 1 || hz > 500) this.config.assign(findConfig('hz')!, hz < 1 ? 1 : 500);
    };
    clampHz(config.num('hz'));
    config.on('hz', clampHz);
    config.onApply('port', () => this.applyListen('Unable to listen on this port. Check server logs.'));
    config.onApply('bind', () => this.applyListen('Failed to bind to specified addresses.'));
    this.cronJobs.push(() => this.clientsCron());
    this.latencyTracking = config.bool('latency-tracking');
    config.on('latency-tracking', (v) => (this.latencyTracking = v as boolean));
    this.slowlogThreshold = config.num('slowlog-log-slower-than');
    config.on('slowlog-log-slower-than', (v) => (this.slowlogThreshold = v as number));
  }

  log(level: LogLevel, msg: string): void {
    if (LEVELS[level] < LEVELS[this.config.str('loglevel') as LogLevel]) return;
    const d = new Date();
    const p2 = (n: number) => (n < 10 ? '0' + n : String(n));
    const ms = String(d.getMilliseconds()).padStart(3, '0');
    const stamp = `${p2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${ms}`;
    this.logger(`${process.pid}:M ${stamp} ${LEVEL_MARK[level]} ${msg}`);
  }

  /** Binds every address of `bind` on `port` (port 0 picks a free one), then starts the cron. */
  async listen(): Promise<void> {
    this.listeners = await this.bindAll(this.config.num('port'));
    this.startCron();
  }

  /** Opens a listener per `bind` address; throws Redis's message when one cannot be bound. */
  private async bindAll(port: number): Promise<net.Server[]> {
    const out: net.Server[] = [];
    let bound = port;
    for (const { host, optional } of parseBinds(this.config.str('bind'))) {
      // allowHalfOpen: a peer's EOF is handled by the client (peerClosed), not by Node
      // ending the socket (a shutdown call, then the wait for it) first.
      const srv = net.createServer({ noDelay: true, allowHalfOpen: true }, (socket) => void this.accept(socket));
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
        await Promise.all(out.map((l) => new Promise<void>((r) => l.close(() => r()))));
        throw new Error(`Could not create server TCP listening socket ${host}:${bound}: ${(e as Error).message}`);
      }
      const addr = srv.address();
      if (addr && typeof addr === 'object') bound = addr.port;
      if (!this.streamReads) this.acceptIntoReadBuffer(srv);
      out.push(srv);
    }
    this.port = bound;
    // CONFIG GET port shows the port actually bound (port 0 picked one).
    this.config.values['port'] = bound;
    this.listenSpec = `${bound} ${this.config.str('bind')}`;
    this.listening = new Set(out.map((l) => {
      const a = l.address();
      return typeof a === 'object' && a !== null ? `${a.address}:${bound}` : '';
    }));
    this.listeningStarted = true;
    return out;
  }

  /** `port bind` of the listeners in place, and the host:port pairs they hold. */
  private listenSpec = '';
  private listening = new Set<string>();
  private listeningStarted = false;

  /**
   * CONFIG SET port/bind: checks synchronously (in a short-lived child process, since
   * binding is asynchronous in Node) that the new addresses can be bound, then moves the
   * listeners. Existing connections stay open. Returns Redis's error text on failure.
   */
  private applyListen(error: string): string | null {
    if (!this.listeningStarted || this.closing) return null;
    const port = this.config.num('port');
    const bind = this.config.str('bind');
    const spec = `${port} ${bind}`;
    if (spec === this.listenSpec) return null;
    // Addresses already held on this port are known to work (and would clash with the probe).
    const binds = parseBinds(bind).filter((b) => port === 0 || !this.listening.has(`${b.host}:${port}`));
    const probe = spawnSync(process.execPath, ['-e', PROBE_SCRIPT, String(port), JSON.stringify(binds)], { encoding: 'utf8', timeout: 10000 });
    if (probe.status !== 0) {
      this.log('warning', `Failed to listen on ${bind} port ${port}: ${(probe.stdout || probe.stderr || 'unknown error').trim()}`);
      return error;
    }
    this.listenSpec = spec;
    const old = this.listeners;
    this.listeners = [];
    void (async () => {
      await Promise.all(old.map((l) => new Promise<void>((r) => l.close(() => r()))));
      try {
        this.listeners = await this.bindAll(port);
      } catch (e) {
        this.log('warning', (e as Error).message);
      }
    })();
    return null;
  }

  /**
   * Makes the sockets srv accepts read into readBuffer. net.Server has no `onread` option,
   * so the listener's accept callback (`_handle.onconnection`, which net.Server installs)
   * is replaced by one that builds the socket as net.Server does, with `onread` added. If
   * Node's internals are not as expected, srv keeps its own ('connection', 'data' events).
   */
  private acceptIntoReadBuffer(srv: net.Server): void {
    type Accept = (err: number, clientHandle: unknown) => void;
    const handle = (srv as unknown as { _handle?: { onconnection?: Accept } | null })._handle;
    const nodeAccept = handle?.onconnection;
    if (handle == null || typeof nodeAccept !== 'function') return;
    const internals = srv as unknown as { _connections: number };
    handle.onconnection = (err, clientHandle) => {
      if (err) {
        nodeAccept.call(handle, err, clientHandle);
        return;
      }
      let client: Client | null = null;
      const socket = new net.Socket({
        handle: clientHandle,
        allowHalfOpen: true,
        readable: true,
        writable: true,
        onread: { buffer: this.readBuffer, callback: (n: number) => void (client !== null && this.readInto(client, n)) },
      } as net.SocketConstructorOpts);
      socket.setNoDelay(true);
      // What net.Server keeps for its own sockets (connection count, server.close()).
      internals._connections++;
      Object.assign(socket, { server: srv, _server: srv });
      client = this.accept(socket, true);
    };
  }

  /** A read of n bytes into readBuffer for client c (passed with n: a view costs ~100 bytes). */
  private readInto(c: Client, n: number): void {
    this.received(c, this.readBuffer, n);
    c.parser.unshare();
    for (const h of this.readDoneHooks) h();
  }

  private received(c: Client, chunk: Buffer, n: number = chunk.length): void {
    try {
      c.onData(chunk, n);
    } catch (e) {
      this.log('warning', `Internal error serving client id=${c.id}: ${(e as Error).stack ?? e}`);
      c.reply.error('ERR internal error');
      c.closeAfterReply = true;
      this.schedule(c);
    }
  }

  /** A new connection; `readsIntoBuffer`: its reads come through readInto, not 'data' events. */
  private accept(socket: net.Socket, readsIntoBuffer = false): Client | null {
    if (this.closing) {
      socket.destroy();
      return null;
    }
    if (this.clients.size >= this.config.num('maxclients')) {
      this.stats.rejectedConnections++;
      socket.end('-ERR max number of clients reached\r\n', () => socket.destroy());
      return null;
    }
    this.stats.totalConnections++;
    // tcp-keepalive: SO_KEEPALIVE with the first probe after that many seconds of silence
    // (Redis's anetKeepAlive), so a peer that vanished is found and its client freed.
    const keepalive = this.config.num('tcp-keepalive');
    if (keepalive > 0) socket.setKeepAlive(true, keepalive * 1000);
    const c = new Client(this, socket, this.nextClientId++);
    this.clients.set(c.id, c);
    if (!readsIntoBuffer) socket.on('data', (chunk: Buffer) => this.received(c, chunk));
    socket.on('end', () => c.peerClosed());
    socket.on('error', () => c.close());
    socket.on('close', () => c.close());
    return c;
  }

  /** A client the server makes for itself (scripts, loading, tests): no socket. */
  fakeClient(): Client {
    return new Client(this, null, this.nextClientId++);
  }

  removeClient(c: Client): void {
    this.clients.delete(c.id);
    this.monitors.delete(c);
    if (c.postponed !== null) this.paused = this.paused.filter((p) => p !== c);
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

  /**
   * Whether this command must wait for CLIENT PAUSE to end: every command in ALL mode,
   * commands that may replicate (writes, PUBLISH, EXEC of writes, ...) in WRITE mode.
   * MONITOR clients (replicas to Redis) are never paused.
   */
  pausedFor(c: Client, spec: CommandSpec): boolean {
    if (this.pauseType === 'none' || c.monitor) return false;
    if (Date.now() >= this.pauseUntil) {
      this.unpause();
      return false;
    }
    return this.pauseType === 'all' || mayReplicate(spec, c);
  }

  /** Holds a client's command until the pause ends (Redis blocks it with BLOCKED_POSTPONE). */
  postpone(c: Client, argv: string[]): void {
    c.postponed = argv;
    this.paused.push(c);
  }

  /**
   * CLIENT PAUSE: holds commands until `until` (unix ms). A second pause keeps the later
   * end and the stronger mode, as Redis does.
   */
  pause(type: 'write' | 'all', until: number): void {
    if (this.pauseType === 'none' || type === 'all') this.pauseType = type;
    this.pauseUntil = Math.max(this.pauseUntil, until);
    if (this.pauseTimer !== null) clearTimeout(this.pauseTimer);
    this.pauseTimer = setTimeout(() => this.unpause(), Math.max(0, this.pauseUntil - Date.now()));
    this.pauseTimer.unref();
    if (until <= Date.now()) this.unpause();
  }

  /** Ends a pause: held commands run, in the order they arrived. */
  unpause(): void {
    if (this.pauseTimer !== null) clearTimeout(this.pauseTimer);
    this.pauseTimer = null;
    this.pauseType = 'none';
    this.pauseUntil = 0;
    const held = this.paused;
    this.paused = [];
    for (const c of held) {
      const argv = c.postponed;
      if (argv === null || c.closed) continue;
      c.postponed = null;
      c.qbufAtCommand = -1;
      this.execute(c, argv);
      c.processInput();
    }
  }

  /** Clients blocked on keys or held by a pause (INFO blocked_clients). */
  get blockedClients(): number {
    let n = 0;
    for (const c of this.clients.values()) if (c.blocked !== null || c.postponed !== null) n++;
    return n;
  }

  /**
   * Per-client housekeeping each cron tick: closes clients idle longer than `timeout`
   * (not blocked, subscribed or MONITOR clients, as Redis's clientsCronHandleTimeout) and
   * samples the instantaneous metrics.
   */
  private clientsCron(): void {
    const now = Date.now();
    const idle = this.config.num('timeout');
    if (idle > 0) {
      for (const c of [...this.clients.values()]) {
        if (c.blocked !== null || c.postponed !== null || c.pubsub !== null || c.monitor || c.socket === null) continue;
        if (now - c.lastInteraction > idle * 1000) {
          this.log('verbose', 'Closing idle client');
          c.close();
        }
      }
    }
    const m = this.metrics;
    if (now - m.last.time >= 100) {
      const mem = process.memoryUsage();
      const used = mem.heapUsed + mem.external;
      if (used > this.stats.peakMemory) this.stats.peakMemory = used;
      const dt = m.last.time === 0 ? 0 : now - m.last.time;
      if (dt > 0) {
        const sample = (arr: number[], delta: number): void => {
          arr.push((delta * 1000) / dt);
          if (arr.length > 16) arr.shift();
        };
        sample(m.commands, this.stats.totalCommands - m.last.commands);
        sample(m.input, this.stats.netInputBytes - m.last.input);
        sample(m.output, this.stats.netOutputBytes - m.last.output);
      }
      m.last = { time: now, commands: this.stats.totalCommands, input: this.stats.netInputBytes, output: this.stats.netOutputBytes };
    }
  }

  /** The error line refusing writes right now, or null when writes are allowed. */
  writeRefusal(): string | null {
    const guards = this.writeGuards;
    for (let i = 0; i < guards.length; i++) {
      const r = guards[i]!();
      if (r !== null) return r;
    }
    return null;
  }

  /** Sends a command's effect to the AOF and replicas. */
  propagate(dbid: number, argv: string[], raw: RawRequest | null = null): void {
    if (this.store.loading) return;
    for (const f of this.feeds) f(dbid, argv, raw);
  }

  commandStats(name: string): CommandStat {
    // Pipelines mostly repeat one command: its entry is remembered.
    if (name === this.lastStatName && this.lastStat !== null) return this.lastStat;
    let s = this.cmdStats.get(name);
    if (s === undefined) {
      s = { calls: 0, usec: 0, rejected: 0, failed: 0, latency: null, latencyCount: 0 };
      this.cmdStats.set(name, s);
    }
    this.lastStatName = name;
    this.lastStat = s;
    return s;
  }

  /** Records one run of a command for INFO latencystats, when latency-tracking is on. */
  recordLatency(stat: CommandStat, ns: number): void {
    if (!this.latencyTracking) return;
    if (stat.latency === null) stat.latency = new Array<number>(LATENCY_BUCKETS).fill(0);
    stat.latency[latencyBucket(ns)]!++;
    stat.latencyCount++;
  }

  allCommandStats(): ReadonlyMap<string, CommandStat> {
    return this.cmdStats;
  }

  resetStats(): void {
    this.cmdStats.clear();
    this.lastStatName = '';
    this.lastStat = null;
    this.errorStats.clear();
    this.stats.totalErrorReplies = 0;
    this.stats.totalCommands = 0;
    this.stats.totalConnections = 0;
    this.stats.rejectedConnections = 0;
    this.stats.netInputBytes = 0;
    this.stats.netOutputBytes = 0;
    this.stats.peakMemory = 0;
    this.store.stats.expiredKeys = 0;
    this.store.stats.expiredStalePerc = 0;
    this.store.stats.expiredTimeCapReached = 0;
    this.store.stats.keyspaceHits = 0;
    this.store.stats.keyspaceMisses = 0;
    for (const fn of this.resetStatsHooks) fn();
  }

  /** Run by CONFIG RESETSTAT: subsystems reset their own INFO counters. */
  readonly resetStatsHooks: (() => void)[] = [];

  /**
   * Counts an error reply by its code, as INFO errorstats shows it: the first word when a
   * space comes within 32 bytes, otherwise ERR (Redis afterErrorReply).
   */
  countError(line: string): void {
    const space = line.indexOf(' ');
    const code = space > 0 && space < 32 ? line.slice(0, space) : 'ERR';
    this.stats.totalErrorReplies++;
    this.errorStats.set(code, (this.errorStats.get(code) ?? 0) + 1);
  }

  slowlogPush(c: Client, argv: string[], usec: number, spec: CommandSpec): void {
    const threshold = this.slowlogThreshold;
    if (threshold < 0 || usec < threshold || traits(spec) & Trait.skipSlowlog) return;
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
    if (!c.flushPending) {
      c.flushPending = true;
      this.pending.push(c);
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.runBeforeSleep);
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
   * Runs `fn` once this turn's replies have been handed to the sockets, and returns true;
   * returns false when no flush is pending (the caller runs it itself). Background work that
   * yields between slices (a BGSAVE's or a rewrite's walk) goes here, so it does not hold up
   * the replies of the commands that ran just before it.
   */
  afterReplies(fn: () => void): boolean {
    if (!this.flushScheduled) return false;
    this.afterFlush.push(fn);
    return true;
  }

  /**
   * End of an event-loop turn: durability hooks first (AOF write), then one write per client.
   * When a gate asks for it, this turn's replies are taken as a batch and written once the
   * gate resolves and every earlier batch has left, so no client ever sees a reply (or data
   * written by another client) before it is durable. Then what waited for the replies
   * (afterReplies).
   */
  beforeSleep(): void {
    this.flushScheduled = false;
    try {
      this.flushReplies();
    } finally {
      // The list just flushed keeps no client alive until the next turn.
      this.flushing.length = 0;
      if (this.afterFlush.length !== 0) {
        const after = this.afterFlush;
        this.afterFlush = [];
        for (const fn of after) fn();
      }
    }
  }

  private flushReplies(): void {
    for (const h of this.beforeSleepHooks) h();
    // Clients scheduled from here on (by a flush that closes one and wakes another) go to
    // the next turn's list.
    const pending = this.pending;
    this.pending = this.flushing;
    this.flushing = pending;
    for (const c of pending) c.flushPending = false;
    let gate: Promise<unknown> | null = null;
    for (const g of this.replyGates) {
      const p = g();
      if (p !== null) gate = gate === null ? p : Promise.all([gate, p]);
    }
    if (gate === null && this.heldReplies === null) {
      for (const c of pending) c.flush();
      return;
    }
    const batch: [Client, Buffer][] = [];
    for (const c of pending) batch.push([c, c.reply.takeBytes()]);
    const held: Promise<void> = Promise.all([this.heldReplies, gate]).then(() => {
      for (const [c, out] of batch) c.writeOut(out);
      if (this.heldReplies === held) this.heldReplies = null;
    });
    this.heldReplies = held;
  }

  private startCron(): void {
    const tick = (): void => {
      if (!this.cronPaused) for (const job of this.cronJobs) {
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

  /**
   * Shuts down: runs the shutdown hooks (the final save), then stops accepting and closes
   * every client. When a hook fails and `force` is not set, the server keeps running and
   * the error is thrown (SHUTDOWN answers it, as Redis's "Errors trying to SHUTDOWN").
   */
  async close(opts: ShutdownOptions = {}): Promise<void> {
    if (this.closing) return this.whenClosed;
    this.closing = true;
    try {
      for (const h of this.shutdownHooks) await h(opts);
    } catch (e) {
      if (!opts.force) {
        this.closing = false;
        throw e;
      }
      this.log('warning', `Error during shutdown, going on as asked (FORCE): ${(e as Error).message}`);
    }
    if (this.cronTimer) clearTimeout(this.cronTimer);
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    const listenersClosed = this.closeListeners();
    this.beforeSleep();
    for (const c of [...this.clients.values()]) {
      c.close();
      c.socket?.destroy();
    }
    await listenersClosed;
    this.resolveClosed();
  }
}

/** The `bind` addresses as hosts to listen on; a leading '-' makes an address optional. */
function parseBinds(bind: string): { host: string; optional: boolean }[] {
  const out: { host: string; optional: boolean }[] = [];
  for (const raw of bind.split(' ')) {
    if (raw === '') continue;
    const optional = raw.startsWith('-');
    let host = optional ? raw.slice(1) : raw;
    if (host === '*') host = '0.0.0.0';
    if (host === '::*') host = '::';
    out.push({ host, optional });
  }
  return out;
}

/** Child-process check that every address can be bound on a port (see applyListen). */
const PROBE_SCRIPT = `
const net = require('node:net');
const port = Number(process.argv[1]);
const binds = JSON.parse(process.argv[2]);
const open = [];
function next(i) {
  if (i >= binds.length) { for (const s of open) s.close(); process.exit(0); }
  const { host, optional } = binds[i];
  const s = net.createServer();
  s.once('error', (e) => {
    if (optional && (e.code === 'EADDRNOTAVAIL' || e.code === 'EAFNOSUPPORT')) return next(i + 1);
    process.stdout.write(e.message); process.exit(1);
  });
  s.listen({ host, port, ipv6Only: host.includes(':') }, () => { open.push(s); next(i + 1); });
}
next(0);
`;

/** The command table with rename-command directives applied ('' removes a command). */
function buildCommandTable(renames: readonly [string, string][]): ReadonlyMap<string, CommandSpec> {
  if (renames.length === 0) return COMMANDS;
  const table = new Map(COMMANDS);
  for (const [from, to] of renames) {
    const spec = table.get(from);
    if (spec === undefined) throw new Error('No such command in rename-command');
    table.delete(from);
    if (to !== '') {
      if (table.has(to.toLowerCase())) throw new Error('Target command name already exists');
      table.set(to.toLowerCase(), spec);
    }
  }
  return table;
}
