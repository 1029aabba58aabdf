import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIG_TABLE, Config, allConfigNames, findConfig, formatMemory, memtoull, parseObufLimits } from '../../../src/config/config.js';

const ctx = { allowProtected: false, loading: false };

describe('the table', () => {
  test('names and aliases are unique and look up case-insensitively', () => {
    const names = allConfigNames().map((n) => n.name);
    assert.equal(new Set(names).size, names.length);
    assert.equal(findConfig('MAXMEMORY')?.name, 'maxmemory');
    assert.equal(findConfig('slaveof')?.name, 'replicaof');
    assert.equal(findConfig('lua-time-limit')?.name, 'busy-reply-threshold');
    assert.equal(findConfig('nosuch'), undefined);
  });

  test('every default parses', () => {
    const c = new Config();
    for (const d of CONFIG_TABLE) assert.ok(c.isDefault(d), d.name);
  });

  test('defaults are Redis 7.0 defaults', () => {
    const c = new Config();
    assert.equal(c.num('hash-max-listpack-entries'), 512);
    assert.equal(c.num('zset-max-listpack-entries'), 128);
    assert.equal(c.str('save'), '3600 1 300 100 60 10000');
    assert.equal(c.num('proto-max-bulk-len'), 512 * 1024 * 1024);
    assert.equal(c.str('maxmemory-policy'), 'noeviction');
    assert.equal(c.bool('rdbchecksum'), true);
    assert.equal(c.render('shutdown-on-sigterm'), 'default');
    assert.equal(c.render('latency-tracking-info-percentiles'), '50 99 99.9');
  });

  test('getters accept aliases', () => {
    const c = new Config();
    assert.equal(c.num('lua-time-limit'), 5000);
    assert.equal(c.num('hash-max-ziplist-entries'), 512);
  });
});

describe('memory values', () => {
  test('memtoull takes units as Redis does', () => {
    assert.equal(memtoull('100'), 100n);
    assert.equal(memtoull('1k'), 1000n);
    assert.equal(memtoull('1kb'), 1024n);
    assert.equal(memtoull('2MB'), 2n * 1024n * 1024n);
    assert.equal(memtoull('1g'), 1000000000n);
    assert.equal(memtoull('1gb'), 1073741824n);
    assert.equal(memtoull('5b'), 5n);
    assert.equal(memtoull('-1'), null);
    assert.equal(memtoull('1.5mb'), null);
    assert.equal(memtoull('kb'), null);
    assert.equal(memtoull('1tb'), null);
  });

  test('formatMemory writes the largest exact unit', () => {
    assert.equal(formatMemory(1073741824), '1gb');
    assert.equal(formatMemory(64 * 1024 * 1024), '64mb');
    assert.equal(formatMemory(3072), '3kb');
    assert.equal(formatMemory(1000), '1000');
    assert.equal(formatMemory(0), '0');
  });
});

describe('parsing values', () => {
  const c = new Config();
  const parse = (name: string, ...args: string[]): unknown => {
    const r = c.parse(findConfig(name)!, args);
    return 'error' in r ? r.error : r.value;
  };

  test('booleans', () => {
    assert.equal(parse('appendonly', 'YES'), true);
    assert.equal(parse('appendonly', 'no'), false);
    assert.equal(parse('appendonly', '1'), "argument must be 'yes' or 'no'");
  });

  test('integers use string2ll and report bounds as Redis', () => {
    assert.equal(parse('hz', '100'), 100);
    assert.equal(parse('hz', '007'), "argument couldn't be parsed into an integer");
    assert.equal(parse('hz', ' 1'), "argument couldn't be parsed into an integer");
    assert.equal(parse('hz', '-1'), 'argument must be between 0 and 2147483647 inclusive');
    assert.equal(parse('maxmemory-samples', '0'), 'argument must be between 1 and 2147483647 inclusive');
    assert.equal(parse('slowlog-log-slower-than', '-2'), 'argument must be between -1 and 9223372036854775807 inclusive');
    assert.equal(parse('list-max-listpack-size', '-5'), -5);
  });

  test('memory parameters take units; percent ones take N%', () => {
    assert.equal(parse('maxmemory', '1mb'), 1048576);
    assert.equal(parse('maxmemory', 'x'), 'argument must be a memory value');
    assert.equal(parse('proto-max-bulk-len', '1000'), 'argument must be between 1048576 and 9223372036854775807 inclusive');
    assert.equal(parse('maxmemory-clients', '10%'), -10);
    assert.equal(parse('maxmemory-clients', '101%'), 'percentage argument must be less or equal to 100');
    assert.equal(parse('maxmemory-clients', 'x%'), 'argument must be a memory or percent value');
  });

  test('octal parameters', () => {
    assert.equal(parse('unixsocketperm', '700'), 0o700);
    assert.equal(parse('unixsocketperm', '800'), "argument couldn't be parsed as an octal number");
    assert.equal(parse('unixsocketperm', '1000'), 'argument must be between 0 and 777 inclusive');
  });

  test('enums, synonyms and flag sets', () => {
    assert.equal(parse('loglevel', 'WARNING'), 'warning');
    assert.equal(parse('loglevel', 'loud'), 'argument(s) must be one of the following: debug, verbose, notice, warning');
    assert.equal(parse('loglevel', 'debug', 'notice'), 'argument(s) must be one of the following: debug, verbose, notice, warning');
    assert.equal(parse('oom-score-adj', 'relative'), 'yes');
    assert.equal(parse('shutdown-on-sigint', 'force', 'nosave', 'now'), 'nosave now force');
    assert.equal(parse('shutdown-on-sigint', 'default'), 'default');
    assert.equal(parse('shutdown-on-sigint', 'save', 'nosave'), "shutdown options SAVE and NOSAVE can't be used simultaneously");
  });

  test('special parameters', () => {
    assert.equal(parse('save', '900', '1', '300', '10'), '900 1 300 10');
    assert.equal(parse('save', ''), '');
    assert.equal(parse('save', '900'), 'Invalid save parameters');
    assert.equal(parse('save', '0', '1'), 'Invalid save parameters');
    assert.equal(parse('save', '10', '-1'), 'Invalid save parameters');
    assert.equal(parse('notify-keyspace-events', 'KEA'), 'AKE');
    assert.equal(parse('notify-keyspace-events', 'Elg'), 'glE');
    assert.equal(parse('notify-keyspace-events', 'x!'), "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
    assert.equal(parse('bind', '127.0.0.1', '::1'), '127.0.0.1 ::1');
    assert.equal(parse('replicaof', 'no', 'one'), '');
    assert.equal(parse('replicaof', 'h', 'x'), 'Invalid master port');
    assert.equal(parse('latency-tracking-info-percentiles', '0.0', '50.0', '100.0'), '0 50 100');
    assert.equal(parse('dir', '/nonexistent-amber-dir'), 'No such file or directory');
    assert.equal(parse('dbfilename', 'a/b.rdb'), "dbfilename can't be a path, just a filename");
    assert.equal(parse('appendfilename', ''), "appendfilename can't be empty");
  });

  test('client-output-buffer-limit updates only the classes given', () => {
    const r = c.parse(findConfig('client-output-buffer-limit')!, ['replica', '1mb', '512kb', '30']);
    assert.ok('value' in r);
    assert.equal(r.value, 'normal 0 0 0 slave 1048576 524288 30 pubsub 33554432 8388608 60');
    assert.deepEqual(parseObufLimits(r.value as string).slave, { hard: 1048576, soft: 524288, softSeconds: 30 });
    const bad = c.parse(findConfig('client-output-buffer-limit')!, ['master', '1', '2', '3']);
    assert.deepEqual(bad, { error: 'Invalid client class specified in buffer limit configuration.' });
  });
});

describe('setMany (CONFIG SET)', () => {
  test('sets every pair, or none', () => {
    const c = new Config();
    assert.equal(c.setMany([['maxmemory', '1mb'], ['hz', '20']], ctx), null);
    assert.equal(c.num('maxmemory'), 1048576);
    assert.equal(c.setMany([['maxmemory', '2mb'], ['hz', 'x']], ctx), "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer");
    assert.equal(c.num('maxmemory'), 1048576);
    assert.equal(c.num('hz'), 20);
  });

  test('name errors come first, in Redis order', () => {
    const c = new Config();
    assert.equal(c.setMany([['hz', 'x'], ['nope', '1']], ctx), "ERR Unknown option or number of arguments for CONFIG SET - 'nope'");
    assert.equal(c.setMany([['daemonize', 'no']], ctx), "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config");
    assert.equal(c.setMany([['dir', '/tmp']], ctx), "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config");
    assert.equal(c.setMany([['dir', '/tmp']], { allowProtected: true, loading: false }), null);
    assert.equal(c.setMany([['hz', '1'], ['HZ', '2']], ctx), "ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter");
    assert.equal(c.setMany([['appendonly', 'yes']], { allowProtected: false, loading: true }), 'LOADING Redis is loading the dataset in memory');
  });

  test('the error names the canonical parameter when an alias was given', () => {
    const c = new Config();
    assert.equal(c.setMany([['hash-max-ziplist-entries', 'x']], ctx), "ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-entries') - argument couldn't be parsed into an integer");
  });

  test('a failing apply step rolls every value back and re-applies the old ones', () => {
    const c = new Config();
    const applied: number[] = [];
    c.onApply('port', () => {
      applied.push(c.num('port'));
      return c.num('port') === 1234 ? 'Unable to listen on this port. Check server logs.' : null;
    });
    assert.equal(c.setMany([['maxmemory', '5'], ['port', '1234']], ctx), "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.");
    assert.equal(c.num('maxmemory'), 0);
    assert.equal(c.num('port'), 6379);
    assert.deepEqual(applied, [1234, 6379]);
  });

  test('listeners hear changes; setting the same value is no change', () => {
    const c = new Config();
    const seen: unknown[] = [];
    c.on('hash-max-ziplist-entries', (v) => seen.push(v));
    c.setMany([['hash-max-listpack-entries', '100']], ctx);
    c.setMany([['hash-max-listpack-entries', '100']], ctx);
    assert.deepEqual(seen, [100]);
  });

  test('multi-argument values are split on spaces', () => {
    const c = new Config();
    assert.equal(c.setMany([['save', '100 1 10 2']], ctx), null);
    assert.equal(c.render('save'), '100 1 10 2');
    assert.equal(c.setMany([['save', '']], ctx), null);
    assert.equal(c.render('save'), '');
  });
});

describe('render', () => {
  test('renders values as CONFIG GET shows them', () => {
    const c = new Config();
    c.setMany([['maxmemory-clients', '7%'], ['appendonly', 'yes'], ['maxmemory', '1kb']], ctx);
    assert.equal(c.render('maxmemory-clients'), '7%');
    assert.equal(c.render('appendonly'), 'yes');
    assert.equal(c.render('maxmemory'), '1024');
    assert.equal(c.renderForFile(findConfig('maxmemory')!), '1kb');
    assert.equal(c.render('unixsocketperm'), '0');
  });
});
