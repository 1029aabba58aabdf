/**
 * RDB persistence: when and where the dataset is saved to and loaded from `dir/dbfilename`.
 * The file format is src/persistence/rdb/ (writer, reader); the point-in-time walk is
 * src/persistence/snapshot.ts; crash-safe file replacement is src/persistence/fsutil.ts.
 *
 * What it owns (Redis 7.0 rdb.c / server.c behaviour):
 * - SAVE (synchronous) and BGSAVE (a fork-less snapshot written in slices between commands,
 *   streamed to `temp-<pid>-<n>.rdb` by the thread pool), LASTSAVE's time, BGSAVE SCHEDULE.
 * - Save points (`save` config) checked from the server cron with the dirty counter and
 *   the time since the last save; retry after a failed save waits 5 s (Redis's
 *   CONFIG_BGSAVE_RETRY_DELAY).
 * - stop-writes-on-bgsave-error: after a failed background save, writes get MISCONF until a
 *   save succeeds (a write guard).
 * - Loading at start-up (unless the AOF is on: the AOF is loaded instead), DEBUG RELOAD,
 *   the final save at shutdown, the save after FLUSHALL, INFO persistence.
 * - The bridge the AOF uses for RDB preambles and command-form rewrites.
 *
 * A failing disk (unwritable dir, ENOSPC) is logged, shown in INFO
 * (rdb_last_bgsave_status:err) and leaves the server up; the old dump.rdb stays intact.
 *
 * Fork-less differences from Redis: there is no child process (no pid in logs, copy-on-write
 * sizes are 0); the snapshot's memory cost is the keys written during the save (see
 * snapshot.ts). `rdb-del-sync-files` is accepted and inert (no replication yet).
 */

import fs from 'node:fs';
import path from 'node:path';
import { E } from '../protocol/errors.js';
import type { Server } from '../server/server.js';
import type { Value } from '../store/values.js';
import { AtomicFile, AtomicFileError, errnoText } from './fsutil.js';
import { LoadQueue } from './load-queue.js';
import { encodeValue } from './rdb/encode.js';
import { readRdb, RdbError, type RdbSource } from './rdb/reader.js';
import { RdbWriter, standardAux, type RdbSink } from './rdb/writer.js';
import { Snapshot, SnapshotAborted, startSnapshot, type SnapshotConsumer } from './snapshot.js';

/** Redis's CONFIG_BGSAVE_RETRY_DELAY: seconds before retrying a failed background save. */
const BGSAVE_RETRY_DELAY = 5;
/** Redis's REDIS_AUTOSYNC_BYTES: fdatasync every 4 MB with rdb-save-incremental-fsync. */
const AUTOSYNC_BYTES = 4 * 1024 * 1024;
/**
 * Background saves copy the writer's chunks into a few large blocks that the thread pool
 * writes and that are then reused (`BlockSink`): the save allocates at most BG_BLOCKS
 * blocks, whatever the dataset's size. Handing the writer's own chunks to the disk instead
 * kept each one alive until written, long enough to reach V8's old generation, where only
 * a full collection frees it: their external memory then started a mark-compact of the
 * whole heap in the middle of every big save (seconds of marking at 5M keys) and grew RSS
 * by ~10%. The walk pauses while every block waits for the disk.
 */
const BG_BLOCK = 1024 * 1024;
const BG_BLOCKS = 8;
/**
 * The writer's staging buffer for background saves: its CRC64 is computed when it fills,
 * inside a slice (~20 µs for 16 KB).
 */
const BG_CHUNK = 16 * 1024;
/** The event-loop turn a background save aims at (see snapshot.ts sliceBudget). */
const BG_TURN_MS = 0.5;

type Fields = [string, string | number][];

/**
 * An RDB sink for background saves over an async AtomicFile: chunks are copied into
 * reusable blocks (see BG_BLOCK). `end()` hands over the last, partial block.
 */
export class BlockSink implements RdbSink {
  /** Written blocks, ready for reuse (at most maxBlocks are kept). */
  private readonly free: Buffer[] = [];
  private block: Buffer;
  private pos = 0;
  /** Blocks handed to the file and not written yet. */
  private inFlight = 0;

  constructor(
    private readonly file: AtomicFile,
    private readonly blockSize = BG_BLOCK,
    private readonly maxBlocks = BG_BLOCKS,
  ) {
    this.block = Buffer.allocUnsafeSlow(blockSize);
  }

  write(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      const n = Math.min(chunk.length - off, this.blockSize - this.pos);
      chunk.copy(this.block, this.pos, off, off + n);
      this.pos += n;
      off += n;
      if (this.pos === this.blockSize) this.send();
    }
  }

  private send(): void {
    if (this.pos === 0) return;
    const block = this.block;
    this.inFlight++;
    this.file.write(block.subarray(0, this.pos), () => {
      this.inFlight--;
      if (this.free.length < this.maxBlocks) this.free.push(block);
    });
    this.block = this.free.pop() ?? Buffer.allocUnsafeSlow(this.blockSize);
    this.pos = 0;
  }

  /** Hands the last, partial block to the file. */
  end(): void {
    this.send();
  }

  /** Asked between slices: while maxBlocks blocks wait for the disk, wait for one. */
  backpressure(): Promise<void> | null {
    if (this.inFlight < this.maxBlocks) return null;
    return this.file.drained(this.file.backlog - 1);
  }
}

/** A key's IDLE / FREQ for the file, or undefined when the policy saves none. */
type AccessOf = (dbid: number, key: string) => { idleSeconds?: number; freq?: number } | undefined;

/** Serializes a snapshot into an RDB writer; preserved values are kept pre-encoded. */
class RdbConsumer implements SnapshotConsumer<string | Buffer> {
  constructor(
    private readonly writer: RdbWriter,
    private readonly compression: boolean,
    private readonly sink: BlockSink | null,
    private readonly accessOf: AccessOf | null = null,
  ) {}
  preserve(value: Value): string | Buffer {
    // Strings are immutable: keeping the reference is the copy.
    return typeof value === 'string' ? value : encodeValue(value, this.compression);
  }
  beginDb(dbid: number, keys: number, expires: number): void {
    this.writer.selectDb(dbid, keys, expires);
  }
  entry(dbid: number, key: string, value: Value, expireMs: number | undefined): void {
    this.writer.entry(key, value, expireMs, this.accessOf === null ? undefined : this.accessOf(dbid, key));
  }
  preserved(dbid: number, key: string, copy: string | Buffer, expireMs: number | undefined): void {
    const access = this.accessOf === null ? undefined : this.accessOf(dbid, key);
    if (typeof copy === 'string') this.writer.entry(key, copy, expireMs, access);
    else this.writer.rawEntry(key, copy, expireMs, access);
  }
  endDb(): void {}
  backpressure(): Promise<void> | null {
    return this.sink === null ? null : this.sink.backpressure();
  }
}

/** Function libraries travel in RDB files; the scripting side installs these. */
export interface FunctionsBridge {
  /** Each library's full source, in the order FUNCTION DUMP would give them. */
  dump(): Iterable<string>;
  /** Loads one library's source (throws with Redis's message when it cannot). */
  load(code: string, replace: boolean): void;
}

export interface LoadOptions {
  /** Skip keys whose time has passed (a master loading its own file); AOF preambles keep them. */
  skipExpired: boolean;
  /** Replace keys that already exist (DEBUG RELOAD MERGE) instead of failing. */
  merge?: boolean;
}

export interface LoadResult {
  keysLoaded: number;
  keysExpired: number;
  bytesRead: number;
}

interface BgJob {
  snapshot: Snapshot<string | Buffer> | null;
  file: AtomicFile | null;
  startMs: number;
  dirtyBefore: number;
  killed: boolean;
}

interface LoadingState {
  startSec: number;
  totalBytes: number;
  usedMem: number;
  loadedBytes: number;
}

/**
 * Runs a read that feeds `queue`, then stores what is still queued. When the read fails,
 * the keys read before the failure are stored first, as they were before the queue existed
 * (a failed DEBUG RELOAD leaves them loaded); if storing one of them fails (a duplicate),
 * that error came earlier in the file and is the one reported.
 */
function readQueued<T>(queue: LoadQueue<Value>, read: () => T): T {
  let result: T;
  try {
    result = read();
  } catch (e) {
    if (!queue.failed) queue.flush();
    throw e;
  }
  queue.flush();
  return result;
}

/** A start-up or DEBUG RELOAD load that failed: names the file and, when known, the offset. */
export class RdbLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RdbLoadError';
  }
}

const registry = new WeakMap<Server, RdbPersistence>();

/** The RDB persistence of a server (installed by wireRdbPersistence). */
export function rdbPersistence(server: Server): RdbPersistence {
  const r = registry.get(server);
  if (r === undefined) throw new Error('RDB persistence is not wired');
  return r;
}

const nowSec = (): number => Math.floor(Date.now() / 1000);

export class RdbPersistence {
  /** Unix seconds of the last successful save (LASTSAVE; the start time until one). */
  lastSave = nowSec();
  lastBgsaveStatus: 'ok' | 'err' = 'ok';
  /** Unix seconds of the last background save attempt. */
  lastBgsaveTry = 0;
  /** Seconds the last background save took, -1 before any. */
  lastBgsaveTimeSec = -1;
  /** SAVE and BGSAVE runs (rdb_saves). */
  saves = 0;
  /** BGSAVE SCHEDULE (or BGSAVE in MULTI) waits for the AOF rewrite to end. */
  bgsaveScheduled = false;
  lastLoadKeysLoaded = 0;
  lastLoadKeysExpired = 0;
  /** Installed by the scripting side; without it files holding functions cannot load. */
  functions: FunctionsBridge | null = null;
  private job: BgJob | null = null;
  private loadingState: LoadingState | null = null;
  private tempSeq = 0;
  /** The final save ran (SHUTDOWN did it before closing): the shutdown hook skips it. */
  private shutdownDone = false;

  constructor(readonly server: Server) {}

  private get config() {
    return this.server.config;
  }

  /** The directory saves go to (CONFIG's `dir`, absolute; the process never chdirs). */
  get dir(): string {
    return path.resolve(this.config.str('dir'));
  }

  /** dir/dbfilename. */
  get file(): string {
    return path.join(this.dir, this.config.str('dbfilename'));
  }

  /** The `save` config as [seconds, changes] pairs (empty: no save points). */
  savePoints(): [number, number][] {
    const words = this.config.str('save').split(' ').filter((w) => w !== '');
    const out: [number, number][] = [];
    for (let i = 0; i + 1 < words.length; i += 2) out.push([Number(words[i]), Number(words[i + 1])]);
    return out;
  }

  /** Whether a BGSAVE is running. */
  isSaving(): boolean {
    return this.job !== null;
  }

  /** The running BGSAVE's snapshot (keys processed / total), if any. */
  currentSnapshot(): Snapshot<string | Buffer> | null {
    return this.job?.snapshot ?? null;
  }

  /** Whether another "child" (an AOF rewrite) runs: Redis allows one at a time. */
  otherJobActive(): boolean {
    return this.server.aof?.rewriting === true;
  }

  private nextTempName(): string {
    return `temp-${process.pid}-${++this.tempSeq}.rdb`;
  }

  private writerOptions() {
    return { compression: this.config.bool('rdbcompression'), checksum: this.config.bool('rdbchecksum') };
  }

  private header(writer: RdbWriter, aofBase: boolean): void {
    writer.header(standardAux({ aofBase }));
    if (this.functions !== null) writer.functions(this.functions.dump());
  }

  // ---- saving ----

  /**
   * Writes the dataset to `dir/finalName` through a temp file, blocking (SAVE, FLUSHALL's
   * save, shutdown, DEBUG RELOAD, AOF start-up BASE). Throws AtomicFileError on disk errors.
   */
  private writeSync(dir: string, finalName: string, tempName: string, aofBase: boolean): void {
    const opts = this.writerOptions();
    const syncEvery = this.config.bool('rdb-save-incremental-fsync') ? AUTOSYNC_BYTES : 0;
    const file = AtomicFile.create(dir, finalName, tempName, { syncEvery });
    try {
      const writer = new RdbWriter(file, opts);
      this.header(writer, aofBase);
      startSnapshot(this.server.store, new RdbConsumer(writer, opts.compression, null, this.accessOf())).runSync();
      writer.end();
      file.commitSync();
    } catch (e) {
      file.discard();
      throw e;
    }
  }

  /** Logs a failed save as Redis words it. */
  private logSaveError(e: unknown, tempName: string): void {
    const server = this.server;
    if (e instanceof AtomicFileError) {
      if (e.op === 'open') {
        server.log('warning', `Failed opening the temp RDB file ${tempName} (in server root dir ${this.dir}) for saving: ${errnoText(e.cause)}`);
        return;
      }
      if (e.op === 'rename') {
        server.log('warning', `Error moving temp DB file ${tempName} on the final destination ${this.config.str('dbfilename')} (in server root dir ${this.dir}): ${errnoText(e.cause)}`);
        return;
      }
      server.log('warning', `Write error saving DB on disk(${e.op}): ${errnoText(e.cause)}`);
      return;
    }
    server.log('warning', `Write error saving DB on disk: ${(e as Error)?.stack ?? e}`);
  }

  /**
   * Redis's rdbSave: a blocking save to dbfilename. On success the dirty counter resets,
   * LASTSAVE moves and the bgsave status becomes ok. Returns false (logged) on failure.
   */
  saveSync(): boolean {
    const tempName = this.nextTempName();
    try {
      this.writeSync(this.dir, this.config.str('dbfilename'), tempName, false);
    } catch (e) {
      this.logSaveError(e, tempName);
      return false;
    }
    this.server.log('notice', 'DB saved on disk');
    this.server.store.dirty = 0;
    this.lastSave = nowSec();
    this.lastBgsaveStatus = 'ok';
    return true;
  }

  /**
   * Redis's rdbSaveBackground: starts a background save (the caller checked that none runs).
   * A temp file that cannot be created fails the save just after it "started", as a forked
   * child would.
   */
  startBgsave(): void {
    const server = this.server;
    const store = server.store;
    this.saves++;
    this.lastBgsaveTry = nowSec();
    const job: BgJob = { snapshot: null, file: null, startMs: Date.now(), dirtyBefore: store.dirty, killed: false };
    this.job = job;
    server.log('notice', 'Background saving started');
    const tempName = this.nextTempName();
    let writer: RdbWriter;
    let sink: BlockSink;
    try {
      const syncEvery = this.config.bool('rdb-save-incremental-fsync') ? AUTOSYNC_BYTES : 0;
      job.file = AtomicFile.create(this.dir, this.config.str('dbfilename'), tempName, { async: true, syncEvery });
      const opts = this.writerOptions();
      sink = new BlockSink(job.file);
      writer = new RdbWriter(sink, { ...opts, bufferSize: BG_CHUNK });
      this.header(writer, false);
      job.snapshot = startSnapshot(store, new RdbConsumer(writer, opts.compression, sink, this.accessOf()), {
        keyDelayUs: () => this.config.num('rdb-key-save-delay'),
        sliceMs: BG_TURN_MS,
        afterReplies: (run) => server.afterReplies(run),
      });
    } catch (e) {
      this.logSaveError(e, tempName);
      setImmediate(() => this.finishBgsave(job, e));
      return;
    }
    const file = job.file;
    job.snapshot.run().then(
      () => {
        if (job.killed) throw new SnapshotAborted();
        writer.end();
        sink.end();
        return file.commit();
      },
    ).then(
      () => this.finishBgsave(job, null),
      (e: unknown) => {
        if (!(e instanceof SnapshotAborted) && !job.killed) this.logSaveError(e, tempName);
        this.finishBgsave(job, e);
      },
    );
  }

  /** backgroundSaveDoneHandler: the outcome of a background save. */
  private finishBgsave(job: BgJob, error: unknown): void {
    if (this.job !== job) return; // killed: already accounted for
    this.job = null;
    const server = this.server;
    this.lastBgsaveTimeSec = nowSec() - Math.floor(job.startMs / 1000);
    if (error !== null) {
      job.file?.discard();
      server.log('warning', 'Background saving error');
      this.lastBgsaveStatus = 'err';
      return;
    }
    server.log('notice', 'Background saving terminated with success');
    server.store.dirty = Math.max(0, server.store.dirty - job.dirtyBefore);
    this.lastSave = nowSec();
    this.lastBgsaveStatus = 'ok';
  }

  /**
   * Redis's killRDBChild: stops a running background save and removes its temp file. The
   * bgsave status is left as it was (a deliberate kill is not a failure).
   */
  killBgsave(): void {
    const job = this.job;
    if (job === null) return;
    job.killed = true;
    this.job = null;
    job.snapshot?.abort();
    job.file?.discard();
    this.lastBgsaveTimeSec = nowSec() - Math.floor(job.startMs / 1000);
    this.server.log('warning', 'Background saving terminated: the save was stopped');
  }

  /**
   * BGSAVE [SCHEDULE]: 'started', 'scheduled', or the error line (already running; another
   * job runs and SCHEDULE was not given). `inExec` schedules it as Redis does inside MULTI.
   */
  bgsaveCommand(schedule: boolean, inExec: boolean): { ok: string } | { error: string } {
    if (this.job !== null) return { error: E.notBusy };
    if (this.otherJobActive() || inExec) {
      if (schedule || inExec) {
        this.bgsaveScheduled = true;
        return { ok: 'Background saving scheduled' };
      }
      return {
        error:
          'ERR Another child process is active (AOF?): can\'t BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.',
      };
    }
    this.startBgsave();
    return { ok: 'Background saving started' };
  }

  /** The part of serverCron that starts background saves (save points, scheduled BGSAVE). */
  cron(): void {
    if (this.job !== null || this.otherJobActive() || this.server.closing) return;
    const now = nowSec();
    const retryOk = now - this.lastBgsaveTry > BGSAVE_RETRY_DELAY || this.lastBgsaveStatus === 'ok';
    const dirty = this.server.store.dirty;
    for (const [seconds, changes] of this.savePoints()) {
      if (dirty >= changes && now - this.lastSave > seconds && retryOk) {
        this.server.log('notice', `${changes} changes in ${seconds} seconds. Saving...`);
        this.startBgsave();
        return;
      }
    }
    if (this.bgsaveScheduled && retryOk) {
      this.bgsaveScheduled = false;
      this.startBgsave();
    }
  }

  /** stop-writes-on-bgsave-error: MISCONF while the last background save failed. */
  writeRefusal(): string | null {
    if (this.lastBgsaveStatus !== 'err' || !this.config.bool('stop-writes-on-bgsave-error')) return null;
    return this.savePoints().length > 0 ? E.misconf : null;
  }

  /**
   * The RDB part of shutdown (Redis prepareForShutdown): stops a running BGSAVE, then saves
   * when SHUTDOWN SAVE was asked or save points are configured (never with NOSAVE). Returns
   * false when that save failed; SHUTDOWN then refuses to exit (unless FORCE). Runs once.
   */
  prepareShutdown(opts: { save?: boolean; force?: boolean }): boolean {
    if (this.shutdownDone) return true;
    const server = this.server;
    if (this.job !== null) {
      server.log('warning', 'There is a child saving an .rdb. Killing it!');
      this.killBgsave();
    }
    const wantSave = opts.save === true || (opts.save === undefined && this.savePoints().length > 0);
    if (wantSave) {
      server.log('notice', 'Saving the final RDB snapshot before exiting.');
      if (!this.saveSync()) {
        if (opts.force !== true) {
          server.log('warning', 'Error trying to save the DB, can\'t exit.');
          return false;
        }
        server.log('warning', 'Error trying to save the DB. Exit anyway.');
      }
    }
    this.shutdownDone = true;
    return true;
  }

  /** Redis 7.0 flushAllDataAndResetRDB: stop a BGSAVE, then save the empty dataset if save points are set. */
  afterFlushAll(): void {
    if (this.job !== null) this.killBgsave();
    if (this.savePoints().length > 0) this.saveSync();
  }

  // ---- loading ----

  /**
   * Loads an RDB stream into the (normally empty) databases. Throws RdbLoadError naming
   * `name` (and the byte offset of a format error). `store.loading` is set meanwhile.
   */
  loadFrom(source: RdbSource, name: string, opts: LoadOptions): LoadResult {
    const server = this.server;
    const store = server.store;
    const now = Date.now();
    let loaded = 0;
    let expired = 0;
    let totalBytes = 0;
    if (typeof source === 'string') totalBytes = fs.statSync(source).size;
    else if (!Buffer.isBuffer(source)) totalBytes = fs.fstatSync(source.fd).size - (source.position ?? 0);
    else totalBytes = source.length;
    const state: LoadingState = { startSec: nowSec(), totalBytes, usedMem: 0, loadedBytes: 0 };
    const wasLoading = store.loading;
    this.loadingState = state;
    store.loading = true;
    let lastLog = Date.now();
    let emptySkipped = 0;
    let currentDb = 0;
    // Keys reach the databases once V8 has moved them out of the young generation (see
    // load-queue.ts): a load spends half its time in the scavenger otherwise.
    // IDLE / FREQ of the keys that had them (files written under an LRU or LFU policy), as
    // the access data they get once stored (objectSetLRUOrLFU): "<db>\0<key>" -> value.
    const accessOf = new Map<string, number>();
    const queue = new LoadQueue<Value>((dbid, keys, values, expires, n) => {
      const db = store.dbs[dbid]!;
      // A no-op unless a snapshot walks these tables (DEBUG RELOAD NOFLUSH during BGSAVE).
      for (let j = 0; j < n; j++) store.beforeWrite(db, keys[j]!);
      db.dict.storeBatch(keys, values, n, (j, existed) => {
        const key = keys[j]!;
        if (existed) {
          if (opts.merge !== true) {
            server.log('warning', `RDB has duplicated key '${key}' in DB ${dbid}`);
            throw new RdbLoadError(`Duplicated key '${key}' in DB ${dbid} found in RDB file`);
          }
          db.expires.delete(key);
        }
        const expireMs = expires[j];
        if (expireMs !== undefined) db.expires.set(key, expireMs);
        if (accessOf.size !== 0) {
          const id = `${dbid}\0${key}`;
          const access = accessOf.get(id);
          if (access !== undefined) {
            db.dict.setMeta(key, access);
            accessOf.delete(id);
          }
        }
      });
    });
    try {
      const result = readQueued(queue, () => readRdb(
        source,
        {
          aux: (k, v) => {
            if (k === 'redis-ver') server.log('notice', `Loading RDB produced by version ${v}`);
            else if (k === 'ctime') {
              let age = nowSec() - Number(v);
              if (age < 0) age = 0;
              server.log('notice', `RDB age ${age} seconds`);
            } else if (k === 'used-mem') {
              state.usedMem = Number(v);
              server.log('notice', `RDB memory usage when created ${(Number(v) / (1024 * 1024)).toFixed(2)} Mb`);
            }
          },
          selectDb: (dbid) => {
            currentDb = dbid;
          },
          resizeDb: (keys, expires) => {
            const db = store.dbs[currentDb];
            if (db === undefined) return;
            db.dict.expand(keys);
            db.expires.expand(expires);
          },
          function: (code) => {
            if (this.functions === null) throw new RdbLoadError('The RDB file contains function libraries, which this server cannot load');
            this.functions.load(code, opts.merge === true);
          },
          entry: (dbid, key, value, expireMs, meta, span) => {
            if (opts.skipExpired && expireMs !== undefined && expireMs < now) {
              expired++;
              return;
            }
            loaded++;
            if (meta !== undefined) {
              const access = store.access.restored(meta.freq ?? -1, meta.idle ?? -1);
              if (access !== null) accessOf.set(`${dbid}\0${key}`, access);
            }
            queue.push(dbid, key, value, expireMs, span.end);
          },
          emptyKey: (_dbid, key) => {
            if (emptySkipped++ < 10) server.log('warning', `rdbLoadObject skipping empty key: ${key}`);
          },
          progress: (bytes) => {
            state.loadedBytes = bytes;
            if (Date.now() - lastLog >= 2000) {
              lastLog = Date.now();
              const perc = totalBytes > 0 ? ((bytes / totalBytes) * 100).toFixed(2) : '?';
              server.log('notice', `Loading RDB ${name}: ${bytes} of ${totalBytes} bytes (${perc}%), ${loaded} keys so far`);
            }
          },
        },
        { verifyChecksum: this.config.bool('rdbchecksum'), databases: store.dbs.length },
      ));
      state.loadedBytes = result.bytesRead;
      this.lastLoadKeysLoaded = loaded;
      this.lastLoadKeysExpired = expired;
      if (emptySkipped > 0) {
        server.log('warning', `Done loading RDB, keys loaded: ${loaded}, keys expired: ${expired}, empty keys skipped: ${emptySkipped}.`);
      } else {
        server.log('notice', `Done loading RDB, keys loaded: ${loaded}, keys expired: ${expired}.`);
      }
      return { keysLoaded: loaded, keysExpired: expired, bytesRead: result.bytesRead };
    } catch (e) {
      this.lastLoadKeysLoaded = loaded;
      this.lastLoadKeysExpired = expired;
      if (e instanceof RdbLoadError) throw new RdbLoadError(`Failed loading RDB file ${name}: ${e.message}`);
      if (e instanceof RdbError) throw new RdbLoadError(`Failed loading RDB file ${name}: ${e.message}`);
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== undefined) throw new RdbLoadError(`Failed loading RDB file ${name}: ${errnoText(e)}`);
      throw new RdbLoadError(`Failed loading RDB file ${name}: ${(e as Error).message}`);
    } finally {
      store.loading = wasLoading;
      this.loadingState = null;
    }
  }

  /**
   * Loads dir/dbfilename if it exists (start-up, DEBUG RELOAD). Returns false when there is
   * no file; throws RdbLoadError when it cannot be read or is corrupt.
   */
  loadFile(opts: LoadOptions = { skipExpired: true }): boolean {
    const file = this.file;
    try {
      fs.accessSync(file, fs.constants.F_OK);
    } catch {
      return false;
    }
    const t0 = performance.now();
    this.loadFrom(file, file, opts);
    this.server.log('notice', `DB loaded from disk: ${((performance.now() - t0) / 1000).toFixed(3)} seconds`);
    return true;
  }

  // ---- INFO ----

  /** INFO persistence, as Redis 7.0 prints it (the aof_* fields come from the AOF). */
  info(): Fields {
    const server = this.server;
    const snap = this.job?.snapshot ?? null;
    const loading = this.loadingState;
    const fields: Fields = [
      ['loading', loading !== null ? 1 : 0],
      ['async_loading', 0],
      ['current_cow_peak', 0],
      ['current_cow_size', 0],
      ['current_cow_size_age', 0],
      ['current_fork_perc', '0.00'],
      ['current_save_keys_processed', snap?.keysProcessed ?? 0],
      ['current_save_keys_total', snap?.keysTotal ?? 0],
      ['rdb_changes_since_last_save', server.store.dirty],
      ['rdb_bgsave_in_progress', this.job !== null ? 1 : 0],
      ['rdb_last_save_time', this.lastSave],
      ['rdb_last_bgsave_status', this.lastBgsaveStatus],
      ['rdb_last_bgsave_time_sec', this.lastBgsaveTimeSec],
      ['rdb_current_bgsave_time_sec', this.job !== null ? nowSec() - Math.floor(this.job.startMs / 1000) : -1],
      ['rdb_saves', this.saves],
      ['rdb_last_cow_size', 0],
      ['rdb_last_load_keys_expired', this.lastLoadKeysExpired],
      ['rdb_last_load_keys_loaded', this.lastLoadKeysLoaded],
    ];
    const aof = server.aof;
    if (aof !== null) fields.push(...aof.infoFields());
    else {
      fields.push(
        ['aof_enabled', 0],
        ['aof_rewrite_in_progress', 0],
        ['aof_rewrite_scheduled', 0],
        ['aof_last_rewrite_time_sec', -1],
        ['aof_current_rewrite_time_sec', -1],
        ['aof_last_bgrewrite_status', 'ok'],
        ['aof_rewrites', 0],
        ['aof_rewrites_consecutive_failures', 0],
        ['aof_last_write_status', 'ok'],
        ['aof_last_cow_size', 0],
        ['module_fork_in_progress', 0],
        ['module_fork_last_cow_size', 0],
      );
    }
    if (loading !== null) {
      const total = loading.totalBytes || loading.usedMem;
      let perc = total > 0 ? (loading.loadedBytes / total) * 100 : 0;
      if (loading.totalBytes === 0 && perc > 99.99) perc = 99.99;
      const elapsed = nowSec() - loading.startSec;
      const remaining = Math.max(1, total - loading.loadedBytes);
      const eta = elapsed === 0 ? 1 : Math.floor((elapsed * remaining) / (loading.loadedBytes + 1));
      fields.push(
        ['loading_start_time', loading.startSec],
        ['loading_total_bytes', loading.totalBytes],
        ['loading_rdb_used_mem', loading.usedMem],
        ['loading_loaded_bytes', loading.loadedBytes],
        ['loading_loaded_perc', perc.toFixed(2)],
        ['loading_eta_seconds', eta],
      );
    }
    return fields;
  }

  /**
   * What each key's record carries about its use (Redis's rdbSaveKeyValuePair): IDLE seconds
   * under an LRU maxmemory policy, the decayed FREQ counter under an LFU one, nothing
   * otherwise. (A key changed during a background save gives its access data at the time it
   * is written out, not at the save's start.)
   */
  private accessOf(): AccessOf | null {
    const policy = this.config.str('maxmemory-policy');
    const store = this.server.store;
    const access = store.access;
    if (policy.endsWith('-lru')) return (dbid, key) => ({ idleSeconds: access.idleSeconds(store.dbs[dbid]!.dict.metaOf(key) ?? access.fresh()) });
    if (policy.endsWith('-lfu')) return (dbid, key) => ({ freq: access.counter(store.dbs[dbid]!.dict.metaOf(key) ?? access.fresh()) });
    return null;
  }

  // ---- the AOF's side ----

  /** An RDB image for an AOF BASE (aof-base:1), written to `file` itself (the AOF renames it). */
  private writeBaseFileSync(file: string): void {
    this.writeSync(path.dirname(file), path.basename(file), path.basename(file), true);
  }

  /** Same, in the background from a snapshot taken now. */
  private writeBaseFile(file: string): Promise<void> {
    const opts = this.writerOptions();
    const syncEvery = this.config.bool('aof-rewrite-incremental-fsync') ? AUTOSYNC_BYTES : 0;
    const out = AtomicFile.create(path.dirname(file), path.basename(file), path.basename(file), { async: true, syncEvery });
    const sink = new BlockSink(out);
    const writer = new RdbWriter(sink, { ...opts, bufferSize: BG_CHUNK });
    this.header(writer, true);
    // rdb-key-save-delay slows a rewrite as it slows a BGSAVE (Redis's rdbSaveRio and
    // rewriteAppendOnlyFileRio both pay it).
    const snap = startSnapshot(this.server.store, new RdbConsumer(writer, opts.compression, sink, this.accessOf()), {
      sliceMs: BG_TURN_MS,
      keyDelayUs: () => this.config.num('rdb-key-save-delay'),
      afterReplies: (run) => this.server.afterReplies(run),
    });
    return snap.run().then(
      () => {
        writer.end();
        sink.end();
        return out.commit();
      },
      (e: unknown) => {
        out.discard();
        throw e;
      },
    );
  }

  /** Installs the RDB bridge and the point-in-time walk into the AOF. */
  private bridgeAof(): void {
    const aof = this.server.aof;
    if (aof === null) return;
    aof.rdb = {
      load: (fd, file) => this.loadFrom({ fd, position: 0 }, file, { skipExpired: false }).bytesRead,
      writeBaseSync: (file) => this.writeBaseFileSync(file),
      writeBase: (file) => this.writeBaseFile(file),
    };
    const store = this.server.store;
    aof.walk = (emit) => {
      const consumer: SnapshotConsumer<Value> = {
        preserve: (v) => (typeof v === 'string' ? v : v.clone()),
        beginDb: () => {},
        entry: emit,
        preserved: emit,
        endDb: () => {},
      };
      return startSnapshot(store, consumer, {
        keyDelayUs: () => this.config.num('rdb-key-save-delay'),
        afterReplies: (run) => this.server.afterReplies(run),
      }).run();
    };
  }

  /** Registers every hook (see wireRdbPersistence). */
  wire(startup: ((server: Server) => void | Promise<void>)[]): void {
    const server = this.server;
    registry.set(server, this);
    server.backgroundSaveRunning = () => this.isSaving();
    server.cronJobs.push(() => this.cron());
    server.writeGuards.push(() => this.writeRefusal());
    // A failed final save throws: the server then stays up (unless FORCE), as Redis does.
    server.shutdownHooks.push((opts) => {
      if (!this.prepareShutdown(opts)) throw new Error("Error trying to save the DB, can't exit.");
    });
    server.flushAllHooks.push(() => this.afterFlushAll());
    server.infoSections.set('persistence', () => this.info());
    this.bridgeAof();
    startup.push(() => {
      // With the AOF on, the AOF is the source of truth and is loaded instead (aof.ts).
      if (this.config.bool('appendonly')) return;
      try {
        this.loadFile({ skipExpired: true });
      } catch (e) {
        if (e instanceof RdbLoadError) throw new Error(`Fatal error loading the DB: ${e.message}. Exiting.`);
        throw e;
      }
    });
    // Keyspace tables resize incrementally on writes; the cron finishes what writes started
    // (Redis's activerehashing), a millisecond per tick over all databases.
    server.cronJobs.push(() => {
      if (!this.config.bool('activerehashing')) return;
      const deadline = performance.now() + 1;
      for (const db of server.store.dbs) {
        if (performance.now() >= deadline) break;
        db.dict.rehashFor(0.2);
        db.expires.rehashFor(0.1);
      }
    });
  }
}

/**
 * Wires RDB persistence into a server: cron (save points, scheduled BGSAVE), MISCONF write
 * guard, shutdown and FLUSHALL saves, INFO persistence, the AOF bridge and the start-up
 * load. Call after the AOF is wired.
 */
export function wireRdbPersistence(server: Server, startup: ((server: Server) => void | Promise<void>)[]): RdbPersistence {
  const rdb = new RdbPersistence(server);
  rdb.wire(startup);
  return rdb;
}
