/**
 * Active expiry: deletes keys whose time has passed even when no client touches them, in
 * the spirit of Redis 7.0's activeExpireCycle (expire.c). Lazy expiry (on lookup) lives in
 * `Db.get`; this module only reclaims what nobody reads.
 *
 * The algorithm, per cron tick (server.hz times a second):
 * - Walk the databases round-robin (16 per call, or all of them when the last run was cut
 *   short). In each, sample `20 + 5*(effort-1)` entries of the expires table from a
 *   persistent cursor (the next run continues where this one stopped; a cursor belongs to
 *   one expires table, so FLUSHDB/SWAPDB need no bookkeeping), delete the expired ones, and
 *   repeat while more than `10 - (effort-1)` percent of a sample was expired.
 * - Each run may use `25 + 2*(effort-1)` percent of the cron period (25 ms at hz 10). Redis
 *   spends that in one go; Amber splits it into slices of at most SLICE_MS and yields to
 *   the event loop (setImmediate) between slices, so clients are never stalled for more
 *   than about a millisecond and a half even while a million keys expire at once.
 * - Nothing runs while a dataset loads, while clients are paused (CLIENT PAUSE keeps the
 *   dataset still), or after DEBUG SET-ACTIVE-EXPIRE 0.
 *
 * Deletions go through `store.expireKey` (expired event, WATCH, `DEL` propagation, `UNLINK`
 * under lazyfree-lazy-expire,
 * expired_keys). Statistics: `store.stats.expiredStalePerc` (Redis's running estimate of
 * logically expired keys), `store.stats.expiredTimeCapReached`, `db.avgTtl`, and the CPU
 * time used (`expireStats`). The INFO keyspace section is registered here too.
 *
 * Imports the server and store only.
 */

import type { Db } from '../store/db.js';
import type { Server } from './server.js';

/** Keys sampled per database loop at effort 1 (ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP). */
const KEYS_PER_LOOP = 20;
/** Percent of the cron period a run may use at effort 1 (ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC). */
const SLOW_TIME_PERC = 25;
/** Percent of stale keys in a sample above which a database is sampled again. */
const ACCEPTABLE_STALE = 10;
/** Databases visited per run unless the previous run was cut short (CRON_DBS_PER_CALL). */
const DBS_PER_CALL = 16;
/** The longest stretch (ms) a run holds the event loop before yielding. */
const SLICE_MS = 1.5;

interface ExpireState {
  /** DEBUG SET-ACTIVE-EXPIRE. */
  enabled: boolean;
  /** Next database to visit (grows without bound; used modulo the count). */
  currentDb: number;
  /** The last slice stopped for time with work left: the next one visits every database. */
  timelimitExit: boolean;
  /** A run (a chain of slices) is in progress. */
  running: boolean;
  /** Microseconds spent expiring, for INFO expire_cycle_cpu_milliseconds. */
  usedUs: number;
  /** Persistent sampling position per expires table. */
  cursors: WeakMap<object, number>;
}

const states = new WeakMap<Server, ExpireState>();

function stateOf(server: Server): ExpireState {
  let st = states.get(server);
  if (st === undefined) {
    st = { enabled: true, currentDb: 0, timelimitExit: false, running: false, usedUs: 0, cursors: new WeakMap() };
    states.set(server, st);
  }
  return st;
}

/** DEBUG SET-ACTIVE-EXPIRE 0|1. */
export function setActiveExpire(server: Server, on: boolean): void {
  stateOf(server).enabled = on;
}

/** Figures INFO stats reports besides store.stats. */
export function expireStats(server: Server): { activeExpireEnabled: boolean; cycleCpuMilliseconds: number } {
  const st = stateOf(server);
  return { activeExpireEnabled: st.enabled, cycleCpuMilliseconds: Math.floor(st.usedUs / 1000) };
}

/** Whether active expiry must wait: loading, or clients paused (Redis keeps the dataset still then). */
function mustWait(server: Server): boolean {
  return server.store.loading || (server.pauseUntil > 0 && Date.now() < server.pauseUntil);
}

/** Running totals of one run (several slices). */
interface Run {
  deadline: number;
  sampled: number;
  expired: number;
}

/**
 * One slice of the cycle: visits databases until the work is done or `sliceMs` passed.
 * Returns true when it stopped for time with work left.
 */
export function expireSlice(server: Server, sliceMs: number, run?: Run): boolean {
  const st = stateOf(server);
  const store = server.store;
  const dbs = store.dbs;
  const effort = server.config.num('active-expire-effort') - 1;
  const keysPerLoop = KEYS_PER_LOOP + (KEYS_PER_LOOP / 4) * effort;
  const acceptableStale = ACCEPTABLE_STALE - effort;
  const dbsPerCall = st.timelimitExit ? dbs.length : Math.min(DBS_PER_CALL, dbs.length);
  const start = performance.now();
  const deadline = start + sliceMs;
  st.timelimitExit = false;
  const keys: string[] = [];
  const whens: number[] = [];
  const collect = (key: string, when: number): void => {
    keys.push(key);
    whens.push(when);
  };
  let totalSampled = 0;
  let totalExpired = 0;
  for (let j = 0; j < dbsPerCall && !st.timelimitExit; j++) {
    const db: Db = dbs[st.currentDb % dbs.length]!;
    st.currentDb++;
    let sampled: number;
    let expired: number;
    do {
      const expires = db.expires;
      const num = expires.size;
      if (num === 0) {
        db.avgTtl = 0;
        break;
      }
      const now = store.now();
      keys.length = 0;
      whens.length = 0;
      const cursor = expires.scan(st.cursors.get(expires) ?? 0, Math.min(num, keysPerLoop), collect);
      st.cursors.set(expires, cursor);
      sampled = keys.length;
      expired = 0;
      let ttlSum = 0;
      let ttlSamples = 0;
      for (let i = 0; i < sampled; i++) {
        const when = whens[i]!;
        if (now > when) {
          store.expireKey(db, keys[i]!);
          expired++;
        } else if (when > now) {
          ttlSum += when - now;
          ttlSamples++;
        }
      }
      totalSampled += sampled;
      totalExpired += expired;
      if (ttlSamples > 0) {
        // Redis's running average: the new sample weighs 2%.
        const avg = Math.floor(ttlSum / ttlSamples);
        if (db.avgTtl === 0) db.avgTtl = avg;
        db.avgTtl = Math.floor(db.avgTtl / 50) * 49 + Math.floor(avg / 50);
      }
      if (performance.now() > deadline) {
        st.timelimitExit = true;
        break;
      }
    } while (sampled === 0 || Math.floor((expired * 100) / sampled) > acceptableStale);
  }
  st.usedUs += (performance.now() - start) * 1000;
  if (run !== undefined) {
    run.sampled += totalSampled;
    run.expired += totalExpired;
  } else {
    updateStalePerc(server, totalSampled, totalExpired);
  }
  return st.timelimitExit;
}

/** Redis's estimate of keys logically expired but not reclaimed: a 5% running average. */
function updateStalePerc(server: Server, sampled: number, expired: number): void {
  const stats = server.store.stats;
  const current = sampled > 0 ? expired / sampled : 0;
  stats.expiredStalePerc = current * 0.05 + stats.expiredStalePerc * 0.95;
}

/** Starts a run of the cycle (from the cron): slices until done or the run's budget is spent. */
function startRun(server: Server): void {
  const st = stateOf(server);
  if (!st.enabled || st.running || mustWait(server)) return;
  const hz = Math.max(1, server.config.num('hz'));
  const effort = server.config.num('active-expire-effort') - 1;
  const budgetMs = (SLOW_TIME_PERC + 2 * effort) * 10 / hz;
  const run: Run = { deadline: performance.now() + budgetMs, sampled: 0, expired: 0 };
  st.running = true;
  const step = (): void => {
    let more = false;
    try {
      if (st.enabled && !server.closing && !mustWait(server)) {
        const left = run.deadline - performance.now();
        more = expireSlice(server, Math.min(SLICE_MS, Math.max(left, 0.1)), run);
      }
    } finally {
      if (more && performance.now() < run.deadline) {
        setImmediate(step);
      } else {
        st.running = false;
        if (more) server.store.stats.expiredTimeCapReached++;
        updateStalePerc(server, run.sampled, run.expired);
      }
    }
  };
  step();
}

/**
 * Wires active expiry into a server: the cron job, and the INFO keyspace section
 * (`db<N>:keys=…,expires=…,avg_ttl=…` for every non-empty database).
 */
export function wireExpire(server: Server): void {
  const st = stateOf(server);
  server.cronJobs.push(() => startRun(server));
  server.resetStatsHooks.push(() => (st.usedUs = 0)); // CONFIG RESETSTAT
  const store = server.store;
  // Lazy expiry keeps expired keys while clients are paused (Redis expireIfNeeded).
  const paused = (): boolean => server.pauseUntil > 0 && Date.now() < server.pauseUntil;
  for (const db of store.dbs) db.expiryHeld = paused;
  // Store.expireKey propagates `DEL key`; with lazyfree-lazy-expire Redis propagates
  // `UNLINK key` (propagateDeletion). expireKey is the only user of hooks.propagate, so the
  // rewrite is done here on its output.
  let lazyExpire = server.config.bool('lazyfree-lazy-expire');
  server.config.on('lazyfree-lazy-expire', (v) => (lazyExpire = v as boolean));
  const propagate = store.hooks.propagate;
  store.hooks.propagate = (dbid, argv) => {
    if (lazyExpire && argv.length === 2 && argv[0] === 'DEL') argv = ['UNLINK', argv[1]!];
    propagate(dbid, argv);
  };
  server.infoSections.set('keyspace', () => {
    const out: [string, string][] = [];
    for (const db of store.dbs) {
      const keys = db.size;
      if (keys === 0) continue;
      out.push([`db${db.id}`, `keys=${keys},expires=${db.expires.size},avg_ttl=${db.avgTtl}`]);
    }
    return out;
  });
}
