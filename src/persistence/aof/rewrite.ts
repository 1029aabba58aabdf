/**
 * The command form of an AOF BASE (`aof-use-rdb-preamble no`): each key as the commands
 * that rebuild it, as Redis's rewriteAppendOnlyFileRio writes them — SELECT per database,
 * SET for strings, RPUSH/SADD/ZADD/HMSET in batches of 64 items, PEXPIREAT for TTLs.
 */

import type { Value } from '../../store/values.js';
import { formatDouble } from '../../util/number.js';

/** Redis's AOF_REWRITE_ITEMS_PER_CMD. */
const ITEMS_PER_CMD = 64;

function cmd(argv: readonly string[]): string {
  let s = '*' + argv.length + '\r\n';
  for (const a of argv) s += '$' + a.length + '\r\n' + a + '\r\n';
  return s;
}

export function selectCommand(dbid: number): string {
  return cmd(['SELECT', String(dbid)]);
}

/** The commands that recreate key (with its TTL), as RESP text. */
export function keyCommands(key: string, value: Value, expireMs: number | undefined): string {
  let out = '';
  if (typeof value === 'string') {
    out += cmd(['SET', key, value]);
  } else {
    const batch = (name: string, items: Iterable<string[]>): void => {
      let args: string[] = [];
      let n = 0;
      for (const item of items) {
        if (n === 0) args = [name, key];
        args.push(...item);
        n++;
        if (n === ITEMS_PER_CMD) {
          out += cmd(args);
          n = 0;
        }
      }
      if (n > 0) out += cmd(args);
    };
    switch (value.kind) {
      case 'list':
        batch('RPUSH', map(value.values(), (v) => [v]));
        break;
      case 'set':
        batch('SADD', map(value.values(), (v) => [v]));
        break;
      case 'zset':
        batch('ZADD', map(value.entries(), ([m, score]) => [formatDouble(score), m]));
        break;
      case 'hash':
        batch('HMSET', map(value.entries(), ([f, v]) => [f, v]));
        break;
    }
  }
  if (expireMs !== undefined) out += cmd(['PEXPIREAT', key, String(expireMs)]);
  return out;
}

function* map<T, U>(it: Iterable<T>, fn: (t: T) => U): Generator<U> {
  for (const x of it) yield fn(x);
}
