import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config } from '../../src/config/config.js';
import { loadConfig } from '../../src/config/parse.js';
import { startWithConfig } from '../../src/index.js';
import { TestClient } from '../helpers/resp.js';
import { NO_REDIS, bothReplies, redisServerPath, startAmber, startRedis, waitFor, type RealRedis, type TestAmber } from '../helpers/servers.js';

let amber: TestAmber;
before(async () => {
  amber = await startAmber({ 'enable-debug-command': 'yes' });
});
after(async () => {
  await amber.stop();
});

/** INFO text as field → value. */
function fields(info: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of info.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

function sections(info: string): string[] {
  return info.split('\r\n').filter((l) => l.startsWith('# ')).map((l) => l.slice(2));
}

describe('INFO', () => {
  test('no argument prints the default sections in Redis order', async () => {
    const c = await amber.client();
    const info = (await c.call('INFO')) as string;
    assert.deepEqual(sections(info), ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Errorstats', 'Cluster', 'Keyspace']);
    assert.match(info, /^# Server\r\nredis_version:7\.0\.15\r\n/);
    assert.ok(!info.includes('rejected_calls'));
    assert.ok(info.includes('\r\n\r\n# Clients\r\n'));
  });

  test('all and everything add commandstats and latencystats; default does not', async () => {
    const c = await amber.client();
    await c.call('PING');
    for (const arg of ['all', 'everything']) {
      const s = sections((await c.call('INFO', arg)) as string);
      assert.ok(s.includes('Commandstats') && s.includes('Latencystats'), arg);
    }
    assert.ok(!sections((await c.call('INFO', 'default')) as string).includes('Commandstats'));
  });

  test('section names are case-insensitive and combine without repeats', async () => {
    const c = await amber.client();
    const info = (await c.call('INFO', 'cpu', 'CommandStats', 'cpu')) as string;
    assert.deepEqual(sections(info), ['CPU', 'Commandstats']);
    const both = (await c.call('INFO', 'cpu', 'all')) as string;
    assert.equal(both.split('used_cpu_user_children').length, 2);
    assert.equal(await c.call('INFO', 'sentinel'), '');
  });

  test('server, clients and memory fields carry real values', async () => {
    const c = await amber.client();
    const f = fields((await c.call('INFO', 'server', 'clients', 'memory', 'cpu')) as string);
    assert.equal(f.get('tcp_port'), String(amber.port));
    assert.equal(f.get('process_id'), String(process.pid));
    assert.equal(f.get('redis_mode'), 'standalone');
    assert.ok(Number(f.get('connected_clients')) >= 1);
    assert.equal(f.get('maxclients'), '10000');
    assert.ok(Number(f.get('used_memory')) > 0);
    assert.ok(Number(f.get('used_memory_rss')) > 0);
    assert.ok(Number(f.get('used_memory_peak')) >= Number(f.get('used_memory')));
    assert.match(f.get('used_memory_human')!, /^\d+\.\d\d[KMG]$/);
    assert.match(f.get('used_cpu_user')!, /^\d+\.\d{6}$/);
    assert.equal(f.get('maxmemory_policy'), 'noeviction');
  });

  test('errorstats and commandstats count rejected and failed calls as Redis 7.0', async () => {
    const c = await amber.client();
    await c.call('CONFIG', 'RESETSTAT');
    await c.call('NOSUCH');
    await c.call('SET', 'k');
    await c.call('SET', 'k1', 'v1');
    await c.call('SET', 'str', 'x');
    await c.call('LPUSH', 'str', 'y');
    const info = (await c.call('INFO', 'commandstats', 'errorstats', 'stats')) as string;
    assert.match(info, /cmdstat_set:calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=1,failed_calls=0\r\n/);
    assert.match(info, /cmdstat_lpush:calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=1\r\n/);
    assert.match(info, /errorstat_ERR:count=2\r\n/);
    assert.match(info, /errorstat_WRONGTYPE:count=1\r\n/);
    assert.match(info, /total_error_replies:3\r\n/);
  });

  test('an error inside EXEC fails that command, not EXEC; EXECABORT fails EXEC', async () => {
    const c = await amber.client();
    await c.call('CONFIG', 'RESETSTAT');
    await c.call('MULTI');
    await c.call('SET', 'a', 'b');
    await c.call('AUTH', 'a');
    await c.call('EXEC');
    let info = (await c.call('INFO', 'commandstats')) as string;
    assert.match(info, /cmdstat_auth:calls=1,.*,rejected_calls=0,failed_calls=1\r\n/);
    assert.match(info, /cmdstat_exec:calls=1,.*,rejected_calls=0,failed_calls=0\r\n/);
    await c.call('CONFIG', 'RESETSTAT');
    await c.call('MULTI');
    await c.call('SET');
    await c.call('EXEC');
    info = (await c.call('INFO', 'commandstats', 'errorstats')) as string;
    assert.match(info, /cmdstat_set:calls=0,.*,rejected_calls=1,failed_calls=0\r\n/);
    assert.match(info, /cmdstat_exec:calls=1,.*,rejected_calls=0,failed_calls=1\r\n/);
    assert.match(info, /errorstat_EXECABORT:count=1\r\n/);
  });

  test('subcommands have their own commandstats line', async () => {
    const c = await amber.client();
    await c.call('CONFIG', 'RESETSTAT');
    await c.call('CLIENT', 'ID');
    assert.match((await c.call('INFO', 'commandstats')) as string, /cmdstat_client\|id:calls=1,/);
  });

  test('latencystats reports the configured percentiles per command', async () => {
    const c = await amber.client();
    await c.call('CONFIG', 'RESETSTAT');
    await c.call('CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 99 99.9');
    await c.call('SET', 'lat', 'v');
    await c.call('DEBUG', 'SLEEP', '0.05');
    const info = (await c.call('INFO', 'latencystats')) as string;
    assert.match(info, /^# Latencystats\r\n/);
    assert.match(info, /latency_percentiles_usec_set:p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}\r\n/);
    const p50 = Number(/latency_percentiles_usec_debug:p50=([\d.]+)/.exec(info)![1]);
    // At least the 50 ms slept; no upper bound tighter than a second (a busy machine may
    // deschedule the server mid-sleep).
    assert.ok(p50 >= 50000 && p50 < 1_000_000, String(p50));
    await c.call('CONFIG', 'SET', 'latency-tracking-info-percentiles', '0.0 50.0 100.0');
    assert.match((await c.call('INFO', 'latencystats')) as string, /latency_percentiles_usec_set:p0=[\d.]+,p50=[\d.]+,p100=[\d.]+\r\n/);
    await c.call('CONFIG', 'SET', 'latency-tracking', 'no');
    assert.equal(await c.call('INFO', 'latencystats'), '# Latencystats\r\n');
    await c.call('CONFIG', 'SET', 'latency-tracking', 'yes', 'latency-tracking-info-percentiles', '50 99 99.9');
    await c.call('CONFIG', 'RESETSTAT');
    assert.doesNotMatch((await c.call('INFO', 'latencystats')) as string, /usec_set/);
  });

  test('keyspace lists non-empty databases', async () => {
    const c = await amber.client();
    await c.call('SELECT', 7);
    await c.call('SET', 'ks1', 'v');
    await c.call('SET', 'ks2', 'v', 'EX', 100);
    assert.match((await c.call('INFO', 'keyspace')) as string, /db7:keys=2,expires=1,avg_ttl=\d+\r\n/);
    await c.call('FLUSHDB');
  });
});

describe('CONFIG', () => {
  test('GET takes names and patterns, lists aliases, and hides hidden parameters from patterns', async () => {
    const c = await amber.client();
    const r = (await c.call('CONFIG', 'GET', 'maxmemory', 'maxmemory*', 'bind', '*of')) as string[];
    const keys = r.filter((_, i) => i % 2 === 0);
    assert.equal(new Set(keys).size, keys.length);
    for (const k of ['maxmemory', 'maxmemory-samples', 'maxmemory-clients', 'bind', 'slaveof', 'replicaof']) assert.ok(keys.includes(k), k);
    const all = (await c.call('CONFIG', 'GET', '*')) as string[];
    assert.ok(!all.includes('key-load-delay'));
    assert.deepEqual(await c.call('CONFIG', 'GET', 'key-load-delay'), ['key-load-delay', '0']);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'nosuch'), []);
  });

  test('values are rendered as Redis renders them', async () => {
    const c = await amber.client();
    const get = async (n: string): Promise<string> => ((await c.call('CONFIG', 'GET', n)) as string[])[1]!;
    assert.equal(await get('save'), '');
    assert.equal(await get('client-output-buffer-limit'), 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
    assert.equal(await get('proto-max-bulk-len'), '536870912');
    assert.equal(await get('appendonly'), 'no');
    assert.equal(await get('hash-max-listpack-entries'), '512');
    assert.equal(await get('hash-max-ziplist-entries'), '512');
    assert.equal(await get('dir'), amber.dir);
    assert.equal(await get('port'), String(amber.port));
  });

  test('SET takes several pairs at once and normalises values', async () => {
    const c = await amber.client();
    assert.equal(await c.call('CONFIG', 'SET', 'maxmemory', '10mb', 'save', '3000 5', 'maxmemory-clients', '5%'), 'OK');
    assert.deepEqual(await c.call('CONFIG', 'GET', 'maxmemory'), ['maxmemory', '10485760']);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'save'), ['save', '3000 5']);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'maxmemory-clients'), ['maxmemory-clients', '5%']);
    await c.call('CONFIG', 'SET', 'maxmemory', '0', 'save', '', 'maxmemory-clients', '0');
  });

  test('SET is all or nothing and names the failing argument', async () => {
    const c = await amber.client();
    await c.call('CONFIG', 'SET', 'maxmemory', '10000002');
    assert.equal(
      await c.callRaw('CONFIG', 'SET', 'maxmemory', '10000001', 'maxmemory-clients', '200%', 'client-query-buffer-limit', 'invalid'),
      "-ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage argument must be less or equal to 100\r\n",
    );
    assert.deepEqual(await c.call('CONFIG', 'GET', 'maxmemory'), ['maxmemory', '10000002']);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'client-query-buffer-limit'), ['client-query-buffer-limit', '1073741824']);
    await c.call('CONFIG', 'SET', 'maxmemory', '0');
  });

  test('SET errors are Redis 7.0 texts', async () => {
    const c = await amber.client();
    assert.equal(await c.callRaw('CONFIG', 'SET', 'nosuch', 'x'), "-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n");
    assert.equal(await c.callRaw('CONFIG', 'SET', 'daemonize', 'yes'), "-ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config\r\n");
    assert.equal(await c.callRaw('CONFIG', 'SET', 'dir', '/tmp'), "-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config\r\n");
    assert.equal(await c.callRaw('CONFIG', 'SET', 'maxmemory', '1', 'maxmemory', '2'), "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter\r\n");
    assert.equal(await c.callRaw('CONFIG', 'SET', 'maxmemory', 'lots'), "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value\r\n");
    assert.equal(await c.callRaw('CONFIG', 'SET', 'hz', 'x'), "-ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer\r\n");
    assert.equal(await c.callRaw('CONFIG', 'SET', 'appendonly', 'maybe'), "-ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'\r\n");
    assert.equal(
      await c.callRaw('CONFIG', 'SET', 'maxmemory-policy', 'x'),
      "-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction\r\n",
    );
    assert.equal(await c.callRaw('CONFIG', 'SET', 'save', '1'), "-ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters\r\n");
    assert.equal(await c.callRaw('CONFIG', 'SET', 'maxmemory', '1', 'hz'), '-ERR syntax error\r\n');
    assert.equal(await c.callRaw('CONFIG', 'SET', 'maxclients', '0'), "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive\r\n");
  });

  test('SET of the value CONFIG GET shows is accepted for every mutable parameter', async () => {
    const c = await amber.client();
    const all = (await c.call('CONFIG', 'GET', '*')) as string[];
    const skip = new Set(['requirepass', 'dir', 'dbfilename', 'port', 'bind']);
    for (let i = 0; i < all.length; i += 2) {
      const [k, v] = [all[i]!, all[i + 1]!];
      if (skip.has(k)) continue;
      const r = await c.call('CONFIG', 'SET', k, v);
      if (r !== 'OK') assert.match(String(r), /immutable/, `${k} = ${v}: ${r}`);
    }
    assert.deepEqual(await c.call('CONFIG', 'GET', '*'), all);
  });

  test('hz is clamped to 1..500', async () => {
    const c = await amber.client();
    await c.call('CONFIG', 'SET', 'hz', '1000');
    assert.deepEqual(await c.call('CONFIG', 'GET', 'hz'), ['hz', '500']);
    await c.call('CONFIG', 'SET', 'hz', '10');
  });

  test('SET of a sensitive parameter is redacted in the slow log', async () => {
    const c = await amber.client();
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    await c.call('SLOWLOG', 'RESET');
    await c.call('CONFIG', 'SET', 'masterauth', 'secret');
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '-1');
    const log = (await c.call('SLOWLOG', 'GET')) as unknown[][];
    assert.deepEqual(log[0]![3], ['CONFIG', 'SET', 'masterauth', '(redacted)']);
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '10000', 'masterauth', '');
  });

  test('SET port moves the listener; a port in use is refused and nothing changes', async () => {
    const server = await startAmber();
    try {
      const c = await server.client();
      const busy = await startAmber();
      assert.equal(
        await c.callRaw('CONFIG', 'SET', 'maxmemory', '123', 'port', busy.port),
        "-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.\r\n",
      );
      await busy.stop();
      assert.deepEqual(await c.call('CONFIG', 'GET', 'maxmemory'), ['maxmemory', '0']);
      const fresh = await TestClient.connect(server.port);
      assert.equal(await fresh.call('PING'), 'PONG');
      fresh.close();
    } finally {
      await server.stop();
    }
  });

  test('RESETSTAT zeroes counters', async () => {
    const c = await amber.client();
    await c.call('NOSUCH');
    assert.equal(await c.call('CONFIG', 'RESETSTAT'), 'OK');
    const f = fields((await c.call('INFO', 'stats')) as string);
    assert.equal(f.get('total_error_replies'), '0');
    assert.equal(f.get('total_commands_processed'), '1');
    assert.equal(await c.call('INFO', 'errorstats'), '# Errorstats\r\n');
  });

  test('REWRITE without a config file is an error', async () => {
    const c = await amber.client();
    assert.equal(await c.callRaw('CONFIG', 'REWRITE'), '-ERR The server is running without a config file\r\n');
  });

  test('REWRITE keeps comments, rewrites known lines and appends changed parameters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amber-rewrite-'));
    const file = join(dir, 'amber.conf');
    writeFileSync(file, `# my settings\nport 0\nsave 900 1\nsave 300 10\nmaxmemory 1mb\n# keep me\nhz 20\n`);
    const config = new Config();
    loadConfig(config, [file, '--dir', dir]);
    const s = await startWithConfig(config, { logger: () => {} });
    try {
      const c = await TestClient.connect(s.port);
      assert.deepEqual(await c.call('CONFIG', 'GET', 'save'), ['save', '900 1 300 10']);
      await c.call('CONFIG', 'SET', 'maxmemory', '2mb', 'save', '60 5', 'appendfsync', 'always');
      assert.equal(await c.call('CONFIG', 'REWRITE'), 'OK');
      const text = readFileSync(file, 'latin1');
      assert.match(text, /^# my settings\n/);
      assert.match(text, /\nsave 60 5\n/);
      assert.doesNotMatch(text, /save 300 10/);
      assert.match(text, /\nmaxmemory 2mb\n# keep me\nhz 20\n/);
      assert.match(text, /# Generated by CONFIG REWRITE\n/);
      assert.match(text, /\nappendfsync always\n/);
      const again = new Config();
      loadConfig(again, [file]);
      assert.equal(again.num('maxmemory'), 2 * 1024 * 1024);
      assert.equal(again.str('save'), '60 5');
      c.close();
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('HELP and unknown subcommands', async () => {
    const c = await amber.client();
    assert.equal(((await c.call('CONFIG', 'HELP')) as string[])[0], 'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.equal(await c.callRaw('CONFIG', 'GET_XX'), "-ERR unknown subcommand 'GET_XX'. Try CONFIG HELP.\r\n");
    assert.equal(await c.callRaw('CONFIG|GET', 'x'), "-ERR unknown command 'CONFIG|GET', with args beginning with: 'x' \r\n");
    assert.equal(await c.callRaw('CONFIG', 'GET'), "-ERR wrong number of arguments for 'config|get' command\r\n");
  });
});

describe('TIME and LOLWUT', () => {
  test('TIME returns unix seconds and microseconds as bulk strings', async () => {
    const c = await amber.client();
    const [sec, usec] = (await c.call('TIME')) as string[];
    assert.ok(Math.abs(Number(sec) - Date.now() / 1000) < 5);
    assert.ok(Number(usec) >= 0 && Number(usec) < 1e6);
  });

  test('LOLWUT prints the version line', async () => {
    const c = await amber.client();
    assert.equal(await c.call('LOLWUT'), 'Redis ver. 7.0.15\n');
    assert.equal(await c.call('LOLWUT', 'VERSION', 5), 'Redis ver. 7.0.15\n');
    assert.equal(await c.call('LOLWUT', 'VERSION'), 'Redis ver. 7.0.15\n');
    assert.equal(await c.callRaw('LOLWUT', 'VERSION', 'x'), '-ERR value is not an integer or out of range\r\n');
  });
});

describe('SLOWLOG', () => {
  test('logs commands slower than the threshold, newest first, with client facts', async () => {
    const c = await amber.client();
    await c.call('CLIENT', 'SETNAME', 'slowpoke');
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '100000');
    await c.call('SLOWLOG', 'RESET');
    await c.call('PING');
    assert.equal(await c.call('SLOWLOG', 'LEN'), 0);
    await c.call('DEBUG', 'SLEEP', '0.2');
    assert.equal(await c.call('SLOWLOG', 'LEN'), 1);
    const [e] = (await c.call('SLOWLOG', 'GET')) as unknown[][];
    assert.equal(e!.length, 6);
    assert.ok((e![2] as number) > 100000);
    assert.deepEqual(e![3], ['DEBUG', 'SLEEP', '0.2']);
    assert.match(e![4] as string, /^127\.0\.0\.1:\d+$/);
    assert.equal(e![5], 'slowpoke');
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '10000');
  });

  test('max length, count argument, trimming of long entries', async () => {
    const c = await amber.client();
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0', 'slowlog-max-len', '10');
    for (let i = 0; i < 20; i++) await c.call('PING');
    assert.equal(await c.call('SLOWLOG', 'LEN'), 10);
    assert.equal(((await c.call('SLOWLOG', 'GET', 5)) as unknown[]).length, 5);
    assert.equal(((await c.call('SLOWLOG', 'GET', 0)) as unknown[]).length, 0);
    assert.equal(((await c.call('SLOWLOG', 'GET', -1)) as unknown[]).length, 10);
    await c.call('SLOWLOG', 'RESET');
    const args = Array.from({ length: 31 }, (_, i) => String(i + 3));
    await c.call('SADD', 'set', ...args);
    await c.call('SADD', 'set', 'foo', 'A'.repeat(129));
    const log = (await c.call('SLOWLOG', 'GET')) as unknown[][];
    const many = log.find((e) => (e[3] as string[]).length === 32)![3] as string[];
    assert.equal(many.at(-1), '... (2 more arguments)');
    const long = log.find((e) => (e[3] as string[])[2] === 'foo')![3] as string[];
    assert.equal(long[3], 'A'.repeat(128) + '... (1 more bytes)');
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '10000', 'slowlog-max-len', '128');
  });

  test('EXEC is not logged, the commands it ran are', async () => {
    const c = await amber.client();
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '100000');
    await c.call('SLOWLOG', 'RESET');
    await c.call('MULTI');
    await c.call('DEBUG', 'SLEEP', '0.15');
    await c.call('EXEC');
    const log = (await c.call('SLOWLOG', 'GET')) as unknown[][];
    assert.equal(log.length, 1);
    assert.deepEqual(log[0]![3], ['DEBUG', 'SLEEP', '0.15']);
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '10000');
  });

  test('AUTH arguments are redacted', async () => {
    const c = await amber.client();
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    await c.call('SLOWLOG', 'RESET');
    await c.call('AUTH', 'user', 'secret');
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '10000');
    const log = (await c.call('SLOWLOG', 'GET')) as unknown[][];
    assert.deepEqual(log[0]![3], ['AUTH', '(redacted)', '(redacted)']);
  });

  test('count errors and HELP', async () => {
    const c = await amber.client();
    assert.equal(await c.callRaw('SLOWLOG', 'GET', -2), '-ERR count should be greater than or equal to -1\r\n');
    assert.equal(await c.callRaw('SLOWLOG', 'GET', 'x'), '-ERR count should be greater than or equal to -1\r\n');
    assert.equal(await c.callRaw('SLOWLOG', 'GET', 1, 2), "-ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.\r\n");
    assert.equal(((await c.call('SLOWLOG', 'HELP')) as string[])[0], 'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
  });
});

describe('MONITOR', () => {
  test('streams executed commands in Redis format, including those inside MULTI/EXEC', async () => {
    const m = await TestClient.connect(amber.port);
    assert.equal(await m.call('MONITOR'), 'OK');
    const c = await amber.client();
    await c.call('SET', 'foo', 'bar \x01"\\');
    await c.call('GET', 'foo');
    const line = (await m.read()) as string;
    assert.match(line, /^\d{10}\.\d{6} \[0 127\.0\.0\.1:\d+\] "SET" "foo" "bar \\x01\\"\\\\"$/);
    assert.match((await m.read()) as string, /"GET" "foo"$/);
    await c.call('MULTI');
    await c.call('SET', 'foo', 'bar');
    await c.call('EXEC');
    assert.match((await m.read()) as string, /"MULTI"$/);
    assert.match((await m.read()) as string, /"SET" "foo" "bar"$/);
    assert.match((await m.read()) as string, /"EXEC"$/);
    await c.call('MULTI');
    await c.call('NOSUCHCMD');
    await c.call('EXEC');
    assert.match((await m.read()) as string, /"MULTI"$/);
    assert.match((await m.read()) as string, /"EXEC"$/);
    m.close();
  });

  test('does not show admin commands and redacts AUTH', async () => {
    const m = await TestClient.connect(amber.port);
    await m.call('MONITOR');
    const c = await amber.client();
    await c.call('CONFIG', 'GET', 'hz');
    await c.call('AUTH', 'not-real');
    await c.call('HELLO', 2, 'AUTH', 'not-real', 'not-a-password');
    assert.match((await m.read()) as string, /"AUTH" "\(redacted\)"$/);
    assert.match((await m.read()) as string, /"HELLO" "2" "AUTH" "\(redacted\)" "\(redacted\)"$/);
    m.close();
  });

  test('a MONITOR client may not touch the keyspace; a second MONITOR says nothing', async () => {
    const m = await TestClient.connect(amber.port);
    await m.call('MONITOR');
    m.send('MONITOR');
    assert.equal(await m.callRaw('GET', 'x'), "-ERR Replica can't interact with the keyspace\r\n");
    assert.equal(await m.call('PING'), 'PONG');
    assert.match((await amber.client().then((c) => c.call('CLIENT', 'LIST'))) as string, /flags=O /);
    m.close();
  });
});

describe('DEBUG', () => {
  test('SLEEP blocks the server for the time given', async () => {
    const c = await amber.client();
    const start = Date.now();
    assert.equal(await c.call('DEBUG', 'SLEEP', '0.1'), 'OK');
    assert.ok(Date.now() - start >= 95);
    assert.equal(await c.call('DEBUG', 'SLEEP', '0'), 'OK');
  });

  test('OBJECT describes a value; a missing key is an error', async () => {
    const c = await amber.client();
    await c.call('SET', 'dobj', '12345');
    assert.match((await c.call('DEBUG', 'OBJECT', 'dobj')) as string, /^Value at:0x[0-9a-f]+ refcount:1 encoding:int serializedlength:\d+ lru:\d+ lru_seconds_idle:\d+$/);
    await c.call('SET', 'dobj', 'x'.repeat(50));
    assert.match((await c.call('DEBUG', 'OBJECT', 'dobj')) as string, /encoding:raw serializedlength:\d+/);
    assert.equal(await c.callRaw('DEBUG', 'OBJECT', 'nokey'), '-ERR no such key\r\n');
  });

  test('JMAP, CHANGE-REPL-ID, LOG, QUICKLIST-PACKED-THRESHOLD, PAUSE-CRON answer OK', async () => {
    const c = await amber.client();
    assert.equal(await c.call('DEBUG', 'JMAP'), 'OK');
    assert.equal(await c.call('DEBUG', 'CHANGE-REPL-ID'), 'OK');
    assert.equal(await c.call('DEBUG', 'LOG', 'hello'), 'OK');
    assert.equal(await c.call('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '1g'), 'OK');
    assert.equal(await c.callRaw('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', 'x'), '-ERR argument must be a memory value bigger than 1 and smaller than 4gb\r\n');
    assert.equal(await c.call('DEBUG', 'PAUSE-CRON', '1'), 'OK');
    assert.equal(await c.call('DEBUG', 'PAUSE-CRON', '0'), 'OK');
  });

  test('PROTOCOL produces each RESP type', async () => {
    const c = await TestClient.connect(amber.port);
    assert.equal(await c.callRaw('DEBUG', 'PROTOCOL', 'attrib'), '$39\r\nSome real reply following the attribute\r\n');
    assert.equal(await c.callRaw('DEBUG', 'PROTOCOL', 'true'), ':1\r\n');
    await c.call('HELLO', 3);
    assert.equal(await c.callRaw('DEBUG', 'PROTOCOL', 'bignum'), '(1234567999999999999999999999999999999\r\n');
    assert.equal(await c.callRaw('DEBUG', 'PROTOCOL', 'false'), '#f\r\n');
    assert.equal(await c.callRaw('DEBUG', 'PROTOCOL', 'verbatim'), '=29\r\ntxt:This is a verbatim\nstring\r\n');
    assert.equal(await c.callRaw('DEBUG', 'PROTOCOL', 'double'), ',3.141\r\n');
    assert.ok((await c.callRaw('DEBUG', 'PROTOCOL', 'nope')).startsWith('-ERR Wrong protocol type name.'));
    c.close();
  });

  test('HELP and unknown subcommands', async () => {
    const c = await amber.client();
    assert.equal(((await c.call('DEBUG', 'HELP')) as string[])[0], 'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    // DEBUG is one command, not a container: Redis's addReplySubcommandSyntaxError text.
    assert.equal(await c.callRaw('DEBUG', 'NOPE'), "-ERR unknown subcommand or wrong number of arguments for 'NOPE'. Try DEBUG HELP.\r\n");
    assert.equal(await c.callRaw('DEBUG', 'SLEEP'), "-ERR unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG HELP.\r\n");
  });

  test('POPULATE adds missing keys only, counts no change for save points, and is seen by WATCH', async () => {
    const c = await amber.client();
    const w = await amber.client();
    await c.call('SELECT', 6);
    await w.call('SELECT', 6);
    await c.call('FLUSHDB');
    await c.call('SET', 'key:1', 'mine');
    const dirty = Number(fields((await c.call('INFO', 'persistence')) as string).get('rdb_changes_since_last_save'));
    await w.call('WATCH', 'key:2');
    assert.equal(await c.call('DEBUG', 'POPULATE', 3), 'OK');
    assert.deepEqual(await c.call('MGET', 'key:0', 'key:1', 'key:2', 'key:3'), ['value:0', 'mine', 'value:2', null]);
    assert.equal(Number(fields((await c.call('INFO', 'persistence')) as string).get('rdb_changes_since_last_save')), dirty);
    await w.call('MULTI');
    await w.call('PING');
    assert.equal(await w.call('EXEC'), null, 'the watched key was created');
    // A huge size is refused rather than attempted.
    assert.equal(await c.callRaw('DEBUG', 'POPULATE', 1, 'big', 2 ** 40), '-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n');
    assert.equal(await c.call('EXISTS', 'big:0'), 0);
    await c.call('FLUSHDB');
    c.close();
    w.close();
  });

  test('DEBUG is refused unless enable-debug-command allows it', async () => {
    const s = await startAmber();
    try {
      const c = await s.client();
      assert.equal(
        await c.callRaw('DEBUG', 'HELP'),
        '-ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n',
      );
    } finally {
      await s.stop();
    }
  });
});

describe('limits', () => {
  test('maxclients refuses connections over the limit with Redis text', async () => {
    const s = await startAmber({ maxclients: 2 });
    try {
      const a = await s.client();
      const b = await s.client();
      assert.equal(await a.call('PING'), 'PONG');
      assert.equal(await b.call('PING'), 'PONG');
      const c = await TestClient.connect(s.port);
      assert.equal(await c.readRaw(), '-ERR max number of clients reached\r\n');
      await c.closed();
      assert.match((await a.call('INFO', 'stats')) as string, /rejected_connections:1\r\n/);
    } finally {
      await s.stop();
    }
  });

  test('timeout closes idle clients but not subscribers', async () => {
    const s = await startAmber({ timeout: 1 });
    try {
      const idle = await TestClient.connect(s.port);
      const sub = await TestClient.connect(s.port);
      await idle.call('PING');
      await sub.call('SUBSCRIBE', 'ch');
      await idle.closed(4000);
      const c = await s.client();
      assert.equal(await c.call('PUBLISH', 'ch', 'still here'), 1);
      sub.close();
    } finally {
      await s.stop();
    }
  });

  test('client-output-buffer-limit closes a normal client over the hard limit', async () => {
    const s = await startAmber({ 'client-output-buffer-limit': 'normal 100kb 0 0' });
    try {
      const c = await s.client();
      await c.call('SET', 'big', 'x'.repeat(100000));
      const id = (await c.call('CLIENT', 'ID')) as number;
      c.socket.pause(); // stop reading: replies pile up on the server
      for (let i = 0; i < 400; i++) c.send('GET', 'big');
      await waitFor(() => !s.server.clients.has(id), 10000, 'the client to be closed');
      c.socket.resume();
      await c.closed(10000);
      const d = await s.client();
      assert.equal(await d.call('PING'), 'PONG');
    } finally {
      await s.stop();
    }
  });

  test('client-output-buffer-limit closes a client over the soft limit for longer than its seconds', async () => {
    const s = await startAmber({ 'client-output-buffer-limit': 'normal 0 100kb 1' });
    try {
      const c = await s.client();
      await c.call('SET', 'big', 'x'.repeat(100000));
      const id = (await c.call('CLIENT', 'ID')) as number;
      c.socket.pause();
      for (let i = 0; i < 100; i++) c.send('GET', 'big');
      await waitFor(() => s.server.clients.get(id)!.obufSoftSince > 0, 5000, 'the soft limit to be reached');
      assert.ok(s.server.clients.has(id), 'still connected within the soft seconds');
      const since = s.server.clients.get(id)!.obufSoftSince;
      await waitFor(() => Date.now() - since > 1100, 3000, 'the soft seconds to pass');
      c.send('GET', 'big');
      await waitFor(() => !s.server.clients.has(id), 5000, 'the client to be closed');
      c.socket.resume();
      await c.closed(10000);
    } finally {
      await s.stop();
    }
  });

  test('client-query-buffer-limit closes a client whose unparsed input grows too big', async () => {
    const s = await startAmber({ 'client-query-buffer-limit': '1mb' });
    try {
      const c = await s.client();
      c.sendRaw('*2\r\n$4\r\nECHO\r\n$2000000\r\n');
      c.sendRaw(Buffer.alloc(1100000, 65));
      await c.closed(5000);
    } finally {
      await s.stop();
    }
  });

  test('proto-max-bulk-len refuses larger bulk arguments', async () => {
    const s = await startAmber({ 'proto-max-bulk-len': '1mb' });
    try {
      const c = await s.client();
      c.sendRaw('*2\r\n$4\r\nECHO\r\n$2000000\r\n');
      assert.equal(await c.readRaw(), '-ERR Protocol error: invalid bulk length\r\n');
      await c.closed();
    } finally {
      await s.stop();
    }
  });
});

describe('SHUTDOWN', () => {
  test('closes the server without a reply; ABORT and bad flags are errors', async () => {
    const s = await startAmber();
    const c = await s.client();
    assert.equal(await c.callRaw('SHUTDOWN', 'ABORT'), '-ERR No shutdown in progress.\r\n');
    assert.equal(await c.callRaw('SHUTDOWN', 'SAVE', 'NOSAVE'), '-ERR syntax error\r\n');
    assert.equal(await c.callRaw('SHUTDOWN', 'NOW', 'ABORT'), '-ERR syntax error\r\n');
    assert.equal(await c.callRaw('SHUTDOWN', 'BOGUS'), '-ERR syntax error\r\n');
    await c.call('MULTI');
    assert.equal(await c.callRaw('SHUTDOWN'), '-ERR Command not allowed inside a transaction\r\n');
    await c.call('DISCARD');
    c.send('SHUTDOWN', 'NOSAVE');
    await c.closed();
    await s.server.whenClosed;
    await s.stop();
  });

  test('a failing save keeps the server up and answers an error, unless FORCE', async () => {
    const s = await startAmber();
    s.server.shutdownHooks.unshift((opts) => {
      if (opts.save !== false) throw new Error('disk on fire');
    });
    const c = await s.client();
    assert.equal(await c.callRaw('SHUTDOWN', 'SAVE'), '-ERR Errors trying to SHUTDOWN. Check logs.\r\n');
    assert.equal(await c.call('PING'), 'PONG');
    c.send('SHUTDOWN', 'SAVE', 'FORCE');
    await c.closed();
    await s.stop();
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

  test('DEBUG OBJECT lines match for every type (address and lru aside)', async () => {
    const a = await amber.client();
    const r = await redis.client();
    const setup: (string | number)[][] = [
      ['SELECT', '5'],
      ['FLUSHDB'],
      ['SET', 'shared', '123'],
      ['SET', 'big', '123456789'],
      ['SET', 'emb', 'hello'],
      ['SET', 'raw', 'x'.repeat(50)],
      ['SET', 'app', 'abc'],
      ['APPEND', 'app', 'def'],
      ['SET', 'rng', '1234'],
      ['SETRANGE', 'rng', '0', '2'],
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['LPUSH', 'l3', 'a', 'b', 'c', 'd'],
      ['HSET', 'h', 'f', 'v'],
      ['SADD', 's', '1', '2'],
      ['SADD', 's2', 'a'],
      ['ZADD', 'z', '1', 'a'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '4'],
      ['RPUSH', 'multi', ...Array.from({ length: 10 }, (_, i) => String(i))],
      ['LPUSH', 'ins', ...Array.from({ length: 7 }, (_, i) => String(i))],
      ['LINSERT', 'ins', 'BEFORE', '3', 'x'],
      ['LINSERT', 'ins', 'BEFORE', '3', 'y'],
      ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '100'],
      ['RPUSH', 'plain', 'z'.repeat(200), 's', 'q'.repeat(150)],
      ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '1g'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '-2'],
    ];
    await bothReplies(a, r, setup);
    // A key made a moment ago has been idle 0 or 1 seconds, by where each server's seconds
    // clock ticked in between (Redis's LRU clock has a one-second resolution).
    const norm = (line: string): string =>
      line.replace(/at:0x[0-9a-f]+/, 'at:X').replace(/ lru:\d+/, ' lru:L').replace(/ lru_seconds_idle:[01]\b/, ' lru_seconds_idle:0-1');
    for (const key of ['shared', 'big', 'emb', 'raw', 'app', 'rng', 'l', 'l3', 'h', 's', 's2', 'z', 'multi', 'ins', 'plain']) {
      const [x] = await bothReplies(a, r, [['DEBUG', 'OBJECT', key]]);
      assert.equal(norm(x!.amber), norm(x!.redis), key);
    }
    await bothReplies(a, r, [['FLUSHDB'], ['SELECT', '0']]);
  });

  test('DEBUG POPULATE builds the same keys and values, with the same errors', async () => {
    const a = await amber.client();
    const r = await redis.client();
    const commands: (string | number)[][] = [
      ['SELECT', '7'],
      ['FLUSHDB'],
      ['DEBUG', 'POPULATE'],
      ['DEBUG', 'POPULATE', '-1'],
      ['DEBUG', 'POPULATE', 'abc'],
      ['DEBUG', 'POPULATE', '2', 'p', '3', '4'],
      ['DEBUG', 'POPULATE', '2', 'q', '-5'],
      ['DEBUG', 'POPULATE', '0'],
      ['DEBUG', 'POPULATE', '300'],
      ['DEBUG', 'POPULATE', '3', 'p', '10'],
      ['DEBUG', 'POPULATE', '5', 'p', '3'],
      ['DEBUG', 'POPULATE', '2', '', '2'],
      ['DEBUG', 'POPULATE', '2', 'pre\0fix'],
      ['DEBUG', 'POPULATE', '2', 'x'.repeat(130)],
      ['DEBUG', 'POPULATE', '2', 'big', '100'],
      ['DBSIZE'],
      ['GET', 'key:299'],
      ['GET', 'p:1'],
      ['GET', 'p:4'],
      ['GET', ':1'],
      ['GET', 'pre:1'],
      ['GET', 'big:1'],
      ['OBJECT', 'ENCODING', 'big:1'],
      // Both keys cut to the same 127 bytes: the second finds the first.
      ['GET', 'x'.repeat(127)],
      ['DEBUG', 'DIGEST-VALUE', 'key:0', 'key:17', 'p:2', 'big:0'],
      ['FLUSHDB'],
      ['SELECT', '0'],
    ];
    for (const x of await bothReplies(a, r, commands)) assert.equal(x.amber, x.redis, x.command.join(' '));
    a.close();
    r.close();
  });

  test('CONFIG and SLOWLOG errors are byte-identical', async () => {
    const a = await amber.client();
    const r = await redis.client();
    const commands = [
      ['CONFIG', 'SET', 'nosuch', '1'],
      ['CONFIG', 'SET', 'maxmemory', 'x'],
      ['CONFIG', 'SET', 'maxmemory', '-1'],
      ['CONFIG', 'SET', 'hz', '1.5'],
      ['CONFIG', 'SET', 'hz', '-1'],
      ['CONFIG', 'SET', 'maxmemory-clients', '101%'],
      ['CONFIG', 'SET', 'appendfsync', 'sometimes'],
      ['CONFIG', 'SET', 'daemonize', 'no'],
      ['CONFIG', 'SET', 'dir', '/'],
      ['CONFIG', 'SET', 'save', '1 2 3'],
      ['CONFIG', 'SET', 'save', '0 1'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1 2'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'master 1 2 3'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal x 2 3'],
      ['CONFIG', 'SET', 'notify-keyspace-events', 'Q'],
      ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA'],
      ['CONFIG', 'GET', 'notify-keyspace-events'],
      ['CONFIG', 'SET', 'notify-keyspace-events', ''],
      ['CONFIG', 'SET', 'shutdown-on-sigterm', 'save nosave'],
      ['CONFIG', 'SET', 'shutdown-on-sigterm', 'nosave force now'],
      ['CONFIG', 'GET', 'shutdown-on-sigterm'],
      ['CONFIG', 'SET', 'shutdown-on-sigterm', 'default'],
      ['CONFIG', 'SET', 'maxmemory', '1', 'maxmemory', '1'],
      ['CONFIG', 'SET', 'maxmemory'],
      ['CONFIG', 'SET', 'a', 'b', 'c'],
      ['CONFIG', 'SET', 'oom-score-adj-values', '1 2'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '10 200'],
      ['CONFIG', 'SET', 'proc-title-template', '{nope}'],
      ['CONFIG', 'SET', 'dbfilename', 'a/b'],
      ['CONFIG', 'GET', 'save'],
      ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'GET', 'client-output-buffer-limit'],
      ['CONFIG', 'GET', 'SAVE'],
      ['CONFIG', 'GET', 'no-such-*'],
      ['CONFIG', 'REWRITE'],
      ['CONFIG', 'GET_XX'],
      ['SLOWLOG', 'GET', -5],
      ['SLOWLOG', 'GET', 1, 2],
      ['SLOWLOG', 'NOPE'],
      ['SHUTDOWN', 'ABORT'],
      ['SHUTDOWN', 'NOSAVE', 'SAVE'],
      ['LOLWUT', 'VERSION'],
      ['TIME', 'x'],
    ];
    for (const row of await bothReplies(a, r, commands)) assert.equal(row.amber, row.redis, `reply to ${row.command.join(' ')}`);
  });

  test('CONFIG GET * lists the parameters redis-server lists (TLS excepted)', async () => {
    const a = await amber.client();
    const r = await redis.client();
    const names = async (c: TestClient): Promise<string[]> => ((await c.call('CONFIG', 'GET', '*')) as string[]).filter((_, i) => i % 2 === 0).sort();
    const ours = await names(a);
    const theirs = (await names(r)).filter((n) => !n.startsWith('tls-'));
    assert.deepEqual(ours, theirs);
  });

  test('INFO has the same sections and the same field names in each', async () => {
    const a = await amber.client();
    const r = await redis.client();
    const shape = (info: string): string[] => info.split('\r\n').filter((l) => l !== '').map((l) => (l.startsWith('#') ? l : l.slice(0, l.indexOf(':'))));
    const skip = /^(db\d+|cmdstat_|errorstat_|latency_percentiles_)/;
    const clean = (l: string[]): string[] => l.filter((x) => !skip.test(x));
    assert.deepEqual(clean(shape((await a.call('INFO', 'everything')) as string)), clean(shape((await r.call('INFO', 'everything')) as string)));
  });
});
