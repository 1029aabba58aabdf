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

export class Client {
  readonly id: number;
  name = '';
  db: Db;
  readonly reply = new Reply();
  readonly args = new Args();
  readonly parser: RequestParser;
  authenticated: boolean;
  replyMode: ReplyMode = 'on';
  multi: MultiState | null = null;
  /** Keys this client WATCHes: per database, the keys. */
  watched: Map<Db, Set<string>> | null = null;
  /** A WATCHed key changed: the next EXEC fails. */
  dirtyCas = false;
  blocked: BlockedState | null = null;
  /** Set by CLIENT KILL / QUIT / protocol errors: close once pending output is written. */
  closeAfterReply = false;
  closed = false;
  /** Commands of the current read that still wait to run (the client was blocked or paused). */
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  /** The command being executed (for INFO, CLIENT LIST, propagation). */
  current: { spec: CommandSpec; argv: string[] } | null = null;
  lastCommand = 'NULL';
  libName = '';
  libVer = '';
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
    this.authenticated = server.config.str('requirepass') === '';
    const config = server.config;
    this.parser = new RequestParser({
      maxBulkLen: () => config.num('proto-max-bulk-len'),
      unauthenticated: () => !this.authenticated,
    });
  }

  get addr(): string {
    const s = this.socket;
    if (!s) return '';
    const host = s.remoteAddress ?? '';
    return (host.includes(':') ? `[${host}]` : host) + ':' + (s.remotePort ?? 0);
  }

  get laddr(): string {
    const s = this.socket;
    if (!s) return '';
    const host = s.localAddress ?? '';
    return (host.includes(':') ? `[${host}]` : host) + ':' + (s.localPort ?? 0);
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

  /** Replaces what the current command propagates (effects, not intentions). */
  propagate(...commands: string[][]): void {
    if (this.propagateAs === null) this.propagateAs = [];
    this.propagateAs.push(...commands);
  }

  /** Bytes arrived on the socket. */
  onData(chunk: Buffer): void {
    this.bytesIn += chunk.length;
    this.server.stats.netInputBytes += chunk.length;
    this.lastInteraction = Date.now();
    this.parser.feed(chunk);
    this.processInput();
    if (this.parser.pending > this.server.config.num('client-query-buffer-limit')) {
      this.server.log('warning', `Closing client that reached max query buffer length: id=${this.id} addr=${this.addr} (qbuf initial bytes: ${this.parser.pending})`);
      this.close();
    }
  }

  /** Runs every complete command in the input, until the client blocks or closes. */
  processInput(): void {
    const server = this.server;
    while (!this.closed && !this.closeAfterReply && this.blocked === null && !server.isPausedFor(this)) {
      let argv: string[] | null;
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
      server.execute(this, argv);
    }
    server.schedule(this);
  }

  /** Writes pending output to the socket (called once per event-loop turn). */
  flush(): void {
    const out = this.reply.out;
    this.reply.out = '';
    this.writeOut(out);
  }

  /** Writes output taken earlier (possibly held back for durability) and honours a pending close. */
  writeOut(out: string): void {
    const s = this.socket;
    if (out.length > 0 && s !== null && !this.closed) {
      this.bytesOut += out.length;
      this.server.stats.netOutputBytes += out.length;
      s.write(out, 'latin1');
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
    if (this.closeAfterReply && !this.closed) this.close();
  }

  /** Closes the connection now (pending output that was already written still leaves). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.removeClient(this);
    this.socket?.end();
  }
}
