/**
 * Configuration: one declarative table of every parameter Amber knows (name, kind,
 * default, bounds, whether CONFIG SET may change it), the parsed values, and change
 * listeners. CONFIG GET/SET/REWRITE, redis.conf files and `--name value` flags all go
 * through `set`, so a value is validated in exactly one place.
 *
 * Names, defaults, bounds and the text CONFIG GET shows follow Redis 7.0's config.c.
 * Leaf module: imports nothing from Amber.
 */

export type Kind = 'bool' | 'int' | 'memory' | 'string' | 'enum' | 'special';

export interface ConfigDef {
  readonly name: string;
  readonly alias?: string;
  readonly kind: Kind;
  readonly default: string;
  readonly min?: number;
  readonly max?: number;
  /** Allowed words for enums (a flags enum accepts several, space-separated). */
  readonly values?: readonly string[];
  readonly multi?: boolean;
  /** Only settable at start-up (redis.conf or flags), not by CONFIG SET. */
  readonly immutable?: boolean;
  /** Checks and normalises a special value; returns an error text or the canonical value. */
  readonly parse?: (v: string) => { error: string } | { value: string };
}

const LLONG_MAX = Number.MAX_SAFE_INTEGER;

const saveParam = (v: string): { error: string } | { value: string } => {
  const parts = v.split(/\s+/).filter((p) => p.length > 0);
  if (parts.length % 2 !== 0) return { error: 'Invalid save parameters' };
  for (const p of parts) {
    if (!/^\d+$/.test(p)) return { error: 'Invalid save parameters' };
  }
  return { value: parts.join(' ') };
};

const obufLimit = (v: string): { error: string } | { value: string } => {
  const parts = v.split(/\s+/).filter((p) => p.length > 0);
  if (parts.length % 4 !== 0) return { error: 'Wrong number of arguments in buffer limit configuration.' };
  for (let i = 0; i < parts.length; i += 4) {
    if (!['normal', 'replica', 'slave', 'pubsub'].includes(parts[i]!.toLowerCase())) {
      return { error: 'Invalid client class specified in buffer limit configuration.' };
    }
    for (let j = 1; j <= 3; j++) {
      if (parseMemory(parts[i + j]!) === null) return { error: 'Error in hard, soft or soft_seconds setting in buffer limit configuration.' };
    }
  }
  return { value: parts.join(' ') };
};

/** The table. Keep it sorted by area, then name. */
export const CONFIG_TABLE: readonly ConfigDef[] = [
  // Network and clients
  { name: 'port', kind: 'int', default: '6379', min: 0, max: 65535, immutable: true },
  { name: 'bind', kind: 'string', default: '127.0.0.1 -::1', multi: true, immutable: true },
  { name: 'unixsocket', kind: 'string', default: '', immutable: true },
  { name: 'protected-mode', kind: 'bool', default: 'yes' },
  { name: 'tcp-backlog', kind: 'int', default: '511', min: 0, max: 2147483647, immutable: true },
  { name: 'tcp-keepalive', kind: 'int', default: '300', min: 0, max: 2147483647 },
  { name: 'timeout', kind: 'int', default: '0', min: 0, max: 2147483647 },
  { name: 'maxclients', kind: 'int', default: '10000', min: 1, max: 2147483647 },
  { name: 'databases', kind: 'int', default: '16', min: 1, max: 2147483647, immutable: true },
  { name: 'requirepass', kind: 'string', default: '' },
  { name: 'proto-max-bulk-len', kind: 'memory', default: '536870912', min: 1024 * 1024, max: LLONG_MAX },
  { name: 'client-query-buffer-limit', kind: 'memory', default: '1073741824', min: 1024 * 1024, max: LLONG_MAX },
  { name: 'client-output-buffer-limit', kind: 'special', default: 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60', parse: obufLimit },
  { name: 'hz', kind: 'int', default: '10', min: 0, max: 2147483647 },
  { name: 'dynamic-hz', kind: 'bool', default: 'yes' },
  { name: 'io-threads', kind: 'int', default: '1', min: 1, max: 128, immutable: true },
  // General
  { name: 'daemonize', kind: 'bool', default: 'no', immutable: true },
  { name: 'pidfile', kind: 'string', default: '', immutable: true },
  { name: 'loglevel', kind: 'enum', default: 'notice', values: ['debug', 'verbose', 'notice', 'warning'] },
  { name: 'logfile', kind: 'string', default: '', immutable: true },
  { name: 'syslog-enabled', kind: 'bool', default: 'no', immutable: true },
  { name: 'always-show-logo', kind: 'bool', default: 'no', immutable: true },
  { name: 'set-proc-title', kind: 'bool', default: 'yes', immutable: true },
  { name: 'notify-keyspace-events', kind: 'string', default: '' },
  { name: 'slowlog-log-slower-than', kind: 'int', default: '10000', min: -1, max: LLONG_MAX },
  { name: 'slowlog-max-len', kind: 'int', default: '128', min: 0, max: LLONG_MAX },
  { name: 'latency-monitor-threshold', kind: 'int', default: '0', min: 0, max: LLONG_MAX },
  { name: 'lua-time-limit', alias: 'busy-reply-threshold', kind: 'int', default: '5000', min: 0, max: LLONG_MAX },
  { name: 'maxmemory', kind: 'memory', default: '0', min: 0, max: LLONG_MAX },
  { name: 'maxmemory-policy', kind: 'enum', default: 'noeviction', values: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'] },
  { name: 'maxmemory-samples', kind: 'int', default: '5', min: 1, max: 64 },
  { name: 'active-expire-effort', kind: 'int', default: '1', min: 1, max: 10 },
  { name: 'lazyfree-lazy-eviction', kind: 'bool', default: 'no' },
  { name: 'lazyfree-lazy-expire', kind: 'bool', default: 'no' },
  { name: 'lazyfree-lazy-server-del', kind: 'bool', default: 'no' },
  { name: 'lazyfree-lazy-user-del', kind: 'bool', default: 'no' },
  { name: 'lazyfree-lazy-user-flush', kind: 'bool', default: 'no' },
  { name: 'replica-lazy-flush', kind: 'bool', default: 'no' },
  { name: 'enable-debug-command', kind: 'enum', default: 'no', values: ['no', 'yes', 'local'], immutable: true },
  // Encodings
  { name: 'hash-max-listpack-entries', alias: 'hash-max-ziplist-entries', kind: 'int', default: '128', min: 0, max: LLONG_MAX },
  { name: 'hash-max-listpack-value', alias: 'hash-max-ziplist-value', kind: 'int', default: '64', min: 0, max: LLONG_MAX },
  { name: 'list-max-listpack-size', alias: 'list-max-ziplist-size', kind: 'int', default: '-2', min: -2147483648, max: 2147483647 },
  { name: 'list-compress-depth', kind: 'int', default: '0', min: 0, max: 2147483647 },
  { name: 'set-max-intset-entries', kind: 'int', default: '512', min: 0, max: LLONG_MAX },
  { name: 'zset-max-listpack-entries', alias: 'zset-max-ziplist-entries', kind: 'int', default: '128', min: 0, max: LLONG_MAX },
  { name: 'zset-max-listpack-value', alias: 'zset-max-ziplist-value', kind: 'int', default: '64', min: 0, max: LLONG_MAX },
  { name: 'stream-node-max-bytes', kind: 'memory', default: '4096', min: 0, max: LLONG_MAX },
  { name: 'stream-node-max-entries', kind: 'int', default: '100', min: 0, max: LLONG_MAX },
  { name: 'hll-sparse-max-bytes', kind: 'memory', default: '3000', min: 0, max: LLONG_MAX },
  { name: 'activerehashing', kind: 'bool', default: 'yes' },
  // RDB
  { name: 'save', kind: 'special', default: '3600 1 300 100 60 10000', parse: saveParam },
  { name: 'dir', kind: 'special', default: './', parse: (v) => ({ value: v }) },
  { name: 'dbfilename', kind: 'string', default: 'dump.rdb' },
  { name: 'rdbcompression', kind: 'bool', default: 'yes' },
  { name: 'rdbchecksum', kind: 'bool', default: 'yes' },
  { name: 'rdb-del-sync-files', kind: 'bool', default: 'no' },
  { name: 'stop-writes-on-bgsave-error', kind: 'bool', default: 'yes' },
  { name: 'rdb-save-incremental-fsync', kind: 'bool', default: 'yes' },
  { name: 'rdb-key-save-delay', kind: 'int', default: '0', min: -2147483648, max: 2147483647 },
  { name: 'sanitize-dump-payload', kind: 'enum', default: 'no', values: ['no', 'yes', 'clients'] },
  // AOF
  { name: 'appendonly', kind: 'bool', default: 'no' },
  { name: 'appendfilename', kind: 'string', default: 'appendonly.aof', immutable: true },
  { name: 'appenddirname', kind: 'string', default: 'appendonlydir', immutable: true },
  { name: 'appendfsync', kind: 'enum', default: 'everysec', values: ['everysec', 'always', 'no'] },
  { name: 'no-appendfsync-on-rewrite', kind: 'bool', default: 'no' },
  { name: 'auto-aof-rewrite-percentage', kind: 'int', default: '100', min: 0, max: 2147483647 },
  { name: 'auto-aof-rewrite-min-size', kind: 'memory', default: '67108864', min: 0, max: LLONG_MAX },
  { name: 'aof-load-truncated', kind: 'bool', default: 'yes' },
  { name: 'aof-use-rdb-preamble', kind: 'bool', default: 'yes' },
  { name: 'aof-timestamp-enabled', kind: 'bool', default: 'no' },
  { name: 'aof-rewrite-incremental-fsync', kind: 'bool', default: 'yes' },
  // Replication (accepted for compatibility; Amber has no replicas yet)
  { name: 'replica-read-only', alias: 'slave-read-only', kind: 'bool', default: 'yes' },
  { name: 'repl-diskless-sync', kind: 'bool', default: 'yes' },
  { name: 'masterauth', kind: 'string', default: '' },
];

const BY_NAME = new Map<string, ConfigDef>();
for (const d of CONFIG_TABLE) {
  BY_NAME.set(d.name, d);
  if (d.alias) BY_NAME.set(d.alias, d);
}

export function findConfig(name: string): ConfigDef | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/**
 * Redis's memtoull: a number with an optional unit (k=1000, kb=1024, m, mb, g, gb,
 * case-insensitive). Returns null when it is not one.
 */
export function parseMemory(v: string): number | null {
  const m = /^(-?\d+)(k|kb|m|mb|g|gb|b)?$/i.exec(v);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  const mul: Record<string, number> = { '': 1, b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  return n * mul[unit]!;
}

export type ConfigValue = string | number | boolean;

export class Config {
  /** Parsed values by canonical name: booleans, numbers, or strings. */
  readonly values: Record<string, ConfigValue> = Object.create(null);
  private readonly listeners = new Map<string, ((v: ConfigValue) => void)[]>();

  constructor() {
    for (const d of CONFIG_TABLE) {
      const r = this.parse(d, d.default);
      if ('error' in r) throw new Error(`bad default for ${d.name}`);
      this.values[d.name] = r.value;
    }
  }

  num(name: string): number {
    return this.values[name] as number;
  }
  bool(name: string): boolean {
    return this.values[name] as boolean;
  }
  str(name: string): string {
    return this.values[name] as string;
  }

  /** Calls fn whenever name changes (after start-up and on CONFIG SET). */
  on(name: string, fn: (v: ConfigValue) => void): void {
    const list = this.listeners.get(name) ?? [];
    list.push(fn);
    this.listeners.set(name, list);
  }

  /** Validates a value for def: the parsed value, or an error text as Redis words it. */
  parse(def: ConfigDef, raw: string): { error: string } | { value: ConfigValue } {
    switch (def.kind) {
      case 'bool': {
        const v = raw.toLowerCase();
        if (v === 'yes') return { value: true };
        if (v === 'no') return { value: false };
        return { error: 'argument must be \'yes\' or \'no\'' };
      }
      case 'int':
      case 'memory': {
        const n = def.kind === 'memory' ? parseMemory(raw) : /^-?\d+$/.test(raw) ? Number(raw) : null;
        if (n === null) {
          return { error: def.kind === 'memory' ? 'argument must be a memory value' : "argument couldn't be parsed into an integer" };
        }
        if ((def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max)) {
          return { error: `argument must be between ${def.min} and ${def.max} inclusive` };
        }
        return { value: n };
      }
      case 'enum': {
        const v = raw.toLowerCase();
        if (!def.values!.includes(v)) return { error: 'argument(s) must be one of the following: ' + def.values!.join(', ') };
        return { value: v };
      }
      case 'string':
        return { value: raw };
      case 'special':
        return def.parse ? def.parse(raw) : { value: raw };
    }
  }

  /** Sets a value by name; returns an error text (Redis's wording) or null. */
  set(name: string, raw: string): string | null {
    const def = findConfig(name);
    if (!def) return 'Bad directive or wrong number of arguments';
    const r = this.parse(def, raw);
    if ('error' in r) return r.error;
    const old = this.values[def.name];
    this.values[def.name] = r.value;
    if (old !== r.value) for (const fn of this.listeners.get(def.name) ?? []) fn(r.value);
    return null;
  }

  /** The text CONFIG GET shows for a value. */
  render(name: string): string {
    const def = findConfig(name)!;
    const v = this.values[def.name]!;
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    return String(v);
  }
}
