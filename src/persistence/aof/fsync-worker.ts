/**
 * The loop of the AOF's fsync thread (see fsync-thread.ts for the protocol). It runs in a
 * worker thread and only ever fsyncs: one fdatasync at a time, the next one started as soon
 * as the previous returns if more bytes were written meanwhile, each covering everything
 * written when it started. It sleeps on SEQ when there is nothing to do.
 */

import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { BUSY, FD, GEN, QUIT, RETRY, SEQ, SYNCED, TARGET, type FsyncReport } from './fsync-thread.js';

const data = workerData as { ctl: SharedArrayBuffer; offs: SharedArrayBuffer };
const ctl = new Int32Array(data.ctl);
const offs = new BigInt64Array(data.offs);
const port = parentPort!;

/** RETRY and GEN as they were when the last fsync failed: no new attempt until one changes. */
let failed: { retry: number; gen: number } | null = null;

for (;;) {
  // Read SEQ before looking for work: a request made after this read changes SEQ, so the
  // wait below returns at once instead of missing it.
  const seq = Atomics.load(ctl, SEQ);
  if (Atomics.load(ctl, QUIT) !== 0) break;
  if (failed === null || Atomics.load(ctl, RETRY) !== failed.retry || Atomics.load(ctl, GEN) !== failed.gen) {
    Atomics.store(ctl, BUSY, 1);
    const fd = Atomics.load(ctl, FD);
    const gen = Atomics.load(ctl, GEN);
    const target = Atomics.load(offs, TARGET);
    if (fd >= 0 && target > Atomics.load(offs, SYNCED)) {
      const retry = Atomics.load(ctl, RETRY);
      let report: FsyncReport;
      const t0 = performance.now();
      try {
        fs.fdatasyncSync(fd);
        Atomics.store(offs, SYNCED, target);
        failed = null;
        report = { gen, error: null, micros: (performance.now() - t0) * 1000 };
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        failed = { retry, gen };
        report = { gen, error: { code: err.code ?? 'EIO', message: err.message }, micros: 0 };
      }
      Atomics.store(ctl, BUSY, 0);
      Atomics.notify(ctl, BUSY);
      port.postMessage(report);
      continue;
    }
    Atomics.store(ctl, BUSY, 0);
    Atomics.notify(ctl, BUSY);
  }
  Atomics.wait(ctl, SEQ, seq);
}
