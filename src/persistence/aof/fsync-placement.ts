/**
 * FsyncPlacement: where `appendfsync always` runs its fsyncs, chosen from how long they take.
 *
 * - **Inline**: at the end of the turn, on the main thread, right after the write, as Redis
 *   does (`flushAppendOnlyFile`). The turn's replies leave as soon as it returns; requests
 *   that arrive meanwhile wait in the sockets and are all read by the next turn, so each
 *   turn serves nearly every client (one large cohort per fsync).
 * - **On the fsync thread** (fsync-thread.ts): the main thread goes on reading and executing
 *   while the disk works. This overlaps the fsync with the next turn, but every fsync costs
 *   two hand-offs between threads, and the requests that arrive during an fsync are served
 *   in small turns of their own, each with its own write and reply batch.
 *
 * Measured on a 2-core machine (docs/aof.md): with fsyncs of ~0.2 ms, inline served 25% more
 * SET/s at `-P 1` and as many at `-P 16`; once an fsync took ~0.4 ms or more, the thread won
 * at both (up to 1.4×), because the main thread no longer sat idle for the disk. So fsyncs
 * start inline, and every WINDOW fsyncs the median duration of the last WINDOW decides: under
 * INLINE_MAX_MICROS inline, otherwise the thread. Both places report their durations, so a
 * disk that gets faster or slower moves the choice either way.
 */

/** Median fsync duration (µs) under which fsyncs run inline. */
export const INLINE_MAX_MICROS = 300;
/** Fsyncs per decision. */
const WINDOW = 16;

export class FsyncPlacement {
  private readonly samples = new Float64Array(WINDOW);
  private count = 0;

  /**
   * `inline`: where fsyncs start. `maxMicros`: the median under which they run inline (tests
   * pin a placement with 0, never inline, or Infinity, always inline).
   */
  constructor(
    public inline = true,
    private readonly maxMicros = INLINE_MAX_MICROS,
  ) {}

  /** Records how long an fsync took, wherever it ran. */
  record(micros: number): void {
    this.samples[this.count % WINDOW] = micros;
    this.count++;
    if (this.count % WINDOW === 0) this.inline = median(this.samples) < this.maxMicros;
  }
}

function median(xs: Float64Array): number {
  const sorted = Float64Array.from(xs).sort();
  return sorted[sorted.length >> 1]!;
}
