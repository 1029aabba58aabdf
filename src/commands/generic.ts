/**
 * Generic keyspace commands (the generic group, plus DBSIZE/FLUSHDB/FLUSHALL/SWAPDB of the
 * server group): deleting, finding, renaming, moving and copying keys, key expiry, and
 * OBJECT introspection, as Redis 7.0's db.c, expire.c and object.c.
 *
 * Lookups follow Redis's split: read lookups (EXISTS, TYPE, TTL, TOUCH, COPY's source,
 * SCAN's TYPE filter) count keyspace hits/misses and emit `keymiss` events; write lookups
 * (DEL, RENAME, MOVE, EXPIRE, PERSIST) don't. Both expire a stale key first.
 *
 * Propagation: EXPIRE/PEXPIRE/EXPIREAT become `PEXPIREAT key <absolute ms>`; an expire
 * time already past deletes the key and becomes `DEL key` (`UNLINK` with
 * lazyfree-lazy-expire); FLUSHDB/FLUSHALL are propagated even when nothing was removed.
 * Everything else propagates as written.
 *
 * Commands that look a key up more than once (RENAME, MOVE, COPY) freeze the store's
 * clock for their duration, as Redis freezes command time, so a key cannot expire halfway.
 *
 * Imports: commands/types, the store's value helpers, util; server/expire.ts (DEBUG
 * SET-ACTIVE-EXPIRE) and server/multi.ts (WATCH on flush/swap).
 */

import { constants as bufferConstants } from 'node:buffer';
import type { Args, CommandSpec, Ctx } from './types.js';
import { ALL_KEYS, E, KEY1, NO_KEYS, ReplyError, err } from './types.js';
import { debugSubcommands, debugSyntaxError } from './debug.js';
import type { Db } from '../store/db.js';
import { stringEncoding, typeOf } from '../store/values.js';
import { carryStringEncoding, stringEncodingOf, swapRawMarks } from './string.js';
import type { Value } from '../store/values.js';
import { globMatch } from '../util/glob.js';
import { INT64_MAX, INT64_MIN, string2ll } from '../util/number.js';
import { setActiveExpire } from '../server/expire.js';
import { touchAllWatchedKeysInDb } from '../server/multi.js';

// ---------------------------------------------------------------------------------------
// Shared helpers

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
/** Redis 7.0's refcount for shared objects (the small integers 0..9999). */
const OBJ_SHARED_REFCOUNT = 2147483647;
const OBJ_SHARED_INTEGERS = 10000;

/**
 * Redis's getIntFromObjectOrReply: a string2ll integer within a C int. With `msg`, that
 * text is the error for both a bad integer and one out of range.
 */
function intArg(s: string, msg?: string): number {
  const v = string2ll(s);
  if (v === null) throw new ReplyError(msg ?? E.notInteger);
  if (v < BigInt(INT_MIN) || v > BigInt(INT_MAX)) {
    throw new ReplyError(msg ?? `ERR value is out of range, value must between ${INT_MIN} and ${INT_MAX}`);
  }
  return Number(v);
}

/** The database with index id, or Redis's out-of-range error. */
function dbAt(c: Ctx, id: number): Db {
  const dbs = c.server.store.dbs;
  if (id < 0 || id >= dbs.length) throw new ReplyError(E.dbIndexOutOfRange);
  return dbs[id]!;
}

/**
 * Redis's lookupKeyRead: lazy expiry, keyspace hit/miss counted, a `keymiss` event on a
 * miss (unless `notify` is false, as OBJECT's LOOKUP_NONOTIFY).
 */
function lookupRead(c: Ctx, db: Db, key: string, notify = true, touch = true): Value | undefined {
  const v = touch ? db.get(key) : db.peek(key);
  const store = c.server.store;
  if (v === undefined) {
    store.stats.keyspaceMisses++;
    if (notify) store.hooks.keyspaceEvent('m', 'keymiss', key, db.id);
  } else {
    store.stats.keyspaceHits++;
  }
  return v;
}

/**
 * Signals a change to a key without counting another one for save points: for the second
 * key of a command Redis counts once (RENAME, MOVE).
 */
function signal(c: Ctx, key: string, event: string, db: Db): void {
  const hooks = c.server.store.hooks;
  hooks.modified(db, key);
  hooks.keyspaceEvent('g', event, key, db.id);
}

/**
 * Freezes the store clock for the rest of the command (unless a transaction or script
 * already did) and returns the function that thaws it.
 */
function freezeTime(c: Ctx): () => void {
  const store = c.server.store;
  if (store.fixedTime > 0) return () => {};
  store.fixedTime = store.clock.now();
  return () => {
    store.fixedTime = 0;
  };
}

/** Propagates argv now (FLUSHDB/FLUSHALL must reach the AOF even when they removed nothing). */
function forcePropagate(c: Ctx, argv: string[]): void {
  c.noPropagate = true;
  c.server.propagate(c.db.id, argv);
}

/** Redis's addReplyHelp: a header naming the command, the lines, then HELP's own two. */
function replyHelp(c: Ctx, command: string, lines: readonly string[]): void {
  const r = c.reply;
  r.array(lines.length + 3);
  r.simple(`${command.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) r.simple(l);
  r.simple('HELP');
  r.simple('    Prints this help.');
}

/** ASCII case-insensitive equality (C strcasecmp in the "C" locale). */
function equalsIgnoreCase(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b.toLowerCase();
}

// ---------------------------------------------------------------------------------------
// Deleting, existence, type

/** DEL key [key ...] — removes the keys; replies how many existed. */
function del(c: Ctx, args: Args): void {
  const db = c.db;
  let n = 0;
  for (let i = 1; i < args.argv.length; i++) {
    const key = args.argv[i]!;
    if (db.delete(key)) {
      c.wrote(key, 'del');
      n++;
    }
  }
  c.reply.int(n);
}

/** EXISTS key [key ...] — how many of the keys exist (a key named twice counts twice). */
function exists(c: Ctx, args: Args): void {
  const db = c.db;
  let n = 0;
  for (let i = 1; i < args.argv.length; i++) if (lookupRead(c, db, args.argv[i]!, true, false) !== undefined) n++;
  c.reply.int(n);
}

/** TYPE key — string, list, set, zset, hash, stream or none. */
function type(c: Ctx, args: Args): void {
  const v = lookupRead(c, c.db, args.key(), true, false);
  c.reply.simple(v === undefined ? 'none' : typeOf(v));
}

/** TOUCH key [key ...] — how many of the keys exist; each is touched (its LRU time or LFU counter). */
function touch(c: Ctx, args: Args): void {
  const db = c.db;
  let n = 0;
  for (let i = 1; i < args.argv.length; i++) if (lookupRead(c, db, args.argv[i]!) !== undefined) n++;
  c.reply.int(n);
}

// ---------------------------------------------------------------------------------------
// Finding keys

/** Whether key is logically expired, without deleting it (Redis keyIsExpired). */
function isExpired(db: Db, key: string, now: number): boolean {
  const when = db.getExpire(key);
  return when !== undefined && now > when;
}

/** KEYS pattern — every live key matching the glob pattern. Expired keys are skipped, not deleted. */
function keys(c: Ctx, args: Args): void {
  const pattern = args.next();
  const db = c.db;
  const store = c.server.store;
  const all = pattern === '*';
  const checkExpiry = db.expires.size !== 0 && !store.loading;
  const now = store.now();
  const r = c.reply;
  const before = r.defer();
  let n = 0;
  for (const key of db.dict.keys()) {
    if (!all && !globMatch(pattern, key)) continue;
    if (checkExpiry && isExpired(db, key, now)) continue;
    r.bulk(key);
    n++;
  }
  r.closeArray(before, n);
}

/**
 * A SCAN cursor as Redis's strtoul-based parser reads it: no leading space, an optional
 * sign ('-' wraps around 2^64), decimal digits, nothing after; the empty string is 0.
 * Returns null for anything else (or a value past 2^64 - 1).
 */
export function parseScanCursor(s: string): bigint | null {
  if (s.length === 0) return 0n;
  const c0 = s.charCodeAt(0);
  // isspace: ' ', \t, \n, \v, \f, \r
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  let i = 0;
  let negative = false;
  if (c0 === 43 /* + */ || c0 === 45 /* - */) {
    negative = c0 === 45;
    i = 1;
  }
  if (i === s.length) return null;
  for (let j = i; j < s.length; j++) {
    const d = s.charCodeAt(j);
    if (d < 48 || d > 57) return null;
  }
  const v = BigInt(s.slice(i));
  const max = 18446744073709551615n;
  if (v > max) return null;
  return negative && v !== 0n ? max + 1n - v : v;
}

/** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] — one step of a keyspace walk. */
function scan(c: Ctx, args: Args): void {
  const cursor = parseScanCursor(args.next());
  if (cursor === null) throw err('invalid cursor');
  const argv = args.argv;
  let count = 10;
  let pattern: string | null = null;
  let typeName: string | null = null;
  for (let i = 2; i < argv.length; ) {
    const left = argv.length - i;
    const opt = argv[i]!.toLowerCase();
    if (opt === 'count' && left >= 2) {
      const v = string2ll(argv[i + 1]!);
      if (v === null) throw new ReplyError(E.notInteger);
      if (v < 1n) throw new ReplyError(E.syntax);
      count = v > 1000000000n ? 1000000000 : Number(v);
      i += 2;
    } else if (opt === 'match' && left >= 2) {
      pattern = argv[i + 1]!;
      // "*" matches everything: the same as no pattern.
      if (pattern === '*') pattern = null;
      i += 2;
    } else if (opt === 'type' && left >= 2) {
      typeName = argv[i + 1]!;
      i += 2;
    } else {
      throw new ReplyError(E.syntax);
    }
  }

  const db = c.db;
  const found: string[] = [];
  // The table's cursor space is 32 bits: higher bits never matter for its buckets.
  const next = db.dict.scan(Number(cursor & 0xffffffffn), count, (key) => {
    found.push(key);
  });

  const r = c.reply;
  const out: string[] = [];
  for (const key of found) {
    if (pattern !== null && !globMatch(pattern, key)) continue;
    if (typeName !== null) {
      // Redis looks the key up here (expiring it): an expired key has type "none".
      const v = lookupRead(c, db, key, true, false);
      if (!equalsIgnoreCase(v === undefined ? 'none' : typeOf(v), typeName)) continue;
    }
    if (db.expireIfNeeded(key)) continue;
    out.push(key);
  }
  r.array(2);
  r.bulk(String(next));
  r.bulks(out);
}

/** RANDOMKEY — a random live key, or null when the database is empty. */
function randomkey(c: Ctx): void {
  c.reply.bulkOrNull(c.db.randomKey());
}

/** DBSIZE — keys in the selected database (including expired ones not yet reclaimed). */
function dbsize(c: Ctx): void {
  c.reply.int(c.db.size);
}

// ---------------------------------------------------------------------------------------
// Renaming, moving, copying

/** RENAME key newkey / RENAMENX key newkey. The TTL moves with the value. */
function renameGeneric(c: Ctx, args: Args, nx: boolean): void {
  const src = args.key();
  const dst = args.key();
  const db = c.db;
  const thaw = freezeTime(c);
  try {
    const o = db.get(src);
    if (o === undefined) throw new ReplyError(E.noSuchKey);
    // Same name: nothing to do, but a missing key was still an error.
    if (src === dst) {
      if (nx) c.reply.int(0);
      else c.reply.ok();
      return;
    }
    const expire = db.getExpire(src);
    if (db.get(dst) !== undefined) {
      if (nx) {
        c.reply.int(0);
        return;
      }
      db.delete(dst);
    }
    const raw = typeof o === 'string' && stringEncodingOf(db, src, o) === 'raw';
    // The object moves in Redis: its access data (LFU counter, LRU time) goes with it.
    const access = db.dict.metaOf(src);
    db.set(dst, o);
    if (access !== undefined) db.dict.setMeta(dst, access);
    if (expire !== undefined) db.setExpire(dst, expire);
    db.delete(src);
    c.wrote(src, 'rename_from');
    signal(c, dst, 'rename_to', db);
    carryStringEncoding(db, dst, o, raw);
    if (nx) c.reply.int(1);
    else c.reply.ok();
  } finally {
    thaw();
  }
}

function rename(c: Ctx, args: Args): void {
  renameGeneric(c, args, false);
}

function renamenx(c: Ctx, args: Args): void {
  renameGeneric(c, args, true);
}

/** MOVE key db — moves the key (and its TTL) to another database unless it exists there. */
function move(c: Ctx, args: Args): void {
  const key = args.key();
  const dst = dbAt(c, intArg(args.next()));
  const src = c.db;
  if (src === dst) throw new ReplyError(E.sameObject);
  const thaw = freezeTime(c);
  try {
    const o = src.get(key);
    if (o === undefined) {
      c.reply.int(0);
      return;
    }
    const expire = src.getExpire(key);
    if (dst.get(key) !== undefined) {
      c.reply.int(0);
      return;
    }
    const raw = typeof o === 'string' && stringEncodingOf(src, key, o) === 'raw';
    const access = src.dict.metaOf(key);
    dst.set(key, o);
    if (access !== undefined) dst.dict.setMeta(key, access);
    if (expire !== undefined) dst.setExpire(key, expire);
    src.delete(key);
    c.wrote(key, 'move_from', 'g', src);
    signal(c, key, 'move_to', dst);
    carryStringEncoding(dst, key, o, raw);
    c.reply.int(1);
  } finally {
    thaw();
  }
}

/** COPY source destination [DB destination-db] [REPLACE] — an independent copy with the TTL. */
function copy(c: Ctx, args: Args): void {
  const key = args.key();
  const newkey = args.key();
  const src = c.db;
  let dst = src;
  let replace = false;
  const argv = args.argv;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    if (opt === 'replace') {
      replace = true;
    } else if (opt === 'db' && j + 1 < argv.length) {
      dst = dbAt(c, intArg(argv[j + 1]!));
      j++;
    } else {
      throw new ReplyError(E.syntax);
    }
  }
  if (src === dst && key === newkey) throw new ReplyError(E.sameObject);
  const thaw = freezeTime(c);
  try {
    const o = lookupRead(c, src, key);
    if (o === undefined) {
      c.reply.int(0);
      return;
    }
    const expire = src.getExpire(key);
    let overwrite = false;
    if (dst.get(newkey) !== undefined) {
      if (!replace) {
        c.reply.int(0);
        return;
      }
      overwrite = true;
    }
    // Strings are immutable JS strings: sharing one is a copy.
    const dup: Value = typeof o === 'string' ? o : (o.clone() as Value);
    if (overwrite) dst.delete(newkey);
    dst.set(newkey, dup);
    if (expire !== undefined) dst.setExpire(newkey, expire);
    c.wrote(newkey, 'copy_to', 'g', dst);
    carryStringEncoding(dst, newkey, dup, typeof o === 'string' && stringEncodingOf(src, key, o) === 'raw');
    c.reply.int(1);
  } finally {
    thaw();
  }
}

// ---------------------------------------------------------------------------------------
// Whole databases

/** FLUSHDB/FLUSHALL's optional SYNC|ASYNC (both free synchronously here: no lazy freeing in JS). */
function flushFlags(args: Args): void {
  const argv = args.argv;
  if (argv.length === 1) return;
  if (argv.length === 2) {
    const f = argv[1]!.toLowerCase();
    if (f === 'sync' || f === 'async') return;
  }
  throw new ReplyError(E.syntax);
}

/** Clients blocked on keys of these databases may be served after a swap. */
function signalBlockedKeys(c: Ctx, dbs: readonly Db[]): void {
  const hooks = c.server.store.hooks;
  for (const client of c.server.clients.values()) {
    const b = client.blocked;
    if (b === null || !dbs.includes(client.db)) continue;
    for (const key of b.keys) if (client.db.dict.has(key)) hooks.keyReady(client.db, key);
  }
}

/** FLUSHDB [ASYNC|SYNC] — removes every key of the selected database. */
function flushdb(c: Ctx, args: Args): void {
  flushFlags(args);
  const db = c.db;
  touchAllWatchedKeysInDb(c.server, db);
  c.server.store.dirty += db.flush();
  forcePropagate(c, args.argv as string[]);
  c.reply.ok();
}

/** FLUSHALL [ASYNC|SYNC] — removes every key of every database, then runs the flush-all hooks (save). */
function flushall(c: Ctx, args: Args): void {
  flushFlags(args);
  const server = c.server;
  const store = server.store;
  let removed = 0;
  for (const db of store.dbs) {
    touchAllWatchedKeysInDb(server, db);
    removed += db.flush();
  }
  store.dirty += removed;
  for (const hook of server.flushAllHooks) hook();
  forcePropagate(c, args.argv as string[]);
  c.reply.ok();
}

/** SWAPDB index1 index2 — exchanges the contents of two databases; clients stay where they are. */
function swapdb(c: Ctx, args: Args): void {
  const id1 = intArg(args.next(), 'ERR invalid first DB index');
  const id2 = intArg(args.next(), 'ERR invalid second DB index');
  const store = c.server.store;
  const a = dbAt(c, id1);
  const b = dbAt(c, id2);
  if (a !== b) {
    touchAllWatchedKeysInDb(c.server, a, b);
    touchAllWatchedKeysInDb(c.server, b, a);
    swapRawMarks(a, b, () => store.swap(id1, id2));
    signalBlockedKeys(c, [a, b]);
  }
  store.dirty++;
  c.reply.ok();
}

// ---------------------------------------------------------------------------------------
// Expiry

/** Redis's EXPIRE_* option flags. */
const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;

/** Parses NX|XX|GT|LT after the time (Redis parseExtendedExpireArgumentsOrReply). */
function expireFlags(argv: readonly string[]): number {
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!;
    switch (opt.toLowerCase()) {
      case 'nx':
        flags |= NX;
        break;
      case 'xx':
        flags |= XX;
        break;
      case 'gt':
        flags |= GT;
        break;
      case 'lt':
        flags |= LT;
        break;
      default:
        throw err(`Unsupported option ${opt}`);
    }
  }
  if (flags & NX && flags & (XX | GT | LT)) throw err('NX and XX, GT or LT options at the same time are not compatible');
  if (flags & GT && flags & LT) throw err('GT and LT options at the same time are not compatible');
  return flags;
}

/**
 * EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT key time [NX|XX|GT|LT] (Redis expireGenericCommand).
 * `relative`: time counts from now; `seconds`: time is in seconds.
 */
function expireGeneric(c: Ctx, args: Args, relative: boolean, seconds: boolean): void {
  const argv = args.argv;
  const key = argv[1]!;
  const flags = expireFlags(argv);
  const param = string2ll(argv[2]!);
  if (param === null) throw new ReplyError(E.notInteger);
  const store = c.server.store;
  const name = argv[0]!.toLowerCase();
  let when = param;
  if (seconds) {
    // Overflow checks as Redis's, in exact 64-bit arithmetic.
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) throw new ReplyError(E.invalidExpire(name));
    when *= 1000n;
  }
  const base = relative ? BigInt(store.now()) : 0n;
  if (when > INT64_MAX - base) throw new ReplyError(E.invalidExpire(name));
  when += base;

  const db = c.db;
  if (db.get(key) === undefined) {
    c.reply.int(0);
    return;
  }
  if (flags !== 0) {
    const cur = db.getExpire(key);
    const current = cur === undefined ? -1n : BigInt(cur);
    if (flags & NX && cur !== undefined) return void c.reply.int(0);
    if (flags & XX && cur === undefined) return void c.reply.int(0);
    // No TTL counts as infinite: GT never beats it; LT always does.
    if (flags & GT && (when <= current || cur === undefined)) return void c.reply.int(0);
    if (flags & LT && cur !== undefined && when >= current) return void c.reply.int(0);
  }

  // A time already past deletes the key (never while loading: the AOF's DEL follows).
  if (when <= BigInt(store.now()) && !store.loading) {
    db.delete(key);
    c.wrote(key, 'del');
    c.propagate([c.server.config.bool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key]);
    c.reply.int(1);
    return;
  }
  db.setExpire(key, Number(when));
  c.wrote(key, 'expire');
  // Propagated as PEXPIREAT with the absolute time; the options stay (they held once, they hold again).
  const out = argv.slice();
  if (name !== 'pexpireat') out[0] = 'PEXPIREAT';
  if (relative || seconds) out[2] = String(when);
  c.propagate(out);
  c.reply.int(1);
}

function expire(c: Ctx, args: Args): void {
  expireGeneric(c, args, true, true);
}
function pexpire(c: Ctx, args: Args): void {
  expireGeneric(c, args, true, false);
}
function expireat(c: Ctx, args: Args): void {
  expireGeneric(c, args, false, true);
}
function pexpireat(c: Ctx, args: Args): void {
  expireGeneric(c, args, false, false);
}

/**
 * TTL/PTTL/EXPIRETIME/PEXPIRETIME key: -2 when the key is missing, -1 without a TTL.
 * TTL rounds to the nearest second; a TTL already reached reports 0.
 */
function ttlGeneric(c: Ctx, args: Args, ms: boolean, absolute: boolean): void {
  const key = args.key();
  const db = c.db;
  if (lookupRead(c, db, key, true, false) === undefined) {
    c.reply.int(-2);
    return;
  }
  const when = db.getExpire(key);
  if (when === undefined) {
    c.reply.int(-1);
    return;
  }
  let ttl = absolute ? when : when - c.server.store.now();
  if (ttl < 0) ttl = 0;
  c.reply.int(ms ? ttl : Math.floor((ttl + 500) / 1000));
}

function ttl(c: Ctx, args: Args): void {
  ttlGeneric(c, args, false, false);
}
function pttl(c: Ctx, args: Args): void {
  ttlGeneric(c, args, true, false);
}
function expiretime(c: Ctx, args: Args): void {
  ttlGeneric(c, args, false, true);
}
function pexpiretime(c: Ctx, args: Args): void {
  ttlGeneric(c, args, true, true);
}

/** PERSIST key — removes the TTL; 1 when there was one. */
function persist(c: Ctx, args: Args): void {
  const key = args.key();
  const db = c.db;
  if (db.get(key) !== undefined && db.persist(key)) {
    c.wrote(key, 'persist');
    c.reply.int(1);
  } else {
    c.reply.int(0);
  }
}

// ---------------------------------------------------------------------------------------
// OBJECT

/** The key for OBJECT: no keyspace event on a miss (LOOKUP_NONOTIFY); null reply when missing. */
function objectLookup(c: Ctx, args: Args): Value | undefined {
  const v = lookupRead(c, c.db, args.key(), false, false);
  if (v === undefined) c.reply.nullBulk();
  return v;
}

/** Whether the maxmemory policy is an LFU one (Redis MAXMEMORY_FLAG_LFU). */
function lfuPolicy(c: Ctx): boolean {
  return c.server.store.access.lfu;
}

/** OBJECT ENCODING key — Redis's name for the value's internal representation. */
function objectEncoding(c: Ctx, args: Args): void {
  const v = objectLookup(c, args);
  if (v === undefined) return;
  // Strings: raw after APPEND/SETRANGE even when the result would fit embstr or int.
  c.reply.bulk(typeof v === 'string' ? stringEncodingOf(c.db, args.argv[2]!, v) : v.encoding());
}

/**
 * OBJECT REFCOUNT key — Redis 7.0 shares the integers 0..9999 (reported as INT_MAX) unless
 * an LRU/LFU maxmemory policy needs per-key access data; every other value reports 1.
 */
function objectRefcount(c: Ctx, args: Args): void {
  const v = objectLookup(c, args);
  if (v === undefined) return;
  c.reply.int(refcountOf(c, args.argv[2]!, v));
}

/** The refcount Redis would report for the value of key in c.db (OBJECT REFCOUNT, DEBUG OBJECT). */
export function refcountOf(c: Ctx, key: string, v: Value): number {
  let shared = false;
  // A raw string (after APPEND/SETRANGE) is never a shared integer, whatever its text.
  if (typeof v === 'string' && v.length <= 4 && stringEncodingOf(c.db, key, v) === 'int') {
    const n = Number(v);
    const policy = c.server.config.str('maxmemory-policy');
    const sharable = c.server.config.num('maxmemory') === 0 || !(policy.endsWith('-lru') || policy.endsWith('-lfu'));
    shared = n >= 0 && n < OBJ_SHARED_INTEGERS && sharable;
  }
  return shared ? OBJ_SHARED_REFCOUNT : 1;
}

/**
 * OBJECT IDLETIME key — seconds since the key was last used (store/access.ts); with an LFU
 * policy Redis's error, as Redis.
 */
function objectIdletime(c: Ctx, args: Args): void {
  const v = objectLookup(c, args);
  if (v === undefined) return;
  if (lfuPolicy(c)) {
    throw err(
      'An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
  }
  c.reply.int(c.server.store.access.idleSeconds(c.db.dict.metaOf(args.argv[2]!) ?? 0));
}

/**
 * OBJECT FREQ key — the LFU counter after its decay (store/access.ts). Redis's error unless
 * an LFU policy is selected.
 */
function objectFreq(c: Ctx, args: Args): void {
  const v = objectLookup(c, args);
  if (v === undefined) return;
  if (!lfuPolicy(c)) {
    throw err(
      'An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
  }
  c.reply.int(c.server.store.access.counter(c.db.dict.metaOf(args.argv[2]!) ?? 0));
}

const OBJECT_HELP = [
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
];

/** OBJECT HELP */
function objectHelp(c: Ctx, args: Args): void {
  replyHelp(c, args.argv[0]!, OBJECT_HELP);
}

// ---------------------------------------------------------------------------------------
// DEBUG SET-ACTIVE-EXPIRE

/** C atoi: optional spaces and sign, then digits; anything else ends the number (0 if none). */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Number.parseInt(m[1]!, 10);
}

/** DEBUG SET-ACTIVE-EXPIRE 0|1 — turns active expiry off (0) or on (anything else). */
debugSubcommands.set('set-active-expire', (c: Ctx, args: Args) => {
  if (args.remaining !== 1) {
    throw debugSyntaxError(args.argv[1]!);
  }
  setActiveExpire(c.server, atoi(args.next()) !== 0);
  c.reply.ok();
});

// ---------------------------------------------------------------------------------------
// DEBUG POPULATE

/**
 * DEBUG POPULATE count [prefix] [size]: adds the keys prefix:0 .. prefix:<count-1> (prefix
 * "key"), each holding "value:<n>", or that text cut or padded with zero bytes to size bytes
 * when a size is given; keys that exist are left alone. As in Redis, keys are spelled by
 * snprintf into 128 bytes (the prefix ends at a zero byte, a key at 127 bytes), the command
 * is not a write (nothing is propagated or counted for save points), and each new key is
 * announced as `new` and seen by WATCH.
 */
debugSubcommands.set('populate', (c: Ctx, args: Args) => {
  const argv = args.argv;
  if (argv.length < 3 || argv.length > 5) throw debugSyntaxError(argv[1]!);
  // Redis reads the count, then the size; the prefix is taken as it is.
  const count = args.positiveLong();
  let prefix = argv.length >= 4 ? args.next() : 'key';
  const size = argv.length === 5 ? args.positiveLong() : 0;
  // Redis would try to allocate it; a JS string cannot be that long.
  if (size > bufferConstants.MAX_STRING_LENGTH) throw new ReplyError(E.stringTooLong);
  const nul = prefix.indexOf('\0');
  if (nul >= 0) prefix = prefix.slice(0, nul);
  const db = c.db;
  const hooks = db.store.hooks;
  for (let j = 0; j < count; j++) {
    let key = `${prefix}:${j}`;
    if (key.length > 127) key = key.slice(0, 127);
    if (db.get(key) !== undefined) continue;
    let value = `value:${j}`;
    if (size !== 0) value = size <= value.length ? value.slice(0, size) : value + '\0'.repeat(size - value.length);
    db.set(key, value);
    hooks.modified(db, key);
  }
  c.reply.ok();
});

// ---------------------------------------------------------------------------------------
// The table

const KEY2: readonly [number, number, number] = [2, 2, 1];
const KEYS_1_2: readonly [number, number, number] = [1, 2, 1];

export const commands: CommandSpec[] = [
  { name: 'del', arity: -2, flags: ['write'], keys: ALL_KEYS, acl: ['keyspace'], group: 'generic', since: '1.0.0', summary: 'Deletes one or more keys.', tips: ['request_policy:multi_shard', 'response_policy:agg_sum'], handler: del },
  { name: 'unlink', arity: -2, flags: ['write', 'fast'], keys: ALL_KEYS, acl: ['keyspace'], group: 'generic', since: '4.0.0', summary: 'Deletes one or more keys (freeing memory is never deferred in Amber).', tips: ['request_policy:multi_shard', 'response_policy:agg_sum'], handler: del },
  { name: 'exists', arity: -2, flags: ['readonly', 'fast'], keys: ALL_KEYS, acl: ['keyspace'], group: 'generic', since: '1.0.0', summary: 'Counts how many of the given keys exist.', tips: ['request_policy:multi_shard', 'response_policy:agg_sum'], handler: exists },
  { name: 'type', arity: 2, flags: ['readonly', 'fast'], keys: KEY1, acl: ['keyspace'], group: 'generic', since: '1.0.0', summary: 'Returns the type of the value at a key.', handler: type },
  { name: 'touch', arity: -2, flags: ['readonly', 'fast'], keys: ALL_KEYS, acl: ['keyspace'], group: 'generic', since: '3.2.1', summary: 'Counts how many of the given keys exist, marking them accessed.', tips: ['request_policy:multi_shard', 'response_policy:agg_sum'], handler: touch },
  { name: 'keys', arity: 2, flags: ['readonly'], keys: NO_KEYS, acl: ['keyspace', 'dangerous'], group: 'generic', since: '1.0.0', summary: 'Lists every key matching a glob pattern.', tips: ['request_policy:all_shards', 'nondeterministic_output_order'], handler: keys },
  { name: 'scan', arity: -2, flags: ['readonly'], keys: NO_KEYS, acl: ['keyspace'], group: 'generic', since: '2.8.0', summary: 'Walks the keyspace a few keys at a time with a cursor.', tips: ['nondeterministic_output', 'request_policy:special'], handler: scan },
  { name: 'randomkey', arity: 1, flags: ['readonly'], keys: NO_KEYS, acl: ['keyspace'], group: 'generic', since: '1.0.0', summary: 'Returns a random key of the database.', tips: ['request_policy:all_shards', 'nondeterministic_output'], handler: randomkey },
  { name: 'rename', arity: 3, flags: ['write'], keys: KEYS_1_2, acl: ['keyspace'], group: 'generic', since: '1.0.0', summary: 'Renames a key, overwriting the destination.', handler: rename },
  { name: 'renamenx', arity: 3, flags: ['write', 'fast'], keys: KEYS_1_2, acl: ['keyspace'], group: 'generic', since: '1.0.0', summary: 'Renames a key only when the new name is free.', handler: renamenx },
  { name: 'move', arity: 3, flags: ['write', 'fast'], keys: KEY1, acl: ['keyspace'], group: 'generic', since: '1.0.0', summary: 'Moves a key to another database.', handler: move },
  { name: 'copy', arity: -3, flags: ['write', 'denyoom'], keys: KEYS_1_2, acl: ['keyspace'], group: 'generic', since: '6.2.0', summary: 'Copies the value of a key to another key.', handler: copy },
  { name: 'dbsize', arity: 1, flags: ['readonly', 'fast'], keys: NO_KEYS, acl: ['keyspace'], group: 'server', since: '1.0.0', summary: 'Returns the number of keys in the selected database.', tips: ['request_policy:all_shards', 'response_policy:agg_sum'], handler: dbsize },
  { name: 'flushdb', arity: -1, flags: ['write'], keys: NO_KEYS, acl: ['keyspace', 'dangerous'], group: 'server', since: '1.0.0', summary: 'Removes every key from the selected database.', tips: ['request_policy:all_shards', 'response_policy:all_succeeded'], handler: flushdb },
  { name: 'flushall', arity: -1, flags: ['write'], keys: NO_KEYS, acl: ['keyspace', 'dangerous'], group: 'server', since: '1.0.0', summary: 'Removes every key from every database.', tips: ['request_policy:all_shards', 'response_policy:all_succeeded'], handler: flushall },
  { name: 'swapdb', arity: 3, flags: ['write', 'fast'], keys: NO_KEYS, acl: ['keyspace', 'dangerous'], group: 'server', since: '4.0.0', summary: 'Swaps the contents of two databases.', handler: swapdb },
  { name: 'expire', arity: -3, flags: ['write', 'fast'], keys: KEY1, acl: ['keyspace'], group: 'generic', since: '1.0.0', summary: 'Sets a key time to live in seconds.', handler: expire },
  { name: 'pexpire', arity: -3, flags: ['write', 'fast'], keys: KEY1, acl: ['keyspace'], group: 'generic', since: '2.6.0', summary: 'Sets a key time to live in milliseconds.', handler: pexpire },
  { name: 'expireat', arity: -3, flags: ['write', 'fast'], keys: KEY1, acl: ['keyspace'], group: 'generic', since: '1.2.0', summary: 'Sets a key expiry as a Unix time in seconds.', handler: expireat },
  { name: 'pexpireat', arity: -3, flags: ['write', 'fast'], keys: KEY1, acl: ['keyspace'], group: 'generic', since: '2.6.0', summary: 'Sets a key expiry as a Unix time in milliseconds.', handler: pexpireat },
  { name: 'ttl', arity: 2, flags: ['readonly', 'fast'], keys: KEY1, acl: ['keyspace'], group: 'generic', since: '1.0.0', summary: 'Returns the seconds a key has left to live.', tips: ['nondeterministic_output'], handler: ttl },
  { name: 'pttl', arity: 2, flags: ['readonly', 'fast'], keys: KEY1, acl: ['keyspace'], group: 'generic', since: '2.6.0', summary: 'Returns the milliseconds a key has left to live.', tips: ['nondeterministic_output'], handler: pttl },
  { name: 'expiretime', arity: 2, flags: ['readonly', 'fast'], keys: KEY1, acl: ['keyspace'], group: 'generic', since: '7.0.0', summary: 'Returns when a key expires, as a Unix time in seconds.', handler: expiretime },
  { name: 'pexpiretime', arity: 2, flags: ['readonly', 'fast'], keys: KEY1, acl: ['keyspace'], group: 'generic', since: '7.0.0', summary: 'Returns when a key expires, as a Unix time in milliseconds.', handler: pexpiretime },
  { name: 'persist', arity: 2, flags: ['write', 'fast'], keys: KEY1, acl: ['keyspace'], group: 'generic', since: '2.2.0', summary: 'Removes the time to live of a key.', handler: persist },
  {
    name: 'object', arity: -2, flags: [], keys: NO_KEYS, group: 'generic', since: '2.2.3', summary: 'Inspects the internals of values.',
    subcommands: [
      { name: 'object|encoding', arity: 3, flags: ['readonly'], keys: KEY2, acl: ['keyspace'], group: 'generic', since: '2.2.3', summary: 'Returns the internal encoding of a value.', tips: ['nondeterministic_output'], handler: objectEncoding },
      { name: 'object|freq', arity: 3, flags: ['readonly'], keys: KEY2, acl: ['keyspace'], group: 'generic', since: '4.0.0', summary: 'Returns the logarithmic access frequency counter of a value.', tips: ['nondeterministic_output'], handler: objectFreq },
      { name: 'object|idletime', arity: 3, flags: ['readonly'], keys: KEY2, acl: ['keyspace'], group: 'generic', since: '2.2.3', summary: 'Returns the seconds since a value was last accessed.', tips: ['nondeterministic_output'], handler: objectIdletime },
      { name: 'object|refcount', arity: 3, flags: ['readonly'], keys: KEY2, acl: ['keyspace'], group: 'generic', since: '2.2.3', summary: 'Returns the reference count of a value.', tips: ['nondeterministic_output'], handler: objectRefcount },
      { name: 'object|help', arity: 2, flags: ['loading', 'stale'], keys: NO_KEYS, acl: ['keyspace'], group: 'generic', since: '6.2.0', summary: 'Shows what OBJECT can do.', handler: objectHelp },
    ],
  },
];
