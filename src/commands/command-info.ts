/**
 * COMMAND's view of the command table: the reply shapes of COMMAND INFO and COMMAND DOCS,
 * the ACL categories Redis derives from a command's flags, COMMAND LIST filters, and key
 * extraction for COMMAND GETKEYS / GETKEYSANDFLAGS (key specifications first, as Redis
 * 7.0's getKeysFromCommandWithSpecs, then Redis's own extraction rules for the commands
 * whose specs are incomplete or carry variable flags, then the table's `getKeys`).
 *
 * Everything here is derived from the table lines and the generated key specs
 * (keyspecs.ts); nothing is typed twice.
 */

import type { Reply } from '../protocol/writer.js';
import { globMatch } from '../util/glob.js';
import { KEY_SPECS, type KeySpec } from './keyspecs.js';
import type { AclCategory, CommandSpec, Flag } from './types.js';

/** The flags COMMAND INFO shows, in Redis's order (may_replicate, sentinel, only_sentinel and protected are hidden). */
const SHOWN_FLAGS: readonly Flag[] = [
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale',
  'skip_monitor', 'skip_slowlog', 'asking', 'fast', 'no_auth', 'no_mandatory_keys', 'no_async_loading',
  'no_multi', 'movablekeys', 'allow_busy',
];

/** ACL categories in the order Redis prints them. */
export const ACL_CATEGORIES: readonly AclCategory[] = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo',
  'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting',
];

/** The flags of a command as COMMAND INFO lists them. */
export function shownFlags(spec: CommandSpec): Flag[] {
  return SHOWN_FLAGS.filter((f) => spec.flags.includes(f));
}

/**
 * A command's ACL categories: its own plus those Redis derives from its flags
 * (setImplicitACLCategories): write → @write; readonly → @read unless @scripting; admin →
 * @admin and @dangerous; pubsub → @pubsub; fast → @fast; blocking → @blocking; and
 * @slow for anything not @fast. In Redis's category order.
 */
export function aclCategories(spec: CommandSpec): AclCategory[] {
  const cats = new Set<AclCategory>(spec.acl ?? []);
  const f = spec.flags;
  if (f.includes('write')) cats.add('write');
  if (f.includes('readonly') && !cats.has('scripting')) cats.add('read');
  if (f.includes('admin')) {
    cats.add('admin');
    cats.add('dangerous');
  }
  if (f.includes('pubsub')) cats.add('pubsub');
  if (f.includes('fast')) cats.add('fast');
  if (f.includes('blocking')) cats.add('blocking');
  if (!cats.has('fast')) cats.add('slow');
  return ACL_CATEGORIES.filter((c) => cats.has(c));
}

/** The key specs of a command (generated from Redis), empty when it has none. */
export function keySpecsOf(spec: CommandSpec): readonly KeySpec[] {
  return KEY_SPECS[spec.name] ?? [];
}

function replyKeySpec(r: Reply, ks: KeySpec): void {
  r.map(3);
  r.bulk('flags');
  r.set(ks.flags.length);
  for (const f of ks.flags) r.simple(f);
  r.bulk('begin_search');
  r.map(2);
  r.bulk('type');
  if (ks.bs === null) {
    r.bulk('unknown');
    r.bulk('spec');
    r.map(0);
  } else if ('index' in ks.bs) {
    r.bulk('index');
    r.bulk('spec');
    r.map(1);
    r.bulk('index');
    r.int(ks.bs.index);
  } else {
    r.bulk('keyword');
    r.bulk('spec');
    r.map(2);
    r.bulk('keyword');
    r.bulk(ks.bs.keyword);
    r.bulk('startfrom');
    r.int(ks.bs.startfrom);
  }
  r.bulk('find_keys');
  r.map(2);
  r.bulk('type');
  if (ks.fk === null) {
    r.bulk('unknown');
    r.bulk('spec');
    r.map(0);
  } else if ('range' in ks.fk) {
    r.bulk('range');
    r.bulk('spec');
    r.map(3);
    r.bulk('lastkey');
    r.int(ks.fk.range[0]);
    r.bulk('keystep');
    r.int(ks.fk.range[1]);
    r.bulk('limit');
    r.int(ks.fk.range[2]);
  } else {
    r.bulk('keynum');
    r.bulk('spec');
    r.map(3);
    r.bulk('keynumidx');
    r.int(ks.fk.keynum[0]);
    r.bulk('firstkey');
    r.int(ks.fk.keynum[1]);
    r.bulk('keystep');
    r.int(ks.fk.keynum[2]);
  }
}

/**
 * One COMMAND INFO entry (Redis addReplyCommandInfo): name, arity, flags, first key, last
 * key, step, ACL categories, tips, key specs, subcommands.
 */
export function replyCommandInfo(r: Reply, spec: CommandSpec | undefined): void {
  if (spec === undefined) {
    r.nullBulk();
    return;
  }
  const [first, last, step] = spec.keys ?? [0, 0, 0];
  r.array(10);
  r.bulk(spec.name);
  r.int(spec.arity);
  const flags = shownFlags(spec);
  r.set(flags.length);
  for (const f of flags) r.simple(f);
  r.int(first);
  r.int(last);
  r.int(step);
  const cats = aclCategories(spec);
  r.set(cats.length);
  for (const c of cats) r.simple('@' + c);
  const tips = spec.tips ?? [];
  r.set(tips.length);
  for (const t of tips) r.bulk(t);
  const specs = keySpecsOf(spec);
  r.set(specs.length);
  for (const ks of specs) replyKeySpec(r, ks);
  const subs = spec.subcommands ?? [];
  if (spec.subcommands === undefined) r.set(0);
  else r.array(subs.length);
  for (const s of subs) replyCommandInfo(r, s);
}

/**
 * One COMMAND DOCS entry: summary, since, group, complexity and subcommands, from the
 * table (our own summaries; Redis's argument descriptions and history are not kept).
 */
export function replyCommandDocs(r: Reply, spec: CommandSpec): void {
  let n = 3;
  if (spec.complexity !== undefined) n++;
  if (spec.subcommands !== undefined) n++;
  r.map(n);
  r.bulk('summary');
  r.bulk(spec.summary);
  r.bulk('since');
  r.bulk(spec.since);
  r.bulk('group');
  r.bulk(spec.group);
  if (spec.complexity !== undefined) {
    r.bulk('complexity');
    r.bulk(spec.complexity);
  }
  if (spec.subcommands !== undefined) {
    r.bulk('subcommands');
    r.map(spec.subcommands.length);
    for (const s of spec.subcommands) {
      r.bulk(s.name);
      replyCommandDocs(r, s);
    }
  }
}

/**
 * Finds a command by its full name as COMMAND INFO/DOCS take it: `get`, or
 * `container|sub` (Redis lookupCommandBySds); undefined otherwise.
 */
export function commandByFullName(table: ReadonlyMap<string, CommandSpec>, name: string): CommandSpec | undefined {
  const parts = name.toLowerCase().split('|');
  if (parts.length > 2) return undefined;
  const base = table.get(parts[0]!);
  if (base === undefined || parts.length === 1) return base;
  if (base.subcommands === undefined) return undefined;
  return base.subcommands.find((s) => s.name === parts[0] + '|' + parts[1]);
}

/** Every command and subcommand name, parents before their subcommands (COMMAND LIST). */
export function allNames(table: ReadonlyMap<string, CommandSpec>, filter: (spec: CommandSpec) => boolean): string[] {
  const out: string[] = [];
  for (const spec of table.values()) {
    if (filter(spec)) out.push(spec.name);
    for (const s of spec.subcommands ?? []) if (filter(s)) out.push(s.name);
  }
  return out;
}

/** COMMAND LIST FILTERBY PATTERN matches the full name case-insensitively. */
export function patternFilter(pattern: string): (spec: CommandSpec) => boolean {
  return (spec) => globMatch(pattern, spec.name, true);
}

/** COMMAND LIST FILTERBY ACLCAT: an unknown category matches nothing. */
export function aclcatFilter(category: string): (spec: CommandSpec) => boolean {
  const cat = category.toLowerCase() as AclCategory;
  if (!ACL_CATEGORIES.includes(cat)) return () => false;
  return (spec) => aclCategories(spec).includes(cat);
}

export interface KeyRef {
  /** Position in the command's argv (0 is the command name). */
  pos: number;
  flags: readonly string[];
}

/** Redis's string2ll for keynum arguments (no spaces, signs only '-', no leading zeros). */
function strictInt(s: string): number | null {
  return /^(0|-?[1-9]\d*)$/.test(s) && s.length <= 20 ? Number(s) : null;
}

/**
 * Keys found by the key specs (Redis getKeysUsingKeySpecs); null when a spec is invalid
 * for these arguments or incomplete (the caller then tries the command's own rules).
 */
export function keysFromSpecs(spec: CommandSpec, argv: readonly string[]): KeyRef[] | null {
  const argc = argv.length;
  const out: KeyRef[] = [];
  for (const ks of keySpecsOf(spec)) {
    if (ks.flags.includes('not_key')) continue;
    let first = 0;
    if (ks.bs === null) return null;
    if ('index' in ks.bs) {
      first = ks.bs.index;
    } else {
      const { keyword, startfrom } = ks.bs;
      const start = startfrom > 0 ? startfrom : argc + startfrom;
      const end = startfrom > 0 ? argc - 1 : 1;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (argv[i]!.toLowerCase() === keyword.toLowerCase()) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue; // keyword not found: this spec has no keys here
    }
    let last: number;
    let step: number;
    if (ks.fk === null) return null;
    if ('range' in ks.fk) {
      const [lastkey, keystep, limit] = ks.fk.range;
      step = keystep;
      if (lastkey >= 0) last = first + lastkey;
      else if (limit === 0) last = argc + lastkey;
      else last = first + (Math.floor((argc - first) / limit) + lastkey);
    } else {
      const [keynumidx, firstkey, keystep] = ks.fk.keynum;
      step = keystep;
      if (keynumidx >= argc || first + keynumidx >= argc) return null;
      const numkeys = strictInt(argv[first + keynumidx]!);
      if (numkeys === null || numkeys < 0) return null;
      first += firstkey;
      last = first + numkeys - 1;
    }
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) {
      if (i >= argc) continue;
      out.push({ pos: i, flags: ks.flags });
    }
    if (ks.flags.includes('incomplete')) return null;
  }
  return out;
}

const RO_ACCESS = ['RO', 'access'];
const OW_UPDATE = ['OW', 'update'];
const RW_ACCESS_UPDATE = ['RW', 'access', 'update'];
const RW_ACCESS_DELETE = ['RW', 'access', 'delete'];

/** C's atoi: optional blanks and sign, then digits up to the first non-digit (0 if none). */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
}

/**
 * Redis's genericGetKeys: `num` keys from firstKeyOfs every keyStep (num read at
 * keyCountOfs), plus a destination key at storeKeyOfs last; none when num is out of range.
 */
function genericKeys(storeKeyOfs: number, keyCountOfs: number, firstKeyOfs: number, keyStep: number, argv: readonly string[]): KeyRef[] {
  const num = atoi(argv[keyCountOfs] ?? '');
  if (num < 1 || num > Math.trunc((argv.length - firstKeyOfs) / keyStep)) return [];
  const keys: KeyRef[] = [];
  for (let i = 0; i < num; i++) keys.push({ pos: firstKeyOfs + i * keyStep, flags: [] });
  if (storeKeyOfs) keys.push({ pos: storeKeyOfs, flags: [] });
  return keys;
}

/** Commands whose Redis key extraction is genericGetKeys, with its offsets. */
const GENERIC_KEYS: Record<string, [number, number, number, number]> = {
  sintercard: [0, 1, 2, 1],
  zunionstore: [1, 2, 3, 1],
  zinterstore: [1, 2, 3, 1],
  zdiffstore: [1, 2, 3, 1],
  zunion: [0, 1, 2, 1],
  zinter: [0, 1, 2, 1],
  zdiff: [0, 1, 2, 1],
  zintercard: [0, 1, 2, 1],
  eval: [0, 2, 3, 1],
  eval_ro: [0, 2, 3, 1],
  evalsha: [0, 2, 3, 1],
  evalsha_ro: [0, 2, 3, 1],
  fcall: [0, 2, 3, 1],
  fcall_ro: [0, 2, 3, 1],
  lmpop: [0, 1, 2, 1],
  zmpop: [0, 1, 2, 1],
  blmpop: [0, 2, 3, 1],
  bzmpop: [0, 2, 3, 1],
};

/**
 * Redis's own key extraction (its getkeys_proc functions) for commands that have one,
 * used when the key specs are incomplete, have variable flags or do not fit the
 * arguments; null for other commands.
 */
function nativeKeys(spec: CommandSpec, argv: readonly string[]): KeyRef[] | null {
  const argc = argv.length;
  const generic = GENERIC_KEYS[spec.name];
  if (generic !== undefined) return genericKeys(...generic, argv);
  switch (spec.name) {
    case 'georadius':
    case 'georadiusbymember': {
      let stored = -1;
      for (let i = 5; i < argc; i++) {
        const a = argv[i]!.toLowerCase();
        if ((a === 'store' || a === 'storedist') && i + 1 < argc) {
          stored = i + 1;
          i++;
        }
      }
      const keys: KeyRef[] = [{ pos: 1, flags: [] }];
      if (stored >= 0) keys.push({ pos: stored, flags: [] });
      return keys;
    }
    case 'xread':
    case 'xreadgroup': {
      let streams = -1;
      for (let i = 1; i < argc; i++) {
        const a = argv[i]!.toLowerCase();
        if (a === 'block' || a === 'count') i++;
        else if (a === 'group') i += 2;
        else if (a === 'noack') continue;
        else if (a === 'streams') {
          streams = i;
          break;
        } else break;
      }
      const num = streams === -1 ? 0 : argc - streams - 1;
      if (streams === -1 || num === 0 || num % 2 !== 0) return [];
      const keys: KeyRef[] = [];
      for (let i = streams + 1; i < argc - num / 2; i++) keys.push({ pos: i, flags: [] });
      return keys;
    }
    case 'set': {
      for (let i = 3; i < argc; i++) if (argv[i]!.toLowerCase() === 'get') return [{ pos: 1, flags: RW_ACCESS_UPDATE }];
      return [{ pos: 1, flags: OW_UPDATE }];
    }
    case 'bitfield': {
      let readonly = true;
      for (let i = 2; i < argc; i++) {
        const rem = argc - i - 1;
        const a = argv[i]!.toLowerCase();
        if (a === 'get' && rem >= 2) i += 2;
        else if ((a === 'set' || a === 'incrby') && rem >= 3) {
          readonly = false;
          break;
        } else if (a === 'overflow' && rem >= 1) i += 1;
        else {
          readonly = false;
          break;
        }
      }
      return [{ pos: 1, flags: readonly ? RO_ACCESS : RW_ACCESS_UPDATE }];
    }
    case 'sort':
    case 'sort_ro': {
      const keys: KeyRef[] = [{ pos: 1, flags: RO_ACCESS }];
      if (spec.name === 'sort_ro') return keys;
      let store = -1;
      const skip: Record<string, number> = { limit: 2, get: 1, by: 1 };
      for (let i = 2; i < argc; i++) {
        const a = argv[i]!.toLowerCase();
        if (skip[a] !== undefined) i += skip[a]!;
        else if (a === 'store' && i + 1 < argc) store = i + 1;
      }
      if (store >= 0) keys.push({ pos: store, flags: OW_UPDATE });
      return keys;
    }
    case 'migrate': {
      let first = 3;
      let num = 1;
      const skip: Record<string, number> = { copy: 0, replace: 0, auth: 1, auth2: 2 };
      if (argc > 6) {
        for (let i = 6; i < argc; i++) {
          const a = argv[i]!.toLowerCase();
          if (a === 'keys') {
            if (argv[3]!.length > 0) num = 0;
            else {
              first = i + 1;
              num = argc - first;
            }
            break;
          }
          if (skip[a] !== undefined) i += skip[a]!;
        }
      }
      const keys: KeyRef[] = [];
      for (let i = 0; i < num; i++) keys.push({ pos: first + i, flags: RW_ACCESS_DELETE });
      return keys;
    }
  }
  return null;
}

/**
 * The keys of a full command line (Redis getKeysFromCommandWithSpecs): key specs when they
 * are complete and their flags fixed, else Redis's own rules for that command, else the
 * table's `getKeys`. Returns null when no method finds valid keys.
 */
export function commandKeys(spec: CommandSpec, argv: readonly string[]): KeyRef[] | null {
  const specs = keySpecsOf(spec);
  const hasKeySpec = specs.some((k) => !k.flags.includes('not_key'));
  const varFlags = specs.some((k) => k.flags.includes('variable_flags'));
  if (hasKeySpec && !varFlags) {
    const r = keysFromSpecs(spec, argv);
    if (r !== null) return r;
  }
  const native = nativeKeys(spec, argv);
  if (native !== null) return native;
  if (spec.getKeys !== undefined) return spec.getKeys(argv).map((pos) => ({ pos, flags: [] }));
  return null;
}

/** Whether Redis has its own key extraction for this command (a getkeys_proc). */
function hasNativeKeys(spec: CommandSpec): boolean {
  return GENERIC_KEYS[spec.name] !== undefined || ['set', 'bitfield', 'sort', 'sort_ro', 'migrate', 'georadius', 'georadiusbymember', 'xread', 'xreadgroup'].includes(spec.name);
}

/** Whether a command has keys at all (Redis doesCommandHaveKeys). */
export function commandHasKeys(spec: CommandSpec): boolean {
  return hasNativeKeys(spec) || spec.getKeys !== undefined || keySpecsOf(spec).some((k) => !k.flags.includes('not_key'));
}
