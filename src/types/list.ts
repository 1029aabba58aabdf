/**
 * RList: the list type, a quicklist as Redis 7.0 builds it (quicklist.c): a doubly linked
 * list of nodes, each holding a run of elements. Every list is `quicklist`-encoded in Redis
 * 7.0 (the small-list `listpack` encoding came with 7.2), so OBJECT ENCODING always says so.
 *
 * The node layout follows Redis's rules exactly, so an RDB writer can emit the same
 * QUICKLIST_2 nodes Redis would: each packed node tracks the byte size its listpack would
 * have (`lpBytes`: 6-byte header, each entry's encoding + data + backlen, 1-byte end), and
 * pushes, inserts, splits, merges and deletions decide node boundaries with Redis's fill
 * rules (`list-max-listpack-size`, captured when the list is created, as Redis does):
 *   - negative fill -1..-5: a node holds at most 4/8/16/32/64 KB (estimated before insert
 *     as node bytes + element length + 8);
 *   - positive fill N: at most N entries and at most 8 KB;
 *   - an element of `packedThreshold` bytes or more (1 GB by default; DEBUG
 *     QUICKLIST-PACKED-THRESHOLD lowers it) lives alone in a "plain" node.
 * Nodes are never compressed in memory (list-compress-depth is accepted and ignored).
 *
 * Memory: a node keeps its elements in one array (with slack at the front so head pushes
 * and pops are O(1)), so an element costs one array slot plus its string; no object per
 * element. Index operations walk nodes from the nearer end, as Redis does.
 *
 * A one-node list loaded from an RDB file may still be packed (types/packed.ts): the node's
 * listpack bytes as read, decoded by the first method that needs the elements. `length`
 * reads it as it is, and `packedListpack()` hands the bytes to the RDB writer.
 *
 * Persistence relies on this surface; keep these members and their meaning:
 *   kind, length, encoding(), pushTail(v), values(), clone()
 * and, to keep Redis's node layout across a save and load: nodes(), forEachNode(visit) (the
 * RDB writer's walk, no copies), appendNode(values, plain), adoptNode(values, plain),
 * packedListpack() and RList.fromPacked.
 *
 * Pure data structure: no client, no reply. Imports types/ only.
 */

import { limits } from './limits.js';
import { packedDecoder, packedCount } from './packed.js';

/** Byte limits of negative fill levels -1..-5 (Redis optimization_level). */
const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
/** A multi-entry node stays within 8 KB when the fill is an entry count (SIZE_SAFETY_LIMIT). */
const SIZE_SAFETY_LIMIT = 8192;
/** Estimated per-entry listpack overhead when deciding whether a node may grow. */
const SIZE_ESTIMATE_OVERHEAD = 8;
/** Listpack header (total bytes u32 + element count u16) plus the end byte. */
const LP_EMPTY_BYTES = 7;
/** Redis FILL_MAX: the largest positive fill. */
const FILL_MAX = 32767;
const DEFAULT_PACKED_THRESHOLD = 1 << 30;
/** Nodes below this many elements grow by exact-size copies (see QNode.pushBack). */
const SMALL_NODE = 16;

let packedThreshold = DEFAULT_PACKED_THRESHOLD;

/**
 * DEBUG QUICKLIST-PACKED-THRESHOLD: elements of at least `bytes` go into plain nodes.
 * 0 restores the 1 GB default; above 4 GB - 1 MB is refused (returns false), as Redis.
 */
export function setPackedThreshold(bytes: number): boolean {
  if (bytes > 2 ** 32 - 2 ** 20) return false;
  packedThreshold = bytes === 0 ? DEFAULT_PACKED_THRESHOLD : bytes;
  return true;
}

export function getPackedThreshold(): number {
  return packedThreshold;
}

/**
 * The bytes one element takes in a listpack (lpEncodeGetType + lpEncodeBacklen): strings
 * that lpStringToInt64 accepts are stored as 1..9-byte integers, others as a 1/2/5-byte
 * length header and the bytes; then a 1..5-byte backward length.
 */
export function lpEntrySize(v: string): number {
  const len = v.length;
  let enc: number;
  const int = len > 0 && len < 21 ? lpIntEncodingSize(v) : 0;
  if (int !== 0) enc = int;
  else if (len < 64) enc = 1 + len;
  else if (len < 4096) enc = 2 + len;
  else enc = 5 + len;
  return enc + (enc <= 127 ? 1 : enc < 16383 ? 2 : enc < 2097151 ? 3 : enc < 268435455 ? 4 : 5);
}

/** The size of an integer-encoded entry (without backlen), or 0 when v is not an int64 in canonical form. */
function lpIntEncodingSize(v: string): number {
  const len = v.length;
  let i = 0;
  const neg = v.charCodeAt(0) === 45;
  if (len === 1 && v.charCodeAt(0) === 48) return 1; // "0"
  if (neg) {
    i = 1;
    if (len === 1) return 0;
  }
  const first = v.charCodeAt(i);
  if (first < 49 || first > 57) return 0;
  for (let j = i + 1; j < len; j++) {
    const c = v.charCodeAt(j);
    if (c < 48 || c > 57) return 0;
  }
  const digits = len - i;
  if (digits > 19) return 0;
  if (digits === 19) {
    // Beyond int64? Compare the digits with 9223372036854775807 (…808 when negative).
    const limit = neg ? '9223372036854775808' : '9223372036854775807';
    if (v.slice(i) > limit) return 0;
    return 9;
  }
  if (digits > 15) return 9;
  const n = neg ? -Number(v.slice(1)) : Number(v);
  if (n >= 0 && n <= 127) return 1;
  if (n >= -4096 && n <= 4095) return 2;
  if (n >= -32768 && n <= 32767) return 3;
  if (n >= -8388608 && n <= 8388607) return 4;
  if (n >= -2147483648 && n <= 2147483647) return 5;
  return 9;
}

/** lpBytes of a listpack holding these elements. */
function lpBytesOf(values: readonly string[]): number {
  let sz = LP_EMPTY_BYTES;
  for (let i = 0; i < values.length; i++) sz += lpEntrySize(values[i]!);
  return sz;
}

/**
 * A quicklist node. Elements live in `a[s .. s+n)`; slots before `s` are slack for head
 * pushes (undefined). Invariant: a.length === s + n.
 */
class QNode {
  a: (string | undefined)[];
  s = 0;
  n: number;
  /** lpBytes of the node's listpack; for a plain node, its element's length. */
  sz: number;
  readonly plain: boolean;
  prev: QNode | null = null;
  next: QNode | null = null;

  constructor(values: (string | undefined)[], sz: number, plain = false) {
    this.a = values;
    this.n = values.length;
    this.sz = sz;
    this.plain = plain;
  }

  static packed(values: string[]): QNode {
    return new QNode(values, lpBytesOf(values));
  }

  static plainNode(v: string): QNode {
    return new QNode([v], v.length, true);
  }

  get(i: number): string {
    return this.a[this.s + i]!;
  }

  setAt(i: number, v: string): void {
    this.a[this.s + i] = v;
  }

  pushBack(v: string): void {
    if (this.n < SMALL_NODE) {
      // Exact-size copy: V8 would grow a small array by 16 slots (most lists are short).
      this.a = (this.s === 0 ? this.a : this.a.slice(this.s)).concat(v);
      this.s = 0;
    } else {
      this.a.push(v);
    }
    this.n++;
  }

  pushFront(v: string): void {
    if (this.n < SMALL_NODE) {
      this.a = [v as string | undefined].concat(this.s === 0 ? this.a : this.a.slice(this.s));
      this.s = 0;
      this.n++;
      return;
    }
    if (this.s === 0) {
      // Re-create with slack at the front: amortized O(1) head pushes.
      const slack = Math.max(4, this.n);
      const b: (string | undefined)[] = [];
      for (let i = 0; i < slack; i++) b.push(undefined);
      const a = this.a;
      for (let i = 0; i < this.n; i++) b.push(a[i]);
      this.a = b;
      this.s = slack;
    }
    this.a[--this.s] = v;
    this.n++;
  }

  popFront(): string {
    const a = this.a;
    const v = a[this.s]!;
    a[this.s] = undefined;
    this.s++;
    this.n--;
    if (this.n === 0) {
      this.a = [];
      this.s = 0;
    } else if (this.s > 64 && this.s > this.n) {
      this.a = a.slice(this.s);
      this.s = 0;
    }
    return v;
  }

  popBack(): string {
    this.n--;
    return this.a.pop()!;
  }

  insertAt(i: number, v: string): void {
    if (i === 0) this.pushFront(v);
    else if (i === this.n) this.pushBack(v);
    else {
      this.a.splice(this.s + i, 0, v);
      this.n++;
    }
  }

  /** Removes k elements from index i and returns their listpack bytes. */
  removeRange(i: number, k: number): number {
    let bytes = 0;
    const a = this.a;
    const from = this.s + i;
    for (let j = 0; j < k; j++) bytes += lpEntrySize(a[from + j]!);
    if (i === 0) {
      for (let j = 0; j < k; j++) a[from + j] = undefined;
      this.s += k;
      this.n -= k;
      if (this.n === 0) {
        this.a = [];
        this.s = 0;
      } else if (this.s > 64 && this.s > this.n) {
        this.a = a.slice(this.s);
        this.s = 0;
      }
    } else {
      a.splice(from, k);
      this.n -= k;
    }
    return bytes;
  }

  /** Drops the slack before the first element. */
  compact(): void {
    this.a = this.a.slice(this.s);
    this.s = 0;
  }

  /** The live elements, as a new array. */
  items(): string[] {
    return this.a.slice(this.s) as string[];
  }
}

/** Which way an iteration walks. */
type Where = 'head' | 'tail';

export class RList {
  get kind(): 'list' {
    return 'list';
  }
  private head: QNode | null = null;
  private tail: QNode | null = null;
  private count = 0;
  /** list-max-listpack-size when the list was created (Redis quicklist->fill). */
  readonly fill: number;
  /** The one node's listpack bytes as loaded, until first use (then head holds the node). */
  private packed: string | null = null;

  constructor(fill: number = limits.listMaxListpackSize) {
    this.fill = fill > FILL_MAX ? FILL_MAX : fill < -5 ? -5 : fill;
  }

  get length(): number {
    return this.count;
  }

  /** Number of quicklist nodes (DEBUG OBJECT ql_nodes). */
  get nodesLength(): number {
    if (this.packed !== null) return 1;
    // Walked, not stored: one field less on every list (most lists have one node).
    let n = 0;
    for (let node = this.head; node !== null; node = node.next) n++;
    return n;
  }

  /** Redis 7.0 encodes every list as a quicklist. */
  encoding(): 'listpack' | 'quicklist' {
    return 'quicklist';
  }

  // -----------------------------------------------------------------------------------------
  // Fill rules

  /** Redis _quicklistNodeAllowInsert: may an element of `sz` bytes join this node? */
  private allowInsert(node: QNode | null, sz: number): boolean {
    if (node === null || node.plain || sz >= packedThreshold) return false;
    const newSz = node.sz + sz + SIZE_ESTIMATE_OVERHEAD;
    const fill = this.fill;
    if (fill < 0) return newSz <= OPTIMIZATION_LEVEL[-fill - 1]!;
    return newSz <= SIZE_SAFETY_LIMIT && node.n < fill;
  }

  /** Redis _quicklistNodeAllowMerge. */
  private allowMerge(a: QNode | null, b: QNode | null): boolean {
    if (a === null || b === null || a.plain || b.plain) return false;
    const mergeSz = a.sz + b.sz - 11;
    const fill = this.fill;
    if (fill < 0) return mergeSz <= OPTIMIZATION_LEVEL[-fill - 1]!;
    return mergeSz <= SIZE_SAFETY_LIMIT && a.n + b.n <= fill;
  }

  // -----------------------------------------------------------------------------------------
  // Node links

  /** Links `node` after (or before) `old`; with no `old`, it becomes the only node. */
  private insertNode(old: QNode | null, node: QNode, after: boolean): void {
    if (old === null) {
      this.head = this.tail = node;
    } else if (after) {
      node.prev = old;
      node.next = old.next;
      if (old.next !== null) old.next.prev = node;
      old.next = node;
      if (this.tail === old) this.tail = node;
    } else {
      node.next = old;
      node.prev = old.prev;
      if (old.prev !== null) old.prev.next = node;
      old.prev = node;
      if (this.head === old) this.head = node;
    }
  }

  /** Unlinks a node and forgets its elements. */
  private deleteNode(node: QNode): void {
    if (node.next !== null) node.next.prev = node.prev;
    if (node.prev !== null) node.prev.next = node.next;
    if (node === this.tail) this.tail = node.prev;
    if (node === this.head) this.head = node.next;
    node.prev = node.next = null;
    this.count -= node.n;
  }

  /** Removes element i of a node (Redis quicklistDelIndex); an emptied node goes. */
  private deleteAt(node: QNode, i: number): string {
    const v = node.get(i);
    if (node.plain || node.n === 1) {
      this.deleteNode(node);
      return v;
    }
    if (i === 0) node.popFront();
    else if (i === node.n - 1) node.popBack();
    else {
      node.a.splice(node.s + i, 1);
      node.n--;
    }
    node.sz -= lpEntrySize(v);
    this.count--;
    return v;
  }

  /** Finds the node holding index i (0 ≤ i < length), walking from the nearer end. */
  private locate(i: number): [QNode, number] {
    if (i <= (this.count - 1) / 2) {
      let accum = 0;
      let n = this.head!;
      while (accum + n.n <= i) {
        accum += n.n;
        n = n.next!;
      }
      return [n, i - accum];
    }
    const back = this.count - 1 - i;
    let accum = 0;
    let n = this.tail!;
    while (accum + n.n <= back) {
      accum += n.n;
      n = n.prev!;
    }
    return [n, n.n - 1 - (back - accum)];
  }

  /** Normalizes a Redis index (negative counts from the tail); -1 when out of range. */
  private normalize(index: number): number {
    const i = index < 0 ? this.count + index : index;
    return i < 0 || i >= this.count ? -1 : i;
  }

  // -----------------------------------------------------------------------------------------
  // Ends

  /** LPUSH one element (Redis quicklistPushHead). */
  pushHead(v: string): void {
    if (this.packed !== null) this.unpack();
    const sz = v.length;
    const head = this.head;
    if (sz >= packedThreshold) {
      this.insertNode(head, QNode.plainNode(v), false);
    } else if (this.allowInsert(head, sz)) {
      head!.pushFront(v);
      head!.sz += lpEntrySize(v);
    } else {
      // The old head stops taking head pushes: drop the slack it kept for them.
      if (head !== null && head.s > 0) head.compact();
      this.insertNode(head, QNode.packed([v]), false);
    }
    this.count++;
  }

  /** RPUSH one element (Redis quicklistPushTail); the loader builds lists with it too. */
  pushTail(v: string): void {
    if (this.packed !== null) this.unpack();
    const sz = v.length;
    const tail = this.tail;
    if (sz >= packedThreshold) {
      this.insertNode(tail, QNode.plainNode(v), true);
    } else if (this.allowInsert(tail, sz)) {
      tail!.pushBack(v);
      tail!.sz += lpEntrySize(v);
    } else {
      this.insertNode(tail, QNode.packed([v]), true);
    }
    this.count++;
  }

  push(v: string, where: Where): void {
    if (where === 'head') this.pushHead(v);
    else this.pushTail(v);
  }

  /** LPOP one element; undefined when empty. */
  popHead(): string | undefined {
    if (this.packed !== null) this.unpack();
    const node = this.head;
    if (node === null) return undefined;
    return this.deleteAt(node, 0);
  }

  /** RPOP one element; undefined when empty. */
  popTail(): string | undefined {
    if (this.packed !== null) this.unpack();
    const node = this.tail;
    if (node === null) return undefined;
    return this.deleteAt(node, node.n - 1);
  }

  pop(where: Where): string | undefined {
    return where === 'head' ? this.popHead() : this.popTail();
  }

  /**
   * Pops up to n elements from one end (LPOP/RPOP with a count, LMPOP), in the order they
   * come off: head first for 'head', tail first for 'tail'. Deletes them as one range
   * (Redis quicklistDelRange), which keeps Redis's node layout.
   */
  popMany(where: Where, n: number): string[] {
    if (this.packed !== null) this.unpack();
    const k = Math.min(n, this.count);
    if (k <= 0) return [];
    if (where === 'head') {
      const out = this.range(0, k - 1);
      this.deleteRange(0, k);
      return out;
    }
    const out = this.range(this.count - k, this.count - 1).reverse();
    this.deleteRange(-k, k);
    return out;
  }

  // -----------------------------------------------------------------------------------------
  // Reading

  /** LINDEX: the element at index (negative from the tail), or undefined. */
  get(index: number): string | undefined {
    if (this.packed !== null) this.unpack();
    const i = this.normalize(index);
    if (i < 0) return undefined;
    const [node, off] = this.locate(i);
    return node.get(off);
  }

  /**
   * The elements from start to end inclusive (0-based, already clamped by the caller:
   * 0 ≤ start ≤ end < length), head to tail.
   */
  range(start: number, end: number): string[] {
    if (this.packed !== null) this.unpack();
    if (end < start) return [];
    const out: string[] = new Array(end - start + 1);
    let [node, off] = this.locate(start);
    let k = 0;
    const total = end - start + 1;
    let cur: QNode | null = node;
    while (cur !== null && k < total) {
      const a = cur.a;
      const base = cur.s;
      const take = Math.min(cur.n - off, total - k);
      for (let j = 0; j < take; j++) out[k++] = a[base + off + j]!;
      cur = cur.next;
      off = 0;
    }
    return out;
  }

  /** All elements head to tail. */
  *values(): IterableIterator<string> {
    if (this.packed !== null) this.unpack();
    for (let n = this.head; n !== null; n = n.next) {
      const a = n.a;
      const end = n.s + n.n;
      for (let i = n.s; i < end; i++) yield a[i]!;
    }
  }

  /** All elements as an array, head to tail. */
  toArray(): string[] {
    if (this.packed !== null) this.unpack();
    return this.count === 0 ? [] : this.range(0, this.count - 1);
  }

  /**
   * LPOS: indexes (from the head) of matches of `element`. `rank` ≥ 1 skips the first
   * rank-1 matches, counting from the head, or from the tail when `fromTail`; up to `count`
   * results (0 = all); `maxlen` > 0 compares at most that many elements.
   */
  positions(element: string, rank: number, count: number, maxlen: number, fromTail: boolean): number[] {
    if (this.packed !== null) this.unpack();
    const out: number[] = [];
    const llen = this.count;
    let matches = 0;
    let index = 0;
    for (let node = fromTail ? this.tail : this.head; node !== null; node = fromTail ? node.prev : node.next) {
      const a = node.a;
      const s = node.s;
      for (let j = 0; j < node.n; j++) {
        if (maxlen !== 0 && index >= maxlen) return out;
        const v = a[fromTail ? s + node.n - 1 - j : s + j]!;
        if (v === element) {
          matches++;
          if (matches >= rank) {
            out.push(fromTail ? llen - index - 1 : index);
            if (count !== 0 && out.length >= count) return out;
          }
        }
        index++;
      }
    }
    return out;
  }

  // -----------------------------------------------------------------------------------------
  // Changes in the middle

  /** LSET: replaces the element at index; false when out of range (Redis quicklistReplaceAtIndex). */
  set(index: number, v: string): boolean {
    if (this.packed !== null) this.unpack();
    const i = this.normalize(index);
    if (i < 0) return false;
    const [node, off] = this.locate(i);
    const sz = v.length;
    if (!node.plain && sz < packedThreshold) {
      const old = node.get(off);
      node.setAt(off, v);
      node.sz += lpEntrySize(v) - lpEntrySize(old);
    } else if (node.plain) {
      if (sz >= packedThreshold) {
        node.setAt(0, v);
        node.sz = sz;
      } else {
        this.insertAt(node, 0, v, true);
        this.deleteNode(node);
      }
    } else {
      // A large element into a packed node: it goes after the old one (in its own plain
      // node, splitting this one), then the old element, now last of its node, goes.
      this.insertAt(node, off, v, true);
      if (node.n === 1) this.deleteNode(node);
      else this.deleteAt(node, node.n - 1);
    }
    return true;
  }

  /**
   * LINSERT: inserts `v` before or after the first `pivot` from the head. Returns false
   * when the pivot is not in the list.
   */
  insert(pivot: string, v: string, after: boolean): boolean {
    if (this.packed !== null) this.unpack();
    for (let node = this.head; node !== null; node = node.next) {
      const a = node.a;
      const s = node.s;
      for (let j = 0; j < node.n; j++) {
        if (a[s + j] === pivot) {
          this.insertAt(node, j, v, after);
          return true;
        }
      }
    }
    return false;
  }

  /** Redis _quicklistInsert: inserts v before/after element `off` of `node`. */
  private insertAt(node: QNode, off: number, v: string, after: boolean): void {
    const sz = v.length;
    const full = !this.allowInsert(node, sz);
    let atTail = false;
    let atHead = false;
    let availNext = false;
    let availPrev = false;
    if (after && off === node.n - 1) {
      atTail = true;
      availNext = this.allowInsert(node.next, sz);
    }
    if (!after && off === 0) {
      atHead = true;
      availPrev = this.allowInsert(node.prev, sz);
    }
    if (sz >= packedThreshold) {
      if (node.plain || (atTail && after) || (atHead && !after)) {
        this.insertNode(node, QNode.plainNode(v), after);
      } else {
        const split = this.splitNode(node, off, after);
        const entry = QNode.plainNode(v);
        this.insertNode(node, entry, after);
        this.insertNode(entry, split, after);
      }
      this.count++;
      return;
    }
    if (!full) {
      node.insertAt(after ? off + 1 : off, v);
      node.sz += lpEntrySize(v);
    } else if (atTail && availNext && after) {
      const next = node.next!;
      next.pushFront(v);
      next.sz += lpEntrySize(v);
    } else if (atHead && availPrev && !after) {
      const prev = node.prev!;
      prev.pushBack(v);
      prev.sz += lpEntrySize(v);
    } else if ((atTail && !availNext && after) || (atHead && !availPrev && !after)) {
      this.insertNode(node, QNode.packed([v]), after);
    } else {
      const split = this.splitNode(node, off, after);
      if (after) split.pushFront(v);
      else split.pushBack(v);
      split.sz += lpEntrySize(v);
      this.insertNode(node, split, after);
      this.mergeAround(node);
    }
    this.count++;
  }

  /**
   * Redis _quicklistSplitNode: with `after`, the node keeps [0, off] and the returned new
   * node gets (off, end]; otherwise the new node gets [0, off) and the node keeps [off, end].
   * The new node is not linked; the list count is unchanged.
   */
  private splitNode(node: QNode, off: number, after: boolean): QNode {
    const items = node.items();
    const keep = after ? items.slice(0, off + 1) : items.slice(off);
    const moved = after ? items.slice(off + 1) : items.slice(0, off);
    node.a = keep;
    node.s = 0;
    node.n = keep.length;
    node.sz = lpBytesOf(keep);
    return QNode.packed(moved);
  }

  /** Redis _quicklistListpackMerge: b's elements join a (a is left of b); b goes. */
  private merge(a: QNode, b: QNode): QNode {
    const items = a.items();
    const bi = b.items();
    for (let i = 0; i < bi.length; i++) items.push(bi[i]!);
    a.a = items;
    a.s = 0;
    a.sz = a.sz + b.sz - LP_EMPTY_BYTES;
    const bn = b.n;
    this.deleteNode(b);
    this.count += bn; // the elements moved, they were not deleted
    a.n = items.length;
    return a;
  }

  /** Redis _quicklistMergeNodes: tries to merge the nodes around `center` after a split. */
  private mergeAround(center: QNode): void {
    // Neighbours as they were before any merge (Redis reads them first).
    const prev = center.prev;
    const prevPrev = prev !== null ? prev.prev : null;
    const next = center.next;
    const nextNext = next !== null ? next.next : null;
    if (this.allowMerge(prev, prevPrev)) this.merge(prevPrev!, prev!);
    if (this.allowMerge(next, nextNext)) this.merge(next!, nextNext!);
    const target = this.allowMerge(center, center.prev) ? this.merge(center.prev!, center) : center;
    if (this.allowMerge(target, target.next)) this.merge(target, target.next!);
  }

  /**
   * Deletes `count` elements from `start` (negative from the tail), clamped to the list
   * (Redis quicklistDelRange). Partly emptied nodes are not merged, as in Redis.
   */
  deleteRange(start: number, count: number): void {
    if (this.packed !== null) this.unpack();
    if (count <= 0 || this.count === 0) return;
    let extent = count;
    if (start >= 0 && extent > this.count - start) extent = this.count - start;
    else if (start < 0 && extent > -start) extent = -start;
    const i = start < 0 ? this.count + start : start;
    if (i < 0 || i >= this.count || extent <= 0) return;
    let [node, off] = this.locate(i);
    let cur: QNode | null = node;
    while (extent > 0 && cur !== null) {
      const next: QNode | null = cur.next;
      let del: number;
      if (off === 0 && extent >= cur.n) {
        del = cur.n;
        this.deleteNode(cur);
      } else {
        del = Math.min(cur.n - off, extent);
        if (cur.plain) this.deleteNode(cur);
        else {
          cur.sz -= cur.removeRange(off, del);
          this.count -= del;
          if (cur.n === 0) this.deleteNode(cur);
        }
      }
      extent -= del;
      cur = next;
      off = 0;
    }
  }

  /** LTRIM: keeps [start, end] (already normalized by the caller) by deleting both sides. */
  trim(ltrim: number, rtrim: number): void {
    if (this.packed !== null) this.unpack();
    this.deleteRange(0, ltrim);
    this.deleteRange(-rtrim, rtrim);
  }

  /**
   * LREM: removes up to `count` elements equal to v (0 = all), from the head when
   * count ≥ 0, from the tail when negative. Returns how many went.
   */
  remove(v: string, count: number): number {
    if (this.packed !== null) this.unpack();
    const fromTail = count < 0;
    const limit = fromTail ? -count : count;
    let removed = 0;
    let node = fromTail ? this.tail : this.head;
    while (node !== null) {
      const following: QNode | null = fromTail ? node.prev : node.next;
      // Positions to drop in this node, in walking order.
      const a = node.a;
      const s = node.s;
      const n = node.n;
      let hits: number[] | null = null;
      for (let j = 0; j < n; j++) {
        const idx = fromTail ? n - 1 - j : j;
        if (a[s + idx] === v) {
          (hits ??= []).push(idx);
          if (limit !== 0 && removed + hits.length === limit) break;
        }
      }
      if (hits !== null) {
        removed += hits.length;
        if (hits.length === n) {
          this.deleteNode(node);
        } else if (hits.length === 1) {
          this.deleteAt(node, hits[0]!);
        } else {
          const drop = new Set(hits);
          const keep: string[] = [];
          for (let j = 0; j < n; j++) if (!drop.has(j)) keep.push(a[s + j]!);
          node.a = keep;
          node.s = 0;
          node.n = keep.length;
          node.sz = lpBytesOf(keep);
          this.count -= hits.length;
        }
        if (limit !== 0 && removed === limit) break;
      }
      node = following;
    }
    return removed;
  }

  // -----------------------------------------------------------------------------------------
  // Copies and persistence

  /** An independent copy with the same node layout and fill (COPY; Redis quicklistDup). */
  clone(): RList {
    const l = new RList(this.fill);
    if (this.packed !== null) {
      // The bytes are immutable: both copies decode them when first used.
      l.packed = this.packed;
      l.count = this.count;
      return l;
    }
    for (let n = this.head; n !== null; n = n.next) {
      const copy = new QNode(n.items(), n.sz, n.plain);
      l.insertNode(l.tail, copy, true);
      l.count += copy.n;
    }
    return l;
  }

  /** The nodes head to tail: their elements and whether the node is plain (RDB QUICKLIST_2). */
  *nodes(): IterableIterator<{ values: string[]; plain: boolean }> {
    if (this.packed !== null) this.unpack();
    for (let n = this.head; n !== null; n = n.next) yield { values: n.items(), plain: n.plain };
  }

  /**
   * Calls `visit` for each node, head to tail, with the node's elements as
   * items[start, start + count) (the node's own array: read it during the call only) and
   * whether it is a plain node. The RDB writer's walk: no copies.
   */
  forEachNode(visit: (items: readonly (string | undefined)[], start: number, count: number, plain: boolean) => void): void {
    if (this.packed !== null) this.unpack();
    for (let n = this.head; n !== null; n = n.next) visit(n.a, n.s, n.n, n.plain);
  }

  /**
   * Appends a whole node as loaded from an RDB quicklist (Redis quicklistAppendListpack /
   * quicklistAppendPlainNode): kept as it is, whatever the fill. Empty nodes are skipped.
   */
  appendNode(values: readonly string[], plain = false): void {
    if (values.length === 0) return;
    this.adoptNode(plain ? [values[0]!] : values.slice(), plain);
  }

  /** appendNode taking `values` over (the caller gives the array away): no copy. */
  adoptNode(values: string[], plain = false): void {
    if (this.packed !== null) this.unpack();
    if (values.length === 0) return;
    const node = plain ? QNode.plainNode(values[0]!) : QNode.packed(values);
    this.insertNode(this.tail, node, true);
    this.count += node.n;
  }

  /** The node's bytes of a list loaded packed and not used since (the RDB writer's shortcut), else null. */
  packedListpack(): string | null {
    return this.packed;
  }

  /**
   * A one-node list of the elements of `packed` (a listpack's bytes as latin1, which the
   * caller validated: sound entries, a known count of at least one), decoded when first used.
   */
  static fromPacked(packed: string, fill: number = limits.listMaxListpackSize): RList {
    const l = new RList(fill);
    l.packed = packed;
    l.count = packedCount(packed);
    return l;
  }

  /** Decodes the packed node into the list's one node. */
  private unpack(): void {
    const values = packedDecoder().strings(this.packed!);
    this.packed = null;
    this.count = 0;
    this.adoptNode(values);
  }

  /** Per node: element count and bytes (lpBytes, or the element length for plain nodes). For tests and DEBUG. */
  layout(): { count: number; bytes: number; plain: boolean }[] {
    if (this.packed !== null) this.unpack();
    const out = [];
    for (let n = this.head; n !== null; n = n.next) out.push({ count: n.n, bytes: n.sz, plain: n.plain });
    return out;
  }
}
