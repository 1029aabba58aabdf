/**
 * The RDB file format's numbers: version, opcodes, value type bytes, length-prefix bits and
 * the sizes of the blob encodings. Facts from Redis 7.0's rdb.h (and 7.2/7.4 for the types
 * a newer file may carry), written as commented tables so the reader and writer share one
 * vocabulary.
 *
 * Leaf module: imports nothing.
 */

/** The version Amber writes: what Redis 7.0 writes and reads (`REDIS0010`). */
export const RDB_VERSION = 10;
/** The newest version the reader accepts (Redis 7.4 writes 12). */
export const RDB_MAX_READ_VERSION = 12;

/**
 * Length prefixes (rdbSaveLen/rdbLoadLen). The two high bits of the first byte say how
 * the length is stored:
 *
 * | first byte  | meaning                                               |
 * |-------------|-------------------------------------------------------|
 * | `00xxxxxx`  | 6-bit length in this byte                             |
 * | `01xxxxxx`  | 14-bit length: these 6 bits, then the next byte       |
 * | `10000000`  | 32-bit length follows, big-endian                     |
 * | `10000001`  | 64-bit length follows, big-endian                     |
 * | `11xxxxxx`  | not a length: a special string encoding (RDB_ENC_*)   |
 */
export const RDB_6BITLEN = 0;
export const RDB_14BITLEN = 1;
export const RDB_32BITLEN = 0x80;
export const RDB_64BITLEN = 0x81;
export const RDB_ENCVAL = 3;

/**
 * Special string encodings (after a `11xxxxxx` prefix byte):
 *
 * | code | payload                                                        |
 * |------|----------------------------------------------------------------|
 * | 0    | INT8: 1 byte, signed                                           |
 * | 1    | INT16: 2 bytes, signed little-endian                           |
 * | 2    | INT32: 4 bytes, signed little-endian                           |
 * | 3    | LZF: compressed length, original length (both RDB lengths), data |
 */
export const RDB_ENC_INT8 = 0;
export const RDB_ENC_INT16 = 1;
export const RDB_ENC_INT32 = 2;
export const RDB_ENC_LZF = 3;

/**
 * Value type bytes (the byte before a key, and the first byte of a DUMP payload).
 *
 * | type | name                 | written by | payload                                         |
 * |------|----------------------|------------|-------------------------------------------------|
 * | 0    | STRING               | all        | one RDB string                                  |
 * | 1    | LIST                 | < 3.2      | count, then each element as a string            |
 * | 2    | SET                  | all        | count, then each member                         |
 * | 3    | ZSET                 | < 4.0      | count, then member + score as text (len byte)   |
 * | 4    | HASH                 | all        | count, then field + value pairs                 |
 * | 5    | ZSET_2               | ≥ 4.0      | count, then member + score as binary double LE  |
 * | 6    | MODULE (pre-GA)      | 4.0 rc     | module id + opaque                              |
 * | 7    | MODULE_2             | ≥ 4.0      | module id + opcoded values + EOF                |
 * | 9    | HASH_ZIPMAP          | < 2.6      | zipmap blob                                     |
 * | 10   | LIST_ZIPLIST         | < 3.2      | ziplist blob                                    |
 * | 11   | SET_INTSET           | all        | intset blob                                     |
 * | 12   | ZSET_ZIPLIST         | < 7.0      | ziplist blob (member, score, ...)               |
 * | 13   | HASH_ZIPLIST         | < 7.0      | ziplist blob (field, value, ...)                |
 * | 14   | LIST_QUICKLIST       | 3.2 – 6.2  | node count, then one ziplist blob per node      |
 * | 15   | STREAM_LISTPACKS     | 5.0 – 6.2  | stream                                          |
 * | 16   | HASH_LISTPACK        | ≥ 7.0      | listpack blob (field, value, ...)               |
 * | 17   | ZSET_LISTPACK        | ≥ 7.0      | listpack blob (member, score, ...)              |
 * | 18   | LIST_QUICKLIST_2     | ≥ 7.0      | node count, then per node: container + blob     |
 * | 19   | STREAM_LISTPACKS_2   | 7.0        | stream with group/consumer metadata             |
 * | 20   | SET_LISTPACK         | ≥ 7.2      | listpack blob of members                        |
 * | 21   | STREAM_LISTPACKS_3   | ≥ 7.2      | stream with consumer active-time               |
 * | 22   | HASH_METADATA_PRE_GA | 7.4 rc     | hash with field TTLs                            |
 * | 23   | HASH_LISTPACK_EX_PRE_GA | 7.4 rc  | listpack hash with field TTLs                   |
 * | 24   | HASH_METADATA        | ≥ 7.4      | hash with field TTLs                            |
 * | 25   | HASH_LISTPACK_EX     | ≥ 7.4      | listpack hash with field TTLs                   |
 */
export const RDB_TYPE_STRING = 0;
export const RDB_TYPE_LIST = 1;
export const RDB_TYPE_SET = 2;
export const RDB_TYPE_ZSET = 3;
export const RDB_TYPE_HASH = 4;
export const RDB_TYPE_ZSET_2 = 5;
export const RDB_TYPE_MODULE = 6;
export const RDB_TYPE_MODULE_2 = 7;
export const RDB_TYPE_HASH_ZIPMAP = 9;
export const RDB_TYPE_LIST_ZIPLIST = 10;
export const RDB_TYPE_SET_INTSET = 11;
export const RDB_TYPE_ZSET_ZIPLIST = 12;
export const RDB_TYPE_HASH_ZIPLIST = 13;
export const RDB_TYPE_LIST_QUICKLIST = 14;
export const RDB_TYPE_STREAM_LISTPACKS = 15;
export const RDB_TYPE_HASH_LISTPACK = 16;
export const RDB_TYPE_ZSET_LISTPACK = 17;
export const RDB_TYPE_LIST_QUICKLIST_2 = 18;
export const RDB_TYPE_STREAM_LISTPACKS_2 = 19;
export const RDB_TYPE_SET_LISTPACK = 20;
export const RDB_TYPE_STREAM_LISTPACKS_3 = 21;
export const RDB_TYPE_HASH_METADATA_PRE_GA = 22;
export const RDB_TYPE_HASH_LISTPACK_EX_PRE_GA = 23;
export const RDB_TYPE_HASH_METADATA = 24;
export const RDB_TYPE_HASH_LISTPACK_EX = 25;

/** Whether a byte read where a key's type is expected names a value type (any version). */
export function isObjectType(t: number): boolean {
  return (t >= 0 && t <= 7) || (t >= 9 && t <= 25);
}

/**
 * Opcodes: bytes that are not value types, read where a type byte is expected.
 *
 * | byte | name          | payload                                                      |
 * |------|---------------|--------------------------------------------------------------|
 * | 245  | FUNCTION2     | one string: a library's source (`#!lua name=...`)             |
 * | 246  | FUNCTION      | 7.0 rc1/rc2: name, engine, has-desc len, [desc], code         |
 * | 247  | MODULE_AUX    | module id, when-opcode, when, module data, EOF                |
 * | 248  | IDLE          | LRU idle seconds (length) for the next key                    |
 * | 249  | FREQ          | LFU counter (1 byte) for the next key                         |
 * | 250  | AUX           | two strings: name and value                                   |
 * | 251  | RESIZEDB      | two lengths: keys and keys-with-expire in the selected db     |
 * | 252  | EXPIRETIME_MS | 8 bytes, little-endian unix ms, for the next key              |
 * | 253  | EXPIRETIME    | 4 bytes, little-endian unix seconds (old files)               |
 * | 254  | SELECTDB      | db number (length)                                            |
 * | 255  | EOF           | end of data; an 8-byte CRC64 follows (version ≥ 5)            |
 */
export const RDB_OPCODE_FUNCTION2 = 245;
export const RDB_OPCODE_FUNCTION = 246;
export const RDB_OPCODE_MODULE_AUX = 247;
export const RDB_OPCODE_IDLE = 248;
export const RDB_OPCODE_FREQ = 249;
export const RDB_OPCODE_AUX = 250;
export const RDB_OPCODE_RESIZEDB = 251;
export const RDB_OPCODE_EXPIRETIME_MS = 252;
export const RDB_OPCODE_EXPIRETIME = 253;
export const RDB_OPCODE_SELECTDB = 254;
export const RDB_OPCODE_EOF = 255;

/** Sub-opcodes inside module values (MODULE_2, MODULE_AUX). */
export const RDB_MODULE_OPCODE_EOF = 0;
export const RDB_MODULE_OPCODE_UINT = 2;

/** Quicklist node containers (LIST_QUICKLIST_2): a listpack of elements, or one raw element. */
export const QUICKLIST_NODE_CONTAINER_PLAIN = 1;
export const QUICKLIST_NODE_CONTAINER_PACKED = 2;

/** Redis's OBJ_* type numbers, which DEBUG DIGEST mixes in (not the RDB type bytes). */
export const OBJ_STRING = 0;
export const OBJ_LIST = 1;
export const OBJ_SET = 2;
export const OBJ_ZSET = 3;
export const OBJ_HASH = 4;
export const OBJ_STREAM = 6;

/** A human name for a value type byte, for error messages. */
export function rdbTypeName(t: number): string {
  const names: Record<number, string> = {
    0: 'string',
    1: 'list',
    2: 'set',
    3: 'zset',
    4: 'hash',
    5: 'zset-2',
    6: 'module',
    7: 'module-2',
    9: 'hash-zipmap',
    10: 'list-ziplist',
    11: 'set-intset',
    12: 'zset-ziplist',
    13: 'hash-ziplist',
    14: 'list-quicklist',
    15: 'stream-listpacks',
    16: 'hash-listpack',
    17: 'zset-listpack',
    18: 'list-quicklist-2',
    19: 'stream-listpacks-2',
    20: 'set-listpack',
    21: 'stream-listpacks-3',
    22: 'hash-metadata-pre-ga',
    23: 'hash-listpack-ex-pre-ga',
    24: 'hash-metadata',
    25: 'hash-listpack-ex',
  };
  return names[t] ?? `unknown(${t})`;
}

/**
 * A corrupt, truncated or unsupported RDB stream. `offset` is the byte position (from the
 * start of the stream) where the problem was found.
 */
export class RdbError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte offset ${offset})`);
    this.name = 'RdbError';
  }
}

/** A listpack, ziplist, intset or zipmap blob that fails validation (no offset known yet). */
export class BlobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlobError';
  }
}
