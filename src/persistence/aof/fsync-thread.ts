/**
 * FsyncThread: the thread that fsyncs the AOF under `appendfsync always` (main-thread side;
 * the loop itself is fsync-worker.ts).
 *
 * Why a thread of its own: under `always` the server keeps reading and executing commands
 * while an fsync runs, and their bytes are written to the file meanwhile. The next fsync must
 * start the moment the previous one returns, covering everything written by then (group
 * commit, one fsync in flight). Through libuv's thread pool every fsync is a round trip via
 * the event loop (completion callback, then a new request), so the disk sits idle until the
 * main thread gets round to it; this thread chains the fsyncs itself and only reports back.
 *
 * Protocol, over shared memory (every access atomic):
 * - the main thread writes to the file, then publishes the file offset written so far as
 *   TARGET and bumps SEQ (`request`); the worker, whenever TARGET > SYNCED, runs
 *   fdatasync (what Redis's redis_fsync is on Linux) and then stores the TARGET it read before
 *   the call as SYNCED: every byte written before the call is durable;
 * - after each fsync the worker posts a message (the main thread may be idle in epoll and
 *   must wake to release held replies); the main thread may also read SYNCED at any time;
 * - a failed fsync is reported with its errno code and not retried until the main thread
 *   bumps RETRY (the cron does, once per tick);
 * - BUSY is 1 while the worker holds a job (from reading FD until its fsync returned), so
 *   `detach` can wait until the file descriptor is no longer in use before it is closed; GEN
 *   tags each attached file, and reports about an earlier file are dropped.
 */

import { Worker } from 'node:worker_threads';

/** Int32 slots of the control array. */
export const SEQ = 0; // bumped by the main thread on every request, retry, attach and quit
export const FD = 1; // file descriptor to fsync, -1 for none
export const BUSY = 2; // 1 while the worker holds a job
export const RETRY = 3; // bumped by the main thread to allow a new attempt after a failure
export const QUIT = 4; // 1: the worker loop ends
export const GEN = 5; // generation of the attached file
export const CTL_SLOTS = 6;
/** BigInt64 slots of the offsets array. */
export const TARGET = 0; // bytes written to the file that the next fsync must cover
export const SYNCED = 1; // bytes known durable
export const OFF_SLOTS = 2;

/** What the worker posts after each fsync: the generation it ran for, and the failure if any. */
export interface FsyncReport {
  gen: number;
  error: { code: string; message: string } | null;
  /** How long the fdatasync took. */
  micros: number;
}

/** What AofLog needs from an fsync thread (tests substitute a hand-driven one). */
export interface FsyncService {
  /** Makes `fd` the file to fsync; `synced` bytes of it are already durable. */
  attach(fd: number, synced: number): void;
  /** Stops using the attached file; returns once no fsync of it is running. */
  detach(): void;
  /** Asks for an fsync covering the first `target` bytes of the attached file. */
  request(target: number): void;
  /** Allows another attempt after a failed fsync. */
  retry(): void;
  /** Bytes of the attached file known durable. */
  readonly synced: number;
  /** False once the thread has died; the caller then fsyncs another way. */
  readonly alive: boolean;
  /** Called on the main thread after each fsync of the attached file (error: errno code and text). */
  onDone: (error: NodeJS.ErrnoException | null, micros: number) => void;
  /** Ends the thread. */
  terminate(): void;
}

export class FsyncThread implements FsyncService {
  private readonly ctl = new Int32Array(new SharedArrayBuffer(CTL_SLOTS * 4));
  private readonly offs = new BigInt64Array(new SharedArrayBuffer(OFF_SLOTS * 8));
  private readonly worker: Worker;
  private gen = 0;
  alive = true;
  onDone: (error: NodeJS.ErrnoException | null, micros: number) => void = () => {};

  constructor(onDeath: (reason: string) => void) {
    this.ctl[FD] = -1;
    this.worker = new Worker(new URL('./fsync-worker.js', import.meta.url), {
      workerData: { ctl: this.ctl.buffer, offs: this.offs.buffer },
      // The loop allocates almost nothing; keep the isolate small.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    });
    // Never keeps the process alive by itself (the server's sockets and timers do).
    this.worker.unref();
    this.worker.on('message', (r: FsyncReport) => {
      if (r.gen !== this.gen) return;
      this.onDone(r.error === null ? null : Object.assign(new Error(r.error.message), { code: r.error.code }), r.micros);
    });
    const died = (reason: string): void => {
      if (!this.alive) return;
      this.alive = false;
      onDeath(reason);
    };
    this.worker.on('error', (e) => died(e.message));
    this.worker.on('exit', (code) => died(`exited with code ${code}`));
  }

  attach(fd: number, synced: number): void {
    this.detach();
    this.gen = (this.gen + 1) | 0;
    Atomics.store(this.offs, SYNCED, BigInt(synced));
    Atomics.store(this.offs, TARGET, BigInt(synced));
    Atomics.store(this.ctl, GEN, this.gen);
    Atomics.store(this.ctl, FD, fd);
  }

  detach(): void {
    Atomics.store(this.ctl, FD, -1);
    // Atomics are sequentially consistent: once BUSY reads 0 after FD was cleared, any job
    // the worker takes later reads FD = -1. A running fsync is waited for (as close()'s own
    // fsync would wait for the disk anyway).
    while (this.alive && Atomics.load(this.ctl, BUSY) === 1) Atomics.wait(this.ctl, BUSY, 1, 100);
  }

  request(target: number): void {
    Atomics.store(this.offs, TARGET, BigInt(target));
    this.wake();
  }

  retry(): void {
    Atomics.add(this.ctl, RETRY, 1);
    this.wake();
  }

  get synced(): number {
    return Number(Atomics.load(this.offs, SYNCED));
  }

  terminate(): void {
    this.alive = false;
    Atomics.store(this.ctl, QUIT, 1);
    this.wake();
    void this.worker.terminate();
  }

  private wake(): void {
    Atomics.add(this.ctl, SEQ, 1);
    Atomics.notify(this.ctl, SEQ);
  }
}
