/**
 * MEMORY USAGE | STATS | DOCTOR | MALLOC-STATS | PURGE | HELP.
 *
 * Amber cannot ask V8 what one key costs, so MEMORY USAGE estimates what redis-server would
 * report for the same value and encoding (Redis's objectComputeSize: allocator-rounded sizes
 * of the key, the object and its elements, sampling `SAMPLES` elements of a collection and
 * scaling up). It is an estimate in Redis's units, useful for comparing keys, not a measure
 * of Amber's heap. MEMORY STATS reports the process's real figures where they exist.
 */

import { replyHelp } from './connection.js';
import type { Args, CommandSpec, Ctx } from './types.js';
import { E, ReplyError } from './types.js';
import { stringEncoding, type Value } from '../store/values.js';

/** jemalloc's size class for an allocation of n bytes. */
function alloc(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return Math.ceil(n / 16) * 16;
  // Four classes per power of two above 128.
  const p = 2 ** Math.floor(Math.log2(n - 1));
  const step = p / 4;
  return Math.ceil(n / step) * step;
}

/** An sds string of len bytes (header by size, plus the terminator). */
const sds = (len: number): number => alloc(len + (len < 256 ? 3 : len < 65536 ? 5 : 9) + 1);
const ROBJ = 16;
const DICT_ENTRY = 24;

/** Redis's objectComputeSize, estimated from the value's logical contents. */
function valueSize(v: Value, samples: number): number {
  if (typeof v === 'string') {
    const enc = stringEncoding(v);
    if (enc === 'int') return ROBJ;
    if (enc === 'embstr') return alloc(ROBJ + 3 + v.length + 1);
    return ROBJ + sds(v.length);
  }
  const sampled = <T>(items: Iterable<T>, count: number, size: (t: T) => number): number => {
    let total = 0;
    let n = 0;
    for (const it of items) {
      total += size(it);
      if (++n === samples && samples > 0) break;
    }
    return n === 0 ? 0 : (total / n) * count;
  };
  switch (v.kind) {
    case 'list': {
      const elements = sampled(v.values(), v.length, (s) => s.length + 2);
      const nodes = Math.max(1, Math.ceil(elements / 8192));
      return ROBJ + 40 + nodes * (32 + 7) + elements;
    }
    case 'set':
      if (v.encoding() === 'intset') return ROBJ + alloc(8 + v.size * 8);
      return ROBJ + 96 + alloc(v.size * 8) + sampled(v.values(), v.size, (s) => DICT_ENTRY + sds(s.length));
    case 'hash':
      if (v.encoding() === 'listpack') return ROBJ + alloc(7 + sampled(v.entries(), v.size, ([f, val]) => f.length + val.length + 4));
      return ROBJ + 96 + alloc(v.size * 8) + sampled(v.entries(), v.size, ([f, val]) => DICT_ENTRY + sds(f.length) + sds(val.length));
    case 'zset':
      if (v.encoding() === 'listpack') return ROBJ + alloc(7 + sampled(v.entries(), v.size, ([m]) => m.length + 2 + 10));
      return ROBJ + 96 + alloc(v.size * 8) + sampled(v.entries(), v.size, ([m]) => DICT_ENTRY + sds(m.length) + alloc(32 + 16));
  }
}

/** MEMORY USAGE key [SAMPLES count] */
function usage(c: Ctx, args: Args): void {
  const key = args.key();
  let samples = 5;
  while (args.more()) {
    args.token('SAMPLES');
    samples = args.int();
    if (samples < 0) throw new ReplyError(E.syntax);
  }
  const v = c.db.get(key);
  if (v === undefined) {
    c.reply.nullBulk();
    return;
  }
  c.reply.int(Math.round(valueSize(v, samples)) + sds(key.length) + DICT_ENTRY);
}

/** MEMORY STATS — a map of the process's memory figures (names as Redis's). */
function stats(c: Ctx): void {
  const mem = process.memoryUsage();
  const store = c.server.store;
  const keys = store.keyCount;
  const used = mem.heapUsed + mem.external;
  const fields: [string, number | string][] = [
    ['peak.allocated', used],
    ['total.allocated', used],
    ['startup.allocated', 0],
    ['replication.backlog', 0],
    ['clients.slaves', 0],
    ['clients.normal', 0],
    ['aof.buffer', c.server.aof?.log?.pending ?? 0],
    ['lua.caches', 0],
    ['functions.caches', 0],
    ['overhead.total', 0],
    ['keys.count', keys],
    ['keys.bytes-per-key', keys === 0 ? 0 : Math.round(used / keys)],
    ['dataset.bytes', used],
    ['dataset.percentage', '100'],
    ['peak.percentage', '100'],
    ['allocator.allocated', used],
    ['allocator.active', mem.heapTotal + mem.external],
    ['allocator.resident', mem.rss],
    ['rss-overhead.bytes', mem.rss - mem.heapTotal - mem.external],
    ['fragmentation', (mem.rss / Math.max(1, used)).toFixed(9)],
  ];
  c.reply.map(fields.length);
  for (const [k, v] of fields) {
    c.reply.bulk(k);
    if (typeof v === 'number') c.reply.int(v);
    else c.reply.double(Number(v));
  }
}

/** MEMORY DOCTOR */
function doctor(c: Ctx): void {
  c.reply.verbatim('Amber has no memory advice to give: V8 manages its heap, and INFO memory shows its figures.');
}

/** MEMORY MALLOC-STATS */
function mallocStats(c: Ctx): void {
  c.reply.verbatim('Stats not supported for the current allocator');
}

/** MEMORY PURGE */
function purge(c: Ctx): void {
  c.reply.ok();
}

function help(c: Ctx): void {
  replyHelp(c, 'memory', [
    'DOCTOR',
    '    Return memory problems reports.',
    'MALLOC-STATS',
    '    Return internal statistics report from the memory allocator.',
    'PURGE',
    '    Attempt to purge dirty pages for reclamation by the allocator.',
    'STATS',
    '    Return information about the memory usage of the server.',
    'USAGE <key> [SAMPLES <count>]',
    '    Return memory in bytes used by <key> and its value. Nested values are',
    '    sampled up to <count> times (default: 5, 0 means sample all).',
  ]);
}

const memorySubcommands: CommandSpec[] = [
  { name: 'memory|doctor', arity: 2, flags: [], group: 'server', since: '4.0.0', complexity: 'O(1)', summary: 'Gives memory advice.', tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'], handler: doctor },
  { name: 'memory|help', arity: 2, flags: ['loading', 'stale'], group: 'server', since: '4.0.0', complexity: 'O(1)', summary: 'Describes the MEMORY subcommands.', handler: help },
  { name: 'memory|malloc-stats', arity: 2, flags: [], group: 'server', since: '4.0.0', complexity: 'Depends on how much memory is allocated, could be slow', summary: 'Reports allocator statistics.', tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'], handler: mallocStats },
  { name: 'memory|purge', arity: 2, flags: [], group: 'server', since: '4.0.0', complexity: 'Depends on how much memory is allocated, could be slow', summary: 'Asks the allocator to release memory.', tips: ['request_policy:all_shards', 'response_policy:all_succeeded'], handler: purge },
  { name: 'memory|stats', arity: 2, flags: [], group: 'server', since: '4.0.0', complexity: 'O(1)', summary: 'Reports memory figures.', tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'], handler: stats },
  { name: 'memory|usage', arity: -3, flags: ['readonly'], keys: [2, 2, 1], group: 'server', since: '4.0.0', complexity: 'O(N) where N is the number of samples.', summary: 'Estimates the memory a key and its value use.', handler: usage },
];

export const commands: CommandSpec[] = [
  { name: 'memory', arity: -2, flags: [], group: 'server', since: '4.0.0', complexity: 'Depends on subcommand.', summary: 'Memory introspection.', subcommands: memorySubcommands },
];
