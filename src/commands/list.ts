/**
 * List commands (the list group), as Redis 7.0's t_list.c answers them, including the
 * blocking pops served through the blocking manager (src/server/blocking.ts).
 *
 * Handlers read arguments in Redis's order (so the same error wins when several apply),
 * call the RList type (src/types/list.ts) and reply. Changes go through db.getForWrite /
 * db.set / db.delete; each ends with the key's keyspace event (`lpush`, `rpop`, `linsert`,
 * ...) and a list left empty is deleted with a `del` event. The dirty counter grows by the
 * number of elements changed, as Redis counts it, so a no-op LTRIM is not propagated.
 *
 * Propagation (effects, not intentions), as Redis 7.0 rewrites it:
 * - BLPOP/BRPOP that find data → `LPOP key` / `RPOP key`; served later → the same;
 * - BLMPOP and LMPOP → `LPOP|RPOP key <count actually popped>`;
 * - BLMOVE → `LMOVE src dst <from> <to>` (served later: `left`/`right` in lower case);
 * - BRPOPLPUSH → `RPOPLPUSH src dst`.
 *
 * Redis quirks kept on purpose:
 * - a blocking command that cannot block (inside MULTI/EXEC, from a script) answers as on
 *   timeout: a null array; except BLMOVE/BRPOPLPUSH, which answer a null bulk there but a
 *   null array when they time out after blocking;
 * - BLMOVE served into a destination that became another type answers WRONGTYPE to the
 *   blocked client and leaves the element where it was.
 *
 * Imports: commands/types, types/list, util, and server/blocking (timeout parsing; the
 * manager itself is reached through `c.server.blocking`).
 */

import type { Args, CommandSpec, Ctx } from './types.js';
import { E, KEY1, ReplyError, err } from './types.js';
import { debugSubcommands, debugSyntaxError } from './debug.js';
import { RList, setPackedThreshold } from '../types/list.js';
import type { Value } from '../store/values.js';
import { parseTimeout } from '../server/blocking.js';
import { string2int } from '../util/number.js';

type Where = 'head' | 'tail';

// -------------------------------------------------------------------------------------------
// Helpers

function isList(v: Value): v is RList {
  return typeof v !== 'string' && v.kind === 'list';
}

/**
 * The list at key for a read command (Redis lookupKeyRead): undefined when absent (a
 * keyspace miss, with a `keymiss` event), WRONGTYPE for another type (a hit).
 */
function readList(c: Ctx, key: string): RList | undefined {
  const v = c.db.get(key);
  const store = c.server.store;
  if (v === undefined) {
    store.stats.keyspaceMisses++;
    store.hooks.keyspaceEvent('m', 'keymiss', key, c.db.id);
    return undefined;
  }
  store.stats.keyspaceHits++;
  if (!isList(v)) throw new ReplyError(E.wrongType);
  return v;
}

/** The list at key for a write command (Redis lookupKeyWrite: no hit/miss statistics). */
function peekList(c: Ctx, key: string): RList | undefined {
  const v = c.db.get(key);
  if (v === undefined) return undefined;
  if (!isList(v)) throw new ReplyError(E.wrongType);
  return v;
}

/** The list at key about to change (snapshot hook first); undefined when absent. */
function writeList(c: Ctx, key: string): RList | undefined {
  const v = c.db.getForWrite(key);
  if (v === undefined) return undefined;
  if (!isList(v)) throw new ReplyError(E.wrongType);
  return v;
}

/**
 * The write epilogue with Redis's dirty arithmetic: n changes (possibly 0, which still
 * signals the key and emits the event, as LTRIM does).
 */
function changed(c: Ctx, key: string, event: string, n: number): void {
  if (n > 0) {
    c.wrote(key, event, 'l');
    if (n > 1) c.server.store.dirty += n - 1;
  } else {
    const store = c.server.store;
    store.hooks.modified(c.db, key);
    store.hooks.keyspaceEvent('l', event, key, c.db.id);
  }
}

/** Deletes an emptied list with its `del` event; returns whether it went. */
function deleteIfEmpty(c: Ctx, key: string, list: RList): boolean {
  if (list.length !== 0) return false;
  c.db.delete(key);
  return true;
}

function delEvent(c: Ctx, key: string): void {
  c.server.store.hooks.keyspaceEvent('g', 'del', key, c.db.id);
}

/**
 * Redis listElementsRemoved: `lpop`/`rpop` event, deletion of an emptied list with `del`,
 * the key signalled, dirty grown by the elements popped.
 */
function elementsRemoved(c: Ctx, key: string, list: RList, where: Where, n: number): void {
  const deleted = deleteIfEmpty(c, key, list);
  changed(c, key, where === 'head' ? 'lpop' : 'rpop', n);
  if (deleted) delEvent(c, key);
}

/** LEFT|RIGHT, case-insensitive; a syntax error otherwise. */
function position(arg: string): Where {
  const up = arg.toLowerCase();
  if (up === 'left') return 'head';
  if (up === 'right') return 'tail';
  throw new ReplyError(E.syntax);
}

/** Redis getLongFromObjectOrReply with its default message. */
function long(arg: string): number {
  const v = string2int(arg);
  if (v === null) throw new ReplyError(E.notInteger);
  return v;
}

/** Redis getRangeLongFromObjectOrReply(min, LONG_MAX, msg): one message for every failure. */
function longAtLeast(arg: string, min: number, message: string): number {
  const v = string2int(arg);
  if (v === null || v < min) throw err(message);
  return v;
}

const POP_NAME: Record<Where, string> = { head: 'LPOP', tail: 'RPOP' };
const POSITION_NAME: Record<Where, string> = { head: 'left', tail: 'right' };

// -------------------------------------------------------------------------------------------
// Pushes

/** LPUSH/RPUSH/LPUSHX/RPUSHX key element [element ...]: the new length. */
function push(c: Ctx, args: Args, where: Where, xx: boolean): void {
  const argv = args.argv;
  const key = argv[1]!;
  let list = writeList(c, key);
  if (list === undefined) {
    if (xx) {
      c.reply.int(0);
      return;
    }
    list = new RList();
    c.db.set(key, list);
  }
  const n = argv.length;
  if (where === 'head') for (let i = 2; i < n; i++) list.pushHead(argv[i]!);
  else for (let i = 2; i < n; i++) list.pushTail(argv[i]!);
  c.reply.int(list.length);
  changed(c, key, where === 'head' ? 'lpush' : 'rpush', n - 2);
}

/** LPUSH key element [element ...] */
function lpush(c: Ctx, args: Args): void {
  push(c, args, 'head', false);
}
/** RPUSH key element [element ...] */
function rpush(c: Ctx, args: Args): void {
  push(c, args, 'tail', false);
}
/** LPUSHX key element [element ...] — only onto an existing list. */
function lpushx(c: Ctx, args: Args): void {
  push(c, args, 'head', true);
}
/** RPUSHX key element [element ...] — only onto an existing list. */
function rpushx(c: Ctx, args: Args): void {
  push(c, args, 'tail', true);
}

/** LINSERT key BEFORE|AFTER pivot element: the new length, -1 without the pivot, 0 without the key. */
function linsert(c: Ctx, args: Args): void {
  const argv = args.argv;
  const where = argv[2]!.toLowerCase();
  if (where !== 'before' && where !== 'after') throw new ReplyError(E.syntax);
  const key = argv[1]!;
  const list = writeList(c, key);
  if (list === undefined) {
    c.reply.int(0);
    return;
  }
  if (!list.insert(argv[3]!, argv[4]!, where === 'after')) {
    c.reply.int(-1);
    return;
  }
  changed(c, key, 'linsert', 1);
  c.reply.int(list.length);
}

// -------------------------------------------------------------------------------------------
// Reads

/** LLEN key */
function llen(c: Ctx, args: Args): void {
  const list = readList(c, args.argv[1]!);
  c.reply.int(list === undefined ? 0 : list.length);
}

/** LINDEX key index — the key is looked up before the index is parsed, as Redis does. */
function lindex(c: Ctx, args: Args): void {
  const list = readList(c, args.argv[1]!);
  if (list === undefined) {
    c.reply.nullBulk();
    return;
  }
  c.reply.bulkOrNull(list.get(long(args.argv[2]!)));
}

/** Redis addListRangeReply: elements start..end (negative from the tail), clamped. */
function replyRange(c: Ctx, list: RList, start: number, end: number): void {
  const llen = list.length;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) {
    c.reply.array(0);
    return;
  }
  if (end >= llen) end = llen - 1;
  c.reply.bulks(list.range(start, end));
}

/** LRANGE key start stop */
function lrange(c: Ctx, args: Args): void {
  const argv = args.argv;
  const start = long(argv[2]!);
  const end = long(argv[3]!);
  const list = readList(c, argv[1]!);
  if (list === undefined) {
    c.reply.array(0);
    return;
  }
  replyRange(c, list, start, end);
}

const RANK_ZERO =
  "RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
const LONG_MIN = -9223372036854775808;

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
function lpos(c: Ctx, args: Args): void {
  const argv = args.argv;
  const element = argv[2]!;
  let rank = 1;
  let count = -1; // -1: no COUNT option
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toUpperCase();
    const more = j < argv.length - 1;
    if (opt === 'RANK' && more) {
      rank = long(argv[++j]!);
      if (rank === 0) throw err(RANK_ZERO);
    } else if (opt === 'COUNT' && more) {
      count = longAtLeast(argv[++j]!, 0, "COUNT can't be negative");
    } else if (opt === 'MAXLEN' && more) {
      maxlen = longAtLeast(argv[++j]!, 0, "MAXLEN can't be negative");
    } else {
      throw new ReplyError(E.syntax);
    }
  }
  let fromTail = false;
  let limit = count === -1 ? 1 : count;
  if (rank < 0) {
    fromTail = true;
    if (rank === LONG_MIN) {
      // Redis 7.0 negates LONG_MIN into itself: the first match counts, and COUNT's
      // stopping test overflows so every match is returned.
      rank = 1;
      if (count !== -1) limit = 0;
    } else {
      rank = -rank;
    }
  }
  const list = readList(c, argv[1]!);
  if (list === undefined) {
    if (count !== -1) c.reply.array(0);
    else c.reply.nullBulk();
    return;
  }
  const found = list.positions(element, rank, limit, maxlen, fromTail);
  if (count !== -1) {
    c.reply.array(found.length);
    for (const i of found) c.reply.int(i);
  } else if (found.length > 0) {
    c.reply.int(found[0]!);
  } else {
    c.reply.nullBulk();
  }
}

// -------------------------------------------------------------------------------------------
// Changes in place

/** LSET key index element */
function lset(c: Ctx, args: Args): void {
  const argv = args.argv;
  const key = argv[1]!;
  const list = writeList(c, key);
  if (list === undefined) throw new ReplyError(E.noSuchKey);
  const index = long(argv[2]!);
  if (!list.set(index, argv[3]!)) throw new ReplyError(E.outOfRange);
  c.reply.ok();
  changed(c, key, 'lset', 1);
}

/** LREM key count element: how many were removed. */
function lrem(c: Ctx, args: Args): void {
  const argv = args.argv;
  const key = argv[1]!;
  const toRemove = long(argv[2]!);
  const list = writeList(c, key);
  if (list === undefined) {
    c.reply.int(0);
    return;
  }
  const removed = list.remove(argv[3]!, toRemove);
  if (removed > 0) {
    const deleted = deleteIfEmpty(c, key, list);
    changed(c, key, 'lrem', removed);
    if (deleted) delEvent(c, key);
  }
  c.reply.int(removed);
}

/** LTRIM key start stop */
function ltrim(c: Ctx, args: Args): void {
  const argv = args.argv;
  const key = argv[1]!;
  let start = long(argv[2]!);
  let end = long(argv[3]!);
  const list = writeList(c, key);
  if (list === undefined) {
    c.reply.ok();
    return;
  }
  const llen = list.length;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  let left: number;
  let right: number;
  if (start > end || start >= llen) {
    left = llen;
    right = 0;
  } else {
    if (end >= llen) end = llen - 1;
    left = start;
    right = llen - end - 1;
  }
  list.trim(left, right);
  const deleted = deleteIfEmpty(c, key, list);
  changed(c, key, 'ltrim', left + right);
  if (deleted) delEvent(c, key);
  c.reply.ok();
}

// -------------------------------------------------------------------------------------------
// Pops

/** LPOP/RPOP key [count] */
function pop(c: Ctx, args: Args, where: Where): void {
  const argv = args.argv;
  if (argv.length > 3) throw new ReplyError(E.wrongArity(where === 'head' ? 'lpop' : 'rpop'));
  const hasCount = argv.length === 3;
  const count = hasCount ? longAtLeast(argv[2]!, 0, 'value is out of range, must be positive') : 0;
  const key = argv[1]!;
  const list = writeList(c, key);
  if (list === undefined) {
    if (hasCount) c.reply.nullArray();
    else c.reply.nullBulk();
    return;
  }
  if (hasCount && count === 0) {
    c.reply.array(0);
    return;
  }
  if (!hasCount) {
    c.reply.bulk(list.pop(where)!);
    elementsRemoved(c, key, list, where, 1);
    return;
  }
  const values = list.popMany(where, count);
  c.reply.bulks(values);
  elementsRemoved(c, key, list, where, values.length);
}

/** LPOP key [count] */
function lpop(c: Ctx, args: Args): void {
  pop(c, args, 'head');
}
/** RPOP key [count] */
function rpop(c: Ctx, args: Args): void {
  pop(c, args, 'tail');
}

/**
 * Redis listPopRangeAndReplyWithKey: pops up to count elements of a non-empty list and
 * replies [key, [elements]]; propagated as LPOP|RPOP key n.
 */
function popRangeWithKey(c: Ctx, key: string, list: RList, where: Where, count: number): void {
  c.db.getForWrite(key);
  const values = list.popMany(where, count);
  c.reply.array(2);
  c.reply.bulk(key);
  c.reply.bulks(values);
  elementsRemoved(c, key, list, where, values.length);
  c.propagate([POP_NAME[where], key, String(values.length)]);
}

/** The parsed arguments of LMPOP/BLMPOP after numkeys. */
interface MpopArgs {
  keys: string[];
  where: Where;
  count: number;
}

/** Redis lmpopGenericCommand's parsing: numkeys, keys, LEFT|RIGHT, [COUNT count]. */
function parseMpop(argv: readonly string[], numkeysAt: number): MpopArgs {
  const numkeys = longAtLeast(argv[numkeysAt]!, 1, 'numkeys should be greater than 0');
  const whereAt = numkeysAt + numkeys + 1;
  if (whereAt >= argv.length) throw new ReplyError(E.syntax);
  const where = position(argv[whereAt]!);
  let count = -1;
  for (let j = whereAt + 1; j < argv.length; j++) {
    if (count === -1 && argv[j]!.toUpperCase() === 'COUNT' && j < argv.length - 1) {
      count = longAtLeast(argv[++j]!, 1, 'count should be greater than 0');
    } else {
      throw new ReplyError(E.syntax);
    }
  }
  return { keys: argv.slice(numkeysAt + 1, whereAt) as string[], where, count: count === -1 ? 1 : count };
}

/** LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] */
function lmpop(c: Ctx, args: Args): void {
  const { keys, where, count } = parseMpop(args.argv, 1);
  for (const key of keys) {
    const list = peekList(c, key);
    if (list === undefined || list.length === 0) continue;
    popRangeWithKey(c, key, list, where, count);
    return;
  }
  c.reply.nullArray();
}

// -------------------------------------------------------------------------------------------
// Moves

/**
 * Redis lmoveGenericCommand / lmoveHandlePush: moves one element of the non-empty list at
 * src to dst (created when absent), replying the element. WRONGTYPE when dst holds another
 * type (nothing moves). Events: the push on dst first, then the pop (and `del`) on src.
 */
function moveElement(c: Ctx, srcKey: string, src: RList, dstKey: string, from: Where, to: Where): void {
  const dstValue = c.db.get(dstKey);
  if (dstValue !== undefined && !isList(dstValue)) throw new ReplyError(E.wrongType);
  c.db.getForWrite(srcKey);
  const value = src.pop(from)!;
  let dst: RList;
  if (dstValue === undefined) {
    dst = new RList();
    c.db.set(dstKey, dst);
  } else {
    dst = dstValue;
    if (dstKey !== srcKey) c.db.getForWrite(dstKey);
  }
  dst.push(value, to);
  changed(c, dstKey, to === 'head' ? 'lpush' : 'rpush', 0);
  c.reply.bulk(value);
  const deleted = deleteIfEmpty(c, srcKey, src);
  changed(c, srcKey, from === 'head' ? 'lpop' : 'rpop', 1);
  if (deleted) delEvent(c, srcKey);
}

/** LMOVE/RPOPLPUSH: the element moved, or a null bulk when src is absent. */
function move(c: Ctx, srcKey: string, dstKey: string, from: Where, to: Where): void {
  const src = peekList(c, srcKey);
  if (src === undefined || src.length === 0) {
    c.reply.nullBulk();
    return;
  }
  moveElement(c, srcKey, src, dstKey, from, to);
}

/** LMOVE source destination LEFT|RIGHT LEFT|RIGHT */
function lmove(c: Ctx, args: Args): void {
  const argv = args.argv;
  const from = position(argv[3]!);
  const to = position(argv[4]!);
  move(c, argv[1]!, argv[2]!, from, to);
}

/** RPOPLPUSH source destination */
function rpoplpush(c: Ctx, args: Args): void {
  move(c, args.argv[1]!, args.argv[2]!, 'tail', 'head');
}

// -------------------------------------------------------------------------------------------
// Blocking pops

/** BLPOP/BRPOP key [key ...] timeout */
function bpop(c: Ctx, args: Args, where: Where): void {
  const argv = args.argv;
  const timeoutMs = parseTimeout(argv[argv.length - 1]!);
  const keys = argv.slice(1, -1) as string[];
  for (const key of keys) {
    const list = peekList(c, key);
    if (list === undefined || list.length === 0) continue;
    c.db.getForWrite(key);
    const value = list.pop(where)!;
    c.reply.array(2);
    c.reply.bulk(key);
    c.reply.bulk(value);
    elementsRemoved(c, key, list, where, 1);
    c.propagate([POP_NAME[where], key]);
    return;
  }
  const blocking = c.server.blocking;
  if (!blocking.canBlock(c)) {
    c.reply.nullArray();
    return;
  }
  blocking.block(c, {
    keys,
    timeoutMs,
    kind: 'list',
    serve: (key) => {
      const v = c.db.get(key);
      if (v === undefined || !isList(v) || v.length === 0) return false;
      c.propagate([POP_NAME[where], key]);
      c.db.getForWrite(key);
      const value = v.pop(where)!;
      c.reply.array(2);
      c.reply.bulk(key);
      c.reply.bulk(value);
      elementsRemoved(c, key, v, where, 1);
      return true;
    },
    onTimeout: () => c.reply.nullArray(),
  });
}

/** BLPOP key [key ...] timeout */
function blpop(c: Ctx, args: Args): void {
  bpop(c, args, 'head');
}
/** BRPOP key [key ...] timeout */
function brpop(c: Ctx, args: Args): void {
  bpop(c, args, 'tail');
}

/** BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count] — the timeout is read after the rest. */
function blmpop(c: Ctx, args: Args): void {
  const argv = args.argv;
  const { keys, where, count } = parseMpop(argv, 2);
  const timeoutMs = parseTimeout(argv[1]!);
  for (const key of keys) {
    const list = peekList(c, key);
    if (list === undefined || list.length === 0) continue;
    popRangeWithKey(c, key, list, where, count);
    return;
  }
  const blocking = c.server.blocking;
  if (!blocking.canBlock(c)) {
    c.reply.nullArray();
    return;
  }
  blocking.block(c, {
    keys,
    timeoutMs,
    kind: 'list',
    serve: (key) => {
      const v = c.db.get(key);
      if (v === undefined || !isList(v) || v.length === 0) return false;
      popRangeWithKey(c, key, v, where, count);
      return true;
    },
    onTimeout: () => c.reply.nullArray(),
  });
}

/**
 * BLMOVE/BRPOPLPUSH: moves at once when the source has data (propagated as LMOVE /
 * RPOPLPUSH), else blocks on the source.
 */
function bmove(c: Ctx, srcKey: string, dstKey: string, from: Where, to: Where, timeoutMs: number, rpoplpushForm: boolean): void {
  const src = peekList(c, srcKey);
  if (src !== undefined && src.length > 0) {
    const argv = c.currentArgv ?? [];
    moveElement(c, srcKey, src, dstKey, from, to);
    c.propagate(rpoplpushForm ? ['RPOPLPUSH', srcKey, dstKey] : ['LMOVE', srcKey, dstKey, argv[3]!, argv[4]!]);
    return;
  }
  const blocking = c.server.blocking;
  if (!blocking.canBlock(c)) {
    c.reply.nullBulk();
    return;
  }
  blocking.block(c, {
    keys: [srcKey],
    timeoutMs,
    kind: 'list',
    serve: (key) => {
      const v = c.db.get(key);
      if (v === undefined || !isList(v) || v.length === 0) return false;
      moveElement(c, key, v, dstKey, from, to);
      c.propagate(rpoplpushForm ? ['RPOPLPUSH', key, dstKey] : ['LMOVE', key, dstKey, POSITION_NAME[from], POSITION_NAME[to]]);
      return true;
    },
    onTimeout: () => c.reply.nullArray(),
  });
}

/** BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout */
function blmove(c: Ctx, args: Args): void {
  const argv = args.argv;
  const from = position(argv[3]!);
  const to = position(argv[4]!);
  const timeoutMs = parseTimeout(argv[5]!);
  bmove(c, argv[1]!, argv[2]!, from, to, timeoutMs, false);
}

/** BRPOPLPUSH source destination timeout */
function brpoplpush(c: Ctx, args: Args): void {
  const argv = args.argv;
  const timeoutMs = parseTimeout(argv[3]!);
  bmove(c, argv[1]!, argv[2]!, 'tail', 'head', timeoutMs, true);
}

// -------------------------------------------------------------------------------------------
// DEBUG QUICKLIST-PACKED-THRESHOLD <size>

/** Redis memtoull: digits with an optional unit (b, k, kb, m, mb, g, gb); null when invalid. */
function memtoull(s: string): number | null {
  const m = /^(\d*)(b|k|kb|m|mb|g|gb)?$/i.exec(s);
  if (m === null) return null;
  const mul: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 * 1024, g: 1e9, gb: 1024 * 1024 * 1024 };
  return Number(m[1] === '' ? 0 : m[1]) * mul[(m[2] ?? '').toLowerCase()]!;
}

debugSubcommands.set('quicklist-packed-threshold', (c: Ctx, args: Args) => {
  const rest = args.rest();
  if (rest.length !== 1) throw debugSyntaxError(args.argv[1]!);
  const size = memtoull(rest[0]!);
  if (size === null || !setPackedThreshold(size)) throw err('argument must be a memory value bigger than 1 and smaller than 4gb');
  c.reply.ok();
});

// -------------------------------------------------------------------------------------------
// Table

/** Keys of LMPOP/BLMPOP: numkeys at `at`, then the keys. */
function keysByNumkeys(argv: readonly string[], at: number): number[] {
  const num = argv[at] === undefined ? 0 : Number(string2int(argv[at]!) ?? 0);
  if (!(num >= 1) || num > argv.length - (at + 1)) return [];
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(at + 1 + i);
  return out;
}

const L: ['list'] = ['list'];
const G = 'list';
const PUSH_COMPLEXITY = 'O(1) for each element added.';

export const commands: CommandSpec[] = [
  { name: 'lpush', arity: -3, flags: ['write', 'denyoom', 'fast'], keys: KEY1, acl: L, group: G, since: '1.0.0', summary: 'Prepends elements to a list, creating it if needed.', complexity: PUSH_COMPLEXITY, handler: lpush },
  { name: 'rpush', arity: -3, flags: ['write', 'denyoom', 'fast'], keys: KEY1, acl: L, group: G, since: '1.0.0', summary: 'Appends elements to a list, creating it if needed.', complexity: PUSH_COMPLEXITY, handler: rpush },
  { name: 'lpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], keys: KEY1, acl: L, group: G, since: '2.2.0', summary: 'Prepends elements to a list only when the list exists.', complexity: PUSH_COMPLEXITY, handler: lpushx },
  { name: 'rpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], keys: KEY1, acl: L, group: G, since: '2.2.0', summary: 'Appends elements to a list only when the list exists.', complexity: PUSH_COMPLEXITY, handler: rpushx },
  { name: 'lpop', arity: -2, flags: ['write', 'fast'], keys: KEY1, acl: L, group: G, since: '1.0.0', summary: 'Removes and returns the first elements of a list.', complexity: 'O(N) for N elements returned.', handler: lpop },
  { name: 'rpop', arity: -2, flags: ['write', 'fast'], keys: KEY1, acl: L, group: G, since: '1.0.0', summary: 'Removes and returns the last elements of a list.', complexity: 'O(N) for N elements returned.', handler: rpop },
  { name: 'llen', arity: 2, flags: ['readonly', 'fast'], keys: KEY1, acl: L, group: G, since: '1.0.0', summary: 'Returns the length of a list.', complexity: 'O(1)', handler: llen },
  { name: 'lrange', arity: 4, flags: ['readonly'], keys: KEY1, acl: L, group: G, since: '1.0.0', summary: 'Returns a range of elements of a list.', complexity: 'O(S+N): S to reach the start from the nearer end, N elements returned.', handler: lrange },
  { name: 'lindex', arity: 3, flags: ['readonly'], keys: KEY1, acl: L, group: G, since: '1.0.0', summary: 'Returns the element at an index of a list.', complexity: 'O(N) to reach the index from the nearer end.', handler: lindex },
  { name: 'lset', arity: 4, flags: ['write', 'denyoom'], keys: KEY1, acl: L, group: G, since: '1.0.0', summary: 'Replaces the element at an index of a list.', complexity: 'O(N) to reach the index from the nearer end.', handler: lset },
  { name: 'linsert', arity: 5, flags: ['write', 'denyoom'], keys: KEY1, acl: L, group: G, since: '2.2.0', summary: 'Inserts an element before or after another element of a list.', complexity: 'O(N) to find the pivot from the head.', handler: linsert },
  { name: 'lrem', arity: 4, flags: ['write'], keys: KEY1, acl: L, group: G, since: '1.0.0', summary: 'Removes elements equal to a value from a list.', complexity: 'O(N+M): N elements scanned, M removed.', handler: lrem },
  { name: 'ltrim', arity: 4, flags: ['write'], keys: KEY1, acl: L, group: G, since: '1.0.0', summary: 'Keeps only a range of elements of a list.', complexity: 'O(N) for N elements removed.', handler: ltrim },
  { name: 'lpos', arity: -3, flags: ['readonly'], keys: KEY1, acl: L, group: G, since: '6.0.6', summary: 'Returns the indexes of elements equal to a value in a list.', complexity: 'O(N) for N elements scanned.', handler: lpos },
  { name: 'lmove', arity: 5, flags: ['write', 'denyoom'], keys: [1, 2, 1], acl: L, group: G, since: '6.2.0', summary: 'Pops an element from one end of a list and pushes it onto an end of another.', complexity: 'O(1)', handler: lmove },
  { name: 'rpoplpush', arity: 3, flags: ['write', 'denyoom'], keys: [1, 2, 1], acl: L, group: G, since: '1.2.0', summary: 'Pops the last element of a list and prepends it to another.', complexity: 'O(1)', handler: rpoplpush },
  { name: 'lmpop', arity: -4, flags: ['write', 'movablekeys'], keys: [0, 0, 0], acl: L, group: G, since: '7.0.0', summary: 'Pops elements from the first non-empty of several lists.', complexity: 'O(N+M): N keys, M elements popped.', getKeys: (argv) => keysByNumkeys(argv, 1), handler: lmpop },
  { name: 'blpop', arity: -3, flags: ['write', 'noscript', 'blocking'], keys: [1, -2, 1], acl: L, group: G, since: '2.0.0', summary: 'Pops the first element of the first non-empty list, or waits for one.', complexity: 'O(N) for N keys.', handler: blpop },
  { name: 'brpop', arity: -3, flags: ['write', 'noscript', 'blocking'], keys: [1, -2, 1], acl: L, group: G, since: '2.0.0', summary: 'Pops the last element of the first non-empty list, or waits for one.', complexity: 'O(N) for N keys.', handler: brpop },
  { name: 'blmove', arity: 6, flags: ['write', 'denyoom', 'noscript', 'blocking'], keys: [1, 2, 1], acl: L, group: G, since: '6.2.0', summary: 'Moves an element between lists, or waits for the source to have one.', complexity: 'O(1)', handler: blmove },
  { name: 'brpoplpush', arity: 4, flags: ['write', 'denyoom', 'noscript', 'blocking'], keys: [1, 2, 1], acl: L, group: G, since: '2.2.0', summary: 'Pops the last element of a list onto the head of another, or waits for one.', complexity: 'O(1)', handler: brpoplpush },
  { name: 'blmpop', arity: -5, flags: ['write', 'blocking', 'movablekeys'], keys: [0, 0, 0], acl: L, group: G, since: '7.0.0', summary: 'Pops elements from the first non-empty of several lists, or waits for one.', complexity: 'O(N+M): N keys, M elements popped.', getKeys: (argv) => keysByNumkeys(argv, 2), handler: blmpop },
];
