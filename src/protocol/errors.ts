/**
 * Canonical error replies. Every user-visible error text lives here so that the
 * wording matches Redis 7.0 exactly and can be reviewed in one place.
 *
 * A handler signals a user error by throwing a `ReplyError`; the dispatcher turns it
 * into a `-PREFIX message` reply. Any other exception is a bug: it is logged and the
 * client gets a generic `-ERR`, but the server and the connection stay up.
 *
 * Leaf module: imports nothing from Amber.
 */

export class ReplyError extends Error {
  /** The full error line without the leading '-' (e.g. "ERR syntax error"). */
  readonly line: string;
  constructor(line: string) {
    super(line);
    this.line = line;
  }
  /** The error code Redis counts in INFO errorstats: the first word. */
  get code(): string {
    const space = this.line.indexOf(' ');
    return space < 0 ? this.line : this.line.slice(0, space);
  }
}

/** Builds an `ERR ...` error. */
export const err = (message: string): ReplyError => new ReplyError(`ERR ${message}`);

/** Fixed error texts as Redis 7.0 writes them (without the leading '-'). */
export const E = {
  syntax: 'ERR syntax error',
  notInteger: 'ERR value is not an integer or out of range',
  /** getPositiveLongFromObjectOrReply's one error, for a non-number and a negative alike. */
  notPositive: 'ERR value is out of range, must be positive',
  notFloat: 'ERR value is not a valid float',
  overflow: 'ERR increment or decrement would overflow',
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  noSuchKey: 'ERR no such key',
  dbIndexOutOfRange: 'ERR DB index is out of range',
  invalidDbIndex: 'ERR invalid DB index',
  noAuth: 'NOAUTH Authentication required.',
  wrongPass: 'WRONGPASS invalid username-password pair or user is disabled.',
  noPasswordSet:
    'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  multiNested: 'ERR MULTI calls can not be nested',
  execWithoutMulti: 'ERR EXEC without MULTI',
  discardWithoutMulti: 'ERR DISCARD without MULTI',
  watchInMulti: 'ERR WATCH inside MULTI is not allowed',
  execAbort: 'EXECABORT Transaction discarded because of previous errors.',
  noMulti: 'ERR Command not allowed inside a transaction',
  notBusy: 'ERR Background save already in progress',
  stringTooLong: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  invalidExpire: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  timeoutNotFloat: 'ERR timeout is not a float or out of range',
  timeoutNegative: 'ERR timeout is negative',
  timeoutOutOfRange: 'ERR timeout is out of range',
  misconf:
    'MISCONF Redis is configured to save RDB snapshots, but it\'s currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.',
  oom: "OOM command not allowed when used memory > 'maxmemory'.",
  loading: 'LOADING Redis is loading the dataset in memory',
  readonlyReplica: "READONLY You can't write against a read only replica.",
  noScript: 'NOSCRIPT No matching script. Please use EVAL.',
  busyKey: 'BUSYKEY Target key name already exists.',
  sameObject: 'ERR source and destination objects are the same',
  outOfRange: 'ERR index out of range',
  minMaxNotFloat: 'ERR min or max is not a float',
  minMaxNotString: 'ERR min or max not valid string range item',
  nan: 'ERR resulting score is not a number (NaN)',
  incrNotValidFloat: 'ERR increment would produce NaN or Infinity',
  hashNotInteger: 'ERR hash value is not an integer',
  hashNotFloat: 'ERR hash value is not a float',
  wrongArity: (name: string) => `ERR wrong number of arguments for '${name}' command`,
  unknownCommand: (name: string, args: readonly string[]) => {
    let shown = '';
    for (const a of args) shown += `'${a.slice(0, 128)}' `;
    return `ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${shown}`;
  },
  unknownSubcommand: (sub: string, cmd: string) =>
    `ERR unknown subcommand '${sub.slice(0, 128)}'. Try ${cmd.toUpperCase()} HELP.`,
  protocol: (detail: string) => `ERR Protocol error: ${detail}`,
} as const;
