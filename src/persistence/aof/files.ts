/**
 * Small synchronous file helpers the AOF needs: fsync of a directory, atomic replace of a
 * small file (write temp, fsync, rename, fsync dir), and file size.
 */

import fs from 'node:fs';
import path from 'node:path';

/** fsyncs a directory so a rename in it is durable. Errors are ignored where unsupported. */
export function fsyncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    /* some filesystems refuse fsync on directories */
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

/** Replaces `file` with `content` atomically: temp file, fsync, rename, fsync of the directory. */
export function replaceFileAtomic(file: string, content: string, tempName: string): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, tempName);
  const fd = fs.openSync(tmp, 'w', 0o644);
  try {
    fs.writeSync(fd, content, null, 'latin1');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(dir);
}

export function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

export function exists(p: string): boolean {
  try {
    fs.statSync(p);
    return true;
  } catch {
    return false;
  }
}
