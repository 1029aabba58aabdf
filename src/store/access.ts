/**
 * AccessClock: what the keyspace keeps per key about its use, Redis's 24-bit `lru` field of
 * each object (evict.c): under an LRU (or no) maxmemory policy the key's last access time in
 * seconds of a wrapping 24-bit clock; under an LFU policy the minute of the last decrement
 * (16 bits) and a logarithmic access counter (8 bits). Keyspace dicts keep the number per
 * slot (Dict's DictMeta); OBJECT IDLETIME / FREQ, RESTORE IDLETIME / FREQ and DEBUG OBJECT
 * read and write it.
 *
 * As in Redis: a new key gets the clock (or the LFU start value), a lookup touches its key
 * (except the commands that look without touching: EXISTS, TYPE, TTL, OBJECT ...), a key
 * whose value is replaced keeps its LFU counter (touched once, by the lookup before the
 * write), and nothing is touched while a background
 * save or rewrite runs (Redis skips it while a child process exists).
 *
 * The clock is read once per batch of commands and by the cron (`refresh`), not per lookup
 * or per key of a save or load.
 */

import type { DictMeta } from '../types/dict.js';

/** LRU_CLOCK_MAX: the clock is seconds modulo 2^24. */
export const LRU_CLOCK_MAX = (1 << 24) - 1;
/** LFU_INIT_VAL: the counter of a new key. */
export const LFU_INIT_VAL = 5;

export class AccessClock implements DictMeta {
  /** maxmemory-policy is an LFU one. */
  lfu = false;
  /** lfu-log-factor and lfu-decay-time (minutes). */
  lfuLogFactor = 10;
  lfuDecayTime = 1;
  /** While true (a background save or rewrite runs) lookups touch nothing. */
  frozen = false;
  /**
   * Bumped for every command run (dispatch's call). Redis looks a key up, touching it, before
   * it replaces the key's value; Amber's handlers often replace without that lookup. So a
   * replacement touches the key unless the same command already did (the LFU counter then
   * moves as Redis's does for SET, SETEX, APPEND, SETRANGE, SET XX / GET).
   */
  command = 0;
  private touchedKey = '';
  private touchedIn = -1;
  private seconds = 0;
  private minutes = 0;

  constructor(private readonly now: () => number) {
    this.refresh();
  }

  /** Reads the clock (once per batch of commands and from the cron). */
  refresh(): void {
    const ms = this.now();
    this.seconds = Math.floor(ms / 1000) & LRU_CLOCK_MAX;
    this.minutes = Math.floor(ms / 60000) & 65535;
  }

  fresh(): number {
    return this.lfu ? (this.minutes << 8) | LFU_INIT_VAL : this.seconds;
  }

  touch(old: number, key: string): number {
    if (this.frozen) return old;
    if (!this.lfu) return this.seconds;
    this.touchedKey = key;
    this.touchedIn = this.command;
    return (this.minutes << 8) | this.logIncr(this.counter(old));
  }

  replaced(old: number, key: string): number {
    // An LRU time is the new object's. dbOverwrite keeps the LFU data, which the lookup
    // before it touched (see `command`).
    if (!this.lfu) return this.seconds;
    if (this.touchedIn === this.command && this.touchedKey === key) return old;
    return this.touch(old, key);
  }

  /** Seconds since the key was last used (estimateObjectIdleTime / 1000), for an LRU value. */
  idleSeconds(meta: number): number {
    const clock = this.seconds;
    return clock >= meta ? clock - meta : clock + (LRU_CLOCK_MAX - meta);
  }

  /** The LFU counter after its decay (LFUDecrAndReturn), without touching. */
  counter(meta: number): number {
    const ldt = meta >>> 8;
    let counter = meta & 255;
    const elapsed = this.minutes >= ldt ? this.minutes - ldt : 65535 - ldt + this.minutes;
    const periods = this.lfuDecayTime > 0 ? Math.floor(elapsed / this.lfuDecayTime) : 0;
    if (periods > 0) counter = periods > counter ? 0 : counter - periods;
    return counter;
  }

  /** LFULogIncr: the counter grows with probability 1 / ((counter - 5) * factor + 1). */
  private logIncr(counter: number): number {
    if (counter === 255) return 255;
    const base = Math.max(0, counter - LFU_INIT_VAL);
    return Math.random() < 1 / (base * this.lfuLogFactor + 1) ? counter + 1 : counter;
  }

  /**
   * objectSetLRUOrLFU: the value RESTORE (IDLETIME / FREQ) and a loaded RDB (IDLE / FREQ)
   * give a key, or null when the policy ignores what was given. `idleSeconds` and `freq`
   * are -1 when absent.
   */
  restored(freq: number, idleSeconds: number): number | null {
    if (this.lfu) return freq >= 0 ? (this.minutes << 8) | freq : null;
    if (idleSeconds < 0) return null;
    let at = this.seconds - idleSeconds;
    // The clock wraps: an idle time longer than the clock reaches back lands half a wrap ago.
    if (at < 0) at = (this.seconds + Math.floor(LRU_CLOCK_MAX / 2)) % LRU_CLOCK_MAX;
    return at;
  }
}
