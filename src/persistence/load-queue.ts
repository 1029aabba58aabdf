/**
 * LoadQueue: holds the keys an RDB load reads back until V8 has moved them to the old
 * generation, then hands them on in file order, in batches. The RDB loader's companion; it
 * knows nothing of databases or files.
 *
 * Why: the keyspace table lives in V8's old generation. Storing a young object into it
 * records an old-to-new pointer that the next scavenges must visit, at a random place in a
 * table of millions of slots, and a load stores millions of young objects: measured on 1M
 * keys, the scavenger then took more time than everything else (strings: 1.7 s of CPU for
 * the load, 0.8 s with this queue; the bench's mixed types: 3.5 s -> 1.9 s). An object that
 * has survived two scavenges is old, and storing it costs the scavenger nothing. So a key is
 * stored only once the reader has moved on by twice the young generation's size in file
 * bytes: every value takes at least as many heap bytes as its record takes in the file, so
 * by then at least two young generations' worth was allocated after it. The queue itself is
 * written in order, which the scavenger handles cheaply.
 *
 * Keys that are old enough leave in batches of BATCH (one call per run of keys of the same
 * database), so the consumer can store a batch in the order of the table's slots
 * (`Dict.storeBatch`) rather than one random slot after another.
 *
 * Imports node:v8 only.
 */

import v8 from 'node:v8';

/** File bytes between refreshes of the young generation's size (it can grow while loading). */
const RECHECK_BYTES = 4 << 20;
/** Slots the ring starts with. */
const INITIAL = 1024;
/**
 * Bounds on what waits, whatever the young generation's size (V8 grows it up to 32 MB when
 * the standalone server's setting does not hold it at 1-2 MB): a key is stored anyway once
 * this many file bytes or keys came after it. The ring then stays under ~10 MB.
 */
const MAX_DELAY_BYTES = 16 << 20;
const MAX_KEYS = 1 << 18;
/** Keys old enough to be stored are handed on once this many have gathered (and at flush). */
const BATCH = 1 << 16;

/**
 * Stores keys[0..n) of database dbid, with their values and expire times (undefined: none).
 * The arrays are the queue's and are reused after the call.
 */
export type StoreBatch<V> = (dbid: number, keys: readonly string[], values: readonly V[], expires: readonly (number | undefined)[], n: number) => void;

export class LoadQueue<V> {
  // A ring of `mask + 1` slots (a power of two), grown when full. Plain arrays:
  // V8 frees them with the heap (typed arrays' malloc'ed stores can stay in the process's RSS).
  private dbs: number[] = new Array<number>(INITIAL).fill(0);
  private positions: number[] = new Array<number>(INITIAL).fill(0);
  private keys: (string | undefined)[] = new Array<string | undefined>(INITIAL).fill(undefined);
  private values: (V | undefined)[] = new Array<V | undefined>(INITIAL).fill(undefined);
  private expires: (number | undefined)[] = new Array<number | undefined>(INITIAL).fill(undefined);
  private mask = INITIAL - 1;
  private head = 0;
  private count = 0;
  /** Queued keys, from the head, that are old enough to be stored. */
  private ripe = 0;
  private delay = 0;
  private checkedAt = -Infinity;
  /** A run of keys handed to `store` (reused). */
  private runKeys: string[] = [];
  private runValues: V[] = [];
  private runExpires: (number | undefined)[] = [];
  /** Set when `store` threw (the load is over: nothing more should be stored). */
  failed = false;

  constructor(private readonly store: StoreBatch<V>) {}

  /** Queues a key read up to stream offset `position`, then stores the keys now old enough. */
  push(dbid: number, key: string, value: V, expireMs: number | undefined, position: number): void {
    if (position - this.checkedAt >= RECHECK_BYTES) {
      this.checkedAt = position;
      this.delay = Math.min(2 * youngGenerationBytes(), MAX_DELAY_BYTES);
    }
    if (this.count >= MAX_KEYS) this.storeOldest(Math.max(this.ripe, BATCH));
    if (this.count > this.mask) this.grow();
    const i = (this.head + this.count) & this.mask;
    this.dbs[i] = dbid;
    this.positions[i] = position;
    this.keys[i] = key;
    this.values[i] = value;
    this.expires[i] = expireMs;
    this.count++;
    const until = position - this.delay;
    while (this.ripe < this.count && this.positions[(this.head + this.ripe) & this.mask]! <= until) this.ripe++;
    if (this.ripe >= BATCH) this.storeOldest(this.ripe);
  }

  /**
   * Stores every queued key (at the end of the load, or before reporting an error found
   * after them, so the databases hold what they would have held without the queue).
   */
  flush(): void {
    while (this.count > 0) this.storeOldest(this.count);
  }

  /** Keys waiting. */
  get length(): number {
    return this.count;
  }

  /**
   * Stores the oldest keys: n of them, or up to the end of the first run of one database.
   * They leave the queue first, even if `store` throws.
   */
  private storeOldest(n: number): void {
    const dbid = this.dbs[this.head]!;
    const keys = this.runKeys;
    const values = this.runValues;
    const expires = this.runExpires;
    let k = 0;
    for (; k < n; k++) {
      const i = (this.head + k) & this.mask;
      if (this.dbs[i] !== dbid) break;
      keys[k] = this.keys[i]!;
      values[k] = this.values[i]!;
      expires[k] = this.expires[i];
      this.keys[i] = undefined;
      this.values[i] = undefined;
    }
    this.head = (this.head + k) & this.mask;
    this.count -= k;
    this.ripe = Math.max(0, this.ripe - k);
    try {
      this.store(dbid, keys, values, expires, k);
    } catch (e) {
      this.failed = true;
      throw e;
    } finally {
      // The run arrays hold no values between calls (they would stay alive until the next).
      for (let j = 0; j < k; j++) values[j] = undefined as V;
    }
  }

  /** Four times the slots (a big load's queue settles in a few steps). */
  private grow(): void {
    const n = this.mask + 1;
    const size = 4 * n;
    // Not filled: every slot is written before it is read, and filling a fresh array of
    // 2^18 slots (five of them) cost more than the copy below.
    const dbs = new Array<number>(size);
    const positions = new Array<number>(size);
    const keys = new Array<string | undefined>(size);
    const values = new Array<V | undefined>(size);
    const expires = new Array<number | undefined>(size);
    for (let k = 0; k < n; k++) {
      const i = (this.head + k) & this.mask;
      dbs[k] = this.dbs[i]!;
      positions[k] = this.positions[i]!;
      keys[k] = this.keys[i];
      values[k] = this.values[i];
      expires[k] = this.expires[i];
    }
    this.dbs = dbs;
    this.positions = positions;
    this.keys = keys;
    this.values = values;
    this.expires = expires;
    this.mask = size - 1;
    this.head = 0;
  }
}

/** The young generation's current capacity (both semi-spaces), in bytes. */
function youngGenerationBytes(): number {
  for (const s of v8.getHeapSpaceStatistics()) if (s.space_name === 'new_space') return s.space_size;
  return 32 << 20;
}
