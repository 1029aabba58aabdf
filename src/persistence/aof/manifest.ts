/**
 * The AOF manifest of Redis 7's multi-part AOF: which files make up the log and in what
 * order. One line per file, `file <name> seq <n> type <b|h|i>`: the BASE first, then
 * HISTORY files (awaiting deletion), then INCR files in ascending sequence.
 *
 * File names follow Redis 7.0: `<appendfilename>.<seq>.base.rdb|aof` and
 * `<appendfilename>.<seq>.incr.aof`; the manifest is `<appendfilename>.manifest`, written as
 * `temp-<appendfilename>.manifest`, fsynced, then renamed.
 *
 * Parsing is strict, as in Redis's aofLoadManifestFromFile: any malformed line stops the
 * start with a message naming the line.
 */

import { splitArgs } from '../../protocol/parser.js';

export type AofFileType = 'b' | 'h' | 'i';

export interface AofFileInfo {
  name: string;
  seq: number;
  type: AofFileType;
}

export class Manifest {
  base: AofFileInfo | null = null;
  history: AofFileInfo[] = [];
  incr: AofFileInfo[] = [];
  /** Highest sequence numbers handed out so far. */
  baseSeq = 0;
  incrSeq = 0;

  clone(): Manifest {
    const m = new Manifest();
    m.base = this.base ? { ...this.base } : null;
    m.history = this.history.map((f) => ({ ...f }));
    m.incr = this.incr.map((f) => ({ ...f }));
    m.baseSeq = this.baseSeq;
    m.incrSeq = this.incrSeq;
    return m;
  }

  get empty(): boolean {
    return this.base === null && this.incr.length === 0;
  }

  /** The text written to disk. */
  format(): string {
    let s = '';
    const line = (f: AofFileInfo): string => `file ${quoteName(f.name)} seq ${f.seq} type ${f.type}\n`;
    if (this.base) s += line(this.base);
    for (const f of this.history) s += line(f);
    for (const f of this.incr) s += line(f);
    return s;
  }

  /**
   * Starts a new BASE file name; the current BASE (if any) becomes HISTORY.
   * `rdb` chooses the `.base.rdb` (preamble) or `.base.aof` suffix.
   */
  newBase(filename: string, rdb: boolean): AofFileInfo {
    if (this.base) {
      this.history.unshift({ ...this.base, type: 'h' });
    }
    this.baseSeq++;
    this.base = { name: `${filename}.${this.baseSeq}.base.${rdb ? 'rdb' : 'aof'}`, seq: this.baseSeq, type: 'b' };
    return this.base;
  }

  /** Adds a new INCR file at the tail. */
  newIncr(filename: string): AofFileInfo {
    this.incrSeq++;
    const f: AofFileInfo = { name: `${filename}.${this.incrSeq}.incr.aof`, seq: this.incrSeq, type: 'i' };
    this.incr.push(f);
    return f;
  }

  /** The INCR file being appended to, creating one if none exists. */
  lastIncr(filename: string): AofFileInfo {
    return this.incr.length > 0 ? this.incr[this.incr.length - 1]! : this.newIncr(filename);
  }

  /**
   * After a rewrite: every INCR file except the one now being written (the last) becomes
   * HISTORY, because the new BASE contains their effects.
   */
  markRewrittenIncrAsHistory(keepLast: boolean): void {
    const keep = keepLast && this.incr.length > 0 ? [this.incr[this.incr.length - 1]!] : [];
    const old = keepLast ? this.incr.slice(0, -1) : this.incr;
    for (let i = old.length - 1; i >= 0; i--) this.history.unshift({ ...old[i]!, type: 'h' });
    this.incr = keep;
  }
}

/** Names with spaces or quotes are written quoted, as Redis's sdscatrepr does. */
function quoteName(name: string): string {
  if (/^[\x21-\x7e]+$/.test(name) && !name.includes('"') && !name.includes("'") && !name.includes('\\')) return name;
  let s = '"';
  for (const ch of name) {
    const c = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"') s += '\\' + ch;
    else if (ch === '\n') s += '\\n';
    else if (ch === '\r') s += '\\r';
    else if (ch === '\t') s += '\\t';
    else if (c < 0x20 || c > 0x7e) s += '\\x' + c.toString(16).padStart(2, '0');
    else s += ch;
  }
  return s + '"';
}

export class ManifestError extends Error {}

const MAX_LINE = 1024;

/** Parses manifest text; throws ManifestError with Redis's wording and the line. */
export function parseManifest(text: string): Manifest {
  const m = new Manifest();
  const lines = text.split('\n');
  // A final newline leaves an empty last element: not a line.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new ManifestError('Found an empty AOF manifest');
  let maxIncrSeq = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const fail = (why: string): ManifestError =>
      new ManifestError(`\n*** FATAL AOF MANIFEST FILE ERROR ***\nReading the manifest file, at line ${i + 1}\n>>> '${raw.trim()}'\n${why}`);
    if (raw.startsWith('#')) continue;
    if (raw.length > MAX_LINE) throw fail('The AOF manifest file contains too long line');
    const line = raw.trim();
    if (line.length === 0) throw fail('Invalid AOF manifest file format');
    const argv = splitArgs(line);
    if (argv === null || argv.length < 6 || argv.length % 2 !== 0) throw fail('Invalid AOF manifest file format');
    let name: string | undefined;
    let seq = 0;
    let type: string | undefined;
    for (let j = 0; j < argv.length; j += 2) {
      const k = argv[j]!.toLowerCase();
      const v = argv[j + 1]!;
      if (k === 'file') {
        name = v;
        if (name.includes('/')) throw fail("File can't be a path, just a filename");
      } else if (k === 'seq') {
        seq = Number.parseInt(v, 10) || 0;
      } else if (k === 'type') {
        type = v[0];
      }
    }
    if (!name || !seq || !type) throw fail('Invalid AOF manifest file format');
    if (type === 'b') {
      if (m.base) throw fail('Found duplicate base file information');
      m.base = { name, seq, type: 'b' };
      m.baseSeq = seq;
    } else if (type === 'h') {
      m.history.push({ name, seq, type: 'h' });
    } else if (type === 'i') {
      if (seq <= maxIncrSeq) throw fail('Found a non-monotonic sequence number');
      m.incr.push({ name, seq, type: 'i' });
      m.incrSeq = seq;
      maxIncrSeq = seq;
    } else {
      throw fail('Unknown AOF file type');
    }
  }
  return m;
}
