/**
 * Sorted-set commands (the sorted_set group), as Redis 7.0's t_zset.c answers them.
 *
 * Handlers read arguments, call the RZSet type (src/types/zset.ts) and reply. Changes go
 * through db.getForWrite / db.set / db.delete and end in c.wrote with Redis's event name; a
 * sorted set left empty is deleted with a `del` event. Blocking pops are served through the
 * blocking manager (src/server/blocking.ts) and propagate as plain pops.
 *
 * Numbers: scores are doubles read with C strtod's grammar (hex floats, "inf", leading
 * spaces where Redis allows them), see `strtod` below; they are printed by the reply writer
 * as %.17g. Exported for SORT: `strtod`.
 */

import type { CommandSpec, Ctx, Args } from './types.js';
import { E, KEY1, ReplyError, err } from './types.js';
import {
  NONE,
  RZSet,
  ZADD_ADDED,
  ZADD_GT,
  ZADD_INCR,
  ZADD_LT,
  ZADD_NAN,
  ZADD_NOP,
  ZADD_NX,
  ZADD_UPDATED,
  ZADD_XX,
  type LexRange,
  type ScoreRange,
} from '../types/zset.js';
import { scoreGteMin, scoreLteMax, lexGteMin, lexLteMax } from '../types/score-tree.js';
import { Dict } from '../types/dict.js';
import { limits } from '../types/limits.js';
import type { RSet } from '../types/set.js';
import { globMatch } from '../util/glob.js';
import { formatDouble, parseScore, string2int, string2ll, strtod } from '../util/number.js';
import { delEvent, parseScanCursor, readScanOptions, replyEmptyScan, wroteMany } from './hash.js';
import { parseTimeout } from '../server/blocking.js';


function readScore(s: string, message: string = E.notFloat): number {
  const v = parseScore(s);
  if (v === null) throw new ReplyError(message);
  return v;
}

/** The position C sees as the end of a string: its first NUL byte, or its length. */
function cEnd(s: string): number {
  const z = s.indexOf('\0');
  return z < 0 ? s.length : z;
}

/**
 * One end of a score range (Redis's zslParseRange): "(" makes it exclusive; the rest is
 * strtod, which must stop at the end of the C string and not give NaN. An empty rest reads
 * as 0, and out-of-range literals as ±inf or 0, as in Redis.
 */
function parseRangeEnd(s: string): [number, boolean] {
  const ex = s.charCodeAt(0) === 40; // '('
  const r = strtod(s, ex ? 1 : 0);
  if (r.end !== cEnd(s) || r.value !== r.value) throw new ReplyError(E.minMaxNotFloat);
  return [r.value, ex];
}

export function parseScoreRange(min: string, max: string): ScoreRange {
  const [lo, loEx] = parseRangeEnd(min);
  const [hi, hiEx] = parseRangeEnd(max);
  return { min: lo, minex: loEx, max: hi, maxex: hiEx };
}

/** One end of a lex range: "-", "+", "(member" or "[member" (Redis's zslParseLexRangeItem). */
function parseLexEnd(s: string): [string, -1 | 0 | 1, boolean] {
  const c = s[0];
  if (c === '+' || c === '-') {
    // C compares the byte after the sign with NUL: "+\0..." is still "+".
    if (s.length > 1 && s[1] !== '\0') throw new ReplyError(E.minMaxNotString);
    return ['', c === '+' ? 1 : -1, true];
  }
  if (c === '(') return [s.slice(1), 0, true];
  if (c === '[') return [s.slice(1), 0, false];
  throw new ReplyError(E.minMaxNotString);
}

export function parseLexRange(min: string, max: string): LexRange {
  const [lo, loKind, loEx] = parseLexEnd(min);
  const [hi, hiKind, hiEx] = parseLexEnd(max);
  return { min: lo, minKind: loKind, minex: loEx, max: hi, maxKind: hiKind, maxex: hiEx };
}

/** A long as getLongFromObjectOrReply reads it. */
function readLong(s: string, message: string = E.notInteger): number {
  const v = string2int(s);
  if (v === null) throw new ReplyError(message);
  return v;
}

const LONG_MAX = 9223372036854775807n;

/**
 * getRangeLongFromObjectOrReply: an integer within [min, max] (compared exactly), else the
 * given message, or Redis's default range message.
 */
function readRangeLong(s: string, min: bigint, max: bigint, message?: string): number {
  const v = string2ll(s);
  if (v === null) throw new ReplyError(message === undefined ? E.notInteger : 'ERR ' + message);
  if (v < min || v > max) {
    throw new ReplyError(message !== undefined ? 'ERR ' + message : `ERR value is out of range, value must between ${min} and ${max}`);
  }
  return Number(v);
}

/** getPositiveLongFromObjectOrReply. */
function readPositiveLong(s: string, message = 'value is out of range, must be positive'): number {
  return readRangeLong(s, 0n, LONG_MAX, message);
}

/**
 * Redis 7.0's d2string, which is how listpack entries hold scores: integral values within
 * ±2^62 print as integers, others as %.17g (ZSCAN on a listpack set shows this form).
 */
export function zsetD2string(d: number): string {
  if (Number.isInteger(d) && d >= -4611686018427387904 && d <= 4611686018427387904) {
    if (d === 0) return Object.is(d, -0) ? '-0' : '0';
    return Math.abs(d) <= Number.MAX_SAFE_INTEGER ? String(d) : BigInt(d).toString();
  }
  return formatDouble(d);
}

// ---------------------------------------------------------------------------------------------
// Lookups and epilogues

/** The sorted set at key for reading: undefined when absent, WRONGTYPE when another type. */
export function readZset(c: Ctx, key: string): RZSet | undefined {
  const v = c.db.get(key);
  if (v === undefined) return undefined;
  if (typeof v !== 'string' && v.kind === 'zset') return v;
  throw new ReplyError(E.wrongType);
}

/** The sorted set at key to change in place: undefined when absent, WRONGTYPE otherwise. */
export function writeZset(c: Ctx, key: string): RZSet | undefined {
  const v = c.db.getForWrite(key);
  if (v === undefined) return undefined;
  if (typeof v !== 'string' && v.kind === 'zset') return v;
  throw new ReplyError(E.wrongType);
}

/** After removals: deletes the key when the set is empty; the caller emits the `del` event. */
function dropIfEmpty(c: Ctx, key: string, z: RZSet): boolean {
  if (z.size !== 0) return false;
  c.db.delete(key);
  return true;
}

/** Stores a computed set at dst (or deletes dst when it is empty), as the *STORE commands do. */
function storeResult(c: Ctx, dst: string, z: RZSet, event: string): void {
  if (z.size > 0) {
    c.db.set(dst, z);
    c.wrote(dst, event, 'z');
    c.reply.int(z.size);
  } else {
    c.reply.int(0);
    if (c.db.delete(dst)) c.wrote(dst, 'del', 'g');
  }
}

// ---------------------------------------------------------------------------------------------
// ZADD / ZINCRBY / ZREM

const ERR_XX_NX = 'ERR XX and NX options at the same time are not compatible';
const ERR_GT_LT_NX = 'ERR GT, LT, and/or NX options at the same time are not compatible';
const ERR_INCR_PAIR = 'ERR INCR option supports a single increment-element pair';

/** ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...] (and ZINCRBY). */
function zaddGeneric(c: Ctx, argv: readonly string[], flagsIn: number): void {
  const key = argv[1]!;
  let flags = flagsIn;
  let ch = false;
  let idx = 2;
  for (; idx < argv.length; idx++) {
    const arg = argv[idx]!;
    // Every option is 2-4 letters: a score (the common case) is not lower-cased to find out.
    if (arg.length > 4 || arg.length < 2 || (arg.charCodeAt(0) | 0x20) < 0x61) break;
    const opt = arg.toLowerCase();
    if (opt === 'nx') flags |= ZADD_NX;
    else if (opt === 'xx') flags |= ZADD_XX;
    else if (opt === 'ch') ch = true;
    else if (opt === 'incr') flags |= ZADD_INCR;
    else if (opt === 'gt') flags |= ZADD_GT;
    else if (opt === 'lt') flags |= ZADD_LT;
    else break;
  }
  const incr = (flags & ZADD_INCR) !== 0;
  const nx = (flags & ZADD_NX) !== 0;
  const xx = (flags & ZADD_XX) !== 0;
  const gt = (flags & ZADD_GT) !== 0;
  const lt = (flags & ZADD_LT) !== 0;
  const rest = argv.length - idx;
  if (rest % 2 !== 0 || rest === 0) throw new ReplyError(E.syntax);
  const pairs = rest / 2;
  if (nx && xx) throw new ReplyError(ERR_XX_NX);
  if ((gt && nx) || (lt && nx) || (gt && lt)) throw new ReplyError(ERR_GT_LT_NX);
  if (incr && pairs > 1) throw new ReplyError(ERR_INCR_PAIR);

  // Every score is checked before anything changes: the command applies fully or not at all.
  let single = 0;
  let scores: number[] | null = null;
  if (pairs === 1) single = readScore(argv[idx]!);
  else {
    scores = new Array<number>(pairs);
    for (let j = 0; j < pairs; j++) scores[j] = readScore(argv[idx + 2 * j]!);
  }

  let z = writeZset(c, key);
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  if (z === undefined) {
    if (xx) {
      if (incr) c.reply.nullBulk();
      else c.reply.int(0);
      return;
    }
    z = new RZSet(limits.zsetMaxListpackEntries === 0 || limits.zsetMaxListpackValue < argv[idx + 1]!.length);
    c.db.set(key, z);
  }
  for (let j = 0; j < pairs; j++) {
    const out = z.zadd(argv[idx + 1 + 2 * j]!, scores === null ? single : scores[j]!, flags);
    // NaN only comes from INCR, which takes a single pair: nothing has changed yet.
    if (out === ZADD_NAN) throw new ReplyError(E.nan);
    if (out & ZADD_ADDED) added++;
    if (out & ZADD_UPDATED) updated++;
    if (!(out & ZADD_NOP)) processed++;
    score = RZSet.lastScore;
  }
  if (added + updated > 0) wroteMany(c, key, incr ? 'zincr' : 'zadd', 'z', added + updated);
  if (incr) {
    if (processed) c.reply.double(score);
    else c.reply.nullBulk();
  } else {
    c.reply.int(ch ? added + updated : added);
  }
}

function zadd(c: Ctx, args: Args): void {
  zaddGeneric(c, args.argv, 0);
}

/** ZINCRBY key increment member */
function zincrby(c: Ctx, args: Args): void {
  zaddGeneric(c, args.argv, ZADD_INCR);
}

/** ZREM key member [member ...] */
function zrem(c: Ctx, args: Args): void {
  const argv = args.argv;
  const key = argv[1]!;
  const z = writeZset(c, key);
  if (z === undefined) {
    c.reply.int(0);
    return;
  }
  let deleted = 0;
  let removed = false;
  for (let j = 2; j < argv.length; j++) {
    if (z.remove(argv[j]!)) deleted++;
    if (z.size === 0) {
      c.db.delete(key);
      removed = true;
      break;
    }
  }
  if (deleted > 0) {
    wroteMany(c, key, 'zrem', 'z', deleted);
    if (removed) delEvent(c, key);
  }
  c.reply.int(deleted);
}

// ---------------------------------------------------------------------------------------------
// ZREMRANGEBYRANK / BYSCORE / BYLEX

type RangeType = 'rank' | 'score' | 'lex';

function zremrangeGeneric(c: Ctx, argv: readonly string[], type: RangeType): void {
  const key = argv[1]!;
  let start = 0;
  let end = 0;
  let srange: ScoreRange | null = null;
  let lrange: LexRange | null = null;
  if (type === 'rank') {
    start = readLong(argv[2]!);
    end = readLong(argv[3]!);
  } else if (type === 'score') srange = parseScoreRange(argv[2]!, argv[3]!);
  else lrange = parseLexRange(argv[2]!, argv[3]!);

  const z = writeZset(c, key);
  if (z === undefined) {
    c.reply.int(0);
    return;
  }
  let deleted: number;
  if (type === 'rank') {
    const llen = z.size;
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    if (start > end || start >= llen) {
      c.reply.int(0);
      return;
    }
    if (end >= llen) end = llen - 1;
    deleted = z.deleteRangeByRank(start, end);
  } else if (type === 'score') deleted = z.deleteRangeByScore(srange!);
  else deleted = z.deleteRangeByLex(lrange!);
  if (deleted > 0) {
    const removed = dropIfEmpty(c, key, z);
    wroteMany(c, key, 'zremrangeby' + type, 'z', deleted);
    if (removed) delEvent(c, key);
  }
  c.reply.int(deleted);
}

function zremrangebyrank(c: Ctx, args: Args): void {
  zremrangeGeneric(c, args.argv, 'rank');
}
function zremrangebyscore(c: Ctx, args: Args): void {
  zremrangeGeneric(c, args.argv, 'score');
}
function zremrangebylex(c: Ctx, args: Args): void {
  zremrangeGeneric(c, args.argv, 'lex');
}

// ---------------------------------------------------------------------------------------------
// Point reads

/** ZCARD key */
function zcard(c: Ctx, args: Args): void {
  const z = readZset(c, args.argv[1]!);
  c.reply.int(z === undefined ? 0 : z.size);
}

/** ZSCORE key member */
function zscore(c: Ctx, args: Args): void {
  const z = readZset(c, args.argv[1]!);
  const s = z === undefined ? undefined : z.score(args.argv[2]!);
  if (s === undefined) c.reply.nullBulk();
  else c.reply.double(s);
}

/** ZMSCORE key member [member ...] — a missing key reads as an empty set. */
function zmscore(c: Ctx, args: Args): void {
  const argv = args.argv;
  const z = readZset(c, argv[1]!);
  const reply = c.reply;
  reply.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const s = z === undefined ? undefined : z.score(argv[j]!);
    if (s === undefined) reply.nullBulk();
    else reply.double(s);
  }
}

function zrankGeneric(c: Ctx, argv: readonly string[], reverse: boolean): void {
  const z = readZset(c, argv[1]!);
  const r = z === undefined ? -1 : z.rank(argv[2]!, reverse);
  if (r < 0) c.reply.nullBulk();
  else c.reply.int(r);
}

/** ZRANK key member */
function zrank(c: Ctx, args: Args): void {
  zrankGeneric(c, args.argv, false);
}
/** ZREVRANK key member */
function zrevrank(c: Ctx, args: Args): void {
  zrankGeneric(c, args.argv, true);
}

/** ZCOUNT key min max */
function zcount(c: Ctx, args: Args): void {
  const range = parseScoreRange(args.argv[2]!, args.argv[3]!);
  const z = readZset(c, args.argv[1]!);
  c.reply.int(z === undefined ? 0 : z.countInScore(range));
}

/** ZLEXCOUNT key min max */
function zlexcount(c: Ctx, args: Args): void {
  const range = parseLexRange(args.argv[2]!, args.argv[3]!);
  const z = readZset(c, args.argv[1]!);
  c.reply.int(z === undefined ? 0 : z.countInLex(range));
}

// ---------------------------------------------------------------------------------------------
// ZRANGE family

/**
 * Where a range goes: to the client (with or without scores; RESP3 pairs them in arrays of
 * two) or into a new sorted set for ZRANGESTORE. Mirrors Redis's zrange_result_handler.
 */
class RangeSink {
  count = 0;
  private before: number | null = null;
  dst: RZSet | null = null;

  constructor(
    readonly c: Ctx,
    readonly store: boolean,
    readonly withscores: boolean,
  ) {}

  /** length: the result size when known, -1 when not. */
  begin(length: number): void {
    if (this.store) {
      this.dst = new RZSet(length > limits.zsetMaxListpackEntries);
      return;
    }
    const reply = this.c.reply;
    if (length > 0) {
      reply.array(this.withscores && reply.proto === 2 ? length * 2 : length);
    } else if (length === 0) {
      reply.array(0);
    } else {
      this.before = reply.defer();
    }
  }

  emit(member: string, score: number): void {
    this.count++;
    if (this.dst !== null) {
      this.dst.zadd(member, score, 0);
      return;
    }
    const reply = this.c.reply;
    if (this.withscores) {
      if (reply.proto !== 2) reply.array(2);
      reply.bulk(member);
      reply.double(score);
    } else {
      reply.bulk(member);
    }
  }

  finish(dstKey: string): void {
    if (this.store) {
      storeResult(this.c, dstKey, this.dst!, 'zrangestore');
      return;
    }
    if (this.before !== null) {
      const reply = this.c.reply;
      reply.closeArray(this.before, this.withscores && reply.proto === 2 ? this.count * 2 : this.count);
    }
  }
}

function rangeByRank(sink: RangeSink, z: RZSet, start: number, end: number, reverse: boolean): void {
  const llen = z.size;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) {
    sink.begin(0);
    return;
  }
  if (end >= llen) end = llen - 1;
  let n = end - start + 1;
  sink.begin(n);
  let cur = z.seekRank(reverse ? llen - 1 - start : start);
  while (n-- > 0) {
    sink.emit(z.memberAt(cur), z.scoreAt(cur));
    cur = reverse ? z.prev(cur) : z.next(cur);
  }
}

function rangeByScore(sink: RangeSink, z: RZSet, range: ScoreRange, offset: number, limit: number, reverse: boolean): void {
  sink.begin(-1);
  if (offset > 0 && offset >= z.size) return;
  let cur = reverse ? z.lastInScore(range) : z.firstInScore(range);
  // A negative offset walks off the end, as Redis's `while (offset--)` does.
  if (offset < 0) return;
  while (cur !== NONE && offset-- > 0) cur = reverse ? z.prev(cur) : z.next(cur);
  while (cur !== NONE && limit !== 0) {
    limit--;
    const s = z.scoreAt(cur);
    if (reverse ? !scoreGteMin(s, range) : !scoreLteMax(s, range)) break;
    sink.emit(z.memberAt(cur), s);
    cur = reverse ? z.prev(cur) : z.next(cur);
  }
}

function rangeByLex(sink: RangeSink, z: RZSet, range: LexRange, offset: number, limit: number, reverse: boolean): void {
  sink.begin(-1);
  if (offset > 0 && offset >= z.size) return;
  let cur = reverse ? z.lastInLex(range) : z.firstInLex(range);
  if (offset < 0) return;
  while (cur !== NONE && offset-- > 0) cur = reverse ? z.prev(cur) : z.next(cur);
  while (cur !== NONE && limit !== 0) {
    limit--;
    const m = z.memberAt(cur);
    if (reverse ? !lexGteMin(m, range) : !lexLteMax(m, range)) break;
    sink.emit(m, z.scoreAt(cur));
    cur = reverse ? z.prev(cur) : z.next(cur);
  }
}

/**
 * Redis's zrangeGenericCommand: ZRANGE, ZRANGESTORE and the older Z[REV]RANGE[BYSCORE|BYLEX]
 * forms. `at` is the index of the source key; type and direction are fixed by the older
 * commands and chosen by options (BYSCORE, BYLEX, REV) for ZRANGE/ZRANGESTORE.
 */
function zrangeGeneric(c: Ctx, argv: readonly string[], at: number, store: boolean, fixedType: RangeType | null, fixedReverse: boolean | null): void {
  const key = argv[at]!;
  let minIdx = at + 1;
  let maxIdx = at + 2;
  let type = fixedType;
  let reverse = fixedReverse;
  let withscores = false;
  let offset = 0;
  let limit = -1;
  for (let j = at + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const opt = argv[j]!.toLowerCase();
    if (!store && opt === 'withscores') withscores = true;
    else if (opt === 'limit' && left >= 2) {
      offset = readLong(argv[j + 1]!);
      limit = readLong(argv[j + 2]!);
      j += 2;
    } else if (fixedReverse === null && reverse === null && opt === 'rev') reverse = true;
    else if (fixedType === null && type === null && opt === 'bylex') type = 'lex';
    else if (fixedType === null && type === null && opt === 'byscore') type = 'score';
    else throw new ReplyError(E.syntax);
  }
  if (reverse === null) reverse = false;
  if (type === null) type = 'rank';
  if (limit !== -1 && type === 'rank') {
    throw err('syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  }
  if (withscores && type === 'lex') throw err('syntax error, WITHSCORES not supported in combination with BYLEX');
  if (reverse && type !== 'rank') {
    const t = minIdx;
    minIdx = maxIdx;
    maxIdx = t;
  }
  let start = 0;
  let end = 0;
  let srange: ScoreRange | null = null;
  let lrange: LexRange | null = null;
  if (type === 'rank') {
    start = readLong(argv[minIdx]!);
    end = readLong(argv[maxIdx]!);
  } else if (type === 'score') srange = parseScoreRange(argv[minIdx]!, argv[maxIdx]!);
  else lrange = parseLexRange(argv[minIdx]!, argv[maxIdx]!);

  const sink = new RangeSink(c, store, withscores || store);
  const v = c.db.get(key);
  if (v === undefined) {
    if (store) {
      sink.begin(-1);
      sink.finish(argv[1]!);
    } else {
      c.reply.array(0);
    }
    return;
  }
  if (typeof v === 'string' || v.kind !== 'zset') throw new ReplyError(E.wrongType);
  if (type === 'rank') rangeByRank(sink, v, start, end, reverse);
  else if (type === 'score') rangeByScore(sink, v, srange!, offset, limit, reverse);
  else rangeByLex(sink, v, lrange!, offset, limit, reverse);
  sink.finish(argv[1]!);
}

/** ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES] */
function zrange(c: Ctx, args: Args): void {
  zrangeGeneric(c, args.argv, 1, false, null, null);
}
/** ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count] */
function zrangestore(c: Ctx, args: Args): void {
  zrangeGeneric(c, args.argv, 2, true, null, null);
}
/** ZREVRANGE key start stop [WITHSCORES] */
function zrevrange(c: Ctx, args: Args): void {
  zrangeGeneric(c, args.argv, 1, false, 'rank', true);
}
/** ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count] */
function zrangebyscore(c: Ctx, args: Args): void {
  zrangeGeneric(c, args.argv, 1, false, 'score', false);
}
/** ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count] */
function zrevrangebyscore(c: Ctx, args: Args): void {
  zrangeGeneric(c, args.argv, 1, false, 'score', true);
}
/** ZRANGEBYLEX key min max [LIMIT offset count] */
function zrangebylex(c: Ctx, args: Args): void {
  zrangeGeneric(c, args.argv, 1, false, 'lex', false);
}
/** ZREVRANGEBYLEX key max min [LIMIT offset count] */
function zrevrangebylex(c: Ctx, args: Args): void {
  zrangeGeneric(c, args.argv, 1, false, 'lex', true);
}

// ---------------------------------------------------------------------------------------------
// ZUNION / ZINTER / ZDIFF (+STORE) and ZINTERCARD

type SetOp = 'union' | 'inter' | 'diff';
const AGG_SUM = 0;
const AGG_MIN = 1;
const AGG_MAX = 2;

/** An input of the set operations: a sorted set, a plain set (every score 1) or nothing. */
interface Source {
  z: RZSet | null;
  s: RSet | null;
  weight: number;
  size: number;
}

function sourceScore(src: Source, member: string): number | undefined {
  if (src.z !== null) return src.z.score(member);
  if (src.s !== null) return src.s.has(member) ? 1 : undefined;
  return undefined;
}

function forEachInSource(src: Source, visit: (member: string, score: number) => boolean | void): void {
  const z = src.z;
  if (z !== null) {
    for (let cur = z.seekRank(0); cur !== NONE; cur = z.next(cur)) {
      if (visit(z.memberAt(cur), z.scoreAt(cur)) === false) return;
    }
  } else if (src.s !== null) {
    for (const m of src.s.values()) if (visit(m, 1) === false) return;
  }
}

/** Redis's zunionInterAggregate, NaN rule included (inf + -inf sums to 0). */
function aggregate(target: number, val: number, agg: number): number {
  if (agg === AGG_SUM) {
    const r = target + val;
    return r !== r ? 0 : r;
  }
  if (agg === AGG_MIN) return val < target ? val : target;
  return val > target ? val : target;
}

/**
 * Redis's zunionInterDiffGenericCommand. numkeysAt is the index of numkeys; dst is the
 * destination key for the STORE forms (null otherwise).
 */
function zsetOpGeneric(c: Ctx, argv: readonly string[], dst: string | null, numkeysAt: number, op: SetOp, cardOnly: boolean): void {
  const setnum = readLong(argv[numkeysAt]!);
  if (setnum < 1) throw err(`at least 1 input key is needed for '${argv[0]!.toLowerCase()}' command`);
  if (setnum > argv.length - (numkeysAt + 1)) throw new ReplyError(E.syntax);
  const srcs: Source[] = [];
  let j = numkeysAt + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const v = c.db.get(argv[j]!);
    if (v === undefined) srcs.push({ z: null, s: null, weight: 1, size: 0 });
    else if (typeof v !== 'string' && v.kind === 'zset') srcs.push({ z: v, s: null, weight: 1, size: v.size });
    else if (typeof v !== 'string' && v.kind === 'set') srcs.push({ z: null, s: v, weight: 1, size: v.size });
    else throw new ReplyError(E.wrongType);
  }
  let agg = AGG_SUM;
  let withscores = false;
  let limit = 0;
  while (j < argv.length) {
    const remaining = argv.length - j;
    const opt = argv[j]!.toLowerCase();
    if (op !== 'diff' && !cardOnly && remaining >= setnum + 1 && opt === 'weights') {
      j++;
      for (let i = 0; i < setnum; i++, j++) srcs[i]!.weight = readScore(argv[j]!, 'ERR weight value is not a float');
    } else if (op !== 'diff' && !cardOnly && remaining >= 2 && opt === 'aggregate') {
      const a = argv[j + 1]!.toLowerCase();
      if (a === 'sum') agg = AGG_SUM;
      else if (a === 'min') agg = AGG_MIN;
      else if (a === 'max') agg = AGG_MAX;
      else throw new ReplyError(E.syntax);
      j += 2;
    } else if (remaining >= 1 && dst === null && !cardOnly && opt === 'withscores') {
      j++;
      withscores = true;
    } else if (cardOnly && remaining >= 2 && opt === 'limit') {
      limit = readPositiveLong(argv[j + 1]!, "LIMIT can't be negative");
      j += 2;
    } else {
      throw new ReplyError(E.syntax);
    }
  }
  // Smallest input first (a stable sort, like glibc's qsort): the order sums are made in.
  if (op !== 'diff') srcs.sort((a, b) => a.size - b.size);

  const result = new RZSet(true);
  let maxLen = 0;
  let cardinality = 0;
  if (op === 'inter') {
    const first = srcs[0]!;
    if (first.size > 0) {
      forEachInSource(first, (member, s0) => {
        let score = first.weight * s0;
        if (score !== score) score = 0;
        let k = 1;
        for (; k < srcs.length; k++) {
          const other = srcs[k]!;
          let value: number | undefined;
          if ((other.z !== null && other.z === first.z) || (other.s !== null && other.s === first.s)) value = s0;
          else value = sourceScore(other, member);
          if (value === undefined) break;
          score = aggregate(score, value * other.weight, agg);
        }
        if (k !== srcs.length) return;
        if (cardOnly) {
          cardinality++;
          if (limit !== 0 && cardinality >= limit) return false;
          return;
        }
        result.zadd(member, score, 0);
        if (member.length > maxLen) maxLen = member.length;
      });
    }
  } else if (op === 'union') {
    const acc = new Dict<number>();
    for (const src of srcs) {
      if (src.size === 0) continue;
      forEachInSource(src, (member, s) => {
        let score = src.weight * s;
        if (score !== score) score = 0;
        const cur = acc.get(member);
        if (cur === undefined) {
          acc.set(member, score);
          if (member.length > maxLen) maxLen = member.length;
        } else {
          acc.set(member, aggregate(cur, score, agg));
        }
      });
    }
    for (const [member, score] of acc.entries()) result.zadd(member, score, 0);
  } else {
    maxLen = zdiff(srcs, result);
  }

  if (dst !== null) {
    if (result.size > 0) result.shrinkIfSmall(maxLen);
    storeResult(c, dst, result, op === 'union' ? 'zunionstore' : op === 'inter' ? 'zinterstore' : 'zdiffstore');
    return;
  }
  if (cardOnly) {
    c.reply.int(cardinality);
    return;
  }
  const reply = c.reply;
  const n = result.size;
  reply.array(withscores && reply.proto === 2 ? n * 2 : n);
  for (let cur = result.seekRank(0); cur !== NONE; cur = result.next(cur)) {
    if (withscores && reply.proto !== 2) reply.array(2);
    reply.bulk(result.memberAt(cur));
    if (withscores) reply.double(result.scoreAt(cur));
  }
}

/**
 * ZDIFF into result: the members of the first input found in no other input (none at all
 * when the first input appears again among the others, as Redis's algorithm choice makes
 * it). Returns the longest member length, for the listpack check.
 */
function zdiff(srcs: Source[], result: RZSet): number {
  const first = srcs[0]!;
  if (first.size === 0) return 0;
  for (let j = 1; j < srcs.length; j++) {
    const s = srcs[j]!;
    if ((first.z !== null && s.z === first.z) || (first.s !== null && s.s === first.s)) return 0;
  }
  let maxLen = 0;
  forEachInSource(first, (member, score) => {
    for (let k = 1; k < srcs.length; k++) if (sourceScore(srcs[k]!, member) !== undefined) return;
    result.zadd(member, score, 0);
    if (member.length > maxLen) maxLen = member.length;
  });
  return maxLen;
}

function zunionstore(c: Ctx, args: Args): void {
  zsetOpGeneric(c, args.argv, args.argv[1]!, 2, 'union', false);
}
function zinterstore(c: Ctx, args: Args): void {
  zsetOpGeneric(c, args.argv, args.argv[1]!, 2, 'inter', false);
}
function zdiffstore(c: Ctx, args: Args): void {
  zsetOpGeneric(c, args.argv, args.argv[1]!, 2, 'diff', false);
}
function zunion(c: Ctx, args: Args): void {
  zsetOpGeneric(c, args.argv, null, 1, 'union', false);
}
function zinter(c: Ctx, args: Args): void {
  zsetOpGeneric(c, args.argv, null, 1, 'inter', false);
}
function zintercard(c: Ctx, args: Args): void {
  zsetOpGeneric(c, args.argv, null, 1, 'inter', true);
}
function zdiffCmd(c: Ctx, args: Args): void {
  zsetOpGeneric(c, args.argv, null, 1, 'diff', false);
}

// ---------------------------------------------------------------------------------------------
// Pops

/**
 * Redis's genericZpopCommand over the first existing key of `keys`. count -1 is the plain
 * single pop. emitKey adds the key to the reply; nested pairs members with scores in
 * arrays; nilWhenEmpty answers a null array instead of an empty one when nothing is there.
 * Returns the key popped from and how many were popped (0 when nothing), for propagation.
 */
export function genericZpop(c: Ctx, keys: readonly string[], max: boolean, emitKey: boolean, count: number, nested: boolean, nilWhenEmpty: boolean): [string, number] | null {
  let key = '';
  let z: RZSet | undefined;
  for (const k of keys) {
    z = writeZset(c, k);
    if (z !== undefined) {
      key = k;
      break;
    }
  }
  const reply = c.reply;
  if (z === undefined) {
    if (nilWhenEmpty) reply.nullArray();
    else reply.array(0);
    return null;
  }
  if (count === 0) {
    reply.array(0);
    return null;
  }
  if (count === -1) count = 1;
  const llen = z.size;
  const n = count > llen ? llen : count;
  if (!nested && !emitKey) reply.array(n * 2);
  else if (nested && !emitKey) reply.array(n);
  else if (!nested && emitKey) {
    reply.array(n * 2 + 1);
    reply.bulk(key);
  } else {
    reply.array(2);
    reply.bulk(key);
    reply.array(n);
  }
  // The popped elements are a run at one end: reply while walking it, then remove it whole
  // (O(log N + n) in the tree, where one removal at a time is O(n log N)).
  let cur = max ? z.seekRank(llen - 1) : z.seekRank(0);
  for (let k = 0; k < n; k++) {
    if (nested) reply.array(2);
    reply.bulk(z.memberAt(cur));
    reply.double(z.scoreAt(cur));
    cur = max ? z.prev(cur) : z.next(cur);
  }
  if (max) z.deleteRangeByRank(llen - n, llen - 1);
  else z.deleteRangeByRank(0, n - 1);
  const removed = dropIfEmpty(c, key, z);
  wroteMany(c, key, max ? 'zpopmax' : 'zpopmin', 'z', n);
  if (removed) delEvent(c, key);
  return [key, n];
}

function zpopMinMax(c: Ctx, argv: readonly string[], max: boolean): void {
  if (argv.length > 3) throw new ReplyError(E.syntax);
  let count = -1;
  if (argv.length === 3) count = readPositiveLong(argv[2]!);
  // RESP2, or no count: one flat array. RESP3 with a count: [member, score] pairs.
  genericZpop(c, [argv[1]!], max, false, count, c.reply.proto !== 2 && count !== -1, false);
}

/** ZPOPMIN key [count] */
function zpopmin(c: Ctx, args: Args): void {
  zpopMinMax(c, args.argv, false);
}
/** ZPOPMAX key [count] */
function zpopmax(c: Ctx, args: Args): void {
  zpopMinMax(c, args.argv, true);
}

/** The parsed tail of ZMPOP/BZMPOP: keys, MIN|MAX and COUNT. */
export interface MpopArgs {
  keys: string[];
  max: boolean;
  count: number;
}

/** Parses `numkeys key [key ...] MIN|MAX [COUNT count]` with numkeys at argv[at]. */
export function parseMpop(argv: readonly string[], at: number): MpopArgs {
  const numkeys = readRangeLong(argv[at]!, 1n, LONG_MAX, 'numkeys should be greater than 0');
  const whereIdx = at + numkeys + 1;
  if (whereIdx >= argv.length) throw new ReplyError(E.syntax);
  const where = argv[whereIdx]!.toLowerCase();
  if (where !== 'min' && where !== 'max') throw new ReplyError(E.syntax);
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && argv[j]!.toLowerCase() === 'count' && more > 0) {
      j++;
      count = readRangeLong(argv[j]!, 1n, LONG_MAX, 'count should be greater than 0');
    } else {
      throw new ReplyError(E.syntax);
    }
  }
  if (count === -1) count = 1;
  return { keys: argv.slice(at + 1, at + 1 + numkeys) as string[], max: where === 'max', count };
}

/** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count] — propagated as ZPOPMIN/ZPOPMAX key count. */
function zmpop(c: Ctx, args: Args): void {
  const { keys, max, count } = parseMpop(args.argv, 1);
  const done = genericZpop(c, keys, max, true, count, true, true);
  if (done !== null) c.propagate([max ? 'ZPOPMAX' : 'ZPOPMIN', done[0], String(done[1])]);
}

// ---------------------------------------------------------------------------------------------
// Blocking pops

/**
 * Redis's blockingGenericZpopCommand: pops from the first non-empty key at once, or parks
 * the client until one of the keys gets a sorted set. A served pop propagates as
 * ZPOPMIN/ZPOPMAX key (BZPOPMIN/BZPOPMAX) or ZPOPMIN/ZPOPMAX key count (BZMPOP). Inside
 * MULTI (or another client that may not block) an empty wait answers null at once.
 */
function blockingZpop(c: Ctx, keys: readonly string[], max: boolean, timeoutArg: string, count: number, mpop: boolean): void {
  const timeoutMs = parseTimeout(timeoutArg);
  const pop = (key: string): void => {
    const llen = (c.db.get(key) as RZSet).size;
    genericZpop(c, [key], max, true, count, mpop, mpop);
    const name = max ? 'ZPOPMAX' : 'ZPOPMIN';
    c.propagate(count === -1 ? [name, key] : [name, key, String(count > llen ? llen : count)]);
  };
  for (const key of keys) {
    const z = writeZset(c, key);
    if (z === undefined || z.size === 0) continue;
    pop(key);
    return;
  }
  const blocking = c.server.blocking;
  if (!blocking.canBlock(c)) {
    c.reply.nullArray();
    return;
  }
  blocking.block(c, {
    keys: keys.slice(),
    timeoutMs,
    kind: 'zset',
    serve: (key) => {
      // A key that came back as another type keeps the client waiting (Redis checks the type).
      const v = c.db.get(key);
      if (v === undefined || typeof v === 'string' || v.kind !== 'zset' || v.size === 0) return false;
      pop(key);
      return true;
    },
    onTimeout: () => c.reply.nullArray(),
  });
}

/** BZPOPMIN key [key ...] timeout */
function bzpopmin(c: Ctx, args: Args): void {
  const argv = args.argv;
  blockingZpop(c, argv.slice(1, -1), false, argv[argv.length - 1]!, -1, false);
}

/** BZPOPMAX key [key ...] timeout */
function bzpopmax(c: Ctx, args: Args): void {
  const argv = args.argv;
  blockingZpop(c, argv.slice(1, -1), true, argv[argv.length - 1]!, -1, false);
}

/** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count] */
function bzmpop(c: Ctx, args: Args): void {
  const { keys, max, count } = parseMpop(args.argv, 2);
  blockingZpop(c, keys, max, args.argv[1]!, count, true);
}

// ---------------------------------------------------------------------------------------------
// ZRANDMEMBER

/** ZRANDMEMBER key [count [WITHSCORES]] */
function zrandmember(c: Ctx, args: Args): void {
  const argv = args.argv;
  const reply = c.reply;
  if (argv.length >= 3) {
    const l = readRangeLong(argv[2]!, -LONG_MAX, LONG_MAX);
    let withscores = false;
    if (argv.length > 4 || (argv.length === 4 && argv[3]!.toLowerCase() !== 'withscores')) throw new ReplyError(E.syntax);
    if (argv.length === 4) {
      withscores = true;
      // C's LONG_MAX/2 rounds down; compare exactly.
      const big = string2ll(argv[2]!)!;
      if (big < -(LONG_MAX / 2n) || big > LONG_MAX / 2n) throw err('value is out of range');
    }
    zrandmemberWithCount(c, argv[1]!, l, withscores);
    return;
  }
  const z = readZset(c, argv[1]!);
  if (z === undefined) {
    reply.nullBulk();
    return;
  }
  reply.bulk(z.memberAt(z.randomCursor()));
}

/** Output size at which a ZRANDMEMBER with a huge negative count gives up (bytes). */
const MAX_RANDOM_REPLY = 256 * 1024 * 1024;

function zrandmemberWithCount(c: Ctx, key: string, l: number, withscores: boolean): void {
  const reply = c.reply;
  const z = readZset(c, key);
  if (z === undefined) {
    reply.array(0);
    return;
  }
  const size = z.size;
  const uniq = l >= 0;
  let count = Math.abs(l);
  if (count === 0) {
    reply.array(0);
    return;
  }
  const pair = withscores && reply.proto !== 2;
  const emit = (cur: number): void => {
    if (pair) reply.array(2);
    reply.bulk(z.memberAt(cur));
    if (withscores) reply.double(z.scoreAt(cur));
  };
  // Negative count: picks with repetition, in random order.
  if (!uniq || count === 1) {
    reply.array(withscores && reply.proto === 2 ? count * 2 : count);
    while (count-- > 0) {
      emit(z.randomCursor());
      // An absurd count: stop and close, as Redis's client output limits would (CLOSE_ASAP).
      if (reply.length > MAX_RANDOM_REPLY) {
        c.closeAfterReply = true;
        break;
      }
    }
    return;
  }
  const n = count < size ? count : size;
  reply.array(withscores && reply.proto === 2 ? n * 2 : n);
  // Asking for the whole set or more: all of it, in order.
  if (count >= size) {
    for (let cur = z.seekRank(0); cur !== NONE; cur = z.next(cur)) emit(cur);
    return;
  }
  // Otherwise distinct ranks: drop random ones from the full range when most are wanted,
  // pick random ones when few are.
  if (count * 3 > size) {
    const ranks: number[] = [];
    for (let i = 0; i < size; i++) ranks.push(i);
    for (let left = size; left > count; left--) {
      const k = Math.floor(Math.random() * left);
      ranks[k] = ranks[left - 1]!;
      ranks.pop();
    }
    for (const r of ranks) emit(z.seekRank(r));
    return;
  }
  const picked = new Set<number>();
  while (picked.size < count) {
    const r = Math.floor(Math.random() * size);
    if (picked.has(r)) continue;
    picked.add(r);
    emit(z.seekRank(r));
  }
}

// ---------------------------------------------------------------------------------------------
// ZSCAN

/** ZSCAN key cursor [MATCH pattern] [COUNT count] */
function zscan(c: Ctx, args: Args): void {
  const key = args.key();
  const cursor = parseScanCursor(args.next());
  const z = readZset(c, key);
  if (z === undefined) {
    replyEmptyScan(c);
    return;
  }
  const { count, pattern } = readScanOptions(args);
  const out: string[] = [];
  // A listpack set is answered whole; its scores read as the listpack holds them (d2string),
  // a skiplist's as %.17g.
  const listpack = z.encoding() === 'listpack';
  const next = z.scan(cursor, count, (m, s) => {
    if (pattern === null || globMatch(pattern, m)) out.push(m, listpack ? zsetD2string(s) : formatDouble(s));
  });
  const reply = c.reply;
  reply.array(2);
  reply.bulk(String(next));
  reply.bulks(out);
}

// ---------------------------------------------------------------------------------------------
// Key positions of the commands whose keys move (COMMAND GETKEYS)

/** numkeys at argv[at], keys after it; an optional destination first (key-spec order). */
function keysByNumkeys(argv: readonly string[], at: number, dst: boolean): number[] {
  const num = argv[at] === undefined ? 0 : parseInt(argv[at]!, 10);
  if (!(num >= 1) || num > argv.length - (at + 1)) return [];
  const out: number[] = dst ? [1] : [];
  for (let i = 0; i < num; i++) out.push(at + 1 + i);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Table

const Z: ['sortedset'] = ['sortedset'];
const G = 'sorted-set';

export const commands: CommandSpec[] = [
  { name: 'zadd', arity: -4, flags: ['write', 'denyoom', 'fast'], keys: KEY1, acl: Z, group: G, since: '1.2.0', summary: 'Adds members with scores to a sorted set, or updates their scores.', complexity: 'O(log(N)) per member added.', handler: zadd },
  { name: 'zincrby', arity: 4, flags: ['write', 'denyoom', 'fast'], keys: KEY1, acl: Z, group: G, since: '1.2.0', summary: 'Adds an increment to the score of a member.', complexity: 'O(log(N))', handler: zincrby },
  { name: 'zrem', arity: -3, flags: ['write', 'fast'], keys: KEY1, acl: Z, group: G, since: '1.2.0', summary: 'Removes members from a sorted set.', complexity: 'O(M*log(N)) for M members removed.', handler: zrem },
  { name: 'zcard', arity: 2, flags: ['readonly', 'fast'], keys: KEY1, acl: Z, group: G, since: '1.2.0', summary: 'Returns the number of members of a sorted set.', complexity: 'O(1)', handler: zcard },
  { name: 'zcount', arity: 4, flags: ['readonly', 'fast'], keys: KEY1, acl: Z, group: G, since: '2.0.0', summary: 'Counts the members whose score is within a range.', complexity: 'O(log(N))', handler: zcount },
  { name: 'zlexcount', arity: 4, flags: ['readonly', 'fast'], keys: KEY1, acl: Z, group: G, since: '2.8.9', summary: 'Counts the members within a lexicographical range.', complexity: 'O(log(N))', handler: zlexcount },
  { name: 'zscore', arity: 3, flags: ['readonly', 'fast'], keys: KEY1, acl: Z, group: G, since: '1.2.0', summary: 'Returns the score of a member.', complexity: 'O(1)', handler: zscore },
  { name: 'zmscore', arity: -3, flags: ['readonly', 'fast'], keys: KEY1, acl: Z, group: G, since: '6.2.0', summary: 'Returns the scores of several members.', complexity: 'O(N) for N members asked.', handler: zmscore },
  { name: 'zrank', arity: 3, flags: ['readonly', 'fast'], keys: KEY1, acl: Z, group: G, since: '2.0.0', summary: 'Returns the rank of a member, lowest score first.', complexity: 'O(log(N))', handler: zrank },
  { name: 'zrevrank', arity: 3, flags: ['readonly', 'fast'], keys: KEY1, acl: Z, group: G, since: '2.0.0', summary: 'Returns the rank of a member, highest score first.', complexity: 'O(log(N))', handler: zrevrank },
  { name: 'zrange', arity: -4, flags: ['readonly'], keys: KEY1, acl: Z, group: G, since: '1.2.0', summary: 'Returns members in a range of ranks, scores or lexicographical order.', complexity: 'O(log(N)+M) for M members returned.', handler: zrange },
  { name: 'zrangestore', arity: -5, flags: ['write', 'denyoom'], keys: [1, 2, 1], acl: Z, group: G, since: '6.2.0', summary: 'Stores a range of members into another key.', complexity: 'O(log(N)+M) for M members stored.', handler: zrangestore },
  { name: 'zrangebyscore', arity: -4, flags: ['readonly'], keys: KEY1, acl: Z, group: G, since: '1.0.5', summary: 'Returns members within a score range.', complexity: 'O(log(N)+M) for M members returned.', handler: zrangebyscore },
  { name: 'zrevrangebyscore', arity: -4, flags: ['readonly'], keys: KEY1, acl: Z, group: G, since: '2.2.0', summary: 'Returns members within a score range, highest first.', complexity: 'O(log(N)+M) for M members returned.', handler: zrevrangebyscore },
  { name: 'zrangebylex', arity: -4, flags: ['readonly'], keys: KEY1, acl: Z, group: G, since: '2.8.9', summary: 'Returns members within a lexicographical range.', complexity: 'O(log(N)+M) for M members returned.', handler: zrangebylex },
  { name: 'zrevrangebylex', arity: -4, flags: ['readonly'], keys: KEY1, acl: Z, group: G, since: '2.8.9', summary: 'Returns members within a lexicographical range, highest first.', complexity: 'O(log(N)+M) for M members returned.', handler: zrevrangebylex },
  { name: 'zrevrange', arity: -4, flags: ['readonly'], keys: KEY1, acl: Z, group: G, since: '1.2.0', summary: 'Returns members in a range of ranks, highest score first.', complexity: 'O(log(N)+M) for M members returned.', handler: zrevrange },
  { name: 'zremrangebyrank', arity: 4, flags: ['write'], keys: KEY1, acl: Z, group: G, since: '2.0.0', summary: 'Removes the members within a range of ranks.', complexity: 'O(log(N)+M) for M members removed.', handler: zremrangebyrank },
  { name: 'zremrangebyscore', arity: 4, flags: ['write'], keys: KEY1, acl: Z, group: G, since: '1.2.0', summary: 'Removes the members within a score range.', complexity: 'O(log(N)+M) for M members removed.', handler: zremrangebyscore },
  { name: 'zremrangebylex', arity: 4, flags: ['write'], keys: KEY1, acl: Z, group: G, since: '2.8.9', summary: 'Removes the members within a lexicographical range.', complexity: 'O(log(N)+M) for M members removed.', handler: zremrangebylex },
  { name: 'zpopmin', arity: -2, flags: ['write', 'fast'], keys: KEY1, acl: Z, group: G, since: '5.0.0', summary: 'Removes and returns the members with the lowest scores.', complexity: 'O(log(N)*M) for M members popped.', handler: zpopmin },
  { name: 'zpopmax', arity: -2, flags: ['write', 'fast'], keys: KEY1, acl: Z, group: G, since: '5.0.0', summary: 'Removes and returns the members with the highest scores.', complexity: 'O(log(N)*M) for M members popped.', handler: zpopmax },
  { name: 'zmpop', arity: -4, flags: ['write', 'movablekeys'], keys: [0, 0, 0], acl: Z, group: G, since: '7.0.0', summary: 'Pops members with the lowest or highest scores from the first non-empty of several sorted sets.', complexity: 'O(K)+O(M*log(N)) for K keys and M members popped.', getKeys: (argv) => keysByNumkeys(argv, 1, false), handler: zmpop },
  { name: 'bzpopmin', arity: -3, flags: ['write', 'noscript', 'blocking', 'fast'], keys: [1, -2, 1], acl: Z, group: G, since: '5.0.0', summary: 'Pops the member with the lowest score from the first non-empty sorted set, waiting for one if needed.', complexity: 'O(log(N))', handler: bzpopmin },
  { name: 'bzpopmax', arity: -3, flags: ['write', 'noscript', 'blocking', 'fast'], keys: [1, -2, 1], acl: Z, group: G, since: '5.0.0', summary: 'Pops the member with the highest score from the first non-empty sorted set, waiting for one if needed.', complexity: 'O(log(N))', handler: bzpopmax },
  { name: 'bzmpop', arity: -5, flags: ['write', 'blocking', 'movablekeys'], keys: [0, 0, 0], acl: Z, group: G, since: '7.0.0', summary: 'Pops members from the first non-empty of several sorted sets, waiting for one if needed.', complexity: 'O(K)+O(M*log(N)) for K keys and M members popped.', getKeys: (argv) => keysByNumkeys(argv, 2, false), handler: bzmpop },
  { name: 'zrandmember', arity: -2, flags: ['readonly'], keys: KEY1, acl: Z, group: G, since: '6.2.0', summary: 'Returns random members of a sorted set.', complexity: 'O(N) for N members returned.', tips: ['nondeterministic_output'], handler: zrandmember },
  { name: 'zunion', arity: -3, flags: ['readonly', 'movablekeys'], keys: [0, 0, 0], acl: Z, group: G, since: '6.2.0', summary: 'Returns the union of sorted sets.', complexity: 'O(N)+O(M*log(M)) for N input members and M result members.', getKeys: (argv) => keysByNumkeys(argv, 1, false), handler: zunion },
  { name: 'zinter', arity: -3, flags: ['readonly', 'movablekeys'], keys: [0, 0, 0], acl: Z, group: G, since: '6.2.0', summary: 'Returns the intersection of sorted sets.', complexity: 'O(N*K)+O(M*log(M)) for the smallest input N of K inputs and M result members.', getKeys: (argv) => keysByNumkeys(argv, 1, false), handler: zinter },
  { name: 'zintercard', arity: -3, flags: ['readonly', 'movablekeys'], keys: [0, 0, 0], acl: Z, group: G, since: '7.0.0', summary: 'Returns the size of the intersection of sorted sets.', complexity: 'O(N*K) for the smallest input N of K inputs.', getKeys: (argv) => keysByNumkeys(argv, 1, false), handler: zintercard },
  { name: 'zdiff', arity: -3, flags: ['readonly', 'movablekeys'], keys: [0, 0, 0], acl: Z, group: G, since: '6.2.0', summary: 'Returns the members of the first sorted set missing from the others.', complexity: 'O(L+(N-K)log(N)) worst case.', getKeys: (argv) => keysByNumkeys(argv, 1, false), handler: zdiffCmd },
  { name: 'zunionstore', arity: -4, flags: ['write', 'denyoom', 'movablekeys'], keys: KEY1, acl: Z, group: G, since: '2.0.0', summary: 'Stores the union of sorted sets in a key.', complexity: 'O(N)+O(M*log(M)) for N input members and M result members.', getKeys: (argv) => keysByNumkeys(argv, 2, true), handler: zunionstore },
  { name: 'zinterstore', arity: -4, flags: ['write', 'denyoom', 'movablekeys'], keys: KEY1, acl: Z, group: G, since: '2.0.0', summary: 'Stores the intersection of sorted sets in a key.', complexity: 'O(N*K)+O(M*log(M)) for the smallest input N of K inputs and M result members.', getKeys: (argv) => keysByNumkeys(argv, 2, true), handler: zinterstore },
  { name: 'zdiffstore', arity: -4, flags: ['write', 'denyoom', 'movablekeys'], keys: KEY1, acl: Z, group: G, since: '6.2.0', summary: 'Stores the difference of sorted sets in a key.', complexity: 'O(L+(N-K)log(N)) worst case.', getKeys: (argv) => keysByNumkeys(argv, 2, true), handler: zdiffstore },
  { name: 'zscan', arity: -3, flags: ['readonly'], keys: KEY1, acl: Z, group: G, since: '2.8.0', summary: 'Iterates over the members and scores of a sorted set.', complexity: 'O(1) per call, O(N) for a whole iteration.', tips: ['nondeterministic_output'], handler: zscan },
];
