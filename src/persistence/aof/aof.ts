/**
 * The append-only file: Redis 7.0's multi-part AOF (see docs/persistence.md).
 *
 * State machine as Redis's aof_state: `off`; `on` (every propagated command is appended to
 * the current INCR file); `wait_rewrite` (AOF just enabled at run time: commands accumulate in
 * a temporary INCR file while the first BASE is written, then it becomes the first INCR file).
 *
 * Rewrite (BGREWRITEAOF, automatic growth, enabling at run time) is fork-less: a new INCR
 * file starts at the snapshot point, the BASE is written from a point-in-time snapshot of the
 * dataset, and the manifest then switches atomically (temp + fsync + rename). Writes during
 * the rewrite go to the new INCR file, so none is lost or doubled.
 *
 * Start-up: when `appendonly yes`, the AOF is loaded instead of the RDB, as Redis does; a
 * single-file `appendonly.aof` from Redis 6 is moved into the directory as the BASE.
 */

import fs from 'node:fs';
import path from 'node:path';
import type { Server } from '../../server/server.js';
import type { Value } from '../../store/values.js';
import { exists, fileSize, fsyncDir, replaceFileAtomic } from './files.js';
import { FsyncThread, type FsyncService } from './fsync-thread.js';
import { FsyncPlacement } from './fsync-placement.js';
import { AofLoadError, loadAofFile } from './loader.js';
import { AofLog, errnoText, type FsyncPolicy } from './log.js';
import { Manifest, ManifestError, parseManifest } from './manifest.js';
import { keyCommands, selectCommand } from './rewrite.js';

export type AofState = 'off' | 'on' | 'wait_rewrite';

/**
 * What the AOF needs from the RDB side, installed by the persistence wiring: loading an RDB
 * image from an open file (returns bytes used), and writing the dataset as an RDB preamble.
 * Without it, BASE files are written in command form and RDB bases cannot be loaded.
 */
export interface RdbBridge {
  load(fd: number, file: string): number;
  /** Writes the current dataset as an RDB image to `file`, synchronously (start-up BASE). */
  writeBaseSync(file: string): void;
  /**
   * Writes a point-in-time RDB image of the dataset to `file` (fsynced) and resolves when done.
   * Must capture the dataset at the moment it is called (before returning).
   */
  writeBase(file: string): Promise<void>;
}

/**
 * A point-in-time walk of the dataset for a command-form BASE: calls emit for every key as
 * it was when `start` was called; resolves when done. Installed by the snapshot module; the
 * default walks synchronously (trivially point-in-time, but blocks while it runs).
 */
export type SnapshotWalk = (emit: (dbid: number, key: string, value: Value, expireMs: number | undefined) => void) => Promise<void>;

export class Aof {
  state: AofState = 'off';
  manifest = new Manifest();
  log: AofLog | null = null;
  rdb: RdbBridge | null = null;
  walk: SnapshotWalk;
  rewriting = false;
  rewriteScheduled = false;
  lastRewriteStatus: 'ok' | 'err' = 'ok';
  lastRewriteTimeSec = -1;
  rewriteStartMs = 0;
  rewrites = 0;
  consecutiveFailures = 0;
  /** BASE size after the last rewrite (auto-rewrite grows from here). */
  baseSize = 0;
  /** All BASE + INCR bytes. */
  private closedIncrBytes = 0;
  lastLoadTruncated = false;
  /**
   * The thread that fsyncs under `always`: started on first use, ended when the AOF is
   * turned off or the server shuts down; null when it could not start or died (the log then
   * fsyncs on libuv's thread pool). Tests may replace `startFsyncThread`.
   */
  private fsyncThread: FsyncService | null = null;
  private fsyncThreadFailed = false;
  /** Where `always` fsyncs run; it outlives each INCR file (it measures the disk). Tests may pin it. */
  fsyncPlacement = new FsyncPlacement();
  startFsyncThread: () => FsyncService = () =>
    new FsyncThread((reason) => {
      this.server.log('warning', `The AOF fsync thread stopped (${reason}); fsyncing on the thread pool instead.`);
      this.fsyncThread = null;
      this.fsyncThreadFailed = true;
    });

  constructor(private readonly server: Server) {
    this.walk = (emit) => {
      const store = server.store;
      for (const db of store.dbs) {
        for (const [key, value] of db.dict.entries()) emit(db.id, key, value, db.expires.size ? db.expires.get(key) : undefined);
      }
      return Promise.resolve();
    };
  }

  private get config() {
    return this.server.config;
  }

  get dir(): string {
    return path.resolve(this.config.str('dir'), this.config.str('appenddirname'));
  }

  private get filename(): string {
    return this.config.str('appendfilename');
  }

  /** appendfsync and aof-timestamp-enabled, kept current by config listeners (read per command). */
  private policy: FsyncPolicy = 'everysec';
  private timestamps = false;

  /** Bytes of BASE + INCR files (aof_current_size). */
  get currentSize(): number {
    return this.baseSize + this.closedIncrBytes + (this.log ? this.log.incrSize + this.log.pending : 0);
  }

  /** Registers the AOF with the server; returns the start-up step (load + open). */
  wire(): (server: Server) => void {
    const server = this.server;
    this.policy = this.config.str('appendfsync') as FsyncPolicy;
    this.config.on('appendfsync', (v) => (this.policy = v as FsyncPolicy));
    this.timestamps = this.config.bool('aof-timestamp-enabled');
    this.config.on('aof-timestamp-enabled', (v) => (this.timestamps = v as boolean));
    server.feeds.push((dbid, argv, raw) => {
      if (this.state !== 'off' && this.log !== null) this.log.feed(dbid, argv, raw);
    });
    server.beforeSleepHooks.push(() => {
      if (this.log !== null) this.log.flush();
    });
    server.readDoneHooks.push(() => {
      if (this.log !== null) this.log.ownRequestBytes();
    });
    server.replyGates.push(() => (this.log !== null && this.state !== 'off' && this.policy === 'always' ? this.log.durable() : null));
    server.cronJobs.push(() => this.cron());
    server.writeGuards.push(() => {
      if (this.state === 'off' || this.log === null || this.log.writeStatus === 'ok') return null;
      return `MISCONF Errors writing to the AOF file: ${this.log.lastWriteError}`;
    });
    server.shutdownHooks.push(() => {
      if (this.log !== null) {
        this.log.syncNow();
        this.log.close();
      }
      this.endFsyncThread();
    });
    this.config.on('appendonly', (v) => {
      if (v === true && this.state === 'off') this.start();
      else if (v === false && this.state !== 'off') this.stop();
    });
    return () => {
      if (this.config.bool('appendonly')) {
        this.load();
        this.openOnStart();
      }
    };
  }

  private logOpts() {
    return {
      policy: () => this.policy,
      timestamps: () => this.timestamps,
      // no-appendfsync-on-rewrite: no fsync while a rewrite or a BGSAVE runs (Redis: while
      // any child process does, hasActiveChildProcess).
      noFsyncNow: () => this.config.bool('no-appendfsync-on-rewrite') && (this.rewriting || this.server.backgroundSaveRunning()),
      log: (level: 'notice' | 'warning', msg: string) => this.server.log(level, msg),
      fsyncThread: () => this.useFsyncThread(),
      placement: () => this.fsyncPlacement,
    };
  }

  private useFsyncThread(): FsyncService | null {
    if (this.fsyncThread === null && !this.fsyncThreadFailed) {
      try {
        this.fsyncThread = this.startFsyncThread();
      } catch (e) {
        this.fsyncThreadFailed = true;
        this.server.log('warning', `Can't start the AOF fsync thread (${(e as Error).message}); fsyncing on the thread pool instead.`);
      }
    }
    return this.fsyncThread;
  }

  private endFsyncThread(): void {
    this.fsyncThread?.terminate();
    this.fsyncThread = null;
  }

  // ---- start-up --------------------------------------------------------------------------

  /** Reads the manifest (or upgrades a Redis 6 single file) and loads every file. */
  load(): void {
    const server = this.server;
    const dir = this.dir;
    const manifestPath = path.join(dir, `${this.filename}.manifest`);
    if (exists(manifestPath)) {
      let text: string;
      try {
        text = fs.readFileSync(manifestPath, 'latin1');
      } catch (e) {
        throw new AofLoadError(`Fatal error: can't open the AOF manifest file ${manifestPath} for reading: ${(e as Error).message}`);
      }
      try {
        this.manifest = parseManifest(text);
      } catch (e) {
        if (e instanceof ManifestError) throw new AofLoadError(e.message);
        throw e;
      }
    }
    // A Redis 6 style single file in dir: move it into the AOF directory as the BASE.
    const oldStyle = path.resolve(this.config.str('dir'), this.filename);
    const m = this.manifest;
    if (
      exists(oldStyle) &&
      (!exists(dir) || m.empty || (m.base !== null && m.incr.length === 0 && m.base.name === this.filename && !exists(path.join(dir, this.filename))))
    ) {
      fs.mkdirSync(dir, { recursive: true });
      const up = new Manifest();
      up.base = { name: this.filename, seq: 1, type: 'b' };
      up.baseSeq = 1;
      this.persistManifest(up);
      fs.renameSync(oldStyle, path.join(dir, this.filename));
      fsyncDir(dir);
      fsyncDir(path.dirname(oldStyle));
      this.manifest = up;
      server.log('notice', `Successfully migrated an old-style AOF file (${this.filename}) into the AOF directory (${this.config.str('appenddirname')}).`);
    }
    if (this.manifest.empty) return;
    const files = [...(this.manifest.base ? [this.manifest.base] : []), ...this.manifest.incr];
    for (const f of files) {
      if (!exists(path.join(dir, f.name))) {
        throw new AofLoadError(`The append log file ${f.name} doesn't exist: No such file or directory (named in the AOF manifest)`);
      }
    }
    const start = Date.now();
    server.store.loading = true;
    try {
      for (let i = 0; i < files.length; i++) {
        const f = files[i]!;
        const t0 = Date.now();
        const status = loadAofFile(server, dir, f.name, {
          truncatedOk: this.config.bool('aof-load-truncated'),
          isLast: i === files.length - 1,
          loadRdb: (fd, file) => {
            if (this.rdb === null) throw new AofLoadError(`Cannot load the RDB part of ${file}: RDB support is not available`);
            return this.rdb.load(fd, file);
          },
        });
        if (status === 'truncated') this.lastLoadTruncated = true;
        if (status !== 'empty' || f.type === 'i') {
          server.log('notice', `DB loaded from ${f.type === 'b' ? 'base' : 'incr'} file ${f.name}: ${((Date.now() - t0) / 1000).toFixed(3)} seconds`);
        }
      }
    } finally {
      server.store.loading = false;
    }
    this.baseSize = this.manifest.base ? fileSize(path.join(dir, this.manifest.base.name)) : 0;
    server.log('notice', `DB loaded from append only file: ${((Date.now() - start) / 1000).toFixed(3)} seconds`);
  }

  /** After loading: make sure a BASE exists, open the last INCR for appending, persist the manifest. */
  openOnStart(): void {
    const dir = this.dir;
    fs.mkdirSync(dir, { recursive: true });
    const m = this.manifest;
    if (m.empty) {
      // Starting empty: write a BASE from the (empty or RDB-less) dataset, as Redis does.
      const preamble = this.config.bool('aof-use-rdb-preamble') && this.rdb !== null;
      const base = m.newBase(this.filename, preamble);
      this.writeBaseSync(path.join(dir, base.name), preamble);
      this.server.log('notice', `Creating AOF base file ${base.name} on server start`);
    }
    const hadIncr = m.incr.length > 0;
    const incr = m.lastIncr(this.filename);
    const file = path.join(dir, incr.name);
    const fd = fs.openSync(file, 'a', 0o644);
    this.persistManifest(m);
    this.closedIncrBytes = m.incr.slice(0, -1).reduce((n, f) => n + fileSize(path.join(dir, f.name)), 0);
    this.baseSize = m.base ? fileSize(path.join(dir, m.base.name)) : 0;
    this.log = new AofLog(fd, incr.name, fileSize(file), this.logOpts());
    this.state = 'on';
    this.server.log('notice', `${hadIncr ? 'Opening' : 'Creating'} AOF incr file ${incr.name} on server start`);
  }

  // ---- manifest --------------------------------------------------------------------------

  private persistManifest(m: Manifest): void {
    replaceFileAtomic(path.join(this.dir, `${this.filename}.manifest`), m.format(), `temp-${this.filename}.manifest`);
  }

  private deleteHistory(): void {
    const m = this.manifest;
    if (m.history.length === 0) return;
    for (const f of m.history) {
      this.server.log('notice', `Removing the history file ${f.name} in the background`);
      fs.rm(path.join(this.dir, f.name), { force: true }, () => {});
    }
    m.history = [];
    this.persistManifest(m);
  }

  // ---- BASE writing ------------------------------------------------------------------------

  /** Writes a BASE synchronously from the current dataset (start-up with an empty dataset). */
  private writeBaseSync(file: string, preamble: boolean): void {
    if (preamble) this.rdb!.writeBaseSync(file);
    else this.writeCommandBaseSync(file);
  }

  private writeCommandBaseSync(file: string): void {
    const fd = fs.openSync(file, 'w', 0o644);
    try {
      const store = this.server.store;
      for (const db of store.dbs) {
        if (db.size === 0) continue;
        let chunk = selectCommand(db.id);
        for (const [key, value] of db.dict.entries()) {
          chunk += keyCommands(key, value, db.expires.size ? db.expires.get(key) : undefined);
          if (chunk.length > 1 << 20) {
            fs.writeSync(fd, chunk, null, 'latin1');
            chunk = '';
          }
        }
        if (chunk.length) fs.writeSync(fd, chunk, null, 'latin1');
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Writes a command-form BASE from a point-in-time walk, streaming to the file. */
  private async writeCommandBase(file: string): Promise<void> {
    const fd = fs.openSync(file, 'w', 0o644);
    try {
      let chunk = '';
      let lastDb = -1;
      await this.walk((dbid, key, value, expireMs) => {
        if (dbid !== lastDb) {
          chunk += selectCommand(dbid);
          lastDb = dbid;
        }
        chunk += keyCommands(key, value, expireMs);
        if (chunk.length > 1 << 20) {
          fs.writeSync(fd, chunk, null, 'latin1');
          chunk = '';
        }
      });
      if (chunk.length) fs.writeSync(fd, chunk, null, 'latin1');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  // ---- rewrite ---------------------------------------------------------------------------

  /**
   * BGREWRITEAOF. Returns null when started, or the reason it was not (already running).
   * `onDone` is for tests and DEBUG: called with the outcome.
   */
  rewrite(onDone?: (ok: boolean) => void): string | null {
    if (this.rewriting) return 'ERR Background append only file rewriting already in progress';
    const server = this.server;
    const dir = this.dir;
    this.rewriting = true;
    this.rewriteStartMs = Date.now();
    try {
      fs.mkdirSync(dir, { recursive: true });
      // 1. A new INCR file starts now: everything after this point goes there.
      let next: Manifest | null = null;
      if (this.state !== 'off') {
        next = this.manifest.clone();
        const incr = this.state === 'wait_rewrite' ? null : next.newIncr(this.filename);
        const name = incr ? incr.name : `temp-${this.filename}.incr`;
        const fd = fs.openSync(path.join(dir, name), 'w', 0o644);
        if (incr) this.persistManifest(next);
        if (this.log !== null) {
          this.log.closeInBackground();
          this.closedIncrBytes += this.log.incrSize;
        }
        this.log = new AofLog(fd, name, 0, this.logOpts());
        if (incr) this.manifest = next;
        server.log('notice', `Creating AOF incr file ${name} on background rewrite`);
      }
    } catch (e) {
      this.rewriting = false;
      this.lastRewriteStatus = 'err';
      server.log('warning', `Can't open a new AOF incr file for the rewrite: ${errnoText(e as NodeJS.ErrnoException)}`);
      return null;
    }
    // 2. The BASE from a point-in-time snapshot taken now.
    const preamble = this.config.bool('aof-use-rdb-preamble') && this.rdb !== null;
    const temp = path.join(dir, `temp-rewriteaof-bg-${process.pid}.aof`);
    const written = preamble ? this.rdb!.writeBase(temp) : this.writeCommandBase(temp);
    server.log('notice', 'Background append only file rewriting started');
    written.then(
      () => {
        try {
          this.finishRewrite(temp, preamble);
          this.lastRewriteStatus = 'ok';
          this.consecutiveFailures = 0;
          server.log('notice', 'Background AOF rewrite finished successfully');
          onDone?.(true);
        } catch (e) {
          this.failRewrite(temp, e);
          onDone?.(false);
        }
      },
      (e) => {
        this.failRewrite(temp, e);
        onDone?.(false);
      },
    );
    return null;
  }

  /** 3. Rename the BASE into place, retire old files, switch the manifest atomically. */
  private finishRewrite(temp: string, preamble: boolean): void {
    const dir = this.dir;
    const next = this.manifest.clone();
    const base = next.newBase(this.filename, preamble);
    fs.renameSync(temp, path.join(dir, base.name));
    if (this.state === 'wait_rewrite' && this.log !== null) {
      // The temporary INCR that collected writes becomes the first real INCR file.
      const incr = next.newIncr(this.filename);
      fs.renameSync(path.join(dir, this.log.fileName), path.join(dir, incr.name));
      this.log.fileName = incr.name;
      this.state = 'on';
    }
    next.markRewrittenIncrAsHistory(this.state === 'on');
    fsyncDir(dir);
    this.persistManifest(next);
    this.manifest = next;
    this.baseSize = fileSize(path.join(dir, base.name));
    this.closedIncrBytes = 0;
    this.rewriting = false;
    this.rewrites++;
    this.lastRewriteTimeSec = Math.round((Date.now() - this.rewriteStartMs) / 1000);
    this.deleteHistory();
  }

  private failRewrite(temp: string, e: unknown): void {
    this.rewriting = false;
    this.lastRewriteStatus = 'err';
    this.consecutiveFailures++;
    this.lastRewriteTimeSec = Math.round((Date.now() - this.rewriteStartMs) / 1000);
    fs.rm(temp, { force: true }, () => {});
    this.server.log('warning', `Background AOF rewrite failed: ${(e as Error)?.message ?? e}`);
    if (this.state === 'wait_rewrite') {
      this.stop();
      this.server.log('warning', 'Redis needs to enable the AOF but the background rewrite failed; AOF stays off.');
    }
  }

  // ---- run-time switches ---------------------------------------------------------------------

  /** CONFIG SET appendonly yes: the AOF starts with a rewrite (BASE from a snapshot). */
  start(): void {
    this.state = 'wait_rewrite';
    const err = this.rewrite();
    if (err !== null) this.rewriteScheduled = true;
  }

  /** CONFIG SET appendonly no. */
  stop(): void {
    if (this.log !== null) {
      this.log.syncNow();
      this.log.close();
    }
    this.log = null;
    this.endFsyncThread();
    this.state = 'off';
    this.rewriteScheduled = false;
  }

  private cron(): void {
    if (this.log !== null && this.state !== 'off') {
      // Retries a failed write or fsync; everysec fsyncs.
      this.log.tick();
    }
    if (this.rewriting) return;
    if (this.rewriteScheduled) {
      this.rewriteScheduled = false;
      this.rewrite();
      return;
    }
    const perc = this.config.num('auto-aof-rewrite-percentage');
    if (this.state === 'on' && perc > 0) {
      const size = this.currentSize;
      const min = this.config.num('auto-aof-rewrite-min-size');
      const base = this.baseSize > 0 ? this.baseSize : 1;
      const growth = Math.floor((size * 100) / base) - 100;
      if (size > min && growth >= perc) {
        this.server.log('notice', `Starting automatic rewriting of AOF on ${growth}% growth`);
        this.rewrite();
      }
    }
  }

  /** INFO persistence's aof_* fields, in Redis 7.0's order. */
  infoFields(): [string, string | number][] {
    const log = this.log;
    const fields: [string, string | number][] = [
      ['aof_enabled', this.state !== 'off' ? 1 : 0],
      ['aof_rewrite_in_progress', this.rewriting ? 1 : 0],
      ['aof_rewrite_scheduled', this.rewriteScheduled ? 1 : 0],
      ['aof_last_rewrite_time_sec', this.lastRewriteTimeSec],
      ['aof_current_rewrite_time_sec', this.rewriting ? Math.round((Date.now() - this.rewriteStartMs) / 1000) : -1],
      ['aof_last_bgrewrite_status', this.lastRewriteStatus],
      ['aof_rewrites', this.rewrites],
      ['aof_rewrites_consecutive_failures', this.consecutiveFailures],
      ['aof_last_write_status', log?.writeStatus ?? 'ok'],
      ['aof_last_cow_size', 0],
      ['module_fork_in_progress', 0],
      ['module_fork_last_cow_size', 0],
    ];
    if (this.state !== 'off' && log !== null) {
      fields.push(
        ['aof_current_size', this.currentSize],
        ['aof_base_size', this.baseSize],
        ['aof_pending_rewrite', this.rewriteScheduled ? 1 : 0],
        ['aof_buffer_length', log.pending],
        ['aof_pending_bio_fsync', 0],
        ['aof_delayed_fsync', log.delayedFsync],
      );
    }
    return fields;
  }
}
