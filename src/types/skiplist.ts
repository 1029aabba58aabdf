/**
 * SkipList: the ordered half of a large sorted set (Redis's zskiplist), plus the range
 * specifications (score and lex) that every sorted-set range operation shares.
 *
 * Contract:
 * - Elements are ordered by score, then by member bytewise (members are latin1 strings,
 *   so JS string comparison is byte comparison). A (score, member) pair appears once; the
 *   caller (RZSet) keeps the member → node map and never inserts a member twice.
 * - Every level link carries a span (how many level-0 steps it jumps), so rank lookups,
 *   rank ranges and positioning by score or lex are O(log N), as in Redis.
 * - Nodes are identified by small integers (ids). Id 0 is the header; 0 as a link means
 *   "none". An id stays valid until its node is deleted; updateScore may move a member to
 *   a new id and returns it.
 *
 * Memory layout (why): a node per JS object with a level array costs well over 100 bytes.
 * Here nodes live in parallel typed arrays (score, backward link, level-0 link, height,
 * offset of the upper levels) plus one array of member strings; the links and spans of
 * levels above 0 sit in a shared Int32Array pool, in blocks recycled per height. The
 * level-0 span is not stored: it is 1 when the level-0 link exists and 0 otherwise, which
 * is what Redis's spans are there. A node costs about 32 bytes plus its member string.
 *
 * Level choice follows Redis (p = 1/4, at most 32 levels), so the expected shape and
 * costs match.
 *
 * Pure data structure: no client, no reply.
 */

export const MAX_LEVEL = 32;
const P = 0.25;

/** A score interval: min/max with exclusive flags (Redis's zrangespec). */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/**
 * A lex bound: a member string, or one of the two infinities Redis writes as "-" and "+".
 * kind: -1 is "-" (below everything), 1 is "+" (above everything), 0 a string.
 */
export interface LexRange {
  min: string;
  minKind: -1 | 0 | 1;
  minex: boolean;
  max: string;
  maxKind: -1 | 0 | 1;
  maxex: boolean;
}

export function scoreGteMin(value: number, r: ScoreRange): boolean {
  return r.minex ? value > r.min : value >= r.min;
}

export function scoreLteMax(value: number, r: ScoreRange): boolean {
  return r.maxex ? value < r.max : value <= r.max;
}

/** Whether the interval can hold anything at all (Redis's first check of zslIsInRange). */
export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

/** Compares a member with a lex bound (Redis's sdscmplex with a plain string first). */
function cmpLexBound(value: string, bound: string, kind: number): number {
  if (kind === 1) return -1;
  if (kind === -1) return 1;
  return value < bound ? -1 : value > bound ? 1 : 0;
}

export function lexGteMin(value: string, r: LexRange): boolean {
  const c = cmpLexBound(value, r.min, r.minKind);
  return r.minex ? c > 0 : c >= 0;
}

export function lexLteMax(value: string, r: LexRange): boolean {
  const c = cmpLexBound(value, r.max, r.maxKind);
  return r.maxex ? c < 0 : c <= 0;
}

/**
 * Whether the lex interval is empty by its bounds alone. Two identical infinities compare
 * equal (Redis compares the shared objects by pointer), so "- -" with the implicit
 * exclusive flag of the infinities is empty.
 */
export function lexRangeEmpty(r: LexRange): boolean {
  let c: number;
  if (r.minKind !== 0 && r.minKind === r.maxKind) c = 0;
  else if (r.minKind === -1 || r.maxKind === 1) c = -1;
  else if (r.minKind === 1 || r.maxKind === -1) c = 1;
  else c = r.min < r.max ? -1 : r.min > r.max ? 1 : 0;
  return c > 0 || (c === 0 && (r.minex || r.maxex));
}

function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < P) level++;
  return level;
}

export class SkipList {
  /** Number of elements. */
  length = 0;
  /** Highest level in use (at least 1). */
  level = 1;
  /** Last node, or 0 when empty. */
  tail = 0;

  /** Per-node columns, indexed by node id. */
  score: Float64Array;
  member: (string | undefined)[] = [];
  back: Int32Array;
  fwd0: Int32Array;
  height: Uint8Array;
  /** Offset in `pool` of the node's levels 1..height-1, as (forward, span) pairs. */
  up: Int32Array;

  /** Links and spans of the levels above 0. */
  pool: Int32Array;
  private poolTop: number;
  /** Free pool blocks, one chain per node height (the next block's offset in slot 0). */
  private freeBlocks = new Int32Array(MAX_LEVEL + 1).fill(-1);
  /** Ids of deleted nodes, reused first. */
  private freeIds: number[] = [];
  private nextId = 1;

  /** Scratch vectors for insert/delete (Redis's update[] and rank[]). */
  private readonly update = new Int32Array(MAX_LEVEL);
  private readonly rank = new Float64Array(MAX_LEVEL);

  constructor(capacity = 16) {
    const cap = Math.max(2, capacity + 1);
    this.score = new Float64Array(cap);
    this.back = new Int32Array(cap);
    this.fwd0 = new Int32Array(cap);
    this.height = new Uint8Array(cap);
    this.up = new Int32Array(cap);
    // The header owns the first block: every level above 0.
    this.pool = new Int32Array(Math.max(64, (MAX_LEVEL - 1) * 2 + capacity));
    this.poolTop = (MAX_LEVEL - 1) * 2;
    this.height[0] = MAX_LEVEL;
    this.up[0] = 0;
    this.member[0] = undefined;
  }

  // ---- node storage -------------------------------------------------------------------

  private grow(): void {
    const cap = this.score.length;
    const next = cap + (cap >> 1) + 16;
    const score = new Float64Array(next);
    score.set(this.score);
    this.score = score;
    const back = new Int32Array(next);
    back.set(this.back);
    this.back = back;
    const fwd0 = new Int32Array(next);
    fwd0.set(this.fwd0);
    this.fwd0 = fwd0;
    const height = new Uint8Array(next);
    height.set(this.height);
    this.height = height;
    const up = new Int32Array(next);
    up.set(this.up);
    this.up = up;
  }

  private allocBlock(h: number): number {
    const head = this.freeBlocks[h]!;
    if (head !== -1) {
      this.freeBlocks[h] = this.pool[head]!;
      return head;
    }
    const size = 2 * (h - 1);
    if (this.poolTop + size > this.pool.length) {
      const pool = new Int32Array(this.pool.length + (this.pool.length >> 1) + size + 64);
      pool.set(this.pool);
      this.pool = pool;
    }
    const at = this.poolTop;
    this.poolTop += size;
    return at;
  }

  private newNode(h: number, score: number, member: string): number {
    let id: number;
    if (this.freeIds.length > 0) id = this.freeIds.pop()!;
    else {
      id = this.nextId++;
      if (id >= this.score.length) this.grow();
    }
    this.score[id] = score;
    this.member[id] = member;
    this.height[id] = h;
    this.fwd0[id] = 0;
    this.back[id] = 0;
    if (h > 1) {
      const b = this.allocBlock(h);
      this.up[id] = b;
      this.pool.fill(0, b, b + 2 * (h - 1));
    }
    return id;
  }

  private freeNode(id: number): void {
    const h = this.height[id]!;
    if (h > 1) {
      const b = this.up[id]!;
      this.pool[b] = this.freeBlocks[h]!;
      this.freeBlocks[h] = b;
    }
    this.member[id] = undefined;
    this.freeIds.push(id);
  }

  /** Forward link of node x at level i. */
  forward(x: number, i: number): number {
    return i === 0 ? this.fwd0[x]! : this.pool[this.up[x]! + 2 * i - 2]!;
  }

  /** Span of node x's link at level i. */
  span(x: number, i: number): number {
    return i === 0 ? (this.fwd0[x] !== 0 ? 1 : 0) : this.pool[this.up[x]! + 2 * i - 1]!;
  }

  private setForward(x: number, i: number, to: number): void {
    if (i === 0) this.fwd0[x] = to;
    else this.pool[this.up[x]! + 2 * i - 2] = to;
  }

  private setSpan(x: number, i: number, span: number): void {
    if (i !== 0) this.pool[this.up[x]! + 2 * i - 1] = span;
  }

  /** First node, or 0 when empty. */
  get first(): number {
    return this.fwd0[0]!;
  }

  // ---- insert / delete ----------------------------------------------------------------

  /**
   * Inserts (score, member), which must not be present; returns the new node's id.
   * (Redis's zslInsert.)
   */
  insert(score: number, member: string): number {
    const update = this.update;
    const rank = this.rank;
    const sc = this.score;
    const mem = this.member;
    const pool = this.pool;
    const up = this.up;
    const fwd0 = this.fwd0;
    let x = 0;
    let r = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      if (i > 0) {
        for (;;) {
          const at = up[x]! + 2 * i - 2;
          const f = pool[at]!;
          if (f === 0) break;
          const fs = sc[f]!;
          if (fs < score || (fs === score && mem[f]! < member)) {
            r += pool[at + 1]!;
            x = f;
          } else break;
        }
      } else {
        for (;;) {
          const f = fwd0[x]!;
          if (f === 0) break;
          const fs = sc[f]!;
          if (fs < score || (fs === score && mem[f]! < member)) {
            r++;
            x = f;
          } else break;
        }
      }
      rank[i] = r;
      update[i] = x;
    }
    const level = randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = 0;
        this.setSpan(0, i, this.length);
      }
      this.level = level;
    }
    const n = this.newNode(level, score, member);
    for (let i = 0; i < level; i++) {
      const u = update[i]!;
      this.setForward(n, i, this.forward(u, i));
      this.setForward(u, i, n);
      if (i > 0) {
        const d = rank[0]! - rank[i]!;
        this.setSpan(n, i, this.span(u, i) - d);
        this.setSpan(u, i, d + 1);
      }
    }
    for (let i = level; i < this.level; i++) {
      const u = update[i]!;
      this.setSpan(u, i, this.span(u, i) + 1);
    }
    this.back[n] = update[0]!;
    const next = this.fwd0[n]!;
    if (next !== 0) this.back[next] = n;
    else this.tail = n;
    this.length++;
    return n;
  }

  /** Unlinks node x given the update vector (Redis's zslDeleteNode); does not free it. */
  private unlink(x: number): void {
    const update = this.update;
    for (let i = 0; i < this.level; i++) {
      const u = update[i]!;
      if (this.forward(u, i) === x) {
        if (i > 0) this.setSpan(u, i, this.span(u, i) + this.span(x, i) - 1);
        this.setForward(u, i, this.forward(x, i));
      } else if (i > 0) {
        this.setSpan(u, i, this.span(u, i) - 1);
      }
    }
    const next = this.fwd0[x]!;
    if (next !== 0) this.back[next] = this.back[x]!;
    else this.tail = this.back[x]!;
    while (this.level > 1 && this.forward(0, this.level - 1) === 0) this.level--;
    this.length--;
  }

  /** Fills `update` with the last node before (score, member) on every level. */
  private findUpdate(score: number, member: string): void {
    const update = this.update;
    const sc = this.score;
    const mem = this.member;
    const pool = this.pool;
    const up = this.up;
    const fwd0 = this.fwd0;
    let x = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const f = i > 0 ? pool[up[x]! + 2 * i - 2]! : fwd0[x]!;
        if (f === 0) break;
        const fs = sc[f]!;
        if (fs < score || (fs === score && mem[f]! < member)) x = f;
        else break;
      }
      update[i] = x;
    }
  }

  /** Deletes (score, member); returns whether it was there. */
  delete(score: number, member: string): boolean {
    this.findUpdate(score, member);
    const x = this.fwd0[this.update[0]!]!;
    if (x !== 0 && this.score[x] === score && this.member[x] === member) {
      this.unlink(x);
      this.freeNode(x);
      return true;
    }
    return false;
  }

  /**
   * Changes the score of (curScore, member), which must be present; returns the member's
   * node id afterwards (the same id when it stays in place, as Redis's zslUpdateScore).
   */
  updateScore(curScore: number, member: string, newScore: number): number {
    this.findUpdate(curScore, member);
    const x = this.fwd0[this.update[0]!]!;
    const b = this.back[x]!;
    const f = this.fwd0[x]!;
    if ((b === 0 || this.score[b]! < newScore) && (f === 0 || this.score[f]! > newScore)) {
      this.score[x] = newScore;
      return x;
    }
    this.unlink(x);
    this.freeNode(x);
    return this.insert(newScore, member);
  }

  // ---- rank ---------------------------------------------------------------------------

  /** 1-based rank of (score, member), or 0 when absent (Redis's zslGetRank). */
  getRank(score: number, member: string): number {
    const sc = this.score;
    const mem = this.member;
    const pool = this.pool;
    const up = this.up;
    const fwd0 = this.fwd0;
    let x = 0;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      if (i > 0) {
        for (;;) {
          const at = up[x]! + 2 * i - 2;
          const f = pool[at]!;
          if (f === 0) break;
          const fs = sc[f]!;
          if (fs < score || (fs === score && mem[f]! <= member)) {
            rank += pool[at + 1]!;
            x = f;
          } else break;
        }
      } else {
        for (;;) {
          const f = fwd0[x]!;
          if (f === 0) break;
          const fs = sc[f]!;
          if (fs < score || (fs === score && mem[f]! <= member)) {
            rank++;
            x = f;
          } else break;
        }
      }
      if (x !== 0 && sc[x] === score && mem[x] === member) return rank;
    }
    return 0;
  }

  /** Node at a 1-based rank, or 0 when out of range (Redis's zslGetElementByRank). */
  byRank(rank: number): number {
    const pool = this.pool;
    const up = this.up;
    const fwd0 = this.fwd0;
    let x = 0;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      if (i > 0) {
        for (;;) {
          const at = up[x]! + 2 * i - 2;
          const f = pool[at]!;
          if (f === 0) break;
          const s = pool[at + 1]!;
          if (traversed + s <= rank) {
            traversed += s;
            x = f;
          } else break;
        }
      } else {
        while (traversed < rank) {
          const f = fwd0[x]!;
          if (f === 0) break;
          traversed++;
          x = f;
        }
      }
      if (traversed === rank) return x;
    }
    return 0;
  }

  // ---- score ranges -------------------------------------------------------------------

  /** Whether some element may fall in the range (Redis's zslIsInRange). */
  isInRange(r: ScoreRange): boolean {
    if (scoreRangeEmpty(r)) return false;
    const t = this.tail;
    if (t === 0 || !scoreGteMin(this.score[t]!, r)) return false;
    const f = this.fwd0[0]!;
    if (f === 0 || !scoreLteMax(this.score[f]!, r)) return false;
    return true;
  }

  /** First node in the range and its 1-based rank, or node 0. */
  firstInRange(r: ScoreRange): number {
    if (!this.isInRange(r)) return 0;
    const sc = this.score;
    let x = 0;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const f = this.forward(x, i);
        if (f === 0 || scoreGteMin(sc[f]!, r)) break;
        rank += this.span(x, i);
        x = f;
      }
    }
    x = this.fwd0[x]!;
    this.foundRank = rank + 1;
    if (x === 0 || !scoreLteMax(sc[x]!, r)) return 0;
    return x;
  }

  /** Last node in the range, or node 0. Sets foundRank to its 1-based rank. */
  lastInRange(r: ScoreRange): number {
    if (!this.isInRange(r)) return 0;
    const sc = this.score;
    let x = 0;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const f = this.forward(x, i);
        if (f === 0 || !scoreLteMax(sc[f]!, r)) break;
        rank += this.span(x, i);
        x = f;
      }
    }
    this.foundRank = rank;
    if (x === 0 || !scoreGteMin(sc[x]!, r)) return 0;
    return x;
  }

  /** The 1-based rank of the node the last first/last-in-range search returned. */
  foundRank = 0;

  // ---- lex ranges ---------------------------------------------------------------------

  isInLexRange(r: LexRange): boolean {
    if (lexRangeEmpty(r)) return false;
    const t = this.tail;
    if (t === 0 || !lexGteMin(this.member[t]!, r)) return false;
    const f = this.fwd0[0]!;
    if (f === 0 || !lexLteMax(this.member[f]!, r)) return false;
    return true;
  }

  firstInLexRange(r: LexRange): number {
    if (!this.isInLexRange(r)) return 0;
    const mem = this.member;
    let x = 0;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const f = this.forward(x, i);
        if (f === 0 || lexGteMin(mem[f]!, r)) break;
        rank += this.span(x, i);
        x = f;
      }
    }
    x = this.fwd0[x]!;
    this.foundRank = rank + 1;
    if (x === 0 || !lexLteMax(mem[x]!, r)) return 0;
    return x;
  }

  lastInLexRange(r: LexRange): number {
    if (!this.isInLexRange(r)) return 0;
    const mem = this.member;
    let x = 0;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const f = this.forward(x, i);
        if (f === 0 || !lexLteMax(mem[f]!, r)) break;
        rank += this.span(x, i);
        x = f;
      }
    }
    this.foundRank = rank;
    if (x === 0 || !lexGteMin(mem[x]!, r)) return 0;
    return x;
  }

  // ---- range deletion -----------------------------------------------------------------

  /**
   * Deletes every element with score in the range; calls onDelete(member) for each.
   * Returns how many were deleted (Redis's zslDeleteRangeByScore).
   */
  deleteRangeByScore(r: ScoreRange, onDelete: (member: string) => void): number {
    const update = this.update;
    const sc = this.score;
    let x = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const f = this.forward(x, i);
        if (f === 0 || scoreGteMin(sc[f]!, r)) break;
        x = f;
      }
      update[i] = x;
    }
    x = this.fwd0[x]!;
    let removed = 0;
    while (x !== 0 && scoreLteMax(sc[x]!, r)) {
      const next = this.fwd0[x]!;
      this.unlink(x);
      onDelete(this.member[x]!);
      this.freeNode(x);
      removed++;
      x = next;
    }
    return removed;
  }

  deleteRangeByLex(r: LexRange, onDelete: (member: string) => void): number {
    const update = this.update;
    const mem = this.member;
    let x = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const f = this.forward(x, i);
        if (f === 0 || lexGteMin(mem[f]!, r)) break;
        x = f;
      }
      update[i] = x;
    }
    x = this.fwd0[x]!;
    let removed = 0;
    while (x !== 0 && lexLteMax(mem[x]!, r)) {
      const next = this.fwd0[x]!;
      this.unlink(x);
      onDelete(mem[x]!);
      this.freeNode(x);
      removed++;
      x = next;
    }
    return removed;
  }

  /** Deletes 1-based ranks start..end inclusive (Redis's zslDeleteRangeByRank). */
  deleteRangeByRank(start: number, end: number, onDelete: (member: string) => void): number {
    const update = this.update;
    let x = 0;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const f = this.forward(x, i);
        if (f === 0) break;
        const s = this.span(x, i);
        if (traversed + s < start) {
          traversed += s;
          x = f;
        } else break;
      }
      update[i] = x;
    }
    traversed++;
    x = this.fwd0[x]!;
    let removed = 0;
    while (x !== 0 && traversed <= end) {
      const next = this.fwd0[x]!;
      this.unlink(x);
      onDelete(this.member[x]!);
      this.freeNode(x);
      removed++;
      traversed++;
      x = next;
    }
    return removed;
  }

  /** Self-check of links, spans, order and back links (tests and DEBUG only). O(N·levels). */
  check(): void {
    let count = 0;
    let prev = 0;
    for (let x = this.fwd0[0]!; x !== 0; x = this.fwd0[x]!) {
      if (this.back[x] !== prev) throw new Error(`bad back link at ${x}`);
      if (prev !== 0) {
        const ps = this.score[prev]!;
        const s = this.score[x]!;
        if (ps > s || (ps === s && this.member[prev]! >= this.member[x]!)) throw new Error('order violated');
      }
      prev = x;
      count++;
    }
    if (this.tail !== prev) throw new Error('bad tail');
    if (count !== this.length) throw new Error('bad length');
    // Spans: at each level, walking the links must add up to the level-0 positions.
    const pos = new Map<number, number>();
    let p = 0;
    for (let x = this.fwd0[0]!; x !== 0; x = this.fwd0[x]!) pos.set(x, ++p);
    for (let i = 1; i < this.level; i++) {
      let x = 0;
      let at = 0;
      for (;;) {
        const f = this.forward(x, i);
        if (f === 0) break;
        at += this.span(x, i);
        if (pos.get(f) !== at) throw new Error(`bad span at level ${i}`);
        x = f;
      }
    }
  }
}
