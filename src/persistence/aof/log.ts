/**
 * AofLog: the INCR file being appended to, and the fsync policies.
 *
 * Commands are fed as they are propagated (`feed`) and accumulate in a buffer, encoded in
 * RESP straight into its bytes; once per event-loop turn `flush` writes the buffer with one
 * write (Redis's flushAppendOnlyFile).
 *
 * - `always`: after the write comes an fsync covering it, and `durable()` gives the promise
 *   the server's reply gate waits on: no reply leaves before the writes that preceded it are
 *   on disk. Where the fsync runs is chosen by its duration (fsync-placement.ts): inline on
 *   the main thread right after the write, as Redis does, while fsyncs are quick; otherwise
 *   the log's fsync thread (fsync-thread.ts) is asked to cover it, and commands keep being
 *   read, executed and written while it runs; the thread starts the next fsync as soon as
 *   the previous one returns, covering everything written by then (group commit, one fsync
 *   in flight).
 * - `everysec`: an fsync runs on libuv's thread pool at most once a second. If one is still
 *   running, the write is postponed up to 2 s, then written anyway and counted in
 *   `aof_delayed_fsync`, as Redis does.
 * - `no`: the OS decides.
 *
 * A failed write keeps the unwritten bytes and marks the log failed: writes are refused
 * (MISCONF) until a later write succeeds (retried every cron tick). A failed fsync does the
 * same until a later fsync succeeds (also retried every tick), like Redis's background fsync
 * status. With `always` the replies that wait on the failed data are held back until it is
 * durable, instead of exiting as Redis does.
 */

import fs from 'node:fs';
import { putDecimal, putLatin1, type Latin1Buffer } from '../../util/latin1.js';
import type { RawRequest } from '../../protocol/parser.js';
import type { FsyncService } from './fsync-thread.js';
import type { FsyncPlacement } from './fsync-placement.js';

export type FsyncPolicy = 'always' | 'everysec' | 'no';

export class AofLog {
  private readonly buf = new ByteQueue();
  /** Database the log last SELECTed (-1: the next command writes a SELECT). */
  selectedDb = -1;
  /** Bytes in the current INCR file. */
  incrSize: number;
  /** Bytes of the current INCR file known to be fsynced. */
  private syncedSize: number;
  /** A thread-pool fsync (everysec, or always without a thread) is running. */
  private fsyncRunning = false;
  /** The fsync thread serving this file under `always` (attached on first use). */
  private thread: FsyncService | null = null;
  /** The largest offset the thread was asked to cover. */
  private requested = 0;
  /** The last write failed / the last fsync failed (either refuses writes). */
  private writeFailed = false;
  private fsyncFailed = false;
  private waiters: { offset: number; resolve: () => void }[] = [];
  private postponedSince = 0;
  lastFsyncMs = Date.now();
  lastWriteError = '';
  delayedFsync = 0;
  private lastTimestamp = 0;
  closed = false;

  constructor(
    private fd: number,
    public fileName: string,
    startSize: number,
    private readonly opts: {
      policy: () => FsyncPolicy;
      timestamps: () => boolean;
      noFsyncNow: () => boolean;
      log: (level: 'notice' | 'warning', msg: string) => void;
      /** The fsync thread for `always`, or null when there is none (the thread pool is used). */
      fsyncThread: () => FsyncService | null;
      /** Where `always` fsyncs run (shared by the logs of one AOF: it measures the disk). */
      placement: () => FsyncPlacement;
    },
  ) {
    this.incrSize = startSize;
    this.syncedSize = startSize;
  }

  /** 'ok' or 'err': aof_last_write_status (a failed write or a failed fsync not yet recovered). */
  get writeStatus(): 'ok' | 'err' {
    return this.writeFailed || this.fsyncFailed ? 'err' : 'ok';
  }

  /** Bytes waiting to be written. */
  get pending(): number {
    return this.buf.length;
  }

  /**
   * Appends one command (and a SELECT when the database changes) to the buffer: its request
   * bytes when given (they are the command in RESP), else argv encoded.
   */
  feed(dbid: number, argv: readonly string[], raw: RawRequest | null = null): void {
    const b = this.buf;
    if (this.opts.timestamps()) {
      const now = Math.floor(Date.now() / 1000);
      if (now > this.lastTimestamp) {
        this.lastTimestamp = now;
        b.text('#TS:');
        b.int(now);
        b.crlf();
      }
    }
    if (dbid !== this.selectedDb) {
      b.count(2);
      b.bulk('SELECT');
      b.bulk(String(dbid));
      this.selectedDb = dbid;
    }
    if (raw !== null) {
      b.copy(raw.rawBuf, raw.rawStart, raw.rawEnd);
      return;
    }
    b.count(argv.length);
    for (let i = 0; i < argv.length; i++) b.bulk(argv[i]!);
  }

  /** Copies in the request bytes still only referred to: their read buffer is about to be reused. */
  ownRequestBytes(): void {
    this.buf.own();
  }

  /** Appends raw text (used when a rewrite replays what arrived meanwhile). */
  feedRaw(text: string): void {
    this.buf.text(text);
  }

  /**
   * Writes the buffer (Redis's flushAppendOnlyFile). `force` writes even when an everysec
   * fsync is still running. Returns the bytes written.
   */
  flush(force = false): number {
    if (this.closed) return 0;
    this.collect();
    const policy = this.opts.policy();
    if (this.buf.length === 0) {
      if (policy === 'always' && this.syncedSize !== this.incrSize) this.syncAlways();
      else if (policy === 'everysec' && this.syncedSize !== this.incrSize && Date.now() - this.lastFsyncMs >= 1000) this.startFsync();
      return 0;
    }
    if (policy === 'everysec' && !force && this.fsyncRunning) {
      // Redis postpones the write while a background fsync runs, for at most 2 seconds.
      const now = Date.now();
      if (this.postponedSince === 0) {
        this.postponedSince = now;
        return 0;
      }
      if (now - this.postponedSince < 2000) return 0;
      this.delayedFsync++;
      this.opts.log('notice', 'Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.');
    }
    this.postponedSince = 0;
    const data = this.buf.bytes;
    const length = this.buf.length;
    let written = 0;
    try {
      while (written < length) written += fs.writeSync(this.fd, data, written, length - written);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (written > 0) {
        // Redis removes a short write so the file never ends in half a command.
        try {
          fs.ftruncateSync(this.fd, this.incrSize);
        } catch {
          this.incrSize += written;
          this.buf.drop(written);
        }
      }
      if (this.writeStatus === 'ok') this.opts.log('warning', `Error writing to the AOF file: ${err.message}`);
      this.writeFailed = true;
      this.lastWriteError = errnoText(err);
      return 0;
    }
    if (this.writeFailed) {
      this.opts.log('warning', 'AOF write error looks solved, Redis can write again.');
      this.writeFailed = false;
    }
    this.buf.clear();
    this.incrSize += written;
    if (policy === 'always') this.syncAlways();
    else if (policy === 'everysec' && Date.now() - this.lastFsyncMs >= 1000) this.startFsync();
    return written;
  }

  /** Run by the cron: retries a failed fsync and a failed or postponed write. */
  tick(): void {
    if (this.fsyncFailed && this.thread !== null) this.thread.retry();
    this.flush();
  }

  /**
   * `always`: fsyncs everything written, inline or by asking the fsync thread (the thread
   * pool without one).
   */
  private syncAlways(): void {
    if (this.closed || this.opts.noFsyncNow()) return;
    if (this.opts.placement().inline) {
      this.syncInline();
      return;
    }
    if (this.thread !== null && !this.thread.alive) this.thread = null;
    if (this.thread === null) {
      const t = this.opts.fsyncThread();
      if (t === null || !t.alive) {
        this.startFsync();
        return;
      }
      t.attach(this.fd, this.syncedSize);
      t.onDone = (err, micros) => this.threadDone(err, micros);
      this.thread = t;
      this.requested = this.syncedSize;
    }
    if (this.incrSize > this.requested) {
      this.requested = this.incrSize;
      this.thread.request(this.incrSize);
    }
  }

  /** Fsyncs on the main thread; a failure is retried by the next flush (every cron tick). */
  private syncInline(): void {
    const target = this.incrSize;
    const t0 = performance.now();
    try {
      fs.fdatasyncSync(this.fd);
    } catch (e) {
      this.fsyncError(e as NodeJS.ErrnoException);
      return;
    }
    this.opts.placement().record((performance.now() - t0) * 1000);
    this.fsyncOk();
    if (target > this.syncedSize) this.syncedSize = target;
    this.release();
  }

  /** The fsync thread finished an fsync of this file, which took `micros`. */
  private threadDone(err: NodeJS.ErrnoException | null, micros: number): void {
    if (this.closed) return;
    if (err !== null) {
      this.fsyncError(err);
      return;
    }
    this.opts.placement().record(micros);
    this.fsyncOk();
    this.collect();
  }

  /** Takes the fsync thread's progress (also run every turn, before the reply gate is read). */
  private collect(): void {
    if (this.thread === null) return;
    const synced = this.thread.synced;
    if (synced > this.syncedSize) {
      this.syncedSize = synced;
      this.release();
    }
  }

  private fsyncError(err: NodeJS.ErrnoException): void {
    if (this.writeStatus === 'ok') this.opts.log('warning', `Can't persist AOF for fsync error: ${err.message}`);
    this.fsyncFailed = true;
    this.lastWriteError = errnoText(err);
  }

  private fsyncOk(): void {
    if (!this.fsyncFailed) return;
    this.fsyncFailed = false;
    if (!this.writeFailed) this.opts.log('warning', 'AOF fsync error looks solved, Redis can write again.');
  }

  /**
   * Starts a thread-pool fsync unless one runs: everysec, and always when no fsync thread
   * is available (it then restarts itself while more data arrived).
   */
  private startFsync(): void {
    if (this.fsyncRunning || this.closed) return;
    if (this.opts.noFsyncNow()) return;
    this.fsyncRunning = true;
    const target = this.incrSize;
    this.lastFsyncMs = Date.now();
    const t0 = performance.now();
    fs.fdatasync(this.fd, (err) => {
      this.fsyncRunning = false;
      if (this.closed) return;
      if (err) {
        this.fsyncError(err);
        return;
      }
      if (this.opts.policy() === 'always') this.opts.placement().record((performance.now() - t0) * 1000);
      this.fsyncOk();
      if (target > this.syncedSize) this.syncedSize = target;
      this.release();
      if (this.opts.policy() === 'always' && this.syncedSize < this.incrSize) this.syncAlways();
    });
  }

  private release(): void {
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.offset <= this.syncedSize) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  /**
   * With `always`: a promise that resolves once everything written so far is fsynced, or
   * null when it already is or fsyncs are being skipped (the server then flushes replies
   * immediately).
   */
  durable(): Promise<void> | null {
    const offset = this.incrSize + this.buf.length;
    if (offset <= this.syncedSize) return null;
    // While fsyncs are skipped (no-appendfsync-on-rewrite) replies leave as they do in
    // Redis, without waiting for one.
    if (this.opts.noFsyncNow()) return null;
    return new Promise((resolve) => this.waiters.push({ offset, resolve }));
  }

  /** Writes what is buffered and lets go of the fsync thread: the start of either close. */
  private endWrites(): void {
    this.flush(true);
    if (this.thread !== null) {
      // Waits for an fsync of this file that the thread may be running.
      this.thread.detach();
      this.thread.onDone = () => {};
      this.thread = null;
    }
  }

  /** Writes, fsyncs and closes (turning the AOF off, shutdown). */
  close(): void {
    if (this.closed) return;
    this.endWrites();
    try {
      fs.fsyncSync(this.fd);
      this.syncedSize = this.incrSize;
    } catch {
      /* reported by flush already */
    }
    this.release();
    this.closed = true;
    const fd = this.fd;
    // An fsync may still be running on the thread pool: close after it.
    const tryClose = (): void => {
      if (this.fsyncRunning) setTimeout(tryClose, 5);
      else fs.close(fd, () => {});
    };
    tryClose();
  }

  /**
   * Closes the file when a rewrite switches to a new INCR file: what is buffered is written
   * now, the fsync and the close run on the thread pool (Redis's
   * aof_background_fsync_and_close: under everysec the fsync may come late as long as it
   * comes; under always everything acknowledged is already on disk). Replies still waiting
   * on this file's data are released when that fsync returns.
   */
  closeInBackground(): void {
    if (this.closed) return;
    this.endWrites();
    this.closed = true;
    const fd = this.fd;
    const target = this.incrSize;
    const syncAndClose = (): void => {
      if (this.fsyncRunning) {
        setTimeout(syncAndClose, 5);
        return;
      }
      fs.fdatasync(fd, (err) => {
        if (err) {
          this.fsyncError(err);
        } else {
          if (target > this.syncedSize) this.syncedSize = target;
          this.release();
        }
        fs.close(fd, () => {});
      });
    };
    syncAndClose();
  }

  /** Synchronous fsync of everything written (SHUTDOWN, tests). */
  syncNow(): void {
    this.flush(true);
    try {
      fs.fsyncSync(this.fd);
      this.syncedSize = this.incrSize;
      this.release();
    } catch (e) {
      this.fsyncError(e as NodeJS.ErrnoException);
    }
  }
}

/** The strerror-like text Redis puts in MISCONF replies. */
export function errnoText(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOSPC':
      return 'No space left on device';
    case 'EACCES':
      return 'Permission denied';
    case 'EROFS':
      return 'Read-only file system';
    case 'EIO':
      return 'Input/output error';
    case 'ENOENT':
      return 'No such file or directory';
    case 'EDQUOT':
      return 'Disk quota exceeded';
    default:
      return e.message;
  }
}

/**
 * The bytes fed since the last write, built straight into one growing Buffer. Keys and
 * values are latin1 strings (one byte per char), so a command is encoded without making any
 * intermediate string: nothing per command is left for the garbage collector.
 *
 * Request bytes copied in (`copy`) are kept as a range of their buffer while the next ones
 * continue it: a client's pipeline of commands is one copy, made when anything else is
 * appended or the bytes are read.
 */
class ByteQueue {
  /** Capacity kept between turns; a larger buffer (a huge turn) is let go once written. */
  private static readonly KEEP = 1 << 20;
  private buf = Buffer.allocUnsafeSlow(64 * 1024) as Latin1Buffer;
  /** Bytes in buf. */
  private len = 0;
  /** A range of request bytes that follows buf's contents, not yet copied (src null: none). */
  private src: Buffer | null = null;
  private srcStart = 0;
  private srcEnd = 0;

  /** Every byte queued. */
  get bytes(): Latin1Buffer {
    if (this.src !== null) this.settle();
    return this.buf;
  }

  get length(): number {
    return this.src === null ? this.len : this.len + this.srcEnd - this.srcStart;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.len + n)) as Latin1Buffer;
    this.buf.copy(bigger, 0, 0, this.len);
    this.buf = bigger;
  }

  /** Copies the pending range of request bytes in. */
  private settle(): void {
    const src = this.src!;
    const start = this.srcStart;
    const n = this.srcEnd - start;
    this.src = null;
    this.reserve(n);
    const b = this.buf;
    const p = this.len;
    if (n <= 64) {
      for (let i = 0; i < n; i++) b[p + i] = src[start + i]!;
    } else {
      src.copy(b, p, start, start + n);
    }
    this.len = p + n;
  }

  /** Copies the pending range of request bytes in now (its source is about to change). */
  own(): void {
    if (this.src !== null) this.settle();
  }

  /** Bytes from..to of src, as they are (a request's bytes: RESP already). */
  copy(src: Buffer, from: number, to: number): void {
    if (this.src === src && this.srcEnd === from) {
      this.srcEnd = to;
      return;
    }
    if (this.src !== null) this.settle();
    this.src = src;
    this.srcStart = from;
    this.srcEnd = to;
  }

  /** A non-negative integer in decimal. */
  int(n: number): void {
    if (this.src !== null) this.settle();
    this.reserve(20);
    this.len = putDecimal(this.buf, this.len, n);
  }

  crlf(): void {
    if (this.src !== null) this.settle();
    this.reserve(2);
    this.buf[this.len++] = 13;
    this.buf[this.len++] = 10;
  }

  /** Text as latin1 bytes. */
  text(s: string): void {
    if (this.src !== null) this.settle();
    this.reserve(s.length);
    this.len = putLatin1(this.buf, this.len, s);
  }

  /** `*<n>\r\n`: a command of n arguments. */
  count(n: number): void {
    if (this.src !== null) this.settle();
    this.reserve(24);
    const b = this.buf;
    let p = this.len;
    b[p++] = 42; // '*'
    p = putDecimal(b, p, n);
    b[p++] = 13;
    b[p++] = 10;
    this.len = p;
  }

  /** `$<len>\r\n<s>\r\n`: one argument, with one room check and one length update. */
  bulk(s: string): void {
    if (this.src !== null) this.settle();
    const n = s.length;
    this.reserve(n + 24);
    const b = this.buf;
    let p = this.len;
    // The short cases of putDecimal and putLatin1 by hand: calls here measured ~15% more
    // per SET with the AOF on.
    b[p++] = 36; // '$'
    if (n < 10) b[p++] = 48 + n;
    else p = putDecimal(b, p, n);
    b[p++] = 13;
    b[p++] = 10;
    if (n <= 32) {
      for (let i = 0; i < n; i++) b[p + i] = s.charCodeAt(i);
      p += n;
    } else {
      p = putLatin1(b, p, s);
    }
    b[p++] = 13;
    b[p++] = 10;
    this.len = p;
  }

  /** Forgets the first n bytes (they were written). */
  drop(n: number): void {
    if (this.src !== null) this.settle();
    this.buf.copy(this.buf, 0, n, this.len);
    this.len -= n;
  }

  clear(): void {
    this.src = null;
    this.len = 0;
    if (this.buf.length > ByteQueue.KEEP) this.buf = Buffer.allocUnsafeSlow(64 * 1024) as Latin1Buffer;
  }
}
