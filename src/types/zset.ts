/**
 * RZSet: the sorted set type, in Redis's two encodings.
 *
 * - 'listpack' (small sets): two parallel arrays, members and scores, kept in ascending
 *   (score, member) order. Lookups by member are linear scans, as in Redis's listpack;
 *   with at most zset-max-listpack-entries elements that is cheap and compact.
 * - 'skiplist' (large sets, Redis's name for the encoding): a ScoreTree (an order-statistic
 *   B+tree, see score-tree.ts for why not a skiplist) plus a Dict member → member id, so
 *   ZSCORE is O(1) and rank/range operations O(log N). The Dict has no 2^24 limit.
 *
 * Conversion rules (Redis 7.0, t_zset.c): a set is listpack while it has at most
 * `zsetMaxListpackEntries` elements and every member is at most `zsetMaxListpackValue`
 * bytes; adding past either limit converts it to skiplist, and it never converts back by
 * itself. The store commands (ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE) build a skiplist and
 * then call `shrinkIfSmall`, which is Redis's zsetConvertToListpackIfNeeded; SORT converts
 * its input to skiplist (`toSkiplist`), a Redis 7.0 quirk visible in OBJECT ENCODING.
 *
 * A listpack holds integral scores as integers, so a -0 score reads back as 0 there; the
 * skiplist keeps the sign (both as Redis 7.0).
 *
 * Ordering is by score, then member bytewise: members are latin1 strings (one char per
 * byte), so JS string comparison is byte comparison.
 *
 * Positions: range operations work with cursors. A cursor is an array index in listpack
 * encoding and a tree slot in skiplist encoding; NONE (-1) means "no element".
 * Cursors are valid until the next change to the set. Every method that yields a cursor
 * (seekRank, firstIn*, lastIn*, randomCursor) makes the set ready for the cursor methods.
 *
 * A listpack set loaded from an RDB file may still be packed (types/packed.ts): its bytes as
 * read, decoded by the first method that needs the elements. `size` and `encoding()` read
 * it as it is, and `packedListpack()` hands the bytes to the RDB writer.
 *
 * Persistence relies on: kind, size, encoding(), add(member, score), score(member),
 * entries() (ascending), clone(), the cursors (seekRank, next, prev, memberAt, scoreAt: the
 * RDB writer's walk), packedListpack(), and RZSet.fromPairs and RZSet.fromPacked (the RDB
 * loader's bulk builds).
 *
 * Pure data structure: no client, no reply.
 */

import { Dict } from './dict.js';
import { limits } from './limits.js';
import { packedDecoder, packedCount } from './packed.js';
import {
  ScoreTree,
  lexGteMin,
  lexLteMax,
  lexRangeEmpty,
  scoreGteMin,
  scoreLteMax,
  scoreRangeEmpty,
  type LexRange,
  type ScoreRange,
} from './score-tree.js';

export type { LexRange, ScoreRange } from './score-tree.js';

/** No element (cursor value). */
export const NONE = -1;

/** ZADD input flags (Redis's ZADD_IN_*). */
export const ZADD_INCR = 1;
export const ZADD_NX = 2;
export const ZADD_XX = 4;
export const ZADD_GT = 8;
export const ZADD_LT = 16;

/** zadd() outcomes (Redis's ZADD_OUT_*): 0 means "nothing changed" (same score). */
export const ZADD_ADDED = 1;
export const ZADD_UPDATED = 2;
export const ZADD_NOP = 4;
export const ZADD_NAN = 8;

/**
 * A copy of `a` with `del` entries at `at` replaced by `items` (ES2023 toSpliced). The copy
 * is allocated at its exact length, where push/splice would leave up to 50% spare capacity:
 * small sets are many, so this halves their arrays' memory. Listpack edits are O(N) either
 * way, as in Redis.
 */
function spliced<T>(a: T[], at: number, del: number, ...items: T[]): T[] {
  return (a as unknown as { toSpliced(start: number, deleteCount: number, ...items: T[]): T[] }).toSpliced(at, del, ...items);
}

/**
 * The listpack arrays a new set starts with, shared by all of them: listpack arrays are never
 * changed in place (every edit makes new arrays, see spliced), so these save two allocations
 * per sorted set.
 */
const NO_MEMBERS: string[] = [];
const NO_SCORES: number[] = [];

/**
 * 1 when the pairs are strictly ascending by (score, member), -1 when strictly descending,
 * 0 otherwise (or when fewer than two: then 1).
 */
function pairOrder(members: readonly string[], scores: readonly number[]): number {
  const n = members.length;
  let asc = true;
  let desc = true;
  for (let i = 1; i < n && (asc || desc); i++) {
    const a = scores[i - 1]!;
    const b = scores[i]!;
    if (a < b) desc = false;
    else if (a > b) asc = false;
    else {
      const ma = members[i - 1]!;
      const mb = members[i]!;
      if (ma < mb) desc = false;
      else if (ma > mb) asc = false;
      else return 0;
    }
  }
  return asc ? 1 : desc ? -1 : 0;
}

/** Whether a member occurs twice (pairwise for a few, a Set beyond). */
function hasRepeats(members: readonly string[]): boolean {
  const n = members.length;
  if (n <= 16) {
    for (let i = 1; i < n; i++) {
      const m = members[i]!;
      for (let j = 0; j < i; j++) if (members[j] === m) return true;
    }
    return false;
  }
  return new Set(members).size !== n;
}

export class RZSet {
  get kind(): 'zset' {
    return 'zset';
  }

  // listpack encoding (null when skiplist)
  private lpMembers: string[] | null = NO_MEMBERS;
  private lpScores: number[] | null = NO_SCORES;
  // skiplist encoding (null when listpack)
  private zsl: ScoreTree | null = null;
  private dict: Dict<number> | null = null;
  /** The listpack's bytes as loaded, until first use (then lpMembers/lpScores hold them). */
  private packed: string | null = null;

  /**
   * The score the last zadd() settled on (Redis's *newscore): the new score after INCR. One
   * for all sets (it is read right after the call), not a field each set would carry.
   */
  static lastScore = 0;

  /** A new empty set; `skiplist` creates it in skiplist encoding (Redis's createZsetObject). */
  constructor(skiplist = false) {
    if (skiplist) this.becomeSkiplist(16);
  }

  get size(): number {
    if (this.packed !== null) return packedCount(this.packed) >> 1;
    return this.lpMembers !== null ? this.lpMembers.length : this.zsl!.length;
  }

  encoding(): 'listpack' | 'skiplist' {
    return this.lpMembers !== null || this.packed !== null ? 'listpack' : 'skiplist';
  }

  /** The bytes of a set loaded packed and not used since (the RDB writer's shortcut), else null. */
  packedListpack(): string | null {
    return this.packed;
  }

  /**
   * A listpack set of the (member, score) pairs in `packed` (a listpack's bytes as latin1,
   * which the caller validated: an even count known to its header, scores that are numbers,
   * members distinct and in ascending (score, member) order), decoded when first used.
   */
  static fromPacked(packed: string): RZSet {
    const z = new RZSet();
    z.lpMembers = null;
    z.lpScores = null;
    z.packed = packed;
    return z;
  }

  /** Decodes the packed listpack into the listpack arrays. */
  private unpack(): void {
    const [members, scores] = packedDecoder().pairs(this.packed!);
    // A listpack stores integral scores as integers: -0 is the integer 0.
    for (let i = 0; i < scores.length; i++) if (scores[i] === 0) scores[i] = 0;
    this.lpMembers = members;
    this.lpScores = scores;
    this.packed = null;
  }

  // ---- encoding conversion --------------------------------------------------------------

  private becomeSkiplist(capacity: number): void {
    const members = this.lpMembers;
    const scores = this.lpScores;
    const zsl = new ScoreTree(capacity);
    const dict = new Dict<number>();
    // Ascending inserts are appends: they fill the tree's leaves.
    if (members !== null) {
      for (let i = 0; i < members.length; i++) dict.set(members[i]!, zsl.insert(scores![i]!, members[i]!));
    }
    this.zsl = zsl;
    this.dict = dict;
    this.lpMembers = null;
    this.lpScores = null;
  }

  /** Converts to skiplist encoding (no-op when already skiplist). */
  toSkiplist(): void {
    if (this.packed !== null) this.unpack();
    if (this.lpMembers !== null) this.becomeSkiplist(Math.max(16, this.lpMembers.length * 2));
  }

  /**
   * Converts back to listpack when the set is small enough: at most zset-max-listpack-entries
   * elements and maxLen within zset-max-listpack-value (Redis's zsetConvertToListpackIfNeeded;
   * callers pass the longest member length they computed, which Redis sometimes leaves at 0).
   */
  shrinkIfSmall(maxLen: number): void {
    if (this.zsl === null) return;
    if (this.zsl.length > limits.zsetMaxListpackEntries || maxLen > limits.zsetMaxListpackValue) return;
    const members: string[] = [];
    const scores: number[] = [];
    const zsl = this.zsl;
    for (let x = zsl.first(); x !== NONE; x = zsl.next(x)) {
      members.push(zsl.memberAt(x));
      const s = zsl.lscore[x]!;
      scores.push(s === 0 ? 0 : s); // -0 is stored as the integer 0
    }
    // Copies at exact length (push leaves spare capacity).
    this.lpMembers = members.slice();
    this.lpScores = scores.slice();
    this.zsl = null;
    this.dict = null;
  }

  // ---- listpack helpers -----------------------------------------------------------------

  /** Index where (score, member) belongs in the listpack arrays. */
  private lpInsertPos(score: number, member: string): number {
    const scores = this.lpScores!;
    const members = this.lpMembers!;
    let lo = 0;
    let hi = scores.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = scores[mid]!;
      if (s < score || (s === score && members[mid]! < member)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private lpInsert(score: number, member: string): void {
    // A listpack stores integral scores as integers, so -0 comes back as 0 (Redis 7.0).
    if (score === 0) score = 0;
    const at = this.lpInsertPos(score, member);
    this.lpMembers = spliced(this.lpMembers!, at, 0, member);
    this.lpScores = spliced(this.lpScores!, at, 0, score);
  }

  /** Removes n entries from index i. */
  private lpDelete(i: number, n: number): void {
    this.lpMembers = spliced(this.lpMembers!, i, n);
    this.lpScores = spliced(this.lpScores!, i, n);
  }

  // ---- the persistence surface ----------------------------------------------------------

  /**
   * A sorted set of members[i] with scores[i] (no NaN), taking both arrays over: the RDB
   * loader's bulk path. A listpack when `listpack` (the caller applied Redis's loading rules),
   * else a skiplist. Pairs already in ascending order (a listpack as saved) or descending
   * order (a skiplist as saved, highest first) are taken as they are; any other order is
   * sorted. Null when a member repeats.
   */
  static fromPairs(members: string[], scores: number[], listpack: boolean): RZSet | null {
    const n = members.length;
    const z = new RZSet();
    const order = pairOrder(members, scores);
    if (listpack) {
      if (order < 0) {
        members.reverse();
        scores.reverse();
      }
      if (order !== 0) {
        for (let i = 0; i < n; i++) if (scores[i] === 0) scores[i] = 0; // -0 is stored as the integer 0
        if (hasRepeats(members)) return null;
        z.lpMembers = members;
        z.lpScores = scores;
        return z;
      }
      for (let i = 0; i < n; i++) if (!z.add(members[i]!, scores[i]!)) return null;
      return z;
    }
    z.becomeSkiplist(n + 1);
    const zsl = z.zsl!;
    const dict = z.dict!;
    // Inserting in ascending order appends, which fills the tree's leaves.
    const from = order < 0 ? n - 1 : 0;
    const step = order < 0 ? -1 : 1;
    for (let k = 0, i = from; k < n; k++, i += step) {
      const m = members[i]!;
      if (dict.get(m) !== undefined) return null;
      dict.set(m, zsl.insert(scores[i]!, m));
    }
    return z;
  }

  /** Adds a member or updates its score; returns true when it is new. */
  add(member: string, score: number): boolean {
    return (this.zadd(member, score, 0) & ZADD_ADDED) !== 0;
  }

  /** The member's score, or undefined when absent. */
  score(member: string): number | undefined {
    if (this.packed !== null) this.unpack();
    const members = this.lpMembers;
    if (members !== null) {
      const i = members.indexOf(member);
      return i < 0 ? undefined : this.lpScores![i];
    }
    const id = this.dict!.get(member);
    return id === undefined ? undefined : this.zsl!.score[id];
  }

  /** [member, score] pairs in ascending (score, member) order. */
  *entries(): IterableIterator<[string, number]> {
    if (this.packed !== null) this.unpack();
    const members = this.lpMembers;
    if (members !== null) {
      const scores = this.lpScores!;
      for (let i = 0; i < members.length; i++) yield [members[i]!, scores[i]!];
      return;
    }
    const zsl = this.zsl!;
    for (let x = zsl.first(); x !== NONE; x = zsl.next(x)) yield [zsl.memberAt(x), zsl.lscore[x]!];
  }

  /** An independent copy with the same encoding (COPY; Redis's zsetDup). */
  clone(): RZSet {
    const z = new RZSet();
    if (this.packed !== null) {
      // The bytes are immutable: both copies decode them when first used.
      z.lpMembers = null;
      z.lpScores = null;
      z.packed = this.packed;
      return z;
    }
    if (this.lpMembers !== null) {
      z.lpMembers = this.lpMembers.slice();
      z.lpScores = this.lpScores!.slice();
      return z;
    }
    const src = this.zsl!;
    z.becomeSkiplist(src.length + 1);
    const zsl = z.zsl!;
    const dict = z.dict!;
    // Inserting in ascending order appends, which fills the tree's leaves.
    for (let x = src.first(); x !== NONE; x = src.next(x)) {
      const m = src.memberAt(x);
      dict.set(m, zsl.insert(src.lscore[x]!, m));
    }
    return z;
  }

  // ---- point operations -----------------------------------------------------------------

  /**
   * Redis's zsetAdd: adds or updates one member under ZADD flags. Returns a mask of
   * ZADD_ADDED / ZADD_UPDATED / ZADD_NOP, or ZADD_NAN (nothing changed) when the score or
   * the incremented score is NaN. The resulting score is left in `RZSet.lastScore` when the
   * member was added or its score set.
   */
  zadd(member: string, score: number, flags: number): number {
    if (this.packed !== null) this.unpack();
    if (score !== score) return ZADD_NAN;
    const incr = (flags & ZADD_INCR) !== 0;
    const members = this.lpMembers;
    if (members !== null) {
      const i = members.indexOf(member);
      if (i >= 0) {
        if ((flags & ZADD_NX) !== 0) return ZADD_NOP;
        const cur = this.lpScores![i]!;
        if (incr) {
          score += cur;
          if (score !== score) return ZADD_NAN;
        }
        if (((flags & ZADD_LT) !== 0 && score >= cur) || ((flags & ZADD_GT) !== 0 && score <= cur)) return ZADD_NOP;
        RZSet.lastScore = score;
        if (score !== cur) {
          this.lpDelete(i, 1);
          this.lpInsert(score, member);
          return ZADD_UPDATED;
        }
        return 0;
      }
      if ((flags & ZADD_XX) !== 0) return ZADD_NOP;
      if (members.length + 1 > limits.zsetMaxListpackEntries || member.length > limits.zsetMaxListpackValue) {
        this.becomeSkiplist(members.length * 2 + 16);
      } else {
        this.lpInsert(score, member);
        RZSet.lastScore = score;
        return ZADD_ADDED;
      }
    }
    const dict = this.dict!;
    const zsl = this.zsl!;
    const id = dict.get(member);
    if (id !== undefined) {
      if ((flags & ZADD_NX) !== 0) return ZADD_NOP;
      const cur = zsl.score[id]!;
      if (incr) {
        score += cur;
        if (score !== score) return ZADD_NAN;
      }
      if (((flags & ZADD_LT) !== 0 && score >= cur) || ((flags & ZADD_GT) !== 0 && score <= cur)) return ZADD_NOP;
      RZSet.lastScore = score;
      if (score !== cur) {
        zsl.setScore(id, score);
        return ZADD_UPDATED;
      }
      return 0;
    }
    if ((flags & ZADD_XX) !== 0) return ZADD_NOP;
    dict.set(member, zsl.insert(score, member));
    RZSet.lastScore = score;
    return ZADD_ADDED;
  }

  /** Removes a member; returns whether it was there. */
  remove(member: string): boolean {
    if (this.packed !== null) this.unpack();
    const members = this.lpMembers;
    if (members !== null) {
      const i = members.indexOf(member);
      if (i < 0) return false;
      this.lpDelete(i, 1);
      return true;
    }
    const dict = this.dict!;
    const id = dict.get(member);
    if (id === undefined) return false;
    dict.delete(member);
    this.zsl!.remove(id);
    return true;
  }

  /** 0-based rank of the member (from the top when reverse), or -1 when absent. */
  rank(member: string, reverse = false): number {
    if (this.packed !== null) this.unpack();
    const n = this.size;
    const members = this.lpMembers;
    let r: number;
    if (members !== null) {
      r = members.indexOf(member);
      if (r < 0) return -1;
    } else {
      const id = this.dict!.get(member);
      if (id === undefined) return -1;
      r = this.zsl!.rank(id);
    }
    return reverse ? n - 1 - r : r;
  }

  // ---- cursors ----------------------------------------------------------------------------

  /** Cursor at a 0-based rank, or NONE when out of range. */
  seekRank(rank: number): number {
    if (this.packed !== null) this.unpack();
    if (rank < 0 || rank >= this.size) return NONE;
    if (this.lpMembers !== null) return rank;
    const zsl = this.zsl!;
    if (rank === 0) return zsl.first();
    if (rank === zsl.length - 1) return zsl.last();
    return zsl.byRank(rank);
  }

  /** The element after c in ascending order, or NONE. */
  next(c: number): number {
    if (this.lpMembers !== null) return c + 1 < this.lpMembers.length ? c + 1 : NONE;
    return this.zsl!.next(c);
  }

  /** The element before c in ascending order, or NONE. */
  prev(c: number): number {
    if (this.lpMembers !== null) return c - 1;
    return this.zsl!.prev(c);
  }

  memberAt(c: number): string {
    return this.lpMembers !== null ? this.lpMembers[c]! : this.zsl!.memberAt(c);
  }

  scoreAt(c: number): number {
    return this.lpScores !== null ? this.lpScores[c]! : this.zsl!.lscore[c]!;
  }

  /** First element whose score is in the range, or NONE. */
  firstInScore(r: ScoreRange): number {
    if (this.packed !== null) this.unpack();
    const scores = this.lpScores;
    if (scores !== null) {
      const n = scores.length;
      if (n === 0 || scoreRangeEmpty(r) || !scoreGteMin(scores[n - 1]!, r) || !scoreLteMax(scores[0]!, r)) return NONE;
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (scoreGteMin(scores[mid]!, r)) hi = mid;
        else lo = mid + 1;
      }
      return lo < n && scoreLteMax(scores[lo]!, r) ? lo : NONE;
    }
    return this.zsl!.firstInRange(r);
  }

  /** Last element whose score is in the range, or NONE. */
  lastInScore(r: ScoreRange): number {
    if (this.packed !== null) this.unpack();
    const scores = this.lpScores;
    if (scores !== null) {
      const n = scores.length;
      if (n === 0 || scoreRangeEmpty(r) || !scoreGteMin(scores[n - 1]!, r) || !scoreLteMax(scores[0]!, r)) return NONE;
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (scoreLteMax(scores[mid]!, r)) lo = mid + 1;
        else hi = mid;
      }
      const i = lo - 1;
      return i >= 0 && scoreGteMin(scores[i]!, r) ? i : NONE;
    }
    return this.zsl!.lastInRange(r);
  }

  /**
   * First element in the lex range, or NONE. Lex ranges assume equal scores; with mixed
   * scores the listpack answer follows Redis's linear scan (the first member ≥ min in
   * order, which must also be ≤ max) and the skiplist answer Redis's descent.
   */
  firstInLex(r: LexRange): number {
    if (this.packed !== null) this.unpack();
    const members = this.lpMembers;
    if (members !== null) {
      const n = members.length;
      if (n === 0 || lexRangeEmpty(r) || !lexGteMin(members[n - 1]!, r) || !lexLteMax(members[0]!, r)) return NONE;
      for (let i = 0; i < n; i++) {
        if (lexGteMin(members[i]!, r)) return lexLteMax(members[i]!, r) ? i : NONE;
      }
      return NONE;
    }
    return this.zsl!.firstInLexRange(r);
  }

  /** Last element in the lex range, or NONE (scanning back from the tail in listpack). */
  lastInLex(r: LexRange): number {
    if (this.packed !== null) this.unpack();
    const members = this.lpMembers;
    if (members !== null) {
      const n = members.length;
      if (n === 0 || lexRangeEmpty(r) || !lexGteMin(members[n - 1]!, r) || !lexLteMax(members[0]!, r)) return NONE;
      for (let i = n - 1; i >= 0; i--) {
        if (lexLteMax(members[i]!, r)) return lexGteMin(members[i]!, r) ? i : NONE;
      }
      return NONE;
    }
    return this.zsl!.lastInLexRange(r);
  }

  /** ZCOUNT: elements with score in the range. */
  countInScore(r: ScoreRange): number {
    if (this.packed !== null) this.unpack();
    if (this.lpScores !== null) {
      const first = this.firstInScore(r);
      if (first === NONE) return 0;
      let n = 0;
      for (let c = first; c !== NONE && scoreLteMax(this.lpScores[c]!, r); c = this.next(c)) n++;
      return n;
    }
    const zsl = this.zsl!;
    if (zsl.firstInRange(r) === NONE) return 0;
    const first = zsl.foundRank;
    zsl.lastInRange(r);
    return zsl.foundRank - first + 1;
  }

  /** ZLEXCOUNT: elements in the lex range. */
  countInLex(r: LexRange): number {
    if (this.packed !== null) this.unpack();
    const members = this.lpMembers;
    if (members !== null) {
      const first = this.firstInLex(r);
      if (first === NONE) return 0;
      let n = 0;
      for (let c = first; c !== NONE && lexLteMax(members[c]!, r); c = this.next(c)) n++;
      return n;
    }
    const zsl = this.zsl!;
    if (zsl.firstInLexRange(r) === NONE) return 0;
    const first = zsl.foundRank;
    zsl.lastInLexRange(r);
    return zsl.foundRank - first + 1;
  }

  // ---- range deletion ---------------------------------------------------------------------

  /** Deletes 0-based ranks start..end inclusive (already clamped); returns the count. */
  deleteRangeByRank(start: number, end: number): number {
    if (this.packed !== null) this.unpack();
    const n = end - start + 1;
    if (this.lpMembers !== null) this.lpDelete(start, n);
    else this.removeRun(start, n);
    return n;
  }

  deleteRangeByScore(r: ScoreRange): number {
    if (this.packed !== null) this.unpack();
    const scores = this.lpScores;
    if (scores !== null) {
      const first = this.firstInScore(r);
      if (first === NONE) return 0;
      let end = first;
      while (end < scores.length && scoreLteMax(scores[end]!, r)) end++;
      this.lpDelete(first, end - first);
      return end - first;
    }
    const zsl = this.zsl!;
    if (zsl.firstInRange(r) === NONE) return 0;
    const from = zsl.foundRank;
    zsl.lastInRange(r);
    return this.removeRun(from, zsl.foundRank - from + 1);
  }

  deleteRangeByLex(r: LexRange): number {
    if (this.packed !== null) this.unpack();
    const members = this.lpMembers;
    if (members !== null) {
      const first = this.firstInLex(r);
      if (first === NONE) return 0;
      let end = first;
      while (end < members.length && lexLteMax(members[end]!, r)) end++;
      this.lpDelete(first, end - first);
      return end - first;
    }
    const zsl = this.zsl!;
    if (zsl.firstInLexRange(r) === NONE) return 0;
    const from = zsl.foundRank;
    zsl.lastInLexRange(r);
    return this.removeRun(from, zsl.foundRank - from + 1);
  }

  /**
   * Removes the n elements from 0-based rank `from` on (skiplist encoding): the tree drops
   * the run in O(log N + n) and names each removed member, which the Dict forgets (O(n), as
   * Redis frees each node and dict entry).
   */
  private removeRun(from: number, n: number): number {
    const dict = this.dict!;
    this.zsl!.removeRange(from, n, (_id, member) => dict.delete(member));
    return n;
  }

  // ---- sampling and scanning --------------------------------------------------------------

  /** A uniformly chosen element's cursor (the set must not be empty). */
  randomCursor(): number {
    return this.seekRank(Math.floor(Math.random() * this.size));
  }

  /**
   * ZSCAN step: a listpack set is returned whole with cursor 0 (as Redis does); a skiplist
   * set is walked through its Dict. visit gets each member and score.
   */
  scan(cursor: number, count: number, visit: (member: string, score: number) => void): number {
    if (this.packed !== null) this.unpack();
    const members = this.lpMembers;
    if (members !== null) {
      const scores = this.lpScores!;
      for (let i = 0; i < members.length; i++) visit(members[i]!, scores[i]!);
      return 0;
    }
    const sc = this.zsl!.score;
    return this.dict!.scan(cursor, count, (m, id) => visit(m, sc[id]!));
  }

  /** Debug/test self-check of the internal invariants; throws on a violation. */
  check(): void {
    if (this.packed !== null) this.unpack();
    const members = this.lpMembers;
    if (members !== null) {
      const scores = this.lpScores!;
      if (scores.length !== members.length) throw new Error('listpack columns differ');
      for (let i = 1; i < members.length; i++) {
        const a = scores[i - 1]!;
        const b = scores[i]!;
        if (a > b || (a === b && members[i - 1]! >= members[i]!)) throw new Error('listpack order violated');
      }
      return;
    }
    const zsl = this.zsl!;
    zsl.check();
    if (this.dict!.size !== zsl.length) throw new Error('dict and skiplist sizes differ');
    for (let x = zsl.first(); x !== NONE; x = zsl.next(x)) {
      if (this.dict!.get(zsl.memberAt(x)) !== zsl.lid[x]) throw new Error('dict entry does not point at its member id');
    }
  }
}
