/**
 * Dict: the hash table behind the keyspace, the expires table and the member index of large
 * sorted sets.
 *
 * Contract (what callers may rely on):
 * - Map-like get/has/set/delete/size/clear, and iteration (entries/keys/values/for-of).
 * - No size limit below memory (the slot arrays are paged; see Table).
 * - scan(cursor, count, visit): Redis's SCAN guarantee with a stateless numeric cursor. Every
 *   entry present for the whole scan is visited at least once (some may be visited twice);
 *   0 starts a scan and 0 ends it; any number is a valid cursor.
 * - random(): a key chosen uniformly in O(1) expected time (RANDOMKEY, SPOP, eviction).
 * - For a point-in-time snapshot: while `pauseResize()` is in effect no entry moves, so
 *   `walkSlots(from, fn)` and `slotOf(key)` let a walker tell whether it has passed a key
 *   (see src/persistence/snapshot.ts).
 *
 * Layout: open addressing with linear probing. Each table keeps, per slot, the key's 32-bit
 * hash in an Int32Array (0 = empty, 1 = deleted) beside the key and value arrays, so a probe
 * rejects wrong candidates by their stored hash without touching their key strings: a lookup
 * reads about three cache lines, where a V8 Map reads four or five. This is what makes GET and
 * SET on a large keyspace fast; see docs/performance.md.
 *
 * Deleting leaves a tombstone (never shifts entries), except that a deleted slot followed by
 * an empty one becomes empty at once, as do the tombstones before it. Entries therefore never
 * move within a table: only resizing moves them, and only while not paused.
 *
 * Resizing is incremental, as in Redis's dict: a resize makes a new table for new entries and
 * drains the old one a few slots per write (and from the server's cron via rehashFor), so no
 * single call pays for a whole table. Lookups check the new table, then the old ones. While
 * resizing is paused (a snapshot, a live iterator, a scan step) a full table is not drained
 * but joined by a larger one; several old tables may then exist until draining resumes.
 *
 * SCAN visits "home" buckets (hash & mask) in reverse-binary order, as Redis's dictScan does
 * with chained buckets: for each home bucket it walks that bucket's probe cluster and emits the
 * entries whose stored hash has that home. Growing or shrinking between calls never makes it
 * skip a home bucket's entries, whatever their slot.
 *
 * Iteration order is slot order, not insertion order. A live iterator (entries/keys/values)
 * and a scan step pause resizing, so entries do not move under them; an iterator that is
 * dropped without finishing or `return()` keeps the pause (for-of and spread always finish or
 * return).
 *
 * Pure data structure: no client, no reply.
 */

/**
 * Sizing knobs. Exported so tests can exercise resizing on small tables; production code
 * never changes them.
 */
export const dictTuning = {
  /** Slots in use (entries and tombstones) per slot above which a table is replaced. */
  maxLoad: 0.75,
  /** Entries per slot below which a table shrinks. */
  minLoad: 0.1,
  /** Slots of the old table drained per write while resizing. */
  stepSlots: 8,
};

/** Smallest table (slots). */
const MIN_SLOTS = 8;
/** Key and value arrays are split into pages of 2^PAGE_BITS slots (see Table). */
const PAGE_BITS = 12;
/** storeBatch sorts batches of at least this many keys by slot (fewer go one by one). */
const SLOT_ORDER_MIN = 1024;
/** storeBatch's counting-sort scratch, shared (one batch at a time) and grown as needed. */
let batchHashes = new Int32Array(0);
let batchRanges = new Uint32Array(0);
let batchOrder = new Uint32Array(0);
const batchCounts = new Uint32Array((1 << 16) + 2);

function batchScratch(n: number): { hashes: Int32Array; ranges: Uint32Array; order: Uint32Array } {
  if (batchHashes.length < n) {
    batchHashes = new Int32Array(n);
    batchRanges = new Uint32Array(n);
    batchOrder = new Uint32Array(n);
  }
  return { hashes: batchHashes, ranges: batchRanges, order: batchOrder };
}
const PAGE_SIZE = 1 << PAGE_BITS;
/** Entries walkSlots gathers (and reads) before visiting them. */
const WALK_BATCH = 16;
/** Where walkSlots leaves what it read, so the compiler keeps the reads. */
let walkTouched = 0;
const PAGE_MASK = PAGE_SIZE - 1;

/** Stored-hash markers. Real hashes are remapped away from these two values. */
const EMPTY = 0;
const TOMB = 1;

/** Per-process seed, so placement cannot be predicted from outside. */
const SEED = (Math.random() * 0x100000000) >>> 0;

/**
 * 32-bit hash of a latin1 key: FNV-1a over the chars, then murmur3's finalizer so the low
 * bits (which pick the slot) depend on every char. Keys longer than 256 chars are sampled
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

/** The hash a table stores for key: hashKey as an int32, never EMPTY or TOMB. */
function hashOf(key: string): number {
  const h = hashKey(key) | 0;
  return h === EMPTY || h === TOMB ? h + 2 : h;
}

/**
 * Object.is for stored values, without its call: `===` (inlined for strings and objects)
 * except that -0 and 0 differ. (NaN over NaN counts as different: rewritten, harmlessly.)
 */
function sameValue(a: unknown, b: unknown): boolean {
  return a === b && (typeof a !== 'number' || a !== 0 || 1 / a === 1 / (b as number));
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

/** Slots for n entries after a resize: a power of two, at most half full. */
function slotsFor(n: number): number {
  let size = MIN_SLOTS;
  while (size < n * 2) size *= 2;
  return size;
}

/**
 * One open-addressing table. Keys and values live in pages of PAGE_SIZE slots, made on first
 * use: V8 arrays stop at about 2^26 elements, and a new table of millions of slots would
 * otherwise be filled in one go. The hash array is one typed array (zeroed lazily by the OS).
 */
class Table<V> {
  readonly hashes: Int32Array;
  /** Per-slot metadata (see DictMeta), or null when the dict keeps none. */
  readonly meta: Int32Array | null;
  readonly keys: (string | undefined)[][];
  readonly vals: (V | undefined)[][];
  readonly mask: number;
  /** Entries. */
  live = 0;
  /** Entries plus tombstones; the table is replaced before this passes `limit`. */
  used = 0;
  readonly limit: number;

  constructor(
    readonly size: number,
    meta: boolean,
  ) {
    this.hashes = new Int32Array(size);
    this.meta = meta ? new Int32Array(size) : null;
    this.mask = size - 1;
    const pages = Math.ceil(size / PAGE_SIZE);
    this.keys = new Array<(string | undefined)[]>(pages);
    this.vals = new Array<(V | undefined)[]>(pages);
    this.limit = Math.min(size - 1, Math.floor(size * dictTuning.maxLoad));
  }

  /** The slot holding key, or -1. */
  find(key: string, h: number): number {
    const hashes = this.hashes;
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const x = hashes[i]!;
      if (x === h) {
        if (this.keys[i >>> PAGE_BITS]![i & PAGE_MASK] === key) return i;
      } else if (x === EMPTY) {
        return -1;
      }
      i = (i + 1) & mask;
    }
  }

  /** Puts a key known to be absent into the first free slot of its probe sequence. */
  insert(key: string, h: number, value: V): number {
    const hashes = this.hashes;
    const mask = this.mask;
    let i = h & mask;
    let x = hashes[i]!;
    while (x !== EMPTY && x !== TOMB) {
      i = (i + 1) & mask;
      x = hashes[i]!;
    }
    if (x === EMPTY) this.used++;
    this.live++;
    hashes[i] = h;
    const p = i >>> PAGE_BITS;
    let kp = this.keys[p];
    if (kp === undefined) {
      const n = Math.min(PAGE_SIZE, this.size);
      kp = this.keys[p] = new Array<string | undefined>(n).fill(undefined);
      this.vals[p] = new Array<V | undefined>(n).fill(undefined);
    }
    kp[i & PAGE_MASK] = key;
    this.vals[p]![i & PAGE_MASK] = value;
    return i;
  }

  /** Removes the entry in slot i (leaving a tombstone unless the next slot is empty). */
  remove(i: number): void {
    const hashes = this.hashes;
    const mask = this.mask;
    this.keys[i >>> PAGE_BITS]![i & PAGE_MASK] = undefined;
    this.vals[i >>> PAGE_BITS]![i & PAGE_MASK] = undefined;
    this.live--;
    if (hashes[(i + 1) & mask] !== EMPTY) {
      hashes[i] = TOMB;
      return;
    }
    // No probe sequence passes through an empty successor: this slot, and the tombstones
    // right before it, can become empty.
    hashes[i] = EMPTY;
    this.used--;
    i = (i - 1) & mask;
    while (hashes[i] === TOMB) {
      hashes[i] = EMPTY;
      this.used--;
      i = (i - 1) & mask;
    }
  }

  keyAt(i: number): string | undefined {
    const kp = this.keys[i >>> PAGE_BITS];
    return kp === undefined ? undefined : kp[i & PAGE_MASK];
  }

  /** The key in slot i, or undefined for an empty or deleted slot. */
  liveKeyAt(i: number): string | undefined {
    const x = this.hashes[i]!;
    return x === EMPTY || x === TOMB ? undefined : this.keyAt(i);
  }

  valueAt(i: number): V {
    return this.vals[i >>> PAGE_BITS]![i & PAGE_MASK]!;
  }

  setValue(i: number, value: V): void {
    this.vals[i >>> PAGE_BITS]![i & PAGE_MASK] = value;
  }

  /**
   * Visits every entry whose home bucket is b: walks b's probe cluster up to the first empty
   * slot, keeping the entries whose stored hash has home b. Returns the number visited.
   */
  visitHome(b: number, visit: (key: string, value: V) => void): number {
    const hashes = this.hashes;
    const mask = this.mask;
    let n = 0;
    let i = b;
    for (let x = hashes[i]!; x !== EMPTY; x = hashes[i]!) {
      if (x !== TOMB && (x & mask) === b) {
        // The visitor may delete this entry (leaving the cluster as it is or shortening it
        // after this slot), so read both before calling.
        const key = this.keyAt(i)!;
        visit(key, this.valueAt(i));
        n++;
      }
      i = (i + 1) & mask;
      if (i === b) break;
    }
    return n;
  }
}

const EMPTY_TABLES: never[] = [];

/**
 * What a dict keeps per entry beside key and value when it is given one (the keyspace: Redis's
 * 24-bit LRU/LFU field of each object). The dict stores the numbers; this says what they are.
 */
export interface DictMeta {
  /** For an entry just added. */
  fresh(): number;
  /** For an entry read or changed in place (a "touch"), from what it held. */
  touch(old: number, key: string): number;
  /** For an entry whose value is replaced, from what it held. */
  replaced(old: number, key: string): number;
}

export class Dict<V> {
  /** Per-entry metadata policy; null: none kept (the default). */
  private readonly meta: DictMeta | null;
  /** The table new entries go to. */
  private t: Table<V>;
  /** Tables being drained into `t`, oldest first (empty unless resizing). */
  private old: Table<V>[] = EMPTY_TABLES;
  /** Slots of old[0] below this have been drained. */
  private drainIdx = 0;
  private count = 0;
  /** Resizing is paused while this is positive (snapshots, iterators, scan steps). */
  private pauses = 0;
  /** The slot `locate` found last. */
  private located = 0;

  constructor(meta: DictMeta | null = null) {
    this.meta = meta;
    this.t = this.table(MIN_SLOTS);
  }

  get size(): number {
    return this.count;
  }

  /** get(), and the entry is touched (its metadata updated by DictMeta.touch). */
  getTouch(key: string): V | undefined {
    const tb = this.locate(key);
    if (tb === null) return undefined;
    const i = this.located;
    const m = tb.meta;
    if (m !== null) m[i] = this.meta!.touch(m[i]!, key);
    return tb.valueAt(i);
  }

  /** The metadata of key's entry, or undefined when absent (or none is kept). */
  metaOf(key: string): number | undefined {
    const tb = this.locate(key);
    return tb === null || tb.meta === null ? undefined : tb.meta[this.located];
  }

  /** Sets the metadata of key's entry; false when the key is absent or none is kept. */
  setMeta(key: string, value: number): boolean {
    const tb = this.locate(key);
    if (tb === null || tb.meta === null) return false;
    tb.meta[this.located] = value;
    return true;
  }

  /** The table holding key, its slot left in `located`; null when absent. */
  private locate(key: string): Table<V> | null {
    const h = hashOf(key);
    const t = this.t;
    let i = t.find(key, h);
    if (i >= 0) {
      this.located = i;
      return t;
    }
    for (const o of this.old) {
      i = o.find(key, h);
      if (i >= 0) {
        this.located = i;
        return o;
      }
    }
    return null;
  }

  /** A new table of `size` slots, with metadata when the dict keeps it. */
  private table(size: number): Table<V> {
    return new Table<V>(size, this.meta !== null);
  }

  get(key: string): V | undefined {
    const h = hashOf(key);
    const t = this.t;
    const i = t.find(key, h);
    if (i >= 0) return t.valueAt(i);
    if (this.old.length === 0) return undefined;
    for (const o of this.old) {
      const j = o.find(key, h);
      if (j >= 0) return o.valueAt(j);
    }
    return undefined;
  }

  has(key: string): boolean {
    const h = hashOf(key);
    if (this.t.find(key, h) >= 0) return true;
    for (const o of this.old) if (o.find(key, h) >= 0) return true;
    return false;
  }

  /** Sets key to value; returns true when the key is new. */
  set(key: string, value: V): boolean {
    if (this.old.length !== 0 && this.pauses === 0) this.drain(dictTuning.stepSlots);
    const h = hashOf(key);
    let t = this.t;
    let i = t.find(key, h);
    if (i >= 0) {
      this.overwrite(t, i, key, value);
      return false;
    }
    for (const o of this.old) {
      i = o.find(key, h);
      if (i >= 0) {
        this.overwrite(o, i, key, value);
        return false;
      }
    }
    if (t.used >= t.limit) {
      this.resize(slotsFor(this.count + 1));
      t = this.t;
    }
    this.add(t, key, h, value);
    return true;
  }

  /**
   * Gives the entry at slot i of tb a new value. A value equal to the stored one (same string
   * bytes, same object, same number, telling -0 from 0) is not written: the stored copy,
   * usually long promoted to the old generation, stays, and the new one dies young instead of
   * being copied by the scavenger and remembered as an old-to-new pointer. Workloads that
   * rewrite unchanged values pay a short compare.
   */
  private overwrite(tb: Table<V>, i: number, key: string, value: V): void {
    if (!sameValue(tb.valueAt(i), value)) tb.setValue(i, value);
    if (tb.meta !== null) tb.meta[i] = this.meta!.replaced(tb.meta[i]!, key);
  }

  /** Adds a key known to be absent to t, which has room for it. */
  private add(t: Table<V>, key: string, h: number, value: V): void {
    const at = t.insert(key, h, value);
    if (t.meta !== null) t.meta[at] = this.meta!.fresh();
    this.count++;
  }

  /**
   * Stores keys[0..n) with values[0..n) as set() would one by one, then calls
   * `stored(j, existed)` for each (existed: the key was there already and got the new value;
   * `stored` may throw, which ends the batch). A table with room for them all takes them in
   * the order of their slots instead of the order given: a load's keys come in file order,
   * random in the table, and each would cost a cache miss in every slot array (hashes, keys,
   * values, metadata); slot order makes that a forward sweep the prefetcher follows (1M keys
   * into a presized table: ~210-300 ms -> ~120-160 ms). Each key's hash is computed once, in
   * the order given (the key strings lie in memory in that order). Keys in the same slot
   * range keep their given order, so a key repeated in the batch ends with its last value.
   * The sort's scratch arrays are shared: `stored` must not start another batch.
   */
  storeBatch(keys: readonly string[], values: readonly V[], n: number, stored: (j: number, existed: boolean) => void): void {
    const t = this.t;
    if (n < SLOT_ORDER_MIN || this.old.length !== 0 || this.pauses !== 0 || t.used + n > t.limit) {
      for (let j = 0; j < n; j++) stored(j, !this.set(keys[j]!, values[j]!));
      return;
    }
    // A counting sort on the top (at most 16) bits of each key's home slot.
    const shift = Math.max(0, 31 - Math.clz32(t.size) - 16);
    const slotRanges = (t.mask >>> shift) + 2;
    const { hashes, ranges, order } = batchScratch(n);
    const counts = batchCounts.fill(0, 0, slotRanges);
    for (let j = 0; j < n; j++) {
      const h = hashOf(keys[j]!);
      const r = (h & t.mask) >>> shift;
      hashes[j] = h;
      ranges[j] = r;
      counts[r + 1]!++;
    }
    for (let r = 1; r < slotRanges; r++) counts[r]! += counts[r - 1]!;
    for (let j = 0; j < n; j++) order[counts[ranges[j]!]!++] = j;
    for (let k = 0; k < n; k++) {
      const j = order[k]!;
      const key = keys[j]!;
      const h = hashes[j]!;
      const i = t.find(key, h);
      if (i >= 0) {
        this.overwrite(t, i, key, values[j]!);
        stored(j, true);
      } else {
        this.add(t, key, h, values[j]!);
        stored(j, false);
      }
    }
  }

  delete(key: string): boolean {
    if (this.old.length !== 0 && this.pauses === 0) this.drain(dictTuning.stepSlots);
    const h = hashOf(key);
    const t = this.t;
    let i = t.find(key, h);
    if (i >= 0) {
      t.remove(i);
    } else {
      let found = false;
      for (const o of this.old) {
        i = o.find(key, h);
        if (i >= 0) {
          o.remove(i);
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    this.count--;
    if (this.old.length === 0 && this.pauses === 0 && t.size > MIN_SLOTS && this.count < t.size * dictTuning.minLoad) {
      this.resize(slotsFor(this.count));
    }
    return true;
  }

  clear(): void {
    this.t = this.table(MIN_SLOTS);
    this.old = EMPTY_TABLES;
    this.drainIdx = 0;
    this.count = 0;
  }

  // ---- resizing ----

  /**
   * Makes a new table of `size` slots for new entries. The current one is drained into it
   * (or dropped at once when it holds nothing and nobody walks it).
   */
  private resize(size: number): void {
    const t = this.t;
    if (t.live === 0 && this.old.length === 0 && this.pauses === 0) {
      this.t = this.table(size);
      return;
    }
    if (this.old === EMPTY_TABLES) this.old = [];
    this.old.push(t);
    this.t = this.table(size);
  }

  /** Moves the entries of up to `slots` slots of the oldest table into the current one. */
  private drain(slots: number): void {
    while (slots > 0 && this.old.length !== 0) {
      const o = this.old[0]!;
      const hashes = o.hashes;
      const end = Math.min(o.size, this.drainIdx + slots);
      for (let i = this.drainIdx; i < end; i++) {
        const x = hashes[i]!;
        if (x === EMPTY || x === TOMB) continue;
        let t = this.t;
        if (t.used >= t.limit) {
          // The target filled up (writes while draining was paused): make a larger one.
          this.old.push(t);
          this.t = t = this.table(slotsFor(this.count + 1));
        }
        const at = t.insert(o.keyAt(i)!, x, o.valueAt(i));
        if (t.meta !== null) t.meta[at] = o.meta![i]!;
        o.remove(i);
      }
      slots -= end - this.drainIdx;
      this.drainIdx = end;
      if (end === o.size || o.live === 0) {
        this.old.shift();
        this.drainIdx = 0;
        if (this.old.length === 0) {
          this.old = EMPTY_TABLES;
          this.maybeResize();
          return;
        }
      }
    }
  }

  /**
   * Sizes an empty dict for about n entries up front (Redis's dictExpand on an RDB's RESIZEDB
   * hint), so loading does not grow the table step by step. Does nothing unless the dict is
   * empty and no resize or pause is in effect.
   */
  expand(n: number): void {
    if (this.count !== 0 || this.old.length !== 0 || this.pauses !== 0) return;
    const size = slotsFor(n);
    if (size > this.t.size) this.t = this.table(size);
  }

  /** Starts a resize when the current table is too full or too sparse (never while paused). */
  private maybeResize(): void {
    if (this.old.length !== 0 || this.pauses !== 0) return;
    const t = this.t;
    if (t.used >= t.limit || (t.size > MIN_SLOTS && this.count < t.size * dictTuning.minLoad)) {
      this.resize(slotsFor(this.count));
    }
  }

  /**
   * Resizes when the load asks for it and drains for up to `ms` milliseconds (Redis's
   * activerehashing cron step). Returns true when a resize is still in progress.
   */
  rehashFor(ms: number): boolean {
    if (this.pauses !== 0) return this.old.length !== 0;
    this.maybeResize();
    if (this.old.length === 0) return false;
    const deadline = performance.now() + ms;
    while (this.old.length !== 0) {
      this.drain(1024);
      if (performance.now() >= deadline) break;
    }
    return this.old.length !== 0;
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

  // ---- slots (for snapshots) ----

  /**
   * Slots: the old tables' in order, then the current table's. While resizing is paused no
   * entry changes slot and tables are only added at the end, so a walk over slots
   * 0..slotCount-1 (re-reading slotCount as it goes) visits every entry present at the start
   * exactly once.
   */
  get slotCount(): number {
    let n = this.t.size;
    for (const o of this.old) n += o.size;
    return n;
  }

  /**
   * Visits the entries in slots `from` onwards, in slot order, until fn returns false.
   * Returns the slot after the last one visited (slotCount when the walk reached the end).
   * fn must not change the dict.
   *
   * Entries are gathered WALK_BATCH at a time and their key and value objects read once
   * before fn sees any of them. In slot order the strings sit at random heap addresses; read
   * in a short loop of independent loads the processor fetches several at once, where fn's
   * work between two entries (an RDB record, say) would leave one cache miss after another.
   * SAVE of 1M string keys in-process: ~240-270 -> ~220-230 ms.
   */
  walkSlots(from: number, fn: (key: string, value: V) => boolean): number {
    const slots = new Int32Array(WALK_BATCH);
    let base = 0;
    for (const tb of this.tables()) {
      const hashes = tb.hashes;
      const size = tb.size;
      let i = Math.max(0, from - base);
      while (i < size) {
        let m = 0;
        let touched = 0;
        for (; i < size && m < WALK_BATCH; i++) {
          const x = hashes[i]!;
          if (x === EMPTY || x === TOMB) continue;
          const value = tb.valueAt(i);
          touched += tb.keyAt(i)!.length + (typeof value === 'string' ? value.length : 1);
          slots[m++] = i;
        }
        walkTouched = touched;
        for (let j = 0; j < m; j++) {
          const slot = slots[j]!;
          if (!fn(tb.keyAt(slot)!, tb.valueAt(slot))) return base + slot + 1;
        }
      }
      base += size;
    }
    return base;
  }

  /** The slot where key lives, or -1 when it is absent. */
  slotOf(key: string): number {
    const h = hashOf(key);
    let base = 0;
    for (const o of this.old) {
      const i = o.find(key, h);
      if (i >= 0) return base + i;
      base += o.size;
    }
    const i = this.t.find(key, h);
    return i >= 0 ? base + i : -1;
  }

  /** Table sizes, for DEBUG HTSTATS-like reports and tests. */
  stats(): { size: number; slots: number; rehashing: boolean; tables: number; tombstones: number } {
    let slots = this.t.size;
    let tombstones = this.t.used - this.t.live;
    for (const o of this.old) {
      slots += o.size;
      tombstones += o.used - o.live;
    }
    return { size: this.count, slots, rehashing: this.old.length !== 0, tables: 1 + this.old.length, tombstones };
  }

  // ---- iteration ----

  /** Calls fn for every entry (no resizing meanwhile; fn must not add entries). */
  forEach(fn: (value: V, key: string) => void): void {
    this.pauses++;
    try {
      for (const o of this.old) forEachIn(o, fn);
      forEachIn(this.t, fn);
    } finally {
      this.pauses--;
    }
  }

  *entries(): IterableIterator<[string, V]> {
    this.pauses++;
    try {
      for (const tb of this.tables()) {
        for (let i = 0; i < tb.size; i++) {
          const x = tb.hashes[i]!;
          if (x !== EMPTY && x !== TOMB) yield [tb.keyAt(i)!, tb.valueAt(i)];
        }
      }
    } finally {
      this.pauses--;
    }
  }

  *keys(): IterableIterator<string> {
    this.pauses++;
    try {
      for (const tb of this.tables()) {
        for (let i = 0; i < tb.size; i++) {
          const x = tb.hashes[i]!;
          if (x !== EMPTY && x !== TOMB) yield tb.keyAt(i)!;
        }
      }
    } finally {
      this.pauses--;
    }
  }

  *values(): IterableIterator<V> {
    this.pauses++;
    try {
      for (const tb of this.tables()) {
        for (let i = 0; i < tb.size; i++) {
          const x = tb.hashes[i]!;
          if (x !== EMPTY && x !== TOMB) yield tb.valueAt(i);
        }
      }
    } finally {
      this.pauses--;
    }
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }

  /** Every table, oldest first (a snapshot of the list: tables added meanwhile are not seen). */
  private tables(): Table<V>[] {
    return [...this.old, this.t];
  }

  /** A random key, or undefined when empty. */
  random(): string | undefined {
    if (this.count === 0) return undefined;
    const tables = this.tables();
    let span = 0;
    for (const tb of tables) span += tb.size;
    const keyAt = (slot: number): string | undefined => {
      for (const tb of tables) {
        if (slot < tb.size) return tb.liveKeyAt(slot);
        slot -= tb.size;
      }
      return undefined;
    };
    for (let tries = 0; tries < 128; tries++) {
      const k = keyAt(Math.floor(Math.random() * span));
      if (k !== undefined) return k;
    }
    // Very sparse (resizing paused during mass deletes): walk from a random slot.
    const start = Math.floor(Math.random() * span);
    for (let n = 0; n < span; n++) {
      const k = keyAt((start + n) % span);
      if (k !== undefined) return k;
    }
    return undefined;
  }

  /**
   * One SCAN call: visits home buckets from `cursor` in reverse-binary order until about
   * `count` entries were visited (or 10*count buckets looked at), and returns the cursor to
   * continue with (0 when the scan is complete). The visitor may delete entries; resizing waits
   * until the call returns.
   */
  scan(cursor: number, count: number, visit: (key: string, value: V) => void): number {
    let v = cursor >>> 0;
    if (this.count === 0) return 0;
    let visited = 0;
    let steps = Math.max(1, count) * 10;
    this.pauses++;
    try {
      const tables = this.tables();
      let ms = this.t.mask;
      let ml = ms;
      for (const o of this.old) {
        ms = Math.min(ms, o.mask);
        ml = Math.max(ml, o.mask);
      }
      do {
        // Home bucket v in the smallest table and all its expansions in the larger ones.
        for (const tb of tables) {
          const m = tb.mask;
          if (m === ms) {
            visited += tb.visitHome(v & m, visit);
            continue;
          }
          let w = v;
          do {
            visited += tb.visitHome(w & m, visit);
            w = nextCursor(w, m);
          } while ((w & (ms ^ m)) !== 0);
        }
        do v = nextCursor(v, ml);
        while ((v & (ms ^ ml)) !== 0);
      } while (v !== 0 && visited < count && --steps > 0);
    } finally {
      this.pauses--;
    }
    return v;
  }
}

function forEachIn<V>(tb: Table<V>, fn: (value: V, key: string) => void): void {
  const hashes = tb.hashes;
  for (let p = 0; p < tb.keys.length; p++) {
    const kp = tb.keys[p];
    if (kp === undefined) continue;
    const vp = tb.vals[p]!;
    const base = p << PAGE_BITS;
    for (let j = 0; j < kp.length; j++) {
      const x = hashes[base + j]!;
      if (x !== EMPTY && x !== TOMB) fn(vp[j]!, kp[j]!);
    }
  }
}
