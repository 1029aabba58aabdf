/**
 * WATCH bookkeeping (Redis 7.0 multi.c): which clients watch which keys, and marking
 * them dirty (`client.dirtyCas`) when a watched key changes, so their next EXEC fails.
 *
 * Per database, a table key → the watches on it; per client, `client.watched` (database →
 * keys) to find its own watches quickly. Each watch remembers whether the key was
 * already logically expired (still stored, past its time) when WATCH ran: such a key is
 * treated as absent, so its later deletion is "no change" (Redis 7.0's watchedKey.expired).
 *
 * Who calls what:
 * - `wireMulti(server)` (bootstrap) chains `store.hooks.modified`, through which every
 *   change, deletion and expiry of a key arrives (`c.wrote` and `store.expireKey`), and
 *   unwatches a closing client.
 * - WATCH/UNWATCH/EXEC/DISCARD (commands/transactions.ts) use `watchKeys`,
 *   `unwatchAllKeys`, `isWatchedKeyExpired`, `discardTransaction`; RESET must call
 *   `discardTransaction` too.
 * - FLUSHDB/FLUSHALL/SWAPDB call `touchAllWatchedKeysInDb` BEFORE they empty or swap the
 *   databases (Redis's signalFlushedDb / dbSwapDatabases).
 *
 * Runtime imports: none from server/ (only types), so command files may import this.
 */

import type { Db } from '../store/db.js';
import type { Store } from '../store/store.js';
import type { Client } from './client.js';
import type { Server } from './server.js';

interface Watch {
  readonly client: Client;
  readonly key: string;
  /** The key was stored but already expired when watched (Redis watchedKey.expired). */
  expired: boolean;
}

interface WatchState {
  /** Number of watches over all databases: the hook's fast exit when nothing is watched. */
  count: number;
  readonly byDb: Map<Db, Map<string, Watch[]>>;
}

const states = new WeakMap<Store, WatchState>();

function stateOf(store: Store): WatchState {
  let s = states.get(store);
  if (s === undefined) {
    s = { count: 0, byDb: new Map() };
    states.set(store, s);
  }
  return s;
}

/**
 * Redis keyIsExpired: the key has an expire time that has passed (store time, which EXEC
 * freezes), without deleting it. Never while loading.
 */
function keyIsExpired(db: Db, key: string): boolean {
  const when = db.getExpire(key);
  if (when === undefined || db.store.loading) return false;
  return db.store.now() > when;
}

/** Installs the modified-key hook and the unwatch-on-close hook. One call from bootstrap. */
export function wireMulti(server: Server): void {
  const store = server.store;
  const state = stateOf(store);
  const previous = store.hooks.modified;
  store.hooks.modified = (db, key) => {
    if (state.count !== 0) touchWatchedKey(state, db, key);
    previous(db, key);
  };
  server.clientCloseHooks.push((c) => unwatchAllKeys(c));
}

/** WATCH key...: watches the keys in the client's current database. */
export function watchKeys(c: Client, keys: readonly string[]): void {
  const db = c.db;
  const state = stateOf(c.server.store);
  let mine = c.watched?.get(db);
  for (const key of keys) {
    if (mine?.has(key)) continue;
    if (c.watched === null) c.watched = new Map();
    if (mine === undefined) {
      mine = new Set();
      c.watched.set(db, mine);
    }
    mine.add(key);
    let table = state.byDb.get(db);
    if (table === undefined) {
      table = new Map();
      state.byDb.set(db, table);
    }
    let list = table.get(key);
    if (list === undefined) {
      list = [];
      table.set(key, list);
    }
    list.push({ client: c, key, expired: keyIsExpired(db, key) });
    state.count++;
  }
}

/** Drops every watch of the client (the dirty flag is the caller's business). */
export function unwatchAllKeys(c: Client): void {
  const watched = c.watched;
  if (watched === null) return;
  c.watched = null;
  const state = stateOf(c.server.store);
  for (const [db, keys] of watched) {
    const table = state.byDb.get(db);
    if (table === undefined) continue;
    for (const key of keys) {
      const list = table.get(key);
      if (list === undefined) continue;
      const i = list.findIndex((w) => w.client === c);
      if (i < 0) continue;
      list.splice(i, 1);
      state.count--;
      if (list.length === 0) table.delete(key);
    }
    if (table.size === 0) state.byDb.delete(db);
  }
}

/**
 * Redis isWatchedKeyExpired: a watched key that was alive when watched has expired since
 * (even if nothing deleted it yet). EXEC then fails as if the key had changed.
 */
export function isWatchedKeyExpired(c: Client): boolean {
  const watched = c.watched;
  if (watched === null) return false;
  const state = stateOf(c.server.store);
  for (const [db, keys] of watched) {
    const table = state.byDb.get(db);
    for (const key of keys) {
      const w = table?.get(key)?.find((x) => x.client === c);
      if (w === undefined || w.expired) continue;
      if (keyIsExpired(db, key)) return true;
    }
  }
  return false;
}

/** Leaves MULTI state: drops the queue, clears the dirty flag, unwatches everything. */
export function discardTransaction(c: Client): void {
  c.multi = null;
  c.dirtyCas = false;
  unwatchAllKeys(c);
}

/**
 * Redis touchWatchedKey, called after the key changed: every client watching it becomes
 * dirty and stops watching (nothing more can happen to it before EXEC). A watch on a key
 * that was already expired when watched only clears its flag when the key is now gone
 * (its deletion is no logical change).
 *
 * Redis 7.0 quirk kept on purpose: when such an "expired" watch meets a key that is still
 * stored, Redis stops walking the list of watchers (a `break`), leaving this and later
 * watchers clean. In practice writes expire the key before touching it, so the case
 * needs a key changed without being looked up first.
 */
function touchWatchedKey(state: WatchState, db: Db, key: string): void {
  const table = state.byDb.get(db);
  if (table === undefined) return;
  const list = table.get(key);
  if (list === undefined) return;
  for (const w of [...list]) {
    if (w.expired) {
      if (!db.dict.has(key)) {
        w.expired = false;
        continue;
      }
      break;
    }
    w.client.dirtyCas = true;
    unwatchAllKeys(w.client);
  }
}

/**
 * Redis touchAllWatchedKeysInDb: marks dirty every client watching a key of `emptied`
 * that is about to be flushed (it exists there) or, for SWAPDB, replaced (it exists in
 * `replacedWith`). Call it BEFORE emptying or swapping: for FLUSHDB with the current
 * database, for FLUSHALL with each database, for SWAPDB a b as (a, b) then (b, a).
 *
 * Keys stored but already expired count as absent: an expired key replaced by nothing is
 * no change, and a missing key replaced by an expired one is no change either (the watch
 * then remembers the key as expired). Unlike touchWatchedKey, watches stay in place.
 */
export function touchAllWatchedKeysInDb(server: Server, emptied: Db, replacedWith?: Db): void {
  const state = stateOf(server.store);
  if (state.count === 0) return;
  const table = state.byDb.get(emptied);
  if (table === undefined) return;
  for (const [key, list] of table) {
    const inEmptied = emptied.dict.has(key);
    const inReplacement = replacedWith !== undefined && replacedWith.dict.has(key);
    if (!inEmptied && !inReplacement) continue;
    for (const w of list) {
      if (w.expired) {
        if (!inReplacement) {
          w.expired = false; // the expired key is deleted: no logical change
          continue;
        }
        if (keyIsExpired(replacedWith!, key)) continue; // expired stays expired
      } else if (!inEmptied && keyIsExpired(replacedWith!, key)) {
        w.expired = true; // nothing replaced by an expired key: no logical change
        continue;
      }
      w.client.dirtyCas = true;
    }
  }
}

/** How many (client, key) watches exist (for tests and introspection). */
export function watchCount(server: Server): number {
  return stateOf(server.store).count;
}
