/**
 * Crash-safe file replacement for persistence: write a temp file in the target directory,
 * fsync it, rename it over the final name, fsync the directory. A crash (or kill -9, or a
 * power cut after the fsyncs) at any moment leaves either the old file or the new one under
 * the final name, never a mix; a leftover temp file is harmless.
 *
 * `AtomicFile` is also an RDB writer sink (`write(chunk)`), in two modes:
 * - sync: every chunk is written before `write` returns (SAVE, shutdown, DEBUG RELOAD);
 * - async: chunks queue and are written by libuv's thread pool, one at a time in order, so
 *   the event loop never waits on the disk (BGSAVE). `backlog` and `drained()` let the
 *   producer pause when the disk falls behind; a chunk's `written` callback says when its
 *   buffer may be reused.
 * With `syncEvery`, the data is fdatasync'ed every that many bytes while writing
 * (rdb-save-incremental-fsync), so the final fsync has little left to flush.
 *
 * Errors keep the errno code; `errnoText` gives strerror's wording for logs and INFO.
 *
 * Imports node:fs only.
 */

import fs from 'node:fs';
import path from 'node:path';

/** strerror(3) texts for the codes a save can meet (Redis logs these words). */
const STRERROR: Record<string, string> = {
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ENOSPC: 'No space left on device',
  EDQUOT: 'Disk quota exceeded',
  EROFS: 'Read-only file system',
  EIO: 'Input/output error',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EMFILE: 'Too many open files',
  ENFILE: 'Too many open files in system',
  EEXIST: 'File exists',
  EBADF: 'Bad file descriptor',
  EINVAL: 'Invalid argument',
  EXDEV: 'Invalid cross-device link',
  EFBIG: 'File too large',
  ENAMETOOLONG: 'File name too long',
};

/** An error's strerror-style text ("No space left on device"), or its message. */
export function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code !== undefined && STRERROR[code] !== undefined) return STRERROR[code]!;
  return e instanceof Error ? e.message : String(e);
}

/**
 * fsyncs a directory so a rename in it is durable. Like Redis's fsyncFileDir, systems that
 * cannot fsync a directory (EBADF, EINVAL) are not an error.
 */
export function fsyncDirSync(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EBADF' && code !== 'EINVAL') throw e;
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncDirAsync(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.open(dir, 'r', (err, fd) => {
      if (err) return reject(err);
      fs.fsync(fd, (e) => {
        fs.close(fd, () => {
          const code = e?.code;
          if (e && code !== 'EBADF' && code !== 'EINVAL') reject(e);
          else resolve();
        });
      });
    });
  });
}

export interface AtomicFileOptions {
  /** Write in the background (BGSAVE) instead of before `write` returns. */
  async?: boolean;
  /** fdatasync every this many bytes while writing (0: only at the end). */
  syncEvery?: number;
}

/** Which step failed, for Redis-like log lines ("Write error saving DB on disk(fsync): ..."). */
export class AtomicFileError extends Error {
  constructor(
    readonly op: 'open' | 'write' | 'fsync' | 'close' | 'rename' | 'fsyncDir',
    override readonly cause: unknown,
    readonly file: string,
  ) {
    super(`${op} ${file}: ${errnoText(cause)}`);
    this.name = 'AtomicFileError';
  }
  get code(): string | undefined {
    return (this.cause as NodeJS.ErrnoException | null)?.code;
  }
}

export class AtomicFile {
  readonly tempPath: string;
  readonly finalPath: string;
  private fd: number;
  private readonly async: boolean;
  private readonly syncEvery: number;
  /** Bytes handed to `write` so far. */
  bytes = 0;
  private sinceSync = 0;
  // Background writing (async mode). `written[i]` is called once `queue[i]` is on disk.
  private queue: Buffer[] = [];
  private written: ((() => void) | undefined)[] = [];
  private queued = 0;
  private inFlight = false;
  private error: AtomicFileError | null = null;
  private waiters: { below: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private discarded = false;
  private closed = false;

  private constructor(dir: string, finalName: string, tempName: string, fd: number, opts: AtomicFileOptions) {
    this.tempPath = path.join(dir, tempName);
    this.finalPath = path.join(dir, finalName);
    this.fd = fd;
    this.async = opts.async ?? false;
    this.syncEvery = opts.syncEvery ?? 0;
  }

  /** Creates (truncating) `dir/tempName`; throws AtomicFileError('open') when it cannot. */
  static create(dir: string, finalName: string, tempName: string, opts: AtomicFileOptions = {}): AtomicFile {
    const temp = path.join(dir, tempName);
    let fd: number;
    try {
      fd = fs.openSync(temp, 'w', 0o644);
    } catch (e) {
      throw new AtomicFileError('open', e, temp);
    }
    return new AtomicFile(dir, finalName, tempName, fd, opts);
  }

  /** Bytes queued and not yet written (async mode). */
  get backlog(): number {
    return this.queued;
  }

  /**
   * The sink side: takes ownership of chunk until `written` is called (once the chunk is
   * written; never after an error or `discard`), after which the caller may reuse it.
   * Throws the first write error seen.
   */
  write(chunk: Buffer, written?: () => void): void {
    if (this.error !== null) throw this.error;
    if (this.discarded || chunk.length === 0) return;
    this.bytes += chunk.length;
    if (!this.async) {
      try {
        let off = 0;
        while (off < chunk.length) off += fs.writeSync(this.fd, chunk, off, chunk.length - off);
      } catch (e) {
        this.error = new AtomicFileError('write', e, this.tempPath);
        throw this.error;
      }
      this.sinceSync += chunk.length;
      if (this.syncEvery > 0 && this.sinceSync >= this.syncEvery) {
        this.sinceSync = 0;
        try {
          fs.fdatasyncSync(this.fd);
        } catch (e) {
          this.error = new AtomicFileError('fsync', e, this.tempPath);
          throw this.error;
        }
      }
      written?.();
      return;
    }
    this.queue.push(chunk);
    this.written.push(written);
    this.queued += chunk.length;
    this.pump();
  }

  /** Resolves once at most `below` bytes are queued (rejects on a write error). */
  drained(below = 0): Promise<void> {
    if (this.error !== null) return Promise.reject(this.error);
    if (this.queued <= below && (below > 0 || !this.inFlight)) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ below, resolve, reject }));
  }

  private pump(): void {
    if (this.inFlight || this.queue.length === 0 || this.error !== null || this.discarded) return;
    this.inFlight = true;
    const buf = this.queue[0]!;
    fs.write(this.fd, buf, 0, buf.length, null, (err, n) => {
      if (err === null && n < buf.length) {
        this.queue[0] = buf.subarray(n);
        this.queued -= n;
        this.afterWrite(n);
        return;
      }
      if (err !== null) {
        this.inFlight = false;
        this.fail(new AtomicFileError('write', err, this.tempPath));
        return;
      }
      this.queue.shift();
      this.queued -= n;
      this.written.shift()?.();
      this.afterWrite(n);
    });
  }

  private afterWrite(n: number): void {
    this.sinceSync += n;
    if (this.syncEvery > 0 && this.sinceSync >= this.syncEvery && !this.discarded) {
      this.sinceSync = 0;
      fs.fdatasync(this.fd, (err) => {
        if (err) {
          this.inFlight = false;
          this.fail(new AtomicFileError('fsync', err, this.tempPath));
          return;
        }
        this.next();
      });
      return;
    }
    this.next();
  }

  private next(): void {
    this.inFlight = false;
    if (this.discarded) {
      this.closeFd();
      return;
    }
    this.notify();
    this.pump();
  }

  private notify(): void {
    if (this.waiters.length === 0) return;
    const idle = this.queue.length === 0 && !this.inFlight;
    this.waiters = this.waiters.filter((w) => {
      if (this.queued <= w.below && (w.below > 0 || idle)) {
        w.resolve();
        return false;
      }
      return true;
    });
  }

  private fail(e: AtomicFileError): void {
    if (this.error === null) this.error = e;
    this.queue = [];
    this.written = [];
    this.queued = 0;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(this.error);
    if (this.discarded) this.closeFd();
  }

  private closeFd(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      fs.closeSync(this.fd);
    } catch {
      /* already gone */
    }
  }

  /** Sync mode: fsync, close, rename over the final name, fsync the directory. */
  commitSync(): void {
    if (this.error !== null) throw this.error;
    try {
      fs.fsyncSync(this.fd);
    } catch (e) {
      throw new AtomicFileError('fsync', e, this.tempPath);
    }
    this.closed = true;
    try {
      fs.closeSync(this.fd);
    } catch (e) {
      throw new AtomicFileError('close', e, this.tempPath);
    }
    try {
      fs.renameSync(this.tempPath, this.finalPath);
    } catch (e) {
      throw new AtomicFileError('rename', e, this.finalPath);
    }
    try {
      fsyncDirSync(path.dirname(this.finalPath));
    } catch (e) {
      throw new AtomicFileError('fsyncDir', e, path.dirname(this.finalPath));
    }
  }

  /** Async mode: waits for the queue, then fsync, close, rename, fsync the directory. */
  async commit(): Promise<void> {
    await this.drained(0);
    if (this.discarded) throw new Error('file discarded');
    const fd = this.fd;
    await new Promise<void>((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(new AtomicFileError('fsync', e, this.tempPath)) : resolve())));
    this.closed = true;
    await new Promise<void>((resolve, reject) => fs.close(fd, (e) => (e ? reject(new AtomicFileError('close', e, this.tempPath)) : resolve())));
    await new Promise<void>((resolve, reject) =>
      fs.rename(this.tempPath, this.finalPath, (e) => (e ? reject(new AtomicFileError('rename', e, this.finalPath)) : resolve())),
    );
    try {
      await fsyncDirAsync(path.dirname(this.finalPath));
    } catch (e) {
      throw new AtomicFileError('fsyncDir', e, path.dirname(this.finalPath));
    }
  }

  /**
   * Gives up: the temp file is unlinked now; its descriptor is closed once no write is in
   * flight (closing under a pending write could let the write land in a reused descriptor).
   */
  discard(): void {
    if (this.discarded) return;
    this.discarded = true;
    this.queue = [];
    this.written = [];
    this.queued = 0;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(new Error('file discarded'));
    try {
      fs.unlinkSync(this.tempPath);
    } catch {
      /* never created, or already renamed */
    }
    if (!this.inFlight) this.closeFd();
  }
}
