/**
 * Configuration: one declarative table of every parameter Amber knows (name, alias, kind,
 * default, bounds, flags), the current values, and change listeners. CONFIG GET/SET/
 * REWRITE, redis.conf files and `--name value` flags all go through this module, so a
 * value is validated in exactly one place.
 *
 * Names, aliases, defaults, bounds, flags (immutable, protected, hidden, sensitive,
 * multi-argument) and the text CONFIG GET shows follow Redis 7.0.15's config.c, so that
 * `CONFIG GET *` lists what Redis lists (TLS parameters excepted: Amber has no TLS).
 * Parameters marked `inert` are accepted and remembered for compatibility but have no
 * effect in Amber (cluster, replication tuning, defrag, ...); docs/configuration.md lists
 * them.
 *
 * Leaf module: imports nothing from Amber but the number helpers in util/.
 */

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { string2ll } from '../util/number.js';

export type Kind = 'bool' | 'int' | 'memory' | 'string' | 'enum' | 'special';
export type ConfigValue = string | number | boolean;
export type ParseResult = { error: string } | { value: ConfigValue };

export interface ConfigDef {
  readonly name: string;
  readonly alias?: string;
  readonly kind: Kind;
  /** The default as Redis writes it in redis.conf (parsed at start-up like any value). */
  readonly default: string;
  /** Inclusive bounds for int/memory kinds (bigint: Redis's bounds exceed 2^53). */
  readonly min?: bigint;
  readonly max?: bigint;
  /** Allowed words for enums, in Redis's order (the error message lists them so). */
  readonly values?: readonly string[];
  /** Enum words that mean the same as another word (`relative` → `yes`). */
  readonly synonyms?: Readonly<Record<string, string>>;
  /** Redis MULTI_ARG_CONFIG: several words (CONFIG SET splits its value on spaces). */
  readonly multi?: boolean;
  /** An enum of combinable flags (shutdown-on-sigterm): several words, rendered in table order. */
  readonly bitflags?: boolean;
  /** Memory values may also be given as a percentage `N%` (stored negative). */
  readonly percent?: boolean;
  /** Shown and parsed in octal (unixsocketperm). */
  readonly octal?: boolean;
  /** Only settable at start-up (redis.conf or flags), not by CONFIG SET. */
  readonly immutable?: boolean;
  /** Settable only when enable-protected-configs allows it (dir, dbfilename). */
  readonly protected?: boolean;
  /** Not matched by CONFIG GET patterns, only by its exact name. */
  readonly hidden?: boolean;
  /** Redacted from the slow log and MONITOR when CONFIG SET (passwords). */
  readonly sensitive?: boolean;
  /** Refused with -LOADING while a dataset loads. */
  readonly denyLoading?: boolean;
  /** Accepted and remembered for compatibility; no effect in Amber. */
  readonly inert?: boolean;
  /** Extra check for string/enum/bool/int values; returns an error text or null. */
  readonly check?: (v: ConfigValue) => string | null;
  /** Parses a special value from its words (current value given for partial updates). */
  readonly parse?: (args: readonly string[], current: ConfigValue | undefined) => ParseResult;
  /** How CONFIG GET / REWRITE print a special value when that differs from what is stored. */
  readonly show?: (v: string) => string;
}

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const UINT_MAX = 4294967295n;
const LLONG_MAX = 9223372036854775807n;
const LONG_MAX = LLONG_MAX;
const ULLONG_MAX = 18446744073709551615n;
const MB = 1024n * 1024n;

/** Whether a name is a bare file name (no directory part), as Redis's pathIsBaseName. */
const baseName = (v: string): boolean => !v.includes('/') && !v.includes('\\');

const saveParam = (args: readonly string[]): ParseResult => {
  // A single empty argument means "no save points".
  if (args.length === 1 && args[0] === '') return { value: '' };
  if (args.length % 2 !== 0) return { error: 'Invalid save parameters' };
  const out: string[] = [];
  for (let j = 0; j < args.length; j++) {
    // strtoll with a full-string check: an optional sign, then digits.
    if (!/^[+-]?\d+$/.test(args[j]!)) return { error: 'Invalid save parameters' };
    const v = BigInt(args[j]!);
    if ((j % 2 === 0 && v < 1n) || (j % 2 === 1 && v < 0n)) return { error: 'Invalid save parameters' };
    out.push(String(v));
  }
  return { value: out.join(' ') };
};

/** Client classes of client-output-buffer-limit, in Redis's order and spelling. */
const OBUF_CLASSES = ['normal', 'slave', 'pubsub'] as const;
const OBUF_DEFAULT = 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60';

const obufLimit = (args: readonly string[], current: ConfigValue | undefined): ParseResult => {
  if (args.length % 4 !== 0) return { error: 'Wrong number of arguments in buffer limit configuration.' };
  const limits = parseObufLimits(typeof current === 'string' ? current : OBUF_DEFAULT);
  const next = new Map<string, ObufLimit>();
  for (let i = 0; i < args.length; i += 4) {
    let cls = args[i]!.toLowerCase();
    if (cls === 'replica') cls = 'slave';
    if (!(OBUF_CLASSES as readonly string[]).includes(cls)) {
      return { error: 'Invalid client class specified in buffer limit configuration.' };
    }
    const hard = memtoull(args[i + 1]!);
    const soft = memtoull(args[i + 2]!);
    const secs = args[i + 3]!;
    if (hard === null || soft === null || !/^[+-]?\d+$/.test(secs) || BigInt(secs) < 0n) {
      return { error: 'Error in hard, soft or soft_seconds setting in buffer limit configuration.' };
    }
    next.set(cls, { hard: Number(hard), soft: Number(soft), softSeconds: Number(secs) });
  }
  for (const [cls, l] of next) limits[cls as ObufClass] = l;
  return { value: renderObufLimits(limits) };
};

export type ObufClass = (typeof OBUF_CLASSES)[number];
export interface ObufLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

/** Parses the canonical client-output-buffer-limit text into per-class limits. */
export function parseObufLimits(text: string): Record<ObufClass, ObufLimit> {
  const w = text.split(' ');
  const out = {} as Record<ObufClass, ObufLimit>;
  for (let i = 0; i + 3 < w.length; i += 4) {
    out[w[i] as ObufClass] = { hard: Number(w[i + 1]), soft: Number(w[i + 2]), softSeconds: Number(w[i + 3]) };
  }
  return out;
}

function renderObufLimits(l: Record<ObufClass, ObufLimit>): string {
  return OBUF_CLASSES.map((c) => `${c} ${l[c].hard} ${l[c].soft} ${l[c].softSeconds}`).join(' ');
}

const bindParam = (args: readonly string[]): ParseResult => {
  if (args.length > 16) return { error: 'Too many bind addresses specified.' };
  if (args.length === 1 && args[0] === '') return { value: '' };
  return { value: args.join(' ') };
};

const dirParam = (args: readonly string[]): ParseResult => {
  if (args.length !== 1) return { error: 'wrong number of arguments' };
  // Redis chdir()s into dir; Amber keeps the process's directory (several servers may
  // share a process) and stores the absolute path instead. The errors are chdir's.
  const path = resolve(args[0]!);
  try {
    if (!statSync(path).isDirectory()) return { error: 'Not a directory' };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : (e as Error).message };
  }
  return { value: path };
};

/** Keyspace-event classes: the letters Redis accepts, and how it prints a set of them. */
const KEYSPACE_CLASSES = 'g$lshzxetdn';
const keyspaceEvents = (args: readonly string[]): ParseResult => {
  if (args.length !== 1) return { error: 'wrong number of arguments' };
  const flags = new Set<string>();
  for (const ch of args[0]!) {
    if (ch === 'A') for (const a of 'g$lshzxetd') flags.add(a);
    else if (KEYSPACE_CLASSES.includes(ch) || ch === 'K' || ch === 'E' || ch === 'm') flags.add(ch);
    else return { error: "Invalid event class character. Use 'Ag$lshzxeKEtmdn'." };
  }
  // Stored with every class kept ('An' stays 'An': the `new` events still fire); Redis
  // prints 'A' when every class it stands for is set (NOTIFY_ALL excludes m and n), and
  // then drops n from what it shows (showKeyspaceEvents).
  let out = '';
  if ([...'g$lshzxetd'].every((f) => flags.has(f))) out = 'A' + (flags.has('n') ? 'n' : '');
  else for (const f of 'g$lshzxetdn') if (flags.has(f)) out += f;
  for (const f of 'KEm') if (flags.has(f)) out += f;
  return { value: out };
};

/** Redis's keyspaceEventsFlagsToString quirk: after 'A' the n class is not printed. */
const showKeyspaceEvents = (v: string): string => (v.startsWith('An') ? 'A' + v.slice(2) : v);

const oomValues = (args: readonly string[]): ParseResult => {
  if (args.length !== 3) return { error: 'wrong number of arguments' };
  const out: number[] = [];
  for (const a of args) {
    if (!/^[+-]?\d+$/.test(a) || Number(a) < -2000 || Number(a) > 2000) {
      return { error: 'Invalid oom-score-adj-values, elements must be between -2000 and 2000.' };
    }
    out.push(Number(a));
  }
  return { value: out.join(' ') };
};

const replicaOf = (args: readonly string[]): ParseResult => {
  if (args.length !== 2) return { error: 'wrong number of arguments' };
  if (args[0]!.toLowerCase() === 'no' && args[1]!.toLowerCase() === 'one') return { value: '' };
  if (!/^[+-]?\d+$/.test(args[1]!) || Number(args[1]) < 0 || Number(args[1]) > 65535) return { error: 'Invalid master port' };
  return { value: `${args[0]} ${Number(args[1])}` };
};

const percentiles = (args: readonly string[]): ParseResult => {
  if (args.length === 1 && args[0] === '') return { value: '' };
  const out: string[] = [];
  for (const a of args) {
    const d = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(a) ? Number(a) : NaN;
    if (Number.isNaN(d)) return { error: 'Invalid latency-tracking-info-percentiles parameters' };
    if (d > 100 || d < 0) return { error: 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]' };
    out.push(String(d));
  }
  return { value: out.join(' ') };
};

const procTitle = (v: ConfigValue): string | null => {
  const s = String(v);
  const vars = ['{title}', '{listen-addr}', '{server-mode}', '{port}', '{tls-port}', '{unixsocket}', '{config-file}'];
  let rest = s;
  for (const name of vars) rest = rest.split(name).join('');
  if (s.length === 0 || /[{}]/.test(rest)) return 'template format is invalid or contains unknown variables';
  return null;
};

const YES = 'yes';
const NO = 'no';
const PROTECTED_ACTION = ['no', 'yes', 'local'];

/**
 * The table, in Redis 7.0's order within each kind. `inert` marks parameters Amber
 * accepts without acting on them.
 */
export const CONFIG_TABLE: readonly ConfigDef[] = [
  // Booleans
  { name: 'rdbchecksum', kind: 'bool', default: YES, immutable: true },
  { name: 'daemonize', kind: 'bool', default: NO, immutable: true, inert: true },
  { name: 'io-threads-do-reads', kind: 'bool', default: NO, immutable: true, inert: true },
  { name: 'always-show-logo', kind: 'bool', default: NO, immutable: true, inert: true },
  { name: 'protected-mode', kind: 'bool', default: YES, inert: true },
  { name: 'rdbcompression', kind: 'bool', default: YES },
  { name: 'rdb-del-sync-files', kind: 'bool', default: NO, inert: true },
  { name: 'activerehashing', kind: 'bool', default: YES }, // the cron finishes idle Dict resizes (rdb-persistence wiring)
  { name: 'stop-writes-on-bgsave-error', kind: 'bool', default: YES },
  { name: 'set-proc-title', kind: 'bool', default: YES, immutable: true, inert: true },
  { name: 'dynamic-hz', kind: 'bool', default: YES, inert: true },
  { name: 'lazyfree-lazy-eviction', kind: 'bool', default: NO, inert: true },
  { name: 'lazyfree-lazy-expire', kind: 'bool', default: NO },
  { name: 'lazyfree-lazy-server-del', kind: 'bool', default: NO, inert: true },
  { name: 'lazyfree-lazy-user-del', kind: 'bool', default: NO, inert: true },
  { name: 'lazyfree-lazy-user-flush', kind: 'bool', default: NO, inert: true },
  { name: 'repl-disable-tcp-nodelay', kind: 'bool', default: NO, inert: true },
  { name: 'repl-diskless-sync', kind: 'bool', default: YES, inert: true },
  { name: 'aof-rewrite-incremental-fsync', kind: 'bool', default: YES },
  { name: 'no-appendfsync-on-rewrite', kind: 'bool', default: NO },
  { name: 'cluster-require-full-coverage', kind: 'bool', default: YES, inert: true },
  { name: 'rdb-save-incremental-fsync', kind: 'bool', default: YES },
  { name: 'aof-load-truncated', kind: 'bool', default: YES },
  { name: 'aof-use-rdb-preamble', kind: 'bool', default: YES },
  { name: 'aof-timestamp-enabled', kind: 'bool', default: NO },
  { name: 'cluster-replica-no-failover', alias: 'cluster-slave-no-failover', kind: 'bool', default: NO, inert: true },
  { name: 'replica-lazy-flush', alias: 'slave-lazy-flush', kind: 'bool', default: NO, inert: true },
  { name: 'replica-serve-stale-data', alias: 'slave-serve-stale-data', kind: 'bool', default: YES, inert: true },
  { name: 'replica-read-only', alias: 'slave-read-only', kind: 'bool', default: YES, inert: true },
  { name: 'replica-ignore-maxmemory', alias: 'slave-ignore-maxmemory', kind: 'bool', default: YES, inert: true },
  { name: 'jemalloc-bg-thread', kind: 'bool', default: YES, inert: true },
  { name: 'activedefrag', kind: 'bool', default: NO, inert: true },
  { name: 'syslog-enabled', kind: 'bool', default: NO, immutable: true, inert: true },
  { name: 'cluster-enabled', kind: 'bool', default: NO, immutable: true, inert: true },
  { name: 'appendonly', kind: 'bool', default: NO, denyLoading: true },
  { name: 'cluster-allow-reads-when-down', kind: 'bool', default: NO, inert: true },
  { name: 'cluster-allow-pubsubshard-when-down', kind: 'bool', default: YES, inert: true },
  { name: 'crash-log-enabled', kind: 'bool', default: YES, inert: true },
  { name: 'crash-memcheck-enabled', kind: 'bool', default: YES, inert: true },
  { name: 'use-exit-on-panic', kind: 'bool', default: NO, hidden: true, inert: true },
  { name: 'disable-thp', kind: 'bool', default: YES, immutable: true, inert: true },
  { name: 'cluster-allow-replica-migration', kind: 'bool', default: YES, inert: true },
  { name: 'replica-announced', kind: 'bool', default: YES, inert: true },
  { name: 'latency-tracking', kind: 'bool', default: YES },
  { name: 'aof-disable-auto-gc', kind: 'bool', default: NO },
  { name: 'replica-ignore-disk-write-errors', kind: 'bool', default: NO, inert: true },

  // Strings
  { name: 'aclfile', kind: 'string', default: '', immutable: true, inert: true },
  { name: 'unixsocket', kind: 'string', default: '', immutable: true, inert: true },
  { name: 'pidfile', kind: 'string', default: '', immutable: true },
  { name: 'replica-announce-ip', alias: 'slave-announce-ip', kind: 'string', default: '', inert: true },
  { name: 'masteruser', kind: 'string', default: '', sensitive: true, inert: true },
  { name: 'cluster-announce-ip', kind: 'string', default: '', inert: true },
  { name: 'cluster-config-file', kind: 'string', default: 'nodes.conf', immutable: true, inert: true },
  { name: 'cluster-announce-hostname', kind: 'string', default: '', inert: true },
  { name: 'syslog-ident', kind: 'string', default: 'redis', immutable: true, inert: true },
  { name: 'dbfilename', kind: 'string', default: 'dump.rdb', protected: true, check: (v) => (baseName(String(v)) ? null : "dbfilename can't be a path, just a filename") },
  {
    name: 'appendfilename', kind: 'string', default: 'appendonly.aof', immutable: true,
    check: (v) => (v === '' ? "appendfilename can't be empty" : baseName(String(v)) ? null : "appendfilename can't be a path, just a filename"),
  },
  {
    name: 'appenddirname', kind: 'string', default: 'appendonlydir', immutable: true,
    check: (v) => (v === '' ? "appenddirname can't be empty" : baseName(String(v)) ? null : "appenddirname can't be a path, just a dirname"),
  },
  { name: 'server_cpulist', kind: 'string', default: '', immutable: true, inert: true },
  { name: 'bio_cpulist', kind: 'string', default: '', immutable: true, inert: true },
  { name: 'aof_rewrite_cpulist', kind: 'string', default: '', immutable: true, inert: true },
  { name: 'bgsave_cpulist', kind: 'string', default: '', immutable: true, inert: true },
  { name: 'ignore-warnings', kind: 'string', default: '', inert: true },
  { name: 'proc-title-template', kind: 'string', default: '{title} {listen-addr} {server-mode}', check: procTitle, inert: true },
  { name: 'bind-source-addr', kind: 'string', default: '', inert: true },
  { name: 'logfile', kind: 'string', default: '', immutable: true },
  { name: 'masterauth', kind: 'string', default: '', sensitive: true, inert: true },
  { name: 'requirepass', kind: 'string', default: '', sensitive: true },

  // Enums
  { name: 'supervised', kind: 'enum', default: 'no', values: ['upstart', 'systemd', 'auto', 'no'], immutable: true, inert: true },
  { name: 'syslog-facility', kind: 'enum', default: 'local0', values: ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'], immutable: true, inert: true },
  { name: 'repl-diskless-load', kind: 'enum', default: 'disabled', values: ['disabled', 'on-empty-db', 'swapdb'], denyLoading: true, inert: true },
  { name: 'loglevel', kind: 'enum', default: 'notice', values: ['debug', 'verbose', 'notice', 'warning'] },
  {
    name: 'maxmemory-policy', kind: 'enum', default: 'noeviction',
    values: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'],
  },
  { name: 'appendfsync', kind: 'enum', default: 'everysec', values: ['everysec', 'always', 'no'] },
  { name: 'oom-score-adj', kind: 'enum', default: 'no', values: ['no', 'yes', 'relative', 'absolute'], synonyms: { relative: 'yes' }, inert: true },
  { name: 'acl-pubsub-default', kind: 'enum', default: 'resetchannels', values: ['allchannels', 'resetchannels'], inert: true },
  { name: 'sanitize-dump-payload', kind: 'enum', default: 'no', values: ['no', 'yes', 'clients'] },
  { name: 'enable-protected-configs', kind: 'enum', default: 'no', values: PROTECTED_ACTION, immutable: true },
  { name: 'enable-debug-command', kind: 'enum', default: 'no', values: PROTECTED_ACTION, immutable: true },
  { name: 'enable-module-command', kind: 'enum', default: 'no', values: PROTECTED_ACTION, immutable: true, inert: true },
  { name: 'cluster-preferred-endpoint-type', kind: 'enum', default: 'ip', values: ['ip', 'hostname', 'unknown-endpoint'], inert: true },
  { name: 'propagation-error-behavior', kind: 'enum', default: 'ignore', values: ['ignore', 'panic', 'panic-on-replicas'], inert: true },
  {
    name: 'shutdown-on-sigint', kind: 'enum', default: 'default', values: ['default', 'save', 'nosave', 'now', 'force'], multi: true, bitflags: true,
    check: (v) => (/\bsave\b/.test(String(v)) && /\bnosave\b/.test(String(v)) ? "shutdown options SAVE and NOSAVE can't be used simultaneously" : null),
  },
  {
    name: 'shutdown-on-sigterm', kind: 'enum', default: 'default', values: ['default', 'save', 'nosave', 'now', 'force'], multi: true, bitflags: true,
    check: (v) => (/\bsave\b/.test(String(v)) && /\bnosave\b/.test(String(v)) ? "shutdown options SAVE and NOSAVE can't be used simultaneously" : null),
  },

  // Integers
  { name: 'databases', kind: 'int', default: '16', min: 1n, max: INT_MAX, immutable: true },
  { name: 'port', kind: 'int', default: '6379', min: 0n, max: 65535n },
  { name: 'io-threads', kind: 'int', default: '1', min: 1n, max: 128n, immutable: true, inert: true },
  { name: 'auto-aof-rewrite-percentage', kind: 'int', default: '100', min: 0n, max: INT_MAX },
  { name: 'cluster-replica-validity-factor', alias: 'cluster-slave-validity-factor', kind: 'int', default: '10', min: 0n, max: INT_MAX, inert: true },
  { name: 'list-max-listpack-size', alias: 'list-max-ziplist-size', kind: 'int', default: '-2', min: INT_MIN, max: INT_MAX },
  { name: 'tcp-keepalive', kind: 'int', default: '300', min: 0n, max: INT_MAX },
  { name: 'cluster-migration-barrier', kind: 'int', default: '1', min: 0n, max: INT_MAX, inert: true },
  { name: 'active-defrag-cycle-min', kind: 'int', default: '1', min: 1n, max: 99n, inert: true },
  { name: 'active-defrag-cycle-max', kind: 'int', default: '25', min: 1n, max: 99n, inert: true },
  { name: 'active-defrag-threshold-lower', kind: 'int', default: '10', min: 0n, max: 1000n, inert: true },
  { name: 'active-defrag-threshold-upper', kind: 'int', default: '100', min: 0n, max: 1000n, inert: true },
  { name: 'lfu-log-factor', kind: 'int', default: '10', min: 0n, max: INT_MAX },
  { name: 'lfu-decay-time', kind: 'int', default: '1', min: 0n, max: INT_MAX },
  { name: 'replica-priority', alias: 'slave-priority', kind: 'int', default: '100', min: 0n, max: INT_MAX, inert: true },
  { name: 'repl-diskless-sync-delay', kind: 'int', default: '5', min: 0n, max: INT_MAX, inert: true },
  { name: 'maxmemory-samples', kind: 'int', default: '5', min: 1n, max: INT_MAX },
  { name: 'maxmemory-eviction-tenacity', kind: 'int', default: '10', min: 0n, max: 100n },
  { name: 'timeout', kind: 'int', default: '0', min: 0n, max: INT_MAX },
  { name: 'replica-announce-port', alias: 'slave-announce-port', kind: 'int', default: '0', min: 0n, max: 65535n, inert: true },
  { name: 'tcp-backlog', kind: 'int', default: '511', min: 0n, max: INT_MAX, immutable: true },
  { name: 'cluster-port', kind: 'int', default: '0', min: 0n, max: 65535n, immutable: true, inert: true },
  { name: 'cluster-announce-bus-port', kind: 'int', default: '0', min: 0n, max: 65535n, inert: true },
  { name: 'cluster-announce-port', kind: 'int', default: '0', min: 0n, max: 65535n, inert: true },
  { name: 'cluster-announce-tls-port', kind: 'int', default: '0', min: 0n, max: 65535n, inert: true },
  { name: 'repl-timeout', kind: 'int', default: '60', min: 1n, max: INT_MAX, inert: true },
  { name: 'repl-ping-replica-period', alias: 'repl-ping-slave-period', kind: 'int', default: '10', min: 1n, max: INT_MAX, inert: true },
  { name: 'list-compress-depth', kind: 'int', default: '0', min: 0n, max: INT_MAX },
  { name: 'rdb-key-save-delay', kind: 'int', default: '0', min: INT_MIN, max: INT_MAX, hidden: true },
  { name: 'key-load-delay', kind: 'int', default: '0', min: INT_MIN, max: INT_MAX, hidden: true },
  { name: 'active-expire-effort', kind: 'int', default: '1', min: 1n, max: 10n },
  { name: 'hz', kind: 'int', default: '10', min: 0n, max: INT_MAX },
  { name: 'min-replicas-to-write', alias: 'min-slaves-to-write', kind: 'int', default: '0', min: 0n, max: INT_MAX, inert: true },
  { name: 'min-replicas-max-lag', alias: 'min-slaves-max-lag', kind: 'int', default: '10', min: 0n, max: INT_MAX, inert: true },
  { name: 'watchdog-period', kind: 'int', default: '0', min: 0n, max: INT_MAX, hidden: true, inert: true },
  { name: 'shutdown-timeout', kind: 'int', default: '10', min: 0n, max: INT_MAX, inert: true },
  { name: 'repl-diskless-sync-max-replicas', kind: 'int', default: '0', min: 0n, max: INT_MAX, inert: true },
  { name: 'maxclients', kind: 'int', default: '10000', min: 1n, max: UINT_MAX },
  { name: 'unixsocketperm', kind: 'int', default: '0', min: 0n, max: 0o777n, octal: true, immutable: true, inert: true },
  { name: 'socket-mark-id', kind: 'int', default: '0', min: 0n, max: UINT_MAX, immutable: true, inert: true },
  { name: 'active-defrag-max-scan-fields', kind: 'int', default: '1000', min: 1n, max: LONG_MAX, inert: true },
  { name: 'slowlog-max-len', kind: 'int', default: '128', min: 0n, max: LONG_MAX },
  { name: 'acllog-max-len', kind: 'int', default: '128', min: 0n, max: LONG_MAX, inert: true },
  { name: 'busy-reply-threshold', alias: 'lua-time-limit', kind: 'int', default: '5000', min: 0n, max: LONG_MAX },
  { name: 'cluster-node-timeout', kind: 'int', default: '15000', min: 0n, max: LLONG_MAX, inert: true },
  { name: 'slowlog-log-slower-than', kind: 'int', default: '10000', min: -1n, max: LLONG_MAX },
  { name: 'latency-monitor-threshold', kind: 'int', default: '0', min: 0n, max: LLONG_MAX },
  { name: 'proto-max-bulk-len', kind: 'memory', default: '536870912', min: MB, max: LONG_MAX },
  { name: 'stream-node-max-entries', kind: 'int', default: '100', min: 0n, max: LLONG_MAX },
  { name: 'repl-backlog-size', kind: 'memory', default: '1048576', min: 1n, max: LLONG_MAX, inert: true },
  { name: 'maxmemory', kind: 'memory', default: '0', min: 0n, max: ULLONG_MAX },
  { name: 'cluster-link-sendbuf-limit', kind: 'memory', default: '0', min: 0n, max: ULLONG_MAX, inert: true },
  { name: 'hash-max-listpack-entries', alias: 'hash-max-ziplist-entries', kind: 'int', default: '512', min: 0n, max: LONG_MAX },
  { name: 'set-max-intset-entries', kind: 'int', default: '512', min: 0n, max: LONG_MAX },
  { name: 'zset-max-listpack-entries', alias: 'zset-max-ziplist-entries', kind: 'int', default: '128', min: 0n, max: LONG_MAX },
  { name: 'active-defrag-ignore-bytes', kind: 'memory', default: '104857600', min: 1n, max: LLONG_MAX, inert: true },
  { name: 'hash-max-listpack-value', alias: 'hash-max-ziplist-value', kind: 'memory', default: '64', min: 0n, max: LONG_MAX },
  { name: 'stream-node-max-bytes', kind: 'memory', default: '4096', min: 0n, max: LONG_MAX },
  { name: 'zset-max-listpack-value', alias: 'zset-max-ziplist-value', kind: 'memory', default: '64', min: 0n, max: LONG_MAX },
  { name: 'hll-sparse-max-bytes', kind: 'memory', default: '3000', min: 0n, max: LONG_MAX },
  { name: 'tracking-table-max-keys', kind: 'int', default: '1000000', min: 0n, max: LONG_MAX, inert: true },
  { name: 'client-query-buffer-limit', kind: 'memory', default: '1073741824', min: MB, max: LONG_MAX },
  { name: 'maxmemory-clients', kind: 'memory', default: '0', min: -100n, max: LLONG_MAX, percent: true, inert: true },
  { name: 'repl-backlog-ttl', kind: 'int', default: '3600', min: 0n, max: LONG_MAX, inert: true },
  { name: 'auto-aof-rewrite-min-size', kind: 'memory', default: '67108864', min: 0n, max: LLONG_MAX },
  { name: 'loading-process-events-interval-bytes', kind: 'int', default: '2097152', min: 1024n, max: INT_MAX, hidden: true },

  // Special
  { name: 'dir', kind: 'special', default: './', parse: dirParam, protected: true, denyLoading: true },
  { name: 'save', kind: 'special', default: '3600 1 300 100 60 10000', parse: saveParam, multi: true },
  { name: 'client-output-buffer-limit', kind: 'special', default: OBUF_DEFAULT, parse: obufLimit, multi: true },
  { name: 'oom-score-adj-values', kind: 'special', default: '0 200 800', parse: oomValues, multi: true, inert: true },
  { name: 'notify-keyspace-events', kind: 'special', default: '', parse: keyspaceEvents, show: showKeyspaceEvents },
  // Redis binds '* -::*' by default and relies on protected-mode; Amber does not enforce
  // protected-mode, so its default listens on loopback only.
  { name: 'bind', kind: 'special', default: '127.0.0.1 -::1', parse: bindParam, multi: true },
  { name: 'replicaof', alias: 'slaveof', kind: 'special', default: 'no one', parse: replicaOf, multi: true, immutable: true, inert: true },
  { name: 'latency-tracking-info-percentiles', kind: 'special', default: '50 99 99.9', parse: percentiles, multi: true },
];

const BY_NAME = new Map<string, ConfigDef>();
for (const d of CONFIG_TABLE) {
  BY_NAME.set(d.name, d);
  if (d.alias) BY_NAME.set(d.alias, d);
}

/** Looks a parameter up by name or alias, case-insensitively. */
export function findConfig(name: string): ConfigDef | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Every name CONFIG GET can match: canonical names and aliases, in table order. */
export function allConfigNames(): { name: string; def: ConfigDef }[] {
  const out: { name: string; def: ConfigDef }[] = [];
  for (const d of CONFIG_TABLE) {
    out.push({ name: d.name, def: d });
    if (d.alias) out.push({ name: d.alias, def: d });
  }
  return out;
}

/**
 * Redis's memtoull: digits with an optional unit (b, k=1000, kb=1024, m, mb, g, gb,
 * case-insensitive). No sign. Returns null when it is not a memory value.
 */
export function memtoull(v: string): bigint | null {
  const m = /^(\d*)(b|k|kb|m|mb|g|gb)?$/i.exec(v);
  if (!m || (m[1] === '' && m[2] !== undefined)) return null;
  const unit = (m[2] ?? '').toLowerCase();
  const mul: Record<string, bigint> = { '': 1n, b: 1n, k: 1000n, kb: 1024n, m: 1000000n, mb: MB, g: 1000000000n, gb: 1024n * MB };
  return BigInt(m[1] === '' ? '0' : m[1]!) * mul[unit]!;
}

/** memtoull as a number (null when invalid); kept for callers of the first API. */
export function parseMemory(v: string): number | null {
  const r = memtoull(v);
  return r === null ? null : Number(r);
}

/** Redis writes memory amounts in redis.conf with the largest exact unit (1gb, 64mb, 3kb). */
export function formatMemory(bytes: number): string {
  const KB = 1024;
  if (bytes && bytes % (KB * KB * KB) === 0) return `${bytes / (KB * KB * KB)}gb`;
  if (bytes && bytes % (KB * KB) === 0) return `${bytes / (KB * KB)}mb`;
  if (bytes && bytes % KB === 0) return `${bytes / KB}kb`;
  return String(bytes);
}

/** Per-parameter hook run after a value changed through CONFIG SET; returns an error text or null. */
export type Applier = () => string | null;

export class Config {
  /** Parsed values by canonical name: booleans, numbers, or strings. */
  readonly values: Record<string, ConfigValue> = Object.create(null);
  private readonly listeners = new Map<string, ((v: ConfigValue) => void)[]>();
  private readonly appliers = new Map<string, Applier>();
  /** The config file the server was started with (CONFIG REWRITE writes it), if any. */
  file: string | null = null;
  /** rename-command directives from the config file: [old name, new name ('' removes)]. */
  readonly renames: [string, string][] = [];

  constructor() {
    for (const d of CONFIG_TABLE) {
      const r = this.parse(d, this.splitValue(d, d.default));
      if ('error' in r) throw new Error(`bad default for ${d.name}: ${r.error}`);
      this.values[d.name] = r.value;
    }
  }

  private get(name: string): ConfigValue {
    const v = this.values[name];
    if (v !== undefined) return v;
    const def = findConfig(name);
    if (def === undefined) throw new Error(`unknown config ${name}`);
    return this.values[def.name]!;
  }

  num(name: string): number {
    return this.get(name) as number;
  }
  bool(name: string): boolean {
    return this.get(name) as boolean;
  }
  str(name: string): string {
    return this.get(name) as string;
  }

  /** Calls fn whenever name changes (start-up directives and CONFIG SET). */
  on(name: string, fn: (v: ConfigValue) => void): void {
    const canonical = findConfig(name)?.name ?? name;
    const list = this.listeners.get(canonical) ?? [];
    list.push(fn);
    this.listeners.set(canonical, list);
  }

  /**
   * Registers the one apply step of a parameter that can fail (rebinding a port). CONFIG
   * SET runs it after setting every value and rolls everything back if it fails.
   */
  onApply(name: string, fn: Applier): void {
    this.appliers.set(findConfig(name)?.name ?? name, fn);
  }

  /** The words a value string stands for: multi-argument parameters split on spaces. */
  splitValue(def: ConfigDef, raw: string): string[] {
    return def.multi ? raw.split(' ') : [raw];
  }

  /** Validates the words of a value for def: the parsed value, or an error text as Redis words it. */
  parse(def: ConfigDef, args: readonly string[]): ParseResult {
    const r = this.parseOnly(def, args);
    if ('error' in r || def.check === undefined) return r;
    const e = def.check(r.value);
    return e === null ? r : { error: e };
  }

  private parseOnly(def: ConfigDef, args: readonly string[]): ParseResult {
    if (def.kind === 'special') return def.parse!(args, this.values[def.name]);
    if (def.kind === 'enum') return this.parseEnum(def, args);
    if (args.length !== 1) return { error: 'wrong number of arguments' };
    const raw = args[0]!;
    switch (def.kind) {
      case 'bool': {
        const v = raw.toLowerCase();
        if (v === 'yes') return { value: true };
        if (v === 'no') return { value: false };
        return { error: "argument must be 'yes' or 'no'" };
      }
      case 'int':
      case 'memory':
        return this.parseNumber(def, raw);
      case 'string':
        return { value: raw };
    }
  }

  private parseEnum(def: ConfigDef, args: readonly string[]): ParseResult {
    const values = def.values!;
    const bad = { error: 'argument(s) must be one of the following: ' + values.join(', ') };
    if (args.length === 0 || (!def.bitflags && args.length !== 1)) return bad;
    const picked = new Set<string>();
    for (const a of args) {
      let w = a.toLowerCase();
      if (!values.includes(w)) return bad;
      w = def.synonyms?.[w] ?? w;
      picked.add(w);
    }
    if (!def.bitflags) return { value: [...picked][0]! };
    // Flags print in table order; 'default' is the empty set.
    const words = values.filter((v) => v !== 'default' && picked.has(v));
    return { value: words.length === 0 ? 'default' : words.join(' ') };
  }

  private parseNumber(def: ConfigDef, raw: string): ParseResult {
    let n: bigint | null = null;
    if (def.kind === 'memory') n = memtoull(raw);
    if (n === null && def.percent && raw.length > 1 && raw.endsWith('%')) {
      const p = string2ll(raw.slice(0, -1));
      if (p !== null && p >= 0n) n = -p; // percentages are stored negative
    }
    if (n === null && def.octal && /^[0-7]+$/.test(raw)) n = BigInt('0o' + raw);
    if (n === null && def.kind === 'int' && !def.octal) n = string2ll(raw);
    if (n === null) {
      if (def.kind === 'memory') return { error: def.percent ? 'argument must be a memory or percent value' : 'argument must be a memory value' };
      return { error: def.octal ? "argument couldn't be parsed as an octal number" : "argument couldn't be parsed into an integer" };
    }
    const min = def.min ?? -LLONG_MAX - 1n;
    const max = def.max ?? LLONG_MAX;
    if (def.percent && n < 0n) {
      if (n < min) return { error: `percentage argument must be less or equal to ${-min}` };
    } else if (n < min || n > max) {
      if (def.octal) return { error: `argument must be between ${min.toString(8)} and ${max.toString(8)} inclusive` };
      return { error: `argument must be between ${min} and ${max} inclusive` };
    }
    return { value: Number(n) };
  }

  /**
   * Sets a value by name from a value string (multi-argument values split on spaces);
   * returns an error text (Redis's wording) or null. Listeners run when it changed.
   */
  set(name: string, raw: string): string | null {
    const def = findConfig(name);
    if (!def) return 'Bad directive or wrong number of arguments';
    return this.setArgs(def, this.splitValue(def, raw));
  }

  /** Sets a value from its words (a redis.conf line's arguments). */
  setArgs(def: ConfigDef, args: readonly string[]): string | null {
    const r = this.parse(def, args);
    if ('error' in r) return r.error;
    this.assign(def, r.value);
    return null;
  }

  /** Stores a value that is already valid, notifying listeners when it changed. */
  assign(def: ConfigDef, value: ConfigValue): boolean {
    const old = this.values[def.name];
    if (old === value) return false;
    this.values[def.name] = value;
    for (const fn of this.listeners.get(def.name) ?? []) fn(value);
    return true;
  }

  /**
   * CONFIG SET name value [name value ...], atomically as Redis 7.0 does it: every name is
   * checked first (unknown, immutable, protected, duplicate), then every value is set, then
   * apply steps run; any failure restores every previous value. Returns the error line
   * (without the leading '-') or null on success.
   */
  setMany(pairs: readonly [string, string][], ctx: { allowProtected: boolean; loading: boolean }): string | null {
    const defs: ConfigDef[] = [];
    let unknown: string | null = null;
    let errArg: string | null = null;
    let errText: string | null = null;
    let denyLoading = false;
    for (const [name] of pairs) {
      const def = findConfig(name);
      if (def === undefined) {
        if (unknown === null && errArg === null && !denyLoading) unknown = name;
        continue;
      }
      if (unknown !== null || errArg !== null || denyLoading) continue;
      if (def.immutable || (def.protected && !ctx.allowProtected)) {
        errText = def.immutable ? "can't set immutable config" : "can't set protected config";
        errArg = name;
        continue;
      }
      if (ctx.loading && def.denyLoading) {
        denyLoading = true;
        continue;
      }
      if (defs.includes(def)) {
        errText = 'duplicate parameter';
        errArg = name;
      }
      defs.push(def);
    }
    if (denyLoading) return 'LOADING Redis is loading the dataset in memory';
    if (unknown !== null) return `ERR Unknown option or number of arguments for CONFIG SET - '${unknown}'`;
    if (errArg !== null) return `ERR CONFIG SET failed (possibly related to argument '${errArg}') - ${errText}`;

    const old = defs.map((d) => this.values[d.name]!);
    const changed: ConfigDef[] = [];
    for (let i = 0; i < defs.length; i++) {
      const def = defs[i]!;
      const r = this.parse(def, this.splitValue(def, pairs[i]![1]));
      if ('error' in r) {
        this.restore(defs, old, i);
        return `ERR CONFIG SET failed (possibly related to argument '${def.name}') - ${r.error}`;
      }
      if (this.assign(def, r.value)) changed.push(def);
    }
    const applied = new Set<Applier>();
    for (const def of changed) {
      const apply = this.appliers.get(def.name);
      if (apply === undefined || applied.has(apply)) continue;
      applied.add(apply);
      const e = apply();
      if (e !== null) {
        this.restore(defs, old, defs.length);
        for (const fn of applied) fn();
        return `ERR CONFIG SET failed (possibly related to argument '${def.name}') - ${e}`;
      }
    }
    return null;
  }

  private restore(defs: readonly ConfigDef[], old: readonly ConfigValue[], count: number): void {
    for (let i = 0; i < count; i++) this.assign(defs[i]!, old[i]!);
  }

  /** The text CONFIG GET shows for a value. */
  render(name: string): string {
    const def = findConfig(name)!;
    const v = this.values[def.name]!;
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    if (typeof v === 'number') {
      if (def.percent && v < 0) return `${-v}%`;
      if (def.octal) return v.toString(8);
      return String(v);
    }
    return def.show !== undefined ? def.show(v) : v;
  }

  /** The value as a redis.conf line argument would write it (CONFIG REWRITE). */
  renderForFile(def: ConfigDef): string {
    const v = this.values[def.name]!;
    if (def.kind === 'memory' && typeof v === 'number') return def.percent && v < 0 ? `${-v}%` : formatMemory(v);
    return this.render(def.name);
  }

  /** Whether a parameter holds its default value. */
  isDefault(def: ConfigDef): boolean {
    const r = this.parse(def, this.splitValue(def, def.default));
    return 'value' in r && r.value === this.values[def.name];
  }
}
