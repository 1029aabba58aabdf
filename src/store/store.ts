/**
 * Store: all databases plus what every write must reach. It owns the dirty counter (save
 * points), the clock (injectable for tests), and the hooks through which a change is seen
 * by WATCH, keyspace notifications, blocked clients, the AOF/replication feed and a
 * background snapshot. The server and persistence layers install the hooks; the store
 * never imports them.
 */

import { AccessClock } from './access.js';
import { Db } from './db.js';

export interface StoreHooks {
  /** A command effect to log and replicate: argv in database dbid. */
  propagate(dbid: number, argv: string[]): void;
  /** A keyspace event (see notify-keyspace-events); `type` is the class letter. */
  keyspaceEvent(type: string, event: string, key: string, dbid: number): void;
  /** The key changed: invalidates WATCH and client-side caching. */
  modified(db: Db, key: string): void;
  /** A list, sorted set or stream key was created: clients blocked on it may proceed. */
  keyReady(db: Db, key: string): void;
  /** About to change key: a snapshot in progress keeps its old state first. */
  beforeWrite(db: Db, key: string): void;
  /** About to drop every key of db: a snapshot in progress keeps the old tables. */
  beforeFlush(db: Db): void;
}

const noop = (): void => {};

export interface Clock {
  now(): number;
}

export class Store {
  dbs: Db[];
  /** Changes since the last successful save (Redis server.dirty). */
  dirty = 0;
  /** True while a dataset is being loaded: nothing expires, nothing propagates. */
  loading = false;
  hooks: StoreHooks = {
    propagate: noop,
    keyspaceEvent: noop,
    modified: noop,
    keyReady: noop,
    beforeWrite: noop,
    beforeFlush: noop,
  };
  stats = { expiredKeys: 0, expiredStalePerc: 0, expiredTimeCapReached: 0, keyspaceHits: 0, keyspaceMisses: 0 };
  /**
   * When set, `now()` returns this instead of the clock: commands in MULTI/EXEC and scripts
   * see one time, as Redis's fixed_time_expire does.
   */
  fixedTime = 0;

  /** Per-key access data (LRU time or LFU counter) of every keyspace dict. */
  readonly access: AccessClock;

  constructor(
    databases: number,
    readonly clock: Clock = Date,
  ) {
    this.access = new AccessClock(() => this.now());
    this.dbs = [];
    for (let i = 0; i < databases; i++) this.dbs.push(new Db(this, i));
  }

  now(): number {
    return this.fixedTime > 0 ? this.fixedTime : this.clock.now();
  }

  db(index: number): Db {
    return this.dbs[index]!;
  }

  /** Total keys over all databases. */
  get keyCount(): number {
    let n = 0;
    for (const db of this.dbs) n += db.size;
    return n;
  }

  beforeWrite(db: Db, key: string): void {
    this.hooks.beforeWrite(db, key);
  }

  beforeFlush(db: Db): void {
    this.hooks.beforeFlush(db);
  }

  /**
   * Deletes a key whose time has passed, as Redis's deleteExpiredKeyAndPropagate does:
   * `expired` event, WATCH touched, `DEL key` propagated, expired_keys counted.
   */
  expireKey(db: Db, key: string): void {
    this.hooks.beforeWrite(db, key);
    db.dict.delete(key);
    db.expires.delete(key);
    this.hooks.keyspaceEvent('x', 'expired', key, db.id);
    this.hooks.modified(db, key);
    this.hooks.propagate(db.id, ['DEL', key]);
    this.stats.expiredKeys++;
  }

  /** Swaps the contents of two databases (SWAPDB). */
  swap(a: number, b: number): void {
    const da = this.dbs[a]!;
    const dbb = this.dbs[b]!;
    this.hooks.beforeFlush(da);
    this.hooks.beforeFlush(dbb);
    const dict = da.dict;
    const expires = da.expires;
    const avg = da.avgTtl;
    da.dict = dbb.dict;
    da.expires = dbb.expires;
    da.avgTtl = dbb.avgTtl;
    dbb.dict = dict;
    dbb.expires = expires;
    dbb.avgTtl = avg;
  }
}
