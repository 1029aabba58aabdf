/**
 * String commands (the string group).
 */

import type { CommandSpec, Ctx, Args } from './types.js';
import { E, KEY1, ReplyError } from './types.js';

/** Reads a string key: undefined when absent, WRONGTYPE when another type. */
function getString(c: Ctx, key: string): string | undefined {
  const v = c.db.get(key);
  if (v === undefined || typeof v === 'string') return v;
  throw new ReplyError(E.wrongType);
}

/** GET key */
function get(c: Ctx, args: Args): void {
  c.reply.bulkOrNull(getString(c, args.key()));
}

/** SET key value (options to come) */
function set(c: Ctx, args: Args): void {
  const key = args.key();
  const value = args.next();
  args.end();
  c.db.set(key, value);
  c.wrote(key, 'set', '$');
  c.reply.ok();
}

export const commands: CommandSpec[] = [
  { name: 'get', arity: 2, flags: ['readonly', 'fast'], keys: KEY1, acl: ['string'], group: 'string', since: '1.0.0', summary: 'Returns the string value of a key.', handler: get },
  { name: 'set', arity: -3, flags: ['write', 'denyoom'], keys: KEY1, acl: ['string'], group: 'string', since: '1.0.0', summary: 'Sets the string value of a key.', handler: set },
];
