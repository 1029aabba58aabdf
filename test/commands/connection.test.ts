import { after, before, describe, test } from 'node:test';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import assert from 'node:assert/strict';
import { ErrorReply, TestClient } from '../helpers/resp.js';
import { NO_REDIS, bothReplies, redisServerPath, startAmber, startRedis, waitFor, type RealRedis, type TestAmber } from '../helpers/servers.js';

let amber: TestAmber;
before(async () => {
  amber = await startAmber();
});
after(async () => {
  await amber.stop();
});

/** Where `ss` is, or null. */
function ssPath(): string | null {
  for (const p of ['/usr/bin/ss', '/bin/ss', '/usr/sbin/ss', '/sbin/ss']) if (existsSync(p)) return p;
  return null;
}

/** The CLIENT LIST line of the connection with this id, as a field map. */
async function clientFields(c: TestClient, id: number): Promise<Map<string, string>> {
  const text = (await c.call('CLIENT', 'LIST', 'ID', id)) as string;
  const line = text.split('\n')[0]!;
  return new Map(line.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

describe('PING, ECHO, SELECT, QUIT', () => {
  test('PING answers PONG, or its argument as a bulk string', async () => {
    const c = await amber.client();
    assert.equal(await c.callRaw('PING'), '+PONG\r\n');
    assert.equal(await c.callRaw('PING', 'hello'), '$5\r\nhello\r\n');
  });

  test('PING with two arguments is an arity error', async () => {
    const c = await amber.client();
    assert.equal(await c.callRaw('PING', 'a', 'b'), "-ERR wrong number of arguments for 'ping' command\r\n");
  });

  test('ECHO returns binary-safe messages', async () => {
    const c = await amber.client();
    const msg = Buffer.from([0, 255, 13, 10, 65]);
    assert.equal(await c.callRaw('ECHO', msg), '$5\r\n\x00\xff\r\nA\r\n');
    assert.equal(await c.callRaw('ECHO'), "-ERR wrong number of arguments for 'echo' command\r\n");
  });

  test('SELECT switches databases and rejects bad indexes', async () => {
    const c = await amber.client();
    assert.equal(await c.call('SELECT', 3), 'OK');
    await c.call('SET', 'sel-k', 'v');
    assert.equal(await c.call('SELECT', 0), 'OK');
    assert.equal(await c.call('GET', 'sel-k'), null);
    assert.equal(await c.callRaw('SELECT', 16), '-ERR DB index is out of range\r\n');
    assert.equal(await c.callRaw('SELECT', -1), '-ERR DB index is out of range\r\n');
    assert.equal(await c.callRaw('SELECT', 'x'), '-ERR value is not an integer or out of range\r\n');
  });

  test('QUIT replies OK, closes, and pipelined commands after it do not run', async () => {
    const c = await TestClient.connect(amber.port);
    c.sendRaw('*1\r\n$4\r\nQUIT\r\n*3\r\n$3\r\nSET\r\n$7\r\nquit-ko\r\n$1\r\nx\r\n');
    assert.equal(await c.readRaw(), '+OK\r\n');
    await c.closed();
    const d = await amber.client();
    assert.equal(await d.call('EXISTS', 'quit-ko'), 0);
  });

  test('a client that half-closes after its commands gets their replies, then the server closes and forgets it', async () => {
    const watcher = await amber.client();
    const before = Number(/connected_clients:(\d+)/.exec((await watcher.call('INFO', 'clients')) as string)![1]);
    const sock = net.connect({ port: amber.port, host: '127.0.0.1', allowHalfOpen: true });
    await new Promise((r) => sock.once('connect', r));
    let got = '';
    sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
    const closed = new Promise((r) => sock.once('close', r));
    sock.end('*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n');
    // The server closes its side too: nothing is left half-open.
    const timedOut = await Promise.race([closed.then(() => false), new Promise((r) => setTimeout(() => r(true), 5000))]);
    assert.equal(timedOut, false, 'the server closed the connection');
    assert.equal(got, '+PONG\r\n$2\r\nhi\r\n');
    await waitFor(async () => Number(/connected_clients:(\d+)/.exec((await watcher.call('INFO', 'clients')) as string)![1]) === before, 2000, 'the client to be gone');
  });

  test('accepted sockets read into the server\'s shared buffer (no \'data\' listener) and count as the listener\'s connections', async () => {
    const c = await amber.client();
    const id = (await c.call('CLIENT', 'ID')) as number;
    const socket = amber.server.clients.get(id)!.socket!;
    assert.equal(socket.listenerCount('data'), 0, 'reads come through onread, not the stream path');
    const server = (socket as unknown as { server: net.Server }).server;
    const count = (): Promise<number> => new Promise((res, rej) => server.getConnections((e, n) => (e ? rej(e) : res(n))));
    const before = await count();
    const d = await amber.client();
    await d.call('PING');
    assert.equal(await count(), before + 1);
    d.close();
    await waitFor(async () => (await count()) === before, 2000, 'the closed connection to leave the count');
  });

  test('many clients sending pipelines in pieces at once each get their own commands (one read buffer for all)', async () => {
    const clients = await Promise.all(Array.from({ length: 12 }, () => amber.client()));
    let seed = 5;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    const values: string[][] = clients.map(() => []);
    const streams = clients.map((_, i) => {
      let wire = '';
      for (let j = 0; j < 150; j++) {
        const v = String.fromCharCode(65 + i).repeat(1 + rand(300));
        values[i]!.push(v);
        wire += `*3\r\n$3\r\nSET\r\n$${`shared:${i}:${j}`.length}\r\nshared:${i}:${j}\r\n$${v.length}\r\n${v}\r\n`;
      }
      return Buffer.from(wire, 'latin1');
    });
    // Pieces of every client interleaved, so reads of different clients alternate in the
    // server and frames stay split across them.
    const at = streams.map(() => 0);
    while (at.some((p, i) => p < streams[i]!.length)) {
      for (const [i, c] of clients.entries()) {
        const n = 1 + rand(400);
        if (at[i]! < streams[i]!.length) c.sendRaw(streams[i]!.subarray(at[i]!, at[i]! + n));
        at[i]! += n;
      }
      await new Promise((r) => setImmediate(r));
    }
    for (const c of clients) for (let j = 0; j < 150; j++) assert.equal(await c.read(), 'OK');
    const check = await amber.client();
    for (const [i] of clients.entries()) {
      for (let j = 0; j < 150; j++) {
        assert.equal(await check.call('GET', `shared:${i}:${j}`), values[i]![j], `shared:${i}:${j}`);
      }
    }
  });

  test('tcp-keepalive: accepted sockets send keepalive probes after that many seconds; 0 turns them off', { skip: ssPath() === null && 'ss (iproute2) is not installed' }, async () => {
    // The server's side of its established connections, with their timers.
    const timers = async (): Promise<string> => execFileSync(ssPath()!, ['-tnoH', 'state', 'established', `sport = :${amber.port}`], { encoding: 'latin1' });
    const c = await amber.client();
    await c.call('PING');
    assert.match(await timers(), /timer:\(keepalive,(4min5\d|5min)/, 'Redis\'s default of 300 s');
    const admin = await amber.client();
    try {
      assert.equal(await admin.call('CONFIG', 'SET', 'tcp-keepalive', '0'), 'OK');
      const d = await amber.client();
      await d.call('PING');
      const peer = / addr=(\S+)/.exec((await d.call('CLIENT', 'INFO')) as string)![1]!;
      const line = (await timers()).split('\n').find((l) => l.includes(` ${peer} `) || l.trimEnd().endsWith(` ${peer}`));
      assert.ok(line !== undefined, 'the new connection is listed');
      assert.doesNotMatch(line, /keepalive/);
    } finally {
      await admin.call('CONFIG', 'SET', 'tcp-keepalive', '300');
    }
  });

  test('CLIENT LIST shows the peer and local address of a client that never asked for them', async () => {
    const c = await amber.client();
    const id = (await c.call('CLIENT', 'ID')) as number;
    const f = await clientFields(c, id);
    assert.match(f.get('addr')!, /^127\.0\.0\.1:\d+$/);
    assert.equal(f.get('laddr'), `127.0.0.1:${amber.port}`);
  });
});

describe('HELLO', () => {
  test('HELLO 3 switches to RESP3 and answers a map', async () => {
    const c = await TestClient.connect(amber.port);
    const raw = await c.callRaw('HELLO', 3);
    assert.match(raw, /^%7\r\n\$6\r\nserver\r\n\$5\r\nredis\r\n\$7\r\nversion\r\n\$6\r\n7\.0\.15\r\n\$5\r\nproto\r\n:3\r\n\$2\r\nid\r\n:\d+\r\n\$4\r\nmode\r\n\$10\r\nstandalone\r\n\$4\r\nrole\r\n\$6\r\nmaster\r\n\$7\r\nmodules\r\n\*0\r\n$/);
    assert.equal(await c.callRaw('GET', 'no-such-key-hello'), '_\r\n');
    c.close();
  });

  test('HELLO without a version keeps the protocol; HELLO 2 goes back to RESP2', async () => {
    const c = await TestClient.connect(amber.port);
    const m = (await c.call('HELLO')) as unknown[];
    assert.equal(m[5], 2);
    await c.call('HELLO', 3);
    assert.ok((await c.callRaw('HELLO', 2)).startsWith('*14\r\n'));
    c.close();
  });

  test('HELLO rejects bad versions and options with Redis texts', async () => {
    const c = await amber.client();
    assert.equal(await c.callRaw('HELLO', 4), '-NOPROTO unsupported protocol version\r\n');
    assert.equal(await c.callRaw('HELLO', 'x'), '-ERR Protocol version is not an integer or out of range\r\n');
    assert.equal(await c.callRaw('HELLO', 3, 'FOO'), "-ERR Syntax error in HELLO option 'FOO'\r\n");
    assert.equal(await c.callRaw('HELLO', 3, 'AUTH', 'default'), "-ERR Syntax error in HELLO option 'AUTH'\r\n");
  });

  test('HELLO SETNAME names the connection', async () => {
    const c = await amber.client();
    await c.call('HELLO', 2, 'SETNAME', 'hello-named');
    assert.equal(await c.call('CLIENT', 'GETNAME'), 'hello-named');
  });
});

describe('AUTH without requirepass', () => {
  test('AUTH password fails with the no-password-configured text', async () => {
    const c = await amber.client();
    assert.equal(
      await c.callRaw('AUTH', 'foo'),
      '-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n',
    );
  });

  test('AUTH default <anything> succeeds (the default user has no password)', async () => {
    const c = await amber.client();
    assert.equal(await c.call('AUTH', 'default', 'whatever'), 'OK');
    assert.equal(await c.callRaw('AUTH', 'alice', 'pw'), '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
  });

  test('AUTH with too many arguments is a syntax error', async () => {
    const c = await amber.client();
    assert.equal(await c.callRaw('AUTH', 'a', 'b', 'c'), '-ERR syntax error\r\n');
  });
});

describe('requirepass', () => {
  let secured: TestAmber;
  before(async () => {
    secured = await startAmber({ requirepass: 'foobar' });
  });
  after(async () => {
    await secured.stop();
  });

  test('commands answer NOAUTH until AUTH succeeds', async () => {
    const c = await secured.client();
    assert.equal(await c.callRaw('SET', 'k', 'v'), '-NOAUTH Authentication required.\r\n');
    assert.equal(await c.callRaw('AUTH', 'wrong!'), '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    assert.equal(await c.call('AUTH', 'foobar'), 'OK');
    assert.equal(await c.call('SET', 'k', '100'), 'OK');
    assert.equal(await c.call('INCR', 'k'), 101);
  });

  test('AUTH default password and HELLO AUTH log in', async () => {
    const c = await secured.client();
    assert.equal(await c.call('AUTH', 'default', 'foobar'), 'OK');
    const d = await secured.client();
    assert.ok(
      (await d.callRaw('HELLO', 3)).startsWith(
        '-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used',
      ),
    );
    assert.equal(await d.callRaw('HELLO', 3, 'AUTH', 'default', 'nope'), '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    const m = (await d.call('HELLO', 3, 'AUTH', 'default', 'foobar')) as Map<string, unknown>;
    assert.equal(m.get('proto'), 3);
  });

  test('unauthenticated clients get tight multibulk and bulk limits', async () => {
    const c = await secured.client();
    c.sendRaw('*100\r\n');
    assert.equal(await c.readRaw(), '-ERR Protocol error: unauthenticated multibulk length\r\n');
    await c.closed();
    const d = await secured.client();
    d.sendRaw('*1\r\n$100000000\r\n');
    assert.equal(await d.readRaw(), '-ERR Protocol error: unauthenticated bulk length\r\n');
    await d.closed();
  });

  test('RESET logs the connection out again', async () => {
    const c = await secured.client();
    await c.call('AUTH', 'foobar');
    assert.equal(await c.call('RESET'), 'RESET');
    assert.equal(await c.callRaw('GET', 'k'), '-NOAUTH Authentication required.\r\n');
  });

  test('a binary password works', async () => {
    const c = await secured.client();
    await c.call('AUTH', 'foobar');
    assert.equal(await c.call('CONFIG', 'SET', 'requirepass', 'abc\x00def'), 'OK');
    const d = await secured.client();
    assert.ok((await d.callRaw('AUTH', 'abc')).startsWith('-WRONGPASS'));
    assert.equal(await d.call('AUTH', 'abc\x00def'), 'OK');
    await c.call('CONFIG', 'SET', 'requirepass', 'foobar');
  });
});

describe('RESET', () => {
  test('clears name, database, protocol, transaction and MONITOR state', async () => {
    const c = await amber.client();
    await c.call('CLIENT', 'SETNAME', 'to-reset');
    await c.call('SELECT', 5);
    await c.call('HELLO', 3);
    await c.call('MULTI');
    await c.call('SET', 'reset-k', 'a');
    assert.equal(await c.callRaw('RESET'), '+RESET\r\n');
    assert.equal(await c.callRaw('EXEC'), '-ERR EXEC without MULTI\r\n');
    const id = (await c.call('CLIENT', 'ID')) as number;
    const f = await clientFields(c, id);
    assert.equal(f.get('name'), '');
    assert.equal(f.get('db'), '0');
    assert.equal(f.get('resp'), '2');
    assert.equal(f.get('flags'), 'N');
    assert.equal(await c.call('EXISTS', 'reset-k'), 0);
  });

  test('ends MONITOR mode', async () => {
    const m = await amber.client();
    assert.equal(await m.call('MONITOR'), 'OK');
    assert.equal(await m.call('RESET'), 'RESET');
    const c = await amber.client();
    assert.doesNotMatch((await c.call('CLIENT', 'LIST')) as string, /flags=O/);
  });
});

describe('CLIENT', () => {
  test('CLIENT ID is the id CLIENT LIST shows, and ids grow', async () => {
    const a = await amber.client();
    const b = await amber.client();
    const ida = (await a.call('CLIENT', 'ID')) as number;
    const idb = (await b.call('CLIENT', 'ID')) as number;
    assert.ok(idb > ida);
    assert.match((await a.call('CLIENT', 'LIST', 'ID', ida)) as string, new RegExp(`^id=${ida} `));
  });

  test('CLIENT LIST has Redis 7.0 fields in order, with cmd and qbuf of the running command', async () => {
    const c = await amber.client();
    const text = (await c.call('CLIENT', 'INFO')) as string;
    assert.match(
      text,
      /^id=\d+ addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:\d+ fd=-?\d+ name= age=\d+ idle=\d+ flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=\d+ argv-mem=\d+ multi-mem=0 rbs=\d+ rbp=\d+ obl=0 oll=0 omem=0 tot-mem=\d+ events=r cmd=client\|info user=default redir=-1 resp=2\n$/,
    );
    const list = (await c.call('CLIENT', 'LIST')) as string;
    assert.match(list, /cmd=client\|list /);
    assert.ok(list.endsWith('\n'));
  });

  test('CLIENT INFO is verbatim text in RESP3', async () => {
    const c = await TestClient.connect(amber.port);
    await c.call('HELLO', 3);
    assert.match(await c.callRaw('CLIENT', 'INFO'), /^=\d+\r\ntxt:id=/);
    c.close();
  });

  test('CLIENT LIST shows multi, flags and the last command', async () => {
    const c = await amber.client();
    const obs = await amber.client();
    const id = (await c.call('CLIENT', 'ID')) as number;
    await c.call('MULTI');
    await c.call('SET', 'x', 'y');
    const f = await clientFields(obs, id);
    assert.equal(f.get('flags'), 'x');
    assert.equal(f.get('multi'), '1');
    assert.equal(f.get('cmd'), 'set');
    await c.call('DISCARD');
    await c.call('NOSUCHCOMMAND');
    assert.equal((await clientFields(obs, id)).get('cmd'), 'NULL');
  });

  test('CLIENT LIST TYPE and ID filter; bad arguments error as Redis', async () => {
    const c = await amber.client();
    const normal = (await c.call('CLIENT', 'LIST', 'TYPE', 'normal')) as string;
    assert.ok(normal.split('\n').length >= 2);
    assert.equal(await c.call('CLIENT', 'LIST', 'TYPE', 'master'), '');
    assert.equal(await c.call('CLIENT', 'LIST', 'TYPE', 'replica'), '');
    assert.equal(await c.callRaw('CLIENT', 'LIST', 'TYPE', 'bogus'), "-ERR Unknown client type 'bogus'\r\n");
    assert.equal(await c.callRaw('CLIENT', 'LIST', 'ID', 'x'), '-ERR Invalid client ID\r\n');
    assert.equal(await c.callRaw('CLIENT', 'LIST', 'ID'), '-ERR syntax error\r\n');
    assert.equal(await c.callRaw('CLIENT', 'LIST', 'foo'), '-ERR syntax error\r\n');
    assert.equal(await c.call('CLIENT', 'LIST', 'ID', 999999), '');
  });

  test('CLIENT SETNAME / GETNAME, with Redis character rules', async () => {
    const c = await amber.client();
    assert.equal(await c.callRaw('CLIENT', 'GETNAME'), '$-1\r\n');
    assert.equal(await c.call('CLIENT', 'SETNAME', 'myname'), 'OK');
    assert.equal(await c.call('CLIENT', 'GETNAME'), 'myname');
    assert.match((await c.call('CLIENT', 'LIST')) as string, /name=myname /);
    assert.equal(await c.callRaw('CLIENT', 'SETNAME', 'foo bar'), '-ERR Client names cannot contain spaces, newlines or special characters.\r\n');
    assert.equal(await c.callRaw('CLIENT', 'SETNAME', 'a\nb'), '-ERR Client names cannot contain spaces, newlines or special characters.\r\n');
    assert.equal(await c.call('CLIENT', 'SETNAME', ''), 'OK');
    assert.equal(await c.call('CLIENT', 'GETNAME'), null);
  });

  test('a named connection disappears from CLIENT LIST when closed', async () => {
    const c = await TestClient.connect(amber.port);
    await c.call('CLIENT', 'SETNAME', 'going-away');
    const obs = await amber.client();
    assert.match((await obs.call('CLIENT', 'LIST')) as string, /going-away/);
    c.close();
    await waitFor(async () => !((await obs.call('CLIENT', 'LIST')) as string).includes('going-away'));
  });

  test('CLIENT KILL argument errors are Redis texts', async () => {
    const c = await amber.client();
    assert.equal(await c.callRaw('CLIENT', 'KILL'), "-ERR wrong number of arguments for 'client|kill' command\r\n");
    assert.equal(await c.callRaw('CLIENT', 'KILL', 'ID', 10, 'wrong_arg'), '-ERR syntax error\r\n');
    assert.equal(await c.callRaw('CLIENT', 'KILL', 'ID', 'str'), '-ERR client-id should be greater than 0\r\n');
    assert.equal(await c.callRaw('CLIENT', 'KILL', 'ID', -1), '-ERR client-id should be greater than 0\r\n');
    assert.equal(await c.callRaw('CLIENT', 'KILL', 'ID', 0), '-ERR client-id should be greater than 0\r\n');
    assert.equal(await c.callRaw('CLIENT', 'KILL', 'TYPE', 'wrong_type'), "-ERR Unknown client type 'wrong_type'\r\n");
    assert.equal(await c.callRaw('CLIENT', 'KILL', 'USER', 'wrong_user'), "-ERR No such user 'wrong_user'\r\n");
    assert.equal(await c.callRaw('CLIENT', 'KILL', 'SKIPME', 'maybe'), '-ERR syntax error\r\n');
    assert.equal(await c.callRaw('CLIENT', 'KILL', '1.2.3.4:5'), '-ERR No such client\r\n');
  });

  test('CLIENT KILL ADDR (old form) closes that connection and answers OK', async () => {
    const victim = await TestClient.connect(amber.port);
    const info = (await victim.call('CLIENT', 'INFO')) as string;
    const addr = /addr=(\S+)/.exec(info)![1]!;
    const c = await amber.client();
    assert.equal(await c.call('CLIENT', 'KILL', addr), 'OK');
    await victim.closed();
  });

  test('CLIENT KILL ID / LADDR / MAXAGE (new form) counts kills and spares the caller', async () => {
    const victim = await TestClient.connect(amber.port);
    const vid = (await victim.call('CLIENT', 'ID')) as number;
    const c = await amber.client();
    assert.equal(await c.call('CLIENT', 'KILL', 'ID', vid), 1);
    await victim.closed();
    assert.equal(await c.call('CLIENT', 'KILL', 'ID', vid), 0);
    const myid = (await c.call('CLIENT', 'ID')) as number;
    assert.equal(await c.call('CLIENT', 'KILL', 'ID', myid), 0); // SKIPME yes by default
    assert.equal(await c.call('CLIENT', 'KILL', 'LADDR', '1.1.1.1:1'), 0);
    assert.equal(await c.call('CLIENT', 'KILL', 'MAXAGE', 100000), 0);
  });

  test('CLIENT KILL SKIPME no kills the caller after its reply', async () => {
    const c = await TestClient.connect(amber.port);
    const id = (await c.call('CLIENT', 'ID')) as number;
    assert.equal(await c.call('CLIENT', 'KILL', 'ID', id, 'SKIPME', 'no'), 1);
    await c.closed();
  });

  test('CLIENT KILL TYPE pubsub closes subscribers only', async () => {
    const sub = await TestClient.connect(amber.port);
    await sub.call('SUBSCRIBE', 'kill-chan');
    const c = await amber.client();
    assert.equal(await c.call('CLIENT', 'KILL', 'TYPE', 'pubsub'), 1);
    await sub.closed();
  });

  test('CLIENT REPLY OFF silences replies until ON', async () => {
    const c = await TestClient.connect(amber.port);
    c.send('CLIENT', 'REPLY', 'OFF');
    c.send('PING', 'pong');
    c.send('PING', 'pong2');
    c.send('CLIENT', 'REPLY', 'ON');
    assert.equal(await c.read(), 'OK');
    assert.equal(await c.call('PING', 'pong3'), 'pong3');
    c.close();
  });

  test('CLIENT REPLY SKIP drops only the next reply; ON cancels it', async () => {
    const c = await TestClient.connect(amber.port);
    c.send('CLIENT', 'REPLY', 'SKIP');
    c.send('PING', 'pong');
    assert.equal(await c.call('PING', 'pong2'), 'pong2');
    c.send('CLIENT', 'REPLY', 'SKIP');
    assert.equal(await c.call('CLIENT', 'REPLY', 'ON'), 'OK');
    assert.equal(await c.call('PING'), 'PONG');
    assert.equal(await c.callRaw('CLIENT', 'REPLY', 'MAYBE'), '-ERR syntax error\r\n');
    c.close();
  });

  test('CLIENT REPLY OFF still counts errors in INFO', async () => {
    const c = await TestClient.connect(amber.port);
    const obs = await amber.client();
    await obs.call('CONFIG', 'RESETSTAT');
    c.send('CLIENT', 'REPLY', 'OFF');
    c.send('NOSUCH');
    c.send('CLIENT', 'REPLY', 'ON');
    assert.equal(await c.read(), 'OK');
    assert.match((await obs.call('INFO', 'stats')) as string, /total_error_replies:1\r\n/);
    c.close();
  });

  test('CLIENT NO-EVICT toggles the e flag', async () => {
    const c = await amber.client();
    const id = (await c.call('CLIENT', 'ID')) as number;
    assert.equal(await c.call('CLIENT', 'NO-EVICT', 'on'), 'OK');
    assert.equal((await clientFields(c, id)).get('flags'), 'e');
    assert.equal(await c.call('CLIENT', 'NO-EVICT', 'off'), 'OK');
    assert.equal(await c.callRaw('CLIENT', 'NO-EVICT', 'x'), '-ERR syntax error\r\n');
  });

  test('CLIENT TRACKINGINFO and GETREDIR report tracking off', async () => {
    const c = await amber.client();
    assert.equal(await c.callRaw('CLIENT', 'GETREDIR'), ':-1\r\n');
    assert.equal(
      await c.callRaw('CLIENT', 'TRACKINGINFO'),
      '*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n',
    );
  });

  test('unknown CLIENT subcommands and arity errors name the subcommand', async () => {
    const c = await amber.client();
    assert.equal(await c.callRaw('CLIENT', 'FOO'), "-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n");
    assert.equal(await c.callRaw('CLIENT', 'ID', 'extra'), "-ERR wrong number of arguments for 'client|id' command\r\n");
    assert.equal(await c.callRaw('CLIENT'), "-ERR wrong number of arguments for 'client' command\r\n");
  });

  test('CLIENT HELP lists the subcommands in Redis help form', async () => {
    const c = await amber.client();
    const lines = (await c.call('CLIENT', 'HELP')) as string[];
    assert.equal(lines[0], 'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.equal(lines.at(-2), 'HELP');
    assert.ok(lines.includes('UNPAUSE'));
  });
});

describe('CLIENT PAUSE', () => {
  test('WRITE mode holds writes, lets reads through, and counts held clients as blocked', async () => {
    const c = await amber.client();
    const w = await TestClient.connect(amber.port);
    const r = await TestClient.connect(amber.port);
    assert.equal(await c.call('CLIENT', 'PAUSE', 100000, 'WRITE'), 'OK');
    w.send('SET', 'paused-k', 'v');
    assert.equal(await r.call('GET', 'paused-k'), null);
    assert.equal(await r.call('PING'), 'PONG');
    await waitFor(async () => /blocked_clients:1\r\n/.test((await c.call('INFO', 'clients')) as string));
    assert.equal(w.unread, '');
    assert.equal(await c.call('CLIENT', 'UNPAUSE'), 'OK');
    assert.equal(await w.read(), 'OK');
    assert.equal(await r.call('GET', 'paused-k'), 'v');
    w.close();
    r.close();
  });

  test('WRITE mode holds an EXEC of queued writes but not of reads', async () => {
    const c = await amber.client();
    const t = await TestClient.connect(amber.port);
    const ro = await TestClient.connect(amber.port);
    assert.equal(await t.call('MULTI'), 'OK');
    assert.equal(await t.call('SET', 'pause-tx', 'v'), 'QUEUED');
    await c.call('CLIENT', 'PAUSE', 100000, 'WRITE');
    assert.equal(await ro.call('MULTI'), 'OK');
    assert.equal(await ro.call('PING'), 'QUEUED');
    assert.deepEqual(await ro.call('EXEC'), ['PONG']);
    t.send('EXEC');
    await waitFor(async () => /blocked_clients:1\r\n/.test((await c.call('INFO', 'clients')) as string));
    await c.call('CLIENT', 'UNPAUSE');
    assert.deepEqual(await t.read(), ['OK']);
    t.close();
    ro.close();
  });

  test('ALL mode holds every command until the timeout passes', async () => {
    const c = await amber.client();
    const other = await TestClient.connect(amber.port);
    const start = Date.now();
    assert.equal(await c.call('CLIENT', 'PAUSE', 200, 'ALL'), 'OK');
    assert.equal(await other.call('PING'), 'PONG');
    assert.ok(Date.now() - start >= 150, 'PING waited for the pause to end');
    other.close();
  });

  test('commands with arity errors are answered during a pause', async () => {
    const c = await amber.client();
    await c.call('CLIENT', 'PAUSE', 100000, 'WRITE');
    assert.equal(await c.callRaw('SET', 'x'), "-ERR wrong number of arguments for 'set' command\r\n");
    await c.call('CLIENT', 'UNPAUSE');
  });

  test('bad modes and timeouts are Redis errors', async () => {
    const c = await amber.client();
    assert.equal(await c.callRaw('CLIENT', 'PAUSE', 10, 'SOME'), '-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n');
    assert.equal(await c.callRaw('CLIENT', 'PAUSE', 'abc'), '-ERR timeout is not an integer or out of range\r\n');
    assert.equal(await c.callRaw('CLIENT', 'PAUSE', -5), '-ERR timeout is negative\r\n');
  });
});

describe('CLIENT UNBLOCK', () => {
  test('wakes a blocked BLPOP as a timeout, or with the UNBLOCKED error', async () => {
    const c = await amber.client();
    const b = await TestClient.connect(amber.port);
    const id = (await b.call('CLIENT', 'ID')) as number;
    b.send('BLPOP', 'unblock-list', 0);
    await waitFor(async () => /blocked_clients:1\r\n/.test((await c.call('INFO', 'clients')) as string));
    assert.equal(await c.call('CLIENT', 'UNBLOCK', id), 1);
    assert.equal(await b.readRaw(), '*-1\r\n');
    b.send('BLPOP', 'unblock-list', 0);
    await waitFor(async () => /blocked_clients:1\r\n/.test((await c.call('INFO', 'clients')) as string));
    assert.equal(await c.call('CLIENT', 'UNBLOCK', id, 'ERROR'), 1);
    assert.equal(await b.readRaw(), '-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
    assert.equal(await c.call('CLIENT', 'UNBLOCK', id), 0);
    b.close();
  });

  test('argument errors', async () => {
    const c = await amber.client();
    assert.equal(await c.callRaw('CLIENT', 'UNBLOCK', 1, 'later'), '-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n');
    assert.equal(await c.callRaw('CLIENT', 'UNBLOCK', 'x'), '-ERR value is not an integer or out of range\r\n');
    assert.equal(await c.call('CLIENT', 'UNBLOCK', 123456), 0);
  });
});

describe('compared with redis-server 7.0.15', { skip: redisServerPath() === null && NO_REDIS }, () => {
  let redis: RealRedis;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis.stop();
  });

  test('connection command replies and errors are byte-identical', async () => {
    const a = await amber.client();
    const r = await redis.client();
    const commands = [
      ['PING'],
      ['PING', 'x'],
      ['PING', 'x', 'y'],
      ['ECHO', 'hi'],
      ['SELECT', 'abc'],
      ['SELECT', 99],
      ['SELECT', 0],
      ['AUTH', 'x'],
      ['AUTH', 'u', 'p'],
      ['AUTH', 'default', 'p'],
      ['AUTH', 'a', 'b', 'c'],
      ['HELLO', 1],
      ['HELLO', 'two'],
      ['HELLO', 2, 'SETNAME', 'bad name'],
      ['HELLO', 2, 'BOGUS'],
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME', 'a b'],
      ['CLIENT', 'SETNAME', 'n1'],
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'KILL', 'ID', 'x'],
      ['CLIENT', 'KILL', '9.9.9.9:9'],
      ['CLIENT', 'KILL', 'TYPE', 'x'],
      ['CLIENT', 'KILL', 'USER', 'nobody'],
      ['CLIENT', 'KILL', 'ID', 99999],
      ['CLIENT', 'REPLY', 'bad'],
      ['CLIENT', 'PAUSE', 'x'],
      ['CLIENT', 'PAUSE', 10, 'bad'],
      ['CLIENT', 'UNBLOCK', 99999],
      ['CLIENT', 'UNBLOCK', 1, 'bad'],
      ['CLIENT', 'NO-EVICT', 'maybe'],
      ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'GETREDIR'],
      ['CLIENT', 'LIST', 'TYPE', 'nope'],
      ['CLIENT', 'LIST', 'x'],
      ['CLIENT', 'NOPE'],
      ['CLIENT', 'ID', 'x'],
      ['RESET'],
      ['QUIT', 'extra'],
    ];
    for (const row of await bothReplies(a, r, commands)) assert.equal(row.amber, row.redis, `reply to ${row.command.join(' ')}`);
  });

  test('HELLO replies have the same shape', async () => {
    const a = await TestClient.connect(amber.port);
    const r = await TestClient.connect(redis.port);
    const strip = (s: string): string => s.replace(/:\d+\r\n\$4\r\nmode/, ':ID\r\n$4\r\nmode');
    assert.equal(strip(await a.callRaw('HELLO', 3)), strip(await r.callRaw('HELLO', 3)));
    assert.equal(strip(await a.callRaw('HELLO', 2)), strip(await r.callRaw('HELLO', 2)));
    a.close();
    r.close();
  });

  test('CLIENT LIST has the same field names in the same order', async () => {
    const a = await amber.client();
    const r = await redis.client();
    const names = (s: string): string[] => s.split('\n')[0]!.split(' ').map((kv) => kv.slice(0, kv.indexOf('=')));
    assert.deepEqual(names((await a.call('CLIENT', 'INFO')) as string), names((await r.call('CLIENT', 'INFO')) as string));
  });
});

test('an error reply value is an ErrorReply', async () => {
  const c = await amber.client();
  assert.ok((await c.call('CLIENT', 'KILL', 'ID', 'x')) instanceof ErrorReply);
});
