/**
 * Dict: the hash table behind the keyspace, the expires table and the index of large hashes
 * and sets.
 *
 * Contract (what callers may rely on):
 * - Map-like get/has/set/delete/size/clear, and iteration (entries/keys/values/for-of).
 * - No size limit below memory: entries are spread over many small V8 Maps (a single Map
 *   stops at 2^24 entries).
 * - scan(cursor, count, visit): Redis's SCAN guarantee with a stateless numeric cursor. Every
 *   entry present for the whole scan is visited at least once (some may be visited twice);
 *   0 starts a scan and 0 ends it; any number is a valid cursor.
 * - random(): a key chosen about uniformly in O(1) expected time (RANDOMKEY, SPOP, eviction).
 * - For a point-in-time snapshot: `pauseResize()` freezes where every key lives, and
 *   `slotOf(key)` / `slotCount` / `bucketAt(slot)` let a walker tell whether it has passed a
 *   key (see src/persistence/snapshot.ts).
 *
 * Layout (Redis's dict, with a V8 Map per bucket instead of a chain): 2^k buckets, each a Map
 * or undefined when empty; a key lives in bucket `hash(key) & mask`. While one bucket is
 * enough (at most MAX_LOAD entries) no hash is computed at all and iteration is insertion
 * order, so small dicts cost one array and one Map. Past MAX_LOAD entries per bucket on
 * average the table doubles; below MIN_LOAD it halves. Resizing is incremental, as in Redis:
 * a second table exists while `rehashIdx` walks the first one, and each write moves a couple
 * of buckets, so no single call pays for a whole table. A lookup during a resize checks the
 * old bucket index against `rehashIdx` to pick the table.
 *
 * SCAN walks bucket indexes in reverse-binary order (Redis's dictScan): growing or shrinking
 * between calls never makes it skip a bucket's contents.
 *
 * Iteration order beyond one bucket is bucket order, not insertion order. A live iterator
 * (entries/keys/values) and a scan step pause resizing, so entries do not move under them;
 * an iterator that is dropped without finishing or `return()` keeps the pause (for-of and
 * spread always finish or return).
 *
 * Pure data structure: no client, no reply.
 */

type Bucket<V> = Map<string, V> | undefined;

/**
 * Sizing knobs. Exported so tests can exercise resizing on small tables; production code
 * never changes them.
 */
export const dictTuning = {
  /** Average entries per bucket above which the table doubles. */
  maxLoad: 32,
  /** Average entries per bucket below which the table shrinks (to about maxLoad / 2). */
  minLoad: 4,
  /** Buckets moved per write while resizing (plus up to 10x as many empty ones). */
  stepBuckets: 2,
};

/** Per-process seed, so bucket placement cannot be predicted from outside. */
const SEED = (Math.random() * 0x100000000) >>> 0;

/**
 * 32-bit hash of a latin1 key: FNV-1a over the chars, then murmur3's finalizer so the low
 * bits (which pick the bucket) depend on every char. Keys longer than 256 chars are sampled
 * (first 128, last 128 and every 8th char between) to keep the cost bounded.
 */
export function hashKey(s: string): number {
  const n = s.length;
  let h = (SEED ^ n) | 0;
  if (n <= 256) {
    for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  } else {
    for (let i = 0; i < 128; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    for (let i = 128; i < n - 128; i += 8) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    for (let i = n - 128; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Bit reversal of a 32-bit unsigned integer. */
function rev32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}

/** The next SCAN cursor: increments the bits under mask counting from the top bit down. */
function nextCursor(v: number, mask: number): number {
  v = rev32((v | ~mask) >>> 0);
  v = (v + 1) >>> 0;
  return rev32(v);
}

function emptyTable<V>(size: number): Bucket<V>[] {
  return new Array<Bucket<V>>(size).fill(undefined);
}

export class Dict<V> {
  /** The table (the old one while resizing). Its length is a power of two. */
  private t0: Bucket<V>[] = [undefined];
  private mask0 = 0;
  /** The new table while resizing, else null. */
  private t1: Bucket<V>[] | null = null;
  private mask1 = 0;
  /** While resizing: t0 buckets below this index have been moved to t1. */
  private rehashIdx = 0;
  private count = 0;
  /** Resizing is paused while this is positive (snapshots, iterators, scan steps). */
  private pauses = 0;

  get size(): number {
    return this.count;
  }

  /** The bucket holding key, if it exists. */
  private bucketFor(key: string): Bucket<V> {
    if (this.t1 === null) return this.mask0 === 0 ? this.t0[0] : this.t0[hashKey(key) & this.mask0];
    const h = hashKey(key);
    const i = h & this.mask0;
    return i >= this.rehashIdx ? this.t0[i] : this.t1[h & this.mask1];
  }

  get(key: string): V | undefined {
    const b = this.bucketFor(key);
    return b === undefined ? undefined : b.get(key);
  }

  has(key: string): boolean {
    const b = this.bucketFor(key);
    return b !== undefined && b.has(key);
  }

  /** Sets key to value; returns true when the key is new. */
  set(key: string, value: V): boolean {
    let table: Bucket<V>[];
    let i: number;
    if (this.t1 === null) {
      table = this.t0;
      i = this.mask0 === 0 ? 0 : hashKey(key) & this.mask0;
    } else {
      if (this.pauses === 0) this.rehashStep();
      const h = hashKey(key);
      i = h & this.mask0;
      if (this.t1 === null) table = this.t0;
      else if (i >= this.rehashIdx) table = this.t0;
      else {
        table = this.t1;
        i = h & this.mask1;
      }
    }
    let b = table[i];
    if (b === undefined) {
      b = new Map();
      table[i] = b;
    }
    const before = b.size;
    b.set(key, value);
    if (b.size === before) return false;
    this.count++;
    if (this.t1 === null && this.count > (this.mask0 + 1) * dictTuning.maxLoad && this.pauses === 0) {
      this.startResize(targetSize(this.count));
    }
    return true;
  }

  delete(key: string): boolean {
    if (this.t1 !== null && this.pauses === 0) this.rehashStep();
    let table = this.t0;
    let i = 0;
    if (this.t1 === null) {
      if (this.mask0 !== 0) i = hashKey(key) & this.mask0;
    } else {
      const h = hashKey(key);
      i = h & this.mask0;
      if (i < this.rehashIdx) {
        table = this.t1;
        i = h & this.mask1;
      }
    }
    const b = table[i];
    if (b === undefined || !b.delete(key)) return false;
    this.count--;
    const size = this.mask0 + 1;
    if (b.size === 0 && (size > 1 || this.t1 !== null)) table[i] = undefined;
    if (this.t1 === null && size > 1 && this.pauses === 0 && this.count < size * dictTuning.minLoad) {
      this.startResize(targetSize(this.count));
    }
    return true;
  }

  clear(): void {
    this.t0 = [undefined];
    this.mask0 = 0;
    this.t1 = null;
    this.mask1 = 0;
    this.rehashIdx = 0;
    this.count = 0;
  }

  // ---- resizing ----

  private startResize(newSize: number): void {
    if (newSize === this.mask0 + 1) return;
    this.t1 = emptyTable(newSize);
    this.mask1 = newSize - 1;
    this.rehashIdx = 0;
  }

  /** Moves a few buckets from t0 to t1; finishes the resize when t0 is exhausted. */
  private rehashStep(buckets = dictTuning.stepBuckets): void {
    const t0 = this.t0;
    const t1 = this.t1!;
    const mask1 = this.mask1;
    const growing = mask1 > this.mask0;
    let emptyVisits = buckets * 10;
    while (buckets > 0 && this.rehashIdx < t0.length) {
      const i = this.rehashIdx;
      const b = t0[i];
      if (b === undefined) {
        this.rehashIdx++;
        if (--emptyVisits === 0) break;
        continue;
      }
      if (growing) {
        // Old bucket i splits into new buckets i, i + size, i + 2*size, ...: the old Map stays
        // as new bucket i and only the entries that land elsewhere move.
        for (const [k, v] of b) {
          const j = hashKey(k) & mask1;
          if (j === i) continue;
          let nb = t1[j];
          if (nb === undefined) {
            nb = new Map();
            t1[j] = nb;
          }
          nb.set(k, v);
          b.delete(k);
        }
        if (b.size !== 0) t1[i] = b;
      } else {
        for (const [k, v] of b) {
          const j = hashKey(k) & mask1;
          let nb = t1[j];
          if (nb === undefined) {
            nb = new Map();
            t1[j] = nb;
          }
          nb.set(k, v);
        }
      }
      t0[i] = undefined;
      this.rehashIdx++;
      buckets--;
    }
    if (this.rehashIdx >= t0.length) {
      this.t0 = t1;
      this.mask0 = mask1;
      this.t1 = null;
      this.mask1 = 0;
      this.rehashIdx = 0;
      // Writes made while resizing was paused may call for another resize right away.
      this.maybeResize();
    }
  }

  /**
   * Sizes an empty dict for about n entries up front (Redis's dictExpand on an RDB's RESIZEDB
   * hint), so loading does not grow the table step by step. Does nothing unless the dict is
   * empty and no resize or pause is in effect.
   */
  expand(n: number): void {
    if (this.count !== 0 || this.t1 !== null || this.pauses !== 0) return;
    const size = targetSize(n);
    if (size <= this.mask0 + 1) return;
    this.t0 = emptyTable(size);
    this.mask0 = size - 1;
  }

  /** Starts a resize when the load is outside [minLoad, maxLoad] (never while paused). */
  private maybeResize(): void {
    if (this.t1 !== null || this.pauses !== 0) return;
    const size = this.mask0 + 1;
    if (this.count > size * dictTuning.maxLoad || (size > 1 && this.count < size * dictTuning.minLoad)) {
      this.startResize(targetSize(this.count));
    }
  }

  /**
   * Resizes when the load asks for it and moves buckets for up to `ms` milliseconds
   * (Redis's activerehashing cron step). Returns true when a resize is still in progress.
   */
  rehashFor(ms: number): boolean {
    if (this.pauses !== 0) return this.t1 !== null;
    this.maybeResize();
    if (this.t1 === null) return false;
    const deadline = performance.now() + ms;
    while (this.t1 !== null) {
      this.rehashStep(16);
      if (performance.now() >= deadline) break;
    }
    return this.t1 !== null;
  }

  /** Stops resizing (nesting counts) until the matching resumeResize. */
  pauseResize(): void {
    this.pauses++;
  }

  resumeResize(): void {
    if (this.pauses > 0) this.pauses--;
  }

  get resizePaused(): boolean {
    return this.pauses > 0;
  }

  // ---- bucket slots (for snapshots) ----

  /**
   * Bucket slots: t0's buckets, then t1's while resizing. While resizing is paused a key's
   * slot never changes, and a walk over slots 0..slotCount-1 visits every entry once.
   */
  get slotCount(): number {
    return this.t0.length + (this.t1 === null ? 0 : this.t1.length);
  }

  /** The Map in a slot (undefined when empty). Do not modify it. */
  bucketAt(slot: number): ReadonlyMap<string, V> | undefined {
    const n0 = this.t0.length;
    return slot < n0 ? this.t0[slot] : this.t1 === null ? undefined : this.t1[slot - n0];
  }

  /** The slot where key lives or would be inserted. */
  slotOf(key: string): number {
    if (this.t1 === null) return this.mask0 === 0 ? 0 : hashKey(key) & this.mask0;
    const h = hashKey(key);
    const i = h & this.mask0;
    return i >= this.rehashIdx ? i : this.t0.length + (h & this.mask1);
  }

  /** Table sizes, for DEBUG HTSTATS-like reports and tests. */
  stats(): { size: number; buckets: number; rehashing: boolean; newBuckets: number; usedBuckets: number } {
    let used = 0;
    for (const b of this.t0) if (b !== undefined) used++;
    if (this.t1 !== null) for (const b of this.t1) if (b !== undefined) used++;
    return { size: this.count, buckets: this.t0.length, rehashing: this.t1 !== null, newBuckets: this.t1?.length ?? 0, usedBuckets: used };
  }

  // ---- iteration ----

  *entries(): IterableIterator<[string, V]> {
    this.pauses++;
    try {
      for (const b of this.t0) if (b !== undefined) yield* b.entries();
      if (this.t1 !== null) for (const b of this.t1) if (b !== undefined) yield* b.entries();
    } finally {
      this.pauses--;
    }
  }

  *keys(): IterableIterator<string> {
    this.pauses++;
    try {
      for (const b of this.t0) if (b !== undefined) yield* b.keys();
      if (this.t1 !== null) for (const b of this.t1) if (b !== undefined) yield* b.keys();
    } finally {
      this.pauses--;
    }
  }

  *values(): IterableIterator<V> {
    this.pauses++;
    try {
      for (const b of this.t0) if (b !== undefined) yield* b.values();
      if (this.t1 !== null) for (const b of this.t1) if (b !== undefined) yield* b.values();
    } finally {
      this.pauses--;
    }
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }

  /** A random key, or undefined when empty. Keys in sparse buckets are a little likelier. */
  random(): string | undefined {
    if (this.count === 0) return undefined;
    const t0 = this.t0;
    const t1 = this.t1;
    const n0 = t0.length;
    const from = t1 === null ? 0 : this.rehashIdx;
    const span = n0 - from + (t1 === null ? 0 : t1.length);
    let b: Bucket<V> = undefined;
    for (let tries = 0; tries < 64 && b === undefined; tries++) {
      const s = from + Math.floor(Math.random() * span);
      b = s < n0 ? t0[s] : t1![s - n0];
    }
    if (b === undefined) {
      // Very sparse (resizing paused during mass deletes): walk from a random slot.
      const start = Math.floor(Math.random() * span);
      for (let k = 0; k < span && b === undefined; k++) {
        const s = from + ((start + k) % span);
        b = s < n0 ? t0[s] : t1![s - n0];
      }
    }
    let skip = Math.floor(Math.random() * b!.size);
    for (const k of b!.keys()) if (skip-- === 0) return k;
    return undefined;
  }

  /**
   * One SCAN call: visits buckets from `cursor` in reverse-binary order until about `count`
   * entries were visited (or 10*count buckets looked at), and returns the cursor to continue
   * with (0 when the scan is complete). The visitor may delete entries; resizing waits until
   * the call returns.
   */
  scan(cursor: number, count: number, visit: (key: string, value: V) => void): number {
    let v = cursor >>> 0;
    if (this.count === 0) return 0;
    let visited = 0;
    let steps = Math.max(1, count) * 10;
    this.pauses++;
    try {
      do {
        visited += this.scanStep(v, visit);
        v = this.stepCursor(v);
      } while (v !== 0 && visited < count && --steps > 0);
    } finally {
      this.pauses--;
    }
    return v;
  }

  /** Visits the bucket(s) for cursor v (both tables while resizing); returns entries visited. */
  private scanStep(v: number, visit: (key: string, value: V) => void): number {
    let n = 0;
    const emit = (b: Bucket<V>): void => {
      if (b === undefined) return;
      for (const [k, val] of b) {
        visit(k, val);
        n++;
      }
    };
    if (this.t1 === null) {
      emit(this.t0[v & this.mask0]);
      return n;
    }
    let small = this.t0;
    let large = this.t1;
    let ms = this.mask0;
    let ml = this.mask1;
    if (ms > ml) {
      small = this.t1;
      large = this.t0;
      ms = this.mask1;
      ml = this.mask0;
    }
    emit(small[v & ms]);
    // Every bucket of the larger table that expands the smaller table's bucket.
    let w = v;
    do {
      emit(large[w & ml]);
      w = nextCursor(w, ml);
    } while ((w & (ms ^ ml)) !== 0);
    return n;
  }

  /** The cursor after v (covers the larger table while resizing, as Redis's dictScan). */
  private stepCursor(v: number): number {
    if (this.t1 === null) return nextCursor(v, this.mask0);
    const ms = Math.min(this.mask0, this.mask1);
    const ml = Math.max(this.mask0, this.mask1);
    do v = nextCursor(v, ml);
    while ((v & (ms ^ ml)) !== 0);
    return v;
  }
}

/** The table size for n entries after a resize: about maxLoad / 2 entries per bucket. */
function targetSize(n: number): number {
  const want = Math.floor(n / Math.max(1, dictTuning.maxLoad >> 1));
  let size = 1;
  while (size < want) size *= 2;
  return size;
}
