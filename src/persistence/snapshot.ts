/**
 * The fork-less point-in-time snapshot: walks every database as it was at one instant,
 * while clients keep changing it. It is what BGSAVE and SAVE write RDB files from, and what
 * AOF rewrite (and later replication's full sync) build on.
 *
 * Redis forks and lets the kernel keep the child's copy of memory. Node cannot fork a
 * copy-on-write child, so the copy is made by hand, and only for what changes:
 *
 * 1. `start()` records, per database, the key and expire tables (`Dict` objects) and their
 *    sizes, pauses the key table's resizing (so every key's slot stays fixed), and
 *    installs `store.hooks.beforeWrite` / `beforeFlush`.
 * 2. The walk visits the key table slot by slot (`Dict.walkSlots`), one slice per
 *    event-loop turn (clients are served in between), handing each key, its value and its
 *    expire time to the consumer. A slice's length adapts to the loop's other work
 *    (`sliceBudget`).
 * 3. The Db calls `beforeWrite(db, key)` before ANY change to a key (set, delete, in-place
 *    mutation, TTL change, expiry). If the walk has not passed that key yet, its current
 *    value and expire time are handed to `consumer.preserve` (the RDB consumer serializes
 *    it; strings are immutable and kept as they are) and the key is marked handled: the
 *    walk will skip it. A key that does not exist at that moment did not exist at the start
 *    (any earlier change would have gone through the hook), so it is marked handled too and
 *    keys created during the walk never appear.
 * 4. FLUSHDB/FLUSHALL replace a Db's tables with new ones: the snapshot keeps walking the
 *    old tables, which nothing changes any more. SWAPDB exchanges tables between two Dbs:
 *    the snapshot tracks tables, not Db objects (a write is matched to a snapshot state by
 *    `db.dict` identity), so each database's section still holds its pre-swap contents.
 *
 * Memory grows only by what is written during the walk: one Set entry per key touched, plus
 * the preserved copies of keys the walk had not reached (written out as soon as their
 * database's section is being written).
 *
 * Deciding "has the walk passed this key": each slot holds at most one key, and slots below
 * the walk's position are passed. A paused Dict only adds slots at the end (a table that
 * fills up is joined by a new one), so positions never shift under the walk.
 *
 * Contract for everyone who changes the keyspace: go through Db's methods (which call the
 * hooks before the change), never mutate a value taken from `db.get`, and never mutate a
 * table after it was handed to `beforeFlush` (Db.flush and Store.swap follow this).
 *
 * Several snapshots may run at once (e.g. BGSAVE and an AOF rewrite); the hooks are
 * installed while at least one runs and removed after the last one ends.
 *
 * Sees store/ and types/ only.
 */

import type { Db } from '../store/db.js';
import type { Store } from '../store/store.js';
import type { Value } from '../store/values.js';
import type { Dict } from '../types/dict.js';

/**
 * What receives the snapshot. Calls come in database order: beginDb, then entry/preserved
 * for each key of that database, then endDb. `C` is the consumer's preserved copy of a value.
 */
export interface SnapshotConsumer<C = unknown> {
  /** Makes a copy of a value that is about to change (copy-before-write). Must not keep `value`. */
  preserve(value: Value): C;
  /** A database with keys at the snapshot point starts (`keys`, `expires`: its sizes then). */
  beginDb(dbid: number, keys: number, expires: number): void;
  /** A key as it was at the snapshot point: `value` is live and must be consumed now. */
  entry(dbid: number, key: string, value: Value, expireMs: number | undefined): void;
  /** A key that changed before the walk reached it, with its copy from `preserve`. */
  preserved(dbid: number, key: string, copy: C, expireMs: number | undefined): void;
  /** The database's keys are all out. */
  endDb(dbid: number): void;
  /**
   * Asked between slices: a promise to wait for (e.g. a file write backlog draining), or
   * null to go on.
   */
  backpressure?(): Promise<void> | null;
}

export interface SnapshotOptions {
  /**
   * The turn length the walk aims at, in ms (default 1): a slice takes what is left of it
   * after the time the event loop spent on everything else since the previous slice (see
   * `sliceBudget`), so a client waiting for its turn waits about this long.
   */
  sliceMs?: number;
  /**
   * rdb-key-save-delay: microseconds to spend per key (a test knob that makes a save slow).
   * Read at every slice. A negative value -n sleeps 1 µs with probability 1/n, as Redis's
   * debugDelay.
   */
  keyDelayUs?: () => number;
  /**
   * Asked when a slice is due: the owner may take `run` and call it once the replies of the
   * commands this turn ran have been handed to the sockets (returning true), so a client
   * does not wait for the slice to get its reply. False: nothing is pending, run now.
   */
  afterReplies?: (run: () => void) => boolean;
}

interface Pending<C> {
  key: string;
  copy: C;
  expireMs: number | undefined;
}

/** One database's tables as they were at the snapshot point. */
interface TableState<C> {
  readonly dbid: number;
  readonly dict: Dict<Value>;
  readonly expires: Dict<number>;
  readonly keys: number;
  readonly expiresCount: number;
  status: 'waiting' | 'walking' | 'done';
  /** Slots below this are passed. */
  slot: number;
  /** Keys that must not be walked: preserved already, or absent at the snapshot point. */
  handled: Set<string>;
  /** Preserved before this database's section started. */
  pending: Pending<C>[];
}

interface Hooked {
  active: Set<Snapshot<unknown>>;
  prevBeforeWrite: (db: Db, key: string) => void;
  prevBeforeFlush: (db: Db) => void;
}

/** Stores whose hooks are currently routed to snapshots. */
const hookedStores = new WeakMap<Store, Hooked>();

function attach(store: Store, snap: Snapshot<unknown>): void {
  let h = hookedStores.get(store);
  if (h === undefined) {
    const active = new Set<Snapshot<unknown>>();
    const hooked: Hooked = { active, prevBeforeWrite: store.hooks.beforeWrite, prevBeforeFlush: store.hooks.beforeFlush };
    h = hooked;
    hookedStores.set(store, h);
    store.hooks.beforeWrite = (db, key) => {
      hooked.prevBeforeWrite(db, key);
      for (const s of active) s.beforeWrite(db, key);
    };
    store.hooks.beforeFlush = (db) => {
      hooked.prevBeforeFlush(db);
      for (const s of active) s.beforeFlush(db);
    };
  }
  h.active.add(snap);
}

function detach(store: Store, snap: Snapshot<unknown>): void {
  const h = hookedStores.get(store);
  if (h === undefined || !h.active.delete(snap)) return;
  if (h.active.size === 0) {
    store.hooks.beforeWrite = h.prevBeforeWrite;
    store.hooks.beforeFlush = h.prevBeforeFlush;
    hookedStores.delete(store);
  }
}

/**
 * Under load the walk keeps at least this share of the event loop's time (a slice is at
 * least MIN_SHARE / (1 - MIN_SHARE) of the time spent elsewhere, up to a whole turn), so a
 * save ends even when clients keep the server busy.
 */
const MIN_SHARE = 0.2;

/**
 * How long the next slice may run, given `busyMs`, the time the event loop spent on other
 * work (client commands, timers, garbage collection) since the previous slice ended.
 * An idle server gives the walk whole `turnMs` slices; clients that keep the loop busy
 * shorten them, so one turn of the loop (serving every client that is ready, then one
 * slice) stays about `turnMs` long, down to the MIN_SHARE floor; a slice never exceeds
 * `turnMs`. A fixed slice made every client wait for a full slice on top of the other
 * clients' commands.
 */
export function sliceBudget(turnMs: number, busyMs: number): number {
  return Math.min(turnMs, Math.max(turnMs - busyMs, (busyMs * MIN_SHARE) / (1 - MIN_SHARE)));
}

/** Thrown into `run()` when the snapshot is aborted. */
export class SnapshotAborted extends Error {
  constructor() {
    super('snapshot aborted');
    this.name = 'SnapshotAborted';
  }
}

export class Snapshot<C = unknown> {
  private readonly states: TableState<C>[] = [];
  /** Table → state, to match a write to the tables it touches (SWAPDB moves tables). */
  private readonly byDict = new Map<Dict<Value>, TableState<C>>();
  private current = 0;
  private started = false;
  private finished = false;
  private aborted = false;
  private readonly sliceMs: number;
  /** Delay owed by rdb-key-save-delay, in microseconds. */
  private delayDebtUs = 0;
  /** Keys at the snapshot point (current_save_keys_total). */
  readonly keysTotal: number;
  /** Keys handed to the consumer so far (current_save_keys_processed). */
  keysProcessed = 0;
  /** Keys preserved before the walk reached them (copy-before-write). */
  keysPreserved = 0;
  private wake: (() => void) | null = null;

  constructor(
    readonly store: Store,
    private readonly consumer: SnapshotConsumer<C>,
    private readonly options: SnapshotOptions = {},
  ) {
    this.sliceMs = options.sliceMs ?? 1;
    let total = 0;
    for (const db of store.dbs) total += db.dict.size;
    this.keysTotal = total;
  }

  /** Takes the point in time: from here on the walk yields the dataset as it is now. */
  start(): this {
    if (this.started) throw new Error('snapshot already started');
    this.started = true;
    for (const db of this.store.dbs) {
      const st: TableState<C> = {
        dbid: db.id,
        dict: db.dict,
        expires: db.expires,
        keys: db.dict.size,
        expiresCount: db.expires.size,
        status: db.dict.size === 0 ? 'done' : 'waiting',
        slot: 0,
        handled: new Set(),
        pending: [],
      };
      this.states.push(st);
      if (st.status === 'done') continue;
      db.dict.pauseResize();
      this.byDict.set(db.dict, st);
    }
    attach(this.store, this as Snapshot<unknown>);
    return this;
  }

  get running(): boolean {
    return this.started && !this.finished;
  }

  /** Walks everything now, blocking (SAVE). */
  runSync(): void {
    if (!this.started) this.start();
    try {
      while (!this.step(Infinity)) {
        /* one step per database */
      }
    } finally {
      this.release();
    }
  }

  /**
   * Walks in slices between event-loop turns; resolves when the consumer has every key,
   * rejects with SnapshotAborted after `abort()` or with the consumer's error.
   */
  run(): Promise<void> {
    if (!this.started) this.start();
    return new Promise<void>((resolve, reject) => {
      /** When the previous slice ended (NaN before the first one). */
      let lastEnd = NaN;
      const slice = (): void => {
        this.wake = null;
        if (this.aborted) {
          this.release();
          reject(new SnapshotAborted());
          return;
        }
        const start = performance.now();
        const busy = Number.isNaN(lastEnd) ? this.sliceMs / 2 : start - lastEnd;
        let done: boolean;
        try {
          done = this.step(sliceBudget(this.sliceMs, busy));
          lastEnd = performance.now();
        } catch (e) {
          this.release();
          reject(e);
          return;
        }
        if (done) {
          this.release();
          resolve();
          return;
        }
        const wait = this.consumer.backpressure?.() ?? null;
        const debtMs = this.delayDebtUs / 1000;
        if (wait !== null) {
          this.wake = slice;
          wait.then(
            () => this.wake === slice && slice(),
            (e: unknown) => {
              if (this.wake !== slice) return;
              this.wake = null;
              this.release();
              reject(e);
            },
          );
        } else if (debtMs >= 1) {
          this.delayDebtUs = 0;
          const t = setTimeout(slice, Math.min(debtMs, 2 ** 31 - 1));
          this.wake = () => {
            clearTimeout(t);
            slice();
          };
        } else {
          this.schedule(slice);
        }
      };
      this.schedule(slice);
    });
  }

  /**
   * Runs `slice` in the next turn of the event loop, after that turn's replies when the
   * owner holds them (`afterReplies`): a slice queued with setImmediate would otherwise run
   * before the flush the turn's commands queued, and every reply would wait for it.
   * `wake` runs it at once instead (abort); it runs once either way.
   */
  private schedule(slice: () => void): void {
    let ran = false;
    const once = (): void => {
      if (ran) return;
      ran = true;
      slice();
    };
    const after = this.options.afterReplies;
    const t = setImmediate(() => {
      if (after === undefined || !after(once)) once();
    });
    this.wake = () => {
      clearImmediate(t);
      once();
    };
  }

  /** Stops the walk: `run()` rejects with SnapshotAborted on its next slice (or now, if waiting). */
  abort(): void {
    if (this.finished) return;
    this.aborted = true;
    const wake = this.wake;
    if (wake !== null) wake();
  }

  /** Unhooks and lets the recorded tables resize again. */
  private release(): void {
    if (this.finished) return;
    this.finished = true;
    detach(this.store, this as Snapshot<unknown>);
    for (const st of this.states) {
      if (st.status !== 'done' || this.byDict.has(st.dict)) st.dict.resumeResize();
      st.handled.clear();
      st.pending = [];
    }
    this.byDict.clear();
  }

  // ---- copy-before-write ----

  /** Called by the Db before any change to key. */
  beforeWrite(db: Db, key: string): void {
    const st = this.byDict.get(db.dict);
    if (st === undefined || st.handled.has(key) || this.passed(st, key)) return;
    st.handled.add(key);
    const value = st.dict.get(key);
    if (value === undefined) return; // absent at the snapshot point
    const expireMs = st.expires.size === 0 ? undefined : st.expires.get(key);
    const copy = this.consumer.preserve(value);
    this.keysPreserved++;
    if (st.status === 'walking') {
      this.consumer.preserved(st.dbid, key, copy, expireMs);
      this.keysProcessed++;
    } else {
      st.pending.push({ key, copy, expireMs });
    }
  }

  /**
   * Called before a Db drops its tables (FLUSHDB/FLUSHALL) or swaps them (SWAPDB). The old
   * tables stay recorded and unchanged, so there is nothing to copy: writes are matched to
   * tables by identity and the flushed Db's new tables are not recorded.
   */
  beforeFlush(_db: Db): void {}

  /** Whether the walk already handed key (in this table) to the consumer. */
  private passed(st: TableState<C>, key: string): boolean {
    if (st.status !== 'walking') return st.status === 'done';
    // An absent key did not exist at the snapshot point (any earlier change went through
    // the hook): "not passed" makes the caller mark it handled, so the walk skips it.
    const slot = st.dict.slotOf(key);
    return slot >= 0 && slot < st.slot;
  }

  // ---- the walk ----

  /**
   * Walks for up to `budgetMs`; returns true when every database is out. With an infinite
   * budget it still returns after each database so runSync stays simple.
   */
  private step(budgetMs: number): boolean {
    const deadline = budgetMs === Infinity ? Infinity : performance.now() + budgetMs;
    const delay = this.options.keyDelayUs?.() ?? 0;
    while (this.current < this.states.length) {
      const st = this.states[this.current]!;
      if (st.status === 'done') {
        this.current++;
        continue;
      }
      if (st.status === 'waiting') {
        this.consumer.beginDb(st.dbid, st.keys, st.expiresCount);
        st.status = 'walking';
        for (const p of st.pending) {
          this.consumer.preserved(st.dbid, p.key, p.copy, p.expireMs);
          this.keysProcessed++;
        }
        st.pending = [];
      }
      if (!this.walkTable(st, deadline, delay)) return false;
      this.consumer.endDb(st.dbid);
      st.status = 'done';
      st.handled = new Set();
      this.byDict.delete(st.dict);
      st.dict.resumeResize();
      this.current++;
      if (budgetMs === Infinity) return this.current >= this.states.length;
    }
    return true;
  }

  /** Walks slots of one table until the deadline; returns true when the table is done. */
  private walkTable(st: TableState<C>, deadline: number, delayUs: number): boolean {
    const handled = st.handled;
    let sinceCheck = 0;
    let stopped = false;
    st.slot = st.dict.walkSlots(st.slot, (key, value) => {
      if (handled.size === 0 || !handled.has(key)) {
        this.emit(st, key, value);
        // rdb-key-save-delay is paid key by key.
        if (delayUs !== 0) {
          this.owe(delayUs, 1);
          if (this.delayDebtUs >= 1000) {
            stopped = true;
            return false;
          }
        }
      }
      if (++sinceCheck >= 64) {
        sinceCheck = 0;
        if (performance.now() >= deadline) {
          stopped = true;
          return false;
        }
      }
      return true;
    });
    return !stopped;
  }

  private emit(st: TableState<C>, key: string, value: Value): void {
    const expireMs = st.expires.size === 0 ? undefined : st.expires.get(key);
    this.consumer.entry(st.dbid, key, value, expireMs);
    this.keysProcessed++;
  }

  /** rdb-key-save-delay bookkeeping: per key, or statistically for negative values. */
  private owe(delayUs: number, keys: number): void {
    if (delayUs > 0) this.delayDebtUs += delayUs * keys;
    else for (let i = 0; i < keys; i++) if (Math.floor(Math.random() * -delayUs) === 0) this.delayDebtUs += 1;
  }
}

/** Starts a snapshot of `store` now (see the module comment); call `run()` or `runSync()`. */
export function startSnapshot<C>(store: Store, consumer: SnapshotConsumer<C>, options?: SnapshotOptions): Snapshot<C> {
  return new Snapshot(store, consumer, options).start();
}
