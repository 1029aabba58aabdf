/**
 * The command table: every family file's registration lines gathered into one lookup by
 * lower-case name. COMMAND, the dispatcher's checks and ACL categories all read it.
 */

import { traitsOf, type CommandSpec } from './types.js';
import { commands as connection } from './connection.js';
import { commands as server } from './server.js';
import { commands as generic } from './generic.js';
import { commands as string } from './string.js';
import { commands as transactions } from './transactions.js';
import { commands as list } from './list.js';
import { commands as hash } from './hash.js';
import { commands as set } from './set.js';
import { commands as zset } from './zset.js';
import { commands as sort } from './sort.js';
import { commands as persistence } from './persistence.js';
import { commands as dump } from './dump.js';
import { commands as debug } from './debug.js';
import { commands as aof } from './aof.js';
import { commands as memory } from './memory.js';
import { commands as pubsub } from './pubsub.js';

export const ALL_COMMANDS: readonly CommandSpec[] = [
  ...connection,
  ...server,
  ...generic,
  ...string,
  ...transactions,
  ...list,
  ...hash,
  ...set,
  ...zset,
  ...sort,
  ...persistence,
  ...dump,
  ...debug,
  ...aof,
  ...memory,
  ...pubsub,
];

export const COMMANDS = new Map<string, CommandSpec>();
for (const c of ALL_COMMANDS) {
  if (COMMANDS.has(c.name)) throw new Error(`command ${c.name} registered twice`);
  COMMANDS.set(c.name, c);
  c.traits = traitsOf(c);
  for (const s of c.subcommands ?? []) s.traits = traitsOf(s);
}

/** Finds the subcommand spec of a container command, or undefined. */
export function findSubcommand(container: CommandSpec, sub: string): CommandSpec | undefined {
  const name = container.name + '|' + sub.toLowerCase();
  return container.subcommands?.find((s) => s.name === name);
}
