/**
 * Transactions (the transactions group): MULTI, EXEC, DISCARD, WATCH, UNWATCH, as Redis
 * 7.0's multi.c.
 *
 * Queueing happens in the dispatcher (server/dispatch.ts): inside MULTI every command
 * but EXEC/DISCARD/MULTI/WATCH/QUIT/RESET is checked (unknown, arity, no_multi, write
 * refusals) and queued; a rejected one sets `multi.failed` and EXEC answers EXECABORT.
 * WATCH bookkeeping lives in server/multi.ts.
 *
 * EXEC runs the queue atomically (handlers are synchronous) with:
 * - time frozen for expiry (`store.fixedTime`, Redis's fixed_time_expire), so a key
 *   cannot expire between two commands of one transaction;
 * - `c.multi` still set while the commands run, which is how a blocking command knows it
 *   must not block (Redis CLIENT_DENY_BLOCKING) and answers as on timeout;
 * - propagation collected, then sent to the feeds as Redis 7.0 does: when the
 *   transaction propagated more than one command they are wrapped in `MULTI` … `EXEC`
 *   (MULTI in the database of the first command, EXEC in the last one's, so no SELECT
 *   comes between); a single command goes alone; a transaction that wrote nothing sends
 *   nothing. Feeds (AOF, replicas) therefore see MULTI and EXEC as plain commands.
 */

import type { Args, CommandSpec, Ctx } from './types.js';
import { E, ReplyError } from './types.js';
import {
  discardTransaction,
  isWatchedKeyExpired,
  unwatchAllKeys,
  watchKeys,
} from '../server/multi.js';

/** MULTI — starts queueing. */
function multi(c: Ctx): void {
  if (c.multi !== null) throw new ReplyError(E.multiNested);
  c.multi = { queue: [], failed: false };
  c.reply.ok();
}

/** DISCARD — drops the queue and every watch. */
function discard(c: Ctx): void {
  if (c.multi === null) throw new ReplyError(E.discardWithoutMulti);
  discardTransaction(c);
  c.reply.ok();
}

/**
 * EXEC — runs the queue: an array of the replies; a null array when a watched key
 * changed (or expired); EXECABORT when a command failed to queue. (When the transaction
 * writes and writes are refused now, the dispatcher rejects EXEC itself with
 * "EXECABORT Transaction discarded because of: <reason>", as Redis's processCommand does.)
 */
function exec(c: Ctx): void {
  const state = c.multi;
  if (state === null) throw new ReplyError(E.execWithoutMulti);
  const server = c.server;

  if (isWatchedKeyExpired(c)) c.dirtyCas = true;
  if (state.failed) {
    discardTransaction(c);
    throw new ReplyError(E.execAbort);
  }
  if (c.dirtyCas) {
    discardTransaction(c);
    c.reply.nullArray();
    return;
  }

  unwatchAllKeys(c); // nothing may dirty this client any more
  const store = server.store;
  const prevFixed = store.fixedTime;
  if (prevFixed === 0) store.fixedTime = store.clock.now();

  // Collect what the commands propagate; the feeds get it wrapped afterwards.
  const feeds = server.feeds;
  const savedFeeds = feeds.splice(0, feeds.length);
  const ops: [number, string[]][] = [];
  feeds.push((dbid, argv) => ops.push([dbid, argv]));

  const queue = state.queue;
  c.reply.array(queue.length);
  try {
    for (const { spec, argv } of queue) server.call(c, spec, argv);
  } finally {
    feeds.length = 0;
    feeds.push(...savedFeeds);
    store.fixedTime = prevFixed;
    discardTransaction(c);
    c.lastCommand = 'exec';
  }

  if (ops.length > 1) {
    server.propagate(ops[0]![0], ['MULTI']);
    for (const [dbid, argv] of ops) server.propagate(dbid, argv);
    server.propagate(ops[ops.length - 1]![0], ['EXEC']);
  } else if (ops.length === 1) {
    server.propagate(ops[0]![0], ops[0]![1]);
  }
  // EXEC itself is never propagated: its commands were.
  c.noPropagate = true;
}

/** WATCH key [key ...] — a no-op when the client is already dirty. */
function watch(c: Ctx, args: Args): void {
  if (c.multi !== null) throw new ReplyError(E.watchInMulti);
  if (!c.dirtyCas) watchKeys(c, args.argv.slice(1));
  c.reply.ok();
}

/** UNWATCH — forgets every watch and the dirty flag. */
function unwatch(c: Ctx): void {
  unwatchAllKeys(c);
  c.dirtyCas = false;
  c.reply.ok();
}

const TX = { acl: ['transaction'], group: 'transactions' } as const;

export const commands: CommandSpec[] = [
  { name: 'multi', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], ...TX, since: '1.2.0', summary: 'Starts a transaction.', handler: multi },
  { name: 'exec', arity: 1, flags: ['noscript', 'loading', 'stale', 'skip_slowlog'], ...TX, since: '1.2.0', summary: 'Executes all commands queued in a transaction.', handler: exec },
  { name: 'discard', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], ...TX, since: '2.0.0', summary: 'Discards a transaction.', handler: discard },
  { name: 'watch', arity: -2, flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], keys: [1, -1, 1], ...TX, since: '2.2.0', summary: 'Watches keys so that EXEC fails if they change.', handler: watch },
  { name: 'unwatch', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], ...TX, since: '2.2.0', summary: 'Forgets every watched key.', handler: unwatch },
];
