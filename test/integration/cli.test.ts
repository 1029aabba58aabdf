/**
 * The amber-server command line: started as a child process (the compiled cli.js next to
 * this test's own output folder), configured by file and flags, refusing bad options,
 * stopping on SIGTERM and SHUTDOWN; and driven by the real redis-cli, interactively and
 * with --pipe mass insertion.
 */

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestClient } from '../helpers/resp.js';
import { tempDir, waitFor } from '../helpers/servers.js';

/** cli.js of the same build as this test: <outDir>/test/integration → <outDir>/src/server. */
const CLI = join(dirname(fileURLToPath(import.meta.url)), '../../src/server/cli.js');
/** The package's `amber-server` launcher (it runs dist/src/server/cli.js). */
const BIN = join(dirname(fileURLToPath(import.meta.url)), '../../../bin/amber-server');

/** The memory bin/amber-server sizes the heap from, in MB (cgroup limit or RAM), or null. */
function availableMb(): number | null {
  if (!existsSync('/proc/meminfo')) return null;
  let kb = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  if (existsSync('/sys/fs/cgroup/memory.max')) {
    const limit = readFileSync('/sys/fs/cgroup/memory.max', 'utf8').trim();
    if (/^\d+$/.test(limit)) kb = Math.min(kb, Number(limit) / 1024);
  }
  return kb > 0 ? kb / 1024 : null;
}

const redisCli = ((): string | null => {
  const r = spawnSync('sh', ['-c', 'command -v redis-cli'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
})();
const NO_CLI = 'redis-cli is not installed (apt-get install redis-tools)';

interface Running {
  proc: ChildProcess;
  port: number;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * Starts amber-server with args (plus --port 0 and --dir) and waits for the ready line. The
 * server picks its own free port and logs it, so no other test can take the port in between.
 */
async function startCli(args: string[], dir: string): Promise<Running> {
  const proc = spawn(process.execPath, [CLI, ...args, '--port', '0', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  await waitFor(() => out.includes('Ready to accept connections') || proc.exitCode !== null, 10000, 'the ready line');
  if (proc.exitCode !== null) throw new Error(`amber-server exited: ${out}`);
  const port = Number(/Running mode=standalone, port=(\d+)\./.exec(out)?.[1]);
  assert.ok(port > 0, `no port in the log: ${out}`);
  return { proc, port, output: () => out, exited };
}

/** Runs amber-server expecting it to refuse to start; returns its exit code and output. */
function refuse(args: string[]): { code: number | null; output: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 10000 });
  return { code: r.status, output: r.stdout + r.stderr };
}

const dir = tempDir('amber-cli-');
after(() => rmSync(dir, { recursive: true, force: true }));

describe('amber-server', () => {
  test('starts, logs the ready line in Redis log format, and answers', async () => {
    const s = await startCli(['--save', ''], dir);
    try {
      assert.match(s.output(), /^\d+:M \d\d \w{3} \d{4} \d\d:\d\d:\d\d\.\d{3} \* Ready to accept connections$/m);
      const c = await TestClient.connect(s.port);
      assert.equal(await c.call('PING'), 'PONG');
      c.close();
    } finally {
      s.proc.kill('SIGKILL');
      await s.exited;
    }
  });

  test('reads a config file, then flags that override it', async () => {
    const file = join(dir, 'amber.conf');
    writeFileSync(file, '# test config\nmaxmemory 2mb\nhz 15\nsave 900 1\n');
    const s = await startCli([file, '--hz', '20', '--save', '100', '100'], dir);
    try {
      const c = await TestClient.connect(s.port);
      assert.deepEqual(await c.call('CONFIG', 'GET', 'maxmemory'), ['maxmemory', '2097152']);
      assert.deepEqual(await c.call('CONFIG', 'GET', 'hz'), ['hz', '20']);
      assert.deepEqual(await c.call('CONFIG', 'GET', 'save'), ['save', '900 1 100 100']);
      assert.match((await c.call('INFO', 'server')) as string, new RegExp(`config_file:${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\r\\n`));
      c.close();
    } finally {
      s.proc.kill('SIGKILL');
      await s.exited;
    }
  });

  test('refuses to start on an unknown option or a bad value, with Redis messages', () => {
    const unknown = refuse(['--no-such-option', 'x']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.output, /\*\*\* FATAL CONFIG FILE ERROR \(Redis 7\.0\.15\) \*\*\*\nReading the configuration file, at line 2\n>>> 'no-such-option "x"'\nBad directive or wrong number of arguments/);
    const bad = refuse(['--port', '--bla']);
    assert.equal(bad.code, 1);
    assert.match(bad.output, /'port "--bla"'\nargument couldn't be parsed into an integer/);
    const missing = refuse([join(dir, 'missing.conf')]);
    assert.equal(missing.code, 1);
    assert.match(missing.output, /can't open config file/);
  });

  test('refuses to start when the port is taken', async () => {
    const s = await startCli(['--save', ''], dir);
    try {
      const r = spawnSync(process.execPath, [CLI, '--port', String(s.port), '--save', ''], { encoding: 'utf8', timeout: 10000 });
      assert.equal(r.status, 1);
      assert.match(r.stdout + r.stderr, /Could not create server TCP listening socket/);
    } finally {
      s.proc.kill('SIGKILL');
      await s.exited;
    }
  });

  test('SIGTERM shuts down cleanly with exit code 0', async () => {
    const s = await startCli(['--save', ''], dir);
    s.proc.kill('SIGTERM');
    assert.equal(await s.exited, 0);
    assert.match(s.output(), /Received SIGTERM scheduling shutdown/);
    assert.match(s.output(), /ready to exit, bye bye/);
  });

  test('SIGTERM sent the moment the ready line appears still shuts down cleanly (handlers are in place first)', async () => {
    // Before the fix about a third of these ended by the default SIGTERM action (no exit code).
    for (let i = 0; i < 8; i++) {
      const proc = spawn(process.execPath, [CLI, '--port', '0', '--save', '', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let sent = false;
      proc.stdout!.on('data', (d) => {
        if (!sent && String(d).includes('Ready to accept connections')) {
          sent = true;
          proc.kill('SIGTERM');
        }
      });
      const [code, signal] = await new Promise<[number | null, string | null]>((r) => proc.once('exit', (c, sig) => r([c, sig])));
      assert.deepEqual([code, signal], [0, null], `run ${i}`);
    }
  });

  test('bin/amber-server sizes the V8 heap to three quarters of the memory, and is the server process itself', async () => {
    const proc = spawn(BIN, ['--port', '0', '--save', '', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    await waitFor(() => out.includes('Ready to accept connections') || proc.exitCode !== null, 10000, 'the ready line');
    const heap = Number(/V8 heap limit (\d+) MB/.exec(out)?.[1]);
    const mem = availableMb();
    if (mem !== null) {
      // --max-old-space-size is 3/4 of it; the reported limit adds the young generation.
      assert.ok(heap >= Math.floor(mem * 0.75) - 1 && heap <= mem * 0.75 + 128, `heap ${heap} MB for ${mem.toFixed(0)} MB of memory`);
    }
    const port = Number(/Running mode=standalone, port=(\d+)\./.exec(out)?.[1]);
    const c = await TestClient.connect(port);
    assert.equal(await c.call('PING'), 'PONG');
    c.close();
    // exec: the launcher's PID is the server's, so a signal reaches the server directly.
    assert.match(out, new RegExp(`pid=${proc.pid},`));
    proc.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  test('warns when maxmemory is above the V8 heap limit', async () => {
    const s = await startCli(['--save', '', '--maxmemory', '1000000gb'], dir);
    try {
      assert.match(s.output(), /WARNING: maxmemory \(1024000000 MB\) is above the V8 heap limit \(\d+ MB\)/);
    } finally {
      s.proc.kill('SIGKILL');
      await s.exited;
    }
  });

  test('SHUTDOWN from a client ends the process', async () => {
    const s = await startCli(['--save', ''], dir);
    const c = await TestClient.connect(s.port);
    c.send('SHUTDOWN', 'NOSAVE');
    await c.closed();
    assert.equal(await s.exited, 0);
  });

  test('-v prints the version', () => {
    const r = spawnSync(process.execPath, [CLI, '-v'], { encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Redis 7\.0\.15 compatible/);
  });
});

describe('redis-cli against amber-server', { skip: redisCli === null && NO_CLI }, () => {
  let s: Running;
  before(async () => {
    s = await startCli(['--save', ''], dir);
  });
  after(async () => {
    s.proc.kill('SIGKILL');
    await s.exited;
  });

  const cli = (args: string[], input?: string): string => {
    const r = spawnSync(redisCli!, ['-p', String(s.port), ...args], { encoding: 'latin1', input, timeout: 30000 });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };

  test('runs commands given as arguments', () => {
    assert.equal(cli(['SET', 'cli-k', 'hello world']), 'OK\n');
    assert.equal(cli(['GET', 'cli-k']), 'hello world\n');
    assert.equal(cli(['INCR', 'cli-n']), '1\n');
    assert.equal(cli(['CLIENT', 'LIST', 'TYPE', 'master']), '');
  });

  test('reads commands line by line from standard input, as in an interactive session', () => {
    const out = cli([], 'SET line-k 1\nINCRBY line-k 41\nGET line-k\nPING\nNOSUCH x\n');
    // Output redis-cli gives for redis-server too (an error is followed by a blank line).
    assert.equal(out, "OK\n42\n42\nPONG\nERR unknown command 'NOSUCH', with args beginning with: 'x' \n\n");
  });

  test('--pipe mass-inserts 10,000 commands', () => {
    let proto = '';
    for (let i = 0; i < 10000; i++) {
      const k = `mass:${i}`;
      const v = `value-${i}`;
      proto += `*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`;
    }
    const out = cli(['--pipe'], proto);
    assert.match(out, /errors: 0, replies: 10000/);
    assert.equal(cli(['GET', 'mass:9999']), 'value-9999\n');
    assert.equal(cli(['EXISTS', 'mass:0', 'mass:5000', 'mass:10000']), '2\n');
  });

  test('RESP3 with -3 shows maps and nulls as for redis-server', () => {
    assert.match(cli(['-3', 'HELLO']), /^server redis\nversion 7\.0\.15\nproto 3\nid \d+\nmode standalone\nrole master\nmodules \n$/);
    assert.equal(cli(['-3', 'GET', 'no-such-key']), '\n');
  });
});
