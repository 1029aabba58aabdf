/**
 * String commands (the string group): GET/SET and their variants, counters, ranges, LCS.
 *
 * A string value is a JS latin1 string (one char per byte), stored as is: there is no
 * integer encoding to keep in step, OBJECT ENCODING derives it from the text
 * (store/values.ts stringEncoding). Strings are immutable, so an "in place" change
 * (APPEND, SETRANGE, INCR) stores a new string over the key with its TTL kept, which is
 * what Redis's dbOverwrite does.
 *
 * Lookups follow Redis's split: read commands (GET, MGET, STRLEN, ...) count keyspace
 * hits and misses, write commands don't. Both expire a stale key first, so that its DEL
 * is propagated before the command's own effect, as in Redis.
 *
 * Propagation follows Redis 7.0's t_string.c: relative expiries become `SET key value
 * PXAT <ms>` / `PEXPIREAT key <ms>`, GETDEL becomes DEL, GETSET becomes SET, INCRBYFLOAT
 * becomes `SET key <result> KEEPTTL`, SET ... GET drops its GET tokens.
 *
 * Imports: commands/types, util (numbers, long double). No server import.
 */

import { constants as bufferConstants } from 'node:buffer';
import type { Args, CommandSpec, Ctx } from './types.js';
import { E, KEY1, ReplyError, err } from './types.js';
import type { Db } from '../store/db.js';
import type { Store } from '../store/store.js';
import { stringEncoding } from '../store/values.js';
import { INT64_MAX, INT64_MIN, intString, string2int, string2ll } from '../util/number.js';
import { addLongDouble, formatLongDoubleHuman, parseLongDouble } from '../util/longdouble.js';

// ---------------------------------------------------------------------------------------
// Shared helpers

/** Longest string V8 can hold; Redis's limit (proto-max-bulk-len, 512MB) is a little higher. */
const MAX_JS_STRING = bufferConstants.MAX_STRING_LENGTH;

const DECREMENT_OVERFLOW = 'ERR decrement would overflow';
const OFFSET_OUT_OF_RANGE = 'ERR offset is out of range';

/** Emits a keyspace event without counting another change (the key was counted already). */
function notify(c: Ctx, type: string, event: string, key: string): void {
  c.server.store.hooks.keyspaceEvent(type, event, key, c.db.id);
}

/**
 * Looks a key up the way Redis's lookupKeyRead does: lazy expiry, keyspace hit/miss
 * counted. Returns the string, undefined when absent; WRONGTYPE for another type.
 */
function readString(c: Ctx, key: string): string | undefined {
  const v = c.db.get(key);
  const stats = c.server.store.stats;
  if (v === undefined) {
    stats.keyspaceMisses++;
    return undefined;
  }
  stats.keyspaceHits++;
  if (typeof v !== 'string') throw new ReplyError(E.wrongType);
  return v;
}

/** Looks a key up for writing (lazy expiry, no stats); WRONGTYPE for another type. */
function writeString(c: Ctx, key: string): string | undefined {
  const v = c.db.get(key);
  if (v === undefined || typeof v === 'string') return v;
  throw new ReplyError(E.wrongType);
}

/**
 * Redis's checkStringLength: the string a command would build must not pass
 * proto-max-bulk-len. Checked before anything is allocated. Commands replayed while
 * loading obey without the check, as Redis's mustObeyClient does.
 */
function checkStringLength(c: Ctx, size: number, append: number): void {
  if (c.server.store.loading) return;
  const total = size + append;
  if (total > c.server.config.num('proto-max-bulk-len')) throw new ReplyError(E.stringTooLong);
  // Deviation: V8 caps strings a few bytes below 512MB; answer as if the limit were hit.
  if (total > MAX_JS_STRING) throw new ReplyError(E.stringTooLong);
}

/**
 * A C string view of an option: C compares options with strcasecmp and `opt[n] == '\0'`,
 * so an embedded NUL ends the option ("NX\0junk" reads as NX).
 */
function cstr(s: string): string {
  const nul = s.indexOf('\0');
  return (nul < 0 ? s : s.slice(0, nul)).toUpperCase();
}

// ---------------------------------------------------------------------------------------
// OBJECT ENCODING of strings changed in place

/**
 * Redis keeps a string it changed in place (APPEND to an existing key, SETRANGE) in the
 * `raw` encoding, even when its text alone would be `int` or `embstr` (≤ 44 bytes), until
 * the value is replaced. A JS string cannot carry that flag, so such keys are remembered
 * here with the exact value they had: the mark holds while the key still has that value
 * (an EXPIRE keeps it) and is dropped as soon as the key changes, is deleted or its
 * database is flushed; the string commands that replace a value drop it explicitly (a
 * replacement with the same text is otherwise invisible). Only short values are marked
 * (longer ones are `raw` anyway), so the table stays small.
 */
const rawMarks = new WeakMap<Db, Map<string, string>>();
const rawTracking = new WeakSet<Store>();
/** Marks in existence (all stores): the replace paths skip the lookup while it is 0. */
let rawMarkCount = 0;

function dropMark(marks: Map<string, string>, key: string): void {
  if (marks.delete(key)) rawMarkCount--;
}

/** Chains the store hooks that drop stale marks (once per store, on first use). */
function trackRaw(store: Store): void {
  if (rawTracking.has(store)) return;
  rawTracking.add(store);
  const hooks = store.hooks;
  const modified = hooks.modified;
  hooks.modified = (db, key) => {
    const marks = rawMarks.get(db);
    if (marks !== undefined && marks.size !== 0) {
      const v = marks.get(key);
      if (v !== undefined && db.dict.get(key) !== v) dropMark(marks, key);
    }
    modified(db, key);
  };
  const beforeFlush = hooks.beforeFlush;
  hooks.beforeFlush = (db) => {
    const marks = rawMarks.get(db);
    if (marks !== undefined) {
      rawMarkCount -= marks.size;
      marks.clear();
    }
    beforeFlush(db);
  };
}

/**
 * Records that key now holds `value` in Redis's raw encoding (call after `c.wrote`).
 * For in-place string writers: APPEND, SETRANGE, and the bitmap commands.
 */
export function markRawString(db: Db, key: string, value: string): void {
  if (value.length > 44) {
    unmarkRawString(db, key);
    return;
  }
  trackRaw(db.store);
  let marks = rawMarks.get(db);
  if (marks === undefined) {
    marks = new Map();
    rawMarks.set(db, marks);
  }
  if (!marks.has(key)) rawMarkCount++;
  marks.set(key, value);
}

/**
 * Forgets the raw mark of key: its value was replaced by a new object (even one with the
 * same text, which the hook alone cannot tell apart). Cheap when nothing is marked.
 */
export function unmarkRawString(db: Db, key: string): void {
  if (rawMarkCount === 0) return;
  const marks = rawMarks.get(db);
  if (marks !== undefined) dropMark(marks, key);
}

/**
 * Gives key (just written with a value moved or copied from another key) the source's
 * string encoding: RENAME and MOVE move Redis's object and COPY duplicates it, so a raw
 * string stays raw. `raw` is the source's encoding taken before the source changed. Call
 * after the writes' `c.wrote`. Does nothing for other types.
 */
export function carryStringEncoding(db: Db, key: string, value: unknown, raw: boolean): void {
  if (typeof value !== 'string') return;
  if (raw) markRawString(db, key, value);
  else unmarkRawString(db, key);
}

/**
 * Runs `swap` (SWAPDB's store.swap of databases a and b) with the raw marks following
 * their keys to the other database, as Redis swaps whole tables; the flush hook the swap
 * raises would otherwise forget them.
 */
export function swapRawMarks(a: Db, b: Db, swap: () => void): void {
  const ma = rawMarks.get(a);
  const mb = rawMarks.get(b);
  rawMarks.delete(a);
  rawMarks.delete(b);
  swap();
  if (ma !== undefined) rawMarks.set(b, ma);
  if (mb !== undefined) rawMarks.set(a, mb);
}

/** OBJECT ENCODING of the string at key: 'raw' when changed in place, else from its text. */
export function stringEncodingOf(db: Db, key: string, value: string): 'int' | 'embstr' | 'raw' {
  const marks = rawMarks.get(db);
  if (marks !== undefined && marks.get(key) === value) return 'raw';
  return stringEncoding(value);
}

// ---------------------------------------------------------------------------------------
// SET and its extended options

const NX = 1 << 0;
const XX = 1 << 1;
const EX = 1 << 2;
const PX = 1 << 3;
const KEEPTTL = 1 << 4;
const GET = 1 << 5;
const EXAT = 1 << 6;
const PXAT = 1 << 7;
const PERSIST = 1 << 8;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;

interface Extended {
  flags: number;
  /** The expire argument as given, when EX/PX/EXAT/PXAT was used. */
  expire: string | undefined;
}

/**
 * Reads SET's (from argv[3]) or GETEX's (from argv[2]) options exactly as Redis 7.0's
 * parseExtendedStringArgumentsOrReply: any option that conflicts with one already seen,
 * an option of the other command, or an expire option without its argument is a syntax
 * error. Repeats are allowed (the last EX/PX value wins; EX after EX is fine).
 */
function parseExtended(argv: readonly string[], forSet: boolean): Extended {
  let flags = 0;
  let expire: string | undefined;
  for (let j = forSet ? 3 : 2; j < argv.length; j++) {
    const opt = cstr(argv[j]!);
    const hasNext = j < argv.length - 1;
    if (opt === 'NX' && forSet && !(flags & XX)) {
      flags |= NX;
    } else if (opt === 'XX' && forSet && !(flags & NX)) {
      flags |= XX;
    } else if (opt === 'GET' && forSet) {
      flags |= GET;
    } else if (opt === 'KEEPTTL' && forSet && !(flags & (PERSIST | ANY_EXPIRE))) {
      flags |= KEEPTTL;
    } else if (opt === 'PERSIST' && !forSet && !(flags & (ANY_EXPIRE | KEEPTTL))) {
      flags |= PERSIST;
    } else if (opt === 'EX' && !(flags & (KEEPTTL | PERSIST | EXAT | PX | PXAT)) && hasNext) {
      flags |= EX;
      expire = argv[++j];
    } else if (opt === 'PX' && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PXAT)) && hasNext) {
      flags |= PX;
      expire = argv[++j];
    } else if (opt === 'EXAT' && !(flags & (KEEPTTL | PERSIST | EX | PX | PXAT)) && hasNext) {
      flags |= EXAT;
      expire = argv[++j];
    } else if (opt === 'PXAT' && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PX)) && hasNext) {
      flags |= PXAT;
      expire = argv[++j];
    } else {
      throw new ReplyError(E.syntax);
    }
  }
  return { flags, expire };
}

/**
 * Redis's getExpireMillisecondsOrReply: the absolute expire time in ms for an EX/PX/
 * EXAT/PXAT argument. Zero, negative, or overflowing (seconds × 1000, or now + ttl past
 * int64) is "invalid expire time in '<cmd>' command". Kept as a BigInt so the propagated
 * PXAT is exact even beyond 2^53.
 */
function expireAt(c: Ctx, raw: string, flags: number, cmd: string): bigint {
  const v = string2ll(raw);
  if (v === null) throw new ReplyError(E.notInteger);
  const seconds = (flags & (EX | EXAT)) !== 0;
  if (v <= 0n || (seconds && v > INT64_MAX / 1000n)) throw new ReplyError(E.invalidExpire(cmd));
  let ms = seconds ? v * 1000n : v;
  // Relative times count from the real clock (Redis's mstime()), even inside EXEC.
  if (flags & (EX | PX)) ms += BigInt(c.server.store.clock.now());
  if (ms > INT64_MAX) throw new ReplyError(E.invalidExpire(cmd)); // wraps negative in C
  return ms;
}

/** Replies to the GET part of SET ... GET / GETSET / GETDEL (Redis getGenericCommand). */
function replyGet(c: Ctx, key: string): void {
  c.reply.bulkOrNull(readString(c, key));
}

/**
 * Redis's setGenericCommand, shared by SET, SETNX, SETEX and PSETEX. `ok` and `aborted`
 * write the replies for "set" and "not set because of NX/XX".
 */
function setGeneric(
  c: Ctx,
  argv: readonly string[],
  flags: number,
  key: string,
  value: string,
  expire: string | undefined,
  cmd: string,
  ok: () => void,
  aborted: () => void,
): void {
  const ms = expire === undefined ? undefined : expireAt(c, expire, flags, cmd);
  if (flags & GET) replyGet(c, key);
  const db = c.db;
  const found = db.get(key) !== undefined;
  if ((flags & NX && found) || (flags & XX && !found)) {
    if (!(flags & GET)) aborted();
    return;
  }
  db.set(key, value, (flags & KEEPTTL) !== 0);
  unmarkRawString(db, key);
  c.wrote(key, 'set', '$');
  if (ms !== undefined) {
    db.setExpire(key, Number(ms));
    // An expiry, even one already past, is propagated as an absolute SET ... PXAT.
    c.propagate(['SET', key, value, 'PXAT', ms.toString()]);
    notify(c, 'g', 'expire', key);
  }
  if (!(flags & GET)) ok();
  if (flags & GET && ms === undefined) {
    // Propagated without its GET tokens (any argument from the fourth on that reads GET).
    const out: string[] = [];
    for (let j = 0; j < argv.length; j++) {
      if (j >= 3 && cstr(argv[j]!) === 'GET') continue;
      out.push(argv[j]!);
    }
    c.propagate(out);
  }
}

const replyOk = (c: Ctx) => () => c.reply.ok();
const replyNull = (c: Ctx) => () => c.reply.nullBulk();

/** GET key */
function get(c: Ctx, args: Args): void {
  c.reply.bulkOrNull(readString(c, args.argv[1]!));
}

/** SET key value [NX | XX] [GET] [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | KEEPTTL] */
function set(c: Ctx, args: Args): void {
  const argv = args.argv;
  const key = argv[1]!;
  const value = argv[2]!;
  if (argv.length === 3) {
    // Hot path: no options. The lookup still expires a stale key first, as Redis's does
    // (only needed when the database has TTLs at all: the lookup has no other effect).
    const db = c.db;
    if (db.expires.size !== 0) db.get(key);
    db.set(key, value);
    unmarkRawString(db, key);
    c.wrote(key, 'set', '$');
    c.reply.ok();
    return;
  }
  const { flags, expire } = parseExtended(argv, true);
  setGeneric(c, argv, flags, key, value, expire, 'set', replyOk(c), replyNull(c));
}

/** SETNX key value — 1 when set, 0 when the key exists. */
function setnx(c: Ctx, args: Args): void {
  const argv = args.argv;
  setGeneric(c, argv, NX, argv[1]!, argv[2]!, undefined, 'setnx', () => c.reply.int(1), () => c.reply.int(0));
}

/** SETEX key seconds value */
function setex(c: Ctx, args: Args): void {
  const argv = args.argv;
  setGeneric(c, argv, EX, argv[1]!, argv[3]!, argv[2]!, 'setex', replyOk(c), replyNull(c));
}

/** PSETEX key milliseconds value */
function psetex(c: Ctx, args: Args): void {
  const argv = args.argv;
  setGeneric(c, argv, PX, argv[1]!, argv[3]!, argv[2]!, 'psetex', replyOk(c), replyNull(c));
}

/** Whether a time (ms) has passed, as Redis's checkAlreadyExpired (never while loading). */
function alreadyExpired(c: Ctx, when: bigint): boolean {
  return when <= BigInt(c.server.store.clock.now()) && !c.server.store.loading;
}

/** GETEX key [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | PERSIST] */
function getex(c: Ctx, args: Args): void {
  const argv = args.argv;
  const key = argv[1]!;
  const { flags, expire } = parseExtended(argv, false);
  const value = readString(c, key);
  if (value === undefined) {
    c.reply.nullBulk();
    return;
  }
  // Redis validates the time only once the key is known to exist.
  const ms = expire === undefined ? undefined : expireAt(c, expire, flags, 'getex');
  c.reply.bulk(value);
  const db = c.db;
  if (flags & (EXAT | PXAT) && alreadyExpired(c, ms!)) {
    db.delete(key);
    c.propagate([c.server.config.bool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key]);
    c.wrote(key, 'del', 'g');
  } else if (ms !== undefined) {
    db.setExpire(key, Number(ms));
    c.propagate(['PEXPIREAT', key, ms.toString()]);
    c.wrote(key, 'expire', 'g');
  } else if (flags & PERSIST) {
    if (db.persist(key)) {
      c.propagate(['PERSIST', key]);
      c.wrote(key, 'persist', 'g');
    }
  }
}

/** GETDEL key */
function getdel(c: Ctx, args: Args): void {
  const key = args.argv[1]!;
  replyGet(c, key);
  if (c.db.delete(key)) {
    c.propagate([c.server.config.bool('lazyfree-lazy-user-del') ? 'UNLINK' : 'DEL', key]);
    c.wrote(key, 'del', 'g');
  }
}

/** GETSET key value (deprecated: SET key value GET) — the TTL is cleared. */
function getset(c: Ctx, args: Args): void {
  const argv = args.argv;
  const key = argv[1]!;
  const value = argv[2]!;
  replyGet(c, key);
  c.db.set(key, value);
  unmarkRawString(c.db, key);
  c.wrote(key, 'set', '$');
  c.propagate(['SET', key, value]);
}

/** MGET key [key ...] — a null for each missing or non-string key. */
function mget(c: Ctx, args: Args): void {
  const argv = args.argv;
  const db = c.db;
  const stats = c.server.store.stats;
  c.reply.array(argv.length - 1);
  for (let j = 1; j < argv.length; j++) {
    const v = db.get(argv[j]!);
    if (v === undefined) stats.keyspaceMisses++;
    else stats.keyspaceHits++;
    if (typeof v === 'string') c.reply.bulk(v);
    else c.reply.nullBulk();
  }
}

/** MSET key value [key value ...] / MSETNX (nothing set when any key exists). */
function msetGeneric(c: Ctx, args: Args, nx: boolean): void {
  const argv = args.argv;
  if (argv.length % 2 === 0) throw new ReplyError(E.wrongArity(nx ? 'msetnx' : 'mset'));
  const db = c.db;
  if (nx) {
    for (let j = 1; j < argv.length; j += 2) {
      if (db.get(argv[j]!) !== undefined) {
        c.reply.int(0);
        return;
      }
    }
  }
  for (let j = 1; j < argv.length; j += 2) {
    const key = argv[j]!;
    db.get(key);
    db.set(key, argv[j + 1]!);
    unmarkRawString(db, key);
    c.wrote(key, 'set', '$');
  }
  if (nx) c.reply.int(1);
  else c.reply.ok();
}

function mset(c: Ctx, args: Args): void {
  msetGeneric(c, args, false);
}

function msetnx(c: Ctx, args: Args): void {
  msetGeneric(c, args, true);
}

/** APPEND key value — the new length. An existing value becomes raw-encoded, as in Redis. */
function append(c: Ctx, args: Args): void {
  const argv = args.argv;
  const key = argv[1]!;
  const tail = argv[2]!;
  const db = c.db;
  const old = writeString(c, key);
  if (old === undefined) {
    db.set(key, tail);
    c.wrote(key, 'append', '$');
    c.reply.int(tail.length);
    return;
  }
  checkStringLength(c, old.length, tail.length);
  const s = old + tail;
  db.set(key, s, true);
  c.wrote(key, 'append', '$');
  markRawString(db, key, s);
  c.reply.int(s.length);
}

/** STRLEN key — 0 for a missing key. */
function strlen(c: Ctx, args: Args): void {
  const v = readString(c, args.argv[1]!);
  c.reply.int(v === undefined ? 0 : v.length);
}

/** GETRANGE key start end (and SUBSTR) — inclusive, negative indexes from the end. */
function getrange(c: Ctx, args: Args): void {
  const key = args.key();
  let start = args.int64();
  let end = args.int64();
  const v = readString(c, key);
  if (v === undefined) {
    c.reply.bulk('');
    return;
  }
  const len = BigInt(v.length);
  if (start < 0n && end < 0n && start > end) {
    c.reply.bulk('');
    return;
  }
  if (start < 0n) start += len;
  if (end < 0n) end += len;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= len) end = len - 1n;
  if (start > end || len === 0n) c.reply.bulk('');
  else c.reply.bulk(v.slice(Number(start), Number(end) + 1));
}

/** SETRANGE key offset value — the new length; zero bytes pad a gap. */
function setrange(c: Ctx, args: Args): void {
  const key = args.key();
  const offsetBig = args.int64();
  const value = args.next();
  if (offsetBig < 0n) throw new ReplyError(OFFSET_OUT_OF_RANGE);
  // Past 2^53 only the size check reads the offset, and it fails either way.
  const offset = Number(offsetBig);
  const db = c.db;
  const old = writeString(c, key);
  let s: string;
  if (old === undefined) {
    if (value.length === 0) {
      c.reply.int(0);
      return;
    }
    checkStringLength(c, offset, value.length);
    s = '\0'.repeat(offset) + value;
    db.set(key, s);
  } else {
    if (value.length === 0) {
      c.reply.int(old.length);
      return;
    }
    checkStringLength(c, offset, value.length);
    if (offset >= old.length) s = old + '\0'.repeat(offset - old.length) + value;
    else s = old.slice(0, offset) + value + old.slice(offset + value.length);
    db.set(key, s, true);
  }
  c.wrote(key, 'setrange', '$');
  markRawString(db, key, s);
  c.reply.int(s.length);
}

// ---------------------------------------------------------------------------------------
// Counters

/**
 * The integer a string holds (Redis string2ll), exact: a number when it has at most 15
 * digits (always exact in a double), otherwise a BigInt. Null when not an integer.
 */
function intValue(s: string): number | bigint | null {
  return s.length < 16 ? string2int(s) : string2ll(s);
}

/** Largest magnitude for which number arithmetic needs no overflow check (2^53 - 1). */
const SAFE = Number.MAX_SAFE_INTEGER;

/** Redis's incrDecrCommand: adds `by` to the integer at key (0 when absent). */
function incrDecr(c: Ctx, key: string, by: number | bigint): void {
  const db = c.db;
  const old = writeString(c, key);
  let cur: number | bigint = 0;
  if (old !== undefined) {
    const v = intValue(old);
    if (v === null) throw new ReplyError(E.notInteger);
    cur = v;
  }
  let result: number | bigint;
  if (typeof cur === 'number' && typeof by === 'number' && Math.abs(cur) < 1e15 && Math.abs(by) < 1e15) {
    result = cur + by; // below 2^53: exact, and far from int64 overflow
  } else {
    const r = BigInt(cur) + BigInt(by);
    if (r > INT64_MAX || r < INT64_MIN) throw new ReplyError(E.overflow);
    result = r >= -SAFE && r <= SAFE ? Number(r) : r;
  }
  const text = intString(result);
  db.set(key, text, true);
  unmarkRawString(db, key);
  c.wrote(key, 'incrby', '$');
  c.reply.int(result);
}

/** An increment argument as Redis's getLongLongFromObjectOrReply reads it. */
function increment(raw: string): number | bigint {
  const v = intValue(raw);
  if (v === null) throw new ReplyError(E.notInteger);
  return v;
}

/** INCR key */
function incr(c: Ctx, args: Args): void {
  incrDecr(c, args.argv[1]!, 1);
}

/** DECR key */
function decr(c: Ctx, args: Args): void {
  incrDecr(c, args.argv[1]!, -1);
}

/** INCRBY key increment — the increment is checked before the key is looked at. */
function incrby(c: Ctx, args: Args): void {
  const by = increment(args.argv[2]!);
  incrDecr(c, args.argv[1]!, by);
}

/** DECRBY key decrement — -2^63 cannot be negated: "decrement would overflow". */
function decrby(c: Ctx, args: Args): void {
  const by = increment(args.argv[2]!);
  if (by === INT64_MIN) throw new ReplyError(DECREMENT_OVERFLOW);
  incrDecr(c, args.argv[1]!, typeof by === 'number' ? -by : -by);
}

/**
 * INCRBYFLOAT key increment — computed in x87 extended precision and printed as Redis's
 * "%.17Lf" with trailing zeros trimmed (util/longdouble.ts), so 0.1 + 0.2 is "0.3" as in
 * Redis. Propagated as `SET key <result> KEEPTTL`, so replicas and the AOF never redo
 * the float arithmetic.
 */
function incrbyfloat(c: Ctx, args: Args): void {
  const argv = args.argv;
  const key = argv[1]!;
  const old = writeString(c, key);
  const value = old === undefined ? parseLongDouble('0') : parseLongDouble(old);
  const by = parseLongDouble(argv[2]!);
  if (value === null || by === null) throw new ReplyError(E.notFloat);
  const sum = addLongDouble(value, by);
  if (sum.inf || sum.nan) throw new ReplyError(E.incrNotValidFloat);
  const text = formatLongDoubleHuman(sum);
  c.db.set(key, text, true);
  unmarkRawString(c.db, key);
  c.wrote(key, 'incrbyfloat', '$');
  c.reply.bulk(text);
  c.propagate(['SET', key, text, 'KEEPTTL']);
}

// ---------------------------------------------------------------------------------------
// LCS

/** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN] */
function lcs(c: Ctx, args: Args): void {
  const argv = args.argv;
  const db = c.db;
  const stats = c.server.store.stats;
  const oa = db.get(argv[1]!);
  const ob = db.get(argv[2]!);
  if (oa === undefined) stats.keyspaceMisses++;
  else stats.keyspaceHits++;
  if (ob === undefined) stats.keyspaceMisses++;
  else stats.keyspaceHits++;
  if ((oa !== undefined && typeof oa !== 'string') || (ob !== undefined && typeof ob !== 'string')) {
    throw err('The specified keys must contain string values');
  }
  const a = (oa as string | undefined) ?? '';
  const b = (ob as string | undefined) ?? '';
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = cstr(argv[j]!);
    const moreArgs = argv.length - 1 - j;
    if (opt === 'IDX') getIdx = true;
    else if (opt === 'LEN') getLen = true;
    else if (opt === 'WITHMATCHLEN') withMatchLen = true;
    else if (opt === 'MINMATCHLEN' && moreArgs > 0) {
      const v = string2int(argv[++j]!);
      if (v === null) throw new ReplyError(E.notInteger);
      minMatchLen = v < 0 ? 0 : v;
    } else throw new ReplyError(E.syntax);
  }
  if (getLen && getIdx) throw err('If you want both the length and indexes, please just use IDX.');

  const alen = a.length;
  const blen = b.length;
  const cells = (alen + 1) * (blen + 1);
  if (cells * 4 > c.server.config.num('proto-max-bulk-len')) {
    throw err('Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
  }
  let table: Uint32Array;
  try {
    table = new Uint32Array(cells);
  } catch {
    throw err('Insufficient memory, failed allocating transient memory for LCS');
  }
  // table[j + (blen+1)*i] = length of the LCS of a[0..i) and b[0..j).
  const w = blen + 1;
  for (let i = 1; i <= alen; i++) {
    const ca = a.charCodeAt(i - 1);
    const row = i * w;
    const prev = row - w;
    for (let j = 1; j <= blen; j++) {
      if (ca === b.charCodeAt(j - 1)) {
        table[row + j] = table[prev + j - 1]! + 1;
      } else {
        const up = table[prev + j]!;
        const left = table[row + j - 1]!;
        table[row + j] = up > left ? up : left;
      }
    }
  }
  const total = table[alen * w + blen]!;

  if (getLen) {
    c.reply.int(total);
    return;
  }

  // Walk back from the end, as Redis does, collecting the LCS bytes and the matching
  // ranges (the same ranges in the same order: from the end of the strings backwards).
  const out: number[] = new Array<number>(total);
  const ranges: number[][] = [];
  let idx = total;
  let i = alen;
  let j = blen;
  let aStart = alen; // alen: no range open
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      out[idx - 1] = a.charCodeAt(i - 1);
      if (aStart === alen) {
        aStart = i - 1;
        aEnd = i - 1;
        bStart = j - 1;
        bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      const up = table[(i - 1) * w + j]!;
      const left = table[i * w + j - 1]!;
      if (up > left) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (getIdx && (minMatchLen === 0 || matchLen >= minMatchLen)) ranges.push([aStart, aEnd, bStart, bEnd, matchLen]);
      aStart = alen;
    }
  }

  if (!getIdx) {
    let s = '';
    for (let k = 0; k < out.length; k += 8192) s += String.fromCharCode(...out.slice(k, k + 8192));
    c.reply.bulk(s);
    return;
  }
  const reply = c.reply;
  reply.map(2);
  reply.bulk('matches');
  reply.array(ranges.length);
  for (const r of ranges) {
    reply.array(withMatchLen ? 3 : 2);
    reply.array(2);
    reply.int(r[0]!);
    reply.int(r[1]!);
    reply.array(2);
    reply.int(r[2]!);
    reply.int(r[3]!);
    if (withMatchLen) reply.int(r[4]!);
  }
  reply.bulk('len');
  reply.int(total);
}

// ---------------------------------------------------------------------------------------
// The table

const W = ['write', 'denyoom'] as const;
const WF = ['write', 'denyoom', 'fast'] as const;
const S = ['string'] as const;
const STR = { keys: KEY1, acl: S, group: 'string' } as const;

export const commands: CommandSpec[] = [
  { name: 'get', arity: 2, flags: ['readonly', 'fast'], ...STR, since: '1.0.0', summary: 'Returns the string value of a key.', handler: get },
  { name: 'set', arity: -3, flags: W, ...STR, since: '1.0.0', summary: 'Sets the string value of a key, with optional conditions and expiry.', handler: set },
  { name: 'setnx', arity: 3, flags: WF, ...STR, since: '1.0.0', summary: 'Sets a key only when it does not exist.', handler: setnx },
  { name: 'setex', arity: 4, flags: W, ...STR, since: '2.0.0', summary: 'Sets a key with an expiry in seconds.', handler: setex },
  { name: 'psetex', arity: 4, flags: W, ...STR, since: '2.6.0', summary: 'Sets a key with an expiry in milliseconds.', handler: psetex },
  { name: 'getex', arity: -2, flags: ['write', 'fast'], ...STR, since: '6.2.0', summary: 'Returns a string value and optionally changes its expiry.', handler: getex },
  { name: 'getdel', arity: 2, flags: ['write', 'fast'], ...STR, since: '6.2.0', summary: 'Returns a string value and deletes the key.', handler: getdel },
  { name: 'getset', arity: 3, flags: WF, ...STR, since: '1.0.0', summary: 'Sets a new value and returns the old one (deprecated: SET with GET).', handler: getset },
  { name: 'mget', arity: -2, flags: ['readonly', 'fast'], keys: [1, -1, 1], acl: S, group: 'string', since: '1.0.0', summary: 'Returns the values of several keys.', tips: ['request_policy:multi_shard'], handler: mget },
  { name: 'mset', arity: -3, flags: W, keys: [1, -1, 2], acl: S, group: 'string', since: '1.0.1', summary: 'Sets several keys at once.', tips: ['request_policy:multi_shard', 'response_policy:all_succeeded'], handler: mset },
  { name: 'msetnx', arity: -3, flags: W, keys: [1, -1, 2], acl: S, group: 'string', since: '1.0.1', summary: 'Sets several keys only when none of them exists.', tips: ['request_policy:multi_shard', 'response_policy:agg_min'], handler: msetnx },
  { name: 'append', arity: 3, flags: WF, ...STR, since: '2.0.0', summary: 'Appends a string to the value of a key.', handler: append },
  { name: 'strlen', arity: 2, flags: ['readonly', 'fast'], ...STR, since: '2.2.0', summary: 'Returns the length of a string value.', handler: strlen },
  { name: 'getrange', arity: 4, flags: ['readonly'], ...STR, since: '2.4.0', summary: 'Returns a substring of a string value.', handler: getrange },
  { name: 'substr', arity: 4, flags: ['readonly'], ...STR, since: '1.0.0', summary: 'Returns a substring of a string value (deprecated: GETRANGE).', handler: getrange },
  { name: 'setrange', arity: 4, flags: W, ...STR, since: '2.2.0', summary: 'Overwrites part of a string value from an offset.', handler: setrange },
  { name: 'incr', arity: 2, flags: WF, ...STR, since: '1.0.0', summary: 'Adds one to the integer value of a key.', handler: incr },
  { name: 'decr', arity: 2, flags: WF, ...STR, since: '1.0.0', summary: 'Subtracts one from the integer value of a key.', handler: decr },
  { name: 'incrby', arity: 3, flags: WF, ...STR, since: '1.0.0', summary: 'Adds an integer to the integer value of a key.', handler: incrby },
  { name: 'decrby', arity: 3, flags: WF, ...STR, since: '1.0.0', summary: 'Subtracts an integer from the integer value of a key.', handler: decrby },
  { name: 'incrbyfloat', arity: 3, flags: WF, ...STR, since: '2.6.0', summary: 'Adds a floating point number to the value of a key.', handler: incrbyfloat },
  { name: 'lcs', arity: -3, flags: ['readonly'], keys: [1, 2, 1], acl: S, group: 'string', since: '7.0.0', summary: 'Finds the longest common subsequence of two string values.', handler: lcs },
];
