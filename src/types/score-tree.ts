/**
 * ScoreTree: the ordered half of a large sorted set (what Redis keeps in a zskiplist), plus
 * the range specifications (score and lex) that every sorted-set range operation shares.
 *
 * Contract:
 * - Elements are ordered by score, then by member bytewise (members are latin1 strings, so JS
 *   string comparison is byte comparison). A member appears once; the caller (RZSet) keeps the
 *   member → member-id map and never inserts a member twice.
 * - Each member has a stable member id (`insert` returns it, `remove` frees it): its score is
 *   `score[id]` and its string `member[id]`, so ZSCORE and a score change need no search.
 * - Positions (cursors) are slot numbers: leaf id × cap + index in the leaf. NIL (-1) is "no
 *   element". A slot is valid until the next change to the tree.
 * - Rank lookups, positioning by rank, score or lex, inserts and deletes are O(log N), as in
 *   Redis; ranks here are 0-based.
 * - Removing a run of M consecutive elements is O(log N + M) (`removeRange`), as Redis's
 *   range deletions are.
 *
 * Why a B+tree and not Redis's skiplist: a skiplist descent at 100k elements visits ~35 nodes
 * scattered over memory, and in a typed-array layout each visit costs 2–3 dependent cache
 * misses (measured: one descent ~0.9 µs at 100k members, ~9 µs at 1M). Here the elements live
 * in leaves of `cap` consecutive slots (scores in one Float64Array, member ids in one
 * Int32Array), under a few levels of internal nodes that hold, per child, a separator key and
 * the number of elements below it (the spans' role: ranks). The internal levels of a 100k set
 * are ~40 nodes and stay cached, so a descent costs about one leaf's worth of misses.
 *
 * Invariants (checked by `check`):
 * - Leaves are linked in order (lnext/lprev) and none is empty, except a lone root leaf of an
 *   empty tree. Every leaf sits at the same depth.
 * - In an internal node, the separator of child j (j ≥ 1) is ≤ every element under child j
 *   and > every element under child j-1; child 0's separator is not used. Separators keep
 *   their member string (a deleted member's string may stay referenced there).
 * - `size` of a child is the number of elements under it.
 * - A leaf that falls below cap/4 after a delete merges with a neighbour under the same
 *   parent when both fit in one leaf; internal nodes do the same with their children, and a
 *   root with one child is replaced by that child. An insert into a full leaf splits it in
 *   halves, except an append after the last element, which starts a new leaf (so elements
 *   added in ascending order, as the RDB loader and clone do, fill leaves completely).
 * - A range removal (`removeRange`) drops whole subtrees and repairs only the two boundary
 *   paths: afterwards no node it touched is below a quarter full, unless it is the root (or
 *   the last leaf, which an append may have started with one element).
 *
 * Pure data structure: no client, no reply.
 */

/** No element / no node. */
export const NIL = -1;

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

/** A predicate over elements that is false, then true, along the order (for `seek`). */
type Edge = (score: number, member: string) => boolean;

/** A copy of a typed array with room for n elements (growth of the node and leaf columns). */
function grown<A extends Float64Array | Int32Array>(a: A, n: number): A {
  const b = new (a.constructor as new (length: number) => A)(n);
  b.set(a);
  return b;
}

export class ScoreTree {
  /** Slots per leaf and children per internal node (a power of two, at least 4). */
  readonly cap: number;
  private readonly shift: number;
  /** Number of elements. */
  length = 0;

  // ---- members, by member id ----------------------------------------------------------
  score: Float64Array;
  member: (string | undefined)[] = [];
  private freeIds: number[] = [];
  private nextId = 0;

  // ---- leaves: slots leaf*cap .. leaf*cap+cap-1 ---------------------------------------
  lscore: Float64Array;
  lid: Int32Array;
  private lcount: Int32Array;
  private lnext: Int32Array;
  private lprev: Int32Array;
  private leafTop = 0;
  private freeLeaves: number[] = [];
  private head = 0;
  private tail = 0;

  // ---- internal nodes: entries node*cap .. node*cap+cap-1 -----------------------------
  private kscore: Float64Array;
  private kmember: (string | undefined)[] = [];
  private kchild: Int32Array;
  private ksize: Int32Array;
  private kcount: Int32Array;
  private nodeTop = 0;
  private freeNodes: number[] = [];

  /** The root: a leaf when depth is 0, else an internal node. */
  private root = 0;
  /** Levels of internal nodes above the leaves. */
  private depth = 0;
  /** The last descent: node and child index per level (Redis's update[] vector). */
  private pathNode = new Int32Array(8);
  private pathIdx = new Int32Array(8);

  /** The 0-based rank of the element the last seek found (length when none). */
  foundRank = 0;

  constructor(capacity = 16, shift = 6) {
    this.shift = shift;
    this.cap = 1 << shift;
    const ids = Math.max(4, capacity);
    this.score = new Float64Array(ids);
    const leaves = Math.max(2, Math.ceil(capacity / this.cap) + 1);
    this.lscore = new Float64Array(leaves << shift);
    this.lid = new Int32Array(leaves << shift);
    this.lcount = new Int32Array(leaves);
    this.lnext = new Int32Array(leaves);
    this.lprev = new Int32Array(leaves);
    const nodes = 2;
    this.kscore = new Float64Array(nodes << shift);
    this.kchild = new Int32Array(nodes << shift);
    this.ksize = new Int32Array(nodes << shift);
    this.kcount = new Int32Array(nodes);
    this.reset();
  }

  /** Back to one empty root leaf (the member ids and the storage stay allocated). */
  private reset(): void {
    this.leafTop = 0;
    this.freeLeaves.length = 0;
    this.nodeTop = 0;
    this.freeNodes.length = 0;
    this.kmember.length = 0;
    this.depth = 0;
    const leaf = this.newLeaf();
    this.root = leaf;
    this.head = leaf;
    this.tail = leaf;
  }

  // ---- storage --------------------------------------------------------------------------

  private newId(score: number, member: string): number {
    let id: number;
    if (this.freeIds.length > 0) id = this.freeIds.pop()!;
    else {
      id = this.nextId++;
      if (id >= this.score.length) {
        const next = new Float64Array(id + (id >> 1) + 16);
        next.set(this.score);
        this.score = next;
      }
    }
    this.score[id] = score;
    this.member[id] = member;
    return id;
  }

  private newLeaf(): number {
    let leaf: number;
    if (this.freeLeaves.length > 0) leaf = this.freeLeaves.pop()!;
    else {
      leaf = this.leafTop++;
      if (leaf >= this.lcount.length) {
        const n = leaf + (leaf >> 1) + 4;
        this.lscore = grown(this.lscore, n << this.shift);
        this.lid = grown(this.lid, n << this.shift);
        this.lcount = grown(this.lcount, n);
        this.lnext = grown(this.lnext, n);
        this.lprev = grown(this.lprev, n);
      }
    }
    this.lcount[leaf] = 0;
    this.lnext[leaf] = NIL;
    this.lprev[leaf] = NIL;
    return leaf;
  }

  /** Takes a leaf out of the leaf chain and frees it. */
  private dropLeaf(leaf: number): void {
    const p = this.lprev[leaf]!;
    const n = this.lnext[leaf]!;
    if (p !== NIL) this.lnext[p] = n;
    else this.head = n;
    if (n !== NIL) this.lprev[n] = p;
    else this.tail = p;
    this.freeLeaves.push(leaf);
  }

  private newNode(): number {
    let node: number;
    if (this.freeNodes.length > 0) node = this.freeNodes.pop()!;
    else {
      node = this.nodeTop++;
      if (node >= this.kcount.length) {
        const n = node + (node >> 1) + 4;
        this.kscore = grown(this.kscore, n << this.shift);
        this.kchild = grown(this.kchild, n << this.shift);
        this.ksize = grown(this.ksize, n << this.shift);
        this.kcount = grown(this.kcount, n);
      }
    }
    this.kcount[node] = 0;
    return node;
  }

  private dropNode(node: number): void {
    const b = node << this.shift;
    this.kmember.fill(undefined, b, b + this.kcount[node]!);
    this.freeNodes.push(node);
  }

  // ---- descent --------------------------------------------------------------------------

  /** The child of internal node n whose subtree holds the place of (score, member). */
  private childFor(n: number, score: number, member: string): number {
    const b = n << this.shift;
    const ks = this.kscore;
    let lo = 1;
    let hi = this.kcount[n]!;
    while (lo < hi) {
      const h = (lo + hi) >>> 1;
      const s = ks[b + h]!;
      if (s < score || (s === score && this.kmember[b + h]! <= member)) lo = h + 1;
      else hi = h;
    }
    return lo - 1;
  }

  /** Descends to the leaf for (score, member), recording the path; returns the leaf. */
  private descend(score: number, member: string): number {
    let n = this.root;
    const shift = this.shift;
    for (let d = 0; d < this.depth; d++) {
      const c = this.childFor(n, score, member);
      this.pathNode[d] = n;
      this.pathIdx[d] = c;
      n = this.kchild[(n << shift) + c]!;
    }
    return n;
  }

  /** Index of the first element ≥ (score, member) in a leaf. */
  private lowerBound(leaf: number, score: number, member: string): number {
    const b = leaf << this.shift;
    const ls = this.lscore;
    let lo = 0;
    let hi = this.lcount[leaf]!;
    while (lo < hi) {
      const h = (lo + hi) >>> 1;
      const s = ls[b + h]!;
      if (s < score || (s === score && this.member[this.lid[b + h]!]! < member)) lo = h + 1;
      else hi = h;
    }
    return lo;
  }

  /** Adds delta to the sizes along the recorded path. */
  private adjustPath(delta: number): void {
    const shift = this.shift;
    for (let d = 0; d < this.depth; d++) this.ksize[(this.pathNode[d]! << shift) + this.pathIdx[d]!] += delta;
  }

  // ---- insert ---------------------------------------------------------------------------

  /** Inserts (score, member), which must not be present; returns its member id. */
  insert(score: number, member: string): number {
    const id = this.newId(score, member);
    this.place(score, member, id);
    return id;
  }

  private place(score: number, member: string, id: number): void {
    const leaf = this.descend(score, member);
    this.adjustPath(1);
    const pos = this.lowerBound(leaf, score, member);
    const count = this.lcount[leaf]!;
    this.length++;
    if (count < this.cap) {
      const b = leaf << this.shift;
      const ls = this.lscore;
      const li = this.lid;
      for (let k = b + count; k > b + pos; k--) {
        ls[k] = ls[k - 1]!;
        li[k] = li[k - 1]!;
      }
      ls[b + pos] = score;
      li[b + pos] = id;
      this.lcount[leaf] = count + 1;
      return;
    }
    if (!this.spill(leaf, pos, score, id)) this.splitLeaf(leaf, pos, score, id);
  }

  /**
   * Inserts into a full leaf by first moving some of its elements to a neighbour under the
   * same parent that has room (as a B*-tree does): splits wait until the neighbours are full
   * too, which keeps leaves ~80% full under random updates instead of ~50%. Returns false
   * when no neighbour has room (or when appending after the last element, which splits).
   */
  private spill(leaf: number, pos: number, score: number, id: number): boolean {
    if (this.depth === 0) return false;
    const cap = this.cap;
    if (pos === cap && this.lnext[leaf] === NIL) return false;
    const shift = this.shift;
    const parent = this.pathNode[this.depth - 1]!;
    const c = this.pathIdx[this.depth - 1]!;
    const pb = parent << shift;
    const left = c > 0 ? this.kchild[pb + c - 1]! : NIL;
    const right = c + 1 < this.kcount[parent]! ? this.kchild[pb + c + 1]! : NIL;
    const lc = left === NIL ? cap : this.lcount[left]!;
    const rc = right === NIL ? cap : this.lcount[right]!;
    const ls = this.lscore;
    const li = this.lid;
    const b = leaf << shift;
    let into: number;
    let at: number;
    if (lc <= rc && lc <= cap - 2) {
      // Our first k elements go to the end of the left neighbour.
      const k = (cap - lc) >> 1;
      const lb = left << shift;
      for (let j = 0; j < k; j++) {
        ls[lb + lc + j] = ls[b + j]!;
        li[lb + lc + j] = li[b + j]!;
      }
      for (let j = k; j < cap; j++) {
        ls[b + j - k] = ls[b + j]!;
        li[b + j - k] = li[b + j]!;
      }
      this.lcount[left] = lc + k;
      this.lcount[leaf] = cap - k;
      if (pos < k) {
        into = left;
        at = lc + pos;
      } else {
        into = leaf;
        at = pos - k;
      }
    } else if (rc <= cap - 2) {
      // Our last k elements go to the front of the right neighbour.
      const k = (cap - rc) >> 1;
      const rb = right << shift;
      for (let j = rc - 1; j >= 0; j--) {
        ls[rb + j + k] = ls[rb + j]!;
        li[rb + j + k] = li[rb + j]!;
      }
      for (let j = 0; j < k; j++) {
        ls[rb + j] = ls[b + cap - k + j]!;
        li[rb + j] = li[b + cap - k + j]!;
      }
      this.lcount[right] = rc + k;
      this.lcount[leaf] = cap - k;
      if (pos > cap - k) {
        into = right;
        at = pos - (cap - k);
      } else {
        into = leaf;
        at = pos;
      }
    } else return false;
    const ib = into << shift;
    const count = this.lcount[into]!;
    for (let k = ib + count; k > ib + at; k--) {
      ls[k] = ls[k - 1]!;
      li[k] = li[k - 1]!;
    }
    ls[ib + at] = score;
    li[ib + at] = id;
    this.lcount[into] = count + 1;
    // Sizes of leaves are their counts; the separator of the right one of the pair is its
    // new first element.
    const first = left !== NIL && this.lcount[left] !== lc ? c : c + 1;
    this.ksize[pb + first - 1] = this.lcount[this.kchild[pb + first - 1]!]!;
    this.ksize[pb + first] = this.lcount[this.kchild[pb + first]!]!;
    const sb = this.kchild[pb + first]! << shift;
    this.kscore[pb + first] = ls[sb]!;
    this.kmember[pb + first] = this.member[li[sb]!]!;
    return true;
  }

  /** Splits a full leaf while inserting (score, id) at pos, and links the new half above. */
  private splitLeaf(leaf: number, pos: number, score: number, id: number): void {
    const cap = this.cap;
    const right = this.newLeaf();
    // An append after the last element starts a new leaf; otherwise split in halves.
    const from = pos === cap && this.lnext[leaf] === NIL ? cap : cap >> 1;
    const lb = leaf << this.shift;
    const rb = right << this.shift;
    const ls = this.lscore;
    const li = this.lid;
    for (let k = from; k < cap; k++) {
      ls[rb + k - from] = ls[lb + k]!;
      li[rb + k - from] = li[lb + k]!;
    }
    this.lcount[leaf] = from;
    this.lcount[right] = cap - from;
    const into = pos < from ? leaf : right;
    const at = pos < from ? pos : pos - from;
    const b = into << this.shift;
    const count = this.lcount[into]!;
    for (let k = b + count; k > b + at; k--) {
      ls[k] = ls[k - 1]!;
      li[k] = li[k - 1]!;
    }
    ls[b + at] = score;
    li[b + at] = id;
    this.lcount[into] = count + 1;
    // Chain the new leaf after the old one.
    const next = this.lnext[leaf]!;
    this.lnext[right] = next;
    this.lprev[right] = leaf;
    if (next !== NIL) this.lprev[next] = right;
    else this.tail = right;
    this.lnext[leaf] = right;
    this.addChild(this.depth - 1, leaf, this.lcount[leaf]!, right, this.lcount[right]!, ls[rb]!, this.member[li[rb]!]!);
  }

  /**
   * After the child at path level d split into (left, right): sets left's size and inserts
   * right after it with its separator, splitting full internal nodes up to the root.
   */
  private addChild(d: number, left: number, leftSize: number, right: number, rightSize: number, sepScore: number, sepMember: string): void {
    const cap = this.cap;
    const shift = this.shift;
    for (;;) {
      if (d < 0) {
        // The root split: a new root above both halves.
        const root = this.newNode();
        const b = root << shift;
        this.kchild[b] = left;
        this.ksize[b] = leftSize;
        this.kchild[b + 1] = right;
        this.ksize[b + 1] = rightSize;
        this.kscore[b + 1] = sepScore;
        this.kmember[b + 1] = sepMember;
        this.kcount[root] = 2;
        this.root = root;
        this.depth++;
        if (this.depth > this.pathNode.length) {
          this.pathNode = new Int32Array(this.depth * 2);
          this.pathIdx = new Int32Array(this.depth * 2);
        }
        return;
      }
      const n = this.pathNode[d]!;
      const c = this.pathIdx[d]!;
      const nb = n << shift;
      this.ksize[nb + c] = leftSize;
      const count = this.kcount[n]!;
      if (count < cap) {
        this.insertEntry(n, c + 1, right, rightSize, sepScore, sepMember);
        return;
      }
      // Split the full node in halves, then insert into the half that holds position c+1.
      const m = this.newNode();
      const mb = m << shift;
      const half = cap >> 1;
      for (let k = half; k < cap; k++) {
        this.kchild[mb + k - half] = this.kchild[nb + k]!;
        this.ksize[mb + k - half] = this.ksize[nb + k]!;
        this.kscore[mb + k - half] = this.kscore[nb + k]!;
        this.kmember[mb + k - half] = this.kmember[nb + k];
        this.kmember[nb + k] = undefined;
      }
      this.kcount[n] = half;
      this.kcount[m] = cap - half;
      if (c + 1 < half) this.insertEntry(n, c + 1, right, rightSize, sepScore, sepMember);
      else this.insertEntry(m, c + 1 - half, right, rightSize, sepScore, sepMember);
      // The new node's first separator bounds it from below: it goes up.
      const upScore = this.kscore[mb]!;
      const upMember = this.kmember[mb]!;
      let sizeN = 0;
      for (let k = 0; k < this.kcount[n]!; k++) sizeN += this.ksize[nb + k]!;
      let sizeM = 0;
      for (let k = 0; k < this.kcount[m]!; k++) sizeM += this.ksize[mb + k]!;
      left = n;
      leftSize = sizeN;
      right = m;
      rightSize = sizeM;
      sepScore = upScore;
      sepMember = upMember;
      d--;
    }
  }

  private insertEntry(n: number, at: number, child: number, size: number, sepScore: number, sepMember: string): void {
    const b = n << this.shift;
    const count = this.kcount[n]!;
    for (let k = b + count; k > b + at; k--) {
      this.kchild[k] = this.kchild[k - 1]!;
      this.ksize[k] = this.ksize[k - 1]!;
      this.kscore[k] = this.kscore[k - 1]!;
      this.kmember[k] = this.kmember[k - 1];
    }
    this.kchild[b + at] = child;
    this.ksize[b + at] = size;
    this.kscore[b + at] = sepScore;
    this.kmember[b + at] = sepMember;
    this.kcount[n] = count + 1;
  }

  // ---- delete ---------------------------------------------------------------------------

  /** Finds member id's slot, leaving the path recorded; throws when it is missing (a bug). */
  private locate(id: number): number {
    const score = this.score[id]!;
    const member = this.member[id]!;
    const leaf = this.descend(score, member);
    // In the leaf, the first equal score, then the id among equal scores: no member strings
    // are read (they would be a cache miss each).
    const b = leaf << this.shift;
    const end = b + this.lcount[leaf]!;
    const ls = this.lscore;
    let lo = b;
    let hi = end;
    while (lo < hi) {
      const h = (lo + hi) >>> 1;
      if (ls[h]! < score) lo = h + 1;
      else hi = h;
    }
    while (lo < end && ls[lo] === score && this.lid[lo] !== id) lo++;
    if (lo >= end || this.lid[lo] !== id) throw new Error('sorted set element not found in its tree');
    return lo;
  }

  /** Removes member id (which must be present) and frees the id. */
  remove(id: number): void {
    const slot = this.locate(id);
    this.adjustPath(-1);
    this.removeAt(slot);
    this.member[id] = undefined;
    this.freeIds.push(id);
  }

  /**
   * Changes member id's score (Redis's zslUpdateScore): in place when the element keeps its
   * position (no neighbour passes it), else taken out and placed again.
   */
  setScore(id: number, newScore: number): void {
    const slot = this.locate(id);
    const member = this.member[id]!;
    const mask = this.cap - 1;
    const i = slot & mask;
    const leaf = slot >> this.shift;
    const count = this.lcount[leaf]!;
    const ls = this.lscore;
    let keeps: boolean;
    if (i > 0) {
      const s = ls[slot - 1]!;
      keeps = s < newScore || (s === newScore && this.member[this.lid[slot - 1]!]! < member);
    } else keeps = leaf === this.head;
    if (keeps) {
      if (i < count - 1) {
        const s = ls[slot + 1]!;
        keeps = s > newScore || (s === newScore && this.member[this.lid[slot + 1]!]! > member);
      } else keeps = leaf === this.tail;
    }
    this.score[id] = newScore;
    if (keeps) {
      ls[slot] = newScore;
      return;
    }
    this.adjustPath(-1);
    this.removeAt(slot);
    this.place(newScore, member, id);
  }

  /** Removes the element at slot; the path to its leaf is recorded and already adjusted. */
  private removeAt(slot: number): void {
    const shift = this.shift;
    const leaf = slot >> shift;
    const b = leaf << shift;
    const count = this.lcount[leaf]! - 1;
    const ls = this.lscore;
    const li = this.lid;
    for (let k = slot; k < b + count; k++) {
      ls[k] = ls[k + 1]!;
      li[k] = li[k + 1]!;
    }
    this.lcount[leaf] = count;
    this.length--;
    if (this.length === 0) {
      this.reset();
      return;
    }
    if (this.depth === 0) return;
    const d = this.depth - 1;
    const parent = this.pathNode[d]!;
    const c = this.pathIdx[d]!;
    const pb = parent << shift;
    if (count === 0) {
      this.dropLeaf(leaf);
      this.removeEntry(d, c);
    } else if (count < this.cap >> 2) {
      // Merge with a neighbour under the same parent when both fit in one leaf.
      if (c + 1 < this.kcount[parent]! && count + this.lcount[this.kchild[pb + c + 1]!]! <= this.cap) {
        this.mergeLeaves(leaf, this.kchild[pb + c + 1]!);
        this.ksize[pb + c] += this.ksize[pb + c + 1]!;
        this.removeEntry(d, c + 1);
      } else if (c > 0 && count + this.lcount[this.kchild[pb + c - 1]!]! <= this.cap) {
        this.mergeLeaves(this.kchild[pb + c - 1]!, leaf);
        this.ksize[pb + c - 1] += this.ksize[pb + c]!;
        this.removeEntry(d, c);
      }
    }
    // A root with a single child gives way to it.
    while (this.depth > 0 && this.kcount[this.root] === 1) {
      const old = this.root;
      this.root = this.kchild[old << shift]!;
      this.dropNode(old);
      this.depth--;
    }
  }

  /** Appends leaf `right`'s elements to leaf `left` (its predecessor) and drops `right`. */
  private mergeLeaves(left: number, right: number): void {
    const lb = left << this.shift;
    const rb = right << this.shift;
    const lc = this.lcount[left]!;
    const rc = this.lcount[right]!;
    for (let k = 0; k < rc; k++) {
      this.lscore[lb + lc + k] = this.lscore[rb + k]!;
      this.lid[lb + lc + k] = this.lid[rb + k]!;
    }
    this.lcount[left] = lc + rc;
    this.dropLeaf(right);
  }

  /**
   * Removes entry `at` of the internal node at path level d; an emptied node goes too, and an
   * underfull one merges with a neighbour under the same parent when both fit.
   */
  private removeEntry(d: number, at: number): void {
    const shift = this.shift;
    const n = this.pathNode[d]!;
    const b = n << shift;
    const count = this.kcount[n]! - 1;
    for (let k = b + at; k < b + count; k++) {
      this.kchild[k] = this.kchild[k + 1]!;
      this.ksize[k] = this.ksize[k + 1]!;
      this.kscore[k] = this.kscore[k + 1]!;
      this.kmember[k] = this.kmember[k + 1];
    }
    this.kmember[b + count] = undefined;
    this.kcount[n] = count;
    if (d === 0) return;
    const g = this.pathNode[d - 1]!;
    const c = this.pathIdx[d - 1]!;
    const gb = g << shift;
    if (count === 0) {
      this.dropNode(n);
      this.removeEntry(d - 1, c);
      return;
    }
    if (count >= this.cap >> 2) return;
    if (c + 1 < this.kcount[g]! && count + this.kcount[this.kchild[gb + c + 1]!]! <= this.cap) {
      this.mergeNodes(n, this.kchild[gb + c + 1]!, gb + c + 1);
      this.ksize[gb + c] += this.ksize[gb + c + 1]!;
      this.removeEntry(d - 1, c + 1);
    } else if (c > 0 && count + this.kcount[this.kchild[gb + c - 1]!]! <= this.cap) {
      this.mergeNodes(this.kchild[gb + c - 1]!, n, gb + c);
      this.ksize[gb + c - 1] += this.ksize[gb + c]!;
      this.removeEntry(d - 1, c);
    }
  }

  /**
   * Appends internal node `right`'s entries to `left` (its predecessor under the same
   * parent) and drops `right`. The parent's separator for `right` (entry `sep`) becomes the
   * separator of right's first child, which had none.
   */
  private mergeNodes(left: number, right: number, sep: number): void {
    const lb = left << this.shift;
    const rb = right << this.shift;
    const lc = this.kcount[left]!;
    const rc = this.kcount[right]!;
    for (let k = 0; k < rc; k++) {
      this.kchild[lb + lc + k] = this.kchild[rb + k]!;
      this.ksize[lb + lc + k] = this.ksize[rb + k]!;
      this.kscore[lb + lc + k] = this.kscore[rb + k]!;
      this.kmember[lb + lc + k] = this.kmember[rb + k];
    }
    this.kscore[lb + lc] = this.kscore[sep]!;
    this.kmember[lb + lc] = this.kmember[sep];
    this.kcount[left] = lc + rc;
    this.dropNode(right);
  }

  // ---- range removal --------------------------------------------------------------------

  /**
   * Removes the n elements from 0-based rank `from` on, calling forget(id, member) for each
   * (in rank order, after the tree is whole again and before the id is freed): Redis's
   * zslDeleteRangeByRank, and by score or lex once the ranks of the ends are known.
   *
   * O(log N + n): one descent to each end of the run; leaves and whole subtrees between
   * them are dropped as they are, the two boundary leaves are trimmed, and only nodes on the
   * two boundary paths change size or shape (forget is called n times, as Redis frees n
   * nodes). forget must not touch the tree.
   */
  removeRange(from: number, n: number, forget: (id: number, member: string) => void): void {
    if (n <= 0) return;
    if (from < 0 || from + n > this.length) throw new Error('sorted set range out of bounds');
    const ids: number[] = [];
    if (n === this.length) {
      for (let leaf = this.head; leaf !== NIL; leaf = this.lnext[leaf]!) this.pushIds(leaf, 0, this.lcount[leaf]!, ids);
      this.reset();
    } else if (this.depth === 0) this.cutLeaf(this.root, from, from + n, ids);
    else {
      this.cutNode(this.root, 0, from, from + n, ids);
      // A root with a single child gives way to it.
      while (this.depth > 0 && this.kcount[this.root] === 1) {
        const old = this.root;
        this.root = this.kchild[old << this.shift]!;
        this.dropNode(old);
        this.depth--;
      }
    }
    this.length -= n;
    const member = this.member;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      forget(id, member[id]!);
      member[id] = undefined;
      this.freeIds.push(id);
    }
  }

  private pushIds(leaf: number, lo: number, hi: number, ids: number[]): void {
    const b = leaf << this.shift;
    for (let k = b + lo; k < b + hi; k++) ids.push(this.lid[k]!);
  }

  /** Removes slots lo..hi-1 of a leaf (some stay), their ids going to `ids`. */
  private cutLeaf(leaf: number, lo: number, hi: number, ids: number[]): void {
    this.pushIds(leaf, lo, hi, ids);
    const b = leaf << this.shift;
    const count = this.lcount[leaf]!;
    const ls = this.lscore;
    const li = this.lid;
    const gap = hi - lo;
    for (let k = b + hi; k < b + count; k++) {
      ls[k - gap] = ls[k]!;
      li[k - gap] = li[k]!;
    }
    this.lcount[leaf] = count - gap;
  }

  /**
   * Removes the elements of ranks lo..hi-1 (relative to the subtree) under internal node x
   * at level d (the root is level 0), some of its elements staying. Children wholly inside
   * the range are dropped with their subtrees; the (at most two) children the range ends in
   * are cut recursively, then repaired: below a quarter full they merge with or borrow from
   * a neighbour, the other end first. x itself may be left under-full (its parent repairs
   * it); separators stay valid bounds, since removing elements cannot break them.
   */
  private cutNode(x: number, d: number, lo: number, hi: number, ids: number[]): void {
    const shift = this.shift;
    const b = x << shift;
    const count = this.kcount[x]!;
    const leaves = d + 1 === this.depth;
    let k = 0;
    let cum = 0;
    while (cum + this.ksize[b + k]! <= lo) cum += this.ksize[b + k++]!;
    const a = k;
    let dropFrom = -1;
    let dropTo = -1;
    let leftCut = -1;
    let rightCut = -1;
    for (; k < count && cum < hi; k++) {
      const size = this.ksize[b + k]!;
      const clo = lo > cum ? lo - cum : 0;
      const chi = hi - cum < size ? hi - cum : size;
      const child = this.kchild[b + k]!;
      if (clo === 0 && chi === size) {
        this.dropSubtree(child, d + 1, ids);
        if (dropFrom < 0) dropFrom = k;
        dropTo = k + 1;
      } else {
        if (leaves) this.cutLeaf(child, clo, chi, ids);
        else this.cutNode(child, d + 1, clo, chi, ids);
        this.ksize[b + k] = size - (chi - clo);
        if (k === a) leftCut = k;
        else rightCut = k;
      }
      cum += size;
    }
    if (dropFrom >= 0) {
      this.cutEntries(x, dropFrom, dropTo);
      if (rightCut >= 0) rightCut -= dropTo - dropFrom;
    }
    if (leftCut >= 0) this.repairSeam(x, d, leftCut);
    else if (rightCut >= 0) this.repairChild(x, d, rightCut);
  }

  /** Drops the subtree under node x at level d (leaves unlinked), its ids going to `ids`. */
  private dropSubtree(x: number, d: number, ids: number[]): void {
    if (d === this.depth) {
      this.pushIds(x, 0, this.lcount[x]!, ids);
      this.dropLeaf(x);
      return;
    }
    const b = x << this.shift;
    const count = this.kcount[x]!;
    for (let k = 0; k < count; k++) this.dropSubtree(this.kchild[b + k]!, d + 1, ids);
    this.dropNode(x);
  }

  /** Removes entries from..to-1 of internal node x (no repair). */
  private cutEntries(x: number, from: number, to: number): void {
    const b = x << this.shift;
    const count = this.kcount[x]!;
    const gap = to - from;
    for (let k = b + to; k < b + count; k++) {
      this.kchild[k - gap] = this.kchild[k]!;
      this.ksize[k - gap] = this.ksize[k]!;
      this.kscore[k - gap] = this.kscore[k]!;
      this.kmember[k - gap] = this.kmember[k];
    }
    this.kmember.fill(undefined, b + count - gap, b + count);
    this.kcount[x] = count - gap;
  }

  /** Entries (leaf elements or internal children) of the child at entry i of node x at level d. */
  private fill(x: number, d: number, i: number): number {
    const child = this.kchild[(x << this.shift) + i]!;
    return d + 1 === this.depth ? this.lcount[child]! : this.kcount[child]!;
  }

  /**
   * Repairs children i and i+1 of node x at level d, the two sides of a seam where elements
   * were removed or nodes were joined (i+1 may not exist). Repairing the left side first
   * lets two under-full sides merge with each other.
   */
  private repairSeam(x: number, d: number, i: number): void {
    if (!this.repairChild(x, d, i) && i + 1 < this.kcount[x]!) this.repairChild(x, d, i + 1);
  }

  /**
   * Brings child i of node x (at level d) to at least a quarter full (and at least one
   * entry): merges it with a neighbour under x when both fit, else moves entries over from
   * that neighbour until both are about half full. A child with no neighbour stays as it is
   * (x is then under-full too, and its own repair gives the child neighbours and calls here
   * again). Returns whether anything changed.
   */
  private repairChild(x: number, d: number, i: number): boolean {
    const cap = this.cap;
    const min = cap >> 2 > 1 ? cap >> 2 : 1;
    const shift = this.shift;
    const xb = x << shift;
    const leaves = d + 1 === this.depth;
    let changed = false;
    while (this.fill(x, d, i) < min && this.kcount[x]! > 1) {
      changed = true;
      const l = i + 1 < this.kcount[x]! ? i : i - 1;
      const left = this.kchild[xb + l]!;
      const right = this.kchild[xb + l + 1]!;
      const lc = this.fill(x, d, l);
      const rc = this.fill(x, d, l + 1);
      if (lc + rc <= cap) {
        if (leaves) this.mergeLeaves(left, right);
        else {
          this.mergeNodes(left, right, xb + l + 1);
          this.repairSeam(left, d + 1, lc - 1);
        }
        this.ksize[xb + l] += this.ksize[xb + l + 1]!;
        this.cutEntries(x, l + 1, l + 2);
        i = l;
        continue;
      }
      // Too many for one node: share them out evenly, moving toward the under-full side.
      const keep = (lc + rc) >> 1;
      if (leaves) this.shareLeaves(x, l, left, right, lc, rc, lc < rc ? lc + rc - keep : keep);
      else this.shareNodes(x, d, l, left, right, lc, rc, lc < rc ? lc + rc - keep : keep);
    }
    return changed;
  }

  /**
   * Moves elements between adjacent leaves left and right (entries l and l+1 of x) so that
   * left holds `want`; fixes their sizes and right's separator.
   */
  private shareLeaves(x: number, l: number, left: number, right: number, lc: number, rc: number, want: number): void {
    const shift = this.shift;
    const ls = this.lscore;
    const li = this.lid;
    const lb = left << shift;
    const rb = right << shift;
    if (want > lc) {
      const k = want - lc;
      for (let j = 0; j < k; j++) {
        ls[lb + lc + j] = ls[rb + j]!;
        li[lb + lc + j] = li[rb + j]!;
      }
      for (let j = k; j < rc; j++) {
        ls[rb + j - k] = ls[rb + j]!;
        li[rb + j - k] = li[rb + j]!;
      }
    } else {
      const k = lc - want;
      for (let j = rc - 1; j >= 0; j--) {
        ls[rb + j + k] = ls[rb + j]!;
        li[rb + j + k] = li[rb + j]!;
      }
      for (let j = 0; j < k; j++) {
        ls[rb + j] = ls[lb + want + j]!;
        li[rb + j] = li[lb + want + j]!;
      }
    }
    this.lcount[left] = want;
    this.lcount[right] = lc + rc - want;
    const xb = x << shift;
    this.ksize[xb + l] = want;
    this.ksize[xb + l + 1] = lc + rc - want;
    this.kscore[xb + l + 1] = ls[rb]!;
    this.kmember[xb + l + 1] = this.member[li[rb]!]!;
  }

  /**
   * Moves children between adjacent internal nodes left and right (entries l and l+1 of x,
   * at level d+1) so that left holds `want`, keeping separators and sizes true; then repairs
   * the seam the receiving node got (a child that had no neighbour may have one now).
   */
  private shareNodes(x: number, d: number, l: number, left: number, right: number, lc: number, rc: number, want: number): void {
    const shift = this.shift;
    const xb = x << shift;
    const lb = left << shift;
    const rb = right << shift;
    const kc = this.kchild;
    const kz = this.ksize;
    const ks = this.kscore;
    const km = this.kmember;
    let moved = 0;
    if (want > lc) {
      // right's first k children go to left's end; x's separator for right comes down to
      // the first of them, and right's new first child's separator goes up.
      const k = want - lc;
      for (let j = 0; j < k; j++) {
        kc[lb + lc + j] = kc[rb + j]!;
        kz[lb + lc + j] = kz[rb + j]!;
        ks[lb + lc + j] = ks[rb + j]!;
        km[lb + lc + j] = km[rb + j];
        moved += kz[rb + j]!;
      }
      ks[lb + lc] = ks[xb + l + 1]!;
      km[lb + lc] = km[xb + l + 1];
      ks[xb + l + 1] = ks[rb + k]!;
      km[xb + l + 1] = km[rb + k];
      for (let j = k; j < rc; j++) {
        kc[rb + j - k] = kc[rb + j]!;
        kz[rb + j - k] = kz[rb + j]!;
        ks[rb + j - k] = ks[rb + j]!;
        km[rb + j - k] = km[rb + j];
      }
      km.fill(undefined, rb + rc - k, rb + rc);
      this.kcount[left] = want;
      this.kcount[right] = rc - k;
      kz[xb + l] += moved;
      kz[xb + l + 1] -= moved;
      this.repairSeam(left, d + 1, lc - 1);
    } else {
      // left's last k children go to right's front; x's separator for right comes down to
      // right's old first child, and the first moved child's separator goes up.
      const k = lc - want;
      for (let j = rc - 1; j >= 0; j--) {
        kc[rb + j + k] = kc[rb + j]!;
        kz[rb + j + k] = kz[rb + j]!;
        ks[rb + j + k] = ks[rb + j]!;
        km[rb + j + k] = km[rb + j];
      }
      ks[rb + k] = ks[xb + l + 1]!;
      km[rb + k] = km[xb + l + 1];
      for (let j = 0; j < k; j++) {
        kc[rb + j] = kc[lb + want + j]!;
        kz[rb + j] = kz[lb + want + j]!;
        ks[rb + j] = ks[lb + want + j]!;
        km[rb + j] = km[lb + want + j];
        moved += kz[lb + want + j]!;
      }
      ks[xb + l + 1] = ks[rb]!;
      km[xb + l + 1] = km[rb];
      km.fill(undefined, lb + want, lb + lc);
      this.kcount[left] = want;
      this.kcount[right] = rc + k;
      kz[xb + l] -= moved;
      kz[xb + l + 1] += moved;
      this.repairSeam(right, d + 1, k - 1);
    }
  }

  // ---- positions ------------------------------------------------------------------------

  /** Slot of the first element, or NIL. */
  first(): number {
    return this.length === 0 ? NIL : this.head << this.shift;
  }

  /** Slot of the last element, or NIL. */
  last(): number {
    return this.length === 0 ? NIL : (this.tail << this.shift) + this.lcount[this.tail]! - 1;
  }

  next(slot: number): number {
    const leaf = slot >> this.shift;
    if ((slot & (this.cap - 1)) + 1 < this.lcount[leaf]!) return slot + 1;
    const n = this.lnext[leaf]!;
    return n === NIL ? NIL : n << this.shift;
  }

  prev(slot: number): number {
    if ((slot & (this.cap - 1)) !== 0) return slot - 1;
    const p = this.lprev[slot >> this.shift]!;
    return p === NIL ? NIL : (p << this.shift) + this.lcount[p]! - 1;
  }

  memberAt(slot: number): string {
    return this.member[this.lid[slot]!]!;
  }

  // ---- rank -----------------------------------------------------------------------------

  /** 0-based rank of member id (which must be present); Redis's zslGetRank minus one. */
  rank(id: number): number {
    const score = this.score[id]!;
    const member = this.member[id]!;
    const shift = this.shift;
    let n = this.root;
    let rank = 0;
    for (let d = 0; d < this.depth; d++) {
      const c = this.childFor(n, score, member);
      const b = n << shift;
      for (let k = 0; k < c; k++) rank += this.ksize[b + k]!;
      n = this.kchild[b + c]!;
    }
    return rank + this.lowerBound(n, score, member);
  }

  /** Slot at a 0-based rank, or NIL when out of range (Redis's zslGetElementByRank). */
  byRank(rank: number): number {
    if (rank < 0 || rank >= this.length) return NIL;
    const shift = this.shift;
    let n = this.root;
    for (let d = 0; d < this.depth; d++) {
      const b = n << shift;
      let k = 0;
      for (;;) {
        const s = this.ksize[b + k]!;
        if (rank < s) break;
        rank -= s;
        k++;
      }
      n = this.kchild[b + k]!;
    }
    return (n << shift) + rank;
  }

  // ---- seeking by score or lex ----------------------------------------------------------

  /**
   * Slot of the first element for which `edge` holds, or NIL; `foundRank` gets its 0-based
   * rank (length when none). `edge` must be false and then true along the order.
   */
  private seek(edge: Edge): number {
    const shift = this.shift;
    let n = this.root;
    let rank = 0;
    for (let d = 0; d < this.depth; d++) {
      const b = n << shift;
      let lo = 1;
      let hi = this.kcount[n]!;
      while (lo < hi) {
        const h = (lo + hi) >>> 1;
        if (edge(this.kscore[b + h]!, this.kmember[b + h]!)) hi = h;
        else lo = h + 1;
      }
      const c = lo - 1;
      for (let k = 0; k < c; k++) rank += this.ksize[b + k]!;
      n = this.kchild[b + c]!;
    }
    const b = n << shift;
    const count = this.lcount[n]!;
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const h = (lo + hi) >>> 1;
      if (edge(this.lscore[b + h]!, this.member[this.lid[b + h]!]!)) hi = h;
      else lo = h + 1;
    }
    this.foundRank = rank + lo;
    if (lo < count) return b + lo;
    const next = this.lnext[n]!;
    return next === NIL ? NIL : next << shift;
  }

  /** First element with a score in the range, or NIL; foundRank gets its rank. */
  firstInRange(r: ScoreRange): number {
    if (scoreRangeEmpty(r)) return NIL;
    const x = this.seek((s) => scoreGteMin(s, r));
    return x !== NIL && scoreLteMax(this.lscore[x]!, r) ? x : NIL;
  }

  /** Last element with a score in the range, or NIL; foundRank gets its rank. */
  lastInRange(r: ScoreRange): number {
    if (scoreRangeEmpty(r)) return NIL;
    const after = this.seek((s) => !scoreLteMax(s, r));
    const x = after === NIL ? this.last() : this.prev(after);
    this.foundRank--;
    return x !== NIL && scoreGteMin(this.lscore[x]!, r) ? x : NIL;
  }

  /**
   * First element in the lex range, or NIL. Meaningful when all scores are equal; with mixed
   * scores the answer is what this descent finds, as Redis's is what its skiplist finds.
   */
  firstInLexRange(r: LexRange): number {
    if (lexRangeEmpty(r)) return NIL;
    const x = this.seek((_s, m) => lexGteMin(m, r));
    return x !== NIL && lexLteMax(this.memberAt(x), r) ? x : NIL;
  }

  lastInLexRange(r: LexRange): number {
    if (lexRangeEmpty(r)) return NIL;
    const after = this.seek((_s, m) => !lexLteMax(m, r));
    const x = after === NIL ? this.last() : this.prev(after);
    this.foundRank--;
    return x !== NIL && lexGteMin(this.memberAt(x), r) ? x : NIL;
  }

  /** Shape figures (tests and DEBUG): leaves and internal nodes in use, internal levels. */
  stats(): { leaves: number; nodes: number; depth: number } {
    return { leaves: this.leafTop - this.freeLeaves.length, nodes: this.nodeTop - this.freeNodes.length, depth: this.depth };
  }

  /**
   * The fewest entries held by a leaf other than the root and the last leaf, and by an
   * internal node other than the root (cap when there is none): tests check that range
   * removals leave no node below a quarter full.
   */
  leastFill(): { leaf: number; node: number } {
    let leaf = this.cap;
    let node = this.cap;
    const visit = (x: number, d: number): void => {
      if (d === this.depth) {
        if (d > 0 && x !== this.tail && this.lcount[x]! < leaf) leaf = this.lcount[x]!;
        return;
      }
      if (d > 0 && this.kcount[x]! < node) node = this.kcount[x]!;
      const b = x << this.shift;
      for (let k = 0; k < this.kcount[x]!; k++) visit(this.kchild[b + k]!, d + 1);
    };
    visit(this.root, 0);
    return { leaf, node };
  }

  // ---- self-check -----------------------------------------------------------------------

  /** Self-check of every invariant in the module comment (tests and DEBUG only). O(N). */
  check(): void {
    const shift = this.shift;
    const seen: number[] = [];
    for (let leaf = this.head; leaf !== NIL; leaf = this.lnext[leaf]!) {
      const next = this.lnext[leaf]!;
      if (next !== NIL && this.lprev[next] !== leaf) throw new Error('bad leaf back link');
      if (next === NIL && this.tail !== leaf) throw new Error('bad tail leaf');
      if (this.lcount[leaf] === 0 && this.length !== 0) throw new Error('empty leaf');
      for (let i = 0; i < this.lcount[leaf]!; i++) seen.push((leaf << shift) + i);
    }
    if (this.lprev[this.head] !== NIL) throw new Error('bad head leaf');
    if (seen.length !== this.length) throw new Error('bad length');
    for (let k = 0; k < seen.length; k++) {
      const slot = seen[k]!;
      const id = this.lid[slot]!;
      if (this.member[id] === undefined || this.score[id] !== this.lscore[slot]) throw new Error('member column differs from its slot');
      if (k > 0) {
        const p = seen[k - 1]!;
        if (!this.less(this.lscore[p]!, this.memberAt(p), this.lscore[slot]!, this.memberAt(slot))) throw new Error('order violated');
      }
    }
    // The tree: sizes, separators, depth; the leaves met in order must be the chain.
    const leaves: number[] = [];
    const walk = (n: number, d: number, lo: [number, string] | null, hi: [number, string] | null): number => {
      if (d === this.depth) {
        leaves.push(n);
        const b = n << shift;
        for (let i = 0; i < this.lcount[n]!; i++) {
          const s = this.lscore[b + i]!;
          const m = this.memberAt(b + i);
          if (lo !== null && this.less(s, m, lo[0], lo[1])) throw new Error('element below its separator');
          if (hi !== null && !this.less(s, m, hi[0], hi[1])) throw new Error('element not below the next separator');
        }
        return this.lcount[n]!;
      }
      const b = n << shift;
      const count = this.kcount[n]!;
      if (count === 0 || (d === 0 && count < 2)) throw new Error('internal node too small');
      let total = 0;
      for (let k = 0; k < count; k++) {
        const klo: [number, string] | null = k === 0 ? lo : [this.kscore[b + k]!, this.kmember[b + k]!];
        const khi: [number, string] | null = k + 1 < count ? [this.kscore[b + k + 1]!, this.kmember[b + k + 1]!] : hi;
        const size = walk(this.kchild[b + k]!, d + 1, klo, khi);
        if (size !== this.ksize[b + k]) throw new Error(`bad size at depth ${d}`);
        total += size;
      }
      return total;
    };
    if (walk(this.root, 0, null, null) !== this.length) throw new Error('bad total size');
    let leaf = this.head;
    for (const l of leaves) {
      if (l !== leaf) throw new Error('leaf chain differs from the tree');
      leaf = this.lnext[leaf]!;
    }
  }

  private less(s1: number, m1: string, s2: number, m2: string): boolean {
    return s1 < s2 || (s1 === s2 && m1 < m2);
  }
}
