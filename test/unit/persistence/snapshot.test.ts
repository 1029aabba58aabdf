import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Snapshot, SnapshotAborted, startSnapshot, type SnapshotConsumer } from '../../../src/persistence/snapshot.js';
import { Store } from '../../../src/store/store.js';
import type { Value } from '../../../src/store/values.js';
import { dictTuning } from '../../../src/types/dict.js';
import { RHash } from '../../../src/types/hash.js';
import { RList } from '../../../src/types/list.js';
import { RSet } from '../../../src/types/set.js';
import { RZSet } from '../../../src/types/zset.js';
import { mulberry32 as rng } from '../../helpers/random.js';

/** A value as comparable text (collections by their persistence surface). */
function repr(v: Value): string {
  if (typeof v === 'string') return 's:' + v;
  switch (v.kind) {
    case 'list':
      return 'l:' + JSON.stringify([...v.values()]);
    case 'hash':
      return 'h:' + JSON.stringify([...v.entries()].sort());
    case 'set':
      return 'S:' + JSON.stringify([...v.values()].sort());
    case 'zset':
      return 'z:' + JSON.stringify([...v.entries()]);
  }
}

type Dataset = Map<number, Map<string, string>>;

/** The store's contents now, as db → key → "value|expire". */
function capture(store: Store): Dataset {
  const out: Dataset = new Map();
  for (const db of store.dbs) {
    if (db.dict.size === 0) continue;
    const m = new Map<string, string>();
    for (const [k, v] of db.dict.entries()) m.set(k, repr(v) + '|' + (db.expires.get(k) ?? ''));
    out.set(db.id, m);
  }
  return out;
}

/** A consumer that records what it is given and checks the call order. */
class Recorder implements SnapshotConsumer<string> {
  data: Dataset = new Map();
  private cur = -1;
  order: string[] = [];
  preserve(value: Value): string {
    return repr(value);
  }
  beginDb(dbid: number, keys: number, expires: number): void {
    assert.equal(this.cur, -1, 'beginDb inside another db');
    assert.ok(!this.data.has(dbid), `db ${dbid} begun twice`);
    assert.ok(keys > 0);
    assert.ok(expires <= keys);
    this.cur = dbid;
    this.data.set(dbid, new Map());
    this.order.push(`begin ${dbid}`);
  }
  private put(dbid: number, key: string, text: string): void {
    assert.equal(dbid, this.cur, 'key outside its db section');
    const m = this.data.get(dbid)!;
    assert.ok(!m.has(key), `key ${key} emitted twice in db ${dbid}`);
    m.set(key, text);
  }
  entry(dbid: number, key: string, value: Value, expireMs: number | undefined): void {
    this.put(dbid, key, repr(value) + '|' + (expireMs ?? ''));
  }
  preserved(dbid: number, key: string, copy: string, expireMs: number | undefined): void {
    this.put(dbid, key, copy + '|' + (expireMs ?? ''));
  }
  endDb(dbid: number): void {
    assert.equal(this.cur, dbid);
    this.cur = -1;
    this.order.push(`end ${dbid}`);
  }
}

const KINDS = ['string', 'list', 'hash', 'set', 'zset'] as const;

function makeValue(r: () => number, kind: (typeof KINDS)[number], tag: number): Value {
  const n = 1 + Math.floor(r() * 4);
  switch (kind) {
    case 'string':
      return 'v' + tag;
    case 'list': {
      const l = new RList();
      for (let i = 0; i < n; i++) l.pushTail('e' + tag + '-' + i);
      return l;
    }
    case 'hash': {
      const h = new RHash();
      for (let i = 0; i < n; i++) h.set('f' + i, 'x' + tag);
      return h;
    }
    case 'set': {
      const s = new RSet();
      for (let i = 0; i < n; i++) s.add(String(tag * 10 + i));
      return s;
    }
    case 'zset': {
      const z = new RZSet();
      for (let i = 0; i < n; i++) z.add('m' + i, tag + i);
      return z;
    }
  }
}

function populate(store: Store, r: () => number, perDb: number, dbs: number): void {
  for (let d = 0; d < dbs; d++) {
    const db = store.db(d);
    for (let i = 0; i < perDb; i++) {
      const key = `k${i}`;
      db.set(key, makeValue(r, KINDS[i % KINDS.length]!, i));
      if (i % 3 === 0) db.setExpire(key, 1_900_000_000_000 + i);
    }
  }
}

/** One random change through the Db API (as commands make them). */
function randomWrite(store: Store, r: () => number, perDb: number, dbs: number, tag: number): void {
  const db = store.db(Math.floor(r() * dbs));
  const key = `k${Math.floor(r() * perDb * 1.2)}`;
  const x = r();
  if (x < 0.2) {
    db.set(key, makeValue(r, KINDS[Math.floor(r() * KINDS.length)]!, tag));
  } else if (x < 0.35) {
    db.delete(key);
  } else if (x < 0.6) {
    const v = db.getForWrite(key);
    if (v === undefined) return;
    if (typeof v === 'string') db.set(key, v + '+', true);
    else if (v.kind === 'list') v.pushTail('new' + tag);
    else if (v.kind === 'hash') v.set('nf' + tag, 'nv');
    else if (v.kind === 'set') v.add('m' + tag);
    else v.add('nm' + tag, tag);
  } else if (x < 0.7) {
    if (db.has(key)) db.setExpire(key, 1_950_000_000_000 + tag);
  } else if (x < 0.75) {
    db.persist(key);
  } else if (x < 0.8) {
    if (db.dict.has(key)) store.expireKey(db, key);
  } else if (x < 0.9) {
    // RENAME / MOVE: the value object travels to another key or database.
    const v = db.get(key);
    if (v === undefined) return;
    const other = r() < 0.5 ? db : store.db(Math.floor(r() * dbs));
    const to = `k${Math.floor(r() * perDb * 1.2)}`;
    if (other === db && to === key) return;
    const ttl = db.getExpire(key);
    db.delete(key);
    other.set(to, v);
    if (ttl !== undefined) other.setExpire(to, ttl);
  } else if (x < 0.95) {
    if (r() < 0.3) db.flush();
  } else {
    store.swap(Math.floor(r() * dbs), Math.floor(r() * dbs));
  }
}

async function writeDuring(snap: Snapshot<string>, fn: () => void): Promise<number> {
  let ops = 0;
  let done = false;
  const p = snap.run().finally(() => (done = true));
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      if (done) return resolve();
      for (let i = 0; i < 20; i++) {
        fn();
        ops++;
      }
      setImmediate(tick);
    };
    setImmediate(tick);
  });
  await p;
  return ops;
}

test('a walk with no writes yields exactly the dataset, database by database', () => {
  const store = new Store(4);
  populate(store, rng(1), 300, 3);
  const before = capture(store);
  const rec = new Recorder();
  startSnapshot(store, rec).runSync();
  assert.deepEqual(rec.data, before);
  assert.deepEqual(rec.order, ['begin 0', 'end 0', 'begin 1', 'end 1', 'begin 2', 'end 2']);
});

for (const [name, tuning] of [
  ['default table sizes', {}],
  ['tables that resize often and drain one slot per write', { maxLoad: 0.5, minLoad: 0.25, stepSlots: 1 }],
  ['nearly full tables, joined by new ones while the walk pauses resizing', { maxLoad: 0.95, stepSlots: 1 }],
] as const) {
  test(`random writes, deletes, expiries, renames, flushes and swaps during the walk leave the start-time dataset (${name})`, async () => {
    const saved = { ...dictTuning };
    Object.assign(dictTuning, tuning);
    try {
      for (let round = 0; round < 4; round++) {
        const r = rng(100 + round);
        const store = new Store(4);
        populate(store, r, 2000, 4);
        const before = capture(store);
        const rec = new Recorder();
        const snap = startSnapshot(store, rec, { sliceMs: 0 });
        let tag = 0;
        const ops = await writeDuring(snap, () => randomWrite(store, r, 2000, 4, tag++));
        assert.ok(ops > 50, `only ${ops} writes happened during the walk`);
        assert.deepEqual(rec.data, before);
        assert.equal(snap.keysProcessed, snap.keysTotal);
        // The tables resize again and the hooks are gone.
        for (const db of store.dbs) assert.equal(db.dict.resizePaused, false);
        const rec2 = new Recorder();
        startSnapshot(store, rec2).runSync();
        assert.deepEqual(rec2.data, capture(store));
      }
    } finally {
      Object.assign(dictTuning, saved);
    }
  });
}

test('keys created during the walk are left out; deleted and flushed ones keep their old values', async () => {
  const store = new Store(2);
  const db = store.db(0);
  for (let i = 0; i < 5000; i++) db.set('k' + i, 'v' + i);
  const rec = new Recorder();
  const snap = startSnapshot(store, rec, { sliceMs: 0 });
  db.set('created', 'x');
  db.delete('k1');
  db.set('k2', 'changed');
  const l = new RList();
  l.pushTail('a');
  store.db(1).set('other-db-new', l);
  const run = snap.run();
  db.flush();
  db.set('k3', 'after-flush');
  await run;
  const got = rec.data.get(0)!;
  assert.equal(got.size, 5000);
  assert.equal(got.get('k1'), 's:v1|');
  assert.equal(got.get('k2'), 's:v2|');
  assert.equal(got.get('k3'), 's:v3|');
  assert.equal(got.has('created'), false);
  assert.equal(rec.data.has(1), false, 'db 1 was empty at the start');
  assert.ok(snap.keysPreserved >= 2);
});

test('SWAPDB during the walk: each database section holds its own pre-swap keys', async () => {
  const store = new Store(3);
  for (let i = 0; i < 3000; i++) {
    store.db(0).set('a' + i, 'A' + i);
    store.db(1).set('b' + i, 'B' + i);
  }
  const before = capture(store);
  const rec = new Recorder();
  const snap = startSnapshot(store, rec, { sliceMs: 0 });
  const run = snap.run();
  await new Promise((r) => setImmediate(r));
  store.swap(0, 1);
  // Writes now land in the other database's original tables.
  for (let i = 0; i < 3000; i += 7) {
    store.db(0).set('b' + i, 'changed');
    store.db(1).delete('a' + i);
    store.db(0).set('new' + i, 'n');
  }
  store.swap(1, 2);
  store.db(2).set('a1', 'late');
  await run;
  assert.deepEqual(rec.data, before);
});

test('abort() rejects run() with SnapshotAborted and removes the hooks', async () => {
  const store = new Store(1);
  for (let i = 0; i < 20000; i++) store.db(0).set('k' + i, 'v');
  const original = store.hooks.beforeWrite;
  const snap = startSnapshot(store, new Recorder(), { sliceMs: 0 });
  assert.notEqual(store.hooks.beforeWrite, original);
  const run = snap.run();
  await new Promise((r) => setImmediate(r));
  snap.abort();
  await assert.rejects(run, SnapshotAborted);
  assert.equal(store.hooks.beforeWrite, original);
  assert.equal(store.db(0).dict.resizePaused, false);
});

test('two snapshots at once each keep their own start point', async () => {
  const store = new Store(1);
  const db = store.db(0);
  for (let i = 0; i < 4000; i++) db.set('k' + i, 'v' + i);
  const first = capture(store);
  const rec1 = new Recorder();
  const s1 = startSnapshot(store, rec1, { sliceMs: 0 });
  const run1 = s1.run();
  for (let i = 0; i < 4000; i += 3) db.set('k' + i, 'second');
  db.set('extra', 'x');
  const second = capture(store);
  const rec2 = new Recorder();
  const s2 = startSnapshot(store, rec2, { sliceMs: 0 });
  const run2 = s2.run();
  for (let i = 0; i < 4000; i += 2) db.delete('k' + i);
  await Promise.all([run1, run2]);
  assert.deepEqual(rec1.data, first);
  assert.deepEqual(rec2.data, second);
});

test('rdb-key-save-delay spreads the walk over time; backpressure pauses it', async () => {
  const store = new Store(1);
  for (let i = 0; i < 20; i++) store.db(0).set('k' + i, 'v');
  const rec = new Recorder();
  const t0 = Date.now();
  await startSnapshot(store, rec, { keyDelayUs: () => 5000 }).run();
  assert.ok(Date.now() - t0 >= 90, `20 keys at 5 ms each took ${Date.now() - t0} ms`);
  assert.equal(rec.data.get(0)!.size, 20);

  let release!: () => void;
  let waits = 0;
  const gated = new Recorder() as Recorder & { backpressure(): Promise<void> | null };
  gated.backpressure = () => {
    waits++;
    return waits === 1 ? new Promise<void>((r) => (release = r)) : null;
  };
  for (let i = 0; i < 5000; i++) store.db(0).set('m' + i, 'v');
  const snap = startSnapshot(store, gated, { sliceMs: 0 });
  let finished = false;
  const run = snap.run().then(() => (finished = true));
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(finished, false, 'walk waits for the consumer');
  assert.ok(snap.keysProcessed < snap.keysTotal);
  release();
  await run;
  assert.equal(gated.data.get(0)!.size, 5020);
});

test('afterReplies: a slice the owner takes waits for it, runs once, and abort still ends the walk', async () => {
  const store = new Store(1);
  for (let i = 0; i < 5000; i++) store.db(0).set('k' + i, 'v' + i);
  // The owner takes every other slice and runs it when told to (as the server does after
  // its replies are written).
  const held: (() => void)[] = [];
  let asked = 0;
  const rec = new Recorder();
  const snap = startSnapshot(store, rec, {
    sliceMs: 0,
    afterReplies: (run) => {
      asked++;
      if (asked % 2 === 0) return false;
      held.push(run);
      return true;
    },
  });
  let finished = false;
  const walk = snap.run().then(() => (finished = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(held.length, 1, 'the first slice was taken');
  const before = snap.keysProcessed;
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(snap.keysProcessed, before, 'nothing walks while the owner holds the slice');
  while (!finished) {
    const run = held.shift();
    if (run !== undefined) {
      run();
      run(); // a second call does nothing
    }
    await new Promise((r) => setImmediate(r));
  }
  await walk;
  assert.equal(rec.data.get(0)!.size, 5000);
  assert.ok(asked > 2);

  // Abort while the owner holds a slice: the walk ends now, and the held slice stays a no-op.
  const held2: (() => void)[] = [];
  const snap2 = startSnapshot(store, new Recorder(), { sliceMs: 0, afterReplies: (run) => (held2.push(run), true) });
  const run2 = snap2.run();
  await new Promise((r) => setImmediate(r));
  assert.equal(held2.length, 1);
  snap2.abort();
  await assert.rejects(run2, SnapshotAborted);
  held2[0]!();
  await new Promise((r) => setImmediate(r));
  assert.equal(store.db(0).dict.resizePaused, false, 'the walk let go of the tables');
});
