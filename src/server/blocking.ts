/**
 * The blocking-command manager (Redis 7.0 blocked.c and timeout.c for keys): parks clients
 * that wait for data on keys (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX,
 * BZMPOP), serves them in FIFO order when a key they wait on is created, answers their
 * timeout, and lets CLIENT UNBLOCK wake them.
 *
 * How a blocking command uses it (see commands/list.ts):
 *   1. try to serve from the keys now; if it could, it replied: done;
 *   2. if `!blocking.canBlock(c)` (inside MULTI/EXEC, scripts, server-side clients) reply as
 *      on timeout (a null array), as Redis does for CLIENT_DENY_BLOCKING;
 *   3. else `blocking.block(c, { keys, timeoutMs, serve, onTimeout })` and return.
 *
 * When a key is created in a database (`Db.set` calls `store.hooks.keyReady`, which this
 * manager owns) and clients wait on it, the key is queued once. After each top-level
 * command (and after a whole EXEC or script) the queue is drained as Redis's
 * handleClientsBlockedOnKeys does: for each ready key, its waiters in the order they
 * blocked get `serve(key)` until the key is gone; serving may create other keys (BLMOVE
 * chains), which are served in the same drain. Redis signals readiness only when a key is
 * created (dbAdd) or appears by SWAPDB: a push to an existing list cannot matter, since
 * clients only wait on keys that were missing (or empty) when they blocked.
 *
 * `serve(key)` runs outside the dispatcher's `call`, with `c.currentSpec` and `c.currentArgv` set to the blocked
 * command; it must reply, call `c.wrote` for each change and `c.propagate(...)` with its
 * effects (LPOP key, LMOVE ..., ZPOPMIN key ...): only what it passes to `c.propagate` is
 * propagated (never the blocked command's argv). The manager sends those effects to the
 * AOF and replicas, accounts the command's time and errors (INFO commandstats, SLOWLOG) as
 * Redis's updateStatsOnUnblock does, and then lets the client's pipelined input continue
 * (at the next event-loop turn, as Redis's processUnblockedClients in beforeSleep).
 *
 * Timeouts have a timer each, so a 0.1 s timeout is answered about 100 ms later (Redis
 * checks deadlines before every event-loop sleep, with at most 1000/hz ms of lag).
 *
 * INFO's `blocked_clients` counts clients whose `c.blocked` is set (Server.blockedClients);
 * `BlockingManager.blockedCount` is the number of clients parked here.
 *
 * Runtime imports: none from server/ (only types), so command files may import this.
 */

import type { Args, CommandSpec } from '../commands/types.js';
import { E, ReplyError } from '../protocol/errors.js';
import type { Db } from '../store/db.js';
import type { Client } from './client.js';
import type { Server } from './server.js';

/** What a blocking command waits for, and how to finish it. */
export interface BlockRequest {
  /** Keys in `c.db` the client waits on, in order (duplicates are ignored). */
  keys: string[];
  /** Relative milliseconds; 0 = wait forever. */
  timeoutMs: number;
  /**
   * Tries to serve the client from `key` (now possibly ready). Returns true when it
   * replied (data, or an error such as WRONGTYPE for a BLMOVE destination): the client is
   * then unblocked. Returns false to keep waiting (e.g. the key now holds another type).
   */
  serve(key: string): boolean;
  /** Replies for a timeout (typically `c.reply.nullArray()`). */
  onTimeout(): void;
  /** Redis's blocking type, shown for introspection: 'list', 'zset', 'stream'. */
  kind?: string;
}

/** One parked client. */
interface Waiter {
  readonly client: Client;
  readonly db: Db;
  readonly req: BlockRequest;
  /** Distinct keys, in order. */
  readonly keys: string[];
  /** The command that blocked (for statistics when it is served). */
  readonly spec: CommandSpec | null;
  readonly argv: string[];
  /** Absolute deadline (ms since the epoch), or 0 for none. */
  readonly deadline: number;
  timer: NodeJS.Timeout | null;
}

/** setTimeout's longest delay (2^31 - 1 ms); longer waits re-arm. */
const MAX_TIMER_MS = 2147483647;

/** The error CLIENT UNBLOCK ... ERROR answers (Redis's text, code UNBLOCKED). */
export const UNBLOCKED_ERROR = 'UNBLOCKED client unblocked via CLIENT UNBLOCK';

export class BlockingManager {
  /** Per database, per key: the clients waiting on it, in the order they blocked. */
  private readonly waiting = new Map<Db, Map<string, Set<Client>>>();
  private readonly waiters = new Map<Client, Waiter>();
  /** Keys to serve, in the order they became ready; each at most once (Redis db->ready_keys). */
  private ready: { db: Db; key: string }[] = [];
  private readonly readySet = new Map<Db, Set<string>>();
  /** Clients served or timed out whose pipelined input must continue. */
  private unblocked: Client[] = [];
  private reprocessScheduled = false;
  private drainScheduled = false;
  private draining = false;

  constructor(private readonly server: Server) {}

  /** Installs the hooks: key readiness, after-command drain, disconnect, shutdown. */
  wire(): void {
    const server = this.server;
    const store = server.store;
    const previous = store.hooks.keyReady;
    store.hooks.keyReady = (db, key) => {
      this.signalKeyAsReady(db, key);
      previous(db, key);
    };
    server.afterCommandHooks.push(() => this.handleReadyKeys());
    server.clientCloseHooks.push((c) => this.forget(c));
    server.shutdownHooks.push(() => this.clearTimers());
  }

  /** Number of clients parked on keys. */
  get blockedCount(): number {
    return this.waiters.size;
  }

  /** Whether a client may block now: not inside MULTI/EXEC, not a server-side client (scripts, AOF loading). */
  canBlock(c: Client): boolean {
    return c.multi === null && c.socket !== null && !c.closed;
  }

  /** Parks the client until a key is served, the timeout passes or CLIENT UNBLOCK. */
  block(c: Client, req: BlockRequest): void {
    if (this.waiters.has(c)) throw new Error(`client ${c.id} is already blocked`);
    const db = c.db;
    const keys: string[] = [];
    let table = this.waiting.get(db);
    if (table === undefined) {
      table = new Map();
      this.waiting.set(db, table);
    }
    for (const key of req.keys) {
      let set = table.get(key);
      if (set === undefined) {
        set = new Set();
        table.set(key, set);
      }
      if (set.has(c)) continue; // BLPOP k k: one wait per key
      set.add(c);
      keys.push(key);
    }
    const now = Date.now();
    const deadline = req.timeoutMs > 0 ? now + req.timeoutMs : 0;
    const w: Waiter = { client: c, db, req, keys, spec: c.currentSpec, argv: c.currentArgv ?? [], deadline, timer: null };
    this.waiters.set(c, w);
    c.blocked = {
      kind: req.kind ?? 'list',
      deadline,
      keys,
      retry: () => this.tryServe(w),
      onTimeout: () => req.onTimeout(),
    };
    if (deadline > 0) this.arm(w, now);
  }

  /**
   * CLIENT UNBLOCK: answers the client as on timeout, or with an error (`true` for Redis's
   * UNBLOCKED text, or an error line), and wakes it. Returns false when it was not
   * blocked here. Counted as a failed call, as Redis 7.0 does for both forms.
   */
  unblock(c: Client, withError?: string | boolean): boolean {
    const w = this.waiters.get(c);
    if (w === undefined) return false;
    const start = performance.now();
    if (withError === true) c.reply.error(UNBLOCKED_ERROR);
    else if (typeof withError === 'string' && withError !== '') c.reply.error(withError);
    else w.req.onTimeout();
    this.release(w);
    this.account(w, start, true);
    this.wake(c);
    return true;
  }

  /**
   * Queues a key whose creation may serve waiting clients (Redis signalKeyAsReady). Called
   * through `store.hooks.keyReady`; SWAPDB and similar paths may call the hook directly.
   */
  signalKeyAsReady(db: Db, key: string): void {
    if (this.waiters.size === 0) return;
    const table = this.waiting.get(db);
    if (table === undefined || !table.has(key)) return;
    let set = this.readySet.get(db);
    if (set === undefined) {
      set = new Set();
      this.readySet.set(db, set);
    }
    if (set.has(key)) return;
    set.add(key);
    this.ready.push({ db, key });
    // Normally drained after the current command; this covers keys made ready outside one.
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(() => {
        this.drainScheduled = false;
        this.handleReadyKeys();
      });
    }
  }

  /**
   * Serves clients blocked on ready keys (Redis handleClientsBlockedOnKeys): keys in the
   * order they became ready; per key, waiters in the order they blocked, until the key is
   * gone. Keys made ready while serving (BLMOVE into a new list) are served too.
   */
  handleReadyKeys(): void {
    if (this.ready.length === 0 || this.draining) return;
    this.draining = true;
    const store = this.server.store;
    try {
      while (this.ready.length !== 0) {
        const batch = this.ready;
        this.ready = [];
        for (const { db, key } of batch) {
          this.readySet.get(db)?.delete(key);
          // One reference time for the whole key, as Redis's fixed_time_expire.
          const prevFixed = store.fixedTime;
          if (prevFixed === 0) store.fixedTime = store.clock.now();
          try {
            this.serveKey(db, key);
          } finally {
            store.fixedTime = prevFixed;
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** Serves the waiters of one key, first come first served, while the key exists. */
  private serveKey(db: Db, key: string): void {
    const set = this.waiting.get(db)?.get(key);
    if (set === undefined) return;
    for (const c of set) {
      if (db.get(key) === undefined) return;
      const w = this.waiters.get(c);
      if (w === undefined) continue;
      this.serveOne(w, key);
    }
  }

  /** Tries every key of a waiter (used by `c.blocked.retry`). */
  private tryServe(w: Waiter): boolean {
    for (const key of w.keys) {
      if (w.db.get(key) !== undefined && this.serveOne(w, key)) return true;
    }
    return false;
  }

  /**
   * Runs the waiter's serve callback as its command would run: its effects propagated,
   * its time and errors accounted. Returns whether it was served.
   */
  private serveOne(w: Waiter, key: string): boolean {
    const c = w.client;
    const server = this.server;
    const prevSpec = c.currentSpec;
    const prevArgv = c.currentArgv;
    if (w.spec !== null) {
      c.currentSpec = w.spec;
      c.currentArgv = w.argv;
    }
    c.propagateAs = null;
    c.noPropagate = false;
    const errorsBefore = server.stats.totalErrorReplies;
    const start = performance.now();
    let served: boolean;
    try {
      served = w.req.serve(key);
    } catch (e) {
      // A user error while serving (e.g. WRONGTYPE) is the client's reply; anything else is a bug.
      if (e instanceof ReplyError) c.reply.error(e.line);
      else {
        server.log('warning', `Internal error serving blocked client id=${c.id}: ${(e as Error).stack ?? e}`);
        c.reply.error('ERR internal error while serving a blocked command');
      }
      served = true;
    }
    if (served) {
      // serve() may have set these (TypeScript cannot see through the callback).
      const effects = c.propagateAs as string[][] | null;
      if (!(c.noPropagate as boolean) && effects !== null) {
        for (const argv of effects) server.propagate(w.db.id, argv);
      }
      this.release(w);
      this.account(w, start, server.stats.totalErrorReplies !== errorsBefore);
      this.wake(c);
    }
    c.propagateAs = null;
    c.noPropagate = false;
    c.currentSpec = prevSpec;
    c.currentArgv = prevArgv;
    return served;
  }

  /** Redis updateStatsOnUnblock: the command's time, a failed call, the slow log. */
  private account(w: Waiter, start: number, failed: boolean): void {
    if (w.spec === null) return;
    const usec = Math.round((performance.now() - start) * 1000);
    const stat = this.server.commandStats(w.spec.name);
    stat.usec += usec;
    if (failed) stat.failed++;
    this.server.slowlogPush(w.client, w.argv, usec, w.spec);
  }

  /** Takes the waiter off every key and its timer; the client is no longer blocked. */
  private release(w: Waiter): void {
    const c = w.client;
    this.waiters.delete(c);
    if (w.timer !== null) clearTimeout(w.timer);
    w.timer = null;
    const table = this.waiting.get(w.db);
    if (table !== undefined) {
      for (const key of w.keys) {
        const set = table.get(key);
        if (set === undefined) continue;
        set.delete(c);
        if (set.size === 0) table.delete(key);
      }
      if (table.size === 0) this.waiting.delete(w.db);
    }
    c.blocked = null;
  }

  /** The reply leaves this turn; pipelined input continues at the next one. */
  private wake(c: Client): void {
    const server = this.server;
    server.schedule(c);
    this.unblocked.push(c);
    if (!this.reprocessScheduled) {
      this.reprocessScheduled = true;
      setImmediate(() => this.processUnblocked());
    }
  }

  /** Redis processUnblockedClients: runs what unblocked clients sent meanwhile. */
  private processUnblocked(): void {
    this.reprocessScheduled = false;
    const list = this.unblocked;
    this.unblocked = [];
    for (const c of list) {
      if (c.closed || c.blocked !== null) continue;
      c.processInput();
    }
  }

  private arm(w: Waiter, now: number): void {
    const delay = Math.min(Math.max(w.deadline - now, 0), MAX_TIMER_MS);
    w.timer = setTimeout(() => this.onTimer(w), delay);
    w.timer.unref();
  }

  private onTimer(w: Waiter): void {
    w.timer = null;
    if (this.waiters.get(w.client) !== w) return;
    const now = Date.now();
    if (now < w.deadline) {
      this.arm(w, now);
      return;
    }
    // Redis 7.0 accounts no statistics for a timeout (only for serving and CLIENT UNBLOCK).
    w.req.onTimeout();
    this.release(w);
    this.wake(w.client);
  }

  /** A client went away: it stops waiting, without a reply. */
  private forget(c: Client): void {
    const w = this.waiters.get(c);
    if (w !== undefined) this.release(w);
  }

  private clearTimers(): void {
    for (const w of this.waiters.values()) {
      if (w.timer !== null) clearTimeout(w.timer);
      w.timer = null;
    }
  }
}

// -------------------------------------------------------------------------------------------
// Timeout argument

const DECIMAL = /^[+-]?(?:(\d+)\.?(\d*)|()\.(\d+))(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;
const INF = /^([+-]?)inf(?:inity)?$/i;
const INTEGER = /^[+-]?\d+$/;
/** Redis's MAX_LONG_DOUBLE_CHARS: longer texts are not numbers. */
const MAX_CHARS = 5 * 1024;
const INT64_LIMIT = 9223372036854775808; // 2^63

/**
 * Reads a blocking command's timeout in seconds as Redis 7.0's getTimeoutFromObjectOrReply
 * does, and returns it in relative milliseconds (0 = wait forever).
 *
 * Redis parses a long double (strtold grammar: decimal, hexadecimal, "inf"; no spaces; no
 * NaN) and keeps ceil(seconds × 1000) as a 64-bit integer:
 * - not such a number: "timeout is not a float or out of range";
 * - below zero: "timeout is negative". A value whose milliseconds do not fit 64 bits (1e16,
 *   "inf") becomes INT64_MIN in the C conversion, so Redis 7.0 also calls it negative;
 * - -0.0001 rounds up to 0: wait forever;
 * - a deadline past INT64_MAX wraps around in Redis and never fires: wait forever here.
 */
export function parseTimeout(arg: Args | string): number {
  const s = typeof arg === 'string' ? arg : arg.next();
  const ms = timeoutMillis(s);
  if (ms === null) throw new ReplyError(E.timeoutNotFloat);
  if (ms < 0) throw new ReplyError(E.timeoutNegative);
  if (ms > 0 && ms >= INT64_LIMIT - Date.now()) return 0;
  return ms;
}

/** ceil(seconds × 1000), -1 for what Redis calls negative, null when not a number. */
function timeoutMillis(s: string): number | null {
  if (s.length === 0 || s.length >= MAX_CHARS) return null;
  if (INTEGER.test(s)) {
    // Exact, even past 2^53 (a long double holds 64 bits).
    const ms = BigInt(s) * 1000n;
    if (ms < 0n || ms >= 9223372036854775808n) return -1;
    return Number(ms);
  }
  let v: number;
  const dec = DECIMAL.exec(s);
  if (dec !== null) {
    const mag = decimalMagnitude(dec[1] ?? dec[3] ?? '', dec[2] ?? dec[4] ?? '', dec[5]);
    // strtold's ERANGE cases string2ld rejects: beyond a long double (about 1.19e4932), or
    // a nonzero literal below its smallest subnormal (about 3.6e-4951).
    if (mag !== null && (mag > 4932 || mag < -4951)) return null;
    v = Number(s);
    if (!Number.isFinite(v)) return -1; // fits a long double, not 64-bit milliseconds
    if (v === 0 && mag !== null) return s.startsWith('-') ? 0 : 1; // below a double: ceil gives 1 ms (or -0)
  } else {
    const hex = HEX.exec(s);
    if (hex !== null) {
      const frac = hex[3] ?? hex[4] ?? '';
      const digits = ((hex[2] ?? '') + frac).replace(/^0+/, '');
      const exp = Number(hex[5] ?? 0) - 4 * frac.length;
      if (digits.length > 0 && (digits.length * 4 + exp > 16385 || digits.length * 4 + exp < -16445)) return null;
      v = digits.length === 0 ? 0 : parseInt(digits.slice(0, 13), 16) * Math.pow(2, exp + 4 * Math.max(0, digits.length - 13));
      if (hex[1] === '-') v = -v;
      if (!Number.isFinite(v)) return -1;
    } else if (INF.test(s)) {
      return -1;
    } else {
      return null;
    }
  }
  const ms = Math.ceil(v * 1000);
  if (!(ms < INT64_LIMIT) || ms < 0) return -1;
  return ms === 0 ? 0 : ms; // -0 → 0
}

/**
 * The power of ten of the first nonzero digit of a decimal literal (intDigits.fracDigits
 * e exp), or null when every digit is zero.
 */
function decimalMagnitude(intDigits: string, fracDigits: string, exp: string | undefined): number | null {
  const e = exp === undefined ? 0 : Math.max(-1e9, Math.min(1e9, Number(exp)));
  const int = intDigits.replace(/^0+/, '');
  if (int.length > 0) return int.length - 1 + e;
  const lead = /^0*/.exec(fracDigits)![0].length;
  if (lead === fracDigits.length) return null;
  return -(lead + 1) + e;
}
