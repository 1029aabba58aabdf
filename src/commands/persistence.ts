/**
 * RDB persistence commands: SAVE, BGSAVE [SCHEDULE], LASTSAVE, and DEBUG RELOAD (registered
 * in the DEBUG table). The work is in src/persistence/rdb-persistence.ts; handlers only read
 * arguments and reply.
 */

import { rdbPersistence, RdbLoadError } from '../persistence/rdb-persistence.js';
import { touchAllWatchedKeysInDb } from '../server/multi.js';
import { debugSubcommands } from './debug.js';
import type { Args, CommandSpec, Ctx } from './types.js';
import { E, ReplyError } from './types.js';

/** SAVE — writes the dataset to dbfilename now, blocking. */
function save(c: Ctx): void {
  const rdb = rdbPersistence(c.server);
  if (rdb.isSaving()) throw new ReplyError(E.notBusy);
  rdb.saves++;
  if (!rdb.saveSync()) throw new ReplyError('ERR');
  c.reply.ok();
}

/** BGSAVE [SCHEDULE] — starts a fork-less background save (or schedules one). */
function bgsave(c: Ctx, args: Args): void {
  let schedule = false;
  const argv = args.argv;
  if (argv.length > 1) {
    if (argv.length === 2 && argv[1]!.toLowerCase() === 'schedule') schedule = true;
    else throw new ReplyError(E.syntax);
  }
  // Inside MULTI/EXEC Redis schedules the save (its point in time would otherwise fall in
  // the middle of the transaction). EXEC freezes the store clock; BGSAVE is refused in
  // scripts, so a frozen clock here means EXEC.
  const inExec = c.server.store.fixedTime !== 0;
  const r = rdbPersistence(c.server).bgsaveCommand(schedule, inExec);
  if ('error' in r) throw new ReplyError(r.error);
  c.reply.simple(r.ok);
}

/** LASTSAVE — unix time of the last successful save. */
function lastsave(c: Ctx): void {
  c.reply.int(rdbPersistence(c.server).lastSave);
}

/**
 * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE] — saves, empties the dataset and loads the file
 * back. NOSAVE loads the file on disk as it is; NOFLUSH keeps the current keys (then MERGE
 * lets the file's keys replace them instead of failing on duplicates).
 */
debugSubcommands.set('reload', (c: Ctx, args: Args) => {
  let flush = true;
  let doSave = true;
  let merge = false;
  while (args.more()) {
    const opt = args.next().toLowerCase();
    if (opt === 'merge') merge = true;
    else if (opt === 'noflush') flush = false;
    else if (opt === 'nosave') doSave = false;
    else throw new ReplyError('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
  }
  const server = c.server;
  const rdb = rdbPersistence(server);
  if (doSave && !rdb.saveSync()) throw new ReplyError('ERR');
  if (flush) {
    for (const db of server.store.dbs) {
      touchAllWatchedKeysInDb(server, db);
      db.flush();
    }
  }
  try {
    rdb.loadFile({ skipExpired: true, merge });
  } catch (e) {
    if (!(e instanceof RdbLoadError)) throw e;
    server.log('warning', e.message);
    throw new ReplyError('ERR Error trying to load the RDB dump');
  }
  server.log('warning', 'DB reloaded by DEBUG RELOAD');
  c.reply.ok();
});

export const commands: CommandSpec[] = [
  { name: 'save', arity: 1, flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'], group: 'server', since: '1.0.0', complexity: 'O(N) where N is the total number of keys in all databases', summary: 'Writes the dataset to disk now, blocking.', handler: save },
  { name: 'bgsave', arity: -1, flags: ['admin', 'noscript', 'no_async_loading'], group: 'server', since: '1.0.0', complexity: 'O(1)', summary: 'Writes the dataset to disk in the background.', handler: bgsave },
  { name: 'lastsave', arity: 1, flags: ['loading', 'stale', 'fast'], acl: ['admin', 'dangerous'], group: 'server', since: '1.0.0', complexity: 'O(1)', summary: 'Returns the unix time of the last successful save.', tips: ['nondeterministic_output'], handler: lastsave },
];
