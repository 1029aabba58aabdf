#!/usr/bin/env node
// Regenerates test/fixtures/rdb/ with a real redis-server 7.0.15:
//   all-types.rdb             every type and encoding Redis 7.0 writes (small and large values,
//                             int/LZF strings, TTLs, three databases, a function library)
//   all-types-plain.rdb       the small keys of that dataset with rdbcompression no and
//                             rdbchecksum no (a zero checksum)
//   compressed-list.rdb       a long list under list-compress-depth 1 (LZF quicklist nodes)
//   history.rdb               values whose layout depends on how they were built (LPUSH
//                             list, an intset that shrank): read, not byte-compared
//   expected.json             per file: DEBUG DIGEST; per key of db 0: type, OBJECT ENCODING,
//                             DUMP payload (hex, when at most 1 KB), DEBUG DIGEST-VALUE
//
// Usage: node scripts/gen-rdb-fixtures.mjs [redis-server path]
// The dataset is deterministic; the files differ between runs only in the AUX fields
// ctime and used-mem (and the CRC that covers them).
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'test/fixtures/rdb');
const bin = process.argv[2] ?? 'redis-server';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A minimal RESP client: one request at a time, replies parsed into JS values (bulk = Buffer). */
class Client {
  constructor(sock) {
    this.sock = sock;
    this.buf = Buffer.alloc(0);
    this.waiting = null;
    sock.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.pump();
    });
  }
  static connect(port) {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new Client(s)));
      s.once('error', reject);
    });
  }
  parse(pos) {
    const nl = this.buf.indexOf('\r\n', pos);
    if (nl < 0) return null;
    const t = String.fromCharCode(this.buf[pos]);
    const line = this.buf.toString('latin1', pos + 1, nl);
    if (t === '+' || t === ':') return [t === ':' ? Number(line) : line, nl + 2];
    if (t === '-') return [new Error(line), nl + 2];
    if (t === '$') {
      const n = Number(line);
      if (n < 0) return [null, nl + 2];
      if (this.buf.length < nl + 2 + n + 2) return null;
      return [this.buf.subarray(nl + 2, nl + 2 + n), nl + 2 + n + 2];
    }
    if (t === '*') {
      const n = Number(line);
      const items = [];
      let p = nl + 2;
      for (let i = 0; i < n; i++) {
        const r = this.parse(p);
        if (r === null) return null;
        items.push(r[0]);
        p = r[1];
      }
      return [items, p];
    }
    throw new Error('unexpected reply ' + line);
  }
  pump() {
    if (!this.waiting) return;
    const r = this.parse(0);
    if (r === null) return;
    this.buf = this.buf.subarray(r[1]);
    const w = this.waiting;
    this.waiting = null;
    if (r[0] instanceof Error) w.reject(r[0]);
    else w.resolve(r[0]);
  }
  call(...args) {
    const parts = [Buffer.from(`*${args.length}\r\n`)];
    for (const a of args) {
      const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'latin1');
      parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
    }
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.sock.write(Buffer.concat(parts));
      this.pump();
    });
  }
  close() {
    this.sock.destroy();
  }
}

async function startRedis(dir, extra = []) {
  const port = await freePort();
  const proc = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--enable-debug-command', 'yes', ...extra], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    try {
      const c = await Client.connect(port);
      await c.call('PING');
      return { port, proc, c };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('redis-server did not start');
}

/** Deterministic pseudo-random bytes (xorshift32). */
function noise(n, seed) {
  let x = seed >>> 0 || 1;
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

const FAR = 4102444800000; // 2100-01-01, so TTL keys never expire while tests run

async function fillAllTypes(c) {
  await c.call('FLUSHALL');
  await c.call('SELECT', 0);
  // Strings: int encodings, raw, LZF-compressible, incompressible, binary.
  await c.call('SET', 'str:small', 'hello');
  await c.call('SET', 'str:int8', '100');
  await c.call('SET', 'str:int16', '30000');
  await c.call('SET', 'str:int32', '2000000000');
  await c.call('SET', 'str:int64', '9000000000000000000');
  await c.call('SET', 'str:neg', '-5');
  await c.call('SET', 'str:empty', '');
  await c.call('SET', 'str:zeros', '007');
  await c.call('SET', 'str:float', '3.14');
  await c.call('SET', 'str:lzf', 'abcabcabc'.repeat(20));
  await c.call('SET', 'str:noise', noise(40, 7));
  await c.call('SET', 'str:binary', Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
  await c.call('SET', 'key-that-is-long-enough-to-be-lzf-compressed-key-key-key-key', 'v');
  await c.call('SET', '12345', 'integer-looking key');
  // Lists: one listpack node, many nodes (RPUSH), a node holding one big element.
  await c.call('RPUSH', 'list:small', 'a', 'b', 'c', '1', '2', '300', '-70000', '5000000000');
  const big = [];
  for (let i = 0; i < 400; i++) big.push(i % 3 === 0 ? String(i * 7) : `item-${i}-${'x'.repeat(i % 40)}`);
  await c.call('RPUSH', 'list:big', ...big);
  await c.call('RPUSH', 'list:longitem', 'y'.repeat(5000), 'short');
  // Hashes: listpack, hashtable by count, hashtable by value size.
  await c.call('HSET', 'hash:small', 'name', 'amber', 'n', '42', 'neg', '-1', 'big', '123456789012', 'f', '1.5');
  const hf = [];
  for (let i = 0; i < 130; i++) hf.push(`field${i}`, i % 2 ? String(i) : `value-${i}`);
  await c.call('HSET', 'hash:big', ...hf);
  await c.call('HSET', 'hash:longvalue', 'a', '1', 'long', 'z'.repeat(100));
  // Sets: intset (16, 32 and 64-bit), hashtable of strings, hashtable of many integers.
  await c.call('SADD', 'set:int16', '1', '2', '3', '-100', '32767');
  await c.call('SADD', 'set:int32', '1', '70000', '-5');
  await c.call('SADD', 'set:int64', '1', '1099511627776', '-9223372036854775808');
  await c.call('SADD', 'set:strings', 'apple', 'banana', 'cherry', '42');
  const many = [];
  for (let i = 0; i < 520; i++) many.push(String(i * 3));
  await c.call('SADD', 'set:manyints', ...many);
  // Sorted sets: listpack (integer, fractional, infinite and huge scores), skiplist.
  await c.call('ZADD', 'zset:small', '1', 'one', '2.5', 'two.five', '-3', 'minus', '1e100', 'huge', 'inf', 'top', '-inf', 'bottom', '5000000000000000000', 'big');
  const zm = [];
  for (let i = 0; i < 130; i++) zm.push(String(i / 7), `member${i}`);
  await c.call('ZADD', 'zset:big', ...zm);
  await c.call('ZADD', 'zset:longmember', '1', 'm'.repeat(80), '2', 'b');
  // TTLs.
  await c.call('SET', 'ttl:string', 'expiring');
  await c.call('PEXPIREAT', 'ttl:string', FAR);
  await c.call('HSET', 'ttl:hash', 'a', '1');
  await c.call('PEXPIREAT', 'ttl:hash', FAR + 12345);
  // Other databases.
  await c.call('SELECT', 1);
  await c.call('SET', 'db1:key', 'in db one');
  await c.call('RPUSH', 'db1:list', 'x', 'y');
  await c.call('SET', 'db1:ttl', 'v');
  await c.call('PEXPIREAT', 'db1:ttl', FAR);
  await c.call('SELECT', 5);
  await c.call('SADD', 'db5:set', 'only', 'key');
  await c.call('SELECT', 0);
  // A function library (saved with the FUNCTION2 opcode).
  await c.call('FUNCTION', 'LOAD', "#!lua name=mylib\nredis.register_function('echo1', function(keys, args) return args[1] end)");
}

async function describe(c) {
  const digest = await c.call('DEBUG', 'DIGEST');
  const keys = [];
  await c.call('SELECT', 0);
  const names = (await c.call('KEYS', '*')).map((b) => b.toString('latin1')).sort();
  for (const k of names) {
    keys.push({
      key: k,
      type: await c.call('TYPE', k),
      encoding: (await c.call('OBJECT', 'ENCODING', k)).toString('latin1'),
      // Payloads of large values are left out to keep the fixture small (the .rdb files
      // cover them byte for byte).
      dump: await c.call('DUMP', k).then((b) => (b.length <= 1024 ? b.toString('hex') : null)),
      digest: (await c.call('DEBUG', 'DIGEST-VALUE', k))[0],
    });
  }
  return { digest, keys };
}

/** Starts a server with `args`, fills it, saves, copies dump.rdb to `name`; returns describe(). */
async function generate(name, args, fill, dir) {
  const r = await startRedis(dir, args);
  try {
    await fill(r.c);
    const d = await describe(r.c);
    await r.c.call('SAVE');
    copyFileSync(join(dir, 'dump.rdb'), join(outDir, name));
    rmSync(join(dir, 'dump.rdb'));
    r.c.close();
    return d;
  } finally {
    r.proc.kill('SIGKILL');
  }
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'rdb-fixtures-'));
  const expected = {};
  try {
    expected['all-types.rdb'] = await generate('all-types.rdb', [], fillAllTypes, dir);
    // Uncompressed and without checksum; the large collections are dropped to keep it small.
    const plain = await generate(
      'all-types-plain.rdb',
      ['--rdbcompression', 'no', '--rdbchecksum', 'no'],
      async (c) => {
        await fillAllTypes(c);
        await c.call('DEL', 'list:big', 'hash:big', 'set:manyints', 'zset:big');
      },
      dir,
    );
    expected['all-types-plain.rdb'] = { digest: plain.digest };
    expected['compressed-list.rdb'] = await generate(
      'compressed-list.rdb',
      ['--list-compress-depth', '1'],
      async (c) => {
        const items = [];
        for (let i = 0; i < 2000; i++) items.push(`element-${i % 100}-${'q'.repeat(i % 20)}`);
        await c.call('RPUSH', 'list:compressed', ...items);
        await c.call('SET', 'plain', 'value');
      },
      dir,
    );
    expected['compressed-list.rdb'].listCompressDepth = 1;
    // Values whose bytes depend on their history, which a writer that only sees the
    // contents cannot reproduce: a list grown at the head, an intset that shrank.
    expected['history.rdb'] = await generate(
      'history.rdb',
      [],
      async (c) => {
        const head = [];
        for (let i = 0; i < 330; i++) head.push(`h${i}-${'w'.repeat(20)}`);
        await c.call('LPUSH', 'list:lpush', ...head);
        await c.call('SADD', 'set:shrunk', '1', '2', '100000');
        await c.call('SREM', 'set:shrunk', '100000');
      },
      dir,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  writeFileSync(join(outDir, 'expected.json'), JSON.stringify(expected, null, 1) + '\n');
  console.log(`wrote fixtures to ${outDir}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
