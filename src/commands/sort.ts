/**
 * SORT and SORT_RO (Redis 7.0's sort.c): sort a list, set or sorted set numerically or
 * alphabetically, by the elements themselves or by external keys (BY pattern, with hash
 * fields via "->"), take a LIMIT window, fetch other keys per element (GET, "#" for the
 * element), and reply or STORE the result as a list.
 *
 * Matched quirks, on purpose:
 * - BY without '*' ("nosort") keeps the native order (lists and sorted sets; DESC walks it
 *   backwards); a set sorted that way with STORE is sorted ALPHA instead, so the stored
 *   result does not depend on hash order.
 * - Numbers are read with C strtod (leading spaces and hex allowed, "" is 0); a value that
 *   does not convert, overflows or underflows makes the whole command answer
 *   "One or more scores can't be converted into double". Equal numbers are ordered by the
 *   elements' bytes.
 * - SORT converts a listpack sorted set to skiplist for good (OBJECT ENCODING shows it).
 * - ALPHA without STORE compares as strcoll in the C locale: bytewise, up to the first NUL.
 *
 * Order among equal keys (ALPHA with BY, where keys can tie): a full sort keeps input order,
 * as glibc's merge-sort qsort does for Redis; with BY and a LIMIT window Redis sorts with its
 * partial quicksort (Bentley-McIlroy with range pruning), which `partialSort` follows step
 * for step so ties land where Redis puts them.
 */

import type { CommandSpec, Ctx, Args } from './types.js';
import { E, KEY1, ReplyError } from './types.js';
import { RList } from '../types/list.js';
import { NONE, type RZSet } from '../types/zset.js';
import type { Value } from '../store/values.js';
import type { Db } from '../store/db.js';
import { string2int } from '../util/number.js';
import { strtod } from '../util/number.js';

/** One element to sort: the element, its numeric key, or its ALPHA key (null: none). */
interface Item {
  obj: string;
  score: number;
  cmp: string | null;
}

/**
 * Redis's lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced
 * by the element, and "->field" after it reads a hash field. Undefined when the pattern has
 * no '*', the key is missing or of the wrong type, or the field is missing.
 */
function lookupByPattern(db: Db, pattern: string, subst: string): string | undefined {
  if (pattern === '#') return subst;
  const star = pattern.indexOf('*');
  if (star < 0) return undefined;
  let field: string | null = null;
  let keyEnd = pattern.length;
  const arrow = pattern.indexOf('->', star + 1);
  if (arrow >= 0 && arrow + 2 < pattern.length) {
    field = pattern.slice(arrow + 2);
    keyEnd = arrow;
  }
  const key = pattern.slice(0, star) + subst + pattern.slice(star + 1, keyEnd);
  const v: Value | undefined = db.get(key);
  if (v === undefined) return undefined;
  if (field !== null) {
    if (typeof v === 'string' || v.kind !== 'hash') return undefined;
    return v.get(field);
  }
  return typeof v === 'string' ? v : undefined;
}

/** The C string view of s (strcoll and strtod stop at the first NUL). */
function cString(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

function cmpBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortGeneric(c: Ctx, argv: readonly string[], readonly: boolean): void {
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let dontsort = false;
  let sortby: string | null = null;
  let storekey: string | null = null;
  const gets: string[] = [];
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const opt = argv[j]!.toLowerCase();
    if (opt === 'asc') desc = false;
    else if (opt === 'desc') desc = true;
    else if (opt === 'alpha') alpha = true;
    else if (opt === 'limit' && left >= 2) {
      limitStart = readLong(argv[j + 1]!);
      limitCount = readLong(argv[j + 2]!);
      j += 2;
    } else if (!readonly && opt === 'store' && left >= 1) {
      storekey = argv[++j]!;
    } else if (opt === 'by' && left >= 1) {
      sortby = argv[++j]!;
      // A BY pattern without '*' is constant: nothing to sort by (and it stays so).
      if (!sortby.includes('*')) dontsort = true;
    } else if (opt === 'get' && left >= 1) {
      gets.push(argv[++j]!);
    } else {
      throw new ReplyError(E.syntax);
    }
  }

  const db = c.db;
  const key = argv[1]!;
  const v = db.get(key);
  if (v !== undefined && (typeof v === 'string' || (v.kind !== 'set' && v.kind !== 'list' && v.kind !== 'zset'))) {
    throw new ReplyError(E.wrongType);
  }
  if (dontsort && v !== undefined && typeof v !== 'string' && v.kind === 'set' && storekey !== null) {
    dontsort = false;
    alpha = true;
    sortby = null;
  }
  if (v !== undefined && typeof v !== 'string' && v.kind === 'zset' && v.encoding() === 'listpack') {
    db.getForWrite(key);
    v.toSkiplist();
  }

  let vectorlen = v === undefined || typeof v === 'string' ? 0 : v.kind === 'list' ? v.length : v.size;
  let start = Math.min(Math.max(limitStart, 0), vectorlen);
  const count = Math.min(Math.max(limitCount, -1), vectorlen);
  let end = count < 0 ? vectorlen - 1 : start + count - 1;
  if (start >= vectorlen) {
    start = vectorlen - 1;
    end = vectorlen - 2;
  }
  if (end >= vectorlen) end = vectorlen - 1;

  const native = v !== undefined && typeof v !== 'string' && (v.kind === 'zset' || v.kind === 'list');
  if (native && dontsort && (start !== 0 || end !== vectorlen - 1)) vectorlen = end - start + 1;

  const items: Item[] = [];
  const push = (obj: string): void => {
    items.push({ obj, score: 0, cmp: null });
  };
  if (v !== undefined && typeof v !== 'string') {
    if (v.kind === 'list' && dontsort) {
      if (end >= start) {
        const all = [...v.values()];
        if (desc) for (let i = all.length - 1 - start; i >= 0 && items.length < vectorlen; i--) push(all[i]!);
        else for (let i = start; i < all.length && items.length < vectorlen; i++) push(all[i]!);
        end -= start;
        start = 0;
      }
    } else if (v.kind === 'list') {
      for (const e of v.values()) push(e);
    } else if (v.kind === 'set') {
      for (const e of v.values()) push(e);
    } else if (v.kind === 'zset' && dontsort) {
      const z: RZSet = v;
      let cur = desc ? z.seekRank(z.size - 1 - start) : z.seekRank(start);
      for (let n = vectorlen; n > 0 && cur !== NONE; n--) {
        push(z.memberAt(cur));
        cur = desc ? z.prev(cur) : z.next(cur);
      }
      end -= start;
      start = 0;
    } else if (v.kind === 'zset') {
      for (const [m] of v.entries()) push(m);
    }
  }

  let conversionError = false;
  if (!dontsort) {
    for (const it of items) {
      let byval: string | undefined;
      if (sortby !== null) {
        byval = lookupByPattern(db, sortby, it.obj);
        if (byval === undefined) continue;
      } else {
        byval = it.obj;
      }
      if (alpha) {
        if (sortby !== null) it.cmp = byval;
      } else {
        const r = strtod(byval);
        const stop = byval.indexOf('\0');
        if (r.end !== (stop < 0 ? byval.length : stop) || r.erange || r.value !== r.value) conversionError = true;
        it.score = r.value;
      }
    }
    const sign = desc ? -1 : 1;
    const bypattern = sortby !== null;
    const storing = storekey !== null;
    const compare = (a: Item, b: Item): number => {
      let cmp: number;
      if (!alpha) {
        if (a.score > b.score) cmp = 1;
        else if (a.score < b.score) cmp = -1;
        else cmp = cmpBytes(a.obj, b.obj);
      } else if (bypattern) {
        if (a.cmp === null || b.cmp === null) cmp = a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1;
        else cmp = storing ? cmpBytes(a.cmp, b.cmp) : cmpBytes(cString(a.cmp), cString(b.cmp));
      } else {
        cmp = storing ? cmpBytes(a.obj, b.obj) : cmpBytes(cString(a.obj), cString(b.obj));
      }
      return sign * cmp;
    };
    if (sortby !== null && (start !== 0 || end !== vectorlen - 1)) partialSort(items, 0, items.length, compare, start, end);
    else items.sort(compare);
  }

  const outputlen = gets.length > 0 ? gets.length * (end - start + 1) : end - start + 1;
  if (conversionError) throw new ReplyError("ERR One or more scores can't be converted into double");
  if (storekey === null) {
    const reply = c.reply;
    reply.array(outputlen);
    for (let j = start; j <= end; j++) {
      const obj = items[j]!.obj;
      if (gets.length === 0) reply.bulk(obj);
      for (const g of gets) reply.bulkOrNull(lookupByPattern(db, g, obj));
    }
    return;
  }
  const list = new RList();
  for (let j = start; j <= end; j++) {
    const obj = items[j]!.obj;
    if (gets.length === 0) list.pushTail(obj);
    else for (const g of gets) list.pushTail(lookupByPattern(db, g, obj) ?? '');
  }
  if (outputlen > 0) {
    db.set(storekey, list);
    c.wrote(storekey, 'sortstore', 'l');
    c.server.store.dirty += outputlen - 1;
  } else if (db.delete(storekey)) {
    c.wrote(storekey, 'del', 'g');
  }
  c.reply.int(outputlen);
}

/**
 * Redis's partial quicksort for SORT with BY and LIMIT: Bentley and McIlroy's three-way
 * quicksort ("Engineering a Sort Function", 1993: insertion sort below 7 elements, median of
 * three, ninther above 40, equal keys gathered at both ends then swapped to the middle),
 * skipping partitions that lie wholly outside the window [lo, hi] of wanted positions.
 * Sorts v[at .. at+n-1] in place.
 */
function partialSort<T>(v: T[], at: number, n: number, cmp: (a: T, b: T) => number, lo: number, hi: number): void {
  const swap = (i: number, j: number): void => {
    const t = v[i]!;
    v[i] = v[j]!;
    v[j] = t;
  };
  const swapRun = (i: number, j: number, count: number): void => {
    for (let k = 0; k < count; k++) swap(i + k, j + k);
  };
  const med3 = (a: number, b: number, c: number): number =>
    cmp(v[a]!, v[b]!) < 0 ? (cmp(v[b]!, v[c]!) < 0 ? b : cmp(v[a]!, v[c]!) < 0 ? c : a) : cmp(v[b]!, v[c]!) > 0 ? b : cmp(v[a]!, v[c]!) < 0 ? a : c;
  for (;;) {
    if (n < 7) {
      for (let m = at + 1; m < at + n; m++) for (let l = m; l > at && cmp(v[l - 1]!, v[l]!) > 0; l--) swap(l, l - 1);
      return;
    }
    let pm = at + Math.floor(n / 2);
    if (n > 7) {
      let pl = at;
      let pn = at + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        pl = med3(pl, pl + d, pl + 2 * d);
        pm = med3(pm - d, pm, pm + d);
        pn = med3(pn - 2 * d, pn - d, pn);
      }
      pm = med3(pl, pm, pn);
    }
    swap(at, pm);
    let pa = at + 1;
    let pb = pa;
    let pc = at + n - 1;
    let pd = pc;
    for (;;) {
      let r: number;
      while (pb <= pc && (r = cmp(v[pb]!, v[at]!)) <= 0) {
        if (r === 0) swap(pa++, pb);
        pb++;
      }
      while (pb <= pc && (r = cmp(v[pc]!, v[at]!)) >= 0) {
        if (r === 0) swap(pc, pd--);
        pc--;
      }
      if (pb > pc) break;
      swap(pb++, pc--);
    }
    const end = at + n;
    let r = Math.min(pa - at, pb - pa);
    swapRun(at, pb - r, r);
    r = Math.min(pd - pc, end - pd - 1);
    swapRun(pb, end - r, r);
    r = pb - pa;
    if (r > 1 && !(hi < at || lo > at + r - 1)) partialSort(v, at, r, cmp, lo, hi);
    r = pd - pc;
    if (r <= 1) return;
    at = end - r;
    n = r;
    if (hi < at || lo > at + r - 1) return;
  }
}

function readLong(s: string): number {
  const v = string2int(s);
  if (v === null) throw new ReplyError(E.notInteger);
  return v;
}

/** SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE dst] */
function sort(c: Ctx, args: Args): void {
  sortGeneric(c, args.argv, false);
}

/** SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] */
function sortRo(c: Ctx, args: Args): void {
  sortGeneric(c, args.argv, true);
}

/**
 * Key positions of SORT (Redis's sortGetKeys): the sorted key, then the last STORE target.
 * LIMIT skips two arguments, GET and BY one.
 */
function sortGetKeys(argv: readonly string[]): number[] {
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!.toLowerCase();
    if (a === 'limit') i += 2;
    else if (a === 'get' || a === 'by') i += 1;
    else if (a === 'store' && i + 1 < argv.length) store = i + 1;
  }
  return store < 0 ? [1] : [1, store];
}

export const commands: CommandSpec[] = [
  { name: 'sort', arity: -2, flags: ['write', 'denyoom', 'movablekeys'], keys: KEY1, acl: ['set', 'sortedset', 'list', 'dangerous'], group: 'generic', since: '1.0.0', summary: 'Sorts a list, set or sorted set, optionally storing the result.', complexity: 'O(N+M*log(M)) for N elements and M returned.', getKeys: sortGetKeys, handler: sort },
  { name: 'sort_ro', arity: -2, flags: ['readonly', 'movablekeys'], keys: KEY1, acl: ['set', 'sortedset', 'list', 'dangerous'], group: 'generic', since: '7.0.0', summary: 'Sorts a list, set or sorted set (read-only variant of SORT).', complexity: 'O(N+M*log(M)) for N elements and M returned.', getKeys: () => [1], handler: sortRo },
];
