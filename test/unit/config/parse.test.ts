import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config } from '../../../src/config/config.js';
import { ConfigError, applyConfigText, loadConfig, parseCommandLine, quoteArg, rewriteConfigFile } from '../../../src/config/parse.js';

const dir = mkdtempSync(join(tmpdir(), 'amber-parse-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function load(argv: string[]): Config {
  const c = new Config();
  loadConfig(c, argv);
  return c;
}

function failure(argv: string[]): string {
  try {
    load(argv);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.message;
  }
  assert.fail('expected the configuration to be refused');
}

describe('command lines', () => {
  test('options become config text, values quoted as Redis quotes them', () => {
    assert.deepEqual(parseCommandLine(['--port', '6380', '--loglevel', 'verbose']), { file: undefined, options: 'port "6380" \nloglevel "verbose" ' });
    assert.equal(parseCommandLine(['/x/amber.conf']).file, '/x/amber.conf');
    assert.equal(quoteArg('a "b"\n\x01'), '"a \\"b\\"\\n\\x01"');
  });

  test('a valueless --save becomes save ""', () => {
    assert.equal(parseCommandLine(['--save', '--loglevel', 'verbose']).options, 'save ""\nloglevel "verbose" ');
    assert.equal(parseCommandLine(['--loglevel', 'verbose', '--save']).options, 'loglevel "verbose" \nsave ""');
  });

  test('an option and its value may come in one word', () => {
    const c = load(['--maxmemory 700mb', '--maxmemory-policy volatile-lru']);
    assert.equal(c.num('maxmemory'), 734003200);
    assert.equal(c.str('maxmemory-policy'), 'volatile-lru');
  });

  test('a value may start with --', () => {
    const c = load(['--proc-title-template', '--my--title--template {title}', '--loglevel', 'verbose']);
    assert.equal(c.str('proc-title-template'), '--my--title--template {title}');
    assert.equal(c.str('loglevel'), 'verbose');
  });

  test('multi-argument parameters take one word with spaces', () => {
    const c = load(['--shutdown-on-sigint', 'nosave', 'force', 'now', '--shutdown-on-sigterm', 'nosave force']);
    assert.equal(c.render('shutdown-on-sigint'), 'nosave now force');
    assert.equal(c.render('shutdown-on-sigterm'), 'nosave force');
  });

  test('bad options refuse to start with Redis messages naming the line', () => {
    assert.match(failure(['--port']), /\n\*\*\* FATAL CONFIG FILE ERROR \(Redis 7\.0\.15\) \*\*\*\nReading the configuration file, at line 2\n>>> 'port'\nwrong number of arguments$/);
    assert.match(failure(['--port', '6380', '--loglevel']), /at line 3\n>>> 'loglevel'\nwrong number of arguments/);
    assert.match(failure(['--port', '6379', '6380']), /'port "6379" "6380"'\nwrong number of arguments/);
    assert.match(failure(['--port', '--bla', '--loglevel', 'verbose']), /'port "--bla"'\nargument couldn't be parsed into an integer/);
    assert.match(failure(['--logfile', '--my--log--file', '--loglevel', '--bla']), /'loglevel "--bla"'\nargument\(s\) must be one of the following/);
    assert.match(failure(['--shutdown-on-sigint']), /'shutdown-on-sigint'\nargument\(s\) must be one of the following/);
    assert.match(failure(['--nosuchoption', 'x']), />>> 'nosuchoption "x"'\nBad directive or wrong number of arguments/);
  });
});

describe('config files', () => {
  test('save lines accumulate; the first replaces the default; save "" clears', () => {
    const file = join(dir, 'save.conf');
    writeFileSync(file, 'save 900 1\n');
    assert.equal(load([file]).str('save'), '900 1');
    assert.equal(load([file, '--save', '100', '100']).str('save'), '900 1 100 100');
    assert.equal(load([file, '--save', '']).str('save'), '');
    assert.equal(load([]).str('save'), '3600 1 300 100 60 10000');
    assert.equal(load(['--save', '100 100']).str('save'), '100 100');
  });

  test('comments, blank lines, quotes, aliases and include', () => {
    const inc = join(dir, 'inc.conf');
    writeFileSync(inc, 'hz 33\n');
    const file = join(dir, 'main.conf');
    writeFileSync(file, `# comment\n\n  maxmemory 1mb  \r\nrequirepass "a b\\x41"\nhash-max-ziplist-entries 20\nhash-max-listpack-entries 21\ninclude ${inc}\nlist-max-ziplist-entries 5\n`);
    const c = load([file]);
    assert.equal(c.num('maxmemory'), 1048576);
    assert.equal(c.str('requirepass'), 'a bA');
    assert.equal(c.num('hash-max-listpack-entries'), 21);
    assert.equal(c.num('hz'), 33);
    assert.equal(c.file, file);
  });

  test('errors name the line of the file', () => {
    const file = join(dir, 'bad.conf');
    writeFileSync(file, 'port 1\n\nappendonly perhaps\n');
    assert.match(failure([file]), /at line 3\n>>> 'appendonly perhaps'\nargument must be 'yes' or 'no'/);
    writeFileSync(file, 'port "1\n');
    assert.match(failure([file]), /Unbalanced quotes in configuration line/);
    assert.match(failure([join(dir, 'missing.conf')]), /Fatal error, can't open config file '.*missing\.conf': No such file or directory/);
  });

  test('rename-command is recorded; a missing log directory is refused', () => {
    const c = new Config();
    applyConfigText(c, 'rename-command flushall ""\nrename-command config cfg\n');
    assert.deepEqual(c.renames, [['flushall', ''], ['config', 'cfg']]);
    assert.match(failure(['--logfile', '/nonexistent-amber-dir/x.log']), /Can't open the log file: No such file or directory/);
  });
});

describe('CONFIG REWRITE', () => {
  test('keeps comments and unknown lines, updates in place, blanks duplicates, appends changes', () => {
    const file = join(dir, 'rw.conf');
    writeFileSync(file, '# top\nsave 900 1\nsave 300 10\nhz 20\n# middle\nhash-max-ziplist-entries 20\n');
    const c = load([file]);
    c.setMany([['save', '60 1'], ['hz', '25'], ['maxmemory', '3mb'], ['hash-max-listpack-entries', '100'], ['notify-keyspace-events', 'Ex']], { allowProtected: false, loading: false });
    rewriteConfigFile(c, file);
    const text = readFileSync(file, 'utf8');
    assert.equal(
      text,
      '# top\nsave 60 1\n\nhz 25\n# middle\nhash-max-listpack-entries 100\n\n# Generated by CONFIG REWRITE\n' +
        `maxmemory 3mb\ndir ${quoteArg(c.str('dir'))}\nnotify-keyspace-events "xE"\n`,
    );
    const again = load([file]);
    for (const name of ['save', 'hz', 'maxmemory', 'hash-max-listpack-entries', 'notify-keyspace-events']) assert.equal(again.render(name), c.render(name), name);
  });

  test('save "" is written so that the defaults do not come back', () => {
    const file = join(dir, 'nosave.conf');
    writeFileSync(file, '');
    const c = load([file]);
    c.setMany([['save', '']], { allowProtected: false, loading: false });
    rewriteConfigFile(c, file);
    assert.match(readFileSync(file, 'utf8'), /\nsave ""\n/);
    assert.equal(load([file]).str('save'), '');
  });
});
