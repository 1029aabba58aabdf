/**
 * Db: one numbered database: the key → value table, the key → expire-time table, lazy
 * expiry on lookup, and the only entry points that change keys.
 *
 * Every change goes through `getForWrite`, `set`, `delete`, `setExpire` or `persist`.
 * Each of them first tells the store (`beforeWrite`) so a background snapshot can keep
 * the key's old state; this is what makes the fork-less BGSAVE point-in-time. Handlers
 * that mutate a collection in place must obtain it with `getForWrite`.
 *
 * Imports src/types/ and the store's own modules only.
 */

import { Dict } from '../types/dict.js';
import type { Store } from './store.js';
import type { Value } from './values.js';

const never = (): boolean => false;

export class Db {
  /** The keys (each with its access data, see store/access.ts). */
  dict: Dict<Value>;
  /** Absolute expire times in unix milliseconds, for keys that have one. */
  expires = new Dict<number>();
  /** Sum of expire-TTL samples, for INFO keyspace avg_ttl (maintained by active expiry). */
  avgTtl = 0;
  /**
   * Whether expired keys must be kept for now (installed by the server wiring: true while
   * clients are paused). A read then reports an expired key as missing without deleting
   * it, as Redis keeps the dataset still during CLIENT PAUSE.
   */
  expiryHeld: () => boolean = never;

  constructor(
    readonly store: Store,
    readonly id: number,
  ) {
    this.dict = new Dict<Value>(store.access);
  }

  get size(): number {
    return this.dict.size;
  }

  /**
   * Looks a key up for reading or writing, touching it (its LRU time or LFU counter); an
   * expired key is deleted (and the deletion propagated).
   */
  get(key: string): Value | undefined {
    const v = this.dict.getTouch(key);
    if (v === undefined) return undefined;
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    return v;
  }

  /** get() without touching the key (Redis's LOOKUP_NOTOUCH: EXISTS, TYPE, TTL, OBJECT). */
  peek(key: string): Value | undefined {
    const v = this.dict.get(key);
    if (v === undefined) return undefined;
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    return v;
  }

  /** Looks a key up to change it in place: lazy expiry, then the snapshot hook. */
  getForWrite(key: string): Value | undefined {
    const v = this.get(key);
    if (v !== undefined) this.store.beforeWrite(this, key);
    return v;
  }

  /** Whether the key exists (after lazy expiry); does not touch it. */
  has(key: string): boolean {
    return this.peek(key) !== undefined;
  }

  /**
   * Sets key to value. The key's TTL is cleared unless keepTtl. Returns true when the key
   * is new. A new key raises the `new` keyspace event (class n, as Redis's dbAdd, before
   * the command's own event); a new list, sorted set or stream key wakes clients blocked
   * on it.
   */
  set(key: string, value: Value, keepTtl = false): boolean {
    this.store.beforeWrite(this, key);
    const added = this.dict.set(key, value);
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
    if (added) {
      const hooks = this.store.hooks;
      hooks.keyspaceEvent('n', 'new', key, this.id);
      if (typeof value !== 'string' && value.kind !== 'hash' && value.kind !== 'set') hooks.keyReady(this, key);
    }
    return added;
  }

  /** Deletes a key and its TTL; returns whether it existed (expired keys don't count). */
  delete(key: string): boolean {
    if (this.get(key) === undefined) return false;
    this.store.beforeWrite(this, key);
    this.dict.delete(key);
    if (this.expires.size !== 0) this.expires.delete(key);
    return true;
  }

  /** The key's absolute expire time in ms, or undefined when it has none. */
  getExpire(key: string): number | undefined {
    return this.expires.size === 0 ? undefined : this.expires.get(key);
  }

  /** Sets an absolute expire time (ms) on an existing key. */
  setExpire(key: string, whenMs: number): void {
    this.store.beforeWrite(this, key);
    this.expires.set(key, whenMs);
  }

  /** Removes the key's TTL; returns whether it had one. */
  persist(key: string): boolean {
    if (this.expires.size === 0 || !this.expires.has(key)) return false;
    this.store.beforeWrite(this, key);
    this.expires.delete(key);
    return true;
  }

  /**
   * Deletes the key if its time has passed (Redis keyIsExpired: expired when now > when).
   * Returns true when the key is logically gone: deleted, or kept while `expiryHeld()`.
   */
  expireIfNeeded(key: string): boolean {
    const when = this.expires.get(key);
    if (when === undefined) return false;
    const store = this.store;
    if (store.loading || store.now() <= when) return false;
    if (!this.expiryHeld()) store.expireKey(this, key);
    return true;
  }

  /** A random live key, or undefined when the database is empty. */
  randomKey(): string | undefined {
    for (let tries = 0; tries < 100; tries++) {
      const key = this.dict.random();
      if (key === undefined) return undefined;
      if (!this.expireIfNeeded(key)) return key;
    }
    // Many expired keys: fall back to a walk.
    for (const key of this.dict.keys()) if (!this.expireIfNeeded(key)) return key;
    return undefined;
  }

  /**
   * Drops every key. The old tables are handed to the store first, so a snapshot in
   * progress keeps walking them unchanged.
   */
  flush(): number {
    const removed = this.dict.size;
    this.store.beforeFlush(this);
    this.dict = new Dict<Value>(this.store.access);
    this.expires = new Dict();
    this.avgTtl = 0;
    return removed;
  }
}
