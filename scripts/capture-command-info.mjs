#!/usr/bin/env node
// Captures COMMAND INFO and the fact fields of COMMAND DOCS (group, since) for every command
// of a real redis-server 7.0.15 into test/fixtures/command-info.json, and writes the key
// specifications (the 9th COMMAND INFO element, without Redis's free-text notes) into
// src/commands/keyspecs.ts, which COMMAND INFO and COMMAND GETKEYS use.
//
// Usage: node scripts/capture-command-info.mjs [port]
//   With a port, asks the redis-server already listening on 127.0.0.1:<port>; without,
//   starts `redis-server` on a free port in a temp dir and stops it afterwards.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Parses one RESP2 reply from buf at pos: [value, next] or null when incomplete. */
function parse(buf, pos) {
  const eol = buf.indexOf('\r\n', pos);
  if (eol < 0) return null;
  const t = buf[pos];
  const line = buf.slice(pos + 1, eol);
  const after = eol + 2;
  if (t === '+' || t === ':') return [t === ':' ? Number(line) : line, after];
  if (t === '-') throw new Error(line);
  if (t === '$') {
    const n = Number(line);
    if (n < 0) return [null, after];
    if (buf.length < after + n + 2) return null;
    return [buf.slice(after, after + n), after + n + 2];
  }
  if (t === '*') {
    const n = Number(line);
    if (n < 0) return [null, after];
    const out = [];
    let p = after;
    for (let i = 0; i < n; i++) {
      const r = parse(buf, p);
      if (r === null) return null;
      out.push(r[0]);
      p = r[1];
    }
    return [out, p];
  }
  throw new Error(`unexpected reply type ${t}`);
}

function command(port, args) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      try {
        const r = parse(buf, 0);
        if (r !== null) {
          s.destroy();
          resolve(r[0]);
        }
      } catch (e) {
        s.destroy();
        reject(e);
      }
    });
    s.on('error', reject);
    s.write(`*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join(''));
  });
}

/** A flat [k, v, k, v] array as an object. */
function obj(arr) {
  const o = {};
  for (let i = 0; i < arr.length; i += 2) o[arr[i]] = arr[i + 1];
  return o;
}

function keySpec(raw) {
  const m = obj(raw);
  const bs = obj(m.begin_search);
  const fk = obj(m.find_keys);
  const bsSpec = obj(bs.spec);
  const fkSpec = obj(fk.spec);
  return {
    flags: m.flags,
    bs: bs.type === 'index' ? { index: bsSpec.index } : bs.type === 'keyword' ? { keyword: bsSpec.keyword, startfrom: bsSpec.startfrom } : null,
    fk:
      fk.type === 'range'
        ? { range: [fkSpec.lastkey, fkSpec.keystep, fkSpec.limit] }
        : fk.type === 'keynum'
          ? { keynum: [fkSpec.keynumidx, fkSpec.firstkey, fkSpec.keystep] }
          : null,
  };
}

function info(entry, docs) {
  const [name, arity, flags, first, last, step, acl, , specs, subs] = entry;
  const d = docs[name] ?? {};
  const out = { arity, flags, first, last, step, acl, group: d.group, since: d.since, keySpecs: specs.map(keySpec) };
  if (subs.length > 0) {
    const subDocs = obj(d.subcommands ?? []);
    out.subcommands = {};
    for (const s of subs.sort((a, b) => (a[0] < b[0] ? -1 : 1))) out.subcommands[s[0]] = info(s, Object.fromEntries(Object.entries(subDocs).map(([k, v]) => [k, obj(v)])));
  }
  return out;
}

async function main() {
  let port = Number(process.argv[2] ?? 0);
  let proc = null;
  let dir = null;
  if (!port) {
    dir = mkdtempSync(join(tmpdir(), 'capture-'));
    port = await new Promise((r) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => r(p));
      });
    });
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      try {
        await command(port, ['PING']);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
  try {
    const version = obj((await command(port, ['INFO', 'server'])).split('\r\n').flatMap((l) => (l.includes(':') ? l.split(':', 2) : [])));
    const all = await command(port, ['COMMAND', 'INFO']);
    const docsRaw = obj(await command(port, ['COMMAND', 'DOCS']));
    const docs = Object.fromEntries(Object.entries(docsRaw).map(([k, v]) => [k, obj(v)]));
    all.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const fixture = { redis_version: version.redis_version, commands: {} };
    for (const e of all) fixture.commands[e[0]] = info(e, docs);
    writeFileSync(join(root, 'test/fixtures/command-info.json'), JSON.stringify(fixture, null, 1) + '\n');

    // Key specs for src/commands/keyspecs.ts: every command and subcommand with any.
    const lines = [];
    const emit = (name, c) => {
      if (c.keySpecs.length > 0) lines.push(`  ${JSON.stringify(name)}: ${JSON.stringify(c.keySpecs)},`);
      for (const [sub, sc] of Object.entries(c.subcommands ?? {})) emit(sub, sc);
    };
    for (const [name, c] of Object.entries(fixture.commands)) emit(name, c);
    const ts = `/**
 * Key specifications of Redis ${version.redis_version}'s commands (COMMAND INFO's ninth element, without
 * the free-text notes), generated by scripts/capture-command-info.mjs from a real
 * redis-server. COMMAND INFO prints them and COMMAND GETKEYS / GETKEYSANDFLAGS find keys
 * with them, as Redis does. Do not edit by hand: rerun the script.
 *
 * flags: RO RW OW RM access update insert delete not_key incomplete variable_flags.
 * bs: where the search for keys begins (an argument index, or after a keyword searched
 * from startfrom; negative startfrom searches from the end), null when unknown.
 * fk: how keys are found from there: range [lastkey, keystep, limit] or keynum
 * [keynumidx, firstkey, keystep], null when unknown.
 */

export interface KeySpec {
  readonly flags: readonly string[];
  readonly bs: { readonly index: number } | { readonly keyword: string; readonly startfrom: number } | null;
  readonly fk: { readonly range: readonly [number, number, number] } | { readonly keynum: readonly [number, number, number] } | null;
}

export const KEY_SPECS: Readonly<Record<string, readonly KeySpec[]>> = {
${lines.join('\n')}
};
`;
    writeFileSync(join(root, 'src/commands/keyspecs.ts'), ts);
    console.log(`captured ${all.length} commands from redis ${version.redis_version}`);
  } finally {
    if (proc) {
      proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
