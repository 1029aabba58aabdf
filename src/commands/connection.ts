/**
 * Connection commands: PING, ECHO, SELECT, QUIT, ... (the connection group).
 */

import type { CommandSpec, Ctx, Args } from './types.js';
import { E, ReplyError } from './types.js';

/** PING [message] — PONG, or the message as a bulk string. */
function ping(c: Ctx, args: Args): void {
  if (args.more()) {
    const msg = args.next();
    args.end();
    c.reply.bulk(msg);
  } else {
    c.reply.simple('PONG');
  }
}

/** ECHO message */
function echo(c: Ctx, args: Args): void {
  c.reply.bulk(args.next());
}

/** SELECT index */
function select(c: Ctx, args: Args): void {
  const index = args.int(E.invalidDbIndex);
  if (index < 0 || index >= c.server.store.dbs.length) throw new ReplyError(E.dbIndexOutOfRange);
  c.db = c.server.store.db(index);
  c.reply.ok();
}

/** QUIT — replies OK and closes the connection once the reply is written. */
function quit(c: Ctx): void {
  c.reply.ok();
  c.closeAfterReply = true;
}

export const commands: CommandSpec[] = [
  { name: 'ping', arity: -1, flags: ['fast', 'sentinel'], acl: ['connection'], group: 'connection', since: '1.0.0', summary: 'Checks that the server is alive.', handler: ping },
  { name: 'echo', arity: 2, flags: ['fast'], acl: ['connection'], group: 'connection', since: '1.0.0', summary: 'Returns the given message.', handler: echo },
  { name: 'select', arity: 2, flags: ['loading', 'stale', 'fast'], acl: ['connection'], group: 'connection', since: '1.0.0', summary: 'Changes the selected database.', handler: select },
  { name: 'quit', arity: -1, flags: ['allow_busy', 'noscript', 'loading', 'stale', 'fast', 'no_auth'], acl: ['connection'], group: 'connection', since: '1.0.0', summary: 'Closes the connection.', handler: quit },
];
