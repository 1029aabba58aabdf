/**
 * Set commands (the set group), as Redis 7.0's t_set.c answers them.
 *
 * Handlers read arguments, call the RSet type (src/types/set.ts) and reply. Every change goes
 * through db.getForWrite / db.set / db.delete and ends in c.wrote with Redis's event name; a
 * set left empty is deleted with a `del` event. Random removals propagate their effects:
 * SPOP becomes SREM of the members it took (or DEL when it took them all).
 *
 * The set algebra (SINTER*, SUNION*, SDIFF*) follows Redis's algorithms step by step,
 * because the result set's encoding (observable with OBJECT ENCODING) depends on the order in
 * which members reach it.
 */

import type { CommandSpec, Ctx, Args } from './types.js';
import { E, KEY1, ReplyError, err } from './types.js';
import { RSet } from '../types/set.js';
import { globMatch } from '../util/glob.js';
import {
  MAX_RANDOM_REPLY,
  delEvent,
  parseScanCursor,
  readRandomCount,
  readScanOptions,
  replyEmptyScan,
  wroteMany,
} from './hash.js';

/** The set at key for reading: undefined when absent, WRONGTYPE when another type. */
function readSet(c: Ctx, key: string): RSet | undefined {
  const v = c.db.get(key);
  if (v === undefined) return undefined;
  if (typeof v !== 'string' && v.kind === 'set') return v;
  throw new ReplyError(E.wrongType);
}

/** The set at key to change in place: undefined when absent, WRONGTYPE when another type. */
function writeSet(c: Ctx, key: string): RSet | undefined {
  const v = c.db.getForWrite(key);
  if (v === undefined) return undefined;
  if (typeof v !== 'string' && v.kind === 'set') return v;
  throw new ReplyError(E.wrongType);
}

/** Replies members as a set (`~` in RESP3). */
function replySet(c: Ctx, members: readonly string[]): void {
  const reply = c.reply;
  reply.set(members.length);
  for (let i = 0; i < members.length; i++) reply.bulk(members[i]!);
}

/** SADD key member [member ...] */
function sadd(c: Ctx, args: Args): void {
  const argv = args.argv;
  const key = argv[1]!;
  const existing = writeSet(c, key);
  const s = existing ?? new RSet();
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (s.add(argv[i]!)) added++;
  if (existing === undefined) c.db.set(key, s);
  if (added > 0) wroteMany(c, key, 'sadd', 's', added);
  c.reply.int(added);
}

/** SREM key member [member ...] */
function srem(c: Ctx, args: Args): void {
  const argv = args.argv;
  const key = argv[1]!;
  const s = writeSet(c, key);
  if (s === undefined) {
    c.reply.int(0);
    return;
  }
  let deleted = 0;
  let removed = false;
  for (let i = 2; i < argv.length; i++) {
    if (s.remove(argv[i]!)) {
      deleted++;
      if (s.size === 0) {
        c.db.delete(key);
        removed = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    wroteMany(c, key, 'srem', 's', deleted);
    if (removed) delEvent(c, key);
  }
  c.reply.int(deleted);
}

/** SMOVE source destination member */
function smove(c: Ctx, args: Args): void {
  const srcKey = args.key();
  const dstKey = args.key();
  const member = args.next();
  const db = c.db;
  const src = db.getForWrite(srcKey);
  const dst = db.getForWrite(dstKey);
  if (src === undefined) {
    c.reply.int(0);
    return;
  }
  if (typeof src === 'string' || src.kind !== 'set') throw new ReplyError(E.wrongType);
  if (dst !== undefined && (typeof dst === 'string' || dst.kind !== 'set')) throw new ReplyError(E.wrongType);
  if (src === dst) {
    c.reply.int(src.has(member) ? 1 : 0);
    return;
  }
  if (!src.remove(member)) {
    c.reply.int(0);
    return;
  }
  c.wrote(srcKey, 'srem', 's');
  if (src.size === 0) {
    db.delete(srcKey);
    delEvent(c, srcKey);
  }
  if (dst === undefined) {
    const created = new RSet();
    created.add(member);
    db.set(dstKey, created);
    c.wrote(dstKey, 'sadd', 's');
  } else if (dst.add(member)) {
    c.wrote(dstKey, 'sadd', 's');
  }
  c.reply.int(1);
}

/** SISMEMBER key member */
function sismember(c: Ctx, args: Args): void {
  const s = readSet(c, args.key());
  c.reply.int(s !== undefined && s.has(args.next()) ? 1 : 0);
}

/** SMISMEMBER key member [member ...] */
function smismember(c: Ctx, args: Args): void {
  const s = readSet(c, args.key());
  const argv = args.argv;
  const reply = c.reply;
  reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) reply.int(s !== undefined && s.has(argv[i]!) ? 1 : 0);
}

/** SCARD key */
function scard(c: Ctx, args: Args): void {
  c.reply.int(readSet(c, args.key())?.size ?? 0);
}

/** SMEMBERS key — in Redis 7.0 this is SINTER of one key. */
function smembers(c: Ctx, args: Args): void {
  const s = readSet(c, args.key());
  if (s === undefined) {
    c.reply.set(0);
    return;
  }
  replySet(c, s.toArray());
}

/** SRANDMEMBER key [count] */
function srandmember(c: Ctx, args: Args): void {
  const key = args.key();
  const reply = c.reply;
  if (args.remaining > 1) throw new ReplyError(E.syntax);
  if (args.more()) {
    srandmemberWithCount(c, key, Number(readRandomCount(args)));
    return;
  }
  const s = readSet(c, key);
  if (s === undefined) reply.nullBulk();
  else reply.bulk(s.random());
}

function srandmemberWithCount(c: Ctx, key: string, l: number): void {
  const reply = c.reply;
  const s = readSet(c, key);
  if (s === undefined || l === 0) {
    reply.array(0);
    return;
  }
  const count = Math.abs(l);
  const size = s.size;
  // Case 1: repetitions allowed (negative count), or a single pick.
  if (l < 0 || count === 1) {
    if (count > MAX_RANDOM_REPLY) throw err('reply would be too large');
    reply.array(count);
    for (let i = 0; i < count; i++) reply.bulk(s.random());
    return;
  }
  // Case 2: the whole set.
  if (count >= size) {
    reply.bulks(s.toArray());
    return;
  }
  // Cases 3 and 4: distinct random members.
  reply.bulks(s.sample(count));
}

/** SPOP key [count] — propagated as SREM of the members taken (DEL when all were). */
function spop(c: Ctx, args: Args): void {
  const key = args.key();
  if (args.remaining > 1) throw new ReplyError(E.syntax);
  if (args.more()) {
    spopWithCount(c, key, args);
    return;
  }
  const s = writeSet(c, key);
  if (s === undefined) {
    c.reply.nullBulk();
    return;
  }
  const member = s.pop();
  c.wrote(key, 'spop', 's');
  c.propagate(['SREM', key, member]);
  c.reply.bulk(member);
  if (s.size === 0) {
    c.db.delete(key);
    delEvent(c, key);
  }
}

/** How many times the members left must exceed the count for pop-by-pop (Redis's 5). */
const SPOP_MOVE_STRATEGY_MUL = 5;

function spopWithCount(c: Ctx, key: string, args: Args): void {
  const v = args.positiveLong();
  const s = writeSet(c, key);
  const reply = c.reply;
  if (s === undefined || v === 0) {
    reply.set(0);
    return;
  }
  const size = s.size;
  const count = Math.min(v, size);
  wroteMany(c, key, 'spop', 's', count);
  // Case 1: the whole set goes; propagated as DEL.
  if (count >= size) {
    replySet(c, s.toArray());
    c.db.delete(key);
    delEvent(c, key);
    c.propagate(['DEL', key]);
    return;
  }
  reply.set(count);
  const remaining = size - count;
  const effects: string[][] = new Array<string[]>(count);
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    // Case 2: few members taken: pop them one by one.
    for (let i = 0; i < count; i++) {
      const m = s.pop();
      reply.bulk(m);
      effects[i] = ['SREM', key, m];
    }
  } else {
    // Case 3: most members taken: move the few that stay into a new set (whose encoding is
    // chosen afresh, as in Redis), then hand out everything left in the old one.
    const kept = new RSet();
    for (let i = 0; i < remaining; i++) kept.add(s.pop());
    const taken = s.toArray();
    for (let i = 0; i < taken.length; i++) {
      reply.bulk(taken[i]!);
      effects[i] = ['SREM', key, taken[i]!];
    }
    c.db.set(key, kept, true);
  }
  c.propagate(...effects);
}

/**
 * SINTER / SMEMBERS / SINTERSTORE / SINTERCARD: walks the smallest set and keeps the members
 * every other set has. `dst` stores the result; `cardOnly` counts up to `limit` (0: no limit).
 */
function sinterGeneric(c: Ctx, keys: readonly string[], dst: string | null, cardOnly: boolean, limit: number): void {
  const reply = c.reply;
  const sets: RSet[] = [];
  let empty = false;
  for (const key of keys) {
    const s = readSet(c, key);
    if (s === undefined) empty = true;
    else sets.push(s);
  }
  if (empty) {
    if (dst !== null) {
      if (c.db.delete(dst)) c.wrote(dst, 'del', 'g');
      reply.int(0);
    } else if (cardOnly) {
      reply.int(0);
    } else {
      reply.set(0);
    }
    return;
  }
  sets.sort((a, b) => a.size - b.size);
  const first = sets[0]!;
  const members = first.toArray();
  const out: string[] = [];
  let cardinality = 0;
  for (let i = 0; i < members.length; i++) {
    const m = members[i]!;
    let j = 1;
    for (; j < sets.length; j++) {
      const other = sets[j]!;
      if (other === first) continue;
      if (!other.has(m)) break;
    }
    if (j < sets.length) continue;
    if (cardOnly) {
      cardinality++;
      if (limit !== 0 && cardinality >= limit) break;
    } else {
      out.push(m);
    }
  }
  if (cardOnly) {
    reply.int(cardinality);
  } else if (dst !== null) {
    storeResult(c, dst, out, 'sinterstore');
  } else {
    replySet(c, out);
  }
}

/** Stores members as a new set at dst (its encoding chosen by adding them in order). */
function storeResult(c: Ctx, dst: string, members: readonly string[], event: string): void {
  const s = new RSet();
  for (let i = 0; i < members.length; i++) s.add(members[i]!);
  storeSet(c, dst, s, event);
}

/** Sets dst to s (TTL cleared), or deletes dst when s is empty; replies the size. */
function storeSet(c: Ctx, dst: string, s: RSet, event: string): void {
  if (s.size > 0) {
    c.db.set(dst, s);
    c.wrote(dst, event, 's');
    c.reply.int(s.size);
  } else {
    c.reply.int(0);
    if (c.db.delete(dst)) c.wrote(dst, 'del', 'g');
  }
}

/** SINTER key [key ...] */
function sinter(c: Ctx, args: Args): void {
  sinterGeneric(c, args.rest(), null, false, 0);
}

/** SINTERSTORE destination key [key ...] */
function sinterstore(c: Ctx, args: Args): void {
  const dst = args.key();
  sinterGeneric(c, args.rest(), dst, false, 0);
}

/** SINTERCARD numkeys key [key ...] [LIMIT limit] */
function sintercard(c: Ctx, args: Args): void {
  const numkeysMsg = 'ERR numkeys should be greater than 0';
  const numkeys = args.int64(numkeysMsg);
  if (numkeys < 1n) throw new ReplyError(numkeysMsg);
  if (numkeys > BigInt(args.remaining)) throw err("Number of keys can't be greater than number of args");
  const keys: string[] = [];
  for (let i = 0; i < Number(numkeys); i++) keys.push(args.key());
  let limit = 0;
  while (args.more()) {
    if (args.peekUpper() === 'LIMIT' && args.remaining > 1) {
      args.next();
      const l = args.int64("ERR LIMIT can't be negative");
      if (l < 0n) throw err("LIMIT can't be negative");
      limit = Number(l);
    } else {
      throw new ReplyError(E.syntax);
    }
  }
  sinterGeneric(c, keys, null, true, limit);
}

/** Key positions of SINTERCARD: numkeys keys after the numkeys argument. */
function sintercardKeys(argv: readonly string[]): number[] {
  const n = Number(argv[1]);
  const out: number[] = [];
  if (!Number.isInteger(n) || n < 1) return out;
  for (let i = 0; i < n && 2 + i < argv.length; i++) out.push(2 + i);
  return out;
}

/**
 * SUNION / SDIFF and their STORE forms, with Redis's choice between two SDIFF algorithms
 * (it decides whether the result set passes through non-integer members, hence its encoding).
 */
function sunionDiffGeneric(c: Ctx, keys: readonly string[], dst: string | null, op: 'union' | 'diff'): void {
  const sets: (RSet | undefined)[] = [];
  let sameset = false;
  for (let j = 0; j < keys.length; j++) {
    const s = readSet(c, keys[j]!);
    sets.push(s);
    if (j > 0 && sets[0] === s) sameset = true;
  }
  const first = sets[0];
  let algo = 1;
  if (op === 'diff' && first !== undefined && !sameset) {
    let one = 0;
    let two = 0;
    for (const s of sets) {
      if (s === undefined) continue;
      one += first.size;
      two += s.size;
    }
    one = Math.floor(one / 2);
    algo = one <= two ? 1 : 2;
    if (algo === 1 && sets.length > 1) {
      // Subtract the biggest sets first: duplicates are found sooner.
      const rest = sets.slice(1).sort((a, b) => (b?.size ?? 0) - (a?.size ?? 0));
      sets.splice(1, rest.length, ...rest);
    }
  }
  const result = new RSet();
  if (op === 'union') {
    for (const s of sets) {
      if (s === undefined) continue;
      const members = s.toArray();
      for (let i = 0; i < members.length; i++) result.add(members[i]!);
    }
  } else if (sameset) {
    // A set minus itself: empty.
  } else if (first !== undefined && algo === 1) {
    const members = first.toArray();
    for (let i = 0; i < members.length; i++) {
      const m = members[i]!;
      let j = 1;
      for (; j < sets.length; j++) {
        const s = sets[j];
        if (s === undefined) continue;
        if (s.has(m)) break;
      }
      if (j === sets.length) result.add(m);
    }
  } else if (first !== undefined) {
    for (let j = 0; j < sets.length; j++) {
      const s = sets[j];
      if (s === undefined) continue;
      const members = s.toArray();
      if (j === 0) for (let i = 0; i < members.length; i++) result.add(members[i]!);
      else for (let i = 0; i < members.length; i++) result.remove(members[i]!);
      if (result.size === 0) break;
    }
  }
  if (dst === null) replySet(c, result.toArray());
  else storeSet(c, dst, result, op === 'union' ? 'sunionstore' : 'sdiffstore');
}

/** SUNION key [key ...] */
function sunion(c: Ctx, args: Args): void {
  sunionDiffGeneric(c, args.rest(), null, 'union');
}

/** SUNIONSTORE destination key [key ...] */
function sunionstore(c: Ctx, args: Args): void {
  const dst = args.key();
  sunionDiffGeneric(c, args.rest(), dst, 'union');
}

/** SDIFF key [key ...] */
function sdiff(c: Ctx, args: Args): void {
  sunionDiffGeneric(c, args.rest(), null, 'diff');
}

/** SDIFFSTORE destination key [key ...] */
function sdiffstore(c: Ctx, args: Args): void {
  const dst = args.key();
  sunionDiffGeneric(c, args.rest(), dst, 'diff');
}

/** SSCAN key cursor [MATCH pattern] [COUNT count] */
function sscan(c: Ctx, args: Args): void {
  const key = args.key();
  const cursor = parseScanCursor(args.next());
  const s = readSet(c, key);
  if (s === undefined) {
    replyEmptyScan(c);
    return;
  }
  const { count, pattern } = readScanOptions(args);
  const out: string[] = [];
  const next = s.scan(cursor, count, (m) => {
    if (pattern === null || globMatch(pattern, m)) out.push(m);
  });
  const reply = c.reply;
  reply.array(2);
  reply.bulk(String(next));
  reply.bulks(out);
}

const STORE_KEYS = [1, -1, 1] as const;

export const commands: CommandSpec[] = [
  { name: 'sadd', arity: -3, flags: ['write', 'denyoom', 'fast'], keys: KEY1, acl: ['set'], group: 'set', since: '1.0.0', summary: 'Adds members to a set, creating the set if needed.', complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.', handler: sadd },
  { name: 'srem', arity: -3, flags: ['write', 'fast'], keys: KEY1, acl: ['set'], group: 'set', since: '1.0.0', summary: 'Removes members from a set, deleting the set when it empties.', complexity: 'O(N) where N is the number of members to be removed.', handler: srem },
  { name: 'smove', arity: 4, flags: ['write', 'fast'], keys: [1, 2, 1], acl: ['set'], group: 'set', since: '1.0.0', summary: 'Moves a member from one set to another.', complexity: 'O(1)', handler: smove },
  { name: 'sismember', arity: 3, flags: ['readonly', 'fast'], keys: KEY1, acl: ['set'], group: 'set', since: '1.0.0', summary: 'Tells whether a member belongs to a set.', complexity: 'O(1)', handler: sismember },
  { name: 'smismember', arity: -3, flags: ['readonly', 'fast'], keys: KEY1, acl: ['set'], group: 'set', since: '6.2.0', summary: 'Tells, for each of several members, whether it belongs to a set.', complexity: 'O(N) where N is the number of elements being checked for membership', handler: smismember },
  { name: 'scard', arity: 2, flags: ['readonly', 'fast'], keys: KEY1, acl: ['set'], group: 'set', since: '1.0.0', summary: 'Returns the number of members of a set.', complexity: 'O(1)', handler: scard },
  { name: 'smembers', arity: 2, flags: ['readonly'], keys: KEY1, acl: ['set'], group: 'set', since: '1.0.0', summary: 'Returns every member of a set.', complexity: 'O(N) where N is the set cardinality.', tips: ['nondeterministic_output_order'], handler: smembers },
  { name: 'srandmember', arity: -2, flags: ['readonly'], keys: KEY1, acl: ['set'], group: 'set', since: '1.0.0', summary: 'Returns one or more random members of a set.', complexity: 'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.', tips: ['nondeterministic_output'], handler: srandmember },
  { name: 'spop', arity: -2, flags: ['write', 'fast'], keys: KEY1, acl: ['set'], group: 'set', since: '1.0.0', summary: 'Removes and returns one or more random members of a set.', complexity: 'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.', tips: ['nondeterministic_output'], handler: spop },
  { name: 'sinter', arity: -2, flags: ['readonly'], keys: [1, -1, 1], acl: ['set'], group: 'set', since: '1.0.0', summary: 'Returns the members every given set has.', complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.', tips: ['nondeterministic_output_order'], handler: sinter },
  { name: 'sintercard', arity: -3, flags: ['readonly', 'movablekeys'], keys: [0, 0, 0], acl: ['set'], group: 'set', since: '7.0.0', summary: 'Counts the members every given set has, optionally up to a limit.', complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.', getKeys: sintercardKeys, handler: sintercard },
  { name: 'sinterstore', arity: -3, flags: ['write', 'denyoom'], keys: STORE_KEYS, acl: ['set'], group: 'set', since: '1.0.0', summary: 'Stores the members every given set has in a key.', complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.', handler: sinterstore },
  { name: 'sunion', arity: -2, flags: ['readonly'], keys: [1, -1, 1], acl: ['set'], group: 'set', since: '1.0.0', summary: 'Returns the members of all the given sets.', complexity: 'O(N) where N is the total number of elements in all given sets.', tips: ['nondeterministic_output_order'], handler: sunion },
  { name: 'sunionstore', arity: -3, flags: ['write', 'denyoom'], keys: STORE_KEYS, acl: ['set'], group: 'set', since: '1.0.0', summary: 'Stores the members of all the given sets in a key.', complexity: 'O(N) where N is the total number of elements in all given sets.', handler: sunionstore },
  { name: 'sdiff', arity: -2, flags: ['readonly'], keys: [1, -1, 1], acl: ['set'], group: 'set', since: '1.0.0', summary: 'Returns the members of the first set that no other given set has.', complexity: 'O(N) where N is the total number of elements in all given sets.', tips: ['nondeterministic_output_order'], handler: sdiff },
  { name: 'sdiffstore', arity: -3, flags: ['write', 'denyoom'], keys: STORE_KEYS, acl: ['set'], group: 'set', since: '1.0.0', summary: 'Stores the members of the first set that no other given set has in a key.', complexity: 'O(N) where N is the total number of elements in all given sets.', handler: sdiffstore },
  { name: 'sscan', arity: -3, flags: ['readonly'], keys: KEY1, acl: ['set'], group: 'set', since: '2.8.0', summary: 'Iterates over the members of a set.', complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..', tips: ['nondeterministic_output'], handler: sscan },
];
