/**
 * The dispatch checklist, in Redis 7.0 processCommand's order: look the command up, check
 * arity, authentication, transaction queueing and write refusals, then `call` it. `call`
 * runs the handler, keeps command statistics and the slow log, and propagates the
 * command's effects when it changed the dataset.
 *
 * Handlers never repeat these checks.
 */

import { COMMANDS, findSubcommand } from '../commands/index.js';
import type { CommandSpec } from '../commands/types.js';
import { E, ReplyError } from '../protocol/errors.js';
import type { Client } from './client.js';
import type { Server } from './server.js';

/** Commands that run immediately inside MULTI instead of being queued. */
const MULTI_IMMEDIATE = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** Looks up the command (and subcommand) for argv; returns an error line if there is none. */
export function lookup(argv: readonly string[]): CommandSpec | string {
  const name = argv[0]!;
  const spec = COMMANDS.get(name.toLowerCase());
  if (spec === undefined) return E.unknownCommand(name, argv.slice(1));
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

/** Processes one request from a client. */
export function execute(server: Server, c: Client, argv: string[]): void {
  const found = lookup(argv);
  if (typeof found === 'string') {
    reject(server, c, found);
    return;
  }
  const spec = found;
  if (!arityOk(spec, argv.length)) {
    reject(server, c, E.wrongArity(spec.name), spec);
    return;
  }
  if (!c.authenticated && !spec.flags.includes('no_auth')) {
    reject(server, c, E.noAuth, spec);
    return;
  }
  const isWrite = spec.flags.includes('write');
  if (c.multi !== null && !MULTI_IMMEDIATE.has(spec.name)) {
    if (isWrite) {
      const refusal = server.writeRefusal();
      if (refusal !== null) {
        reject(server, c, refusal, spec);
        return;
      }
    }
    c.multi.queue.push({ spec, argv });
    c.reply.simple('QUEUED');
    return;
  }
  if (isWrite) {
    const refusal = server.writeRefusal();
    if (refusal !== null) {
      reject(server, c, refusal, spec);
      return;
    }
  }
  server.call(c, spec, argv);
  const after = server.afterCommandHooks;
  for (let i = 0; i < after.length; i++) after[i]!();
}

/** Answers an error for a command that was not run (and marks a transaction as failed). */
function reject(server: Server, c: Client, line: string, spec?: CommandSpec): void {
  if (c.multi !== null) c.multi.failed = true;
  if (spec !== undefined) server.commandStats(spec.name).rejected++;
  server.countError(line);
  c.reply.error(line);
}

/**
 * Runs a handler and accounts for it. Used for direct commands, for each command of EXEC
 * and (later) for scripts.
 */
export function call(server: Server, c: Client, spec: CommandSpec, argv: string[]): void {
  const store = server.store;
  const dirtyBefore = store.dirty;
  const prevCurrent = c.current;
  c.current = { spec, argv };
  c.propagateAs = null;
  c.noPropagate = false;
  c.lastCommand = spec.name;
  const start = performance.now();
  let failed = false;
  try {
    spec.handler!(c, c.args.reset(argv, spec.name.includes('|') ? 2 : 1));
  } catch (e) {
    failed = true;
    if (e instanceof ReplyError) {
      server.countError(e.line);
      c.reply.error(e.line);
    } else {
      server.log('warning', `Internal error in '${spec.name}': ${(e as Error).stack ?? e}`);
      const line = `ERR internal error while running '${spec.name}'`;
      server.countError(line);
      c.reply.error(line);
    }
  }
  const usec = Math.round((performance.now() - start) * 1000);
  const stat = server.commandStats(spec.name);
  stat.calls++;
  stat.usec += usec;
  if (failed) stat.failed++;
  server.stats.totalCommands++;
  server.slowlogPush(c, argv, usec, spec);
  if (store.dirty !== dirtyBefore && !c.noPropagate) {
    const effects = c.propagateAs ?? [argv];
    for (const eff of effects) server.propagate(c.db.id, eff);
  }
  c.propagateAs = null;
  c.current = prevCurrent;
}

export { ReplyError };
