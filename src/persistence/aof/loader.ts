/**
 * Loading an AOF: the files named by the manifest, in order (BASE, then INCR files), each
 * either an RDB (a `.base.rdb` BASE, or an old single-file AOF with an RDB preamble) followed
 * by commands, or commands only. Commands run through the server's `call` on a client of its
 * own, as Redis's loadSingleAppendOnlyFile runs them on a fake client; MULTI … EXEC groups are
 * applied whole.
 *
 * Damage: a file that ends in the middle of a command (or of a MULTI block) is "truncated".
 * Only the last file may be truncated; with `aof-load-truncated yes` it is cut back to the end
 * of the last whole command (the log says how many bytes went), with `no` the start is refused.
 * Anything else that is malformed refuses the start with a message naming file and offset,
 * and nothing on disk is changed.
 */

import fs from 'node:fs';
import path from 'node:path';
import type { CommandSpec } from '../../commands/types.js';
import { lookup } from '../../server/dispatch.js';
import type { Server } from '../../server/server.js';
import { latin1String } from '../../util/latin1.js';

export type LoadStatus = 'ok' | 'empty' | 'truncated';

export class AofLoadError extends Error {}

const CHUNK = 4 * 1024 * 1024;

/** Reads a file sequentially in chunks, keeping the absolute offset of what is parsed. */
class ChunkReader {
  private buf = Buffer.alloc(0);
  private pos = 0;
  /** Absolute offset of buf[0]. */
  private base = 0;
  private eof = false;
  constructor(
    private readonly fd: number,
    start: number,
  ) {
    this.base = start;
    this.fileOffset = start;
  }
  private fileOffset: number;

  get offset(): number {
    return this.base + this.pos;
  }

  /** Ensures n bytes are available from pos; false at end of file. */
  private ensure(n: number): boolean {
    while (this.buf.length - this.pos < n) {
      if (this.eof) return false;
      const chunk = Buffer.allocUnsafe(Math.max(CHUNK, n));
      const got = fs.readSync(this.fd, chunk, 0, chunk.length, this.fileOffset);
      if (got === 0) {
        this.eof = true;
        return false;
      }
      this.fileOffset += got;
      const rest = this.buf.subarray(this.pos);
      this.base += this.pos;
      this.buf = rest.length === 0 ? chunk.subarray(0, got) : Buffer.concat([rest, chunk.subarray(0, got)]);
      this.pos = 0;
    }
    return true;
  }

  atEnd(): boolean {
    return !this.ensure(1);
  }

  /** A line without its "\r\n"/"\n"; null at end of file before a newline. */
  line(max = 64 * 1024): string | null {
    let from = this.pos;
    for (;;) {
      const nl = this.buf.indexOf(10, from);
      if (nl >= 0) {
        let end = nl;
        if (end > this.pos && this.buf[end - 1] === 13) end--;
        const s = latin1String(this.buf, this.pos, end - this.pos);
        this.pos = nl + 1;
        return s;
      }
      const have = this.buf.length - this.pos;
      if (have > max) return null;
      if (!this.ensure(have + 1)) return null;
      from = this.pos + have;
    }
  }

  /** n bytes as latin1 then the 2-byte terminator; null at end of file. */
  bulk(n: number): string | null {
    if (!this.ensure(n + 2)) return null;
    const s = latin1String(this.buf, this.pos, n);
    this.pos += n + 2;
    return s;
  }
}

/**
 * Parses and applies the commands of one file from `start`. Returns the status and, when
 * truncated, the offset of the end of the last whole command (or MULTI block).
 */
function applyCommands(server: Server, file: string, fd: number, start: number): { status: LoadStatus; validUpTo: number } {
  const r = new ChunkReader(fd, start);
  const client = server.fakeClient();
  client.authenticated = true;
  let validUpTo = start;
  let multi: { spec: CommandSpec; argv: string[] }[] | null = null;
  let validBeforeMulti = start;
  const fmtErr = (at: number, why: string): AofLoadError =>
    new AofLoadError(`Bad file format reading the append only file ${file} at offset ${at} (${why}): make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`);
  for (;;) {
    if (r.atEnd()) break;
    const at = r.offset;
    const head = r.line();
    if (head === null) return { status: 'truncated', validUpTo: multi ? validBeforeMulti : validUpTo };
    if (head.startsWith('#')) {
      if (multi === null) validUpTo = r.offset;
      continue;
    }
    if (head[0] !== '*') throw fmtErr(at, `expected '*', got ${JSON.stringify(head.slice(0, 16))}`);
    const argc = Number.parseInt(head.slice(1), 10);
    if (!(argc >= 1)) throw fmtErr(at, 'invalid argument count');
    const argv: string[] = [];
    for (let j = 0; j < argc; j++) {
      const lenLine = r.line();
      if (lenLine === null) return { status: 'truncated', validUpTo: multi ? validBeforeMulti : validUpTo };
      if (lenLine[0] !== '$') throw fmtErr(at, `expected '$', got ${JSON.stringify(lenLine.slice(0, 16))}`);
      const len = Number.parseInt(lenLine.slice(1), 10);
      if (!(len >= 0)) throw fmtErr(at, 'invalid bulk length');
      const arg = r.bulk(len);
      if (arg === null) return { status: 'truncated', validUpTo: multi ? validBeforeMulti : validUpTo };
      argv.push(arg);
    }
    const found = lookup(argv);
    if (typeof found === 'string') {
      throw new AofLoadError(`Unknown command '${argv[0]}' reading the append only file ${file} at offset ${at}`);
    }
    const name = found.name;
    if (name === 'multi') {
      validBeforeMulti = validUpTo;
      multi = [];
    } else if (name === 'exec') {
      const queued = multi ?? [];
      multi = null;
      for (const q of queued) runOne(server, client, q.spec, q.argv);
      validUpTo = r.offset;
    } else if (multi !== null) {
      multi.push({ spec: found, argv });
    } else {
      runOne(server, client, found, argv);
      validUpTo = r.offset;
    }
  }
  if (multi !== null) {
    server.log('warning', `Revert incomplete MULTI/EXEC transaction in AOF file ${file}`);
    return { status: 'truncated', validUpTo: validBeforeMulti };
  }
  return { status: 'ok', validUpTo };
}

function runOne(server: Server, client: ReturnType<Server['fakeClient']>, spec: CommandSpec, argv: string[]): void {
  if (spec.name === 'select') {
    const id = Number(argv[1]);
    if (!Number.isInteger(id) || id < 0 || id >= server.store.dbs.length) throw new AofLoadError(`Invalid SELECT ${argv[1]} in the append only file`);
    client.db = server.store.db(id);
    return;
  }
  server.call(client, spec, argv);
  const out = client.reply.take();
  if (out.startsWith('-')) {
    // Redis applies AOF commands without checking replies; an error means the command did
    // nothing, which replaying it faithfully reproduces. Log it for the operator.
    server.log('verbose', `Command ${spec.name} in the AOF replied an error: ${out.trim()}`);
  }
}

/**
 * Loads one AOF file. `loadRdb(fd, name)` loads an RDB image from the start of the file and
 * returns how many bytes it used (an RDB BASE, or a preamble before commands).
 */
export function loadAofFile(
  server: Server,
  dir: string,
  name: string,
  opts: { truncatedOk: boolean; isLast: boolean; loadRdb: (fd: number, file: string) => number },
): LoadStatus {
  const file = path.join(dir, name);
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new AofLoadError(`The append log file ${name} doesn't exist: No such file or directory`);
    throw new AofLoadError(`Fatal error: can't open the append log file ${name} for reading: ${err.message}`);
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) return 'empty';
    const sig = Buffer.alloc(5);
    fs.readSync(fd, sig, 0, 5, 0);
    let start = 0;
    if (sig.toString('latin1') === 'REDIS') {
      server.log('notice', name.endsWith('.rdb') ? 'Reading RDB base file on AOF loading...' : 'Reading RDB preamble from AOF file...');
      start = opts.loadRdb(fd, name);
    }
    const { status, validUpTo } = applyCommands(server, name, fd, start);
    if (status === 'ok') return 'ok';
    // Truncated.
    if (!opts.isLast) throw new AofLoadError(`Fatal error: the truncated file is not the last file (${name})`);
    if (!opts.truncatedOk) {
      throw new AofLoadError(
        `Unexpected end of file reading the append only file ${name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`,
      );
    }
    server.log('warning', `!!! Warning: short read while loading the AOF file ${name}!!!`);
    server.log('warning', `!!! Truncating the AOF ${name} at offset ${validUpTo} (dropping ${size - validUpTo} bytes) !!!`);
    fs.truncateSync(file, validUpTo);
    server.log('warning', `AOF ${name} loaded anyway because aof-load-truncated is enabled`);
    return 'truncated';
  } finally {
    fs.closeSync(fd);
  }
}
