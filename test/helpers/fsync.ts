/**
 * A hand-driven stand-in for the AOF's fsync thread: it records what the log asks for and
 * completes or fails fsyncs only when the test says so, which makes the ordering of held
 * replies deterministic to test.
 */

import type { FsyncService } from '../../src/persistence/aof/fsync-thread.js';

export class ManualFsync implements FsyncService {
  fd = -1;
  /** Offsets asked for, in order (each `request`). */
  readonly requests: number[] = [];
  retries = 0;
  attaches = 0;
  detaches = 0;
  alive = true;
  private done = 0;
  onDone: (error: NodeJS.ErrnoException | null, micros: number) => void = () => {};

  attach(fd: number, synced: number): void {
    this.fd = fd;
    this.done = synced;
    this.attaches++;
  }

  detach(): void {
    this.fd = -1;
    this.detaches++;
  }

  request(target: number): void {
    this.requests.push(target);
  }

  retry(): void {
    this.retries++;
  }

  get synced(): number {
    return this.done;
  }

  /** The largest offset asked for so far. */
  get wanted(): number {
    return this.requests.length === 0 ? this.done : Math.max(...this.requests);
  }

  /** Finishes an fsync covering `upTo` (default: everything asked for) that took `micros`, and reports it. */
  complete(upTo = this.wanted, micros = 1000): void {
    this.done = Math.max(this.done, upTo);
    this.onDone(null, micros);
  }

  /** Finishes an fsync without reporting it yet (the report is still on its way). */
  completeSilently(upTo = this.wanted): void {
    this.done = Math.max(this.done, upTo);
  }

  /** Reports a failed fsync with the given errno code. */
  fail(code = 'EIO', message = 'EIO: i/o error, fdatasync'): void {
    this.onDone(Object.assign(new Error(message), { code }), 0);
  }

  terminate(): void {
    this.alive = false;
  }
}
