/**
 * RHash: the hash type, with Redis 7.0's two encodings.
 *
 * - `listpack` while the hash has at most `hash-max-listpack-entries` fields and every field
 *   and value is at most `hash-max-listpack-value` bytes: one flat array
 *   [f0, v0, f1, v1, ...] in insertion order, searched linearly, as Redis's listpack is.
 *   This is the common case (many small hashes), so it costs one array and nothing else.
 * - `hashtable` otherwise, for good (one-way, as in Redis 7.0): a DenseTable of pairs (see
 *   types/set.ts) — a flat pair array plus a KeyIndex once it is large, so a random field
 *   is O(1) (HRANDFIELD), HSCAN has Redis's guarantee and size passes V8's Map limit.
 *
 * Both encodings keep the pairs in one flat array, which `flat()` exposes read-only so replies
 * (HGETALL, HKEYS, HVALS) walk it without allocating.
 *
 * A listpack hash loaded from an RDB file may still be packed (types/packed.ts): its bytes
 * as read, decoded by the first method that needs the pairs. `size` and `encoding()` read it
 * as it is, and `packedListpack()` hands the bytes to the RDB writer.
 *
 * Persistence relies on exactly this surface; keep these members and their meaning:
 *   kind, size, encoding(), set(field, value), get(field), entries(), clone(),
 *   flat() (the RDB writer's walk), packedListpack(), and RHash.fromPairs and
 *   RHash.fromPacked (the RDB loader's bulk builds).
 * A listpack-encoded hash iterates in insertion order (as Redis's listpack does).
 *
 * Pure data structure: no client, no reply. Imports types/ only.
 */

import { limits } from './limits.js';
import { packedDecoder, packedCount } from './packed.js';
import { DenseTable, EXACT_GROWTH, intern } from './set.js';

/**
 * The array a new hash starts with, shared by all of them: an empty listpack array is never
 * changed in place (the first field makes a new array), so one saves an allocation per hash.
 */
const NO_PAIRS: string[] = [];

/** Up to this many fields, a bulk-built listpack hash looks for repeats pair by pair. */
const SMALL_DUP_SCAN = 16;

export class RHash {
  get kind(): 'hash' {
    return 'hash';
  }
  /** The listpack encoding: [f0, v0, ...]; null once the hash is a hashtable. */
  private lp: string[] | null = NO_PAIRS;
  /** The hashtable encoding. */
  private table: DenseTable | null = null;
  /** The listpack's bytes as loaded, until first use (then lp holds the pairs). */
  private packed: string | null = null;

  get size(): number {
    if (this.packed !== null) return packedCount(this.packed) >> 1;
    return this.lp !== null ? this.lp.length >> 1 : this.table!.size;
  }

  /** 'listpack' within hash-max-listpack-entries/value, else 'hashtable'. */
  encoding(): 'listpack' | 'hashtable' {
    return this.lp !== null || this.packed !== null ? 'listpack' : 'hashtable';
  }

  /** The bytes of a hash loaded packed and not used since (the RDB writer's shortcut), else null. */
  packedListpack(): string | null {
    return this.packed;
  }

  /**
   * Sets a field; returns true when the field is new. A field or value longer than
   * hash-max-listpack-value converts first, too many fields convert after (Redis's order).
   */
  set(field: string, value: string): boolean {
    if (this.packed !== null) this.unpack();
    let lp = this.lp;
    if (lp !== null) {
      const max = limits.hashMaxListpackValue;
      if (field.length > max || value.length > max) {
        this.convert();
        lp = null;
      } else {
        const n = lp.length;
        for (let i = 0; i < n; i += 2) {
          if (lp[i] === field) {
            // An equal value is not written (see Dict.set).
            if (lp[i + 1] !== value) lp[i + 1] = value;
            return false;
          }
        }
        field = intern(field);
        if (n < EXACT_GROWTH) this.lp = lp = lp.concat(field, value);
        else lp.push(field, value);
        if (lp.length >> 1 > limits.hashMaxListpackEntries) this.convert();
        return true;
      }
    }
    const table = this.table!;
    const pos = table.find(field);
    if (pos >= 0) {
      if (table.items[pos + 1] !== value) table.items[pos + 1] = value;
      return false;
    }
    table.push(field, value);
    return true;
  }

  get(field: string): string | undefined {
    const pos = this.find(field);
    return pos < 0 ? undefined : this.flat()[pos + 1];
  }

  has(field: string): boolean {
    return this.find(field) >= 0;
  }

  /** Removes a field; returns true when it was there. */
  delete(field: string): boolean {
    const pos = this.find(field);
    if (pos < 0) return false;
    if (this.lp !== null) this.lp.splice(pos, 2);
    else this.table!.removeAt(pos);
    return true;
  }

  /**
   * The pairs as one flat array [f0, v0, f1, v1, ...] in iteration order. Read-only: it is
   * the hash's own storage, valid until the next change.
   */
  flat(): readonly string[] {
    if (this.packed !== null) this.unpack();
    return this.lp !== null ? this.lp : this.table!.items;
  }

  /** The position in flat() of a uniformly random field (the hash must not be empty). */
  randomPos(): number {
    return Math.floor(Math.random() * this.size) * 2;
  }

  /**
   * Positions in flat() of `count` distinct random fields, 0 < count < size (HRANDFIELD with
   * a positive count). A selection pass in iteration order when count is near the size or the
   * hash is a listpack (as Redis's lpRandomPairsUnique), else random picks with duplicates
   * thrown back (as Redis's dict strategy).
   */
  sample(count: number): number[] {
    if (this.packed !== null) this.unpack();
    const size = this.size;
    const out: number[] = [];
    if (this.lp !== null || count * 3 > size) {
      let needed = count;
      for (let i = 0; i < size && needed > 0; i++) {
        if (Math.random() * (size - i) < needed) {
          out.push(i * 2);
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
      out.push(i * 2);
    }
    return out;
  }

  /**
   * HSCAN: visits up to `count` fields from `cursor` and returns the next cursor (0 when
   * done). A listpack is visited whole with cursor 0, as in Redis.
   */
  scan(cursor: number, count: number, visit: (field: string, value: string) => void): number {
    if (this.packed !== null) this.unpack();
    const lp = this.lp;
    if (lp !== null) {
      for (let i = 0; i < lp.length; i += 2) visit(lp[i]!, lp[i + 1]!);
      return 0;
    }
    const table = this.table!;
    const items = table.items;
    return table.scan(cursor, count, (pos) => visit(items[pos]!, items[pos + 1]!));
  }

  /** Field/value pairs in the hash's iteration order. */
  *entries(): IterableIterator<[string, string]> {
    const a = this.flat();
    for (let i = 0; i < a.length; i += 2) yield [a[i]!, a[i + 1]!];
  }

  /** An independent copy with the same encoding (COPY). */
  clone(): RHash {
    const h = new RHash();
    if (this.packed !== null) {
      // The bytes are immutable: both copies decode them when first used.
      h.lp = null;
      h.packed = this.packed;
    } else if (this.lp !== null) h.lp = this.lp.slice();
    else {
      h.lp = null;
      h.table = this.table!.clone();
    }
    return h;
  }

  /**
   * A hash of the pairs in `flat` ([f0, v0, f1, v1, ...], fields interned in place unless
   * `interned` says the caller did it already), taking the array over, with the encoding
   * Redis's RDB loader gives it: a hashtable past hash-max-listpack-entries fields, or (with
   * `checkLengths`, for the formats Redis loads pair by pair) when a field or value is
   * longer than hash-max-listpack-value; else a listpack in the given order. Null when a
   * field repeats.
   */
  static fromPairs(flat: string[], checkLengths: boolean, interned = false): RHash | null {
    const h = new RHash();
    const n = flat.length;
    let listpack = n >> 1 <= limits.hashMaxListpackEntries;
    if (listpack && checkLengths) {
      const max = limits.hashMaxListpackValue;
      for (let i = 0; i < n; i++) {
        if (flat[i]!.length > max) {
          listpack = false;
          break;
        }
      }
    }
    if (!listpack) {
      const table = DenseTable.adopt(2, flat, interned);
      if (table === null) return null;
      h.lp = null;
      h.table = table;
      return h;
    }
    if (!interned) for (let i = 0; i < n; i += 2) flat[i] = intern(flat[i]!);
    if (n <= 2 * SMALL_DUP_SCAN) {
      for (let i = 2; i < n; i += 2) {
        const f = flat[i]!;
        for (let j = 0; j < i; j += 2) if (flat[j] === f) return null;
      }
    } else {
      const seen = new Set<string>();
      for (let i = 0; i < n; i += 2) {
        if (seen.has(flat[i]!)) return null;
        seen.add(flat[i]!);
      }
    }
    h.lp = flat;
    return h;
  }

  /**
   * A listpack hash of the pairs in `packed` (a listpack's bytes as latin1, which the caller
   * validated: an even count known to its header, no field twice), decoded when first used.
   */
  static fromPacked(packed: string): RHash {
    const h = new RHash();
    h.lp = null;
    h.packed = packed;
    return h;
  }

  /** Decodes the packed listpack into lp (fields interned, as set() does). */
  private unpack(): void {
    const flat = packedDecoder().strings(this.packed!);
    for (let i = 0; i < flat.length; i += 2) flat[i] = intern(flat[i]!);
    this.lp = flat;
    this.packed = null;
  }

  /** The position in flat() of the field, or -1. */
  private find(field: string): number {
    if (this.packed !== null) this.unpack();
    const lp = this.lp;
    if (lp === null) return this.table!.find(field);
    const n = lp.length;
    for (let i = 0; i < n; i += 2) if (lp[i] === field) return i;
    return -1;
  }

  /** listpack → hashtable, keeping the order. */
  private convert(): void {
    const lp = this.lp!;
    const table = new DenseTable(2);
    for (let i = 0; i < lp.length; i += 2) table.push(lp[i]!, lp[i + 1]!);
    this.table = table;
    this.lp = null;
  }
}
