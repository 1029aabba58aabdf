/**
 * Dict: the hash table behind the keyspace, the expires table and large hashes, sets and
 * sorted sets.
 *
 * Contract (what callers may rely on):
 * - Map-like get/has/set/delete/size/clear and insertion-ordered iteration.
 * - No size limit below memory (a single V8 Map stops at 2^24 entries).
 * - scan(cursor, visit): Redis's SCAN guarantee. Every entry present for the whole scan is
 *   visited at least once; the cursor is a number, 0 starts and 0 ends a scan.
 * - random(): a uniformly-ish chosen key, for RANDOMKEY, SPOP, SRANDMEMBER, eviction.
 *
 * This first version keeps entries in a chain of Maps (a new Map starts when one is full).
 * SCAN keeps a live iterator per cursor: Map iterators stay valid through inserts and
 * deletes and reach entries added after they started, so nothing present throughout is
 * missed. A cursor that is unknown (forgotten or invented) restarts the scan, which may
 * repeat entries but never misses one.
 *
 * Pure data structure: no client, no reply.
 */

/** Entries per Map before the next Map in the chain starts (V8's limit is 2^24). */
const MAP_LIMIT = 1 << 23;
/** Live SCAN cursors kept per Dict; the oldest is forgotten first. */
const MAX_CURSORS = 1024;

export class Dict<V> {
  private maps: Map<string, V>[] = [new Map()];
  private count = 0;
  private cursors = new Map<number, { it: Iterator<[string, V]>; map: number }>();
  private nextCursor = 1;

  get size(): number {
    return this.count;
  }

  get(key: string): V | undefined {
    const maps = this.maps;
    if (maps.length === 1) return maps[0]!.get(key);
    for (let i = 0; i < maps.length; i++) {
      const v = maps[i]!.get(key);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  has(key: string): boolean {
    const maps = this.maps;
    for (let i = 0; i < maps.length; i++) if (maps[i]!.has(key)) return true;
    return false;
  }

  /** Sets key to value; returns true when the key is new. */
  set(key: string, value: V): boolean {
    const maps = this.maps;
    if (maps.length === 1) {
      const m = maps[0]!;
      const before = m.size;
      m.set(key, value);
      if (m.size === before) return false;
      this.count++;
      if (m.size >= MAP_LIMIT) maps.push(new Map());
      return true;
    }
    for (let i = 0; i < maps.length; i++) {
      const m = maps[i]!;
      if (m.has(key)) {
        m.set(key, value);
        return false;
      }
    }
    let last = maps[maps.length - 1]!;
    if (last.size >= MAP_LIMIT) {
      last = new Map();
      maps.push(last);
    }
    last.set(key, value);
    this.count++;
    return true;
  }

  delete(key: string): boolean {
    const maps = this.maps;
    for (let i = 0; i < maps.length; i++) {
      if (maps[i]!.delete(key)) {
        this.count--;
        return true;
      }
    }
    return false;
  }

  clear(): void {
    this.maps = [new Map()];
    this.count = 0;
    this.cursors.clear();
  }

  *entries(): IterableIterator<[string, V]> {
    for (const m of this.maps) yield* m.entries();
  }
  *keys(): IterableIterator<string> {
    for (const m of this.maps) yield* m.keys();
  }
  *values(): IterableIterator<V> {
    for (const m of this.maps) yield* m.values();
  }
  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }

  /** A random key, or undefined when empty. O(size / maps) in the worst case. */
  random(): string | undefined {
    if (this.count === 0) return undefined;
    let idx = Math.floor(Math.random() * this.count);
    for (const m of this.maps) {
      if (idx < m.size) {
        // Walk from whichever end is closer is not possible with Map; sample a prefix
        // window so large dicts stay cheap while still spreading picks.
        const limit = Math.min(idx, 4096);
        let i = 0;
        for (const k of m.keys()) {
          if (i++ === limit) return k;
        }
      }
      idx -= m.size;
    }
    return this.maps[0]!.keys().next().value;
  }

  /**
   * Visits about `count` entries from cursor and returns the cursor to continue with
   * (0 when the scan is complete).
   */
  scan(cursor: number, count: number, visit: (key: string, value: V) => void): number {
    let state = cursor === 0 ? undefined : this.cursors.get(cursor);
    if (state === undefined) state = { it: this.maps[0]!.entries(), map: 0 };
    else this.cursors.delete(cursor);
    let n = 0;
    while (n < count) {
      const r = state.it.next();
      if (r.done) {
        if (state.map + 1 >= this.maps.length) return 0;
        state.map++;
        state.it = this.maps[state.map]!.entries();
        continue;
      }
      visit(r.value[0], r.value[1]);
      n++;
    }
    const id = this.nextCursor++;
    if (this.nextCursor > 2 ** 52) this.nextCursor = 1;
    this.cursors.set(id, state);
    if (this.cursors.size > MAX_CURSORS) {
      const oldest = this.cursors.keys().next().value as number;
      this.cursors.delete(oldest);
    }
    return id;
  }
}
