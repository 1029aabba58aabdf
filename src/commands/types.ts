/**
 * The shape of a command: one line of facts plus a synchronous handler, and the argument
 * cursor handlers read their arguments with.
 *
 * Handlers receive the calling client (`Ctx`), as Redis's commands receive `client *c`.
 * That is the one type-only edge from commands/ to server/: at run time imports still point
 * inward (server → commands → store).
 */

import type { Client } from '../server/client.js';
import { E, ReplyError, err } from '../protocol/errors.js';
import { parseDouble, string2int, string2ll } from '../util/number.js';

export type Ctx = Client;
export type Handler = (c: Ctx, args: Args) => void;

/** Command flags, spelled as COMMAND INFO spells them. */
export type Flag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'module'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'asking'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'sentinel'
  | 'only_sentinel'
  | 'no_mandatory_keys'
  | 'protected'
  | 'no_async_loading'
  | 'no_multi'
  | 'movablekeys'
  | 'allow_busy';

/** ACL categories that are facts of the command (the flag-derived ones are computed). */
export type AclCategory =
  | 'keyspace'
  | 'read'
  | 'write'
  | 'set'
  | 'sortedset'
  | 'list'
  | 'hash'
  | 'string'
  | 'bitmap'
  | 'hyperloglog'
  | 'geo'
  | 'stream'
  | 'pubsub'
  | 'admin'
  | 'fast'
  | 'slow'
  | 'blocking'
  | 'dangerous'
  | 'connection'
  | 'transaction'
  | 'scripting';

/** Legacy key positions as COMMAND INFO reports them: first, last (-1 = last arg), step. */
export type KeyPositions = readonly [first: number, last: number, step: number];

export const NO_KEYS: KeyPositions = [0, 0, 0];
export const KEY1: KeyPositions = [1, 1, 1];
export const ALL_KEYS: KeyPositions = [1, -1, 1];

export interface CommandSpec {
  /** Lower case; a subcommand is written `container|sub` as Redis 7 names it. */
  readonly name: string;
  /** Redis arity: N exact, -N at least N (counting the command name). */
  readonly arity: number;
  readonly flags: readonly Flag[];
  readonly keys?: KeyPositions;
  readonly acl?: readonly AclCategory[];
  /** COMMAND DOCS facts, in our own words. */
  readonly group: string;
  readonly since: string;
  readonly summary: string;
  readonly complexity?: string;
  readonly tips?: readonly string[];
  /** Key positions (0-based in argv) for commands whose keys move (movablekeys). */
  readonly getKeys?: (argv: readonly string[]) => number[];
  readonly handler?: Handler;
  readonly subcommands?: readonly CommandSpec[];
  /** The flags the dispatcher tests on every call, as Trait bits (set by the command table). */
  traits?: number;
}

/** Bits of `CommandSpec.traits`: flags the dispatcher tests per call, without array scans. */
export const Trait = {
  write: 1,
  readonly: 2,
  noAuth: 4,
  noMulti: 8,
  mayReplicate: 16,
  skipMonitor: 32,
  admin: 64,
  protected: 128,
  skipSlowlog: 256,
  /** A container's subcommand (`config|get`): handlers' arguments start after its name. */
  subcommand: 512,
} as const;

/** A spec's Trait bits, from its flags and name. */
export function traitsOf(spec: CommandSpec): number {
  const f = spec.flags;
  let t = 0;
  if (f.includes('write')) t |= Trait.write;
  if (f.includes('readonly')) t |= Trait.readonly;
  if (f.includes('no_auth')) t |= Trait.noAuth;
  if (f.includes('no_multi')) t |= Trait.noMulti;
  if (f.includes('may_replicate')) t |= Trait.mayReplicate;
  if (f.includes('skip_monitor')) t |= Trait.skipMonitor;
  if (f.includes('admin')) t |= Trait.admin;
  if (f.includes('protected')) t |= Trait.protected;
  if (f.includes('skip_slowlog')) t |= Trait.skipSlowlog;
  if (spec.name.includes('|')) t |= Trait.subcommand;
  return t;
}

/** The spec's Trait bits, computing them on first use for specs made outside the table. */
export function traits(spec: CommandSpec): number {
  let t = spec.traits;
  if (t === undefined) t = spec.traits = traitsOf(spec);
  return t;
}

/**
 * An argument cursor that speaks Redis's errors. It starts after the command name (and
 * after the subcommand name for container commands).
 */
export class Args {
  argv: readonly string[] = [];
  i = 1;

  reset(argv: readonly string[], start = 1): this {
    this.argv = argv;
    this.i = start;
    return this;
  }

  /** Arguments not yet read. */
  get remaining(): number {
    return this.argv.length - this.i;
  }

  /** Whether any argument is left. */
  more(): boolean {
    return this.i < this.argv.length;
  }

  /** The next argument as given; a missing one is a syntax error. */
  next(): string {
    if (this.i >= this.argv.length) throw new ReplyError(E.syntax);
    return this.argv[this.i++]!;
  }

  /** The next argument, which names a key. */
  key(): string {
    return this.next();
  }

  /** The next argument without consuming it, or undefined. */
  peek(): string | undefined {
    return this.argv[this.i];
  }

  /** The next argument upper-cased without consuming it, or undefined. */
  peekUpper(): string | undefined {
    const a = this.argv[this.i];
    return a === undefined ? undefined : a.toUpperCase();
  }

  /** An integer as Redis's string2ll reads it (exact within ±2^53). */
  int(message: string = E.notInteger): number {
    const v = string2int(this.next());
    if (v === null) throw new ReplyError(message);
    return v;
  }

  /** An exact 64-bit integer. */
  int64(message: string = E.notInteger): bigint {
    const v = string2ll(this.next());
    if (v === null) throw new ReplyError(message);
    return v;
  }

  /**
   * A count of at least 0, as Redis's getPositiveLongFromObjectOrReply reads it: one error for
   * a non-number and a negative. Exact within 2^53 (a larger count is more than any
   * collection holds).
   */
  positiveLong(): number {
    const v = string2ll(this.next());
    if (v === null || v < 0n) throw new ReplyError(E.notPositive);
    return Number(v);
  }

  /** A double as Redis reads it (no NaN, no trailing bytes). */
  double(message: string = E.notFloat): number {
    const v = parseDouble(this.next());
    if (v === null) throw new ReplyError(message);
    return v;
  }

  /**
   * If the next argument equals one of the tokens (case-insensitively), consumes it and
   * returns the token as written in `tokens`; otherwise returns undefined.
   */
  optional<T extends string>(...tokens: T[]): T | undefined {
    const a = this.argv[this.i];
    if (a === undefined) return undefined;
    const up = a.toUpperCase();
    for (const t of tokens) {
      if (t === up) {
        this.i++;
        return t;
      }
    }
    return undefined;
  }

  /** The next argument must be one of the tokens; a syntax error otherwise. */
  token<T extends string>(...tokens: T[]): T {
    const t = this.optional(...tokens);
    if (t === undefined) throw new ReplyError(E.syntax);
    return t;
  }

  /** All arguments left. */
  rest(): string[] {
    const r = this.argv.slice(this.i);
    this.i = this.argv.length;
    return r;
  }

  /** No argument may be left: a syntax error otherwise. */
  end(): void {
    if (this.i < this.argv.length) throw new ReplyError(E.syntax);
  }
}

export { E, ReplyError, err };
