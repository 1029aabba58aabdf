import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datasetDigest, valueDigest } from '../../../src/persistence/digest.js';
import { Store } from '../../../src/store/store.js';
import { RList } from '../../../src/types/list.js';
import { expected, fixture, readAll } from './rdb-helpers.js';

/** A store holding what a fixture file holds (keys put straight into the tables). */
function storeFrom(file: Buffer): Store {
  const store = new Store(16);
  for (const e of readAll(file).entries) {
    const db = store.db(e.db);
    db.dict.set(e.key, e.value);
    if (e.expireMs !== undefined) db.expires.set(e.key, e.expireMs);
  }
  return store;
}

test('an empty dataset digests to forty zeros', () => {
  assert.equal(datasetDigest(new Store(16)), '0'.repeat(40));
});

test('DEBUG DIGEST of each fixture dataset equals what redis-server 7.0.15 computed for it', () => {
  const exp = expected();
  for (const name of ['all-types.rdb', 'all-types-plain.rdb', 'compressed-list.rdb', 'history.rdb']) {
    assert.equal(datasetDigest(storeFrom(fixture(name))), exp[name]!.digest, name);
  }
});

test('DEBUG DIGEST-VALUE of every key equals Redis, and is zeros for a missing key', () => {
  const exp = expected()['all-types.rdb']!;
  const store = storeFrom(fixture('all-types.rdb'));
  for (const k of exp.keys!) assert.equal(valueDigest(store.db(0), k.key), k.digest, k.key);
  assert.equal(valueDigest(store.db(0), 'no-such-key'), '0'.repeat(40));
});

test('the digest depends on list order, database and TTL but not on set order', () => {
  const a = new Store(16);
  const b = new Store(16);
  const l1 = new RList();
  l1.pushTail('x');
  l1.pushTail('y');
  const l2 = new RList();
  l2.pushTail('y');
  l2.pushTail('x');
  a.db(0).dict.set('l', l1);
  b.db(0).dict.set('l', l2);
  assert.notEqual(datasetDigest(a), datasetDigest(b));
  b.db(0).dict.set('l', l1.clone());
  assert.equal(datasetDigest(a), datasetDigest(b));
  b.db(0).expires.set('l', 1);
  assert.notEqual(datasetDigest(a), datasetDigest(b));
  const c = new Store(16);
  c.db(1).dict.set('l', l1.clone());
  assert.notEqual(datasetDigest(a), datasetDigest(c));
});
