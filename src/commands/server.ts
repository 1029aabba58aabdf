/**
 * Server commands (the server group) that concern the server itself rather than a data
 * type: INFO, CONFIG, TIME, SLOWLOG, MONITOR, SHUTDOWN, COMMAND, LOLWUT, and the DEBUG
 * subcommands SLEEP, JMAP, OBJECT, CHANGE-REPL-ID, PAUSE-CRON (QUICKLIST-PACKED-THRESHOLD: list.ts),
 * LOG, PROTOCOL and HELP (registered in debug.ts's table). Replies and error texts are
 * Redis 7.0's (server.c, config.c, slowlog.c, debug.c).
 *
 * Persistence commands (SAVE, BGSAVE, LASTSAVE, ...) and keyspace ones (DBSIZE, FLUSHALL)
 * live in their own family files.
 */

import { allConfigNames, findConfig } from '../config/config.js';
import { rewriteConfigFile } from '../config/parse.js';
import { encodeValue } from '../persistence/rdb/encode.js';
import { allowProtected } from '../server/dispatch.js';
import { genInfo } from '../server/info.js';
import { globMatch } from '../util/glob.js';
import {
  aclcatFilter,
  allNames,
  commandByFullName,
  commandHasKeys,
  commandKeys,
  patternFilter,
  replyCommandDocs,
  replyCommandInfo,
} from './command-info.js';
import { replyHelp } from './connection.js';
import { refcountOf } from './generic.js';
import { stringEncodingOf } from './string.js';
import { debugSubcommands, debugSyntaxError } from './debug.js';
import type { Args, CommandSpec, Ctx } from './types.js';
import { E, ReplyError, err } from './types.js';

// ---- INFO, TIME, LOLWUT ----

/** INFO [section [section ...]] */
function info(c: Ctx, args: Args): void {
  c.reply.verbatim(genInfo(c.server, args.rest()));
}

/** TIME — unix seconds and microseconds, as two bulk strings. */
function time(c: Ctx): void {
  const t = performance.timeOrigin + performance.now();
  const sec = Math.floor(t / 1000);
  c.reply.bulks([String(sec), String(Math.floor((t - sec * 1000) * 1000))]);
}

/**
 * LOLWUT [VERSION version] — Redis 7.0 prints its version line; for versions 5 and 6 Redis
 * draws generative art, which Amber does not: it prints the version line for every version.
 * Other arguments are ignored, as in Redis.
 */
function lolwut(c: Ctx, args: Args): void {
  if (args.argv.length >= 3 && args.argv[1]!.toLowerCase() === 'version') {
    args.next();
    args.int();
  }
  c.reply.verbatim('Redis ver. 7.0.15\n');
}

// ---- CONFIG ----

/** CONFIG GET parameter [parameter ...] — names or glob patterns (hidden ones only by name). */
function configGet(c: Ctx, args: Args): void {
  const config = c.server.config;
  const matches = new Map<string, string>(); // shown name → canonical name
  for (const pattern of args.rest()) {
    if (!/[[*?]/.test(pattern)) {
      if (matches.has(pattern)) continue;
      const def = findConfig(pattern);
      if (def !== undefined) matches.set(pattern, def.name);
      continue;
    }
    for (const { name, def } of allConfigNames()) {
      if (def.hidden || matches.has(name)) continue;
      if (globMatch(pattern, name, true)) matches.set(name, def.name);
    }
  }
  c.reply.map(matches.size);
  for (const [shown, canonical] of matches) {
    c.reply.bulk(shown);
    c.reply.bulk(config.render(canonical));
  }
}

/** CONFIG SET parameter value [parameter value ...] — all or nothing. */
function configSet(c: Ctx, args: Args): void {
  const argv = args.argv;
  if (argv.length % 2 !== 0) throw new ReplyError(E.syntax);
  const pairs: [string, string][] = [];
  for (let i = 2; i < argv.length; i += 2) {
    if (findConfig(argv[i]!)?.sensitive) c.redact(i + 1);
    pairs.push([argv[i]!, argv[i + 1]!]);
  }
  const server = c.server;
  const error = server.config.setMany(pairs, {
    allowProtected: allowProtected(server.config.str('enable-protected-configs'), c),
    loading: server.store.loading,
  });
  if (error !== null) throw new ReplyError(error);
  c.reply.ok();
}

/** CONFIG RESETSTAT */
function configResetstat(c: Ctx): void {
  c.server.resetStats();
  c.reply.ok();
}

/** CONFIG REWRITE — rewrites the config file the server was started with. */
function configRewrite(c: Ctx): void {
  const config = c.server.config;
  if (config.file === null) throw err('The server is running without a config file');
  try {
    rewriteConfigFile(config, config.file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const text = code === 'EACCES' ? 'Permission denied' : code === 'ENOENT' ? 'No such file or directory' : (e as Error).message;
    c.server.log('warning', `CONFIG REWRITE failed: ${text}`);
    throw err(`Rewriting config file: ${text}`);
  }
  c.server.log('warning', 'CONFIG REWRITE executed with success.');
  c.reply.ok();
}

/** CONFIG HELP */
function configHelp(c: Ctx): void {
  replyHelp(c, 'config', [
    'GET <pattern>',
    '    Reply with the parameters whose names match the glob-style <pattern>, and their values.',
    'SET <directive> <value> [<directive> <value> ...]',
    '    Change parameters; all of them or none.',
    'RESETSTAT',
    '    Zero the counters INFO reports.',
    'REWRITE',
    '    Write the running configuration into the config file the server started with.',
  ]);
}

// ---- SLOWLOG ----

/** SLOWLOG GET [count] — the newest `count` entries (10 by default, -1 for all). */
function slowlogGet(c: Ctx, args: Args): void {
  const server = c.server;
  if (args.argv.length > 3) {
    throw err(`unknown subcommand or wrong number of arguments for '${args.argv[1]!.slice(0, 128)}'. Try SLOWLOG HELP.`);
  }
  let count = 10;
  if (args.more()) {
    const raw = args.next();
    const n = /^-?\d+$/.test(raw) && raw.length <= 20 ? BigInt(raw) : null;
    if (n === null || n < -1n || n > 9223372036854775807n) throw err('count should be greater than or equal to -1');
    count = n === -1n ? server.slowlog.length : Number(n);
  }
  const entries = server.slowlog.slice(0, count);
  const r = c.reply;
  r.array(entries.length);
  for (const e of entries) {
    r.array(6);
    r.int(e.id);
    r.int(e.time);
    r.int(e.usec);
    r.bulks(e.argv);
    r.bulk(e.addr);
    r.bulk(e.name);
  }
}

/** SLOWLOG LEN */
function slowlogLen(c: Ctx): void {
  c.reply.int(c.server.slowlog.length);
}

/** SLOWLOG RESET */
function slowlogReset(c: Ctx): void {
  c.server.slowlog = [];
  c.reply.ok();
}

/** SLOWLOG HELP */
function slowlogHelp(c: Ctx): void {
  replyHelp(c, 'slowlog', [
    'GET [<count>]',
    '    Reply with the <count> newest entries of the slow log (10 by default; -1 for all).',
    '    Each entry: id, unix time, duration in microseconds, arguments, client address, client name.',
    'LEN',
    '    Reply with the number of entries in the slow log.',
    'RESET',
    '    Empty the slow log.',
  ]);
}

// ---- MONITOR, SHUTDOWN ----

/** MONITOR — from now on the connection receives every command the server runs. */
function monitor(c: Ctx): void {
  if (c.monitor) return; // already monitoring: Redis answers nothing
  if (c.socket === null) throw err("MONITOR isn't allowed for DENY BLOCKING client");
  c.monitor = true;
  c.server.monitors.add(c);
  c.reply.ok();
}

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] — stops the server. With save points
 * configured (or SAVE) the dataset is saved first by the persistence shutdown hooks; when
 * that fails and FORCE is not given the server stays up and answers an error. On success
 * the connection closes without a reply, as in Redis.
 */
function shutdown(c: Ctx, args: Args): void {
  let save: boolean | undefined;
  let nosave = false;
  let force = false;
  let now = false;
  let abort = false;
  let flags = 0;
  while (args.more()) {
    const opt = args.next().toLowerCase();
    flags++;
    if (opt === 'nosave') nosave = true;
    else if (opt === 'save') save = true;
    else if (opt === 'now') now = true;
    else if (opt === 'force') force = true;
    else if (opt === 'abort') {
      abort = true;
      flags--;
    } else throw new ReplyError(E.syntax);
  }
  if ((abort && flags > 0) || (nosave && save)) throw new ReplyError(E.syntax);
  if (abort) throw err('No shutdown in progress.');
  if (nosave) save = false;
  void now; // Amber has no replicas to wait for: every shutdown is immediate.
  const server = c.server;
  server.log('warning', 'User requested shutdown...');
  // The client waits (it is not read from) until the shutdown ends or fails.
  c.blocked = { kind: 'shutdown', deadline: 0, keys: [], retry: () => false, onTimeout: () => {} };
  server.close({ save, force }).then(
    () => undefined,
    (e: unknown) => {
      server.log('warning', `Errors trying to shut down the server: ${(e as Error).message}`);
      c.blocked = null;
      c.reply.error('ERR Errors trying to SHUTDOWN. Check logs.');
      server.schedule(c);
      c.processInput();
    },
  );
}

// ---- COMMAND ----

/** COMMAND — COMMAND INFO for every command. */
function command(c: Ctx): void {
  const table = c.server.commandTable;
  c.reply.array(table.size);
  for (const spec of table.values()) replyCommandInfo(c.reply, spec);
}

/** COMMAND COUNT */
function commandCount(c: Ctx): void {
  c.reply.int(c.server.commandTable.size);
}

/** COMMAND INFO [command-name ...] — null for unknown names. */
function commandInfo(c: Ctx, args: Args): void {
  const table = c.server.commandTable;
  if (!args.more()) {
    command(c);
    return;
  }
  const names = args.rest();
  c.reply.array(names.length);
  for (const n of names) replyCommandInfo(c.reply, commandByFullName(table, n));
}

/** COMMAND DOCS [command-name ...] — a map from name to docs; unknown names are left out. */
function commandDocs(c: Ctx, args: Args): void {
  const table = c.server.commandTable;
  const specs: CommandSpec[] = [];
  if (!args.more()) specs.push(...table.values());
  else for (const n of args.rest()) {
    const s = commandByFullName(table, n);
    if (s !== undefined) specs.push(s);
  }
  c.reply.map(specs.length);
  for (const s of specs) {
    c.reply.bulk(s.name);
    replyCommandDocs(c.reply, s);
  }
}

/** COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern] */
function commandList(c: Ctx, args: Args): void {
  let filter: (spec: CommandSpec) => boolean = () => true;
  while (args.more()) {
    if (args.peekUpper() !== 'FILTERBY' || args.remaining !== 3) throw new ReplyError(E.syntax);
    args.next();
    const type = args.next().toLowerCase();
    const value = args.next();
    if (type === 'module') filter = () => false; // Amber loads no modules
    else if (type === 'aclcat') filter = aclcatFilter(value);
    else if (type === 'pattern') filter = patternFilter(value);
    else throw new ReplyError(E.syntax);
  }
  c.reply.bulks(allNames(c.server.commandTable, filter));
}

/** COMMAND GETKEYS / GETKEYSANDFLAGS full-command... (Redis getKeysSubcommandImpl) */
function getKeys(c: Ctx, args: Args, withFlags: boolean): void {
  const argv = args.argv.slice(2);
  const table = c.server.commandTable;
  let spec = table.get(argv[0]!.toLowerCase());
  if (spec?.subcommands !== undefined && argv.length >= 2) {
    spec = spec.subcommands.find((s) => s.name === spec!.name + '|' + argv[1]!.toLowerCase());
  }
  if (spec === undefined) throw err('Invalid command specified');
  if (!commandHasKeys(spec)) throw err('The command has no key arguments');
  const a = spec.arity;
  if ((a > 0 && a !== argv.length) || argv.length < -a) throw err('Invalid number of arguments specified for command');
  const keys = commandKeys(spec, argv);
  if (keys === null || keys.length === 0) {
    if (spec.flags.includes('no_mandatory_keys')) {
      c.reply.array(0);
      return;
    }
    throw err('Invalid arguments specified for command');
  }
  c.reply.array(keys.length);
  for (const k of keys) {
    if (!withFlags) {
      c.reply.bulk(argv[k.pos]!);
      continue;
    }
    c.reply.array(2);
    c.reply.bulk(argv[k.pos]!);
    c.reply.set(k.flags.length);
    for (const f of k.flags) c.reply.simple(f);
  }
}

/** COMMAND HELP */
function commandHelp(c: Ctx): void {
  replyHelp(c, 'command', [
    '(no subcommand)',
    '    Reply with the details of every command.',
    'COUNT',
    '    Reply with the number of commands.',
    'LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]',
    '    Reply with the names of the commands and subcommands, optionally filtered.',
    'INFO [<command-name> ...]',
    '    Reply with the details of the named commands (all when none is named).',
    'DOCS [<command-name> ...]',
    '    Reply with the documentation of the named commands (all when none is named).',
    'GETKEYS <full-command>',
    '    Reply with the keys a full command line names.',
    'GETKEYSANDFLAGS <full-command>',
    '    Reply with the keys a full command line names, and how it uses each.',
  ]);
}

// ---- DEBUG subcommands ----

/** DEBUG SLEEP seconds — blocks the whole server, as Redis's does (tests rely on it). */
function debugSleep(c: Ctx, args: Args): void {
  const seconds = Number.parseFloat(args.next()) || 0;
  if (seconds > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
  c.reply.ok();
}

/** a/b as C's "%.2f" prints it (exact ties round to even, as glibc does). */
function ratio2(a: number, b: number): string {
  let q = Math.floor((a * 100) / b);
  const rem = a * 100 - q * b;
  if (2 * rem > b || (2 * rem === b && q % 2 === 1)) q++;
  return `${Math.floor(q / 100)}.${String(q % 100).padStart(2, '0')}`;
}

/** DEBUG OBJECT key — Redis's one-line description of a value, with Amber's facts. */
function debugObject(c: Ctx, args: Args): void {
  const key = args.next();
  const v = c.db.dict.get(key);
  if (v === undefined) throw new ReplyError(E.noSuchKey);
  const enc = typeof v === 'string' ? stringEncodingOf(c.db, key, v) : v.encoding();
  let serialized = 0;
  try {
    serialized = encodeValue(v, c.server.config.bool('rdbcompression')).length - 1;
  } catch {
    serialized = 0;
  }
  // The key's access data (store/access.ts); lru_seconds_idle as Redis computes it, LRU or not.
  const access = c.server.store.access;
  const lru = c.db.dict.metaOf(key) ?? 0;
  const idle = access.idleSeconds(lru);
  let extra = '';
  if (typeof v !== 'string' && v.kind === 'list') {
    // Redis's quicklist fields. ql_compressed: Redis reports the list-compress-depth the
    // list was created with; Amber compresses nothing and reports the current setting.
    const layout = v.layout();
    let bytes = 0;
    for (const node of layout) bytes += node.bytes;
    const avg = layout.length === 0 ? '-nan' : ratio2(v.length, layout.length);
    const compressed = c.server.config.num('list-compress-depth') !== 0 ? 1 : 0;
    extra = ` ql_nodes:${layout.length} ql_avg_node:${avg} ql_listpack_max:${v.fill} ql_compressed:${compressed} ql_uncompressed_size:${bytes}`;
  }
  c.reply.simple(
    `Value at:0x${(0x7f0000000000 + key.length * 16).toString(16)} refcount:${refcountOf(c, key, v)} encoding:${enc} ` +
      `serializedlength:${serialized} lru:${lru} lru_seconds_idle:${idle}${extra}`,
  );
}

/** DEBUG PAUSE-CRON 0|1 — stops or restarts the periodic jobs. */
function debugPauseCron(c: Ctx, args: Args): void {
  c.server.cronPaused = (Number.parseInt(args.next(), 10) || 0) !== 0;
  c.reply.ok();
}

/** DEBUG LOG message — writes the message to the server log. */
function debugLog(c: Ctx, args: Args): void {
  c.server.log('warning', `DEBUG LOG: ${args.next()}`);
  c.reply.ok();
}

/** DEBUG PROTOCOL type — one reply of each RESP type (for client tests). */
function debugProtocol(c: Ctx, args: Args): void {
  const r = c.reply;
  switch (args.next().toLowerCase()) {
    case 'string':
      r.bulk('Hello World');
      return;
    case 'integer':
      r.int(12345);
      return;
    case 'double':
      r.double(3.141);
      return;
    case 'bignum':
      r.bigNumber('1234567999999999999999999999999999999');
      return;
    case 'null':
      r.nullBulk();
      return;
    case 'array':
      r.array(3);
      for (let j = 0; j < 3; j++) r.int(j);
      return;
    case 'set':
      r.set(3);
      for (let j = 0; j < 3; j++) r.int(j);
      return;
    case 'map':
      r.map(3);
      for (let j = 0; j < 3; j++) {
        r.int(j);
        r.bool(j === 1);
      }
      return;
    case 'attrib':
      if (r.proto === 3) r.raw('|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n');
      r.bulk('Some real reply following the attribute');
      return;
    case 'push':
      if (r.proto < 3) throw err('RESP2 is not supported by this command');
      r.push(2);
      r.bulk('server-cpu-usage');
      r.int(42);
      r.bulk('Some real reply following the push reply');
      return;
    case 'verbatim':
      r.verbatim('This is a verbatim\nstring');
      return;
    case 'true':
      r.bool(true);
      return;
    case 'false':
      r.bool(false);
      return;
    default:
      throw err('Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false');
  }
}

const ok = (c: Ctx): void => c.reply.ok();

/**
 * Registers a DEBUG subcommand with the argument count Redis requires (`argc` counts DEBUG
 * and the subcommand name); other counts get DEBUG's unknown-subcommand error.
 */
function debugSub(name: string, argc: number, handler: (c: Ctx, args: Args) => void): void {
  debugSubcommands.set(name, (c, args) => {
    if (args.argv.length !== argc) throw debugSyntaxError(args.argv[1]!);
    handler(c, args);
  });
}

debugSub('sleep', 3, debugSleep);
debugSub('jmap', 2, ok);
debugSub('object', 3, debugObject);
debugSub('change-repl-id', 2, (c) => {
  c.server.log('warning', 'Changing replication IDs after receiving DEBUG change-repl-id');
  ok(c);
});
debugSub('pause-cron', 3, debugPauseCron);
debugSub('log', 3, debugLog);
debugSub('protocol', 3, debugProtocol);
debugSub('help', 2, (c) => {
  const names = [...debugSubcommands.keys()].filter((n) => n !== 'help').sort();
  replyHelp(c, 'debug', names.flatMap((n) => [n.toUpperCase(), `    See docs/server.md for DEBUG ${n.toUpperCase()}.`]));
});

// ---- table ----

const ADMIN = ['admin', 'noscript', 'loading', 'stale'] as const;
const CMD_FLAGS = ['loading', 'stale', 'sentinel'] as const;

const configSubcommands: CommandSpec[] = [
  { name: 'config|get', arity: -3, flags: [...ADMIN], group: 'server', since: '2.0.0', complexity: 'O(N) when N is the number of configuration parameters provided', summary: 'Returns the values of configuration parameters.', handler: configGet },
  { name: 'config|set', arity: -4, flags: [...ADMIN], group: 'server', since: '2.0.0', complexity: 'O(N) when N is the number of configuration parameters provided', summary: 'Changes configuration parameters, all or none.', tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'], handler: configSet },
  { name: 'config|resetstat', arity: 2, flags: [...ADMIN], group: 'server', since: '2.0.0', complexity: 'O(1)', summary: 'Zeroes the counters INFO reports.', tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'], handler: configResetstat },
  { name: 'config|rewrite', arity: 2, flags: [...ADMIN], group: 'server', since: '2.8.0', complexity: 'O(1)', summary: 'Writes the running configuration into the config file.', tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'], handler: configRewrite },
  { name: 'config|help', arity: 2, flags: ['loading', 'stale'], group: 'server', since: '5.0.0', complexity: 'O(1)', summary: 'Describes the CONFIG subcommands.', handler: configHelp },
];

const slowlogSubcommands: CommandSpec[] = [
  { name: 'slowlog|get', arity: -2, flags: ['admin', 'loading', 'stale'], group: 'server', since: '2.2.12', complexity: 'O(N) where N is the number of entries returned', summary: 'Returns the newest entries of the slow log.', tips: ['request_policy:all_nodes', 'nondeterministic_output'], handler: slowlogGet },
  { name: 'slowlog|len', arity: 2, flags: ['admin', 'loading', 'stale'], group: 'server', since: '2.2.12', complexity: 'O(1)', summary: 'Returns the number of entries in the slow log.', tips: ['request_policy:all_nodes', 'response_policy:agg_sum', 'nondeterministic_output'], handler: slowlogLen },
  { name: 'slowlog|reset', arity: 2, flags: ['admin', 'loading', 'stale'], group: 'server', since: '2.2.12', complexity: 'O(N) where N is the number of entries in the slowlog', summary: 'Empties the slow log.', tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'], handler: slowlogReset },
  { name: 'slowlog|help', arity: 2, flags: ['loading', 'stale'], group: 'server', since: '6.2.0', complexity: 'O(1)', summary: 'Describes the SLOWLOG subcommands.', handler: slowlogHelp },
];

const commandSubcommands: CommandSpec[] = [
  { name: 'command|count', arity: 2, flags: [...CMD_FLAGS], acl: ['connection'], group: 'server', since: '2.8.13', complexity: 'O(1)', summary: 'Returns the number of commands.', handler: commandCount },
  { name: 'command|info', arity: -2, flags: [...CMD_FLAGS], acl: ['connection'], group: 'server', since: '2.8.13', complexity: 'O(N) where N is the number of commands to look up', summary: 'Returns the facts of commands: arity, flags, keys, categories.', tips: ['nondeterministic_output_order'], handler: commandInfo },
  { name: 'command|docs', arity: -2, flags: [...CMD_FLAGS], acl: ['connection'], group: 'server', since: '7.0.0', complexity: 'O(N) where N is the number of commands to look up', summary: 'Returns the documentation of commands.', tips: ['nondeterministic_output_order'], handler: commandDocs },
  { name: 'command|list', arity: -2, flags: [...CMD_FLAGS], acl: ['connection'], group: 'server', since: '7.0.0', complexity: 'O(N) where N is the total number of Redis commands', summary: 'Returns the names of the commands, optionally filtered.', tips: ['nondeterministic_output_order'], handler: commandList },
  { name: 'command|getkeys', arity: -4, flags: [...CMD_FLAGS], acl: ['connection'], group: 'server', since: '2.8.13', complexity: 'O(N) where N is the number of arguments to the command', summary: 'Returns the keys a full command line names.', handler: (c, a) => getKeys(c, a, false) },
  { name: 'command|getkeysandflags', arity: -4, flags: [...CMD_FLAGS], acl: ['connection'], group: 'server', since: '7.0.0', complexity: 'O(N) where N is the number of arguments to the command', summary: 'Returns the keys a full command line names and how it uses them.', handler: (c, a) => getKeys(c, a, true) },
  { name: 'command|help', arity: 2, flags: [...CMD_FLAGS], acl: ['connection'], group: 'server', since: '5.0.0', complexity: 'O(1)', summary: 'Describes the COMMAND subcommands.', handler: commandHelp },
];

export const commands: CommandSpec[] = [
  { name: 'info', arity: -1, flags: ['loading', 'stale', 'sentinel'], acl: ['dangerous'], group: 'server', since: '1.0.0', complexity: 'O(1)', summary: 'Reports information and statistics about the server.', tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'], handler: info },
  { name: 'config', arity: -2, flags: [], group: 'server', since: '2.0.0', complexity: 'Depends on subcommand.', summary: 'Reads and changes the configuration.', subcommands: configSubcommands },
  { name: 'time', arity: 1, flags: ['loading', 'stale', 'fast'], group: 'server', since: '2.6.0', complexity: 'O(1)', summary: 'Returns the server time.', tips: ['nondeterministic_output'], handler: time },
  { name: 'slowlog', arity: -2, flags: [], group: 'server', since: '2.2.12', complexity: 'Depends on subcommand.', summary: 'Reads and empties the log of slow commands.', subcommands: slowlogSubcommands },
  { name: 'monitor', arity: 1, flags: [...ADMIN], group: 'server', since: '1.0.0', summary: 'Streams every command the server runs to this connection.', handler: monitor },
  { name: 'shutdown', arity: -1, flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'sentinel', 'allow_busy'], group: 'server', since: '1.0.0', complexity: 'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)', summary: 'Saves (when configured) and stops the server.', handler: shutdown },
  { name: 'command', arity: -1, flags: [...CMD_FLAGS], acl: ['connection'], group: 'server', since: '2.8.13', complexity: 'O(N) where N is the total number of Redis commands', summary: 'Returns the facts of every command.', tips: ['nondeterministic_output_order'], handler: command, subcommands: commandSubcommands },
  { name: 'lolwut', arity: -1, flags: ['readonly', 'fast'], group: 'server', since: '5.0.0', summary: 'Prints the server version.', handler: lolwut },
];
