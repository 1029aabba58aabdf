/**
 * Client: one connection's state (selected database, protocol version, authentication,
 * transaction, reply mode) and its reply writer. Handlers receive it as their context
 * (`Ctx`), the way Redis commands receive `client *c`.
 *
 * The socket side (reading, parsing, flushing, closing) lives here too; the command
 * pipeline is in dispatch.ts.
 */

import type { Socket } from 'node:net';
import { Args } from '../commands/types.js';
import type { CommandSpec } from '../commands/types.js';
import { parseObufLimits } from '../config/config.js';
import { ProtocolError, RequestParser } from '../protocol/parser.js';
import { Reply } from '../protocol/writer.js';
import type { Db } from '../store/db.js';
import type { Subscriptions } from './pubsub.js';
import type { Server } from './server.js';

export type ReplyMode = 'on' | 'off' | 'skip';

export interface MultiState {
  queue: { spec: CommandSpec; argv: string[] }[];
  /** A command failed to queue (unknown, arity, ...): EXEC answers EXECABORT. */
  failed: boolean;
}

/** Why a client is parked (Redis's blocking types), with what the manager needs. */
export interface BlockedState {
  kind: string;
  /** Absolute deadline in ms, or 0 for none. */
  deadline: number;
  /** Keys the client waits on, in its database. */
  keys: string[];
  /** Re-runs the blocked command's attempt; returns true when it was served. */
  retry: () => boolean;
  /** Answers the timeout. */
  onTimeout: () => void;
}

/**
 * The reply writer of a connection: every error reply is counted (INFO errorstats,
 * total_error_replies and a command's failed_calls), whether a handler threw it or wrote
 * it, as Redis's afterErrorReply does.
 */
class CountingReply extends Reply {
  constructor(private readonly onError: (line: string) => void) {
    super();
  }
  override error(line: string): void {
    this.onError(line);
    super.error(line);
  }
}

/** Redis's client types (CLIENT LIST TYPE, CLIENT KILL TYPE, output buffer classes). */
export type ClientType = 'normal' | 'master' | 'replica' | 'pubsub';

export class Client {
  readonly id: number;
  name = '';
  db: Db;
  readonly reply: Reply;
  readonly args = new Args();
  readonly parser: RequestParser;
  /**
   * The command processInput is running, while the parser still has its request bytes
   * (parser.rawStart..rawEnd): a command propagated unchanged is copied from them.
   */
  rawArgv: string[] | null = null;
  authenticated: boolean;
  replyMode: ReplyMode = 'on';
  /** CLIENT REPLY SKIP was just run: the next command's reply is dropped. */
  replySkipNext = false;
  /** The ACL user (Amber has only `default`). */
  user = 'default';
  /** CLIENT NO-EVICT ON (accepted; Amber never evicts clients). */
  noEvict = false;
  /** A command held back by CLIENT PAUSE, run again when the pause ends. */
  postponed: string[] | null = null;
  /** Query-buffer bytes when the current command was read (CLIENT LIST qbuf). */
  qbufAtCommand = -1;
  /** Since when (ms) the output backlog has been over the soft limit, or 0. */
  obufSoftSince = 0;
  multi: MultiState | null = null;
  /** Keys this client WATCHes: per database, the keys. */
  watched: Map<Db, Set<string>> | null = null;
  /** A WATCHed key changed: the next EXEC fails. */
  dirtyCas = false;
  blocked: BlockedState | null = null;
  /** Set by CLIENT KILL / QUIT / protocol errors: close once pending output is written. */
  closeAfterReply = false;
  closed = false;
  /** In the server's list of clients to flush at the end of this turn. */
  flushPending = false;
  /** When the connection was accepted (CLIENT LIST age, CLIENT KILL MAXAGE). */
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  /**
   * The command being executed and its arguments (for CLIENT LIST, propagation, replies
   * that name the command); null between commands. Two fields rather than one object, so
   * running a command allocates nothing for them.
   */
  currentSpec: CommandSpec | null = null;
  currentArgv: string[] | null = null;
  lastCommand = 'NULL';
  libName = '';
  libVer = '';
  /** Argument positions of the current command shown as "(redacted)" in the slow log and MONITOR. */
  redacted: Set<number> | null = null;
  /** What the current write command propagates instead of its argv (null: its argv). */
  propagateAs: string[][] | null = null;
  /** Set when the current command must not be propagated even though it wrote. */
  noPropagate = false;
  /** Bytes read from and written to this connection. */
  bytesIn = 0;
  bytesOut = 0;
  monitor = false;
  /** Pub/sub subscriptions (src/server/pubsub.ts); null when none (not in pub/sub mode). */
  pubsub: Subscriptions | null = null;
  /** Set while reads are paused (output backlog or a paused server). */
  private readingPaused = false;

  constructor(
    readonly server: Server,
    readonly socket: Socket | null,
    id: number,
  ) {
    this.id = id;
    this.db = server.store.db(0);
    this.reply = new CountingReply((line) => server.countError(line));
    this.authenticated = server.config.str('requirepass') === '';
    const config = server.config;
    this.parser = new RequestParser({
      maxBulkLen: () => config.num('proto-max-bulk-len'),
      unauthenticated: () => this.authRequired(),
    });
  }

  /**
   * Whether the client must authenticate before running commands (Redis authRequired):
   * the default user has a password (requirepass) and this client has not logged in.
   */
  authRequired(): boolean {
    return !this.authenticated && this.server.config.str('requirepass') !== '';
  }

  /** The client's type as CLIENT LIST / KILL and the output buffer limits see it. */
  get type(): ClientType {
    return this.pubsub !== null ? 'pubsub' : 'normal';
  }

  private cachedAddr: string | null = null;
  private cachedLaddr: string | null = null;

  /**
   * The peer address `ip:port` (`[ipv6]:port`). Asked of the socket when first needed (system
   * calls and formatting a connection would otherwise pay at accept or close, ~5 µs) and
   * kept. Only a client already gone can be asked too late (the socket no longer knows): it
   * has no address (''), and nothing lists it any more. A client closed while it runs a
   * command (the slow log reads it afterwards) still has its socket open.
   */
  get addr(): string {
    if (this.cachedAddr === null) {
      const s = this.socket;
      if (!s || s.destroyed) return '';
      const host = s.remoteAddress ?? '';
      this.cachedAddr = (host.includes(':') ? `[${host}]` : host) + ':' + (s.remotePort ?? 0);
    }
    return this.cachedAddr;
  }

  /** The local address the client connected to. */
  get laddr(): string {
    if (this.cachedLaddr === null) {
      const s = this.socket;
      if (!s || s.destroyed) return '';
      const host = s.localAddress ?? '';
      this.cachedLaddr = (host.includes(':') ? `[${host}]` : host) + ':' + (s.localPort ?? 0);
    }
    return this.cachedLaddr;
  }

  /**
   * The write epilogue: every change a command makes ends here. It counts a change for
   * save points, invalidates WATCHers, and emits the keyspace event. Propagation to the
   * AOF happens once the command returns (its argv, or what it set in propagateAs).
   */
  wrote(key: string, event: string, type = 'g', db: Db = this.db): void {
    const store = this.server.store;
    store.dirty++;
    store.hooks.modified(db, key);
    store.hooks.keyspaceEvent(type, event, key, db.id);
  }

  /**
   * Output ranges of the current command written with `pushOut` (kept by CLIENT REPLY
   * OFF/SKIP); null when there are none.
   */
  pushRanges: [number, number][] | null = null;

  /**
   * Writes out-of-band output (pub/sub confirmations and messages, RESP3 pushes) that CLIENT
   * REPLY OFF/SKIP must not silence, as Redis's CLIENT_PUSHING. Output written outside a
   * command of this client (a message published by another) is never silenced anyway.
   */
  pushOut(write: () => void): void {
    const start = this.reply.length;
    write();
    if (this.currentSpec !== null && this.replyMode !== 'on') {
      if (this.pushRanges === null) this.pushRanges = [];
      this.pushRanges.push([start, this.reply.length]);
    }
  }

  /** Hides argument i of the current command from the slow log and MONITOR (passwords). */
  redact(i: number): void {
    if (this.redacted === null) this.redacted = new Set();
    this.redacted.add(i);
  }

  /** Replaces what the current command propagates (effects, not intentions). */
  propagate(...commands: string[][]): void {
    if (this.propagateAs === null) this.propagateAs = [];
    this.propagateAs.push(...commands);
  }

  /** Bytes arrived on the socket: the first n of chunk (all of it by default). */
  onData(chunk: Buffer, n: number = chunk.length): void {
    this.bytesIn += n;
    this.server.stats.netInputBytes += n;
    this.lastInteraction = Date.now();
    this.parser.feed(chunk, n);
    this.processInput();
    if (this.parser.pending > this.server.config.num('client-query-buffer-limit')) {
      this.server.log('warning', `Closing client that reached max query buffer length: id=${this.id} addr=${this.addr} (qbuf initial bytes: ${this.parser.pending})`);
      this.close();
    }
  }

  /** Runs every complete command in the input, until the client blocks or closes. */
  processInput(): void {
    const server = this.server;
    // The keys' access clock is read once per batch of commands.
    server.store.access.refresh();
    const outer = server.chaining;
    server.chaining = true;
    server.clockMark[0] = -1;
    try {
      while (!this.closed && !this.closeAfterReply && this.blocked === null && this.postponed === null) {
        let argv: string[] | null;
        const qbuf = this.parser.pending;
        try {
          argv = this.parser.next();
        } catch (e) {
          if (!(e instanceof ProtocolError)) throw e;
          this.reply.error(e.line);
          server.log('verbose', `Protocol error (${e.message}) from client: id=${this.id} addr=${this.addr}`);
          this.closeAfterReply = true;
          break;
        }
        if (argv === null) break;
        this.qbufAtCommand = qbuf;
        this.rawArgv = this.parser.rawStart >= 0 ? argv : null;
        server.execute(this, argv);
        this.rawArgv = null;
        this.qbufAtCommand = -1;
      }
    } finally {
      server.chaining = outer;
      server.clockMark[0] = -1;
      this.rawArgv = null;
    }
    server.schedule(this);
  }

  /** Writes pending output to the socket (called once per event-loop turn). */
  flush(): void {
    const s = this.socket;
    if (s === null || this.closed) {
      this.reply.truncate(0);
    } else if (this.reply.length > 0) {
      // The reply buffer itself goes to the socket; it is reused when the kernel took it all.
      this.wrote_(s, this.reply.flushInto(this.writeToSocket));
    }
    if (this.closeAfterReply && !this.closed) this.close();
  }

  /** flush's writer (made once per client, not per flush): whether the kernel took it all. */
  private readonly writeToSocket = (bytes: Buffer): boolean => {
    const s = this.socket!;
    s.write(bytes);
    return s.writableLength === 0;
  };

  /** Writes output taken earlier (held back for durability) and honours a pending close. */
  writeOut(out: Buffer): void {
    const s = this.socket;
    if (out.length > 0 && s !== null && !this.closed) {
      s.write(out);
      this.wrote_(s, out.length);
    }
    if (this.closeAfterReply && !this.closed) this.close();
  }

  /** Accounts n bytes just written and applies the output limits and backpressure. */
  private wrote_(s: Socket, n: number): void {
    this.bytesOut += n;
    this.server.stats.netOutputBytes += n;
    if (this.overOutputLimit(s.writableLength)) return;
    if (!this.readingPaused && s.writableLength > this.server.outputPauseBytes) {
      // Backpressure: a client that does not read its replies stops being read.
      this.readingPaused = true;
      s.pause();
      s.once('drain', () => {
        this.readingPaused = false;
        if (!this.closed) s.resume();
      });
    }
  }

  /**
   * Enforces client-output-buffer-limit for this client's class: over the hard limit, or
   * over the soft limit for longer than its seconds, the client is closed (Redis
   * checkClientOutputBufferLimits). Returns true when it closed the client.
   */
  private overOutputLimit(pending: number): boolean {
    // Usual case: the kernel took everything. Nothing can be over a limit then (limits are
    // positive or off), and no soft-limit timer runs: skip reading the config.
    if (pending === 0 && this.obufSoftSince === 0) return false;
    const cls = this.type === 'pubsub' ? 'pubsub' : 'normal';
    const limit = parseObufLimits(this.server.config.str('client-output-buffer-limit'))[cls];
    let over = limit.hard > 0 && pending >= limit.hard;
    if (limit.soft > 0 && pending >= limit.soft) {
      const now = Date.now();
      if (this.obufSoftSince === 0) this.obufSoftSince = now;
      else if (now - this.obufSoftSince > limit.softSeconds * 1000) over = true;
    } else {
      this.obufSoftSince = 0;
    }
    if (!over) return false;
    this.server.log('warning', `Client ${this.describe()} scheduled to be closed ASAP for overcoming of output buffer limits.`);
    this.close();
    this.socket?.destroy();
    return true;
  }

  /** Bytes of replies produced but not yet accepted by the kernel. */
  get outputPending(): number {
    return this.reply.length + (this.socket?.writableLength ?? 0);
  }

  /** The CLIENT LIST line of this client (Redis 7.0's catClientInfoString, field for field). */
  info(): string {
    const now = Date.now();
    let flags = '';
    if (this.monitor) flags += 'O';
    if (this.pubsub !== null) flags += 'P';
    if (this.multi !== null) flags += 'x';
    if (this.blocked !== null || this.postponed !== null) flags += 'b';
    if (this.dirtyCas) flags += 'd';
    if (this.closeAfterReply) flags += 'c';
    if (this.noEvict) flags += 'e';
    if (flags === '') flags = 'N';
    const s = this.socket;
    const pending = this.outputPending;
    // Redis keeps up to 16 KB of output in the client's own buffer (obl) and the rest in a
    // list of 16 KB blocks (oll, omem).
    const obl = Math.min(pending, 16384);
    const omem = pending - obl;
    const oll = omem > 0 ? Math.ceil(omem / 16384) : 0;
    const qbuf = this.qbufAtCommand >= 0 ? this.qbufAtCommand : this.parser.pending;
    let argvMem = 0;
    if (this.currentArgv !== null) for (const a of this.currentArgv) argvMem += a.length;
    let multiMem = 0;
    if (this.multi !== null) for (const q of this.multi.queue) for (const a of q.argv) multiMem += a.length + 16;
    const totMem = 1928 + 16384 + qbuf + argvMem + multiMem + omem;
    const subs = this.pubsub;
    const events = s === null ? '' : 'r' + (s.writableLength > 0 ? 'w' : '');
    const fd = (s as unknown as { _handle?: { fd?: number } } | null)?._handle?.fd ?? -1;
    return (
      `id=${this.id} addr=${this.addr} laddr=${this.laddr} fd=${fd} name=${this.name} ` +
      `age=${Math.floor((now - this.createdAt) / 1000)} idle=${Math.floor((now - this.lastInteraction) / 1000)} flags=${flags} ` +
      `db=${this.db.id} sub=${subs?.channels.size ?? 0} psub=${subs?.patterns.size ?? 0} ssub=${subs?.shard.size ?? 0} ` +
      `multi=${this.multi !== null ? this.multi.queue.length : -1} qbuf=${qbuf} qbuf-free=0 argv-mem=${argvMem} multi-mem=${multiMem} ` +
      `rbs=16384 rbp=16384 obl=${obl} oll=${oll} omem=${omem} tot-mem=${totMem} events=${events} cmd=${this.lastCommand} ` +
      `user=${this.user} redir=-1 resp=${this.reply.proto}`
    );
  }

  /** A short description for log lines. */
  describe(): string {
    return this.info();
  }

  /** Closes the connection now (pending output that was already written still leaves). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.removeClient(this);
    const s = this.socket;
    if (s !== null && !s.destroyed) {
      // Like Redis's close(): stop reading, let what was written leave, then drop the
      // connection (a peer that keeps sending gets a reset, not a half-open socket).
      s.pause();
      s.end(() => s.destroy());
      // A peer that reads nothing would keep the output (and the socket) forever.
      setTimeout(() => s.destroy(), 5000).unref();
    }
  }

  /**
   * The peer closed its side (EOF). As Redis frees a client whose read returns 0, the
   * connection is dropped without a shutdown or a half-open wait: after this turn's replies
   * were handed to the socket (the end of the turn comes first: it was scheduled before),
   * the socket is destroyed.
   */
  peerClosed(): void {
    setImmediate(() => {
      if (this.closed) return;
      const s = this.socket;
      if (s !== null && !s.destroyed) s.destroy();
      this.close();
    });
  }
}
