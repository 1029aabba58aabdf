/**
 * AOF commands: BGREWRITEAOF, and DEBUG LOADAOF (registered in the DEBUG table).
 */

import { debugSubcommands } from './debug.js';
import type { CommandSpec, Ctx } from './types.js';
import { ReplyError } from './types.js';

/** BGREWRITEAOF — rewrites the AOF from a point-in-time snapshot, in the background. */
function bgrewriteaof(c: Ctx): void {
  const aof = c.server.aof;
  if (aof === null) throw new ReplyError('ERR AOF is not available');
  if (aof.rewriting) throw new ReplyError('ERR Background append only file rewriting already in progress');
  if (c.server.backgroundSaveRunning()) {
    aof.rewriteScheduled = true;
    c.reply.simple('Background append only file rewriting scheduled');
    return;
  }
  const err = aof.rewrite();
  if (err !== null) throw new ReplyError(err);
  c.reply.simple('Background append only file rewriting started');
}

/** DEBUG LOADAOF — writes out the AOF, empties the dataset and loads it back from the files. */
debugSubcommands.set('loadaof', (c: Ctx) => {
  const aof = c.server.aof;
  if (aof === null || aof.state === 'off') {
    c.reply.ok();
    return;
  }
  aof.log?.syncNow();
  const store = c.server.store;
  for (const db of store.dbs) db.flush();
  aof.load();
  // Reloading is not a change to log: like Redis, reset the dirty counter and propagate nothing.
  store.dirty = 0;
  c.noPropagate = true;
  c.reply.ok();
});

export const commands: CommandSpec[] = [
  { name: 'bgrewriteaof', arity: 1, flags: ['admin', 'noscript', 'no_async_loading'], group: 'server', since: '1.0.0', summary: 'Rewrites the append-only file in the background.', handler: bgrewriteaof },
];
