/**
 * RSet: the set type, with Redis 7.0's two encodings (7.0 has no listpack sets).
 *
 * - `intset` while every member is an integer as string2ll reads it and the set holds at most
 *   `set-max-intset-entries` members: a sorted array searched by bisection, iterated in
 *   ascending order as Redis's intset is. Members are kept as JS numbers when they fit
 *   ±(2^53-1) exactly and as bigints beyond; `<` compares the two kinds exactly, and each value
 *   has one canonical form, so `===` is membership.
 * - `hashtable` otherwise, for good (the conversion is one-way, as in Redis): a DenseTable.
 *
 * DenseTable (shared with the hash type) keeps entries packed in one array, so a uniformly
 * random entry is one array read (SPOP, SRANDMEMBER, HRANDFIELD stay O(1) per pick) and a
 * removal moves the last entry into the hole. A KeyIndex (open addressing over hash and
 * position pairs) maps each key to its position once the table outgrows a linear search;
 * small tables carry no index at all.
 *
 * A set loaded from an RDB file may still be packed (types/packed.ts): an intset as the
 * intset's bytes (`ints` is then PACKED_INTSET), a small hashtable set as a listpack of its
 * members in the file's order (`ints` null), decoded by the first method that needs them.
 * `size` and `encoding()` read it as it is, and `packedListpack()` / `packedIntset()` hand it
 * to the RDB writer.
 *
 * Persistence relies on exactly this surface; keep these members and their meaning:
 *   kind, size, encoding(), add(member), has(member), values(), clone(), and for the RDB
 *   codec's bulk paths sortedInts(), tableItems(), packedListpack(), packedIntset(),
 *   RSet.fromMembers, RSet.fromSortedInts, RSet.fromPacked, RSet.fromPackedIntset.
 *
 * Pure data structure: no client, no reply. Imports types/ and util/ only.
 */

import { limits } from './limits.js';
import { string2int, string2ll } from '../util/number.js';
import { hashKey } from './dict.js';
import { packedDecoder, packedCount, packedIntsetCount } from './packed.js';

/** Arrays built at a known length up to this size are allocated at once (V8 keeps larger ones sparse). */
const PRESIZE_MAX = 16384;

/** Tables with fewer entries than this find keys by linear search and keep no index. */
const INDEX_AT = 32;

/**
 * The key → position index of a large DenseTable: open addressing with linear probing over
 * one Int32Array of (hash, position + 1) pairs. Keys are not stored here: a candidate whose
 * stored hash matches is confirmed against the table's items. A lookup reads about three
 * cache lines (the pair, the item slot, the key string), where a V8 Map reads four or five;
 * and there is no 2^24-entry limit. Deleted pairs become tombstones (position -1) unless the
 * next pair is empty; the index is rebuilt, at double size or for cleaning, when pairs in use
 * pass three quarters.
 */
class KeyIndex {
  private slots: Int32Array;
  private mask: number;
  /** Pairs in use (entries and tombstones). */
  private used = 0;
  private limit: number;

  constructor(entries: number) {
    let size = 16;
    while (size < entries * 2) size *= 2;
    this.slots = new Int32Array(size * 2);
    this.mask = size - 1;
    this.limit = (size * 3) >> 2;
  }

  /** The position of key in items, or -1. */
  find(items: readonly string[], key: string, h: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const p = slots[2 * i + 1]!;
      if (p === 0) return -1;
      if (p > 0 && slots[2 * i] === h && items[p - 1] === key) return p - 1;
      i = (i + 1) & mask;
    }
  }

  /** Records a key known to be absent at `pos` (the entries before pos are indexed, none after). */
  add(items: readonly string[], h: number, pos: number, stride: number): void {
    if (this.used >= this.limit) this.rebuild(items, stride, pos);
    const slots = this.slots;
    const mask = this.mask;
    let i = h & mask;
    while (slots[2 * i + 1]! > 0) i = (i + 1) & mask;
    if (slots[2 * i + 1] === 0) this.used++;
    slots[2 * i] = h;
    slots[2 * i + 1] = pos + 1;
  }

  /** The pair of key (present), as an index into slots. */
  private pairOf(items: readonly string[], key: string, h: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const p = slots[2 * i + 1]!;
      if (p > 0 && slots[2 * i] === h && items[p - 1] === key) return i;
      i = (i + 1) & mask;
    }
  }

  /** Points a present key (at `from` in items) to its new position. */
  move(items: readonly string[], key: string, h: number, to: number): void {
    this.slots[2 * this.pairOf(items, key, h) + 1] = to + 1;
  }

  /** Forgets a present key (still at its position in items). */
  remove(items: readonly string[], key: string, h: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let i = this.pairOf(items, key, h);
    if (slots[2 * ((i + 1) & mask) + 1] !== 0) {
      slots[2 * i + 1] = -1;
      return;
    }
    // No probe passes through an empty successor: this pair and the tombstones before it
    // become empty.
    slots[2 * i + 1] = 0;
    this.used--;
    i = (i - 1) & mask;
    while (slots[2 * i + 1] === -1) {
      slots[2 * i + 1] = 0;
      this.used--;
      i = (i - 1) & mask;
    }
  }

  /** Rebuilds from the entries before `end` (all by default), sized for twice as many. */
  rebuild(items: readonly string[], stride: number, end = items.length): void {
    const fresh = new KeyIndex(end / stride + 1);
    for (let pos = 0; pos < end; pos += stride) fresh.add(items, keyHash(items[pos]!), pos, stride);
    this.slots = fresh.slots;
    this.mask = fresh.mask;
    this.used = fresh.used;
    this.limit = fresh.limit;
  }
}

/** The index's hash of a key (any int32; the pair's position field marks empty and deleted). */
function keyHash(key: string): number {
  return hashKey(key) | 0;
}

/**
 * Arrays up to this many slots grow by an exact-size copy instead of push: V8's push leaves
 * up to ~16 spare slots, which in a small hash or set is a third of its memory. Copying a
 * few dozen pointers costs less than that (Redis's listpack reallocates on every insert too).
 */
export const EXACT_GROWTH = 32;

/** Longest string the intern table keeps, and how many it keeps at most. */
const INTERN_MAX_LENGTH = 24;
const INTERN_MAX_ENTRIES = 4096;
const interned = new Map<string, string>();

/**
 * One shared copy of a short string that many collections hold (hash field names such as
 * "name" or "email" in millions of small hashes, set tags): each string object costs 24-40
 * bytes, so sharing them matters when values are small. The table is bounded: once full it
 * still hands out what it holds and keeps nothing new.
 */
export function intern(s: string): string {
  // One-char strings are V8's own shared single-character strings already.
  if (s.length > INTERN_MAX_LENGTH || s.length < 2) return s;
  const shared = interned.get(s);
  if (shared !== undefined) return shared;
  if (interned.size < INTERN_MAX_ENTRIES) interned.set(s, s);
  return s;
}

/**
 * Entries packed densely in `items`, `stride` strings each (1: set members, 2: hash field and
 * value); an entry's key is its first string. Positions are indexes into `items`. Order is
 * insertion order until a removal moves the last entry into the removed one's place.
 *
 * The index (key → position) is a KeyIndex, made once the table outgrows a linear search. It is
 * not a `Dict`: nothing here needs Dict's incremental resizing or slots (random picks and SCAN
 * come from the dense array), and positions are all it has to store.
 *
 * SCAN walks positions from the top down with a stateless cursor (the count of positions
 * still to visit). Entries only ever move down (the last one into a hole) and new ones are
 * appended at the top, so an entry present for the whole scan stays below the cursor until
 * it is visited: Redis's guarantee (some entries may come twice, new ones may be missed).
 */
export class DenseTable {
  private index: KeyIndex | null = null;

  /** `items`: the entries to start with (taken over), packed as described above. */
  constructor(
    readonly stride: 1 | 2,
    public items: string[] = [],
  ) {}

  get size(): number {
    return this.stride === 1 ? this.items.length : this.items.length >> 1;
  }

  /** The position of the entry whose key is `key`, or -1. */
  find(key: string): number {
    const items = this.items;
    const index = this.index;
    if (index !== null) return index.find(items, key, keyHash(key));
    const s = this.stride;
    for (let i = 0; i < items.length; i += s) if (items[i] === key) return i;
    return -1;
  }

  /** Appends an entry whose key is known to be absent. */
  push(key: string, value?: string): void {
    let items = this.items;
    const pos = items.length;
    key = intern(key);
    if (pos < EXACT_GROWTH) {
      items = this.items = this.stride === 2 ? items.concat(key, value!) : items.concat(key);
    } else {
      items.push(key);
      if (this.stride === 2) items.push(value!);
    }
    const index = this.index;
    if (index !== null) index.add(items, keyHash(key), pos, this.stride);
    else if (pos >= INDEX_AT * this.stride) this.buildIndex();
  }

  /** Removes the entry at `pos`; the last entry takes its place. */
  removeAt(pos: number): void {
    const items = this.items;
    const s = this.stride;
    const last = items.length - s;
    const index = this.index;
    if (index !== null) index.remove(items, items[pos]!, keyHash(items[pos]!));
    if (pos !== last) {
      const moved = items[last]!;
      if (index !== null) index.move(items, moved, keyHash(moved), pos);
      items[pos] = moved;
      if (s === 2) items[pos + 1] = items[last + 1]!;
    }
    items.pop();
    if (s === 2) items.pop();
  }

  /** The position of a uniformly random entry (the table must not be empty). */
  randomPos(): number {
    return Math.floor(Math.random() * this.size) * this.stride;
  }

  /**
   * Visits up to `count` entries below `cursor` (0 starts a scan) from the top down; returns
   * the cursor to continue with, 0 when done. See the class comment for the guarantee.
   */
  scan(cursor: number, count: number, visit: (pos: number) => void): number {
    const s = this.stride;
    const n = this.size;
    let c = cursor <= 0 || cursor > n ? n : cursor;
    for (let visited = 0; c > 0 && visited < count; visited++) visit(--c * s);
    return c;
  }

  /**
   * A table holding `items` (entries of `stride` strings, keys interned in place unless
   * `interned`: the caller shared them already), taking the array over; null when a key
   * repeats. Builds the index once instead of per push (the RDB loader's bulk path).
   */
  static adopt(stride: 1 | 2, items: string[], interned = false): DenseTable | null {
    const n = items.length;
    if (!interned) for (let i = 0; i < n; i += stride) items[i] = intern(items[i]!);
    // Built around the array (a table made empty first would allocate one to throw away).
    const t = new DenseTable(stride, items);
    if (n < INDEX_AT * stride) {
      for (let i = stride; i < n; i += stride) {
        const k = items[i]!;
        for (let j = 0; j < i; j += stride) if (items[j] === k) return null;
      }
      return t;
    }
    // Sized for all the entries up front, so add() never rebuilds from the whole array.
    const index = new KeyIndex(n / stride + 1);
    for (let i = 0; i < n; i += stride) {
      const k = items[i]!;
      const h = keyHash(k);
      if (index.find(items, k, h) >= 0) return null;
      index.add(items, h, i, stride);
    }
    t.index = index;
    return t;
  }

  clone(): DenseTable {
    const t = new DenseTable(this.stride, this.items.slice());
    if (this.index !== null) t.buildIndex();
    return t;
  }

  private buildIndex(): void {
    const index = new KeyIndex(this.size);
    index.rebuild(this.items, this.stride);
    this.index = index;
  }
}

/** An intset member: a number within ±(2^53-1), a bigint beyond (canonical, so === works). */
type IntMember = number | bigint;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The member as an intset value, or null when string2ll rejects it. */
function toInt(s: string): IntMember | null {
  if (s.length < 16) return string2int(s); // up to 15 digits: always exact
  const b = string2ll(s);
  if (b === null) return null;
  return b <= MAX_SAFE && b >= -MAX_SAFE ? Number(b) : b;
}

/** Bisection: the index of v in the sorted array, or -(insertion point) - 1. */
function bisect(a: IntMember[], v: IntMember): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const m = a[mid]!;
    if (m < v) lo = mid + 1;
    else if (m > v) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}

/** A copy of the array with v inserted at i, exactly sized. */
function insertExact(a: IntMember[], i: number, v: IntMember): IntMember[] {
  const n = a.length;
  const out = new Array<IntMember>(n + 1);
  for (let j = 0; j < i; j++) out[j] = a[j]!;
  out[i] = v;
  for (let j = i; j < n; j++) out[j + 1] = a[j]!;
  return out;
}

/**
 * The intset array a new set starts with, shared by all of them: an empty intset array is
 * never changed in place (the first member makes a new array), so one saves an allocation
 * per set.
 */
const NO_INTS: IntMember[] = [];

/** `ints` of an intset still packed: it says "intset" to encoding() and is never read. */
const PACKED_INTSET: IntMember[] = [];

/** set-max-intset-entries, capped at 2^30 as Redis caps it. */
function intsetMax(): number {
  const m = limits.setMaxIntsetEntries;
  return m >= 2 ** 30 ? 2 ** 30 : m;
}

export class RSet {
  get kind(): 'set' {
    return 'set';
  }
  /** The intset encoding: sorted members; null once the set is a hashtable. */
  private ints: IntMember[] | null = NO_INTS;
  /** The hashtable encoding. */
  private table: DenseTable | null = null;
  /** A hashtable set's members as a listpack, as loaded, until first use (then table holds them). */
  private packed: string | null = null;

  get size(): number {
    if (this.packed !== null) return this.ints === PACKED_INTSET ? packedIntsetCount(this.packed) : packedCount(this.packed);
    return this.ints !== null ? this.ints.length : this.table!.size;
  }

  /** 'intset' while every member is an integer and within set-max-intset-entries, else 'hashtable'. */
  encoding(): 'intset' | 'hashtable' {
    // (A packed intset has PACKED_INTSET there, a packed hashtable set null.)
    return this.ints !== null ? 'intset' : 'hashtable';
  }

  /** Adds a member; returns true when it is new. Converts to a hashtable as Redis does. */
  add(member: string): boolean {
    if (this.packed !== null) this.unpack();
    const ints = this.ints;
    if (ints !== null) {
      const v = toInt(member);
      if (v !== null) {
        const at = bisect(ints, v);
        if (at >= 0) return false;
        const ins = -at - 1;
        if (ints.length < EXACT_GROWTH) this.ints = insertExact(ints, ins, v);
        else if (ins === ints.length) ints.push(v);
        else ints.splice(ins, 0, v);
        if (this.ints!.length > intsetMax()) this.convert();
        return true;
      }
      this.convert();
      this.table!.push(member);
      return true;
    }
    const table = this.table!;
    if (table.find(member) >= 0) return false;
    table.push(member);
    return true;
  }

  has(member: string): boolean {
    if (this.packed !== null) this.unpack();
    const ints = this.ints;
    if (ints !== null) {
      const v = toInt(member);
      return v !== null && bisect(ints, v) >= 0;
    }
    return this.table!.find(member) >= 0;
  }

  /** Removes a member; returns true when it was there. The encoding never changes back. */
  remove(member: string): boolean {
    if (this.packed !== null) this.unpack();
    const ints = this.ints;
    if (ints !== null) {
      const v = toInt(member);
      if (v === null) return false;
      const at = bisect(ints, v);
      if (at < 0) return false;
      ints.splice(at, 1);
      return true;
    }
    const table = this.table!;
    const pos = table.find(member);
    if (pos < 0) return false;
    table.removeAt(pos);
    return true;
  }

  /** The member at index i of the iteration order (0 ≤ i < size). */
  at(i: number): string {
    if (this.packed !== null) this.unpack();
    return this.ints !== null ? String(this.ints[i]!) : this.table!.items[i]!;
  }

  /** A uniformly random member (the set must not be empty). */
  random(): string {
    return this.at(Math.floor(Math.random() * this.size));
  }

  /** Removes and returns a uniformly random member (the set must not be empty). */
  pop(): string {
    if (this.packed !== null) this.unpack();
    const i = Math.floor(Math.random() * this.size);
    const ints = this.ints;
    if (ints !== null) {
      const v = ints[i]!;
      ints.splice(i, 1);
      return String(v);
    }
    const table = this.table!;
    const m = table.items[i]!;
    table.removeAt(i);
    return m;
  }

  /**
   * `count` distinct random members, 0 < count < size (SRANDMEMBER with a positive count).
   * Near the set's size, a selection pass over all members (in iteration order); otherwise
   * random picks with duplicates thrown back, as Redis's two strategies do.
   */
  sample(count: number): string[] {
    if (this.packed !== null) this.unpack();
    const size = this.size;
    const out: string[] = [];
    if (count * 3 > size) {
      // Knuth's selection sampling: each member is kept with probability needed/left.
      let needed = count;
      for (let i = 0; i < size && needed > 0; i++) {
        if (Math.random() * (size - i) < needed) {
          out.push(this.at(i));
          needed--;
        }
      }
      return out;
    }
    const seen = new Set<number>();
    while (out.length < count) {
      const i = Math.floor(Math.random() * size);
      if (seen.has(i)) continue;
      seen.add(i);
      out.push(this.at(i));
    }
    return out;
  }

  /**
   * The intset's members, ascending (numbers, bigints beyond ±(2^53-1)); null for a
   * hashtable. The set's own array: read-only, valid until the next change.
   */
  sortedInts(): readonly IntMember[] | null {
    if (this.packed !== null) this.unpack();
    return this.ints;
  }

  /** The hashtable's members in iteration order; null for an intset. Read-only, as sortedInts. */
  tableItems(): readonly string[] | null {
    if (this.packed !== null) this.unpack();
    return this.table === null ? null : this.table.items;
  }

  /**
   * A set of intset members as a validated intset blob holds them (ascending, distinct),
   * taking the array over. Past set-max-intset-entries it becomes a hashtable, as Redis's
   * loader converts it.
   */
  static fromSortedInts(values: IntMember[]): RSet {
    const s = new RSet();
    s.ints = values;
    if (values.length > intsetMax()) s.convert();
    return s;
  }

  /**
   * A set of `members` in any order (RDB's plain SET), taking the array over: an intset
   * when every member is an integer and they are at most set-max-intset-entries, else a
   * hashtable, the encoding Redis's loader ends with. Null when a member repeats.
   * `interned`: the caller shared the members already (see DenseTable.adopt).
   */
  static fromMembers(members: string[], interned = false): RSet | null {
    const s = new RSet();
    const n = members.length;
    if (n <= intsetMax() && toInt(members[0]!) !== null) {
      const ints: IntMember[] = n <= PRESIZE_MAX ? new Array<IntMember>(n) : [];
      let i = 0;
      for (; i < n; i++) {
        const v = toInt(members[i]!);
        if (v === null) break;
        ints[i] = v;
      }
      if (i === n) {
        ints.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        for (let j = 1; j < n; j++) if (ints[j] === ints[j - 1]) return null;
        s.ints = ints;
        return s;
      }
    }
    const table = DenseTable.adopt(1, members, interned);
    if (table === null) return null;
    s.ints = null;
    s.table = table;
    return s;
  }

  /** Members in iteration order (intset: ascending). */
  *values(): IterableIterator<string> {
    if (this.packed !== null) this.unpack();
    const ints = this.ints;
    if (ints !== null) {
      for (let i = 0; i < ints.length; i++) yield String(ints[i]!);
    } else {
      yield* this.table!.items;
    }
  }

  /** All members in iteration order, as a new array. */
  toArray(): string[] {
    if (this.packed !== null) this.unpack();
    const ints = this.ints;
    if (ints === null) return this.table!.items.slice();
    const out = new Array<string>(ints.length);
    for (let i = 0; i < ints.length; i++) out[i] = String(ints[i]!);
    return out;
  }

  /**
   * SSCAN: visits up to `count` members from `cursor` and returns the next cursor (0 when
   * done). An intset is visited whole with cursor 0, as in Redis.
   */
  scan(cursor: number, count: number, visit: (member: string) => void): number {
    if (this.packed !== null) this.unpack();
    const ints = this.ints;
    if (ints !== null) {
      for (let i = 0; i < ints.length; i++) visit(String(ints[i]!));
      return 0;
    }
    const items = this.table!.items;
    return this.table!.scan(cursor, count, (pos) => visit(items[pos]!));
  }

  /** An independent copy with the same encoding (COPY). */
  clone(): RSet {
    const s = new RSet();
    if (this.packed !== null) {
      // The bytes are immutable: both copies decode them when first used.
      s.ints = this.ints;
      s.packed = this.packed;
    } else if (this.ints !== null) s.ints = this.ints.slice();
    else {
      s.ints = null;
      s.table = this.table!.clone();
    }
    return s;
  }

  /** The members of a hashtable set loaded packed and not used since (the RDB writer's shortcut), else null. */
  packedListpack(): string | null {
    return this.ints === null ? this.packed : null;
  }

  /** The bytes of an intset loaded packed and not used since (the RDB writer's shortcut), else null. */
  packedIntset(): string | null {
    return this.ints === PACKED_INTSET ? this.packed : null;
  }

  /**
   * An intset of the members in `packed` (an intset's bytes as latin1, which the caller
   * validated: a known width, a count that matches, at least one member, strictly ascending,
   * and at most set-max-intset-entries of them), decoded when first used.
   */
  static fromPackedIntset(packed: string): RSet {
    const s = new RSet();
    s.ints = PACKED_INTSET;
    s.packed = packed;
    return s;
  }

  /**
   * A hashtable set of the members in `packed` (a listpack's bytes as latin1, which the
   * caller made from a plain SET record and checked: at least one member, none twice, and
   * not an intset by Redis's loading rules), decoded when first used.
   */
  static fromPacked(packed: string): RSet {
    const s = new RSet();
    s.ints = null;
    s.packed = packed;
    return s;
  }

  /**
   * Decodes the packed members: an intset into its sorted array, a hashtable set into its
   * table in their order (members not interned, as the loader leaves them).
   */
  private unpack(): void {
    const packed = this.packed!;
    this.packed = null;
    if (this.ints === PACKED_INTSET) {
      this.ints = packedDecoder().ints(packed);
      return;
    }
    this.table = DenseTable.adopt(1, packedDecoder().strings(packed), true);
  }

  /** intset → hashtable, keeping the ascending order. */
  private convert(): void {
    const ints = this.ints!;
    const table = new DenseTable(1);
    for (let i = 0; i < ints.length; i++) table.push(String(ints[i]!));
    this.table = table;
    this.ints = null;
  }
}
