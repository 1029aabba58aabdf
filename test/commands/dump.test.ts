import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dumpPayload } from '../../src/commands/dump.js';
import { Crc64 } from '../../src/persistence/rdb/crc64.js';
import { RList } from '../../src/types/list.js';
import { ErrorReply, type TestClient } from '../helpers/resp.js';
import { startAmber, type TestAmber } from '../helpers/servers.js';
import { expected } from '../unit/persistence/rdb-helpers.js';

let amber: TestAmber;
let c: TestClient;
const propagated: string[][] = [];

before(async () => {
  amber = await startAmber({ 'enable-debug-command': 'yes' });
  c = await amber.client();
  amber.server.feeds.push((_db, argv) => propagated.push(argv));
});

after(async () => {
  await amber.stop();
});

/** The payload as the binary-safe string a client sends. */
const bin = (b: Buffer): Buffer => b;

function errText(r: unknown): string {
  assert.ok(r instanceof ErrorReply, `expected an error, got ${JSON.stringify(r)}`);
  return r.message;
}

async function dump(key: string): Promise<Buffer> {
  const r = await c.call('DUMP', key);
  assert.equal(typeof r, 'string');
  return Buffer.from(r as string, 'latin1');
}

test('DUMP of a missing key is a null bulk', async () => {
  assert.equal(await c.callRaw('DUMP', 'nonexisting_key'), '$-1\r\n');
});

test('DUMP / RESTORE serialize and unserialize a simple key', async () => {
  await c.call('SET', 'foo', 'bar');
  const p = await dump('foo');
  // type 0, "bar", RDB version 10, CRC64.
  assert.deepEqual(p.subarray(0, 7), Buffer.from([0, 3, 0x62, 0x61, 0x72, 10, 0]));
  assert.ok(new Crc64().update(p, 0, p.length - 8).equalsLE(p, p.length - 8));
  await c.call('DEL', 'foo');
  assert.equal(await c.call('RESTORE', 'foo', '0', bin(p)), 'OK');
  assert.equal(await c.call('GET', 'foo'), 'bar');
  assert.equal(await c.call('TTL', 'foo'), -1);
});

test('RESTORE with a relative TTL sets it and propagates an absolute one with ABSTTL', async () => {
  await c.call('SET', 'foo', 'bar');
  const p = await dump('foo');
  await c.call('DEL', 'foo');
  propagated.length = 0;
  const before = Date.now();
  assert.equal(await c.call('RESTORE', 'foo', '5000', bin(p)), 'OK');
  const pttl = (await c.call('PTTL', 'foo')) as number;
  assert.ok(pttl > 3000 && pttl <= 5000, String(pttl));
  const cmd = propagated.find((a) => a[0]!.toUpperCase() === 'RESTORE');
  assert.ok(cmd, 'RESTORE propagated');
  assert.equal(cmd.length, 5);
  assert.equal(cmd[4], 'ABSTTL');
  const abs = Number(cmd[2]);
  assert.ok(abs >= before + 5000 && abs <= Date.now() + 5000);
});

test('RESTORE can set an expire that overflows a 32 bit integer', async () => {
  await c.call('SET', 'foo', 'bar');
  const p = await dump('foo');
  await c.call('DEL', 'foo');
  await c.call('RESTORE', 'foo', '2569591501', bin(p));
  const pttl = (await c.call('PTTL', 'foo')) as number;
  assert.ok(pttl > 2569591501 - 3000 && pttl <= 2569591501);
});

test('RESTORE with ABSTTL sets an absolute expire; one in the past creates nothing', async () => {
  await c.call('SET', 'foo', 'bar');
  const p = await dump('foo');
  await c.call('DEL', 'foo');
  await c.call('RESTORE', 'foo', String(Date.now() + 3000), bin(p), 'ABSTTL');
  const pttl = (await c.call('PTTL', 'foo')) as number;
  assert.ok(pttl > 2000 && pttl <= 3100);
  await c.call('DEL', 'foo');
  assert.equal(await c.call('RESTORE', 'foo', String(Date.now() - 3000), bin(p), 'ABSTTL'), 'OK');
  assert.equal(await c.call('EXISTS', 'foo'), 0);
  // With REPLACE the old key is deleted, and the deletion is what propagates.
  await c.call('SET', 'foo', 'old');
  propagated.length = 0;
  assert.equal(await c.call('RESTORE', 'foo', String(Date.now() - 3000), bin(p), 'ABSTTL', 'REPLACE'), 'OK');
  assert.equal(await c.call('EXISTS', 'foo'), 0);
  assert.deepEqual(propagated, [['DEL', 'foo']]);
});

test('RESTORE refuses an existing key with BUSYKEY unless REPLACE, which also drops the old TTL', async () => {
  await c.call('SET', 'foo', 'bar1');
  const p1 = await dump('foo');
  await c.call('SET', 'foo', 'bar2');
  const p2 = await dump('foo');
  assert.equal(errText(await c.call('RESTORE', 'foo', '0', bin(p1))), 'BUSYKEY Target key name already exists.');
  await c.call('PEXPIRE', 'foo', '100000');
  assert.equal(await c.call('RESTORE', 'foo', '0', bin(p1), 'REPLACE'), 'OK');
  assert.equal(await c.call('GET', 'foo'), 'bar1');
  assert.equal(await c.call('TTL', 'foo'), -1);
  assert.equal(await c.call('RESTORE', 'foo', '0', bin(p2), 'replace'), 'OK');
  assert.equal(await c.call('GET', 'foo'), 'bar2');
});

test('RESTORE argument errors, in Redis order', async () => {
  await c.call('SET', 'foo', 'bar');
  const p = await dump('foo');
  // Options are parsed before the key and TTL are looked at.
  assert.equal(errText(await c.call('RESTORE', 'foo', '0', '...', 'invalid-option')), 'ERR syntax error');
  assert.equal(errText(await c.call('RESTORE', 'foo', 'x', '...', 'IDLETIME', '-1')), 'ERR Invalid IDLETIME value, must be >= 0');
  assert.equal(errText(await c.call('RESTORE', 'foo', '0', '...', 'IDLETIME', 'abc')), 'ERR value is not an integer or out of range');
  assert.equal(errText(await c.call('RESTORE', 'foo', '0', '...', 'FREQ', '256')), 'ERR Invalid FREQ value, must be >= 0 and <= 255');
  assert.equal(errText(await c.call('RESTORE', 'foo', '0', '...', 'FREQ', '-1')), 'ERR Invalid FREQ value, must be >= 0 and <= 255');
  assert.equal(errText(await c.call('RESTORE', 'foo', '0', '...', 'IDLETIME', '1', 'FREQ', '1')), 'ERR syntax error');
  assert.equal(errText(await c.call('RESTORE', 'foo', '0', '...', 'FREQ', '1', 'IDLETIME', '1')), 'ERR syntax error');
  assert.equal(errText(await c.call('RESTORE', 'foo', '0', '...', 'IDLETIME')), 'ERR syntax error');
  // Then BUSYKEY, then the TTL, then the payload.
  assert.equal(errText(await c.call('RESTORE', 'foo', 'x', '...')), 'BUSYKEY Target key name already exists.');
  assert.equal(errText(await c.call('RESTORE', 'new', 'x', '...')), 'ERR value is not an integer or out of range');
  assert.equal(errText(await c.call('RESTORE', 'new', '-1', '...')), 'ERR Invalid TTL value, must be >= 0');
  assert.equal(errText(await c.call('RESTORE', 'new', '0', '...')), 'ERR DUMP payload version or checksum are wrong');
  assert.equal(errText(await c.call('RESTORE', 'new', '0', '')), 'ERR DUMP payload version or checksum are wrong');
  assert.equal(errText(await c.call('RESTORE', 'new')), "ERR wrong number of arguments for 'restore' command");
  // IDLETIME / FREQ are accepted.
  assert.equal(await c.call('RESTORE', 'new', '0', bin(p), 'IDLETIME', '1000'), 'OK');
  assert.equal(await c.call('RESTORE', 'new', '0', bin(p), 'REPLACE', 'FREQ', '100'), 'OK');
});

test('RESTORE refuses a wrong checksum or a newer RDB version, and a valid checksum over garbage is Bad data format', async () => {
  await c.call('SET', 'foo', 'bar');
  const p = await dump('foo');
  const badCrc = Buffer.from(p);
  badCrc[badCrc.length - 1]! ^= 1;
  assert.equal(errText(await c.call('RESTORE', 'x', '0', badCrc)), 'ERR DUMP payload version or checksum are wrong');
  // Version 11 (Redis 7.2) is newer than 7.0's RDB_VERSION 10.
  const v11 = Buffer.from(p);
  v11[v11.length - 10] = 11;
  new Crc64().update(v11, 0, v11.length - 8).writeLE(v11, v11.length - 8);
  assert.equal(errText(await c.call('RESTORE', 'x', '0', v11)), 'ERR DUMP payload version or checksum are wrong');
  // Version 9 (Redis 5/6) is fine.
  const v9 = Buffer.from(p);
  v9[v9.length - 10] = 9;
  new Crc64().update(v9, 0, v9.length - 8).writeLE(v9, v9.length - 8);
  assert.equal(await c.call('RESTORE', 'x', '0', v9), 'OK');
  const garbage = Buffer.from([0x63, 0x01, 0x02, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  new Crc64().update(garbage, 0, 5).writeLE(garbage, 5);
  assert.equal(errText(await c.call('RESTORE', 'y', '0', garbage)), 'ERR Bad data format');
  // An empty collection is Bad data format too.
  const emptySet = Buffer.from([2, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  new Crc64().update(emptySet, 0, 4).writeLE(emptySet, 4);
  assert.equal(errText(await c.call('RESTORE', 'y', '0', emptySet)), 'ERR Bad data format');
  assert.equal(await c.call('EXISTS', 'y'), 0);
});

test('DEBUG SET-SKIP-CHECKSUM-VALIDATION 1 lets a payload with a wrong checksum restore', async () => {
  await c.call('SET', 'foo', 'bar');
  const p = await dump('foo');
  p.fill(0, p.length - 8);
  assert.equal(await c.call('DEBUG', 'SET-SKIP-CHECKSUM-VALIDATION', '1'), 'OK');
  try {
    assert.equal(await c.call('RESTORE', 'skipped', '0', p), 'OK');
    assert.equal(await c.call('GET', 'skipped'), 'bar');
  } finally {
    await c.call('DEBUG', 'SET-SKIP-CHECKSUM-VALIDATION', '0');
  }
  assert.equal(errText(await c.call('RESTORE', 'skipped2', '0', p)), 'ERR DUMP payload version or checksum are wrong');
});

test('payloads DUMPed by redis-server 7.0.15 restore to values with the same DEBUG DIGEST-VALUE', async () => {
  const exp = expected()['all-types.rdb']!;
  let n = 0;
  for (const k of exp.keys!) {
    if (k.dump === null) continue;
    // Keys that had a TTL get one (their digest includes it).
    const ttl = k.key.startsWith('ttl:') ? '100000' : '0';
    assert.equal(await c.call('RESTORE', 'r:' + k.key, ttl, Buffer.from(k.dump, 'hex'), 'REPLACE'), 'OK', k.key);
    assert.deepEqual(await c.call('DEBUG', 'DIGEST-VALUE', 'r:' + k.key), [k.digest], k.key);
    n++;
  }
  assert.ok(n >= 25);
});

test('a RESTOREd value DUMPs back to the same payload when its encoding is unchanged', async () => {
  const l = new RList();
  for (let i = 0; i < 500; i++) l.pushTail(`e${i}`);
  const p = dumpPayload(l, true);
  await c.call('RESTORE', 'biglist', '0', p, 'REPLACE');
  assert.deepEqual(await dump('biglist'), p);
  await c.call('SET', 'str', 'x'.repeat(100));
  const s = await dump('str');
  assert.ok(s.length < 40, 'a compressible string is LZF-compressed (rdbcompression yes)');
  await c.call('RESTORE', 'str2', '0', s);
  assert.equal(await c.call('GET', 'str2'), 'x'.repeat(100));
});

test('DEBUG DIGEST and DIGEST-VALUE', async () => {
  await c.call('FLUSHALL');
  assert.equal(await c.callRaw('DEBUG', 'DIGEST'), '+' + '0'.repeat(40) + '\r\n');
  await c.call('SET', 'foo', 'bar');
  assert.equal(await c.call('DEBUG', 'DIGEST'), 'd2ab4820c1be0580ea28efbfe8bfa1dc05bb802a');
  assert.equal(
    await c.callRaw('DEBUG', 'DIGEST-VALUE', 'foo', 'missing'),
    '*2\r\n+68467c70ae30376e7ce005bcc8827f5ba7fd67dc\r\n+0000000000000000000000000000000000000000\r\n',
  );
  assert.equal(await c.callRaw('DEBUG', 'DIGEST-VALUE'), '*0\r\n');
  assert.equal(errText(await c.call('DEBUG', 'digest', 'x')), "ERR unknown subcommand or wrong number of arguments for 'digest'. Try DEBUG HELP.");
});

/** Tcl "\xHH" payload strings from Redis's corrupt-dump.tcl. */
function corruptPayloads(): Buffer[] {
  const path = '/work/redis-suite/tests/integration/corrupt-dump.tcl';
  const text = readFileSync(path, 'latin1');
  const out: Buffer[] = [];
  for (const m of text.matchAll(/"((?:\\x[0-9A-Fa-f]{2}|[^"\\]|\\.)+)"/g)) {
    const body = m[1]!;
    if (!body.startsWith('\\x')) continue;
    const bytes: number[] = [];
    for (let i = 0; i < body.length; ) {
      if (body[i] === '\\' && body[i + 1] === 'x') {
        bytes.push(parseInt(body.slice(i + 2, i + 4), 16));
        i += 4;
      } else {
        bytes.push(body.charCodeAt(i));
        i++;
      }
    }
    if (bytes.length >= 10) out.push(Buffer.from(bytes));
  }
  return out;
}

test(
  "Redis's corrupt-dump payloads are refused or restored without harming the server",
  { skip: !existsSync('/work/redis-suite/tests/integration/corrupt-dump.tcl') && 'Redis test suite not present' },
  async () => {
    const payloads = corruptPayloads();
    assert.ok(payloads.length > 20);
    await c.call('DEBUG', 'SET-SKIP-CHECKSUM-VALIDATION', '1');
    try {
      let refused = 0;
      for (const p of payloads) {
        const r = await c.call('RESTORE', 'corrupt', '0', p, 'REPLACE');
        if (r instanceof ErrorReply) {
          assert.match(r.message, /^ERR (Bad data format|DUMP payload version or checksum are wrong)$/);
          refused++;
        } else {
          assert.equal(r, 'OK');
          // Whatever was accepted must be fully usable.
          await c.call('DUMP', 'corrupt');
          await c.call('DEBUG', 'DIGEST-VALUE', 'corrupt');
        }
        assert.equal(await c.call('PING'), 'PONG');
      }
      assert.ok(refused > payloads.length / 2, `${refused} of ${payloads.length} refused`);
    } finally {
      await c.call('DEBUG', 'SET-SKIP-CHECKSUM-VALIDATION', '0');
    }
  },
);
