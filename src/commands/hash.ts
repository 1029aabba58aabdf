/**
 * Hash commands (the hash group), as Redis 7.0's t_hash.c answers them.
 *
 * Handlers read arguments, call the RHash type (src/types/hash.ts) and reply. Every change
 * goes through db.getForWrite / db.set / db.delete and ends in c.wrote with Redis's event
 * name; a hash left empty is deleted with a `del` event. Also exported for the set (and
 * sorted set) families: the *SCAN cursor and option parsing.
 */

import type { CommandSpec, Ctx, Args } from './types.js';
import { E, KEY1, ReplyError, err } from './types.js';
import { RHash } from '../types/hash.js';
import { globMatch } from '../util/glob.js';
import { INT64_MAX, INT64_MIN, intString, string2int, string2ll } from '../util/number.js';
import { addLongDouble, formatLongDoubleHuman, isFiniteLongDouble, parseLongDouble } from '../util/longdouble.js';

/** 0 as a long double: Redis starts a missing field at 0 and adds (so -0 + 0 prints "0"). */
const LD_ZERO = parseLongDouble('0')!;

// ---------------------------------------------------------------------------------------------
// Shared helpers (also used by the set family)

/**
 * The epilogue for a command that made `changes` changes to one key: c.wrote counts one, the
 * rest are added so the dirty counter moves as Redis's server.dirty does.
 */
export function wroteMany(c: Ctx, key: string, event: string, type: string, changes: number): void {
  c.wrote(key, event, type);
  if (changes > 1) c.server.store.dirty += changes - 1;
}

/** The generic `del` keyspace event Redis adds when a command empties (and removes) a key. */
export function delEvent(c: Ctx, key: string): void {
  c.server.store.hooks.keyspaceEvent('g', 'del', key, c.db.id);
}

/**
 * A *SCAN cursor as Redis's parseScanCursorOrReply reads it (strtoul: optional sign, decimal
 * digits, an empty string is 0; no leading space, no trailing bytes, no overflow). Returns
 * the cursor as a number; cursors we never handed out (or beyond 2^53) come back as -1, which
 * the iterators treat as "start again" (safe: they may repeat, never miss).
 */
export function parseScanCursor(s: string): number {
  let i = 0;
  const n = s.length;
  if (n > 0) {
    const c0 = s.charCodeAt(0);
    // isspace: ' ', \t \n \v \f \r
    if (c0 === 32 || (c0 >= 9 && c0 <= 13)) throw err('invalid cursor');
  }
  let neg = false;
  if (i < n && (s[i] === '+' || s[i] === '-')) {
    neg = s[i] === '-';
    i++;
  }
  const start = i;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  if (i === start) {
    // No digits: strtoul consumes nothing, so only the empty string passes.
    if (n === 0) return 0;
    throw err('invalid cursor');
  }
  if (i !== n) throw err('invalid cursor');
  let v = BigInt(s.slice(start, i));
  if (v > 0xffffffffffffffffn) throw err('invalid cursor');
  if (neg) v = (0x10000000000000000n - v) & 0xffffffffffffffffn;
  return v <= 2n ** 52n ? Number(v) : -1;
}

export interface ScanOptions {
  count: number;
  /** null when there is no MATCH or it is exactly "*". */
  pattern: string | null;
}

/** The COUNT / MATCH options of HSCAN, SSCAN and ZSCAN (Redis's scanGenericCommand). */
export function readScanOptions(args: Args): ScanOptions {
  let count = 10;
  let pattern: string | null = null;
  while (args.more()) {
    const opt = args.next().toUpperCase();
    if (opt === 'COUNT' && args.more()) {
      count = args.int();
      if (count < 1) throw new ReplyError(E.syntax);
    } else if (opt === 'MATCH' && args.more()) {
      const p = args.next();
      pattern = p === '*' ? null : p;
    } else {
      throw new ReplyError(E.syntax);
    }
  }
  return { count, pattern };
}

/** The reply of an empty or missing collection's *SCAN. */
export function replyEmptyScan(c: Ctx): void {
  c.reply.raw('*2\r\n$1\r\n0\r\n*0\r\n');
}

// ---------------------------------------------------------------------------------------------
// Lookups

/** The hash at key for reading: undefined when absent, WRONGTYPE when another type. */
function readHash(c: Ctx, key: string): RHash | undefined {
  const v = c.db.get(key);
  if (v === undefined) return undefined;
  if (typeof v !== 'string' && v.kind === 'hash') return v;
  throw new ReplyError(E.wrongType);
}

/** The hash at key to change in place: undefined when absent, WRONGTYPE when another type. */
function writeHash(c: Ctx, key: string): RHash | undefined {
  const v = c.db.getForWrite(key);
  if (v === undefined) return undefined;
  if (typeof v !== 'string' && v.kind === 'hash') return v;
  throw new ReplyError(E.wrongType);
}

// ---------------------------------------------------------------------------------------------
// Handlers

/** HSET key field value [field value ...] / HMSET (same, replies OK) */
function hset(c: Ctx, args: Args): void {
  const argv = args.argv;
  const n = argv.length;
  if (n % 2 === 1) throw new ReplyError(E.wrongArity(c.currentSpec!.name));
  const key = argv[1]!;
  const existing = writeHash(c, key);
  const h = existing ?? new RHash();
  let created = 0;
  for (let i = 2; i < n; i += 2) if (h.set(argv[i]!, argv[i + 1]!)) created++;
  if (existing === undefined) c.db.set(key, h);
  wroteMany(c, key, 'hset', 'h', (n - 2) / 2);
  // Redis tells the two apart by the second letter: HSET replies a count, HMSET OK.
  const second = argv[0]!.charCodeAt(1);
  if (second === 115 || second === 83) c.reply.int(created);
  else c.reply.ok();
}

/** HSETNX key field value */
function hsetnx(c: Ctx, args: Args): void {
  const key = args.key();
  const field = args.next();
  const value = args.next();
  const existing = writeHash(c, key);
  if (existing !== undefined && existing.has(field)) {
    c.reply.int(0);
    return;
  }
  const h = existing ?? new RHash();
  h.set(field, value);
  if (existing === undefined) c.db.set(key, h);
  c.wrote(key, 'hset', 'h');
  c.reply.int(1);
}

/** HGET key field */
function hget(c: Ctx, args: Args): void {
  const h = readHash(c, args.key());
  c.reply.bulkOrNull(h?.get(args.next()));
}

/** HMGET key field [field ...] */
function hmget(c: Ctx, args: Args): void {
  const h = readHash(c, args.key());
  const argv = args.argv;
  const reply = c.reply;
  reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) reply.bulkOrNull(h?.get(argv[i]!));
}

/** HDEL key field [field ...] */
function hdel(c: Ctx, args: Args): void {
  const key = args.key();
  const h = writeHash(c, key);
  if (h === undefined) {
    c.reply.int(0);
    return;
  }
  const argv = args.argv;
  let deleted = 0;
  let removed = false;
  for (let i = 2; i < argv.length; i++) {
    if (h.delete(argv[i]!)) {
      deleted++;
      if (h.size === 0) {
        c.db.delete(key);
        removed = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    wroteMany(c, key, 'hdel', 'h', deleted);
    if (removed) delEvent(c, key);
  }
  c.reply.int(deleted);
}

/** HLEN key */
function hlen(c: Ctx, args: Args): void {
  c.reply.int(readHash(c, args.key())?.size ?? 0);
}

/** HSTRLEN key field */
function hstrlen(c: Ctx, args: Args): void {
  const h = readHash(c, args.key());
  c.reply.int(h?.get(args.next())?.length ?? 0);
}

/** HEXISTS key field */
function hexists(c: Ctx, args: Args): void {
  const h = readHash(c, args.key());
  c.reply.int(h !== undefined && h.has(args.next()) ? 1 : 0);
}

/** Replies every field (from = 0) or every value (from = 1) of the hash at key, in its order. */
function replyHalves(c: Ctx, key: string, from: 0 | 1): void {
  const h = readHash(c, key);
  if (h === undefined) {
    c.reply.array(0);
    return;
  }
  const a = h.flat();
  c.reply.array(a.length >> 1);
  for (let i = from; i < a.length; i += 2) c.reply.bulk(a[i]!);
}

/** HKEYS key — fields in the hash's order (listpack: insertion order). */
function hkeys(c: Ctx, args: Args): void {
  replyHalves(c, args.key(), 0);
}

/** HVALS key */
function hvals(c: Ctx, args: Args): void {
  replyHalves(c, args.key(), 1);
}

/** HGETALL key — a map in RESP3. */
function hgetall(c: Ctx, args: Args): void {
  const h = readHash(c, args.key());
  const reply = c.reply;
  if (h === undefined) {
    reply.map(0);
    return;
  }
  const a = h.flat();
  reply.map(a.length >> 1);
  for (let i = 0; i < a.length; i++) reply.bulk(a[i]!);
}

/** HINCRBY key field increment */
function hincrby(c: Ctx, args: Args): void {
  const key = args.key();
  const field = args.next();
  const incrArg = args.next();
  const incrSmall = incrArg.length < 16 ? string2int(incrArg) : null;
  const incr = incrSmall === null ? string2ll(incrArg) : null;
  if (incrSmall === null && incr === null) throw new ReplyError(E.notInteger);
  const existing = writeHash(c, key);
  const h = existing ?? new RHash();
  const old = existing?.get(field);
  let result: string;
  if (old !== undefined && old.length < 16 && incrSmall !== null) {
    // Fast path: both fit 15 digits, so the sum is exact in a double and within int64.
    const v = string2int(old);
    if (v === null) throw new ReplyError(E.hashNotInteger);
    result = intString(v + incrSmall);
  } else if (old === undefined && incrSmall !== null) {
    result = incrArg;
  } else {
    let v = 0n;
    if (old !== undefined) {
      const parsed = string2ll(old);
      if (parsed === null) throw new ReplyError(E.hashNotInteger);
      v = parsed;
    }
    v += incr ?? BigInt(incrSmall!);
    if (v > INT64_MAX || v < INT64_MIN) throw new ReplyError(E.overflow);
    result = String(v);
  }
  h.set(field, result);
  if (existing === undefined) c.db.set(key, h);
  c.wrote(key, 'hincrby', 'h');
  c.reply.raw(':' + result + '\r\n');
}

/**
 * HINCRBYFLOAT key field increment — in 80-bit long double as Redis on x86-64 computes it,
 * printed as ld2string's human mode ("%.17Lf", trailing zeros cut); propagated as
 * HSET key field <result> so replicas and the AOF never redo the float arithmetic.
 */
function hincrbyfloat(c: Ctx, args: Args): void {
  const key = args.key();
  const field = args.next();
  const incr = parseLongDouble(args.next());
  if (incr === null) throw new ReplyError(E.notFloat);
  if (!isFiniteLongDouble(incr)) throw err('value is NaN or Infinity');
  const existing = writeHash(c, key);
  const h = existing ?? new RHash();
  const old = existing?.get(field);
  const current = old === undefined ? LD_ZERO : parseLongDouble(old);
  if (current === null) throw new ReplyError(E.hashNotFloat);
  const value = addLongDouble(current, incr);
  if (!isFiniteLongDouble(value)) throw new ReplyError(E.incrNotValidFloat);
  const result = formatLongDoubleHuman(value);
  h.set(field, result);
  if (existing === undefined) c.db.set(key, h);
  c.wrote(key, 'hincrbyfloat', 'h');
  c.propagate(['HSET', key, field, result]);
  c.reply.bulk(result);
}

/** HRANDFIELD key [count [WITHVALUES]] */
function hrandfield(c: Ctx, args: Args): void {
  const key = args.key();
  const reply = c.reply;
  if (args.more()) {
    const count = readRandomCount(args);
    let withValues = false;
    if (args.more()) {
      if (args.remaining > 1 || args.peekUpper() !== 'WITHVALUES') throw new ReplyError(E.syntax);
      args.next();
      withValues = true;
      if (count < -HALF_LONG_MAX || count > HALF_LONG_MAX) throw err('value is out of range');
    }
    hrandfieldWithCount(c, key, Number(count), withValues);
    return;
  }
  const h = readHash(c, key);
  if (h === undefined) {
    reply.nullBulk();
    return;
  }
  reply.bulk(h.flat()[h.randomPos()]!);
}

const HALF_LONG_MAX = INT64_MAX / 2n;

/** The count of HRANDFIELD / SRANDMEMBER: an integer in [-LONG_MAX, LONG_MAX] (not LONG_MIN). */
export function readRandomCount(args: Args): bigint {
  const v = args.int64();
  if (v < -INT64_MAX) throw err('value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  return v;
}

/**
 * The most elements a random-pick reply may hold. Redis streams such replies without bound
 * (until memory runs out); a reply here is one string, which V8 caps near 2^29 bytes, so a
 * larger request is refused up front instead of failing halfway through the reply.
 */
export const MAX_RANDOM_REPLY = 2 ** 25;

function hrandfieldWithCount(c: Ctx, key: string, l: number, withValues: boolean): void {
  const reply = c.reply;
  const h = readHash(c, key);
  if (h === undefined || l === 0) {
    reply.array(0);
    return;
  }
  const resp3 = reply.proto === 3;
  const a = h.flat();
  const size = h.size;
  const unique = l > 0;
  const count = Math.abs(l);
  /** Replies one field (and its value): a pair array in RESP3, flat in RESP2. */
  const emit = (pos: number): void => {
    if (withValues) {
      if (resp3) reply.array(2);
      reply.bulk(a[pos]!);
      reply.bulk(a[pos + 1]!);
    } else {
      reply.bulk(a[pos]!);
    }
  };
  // Case 1: repetitions allowed (negative count), or a single pick.
  if (!unique || count === 1) {
    if (count > MAX_RANDOM_REPLY) throw err('reply would be too large');
    reply.array(withValues && !resp3 ? count * 2 : count);
    for (let i = 0; i < count; i++) emit(h.randomPos());
    return;
  }
  const n = Math.min(count, size);
  reply.array(withValues && !resp3 ? n * 2 : n);
  // Case 2: the whole hash.
  if (count >= size) {
    for (let pos = 0; pos < a.length; pos += 2) emit(pos);
    return;
  }
  // Cases 3 and 4: distinct random fields.
  for (const pos of h.sample(count)) emit(pos);
}

/** HSCAN key cursor [MATCH pattern] [COUNT count] */
function hscan(c: Ctx, args: Args): void {
  const key = args.key();
  const cursor = parseScanCursor(args.next());
  const h = readHash(c, key);
  if (h === undefined) {
    replyEmptyScan(c);
    return;
  }
  const { count, pattern } = readScanOptions(args);
  const out: string[] = [];
  const next = h.scan(cursor, count, (f, v) => {
    if (pattern === null || globMatch(pattern, f)) out.push(f, v);
  });
  const reply = c.reply;
  reply.array(2);
  reply.bulk(String(next));
  reply.bulks(out);
}

export const commands: CommandSpec[] = [
  { name: 'hset', arity: -4, flags: ['write', 'denyoom', 'fast'], keys: KEY1, acl: ['hash'], group: 'hash', since: '2.0.0', summary: 'Sets fields of a hash to values, creating the hash if needed.', complexity: 'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.', handler: hset },
  { name: 'hsetnx', arity: 4, flags: ['write', 'denyoom', 'fast'], keys: KEY1, acl: ['hash'], group: 'hash', since: '2.0.0', summary: 'Sets a hash field only when it does not exist yet.', complexity: 'O(1)', handler: hsetnx },
  { name: 'hget', arity: 3, flags: ['readonly', 'fast'], keys: KEY1, acl: ['hash'], group: 'hash', since: '2.0.0', summary: 'Returns the value of a hash field.', complexity: 'O(1)', handler: hget },
  { name: 'hmset', arity: -4, flags: ['write', 'denyoom', 'fast'], keys: KEY1, acl: ['hash'], group: 'hash', since: '2.0.0', summary: 'Sets fields of a hash to values (deprecated form of HSET, replies OK).', complexity: 'O(N) where N is the number of fields being set.', handler: hset },
  { name: 'hmget', arity: -3, flags: ['readonly', 'fast'], keys: KEY1, acl: ['hash'], group: 'hash', since: '2.0.0', summary: 'Returns the values of several hash fields.', complexity: 'O(N) where N is the number of fields being requested.', handler: hmget },
  { name: 'hdel', arity: -3, flags: ['write', 'fast'], keys: KEY1, acl: ['hash'], group: 'hash', since: '2.0.0', summary: 'Removes fields from a hash, deleting the hash when it empties.', complexity: 'O(N) where N is the number of fields to be removed.', handler: hdel },
  { name: 'hlen', arity: 2, flags: ['readonly', 'fast'], keys: KEY1, acl: ['hash'], group: 'hash', since: '2.0.0', summary: 'Returns the number of fields in a hash.', complexity: 'O(1)', handler: hlen },
  { name: 'hstrlen', arity: 3, flags: ['readonly', 'fast'], keys: KEY1, acl: ['hash'], group: 'hash', since: '3.2.0', summary: 'Returns the length in bytes of a hash field value.', complexity: 'O(1)', handler: hstrlen },
  { name: 'hexists', arity: 3, flags: ['readonly', 'fast'], keys: KEY1, acl: ['hash'], group: 'hash', since: '2.0.0', summary: 'Tells whether a hash field exists.', complexity: 'O(1)', handler: hexists },
  { name: 'hkeys', arity: 2, flags: ['readonly'], keys: KEY1, acl: ['hash'], group: 'hash', since: '2.0.0', summary: 'Returns every field of a hash.', complexity: 'O(N) where N is the size of the hash.', tips: ['nondeterministic_output_order'], handler: hkeys },
  { name: 'hvals', arity: 2, flags: ['readonly'], keys: KEY1, acl: ['hash'], group: 'hash', since: '2.0.0', summary: 'Returns every value of a hash.', complexity: 'O(N) where N is the size of the hash.', tips: ['nondeterministic_output_order'], handler: hvals },
  { name: 'hgetall', arity: 2, flags: ['readonly'], keys: KEY1, acl: ['hash'], group: 'hash', since: '2.0.0', summary: 'Returns every field and value of a hash.', complexity: 'O(N) where N is the size of the hash.', tips: ['nondeterministic_output_order'], handler: hgetall },
  { name: 'hincrby', arity: 4, flags: ['write', 'denyoom', 'fast'], keys: KEY1, acl: ['hash'], group: 'hash', since: '2.0.0', summary: 'Adds an integer to the integer in a hash field.', complexity: 'O(1)', handler: hincrby },
  { name: 'hincrbyfloat', arity: 4, flags: ['write', 'denyoom', 'fast'], keys: KEY1, acl: ['hash'], group: 'hash', since: '2.6.0', summary: 'Adds a float to the number in a hash field.', complexity: 'O(1)', handler: hincrbyfloat },
  { name: 'hrandfield', arity: -2, flags: ['readonly'], keys: KEY1, acl: ['hash'], group: 'hash', since: '6.2.0', summary: 'Returns one or more random fields of a hash, optionally with their values.', complexity: 'O(N) where N is the number of fields returned', tips: ['nondeterministic_output'], handler: hrandfield },
  { name: 'hscan', arity: -3, flags: ['readonly'], keys: KEY1, acl: ['hash'], group: 'hash', since: '2.8.0', summary: 'Iterates over the fields and values of a hash.', complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..', tips: ['nondeterministic_output'], handler: hscan },
];
