/**
 * DEBUG: one command whose subcommands come from several areas. Each area adds its
 * subcommands to `debugSubcommands` from its own family file (DIGEST from persistence,
 * SLEEP and OBJECT from server, ...); the handler dispatches by name.
 */

import type { Args, CommandSpec, Ctx, Handler } from './types.js';
import { ReplyError } from './types.js';

/** Lower-case subcommand name → handler; `args` is positioned after the subcommand. */
export const debugSubcommands = new Map<string, Handler>();

/**
 * Redis's addReplySubcommandSyntaxError, DEBUG's one error for an unknown subcommand and for
 * a known one with the wrong number of arguments (DEBUG is one command, not a container).
 */
export function debugSyntaxError(sub: string): ReplyError {
  return new ReplyError(`ERR unknown subcommand or wrong number of arguments for '${sub.slice(0, 128)}'. Try DEBUG HELP.`);
}

/** DEBUG subcommand [arg ...] */
function debug(c: Ctx, args: Args): void {
  const sub = args.next();
  const handler = debugSubcommands.get(sub.toLowerCase());
  if (handler === undefined) throw debugSyntaxError(sub);
  handler(c, args);
}

export const commands: CommandSpec[] = [
  { name: 'debug', arity: -2, flags: ['admin', 'noscript', 'loading', 'stale', 'protected'], group: 'server', since: '1.0.0', summary: 'Inspection and testing hooks for developers.', handler: debug },
];
