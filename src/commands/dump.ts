/**
 * DUMP and RESTORE (a value serialized in Redis's RDB format, portable between Amber and
 * Redis in both directions), and the DEBUG subcommands that belong to serialization:
 * DIGEST, DIGEST-VALUE and SET-SKIP-CHECKSUM-VALIDATION.
 *
 * A DUMP payload is `type byte + RDB payload + RDB version (2 bytes LE) + CRC64 of all
 * that (8 bytes LE)`, byte-identical with Redis 7.0's for the same value and encoding.
 */

import { datasetDigest, valueDigest } from '../persistence/digest.js';
import { RDB_VERSION, RdbError } from '../persistence/rdb/constants.js';
import { Crc64 } from '../persistence/rdb/crc64.js';
import { encodeValue } from '../persistence/rdb/encode.js';
import { debugFlags, decodeValue } from '../persistence/rdb/reader.js';
import type { Value } from '../store/values.js';
import { string2ll } from '../util/number.js';
import { debugSubcommands, debugSyntaxError } from './debug.js';
import type { Args, CommandSpec, Ctx } from './types.js';
import { E, KEY1, ReplyError, err } from './types.js';

/** A DUMP payload for a value: body, RDB version, CRC64 (createDumpPayload). */
export function dumpPayload(value: Value, compression: boolean): Buffer {
  const body = encodeValue(value, compression);
  const out = Buffer.allocUnsafe(body.length + 10);
  body.copy(out, 0);
  out[body.length] = RDB_VERSION & 0xff;
  out[body.length + 1] = (RDB_VERSION >> 8) & 0xff;
  new Crc64().update(out, 0, body.length + 2).writeLE(out, body.length + 2);
  return out;
}

/**
 * verifyDumpPayload (7.0.15): at least 10 bytes, a version no newer than ours (10; 7.2's
 * and 7.4's payloads are refused, as Redis 7.0 refuses them), and a matching CRC64
 * unless DEBUG SET-SKIP-CHECKSUM-VALIDATION is on.
 */
export function verifyDumpPayload(p: Buffer): boolean {
  if (p.length < 10) return false;
  const footer = p.length - 10;
  const version = p[footer]! | (p[footer + 1]! << 8);
  if (version > RDB_VERSION) return false;
  if (debugFlags.skipChecksumValidation) return true;
  return new Crc64().update(p, 0, p.length - 8).equalsLE(p, p.length - 8);
}

/** DUMP key */
function dump(c: Ctx, args: Args): void {
  const key = args.key();
  const value = c.db.get(key);
  if (value === undefined) {
    c.reply.nullBulk();
    return;
  }
  c.reply.bulk(dumpPayload(value, c.server.config.bool('rdbcompression')).toString('latin1'));
}

/** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] */
function restore(c: Ctx, args: Args): void {
  const argv = args.argv;
  const key = args.key();
  const ttlArg = args.next();
  const payloadArg = args.next();
  let replace = false;
  let absttl = false;
  let idle = -1n;
  let freq = -1n;
  // Options first, as Redis: a syntax error wins over BUSYKEY and a bad TTL.
  while (args.more()) {
    const opt = args.next().toLowerCase();
    const additional = args.remaining;
    if (opt === 'replace') {
      replace = true;
    } else if (opt === 'absttl') {
      absttl = true;
    } else if (opt === 'idletime' && additional >= 1 && freq === -1n) {
      idle = args.int64();
      if (idle < 0n) throw err('Invalid IDLETIME value, must be >= 0');
    } else if (opt === 'freq' && additional >= 1 && idle === -1n) {
      freq = args.int64();
      if (freq < 0n || freq > 255n) throw err('Invalid FREQ value, must be >= 0 and <= 255');
    } else {
      throw new ReplyError(E.syntax);
    }
  }

  const db = c.db;
  if (!replace && db.has(key)) throw new ReplyError(E.busyKey);

  const ttlBig = string2ll(ttlArg);
  if (ttlBig === null) throw new ReplyError(E.notInteger);
  if (ttlBig < 0n) throw err('Invalid TTL value, must be >= 0');

  const payload = Buffer.from(payloadArg, 'latin1');
  if (!verifyDumpPayload(payload)) throw err('DUMP payload version or checksum are wrong');
  let value: Value;
  try {
    value = decodeValue(payload, key);
  } catch (e) {
    if (e instanceof RdbError) throw err('Bad data format');
    throw e;
  }

  const store = c.server.store;
  const deleted = replace ? db.delete(key) : false;
  let when = Number(ttlBig);
  const now = store.now();
  if (when !== 0 && !absttl) when += now;
  // checkAlreadyExpired: a TTL already in the past leaves no key behind (while loading,
  // e.g. replaying an AOF, the key is created and expires normally).
  if (when !== 0 && when <= now && !store.loading) {
    if (deleted) {
      c.propagate(['DEL', key]);
      c.wrote(key, 'del', 'g');
    }
    c.reply.ok();
    return;
  }
  db.set(key, value);
  if (when !== 0) {
    db.setExpire(key, when);
    // Propagate the TTL as an absolute time, so replicas and the AOF agree.
    if (!absttl) {
      const rewritten = argv.slice();
      rewritten[2] = String(when);
      rewritten.push('ABSTTL');
      c.propagate(rewritten);
    }
  }
  // IDLETIME under an LRU (or no) policy, FREQ under an LFU one (objectSetLRUOrLFU).
  const meta = store.access.restored(Number(freq), Number(idle));
  if (meta !== null) db.dict.setMeta(key, meta);
  c.wrote(key, 'restore', 'g');
  c.reply.ok();
}

/** DEBUG DIGEST */
function debugDigest(c: Ctx, args: Args): void {
  if (args.more()) throw debugSyntaxError(args.argv[1]!);
  c.reply.simple(datasetDigest(c.server.store));
}

/** DEBUG DIGEST-VALUE key [key ...] */
function debugDigestValue(c: Ctx, args: Args): void {
  const keys = args.rest();
  c.reply.array(keys.length);
  for (const k of keys) c.reply.simple(valueDigest(c.db, k));
}

/** DEBUG SET-SKIP-CHECKSUM-VALIDATION 0|1: RESTORE and RDB loading stop checking CRCs. */
function debugSkipChecksum(c: Ctx, args: Args): void {
  if (args.remaining !== 1) throw debugSyntaxError(args.argv[1]!);
  // atoi: leading digits (with sign), anything else is 0.
  const m = /^\s*[+-]?\d+/.exec(args.next());
  debugFlags.skipChecksumValidation = m !== null && Number(m[0]) !== 0;
  c.reply.ok();
}

debugSubcommands.set('digest', debugDigest);
debugSubcommands.set('digest-value', debugDigestValue);
debugSubcommands.set('set-skip-checksum-validation', debugSkipChecksum);

export const commands: CommandSpec[] = [
  { name: 'dump', arity: 2, flags: ['readonly'], keys: KEY1, acl: ['keyspace'], group: 'generic', since: '2.6.0', summary: 'Serializes the value at a key in the RDB format (a payload RESTORE accepts).', tips: ['nondeterministic_output'], handler: dump },
  { name: 'restore', arity: -4, flags: ['write', 'denyoom'], keys: KEY1, acl: ['keyspace', 'dangerous'], group: 'generic', since: '2.6.0', summary: 'Creates a key from a DUMP payload, optionally with a TTL.', handler: restore },
];
