/**
 * RdbWriter: streams a dataset out as an RDB file, version 10, as Redis 7.0 writes it.
 *
 * API (what SAVE, BGSAVE, AOF rewrite preambles, DEBUG RELOAD and full sync code against):
 *
 *   const w = new RdbWriter(sink, { compression: true, checksum: true });
 *   w.header(standardAux({ aofBase: false, usedMem }));   // "REDIS0010" + AUX fields
 *   w.functions(libraryCodes);                            // optional, FUNCTION2 opcodes
 *   for each non-empty db:
 *     w.selectDb(db.id, db.size, db.expires.size);        // SELECTDB + RESIZEDB
 *     for each key:
 *       w.entry(key, value, expireMs);                    // [EXPIRETIME_MS] type key value
 *       // or, for a value serialized earlier (the snapshot's copy-before-write):
 *       w.rawEntry(key, encodeValue(value, compression), expireMs);
 *   w.end();                                              // EOF + CRC64 (zeros when checksum off)
 *
 * - `sink.write(chunk)` receives the file in chunks of about `bufferSize` (64 KB) bytes;
 *   the sink owns every chunk it is given (the writer never touches it again), so it may
 *   queue chunks for asynchronous writes. Small writes are batched in the staging buffer,
 *   so per-key overhead is a few function calls.
 * - The writer is synchronous and keeps no state beyond the staging buffer and the
 *   running CRC, so a caller can interleave `entry` calls with serving clients (the
 *   fork-less BGSAVE writes a slice of keys per event-loop turn).
 * - Errors thrown by the sink propagate out of the writer call that flushed.
 * - `encodeValue(value, compression)` (from encode.ts) is the type byte + payload of one
 *   value: the body of a DUMP payload and what `rawEntry` expects.
 *
 * Imports the serializer (encode.ts) and constants only.
 */

import type { Value } from '../../store/values.js';
import {
  RDB_OPCODE_AUX,
  RDB_OPCODE_EOF,
  RDB_OPCODE_EXPIRETIME_MS,
  RDB_OPCODE_FREQ,
  RDB_OPCODE_FUNCTION2,
  RDB_OPCODE_IDLE,
  RDB_OPCODE_RESIZEDB,
  RDB_OPCODE_SELECTDB,
  RDB_VERSION,
} from './constants.js';
import { Crc64 } from './crc64.js';
import { RdbOutput, writeValue } from './encode.js';

export interface RdbSink {
  /** Receives the next chunk of the file; the chunk now belongs to the sink. */
  write(chunk: Buffer): void;
}

export interface RdbWriterOptions {
  /** rdbcompression: LZF-compress strings longer than 20 bytes when it saves space. */
  compression: boolean;
  /** rdbchecksum: end the file with the CRC64 of everything before it (else 8 zero bytes). */
  checksum: boolean;
  /** Staging buffer size (default 64 KB). */
  bufferSize?: number;
}

export type AuxField = [name: string, value: string | number];

/** The Redis version Amber announces in RDB files (the format's behaviour reference). */
export const REDIS_VERSION = '7.0.15';

/**
 * The AUX fields Redis 7.0 writes at the start of every RDB (rdbSaveInfoAuxFields), in
 * its order: redis-ver, redis-bits, ctime, used-mem, [repl-stream-db, repl-id,
 * repl-offset], aof-base.
 */
export function standardAux(
  opts: {
    aofBase?: boolean;
    usedMem?: number;
    /** Unix seconds; defaults to now. */
    ctime?: number;
    replication?: { streamDb: number; replId: string; offset: number };
  } = {},
): AuxField[] {
  const aux: AuxField[] = [
    ['redis-ver', REDIS_VERSION],
    ['redis-bits', 64],
    ['ctime', opts.ctime ?? Math.floor(Date.now() / 1000)],
    ['used-mem', opts.usedMem ?? process.memoryUsage().rss],
  ];
  if (opts.replication) {
    aux.push(['repl-stream-db', opts.replication.streamDb], ['repl-id', opts.replication.replId], ['repl-offset', opts.replication.offset]);
  }
  aux.push(['aof-base', opts.aofBase ? 1 : 0]);
  return aux;
}

export class RdbWriter {
  private readonly out: RdbOutput;
  private readonly crc: Crc64 | null;
  private readonly compress: boolean;
  private tailBytes = 0;
  private finished = false;
  /** Keys written so far (entry + rawEntry). */
  keys = 0;

  constructor(
    private readonly sink: RdbSink,
    opts: RdbWriterOptions,
  ) {
    this.compress = opts.compression;
    const crc = opts.checksum ? new Crc64() : null;
    this.crc = crc;
    this.out = new RdbOutput(opts.bufferSize ?? 64 * 1024, (chunk) => {
      if (crc !== null) crc.update(chunk);
      sink.write(chunk);
    });
  }

  /** Bytes produced so far (handed to the sink or staged). */
  get bytesWritten(): number {
    return this.out.length + this.tailBytes;
  }

  /** The magic `REDIS0010` and the AUX fields. */
  header(aux: readonly AuxField[] = standardAux()): void {
    this.out.latin1('REDIS' + String(RDB_VERSION).padStart(4, '0'));
    for (const [name, value] of aux) this.aux(name, value);
  }

  /** One AUX field (both sides saved as rdbSaveRawString: numbers become int-encoded). */
  aux(name: string, value: string | number): void {
    const out = this.out;
    out.byte(RDB_OPCODE_AUX);
    out.string(name, this.compress);
    out.string(typeof value === 'number' ? String(value) : value, this.compress);
  }

  /** Function libraries (FUNCTION2 opcode, each library's full source). */
  functions(libraries: Iterable<string>): void {
    for (const code of libraries) {
      this.out.byte(RDB_OPCODE_FUNCTION2);
      this.out.string(code, this.compress);
    }
  }

  /** Starts a database: SELECTDB id, RESIZEDB keys expires. Skip empty databases (Redis does). */
  selectDb(id: number, dbSize: number, expiresSize: number): void {
    const out = this.out;
    out.byte(RDB_OPCODE_SELECTDB);
    out.len(id);
    out.byte(RDB_OPCODE_RESIZEDB);
    out.len(dbSize);
    out.len(expiresSize);
  }

  private prefix(expireMs: number | undefined, lru: { idleSeconds?: number; freq?: number } | undefined): void {
    const out = this.out;
    if (expireMs !== undefined) {
      out.byte(RDB_OPCODE_EXPIRETIME_MS);
      out.millis(expireMs);
    }
    if (lru !== undefined) {
      if (lru.idleSeconds !== undefined) {
        out.byte(RDB_OPCODE_IDLE);
        out.len(lru.idleSeconds);
      }
      if (lru.freq !== undefined) {
        out.byte(RDB_OPCODE_FREQ);
        out.byte(lru.freq & 0xff);
      }
    }
  }

  /**
   * One key: [EXPIRETIME_MS ms] [IDLE s] [FREQ f] type key value. `lru` is written only
   * when given (Redis writes IDLE under an LRU maxmemory-policy, FREQ under LFU).
   */
  entry(key: string, value: Value, expireMs?: number, lru?: { idleSeconds?: number; freq?: number }): void {
    this.prefix(expireMs, lru);
    writeValue(this.out, value, this.compress, key);
    this.keys++;
  }

  /** One key whose value was serialized earlier with encodeValue (type byte + payload). */
  rawEntry(key: string, encodedValue: Buffer, expireMs?: number, lru?: { idleSeconds?: number; freq?: number }): void {
    this.prefix(expireMs, lru);
    const out = this.out;
    out.byte(encodedValue[0]!);
    out.string(key, this.compress);
    out.bytes(encodedValue.subarray(1));
    this.keys++;
  }

  /** EOF opcode, then the CRC64 of everything before it (zeros when checksum is off). */
  end(): void {
    if (this.finished) throw new Error('RdbWriter.end called twice');
    this.finished = true;
    this.out.byte(RDB_OPCODE_EOF);
    this.out.flush();
    const tail = Buffer.alloc(8);
    if (this.crc !== null) this.crc.writeLE(tail, 0);
    this.tailBytes = 8;
    this.sink.write(tail);
  }

  /** Hands staged bytes to the sink now (e.g. before yielding to the event loop). */
  flush(): void {
    this.out.flush();
  }
}
