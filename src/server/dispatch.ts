/**
 * The dispatch checklist, in Redis 7.0 processCommand's order: look the command up, check
 * arity, the protected DEBUG command, authentication, MULTI restrictions, write refusals,
 * the pub/sub context and CLIENT PAUSE, then queue it (MULTI) or `call` it. `call` runs the
 * handler, keeps command and error statistics, the slow log and MONITOR feed, and
 * propagates the command's effects when it changed the dataset.
 *
 * Handlers never repeat these checks. Error replies are counted where they are written
 * (the client's reply writer), so a handler may throw a ReplyError or write one.
 */

import { performance } from 'node:perf_hooks';
import { COMMANDS, findSubcommand } from '../commands/index.js';
import { Trait, traits, type CommandSpec } from '../commands/types.js';
import { quoteArg } from '../config/parse.js';
import { E, ReplyError } from '../protocol/errors.js';
import type { Client } from './client.js';
import { discardTransaction } from './multi.js';
import { pubsubContext } from './pubsub.js';
import type { Server } from './server.js';

/** Commands that run immediately inside MULTI instead of being queued. */
const MULTI_IMMEDIATE = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** Redis's "unknown command" text: each argument quoted, until the list reaches 128 bytes. */
function unknownCommand(argv: readonly string[]): string {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) args += `'${argv[i]!.slice(0, 128 - args.length)}' `;
  return `ERR unknown command '${argv[0]!.slice(0, 128)}', with args beginning with: ${args}`;
}

/**
 * Names as clients spell them ("SET", "set", "Get") → their table entry, per command
 * table, so the usual lookup allocates no lower-cased copy. Only names found in the
 * table are remembered, and at most a few thousand spellings per table.
 */
const spellings = new WeakMap<ReadonlyMap<string, CommandSpec>, Map<string, CommandSpec>>();

/** The last name found and its entry: pipelines mostly repeat one command. */
let lastTable: ReadonlyMap<string, CommandSpec> | null = null;
let lastName = '';
let lastSpec: CommandSpec | undefined;

function findCommand(table: ReadonlyMap<string, CommandSpec>, name: string): CommandSpec | undefined {
  if (name === lastName && table === lastTable) return lastSpec;
  const spec = findSpelling(table, name);
  if (spec !== undefined) {
    lastTable = table;
    lastName = name;
    lastSpec = spec;
  }
  return spec;
}

function findSpelling(table: ReadonlyMap<string, CommandSpec>, name: string): CommandSpec | undefined {
  let cache = spellings.get(table);
  if (cache === undefined) {
    cache = new Map();
    spellings.set(table, cache);
  }
  let spec = cache.get(name);
  if (spec === undefined) {
    spec = table.get(name.toLowerCase());
    if (spec !== undefined && cache.size < 4096) cache.set(name, spec);
  }
  return spec;
}

/**
 * Looks up the command (and subcommand) for argv; returns an error line if there is none.
 * `table` is the server's own table when rename-command changed it.
 */
export function lookup(argv: readonly string[], table: ReadonlyMap<string, CommandSpec> = COMMANDS): CommandSpec | string {
  const name = argv[0]!;
  const spec = findCommand(table, name);
  if (spec === undefined) return unknownCommand(argv);
  if (spec.subcommands !== undefined && argv.length >= 2) {
    const sub = findSubcommand(spec, argv[1]!);
    if (sub === undefined) return E.unknownSubcommand(argv[1]!, name);
    return sub;
  }
  return spec;
}

export function arityOk(spec: CommandSpec, argc: number): boolean {
  const a = spec.arity;
  return a > 0 ? argc === a : argc >= -a;
}

/** Whether a protected action (DEBUG, protected configs) is allowed for this client. */
export function allowProtected(setting: string, c: Client): boolean {
  if (setting === 'yes') return true;
  if (setting !== 'local') return false;
  const s = c.socket;
  if (s === null) return true;
  const a = s.remoteAddress ?? '';
  return a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.');
}

/** Whether a command may change the dataset or the replication stream (what CLIENT PAUSE WRITE holds). */
export function mayReplicate(spec: CommandSpec, c: Client): boolean {
  if (traits(spec) & (Trait.write | Trait.mayReplicate)) return true;
  if (spec.name === 'exec' && c.multi !== null) {
    for (const q of c.multi.queue) if (traits(q.spec) & (Trait.write | Trait.mayReplicate)) return true;
  }
  return false;
}

/**
 * Processes one request from a client, then applies CLIENT REPLY OFF/SKIP to what the
 * command wrote (Redis drops those replies at the source; here they are cut off after),
 * keeping output written with `Client.pushOut`.
 */
export function execute(server: Server, c: Client, argv: string[]): void {
  const mark = c.reply.length;
  processCommand(server, c, argv);
  if (c.postponed !== null) return;
  if (c.replyMode !== 'on') {
    // Keep what was written as push output (pub/sub), drop the command's replies.
    if (c.reply.length > mark) c.reply.keepOnly(mark, c.pushRanges ?? []);
    if (c.replyMode === 'skip') c.replyMode = 'on';
  }
  c.pushRanges = null;
  if (c.replySkipNext) {
    c.replySkipNext = false;
    if (c.replyMode === 'on') c.replyMode = 'skip';
  }
}

function processCommand(server: Server, c: Client, argv: string[]): void {
  const found = lookup(argv, server.commandTable);
  if (typeof found === 'string') {
    c.lastCommand = 'NULL';
    reject(server, c, found);
    return;
  }
  const spec = found;
  const t = traits(spec);
  c.lastCommand = spec.name;
  if (!arityOk(spec, argv.length)) {
    reject(server, c, E.wrongArity(spec.name), spec, argv);
    return;
  }
  if (t & Trait.protected && spec.name === 'debug' && !allowProtected(server.config.str('enable-debug-command'), c)) {
    reject(
      server, c,
      'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
      spec,
    );
    return;
  }
  if (!(t & Trait.noAuth) && c.authRequired()) {
    reject(server, c, E.noAuth, spec, argv);
    return;
  }
  if (c.multi !== null && t & Trait.noMulti) {
    reject(server, c, E.noMulti, spec, argv);
    return;
  }
  // Refusals of writes (MISCONF after a failed save, ...). Redis refuses PING too, and an
  // EXEC whose transaction holds writes.
  const isWrite = (t & Trait.write) !== 0 || (spec.name === 'exec' && c.multi !== null && c.multi.queue.some((q) => (traits(q.spec) & Trait.write) !== 0));
  if (isWrite || spec.name === 'ping') {
    const refusal = server.writeRefusal();
    if (refusal !== null) {
      reject(server, c, refusal, spec, argv);
      return;
    }
  }
  // A RESP2 client with subscriptions may only run the subscribe family, PING (answered in
  // its pub/sub form), QUIT and RESET. It cannot be in MULTI (MULTI is refused there).
  let run = spec;
  if (c.pubsub !== null) {
    const r = pubsubContext(c, spec);
    if (typeof r === 'string') {
      reject(server, c, r, spec, argv);
      return;
    }
    run = r;
  }
  // MONITOR clients are replicas to Redis: they may not touch the keyspace any more.
  if (c.monitor && t & (Trait.write | Trait.readonly | Trait.mayReplicate)) {
    reject(server, c, "ERR Replica can't interact with the keyspace", spec, argv);
    return;
  }
  // CLIENT PAUSE: the command waits (the client counts as blocked) until the pause ends.
  if (server.pausedFor(c, spec)) {
    server.postpone(c, argv);
    return;
  }
  if (c.multi !== null && !MULTI_IMMEDIATE.has(spec.name)) {
    c.multi.queue.push({ spec, argv });
    c.reply.simple('QUEUED');
    return;
  }
  server.call(c, run, argv);
  const after = server.afterCommandHooks;
  for (let i = 0; i < after.length; i++) after[i]!();
}

/**
 * Answers an error for a command that was not run (Redis rejectCommand): the transaction
 * is flagged, the command's rejected_calls grows, and a rejected EXEC aborts the
 * transaction with -EXECABORT naming the reason.
 */
function reject(server: Server, c: Client, line: string, spec?: CommandSpec, argv?: readonly string[]): void {
  if (spec !== undefined) server.commandStats(spec.name).rejected++;
  if (c.multi !== null) {
    if (spec?.name === 'exec') {
      discardTransaction(c);
      c.reply.error(`EXECABORT Transaction discarded because of: ${line}`);
      feedMonitors(server, c, argv ?? ['exec']);
      return;
    }
    c.multi.failed = true;
  }
  c.reply.error(line);
}

/** Error replies counted up to the end of the last `call` (Redis's prev_err_count). */
let errorMark = 0;

/**
 * Runs a handler and accounts for it. Used for direct commands, for each command of EXEC
 * and for scripts. A call that wrote an error reply counts as failed (nested calls count
 * their own errors, not their caller's).
 */
export function call(server: Server, c: Client, spec: CommandSpec, argv: string[]): void {
  const store = server.store;
  const stats = server.stats;
  const dirtyBefore = store.dirty;
  const prevSpec = c.currentSpec;
  const prevArgv = c.currentArgv;
  const prevRedacted = c.redacted;
  c.currentSpec = spec;
  c.currentArgv = argv;
  c.redacted = null;
  c.propagateAs = null;
  c.noPropagate = false;
  store.access.command++;
  errorMark = stats.totalErrorReplies;
  // Within a pipelined run the previous command's end is this one's start (see clockMark):
  // the time between them (parsing this command) is counted to it.
  const mark = server.clockMark;
  const start = server.chaining && mark[0]! >= 0 ? mark[0]! : performance.now();
  try {
    spec.handler!(c, c.args.reset(argv, traits(spec) & Trait.subcommand ? 2 : 1));
  } catch (e) {
    if (e instanceof ReplyError) {
      c.reply.error(e.line);
    } else {
      server.log('warning', `Internal error in '${spec.name}': ${(e as Error).stack ?? e}`);
      c.reply.error(`ERR internal error while running '${spec.name}'`);
    }
  }
  const end = performance.now();
  if (server.chaining) mark[0] = end;
  const elapsed = end - start;
  const usec = Math.round(elapsed * 1000);
  const stat = server.commandStats(spec.name);
  stat.calls++;
  stat.usec += usec;
  // A command that blocked has its latency recorded when it is served.
  // Whole nanoseconds, capped where the histogram ends (1 s): a small integer, passed unboxed.
  if (c.blocked === null) server.recordLatency(stat, elapsed >= 1000 ? 1e9 : (elapsed * 1e6) | 0);
  if (stats.totalErrorReplies > errorMark) stat.failed++;
  errorMark = stats.totalErrorReplies;
  stats.totalCommands++;
  const shown = c.redacted === null ? argv : redact(argv, c.redacted);
  // A command that blocked is logged when it is served (by the blocking manager).
  if (c.blocked === null) server.slowlogPush(c, shown, usec, spec);
  if (server.monitors.size !== 0 && !(traits(spec) & (Trait.skipMonitor | Trait.admin))) {
    feedMonitors(server, c, shown);
  }
  if (store.dirty !== dirtyBefore && !c.noPropagate) {
    // (The handler may have set propagateAs: it is not the null assigned above.)
    const effects = c.propagateAs as string[][] | null;
    const dbid = c.db.id;
    if (effects === null) {
      // The command as it arrived: its request bytes, when they are at hand, are what the
      // AOF appends (the same RESP it would encode).
      server.propagate(dbid, argv, argv === c.rawArgv ? c.parser : null);
    } else {
      // Several effects of one command are one atomic unit in the AOF and on replicas, as
      // Redis 7.0's propagatePendingCommands wraps them; inside EXEC the transaction wraps.
      const wrap = effects.length > 1 && c.multi === null;
      if (wrap) server.propagate(dbid, ['MULTI']);
      for (const eff of effects) server.propagate(dbid, eff);
      if (wrap) server.propagate(dbid, ['EXEC']);
    }
  }
  c.propagateAs = null;
  c.currentSpec = prevSpec;
  c.currentArgv = prevArgv;
  c.redacted = prevRedacted;
}

/** argv with the arguments at the given positions shown as "(redacted)". */
function redact(argv: readonly string[], positions: ReadonlySet<number>): string[] {
  return argv.map((a, i) => (positions.has(i) ? '(redacted)' : a));
}

/**
 * Sends a command to every MONITOR client, as Redis's replicationFeedMonitors writes it:
 * `+<unix seconds>.<microseconds> [<db> <addr>] "arg" "arg"` (`lua` for server-side
 * clients such as scripts).
 */
export function feedMonitors(server: Server, c: Client, argv: readonly string[]): void {
  if (server.monitors.size === 0 || server.store.loading) return;
  const t = performance.timeOrigin + performance.now();
  const sec = Math.floor(t / 1000);
  const usec = Math.floor((t - sec * 1000) * 1000);
  let line = `+${sec}.${String(usec).padStart(6, '0')} [${c.db.id} ${c.socket === null ? 'lua' : c.addr}]`;
  for (let i = 0; i < argv.length; i++) line += ' ' + quoteArg(argv[i]!);
  line += '\r\n';
  for (const m of server.monitors) {
    if (m.closed) continue;
    m.reply.raw(line);
    server.schedule(m);
  }
}

export { ReplyError };
