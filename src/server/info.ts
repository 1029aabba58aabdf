/**
 * INFO: the report of Redis 7.0's genRedisInfoString, section by section, with Redis's
 * field names and order. Values are real where Amber has the fact; the rest are the
 * values an idle, standalone Redis without replicas, modules or a fork reports.
 *
 * Sections other subsystems register in `server.infoSections` (persistence, keyspace,
 * ...) replace the built-in one of the same name; names INFO does not know are printed
 * after the known sections (with `all`/`everything`, or when asked by name).
 *
 * Memory: Node has no allocator statistics per object, so `used_memory` is the V8 heap in
 * use plus memory held outside it (Buffers): process.memoryUsage().heapUsed + external.
 * RSS, peak and the system total are real. docs/server.md explains the stand-ins.
 */

import os from 'node:os';
import { expireStats } from './expire.js';
import { pubsubStats } from './pubsub.js';
import type { CommandStat, Server } from './server.js';

export const REDIS_VERSION = '7.0.15';

type Fields = [string, string | number][];

/** Buckets of the latency histograms: 1..9 ns, then 90 two-digit buckets per decade up to 1 s. */
export const LATENCY_BUCKETS = 9 + 9 * 90;

/** The bucket of a duration in nanoseconds (clamped to 1 ns .. 1 s as Redis clamps). */
export function latencyBucket(ns: number): number {
  const v = ns >= 1e9 ? 1e9 : ns < 1 ? 1 : Math.floor(ns);
  if (v < 10) return v - 1;
  // The decade by comparison: cheaper than Math.log10 per command, and exact at powers of ten.
  let e = 1;
  while (e < 9 && v >= POW10[e + 1]!) e++;
  const d = Math.floor(v / POW10[e - 1]!);
  return 9 + (e - 1) * 90 + (Math.min(99, d) - 10);
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10];

/** The highest value (ns) a bucket stands for, as HDR histograms report percentiles. */
export function latencyBucketValue(i: number): number {
  if (i < 9) return i + 1;
  const e = Math.floor((i - 9) / 90) + 1;
  const d = ((i - 9) % 90) + 10;
  return (d + 1) * 10 ** (e - 1) - 1;
}

/** The sections `INFO` (no argument) and `INFO default` print, in order. */
const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'module_list', 'errorstats', 'cluster', 'keyspace'];

/** Every built-in section in output order, with its title. */
const ORDER: [name: string, title: string][] = [
  ['server', 'Server'],
  ['clients', 'Clients'],
  ['memory', 'Memory'],
  ['persistence', 'Persistence'],
  ['stats', 'Stats'],
  ['replication', 'Replication'],
  ['cpu', 'CPU'],
  ['modules', 'Modules'],
  ['commandstats', 'Commandstats'],
  ['errorstats', 'Errorstats'],
  ['latencystats', 'Latencystats'],
  ['cluster', 'Cluster'],
  ['keyspace', 'Keyspace'],
];

/** Redis's bytesToHuman: 100B, 1.50K, 2.00M, ... */
export function bytesToHuman(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  let d = n / 1024;
  for (const u of units) {
    if (d < 1024 || u === 'P') return `${d.toFixed(2)}${u}`;
    d /= 1024;
  }
  return `${n}B`;
}

/** Characters INFO replaces in names it prints (Redis getSafeInfoString). */
function safe(s: string): string {
  return s.replace(/[#:\n\r]/g, '_');
}

/** Memory figures shared by INFO memory and MEMORY STATS-like callers. */
export function memoryUsage(server: Server): { used: number; rss: number; peak: number; startup: number } {
  const m = process.memoryUsage();
  const used = m.heapUsed + m.external;
  if (used > server.stats.peakMemory) server.stats.peakMemory = used;
  return { used, rss: m.rss, peak: server.stats.peakMemory, startup: startupMemory(server) };
}

const startupMemoryOf = new WeakMap<Server, number>();
function startupMemory(server: Server): number {
  let v = startupMemoryOf.get(server);
  if (v === undefined) {
    const m = process.memoryUsage();
    v = m.heapUsed + m.external;
    startupMemoryOf.set(server, v);
  }
  return v;
}

/** Records the memory in use when the server starts (INFO used_memory_startup). */
export function markStartupMemory(server: Server): void {
  startupMemory(server);
}

function serverSection(server: Server): Fields {
  const now = Date.now();
  const uptime = Math.floor((now - server.startTime) / 1000);
  const config = server.config;
  return [
    ['redis_version', REDIS_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', 'a3b1c0de00000000'],
    ['redis_mode', 'standalone'],
    ['os', `${os.type()} ${os.release()} ${os.machine()}`],
    ['arch_bits', process.arch.includes('64') ? 64 : 32],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', process.platform === 'linux' ? 'epoll' : process.platform === 'darwin' ? 'kqueue' : 'select'],
    ['atomicvar_api', 'c11-builtin'],
    ['gcc_version', '0.0.0'],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', server.runId],
    ['tcp_port', server.port],
    ['server_time_usec', Math.floor((performance.timeOrigin + performance.now()) * 1000)],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', config.num('hz')],
    ['configured_hz', config.num('hz')],
    ['lru_clock', Math.floor(now / 1000) & 0xffffff],
    ['executable', process.argv[1] ?? ''],
    ['config_file', config.file ?? ''],
    ['io_threads_active', 0],
  ];
}

function clientsSection(server: Server): Fields {
  let maxIn = 0;
  let maxOut = 0;
  let inTimeoutTable = 0;
  for (const c of server.clients.values()) {
    if (c.parser.pending > maxIn) maxIn = c.parser.pending;
    const out = c.outputPending;
    if (out > maxOut) maxOut = out;
    if (c.blocked !== null && c.blocked.deadline > 0) inTimeoutTable++;
  }
  return [
    ['connected_clients', server.clients.size],
    ['cluster_connections', 0],
    ['maxclients', server.config.num('maxclients')],
    ['client_recent_max_input_buffer', maxIn],
    ['client_recent_max_output_buffer', maxOut],
    ['blocked_clients', server.blockedClients],
    ['tracking_clients', 0],
    ['clients_in_timeout_table', inTimeoutTable],
  ];
}

function memorySection(server: Server): Fields {
  const { used, rss, peak, startup } = memoryUsage(server);
  const total = os.totalmem();
  const maxmemory = server.config.num('maxmemory');
  let clientsNormal = 0;
  for (const c of server.clients.values()) clientsNormal += c.outputPending + c.parser.pending;
  const overhead = startup + clientsNormal;
  const dataset = Math.max(0, used - overhead);
  const pct = (a: number, b: number): string => `${(b === 0 ? 0 : (a * 100) / b).toFixed(2)}%`;
  const ratio = (a: number, b: number): string => (b === 0 ? 0 : a / b).toFixed(2);
  return [
    ['used_memory', used],
    ['used_memory_human', bytesToHuman(used)],
    ['used_memory_rss', rss],
    ['used_memory_rss_human', bytesToHuman(rss)],
    ['used_memory_peak', peak],
    ['used_memory_peak_human', bytesToHuman(peak)],
    ['used_memory_peak_perc', pct(used, peak)],
    ['used_memory_overhead', overhead],
    ['used_memory_startup', startup],
    ['used_memory_dataset', dataset],
    ['used_memory_dataset_perc', pct(dataset, used - startup > 0 ? used - startup : used)],
    ['allocator_allocated', used],
    ['allocator_active', used],
    ['allocator_resident', rss],
    ['total_system_memory', total],
    ['total_system_memory_human', bytesToHuman(total)],
    ['used_memory_lua', 31744],
    ['used_memory_vm_eval', 31744],
    ['used_memory_lua_human', bytesToHuman(31744)],
    ['used_memory_scripts_eval', 0],
    ['number_of_cached_scripts', 0],
    ['number_of_functions', 0],
    ['number_of_libraries', 0],
    ['used_memory_vm_functions', 32768],
    ['used_memory_vm_total', 64512],
    ['used_memory_vm_total_human', bytesToHuman(64512)],
    ['used_memory_functions', 184],
    ['used_memory_scripts', 184],
    ['used_memory_scripts_human', bytesToHuman(184)],
    ['maxmemory', maxmemory],
    ['maxmemory_human', bytesToHuman(maxmemory)],
    ['maxmemory_policy', server.config.str('maxmemory-policy')],
    ['allocator_frag_ratio', '1.00'],
    ['allocator_frag_bytes', 0],
    ['allocator_rss_ratio', ratio(rss, used)],
    ['allocator_rss_bytes', rss - used],
    ['rss_overhead_ratio', '1.00'],
    ['rss_overhead_bytes', 0],
    ['mem_fragmentation_ratio', ratio(rss, used)],
    ['mem_fragmentation_bytes', rss - used],
    ['mem_not_counted_for_evict', 0],
    ['mem_replication_backlog', 0],
    ['mem_total_replication_buffers', 0],
    ['mem_clients_slaves', 0],
    ['mem_clients_normal', clientsNormal],
    ['mem_cluster_links', 0],
    ['mem_aof_buffer', 0],
    ['mem_allocator', `node-${process.versions.v8}`],
    ['active_defrag_running', 0],
    ['lazyfree_pending_objects', 0],
    ['lazyfreed_objects', 0],
  ];
}

/** The persistence section when no persistence subsystem registered its own. */
function persistenceSection(server: Server): Fields {
  return [
    ['loading', server.store.loading ? 1 : 0],
    ['async_loading', 0],
    ['current_cow_peak', 0],
    ['current_cow_size', 0],
    ['current_cow_size_age', 0],
    ['current_fork_perc', '0.00'],
    ['current_save_keys_processed', 0],
    ['current_save_keys_total', 0],
    ['rdb_changes_since_last_save', server.store.dirty],
    ['rdb_bgsave_in_progress', server.backgroundSaveRunning() ? 1 : 0],
    ['rdb_last_save_time', Math.floor(server.startTime / 1000)],
    ['rdb_last_bgsave_status', 'ok'],
    ['rdb_last_bgsave_time_sec', -1],
    ['rdb_current_bgsave_time_sec', -1],
    ['rdb_saves', 0],
    ['rdb_last_cow_size', 0],
    ['rdb_last_load_keys_expired', 0],
    ['rdb_last_load_keys_loaded', 0],
    ['aof_enabled', server.config.bool('appendonly') ? 1 : 0],
    ['aof_rewrite_in_progress', 0],
    ['aof_rewrite_scheduled', 0],
    ['aof_last_rewrite_time_sec', -1],
    ['aof_current_rewrite_time_sec', -1],
    ['aof_last_bgrewrite_status', 'ok'],
    ['aof_rewrites', 0],
    ['aof_rewrites_consecutive_failures', 0],
    ['aof_last_write_status', 'ok'],
    ['aof_last_cow_size', 0],
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
  ];
}

function average(samples: readonly number[]): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const s of samples) sum += s;
  return sum / samples.length;
}

function statsSection(server: Server): Fields {
  const st = server.stats;
  const ks = server.store.stats;
  const ps = pubsubStats(server);
  const m = server.metrics;
  return [
    ['total_connections_received', st.totalConnections],
    ['total_commands_processed', st.totalCommands],
    ['instantaneous_ops_per_sec', Math.round(average(m.commands))],
    ['total_net_input_bytes', st.netInputBytes],
    ['total_net_output_bytes', st.netOutputBytes],
    ['total_net_repl_input_bytes', 0],
    ['total_net_repl_output_bytes', 0],
    ['instantaneous_input_kbps', (average(m.input) / 1024).toFixed(2)],
    ['instantaneous_output_kbps', (average(m.output) / 1024).toFixed(2)],
    ['instantaneous_input_repl_kbps', '0.00'],
    ['instantaneous_output_repl_kbps', '0.00'],
    ['rejected_connections', st.rejectedConnections],
    ['sync_full', 0],
    ['sync_partial_ok', 0],
    ['sync_partial_err', 0],
    ['expired_keys', ks.expiredKeys],
    ['expired_stale_perc', (ks.expiredStalePerc * 100).toFixed(2)],
    ['expired_time_cap_reached_count', ks.expiredTimeCapReached],
    ['expire_cycle_cpu_milliseconds', expireStats(server).cycleCpuMilliseconds],
    ['evicted_keys', 0],
    ['evicted_clients', 0],
    ['total_eviction_exceeded_time', 0],
    ['current_eviction_exceeded_time', 0],
    ['keyspace_hits', ks.keyspaceHits],
    ['keyspace_misses', ks.keyspaceMisses],
    ['pubsub_channels', ps.channels],
    ['pubsub_patterns', ps.patterns],
    ['pubsubshard_channels', ps.shardChannels],
    ['latest_fork_usec', 0],
    ['total_forks', 0],
    ['migrate_cached_sockets', 0],
    ['slave_expires_tracked_keys', 0],
    ['active_defrag_hits', 0],
    ['active_defrag_misses', 0],
    ['active_defrag_key_hits', 0],
    ['active_defrag_key_misses', 0],
    ['total_active_defrag_time', 0],
    ['current_active_defrag_time', 0],
    ['tracking_total_keys', 0],
    ['tracking_total_items', 0],
    ['tracking_total_prefixes', 0],
    ['unexpected_error_replies', 0],
    ['total_error_replies', st.totalErrorReplies],
    ['dump_payload_sanitizations', 0],
    ['total_reads_processed', st.netInputBytes === 0 ? 0 : st.totalCommands],
    ['total_writes_processed', st.netOutputBytes === 0 ? 0 : st.totalCommands],
    ['io_threaded_reads_processed', 0],
    ['io_threaded_writes_processed', 0],
    ['reply_buffer_shrinks', 0],
    ['reply_buffer_expands', 0],
  ];
}

function replicationSection(server: Server): Fields {
  return [
    ['role', 'master'],
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', server.runId],
    ['master_replid2', '0000000000000000000000000000000000000000'],
    ['master_repl_offset', 0],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', server.config.num('repl-backlog-size')],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  ];
}

function cpuTime(us: number): string {
  const sec = Math.floor(us / 1e6);
  return `${sec}.${String(Math.floor(us - sec * 1e6)).padStart(6, '0')}`;
}

function cpuSection(): Fields {
  const u = process.cpuUsage();
  return [
    ['used_cpu_sys', cpuTime(u.system)],
    ['used_cpu_user', cpuTime(u.user)],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
    ['used_cpu_sys_main_thread', cpuTime(u.system)],
    ['used_cpu_user_main_thread', cpuTime(u.user)],
  ];
}

function commandstatsSection(server: Server): Fields {
  const out: Fields = [];
  const names = [...server.allCommandStats().keys()].sort();
  for (const name of names) {
    const s = server.allCommandStats().get(name)!;
    if (s.calls === 0 && s.failed === 0 && s.rejected === 0) continue;
    const per = s.calls === 0 ? 0 : s.usec / s.calls;
    out.push([`cmdstat_${safe(name)}`, `calls=${s.calls},usec=${s.usec},usec_per_call=${per.toFixed(2)},rejected_calls=${s.rejected},failed_calls=${s.failed}`]);
  }
  return out;
}

/** Redis's trimDoubleString of a %f percentile: 50.000000 → 50, 99.900000 → 99.9. */
function trimPercentile(p: number): string {
  return p.toFixed(6).replace(/\.?0+$/, '');
}

/** The duration (ns) at a percentile, as hdr_value_at_percentile finds it. */
function valueAtPercentile(stat: CommandStat, p: number): number {
  const hist = stat.latency!;
  const target = Math.max(1, Math.floor((p / 100) * stat.latencyCount + 0.5));
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i]!;
    if (seen >= target) return latencyBucketValue(i);
  }
  return 0;
}

function latencystatsSection(server: Server): Fields {
  if (!server.config.bool('latency-tracking')) return [];
  const percentiles = server.config.str('latency-tracking-info-percentiles').split(' ').filter((x) => x !== '').map(Number);
  const out: Fields = [];
  for (const name of [...server.allCommandStats().keys()].sort()) {
    const s = server.allCommandStats().get(name)!;
    if (s.latency === null || s.latencyCount === 0) continue;
    const parts = percentiles.map((p) => `p${trimPercentile(p)}=${(valueAtPercentile(s, p) / 1000).toFixed(3)}`);
    out.push([`latency_percentiles_usec_${safe(name)}`, parts.join(',')]);
  }
  return out;
}

function errorstatsSection(server: Server): Fields {
  const codes = [...server.errorStats.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return codes.map((code) => [`errorstat_${safe(code)}`, `count=${server.errorStats.get(code)}`]);
}

function keyspaceSection(server: Server): Fields {
  const out: Fields = [];
  for (const db of server.store.dbs) {
    if (db.size === 0 && db.expires.size === 0) continue;
    out.push([`db${db.id}`, `keys=${db.size},expires=${db.expires.size},avg_ttl=${db.avgTtl}`]);
  }
  return out;
}

function builtIn(server: Server, name: string): Fields {
  switch (name) {
    case 'server':
      return serverSection(server);
    case 'clients':
      return clientsSection(server);
    case 'memory':
      return memorySection(server);
    case 'persistence':
      return persistenceSection(server);
    case 'stats':
      return statsSection(server);
    case 'replication':
      return replicationSection(server);
    case 'cpu':
      return cpuSection();
    case 'commandstats':
      return commandstatsSection(server);
    case 'errorstats':
      return errorstatsSection(server);
    case 'latencystats':
      return latencystatsSection(server);
    case 'cluster':
      return [['cluster_enabled', 0]];
    case 'keyspace':
      return keyspaceSection(server);
    default:
      return [];
  }
}

/**
 * The INFO text for the requested sections (Redis genInfoSectionDict + genRedisInfoString):
 * no argument or `default` → the default sections; `all` → every section but module ones;
 * `everything` → all of them; other words name sections, case-insensitively.
 */
export function genInfo(server: Server, args: readonly string[]): string {
  const wanted = new Set<string>();
  let all = false;
  let everything = false;
  if (args.length === 0) for (const s of DEFAULT_SECTIONS) wanted.add(s);
  for (const a of args) {
    const w = a.toLowerCase();
    if (w === 'default') for (const s of DEFAULT_SECTIONS) wanted.add(s);
    else if (w === 'all') all = true;
    else if (w === 'everything') all = everything = true;
    else wanted.add(w);
  }
  let out = '';
  let sections = 0;
  const emit = (title: string, fields: Fields): void => {
    if (sections++ > 0) out += '\r\n';
    out += `# ${title}\r\n`;
    for (const [k, v] of fields) out += `${k}:${v}\r\n`;
  };
  for (const [name, title] of ORDER) {
    const asked = all || wanted.has(name) || (name === 'modules' && wanted.has('module_list'));
    if (!asked) continue;
    const registered = server.infoSections.get(name);
    emit(title, registered !== undefined ? registered() : builtIn(server, name));
  }
  // Sections registered under other names (Amber's own subsystems), like module sections.
  for (const [name, fn] of server.infoSections) {
    if (ORDER.some(([n]) => n === name)) continue;
    if (everything || wanted.has(name) || (all && wanted.size > 0)) emit(name.charAt(0).toUpperCase() + name.slice(1), fn());
  }
  return out;
}
