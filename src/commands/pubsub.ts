/**
 * Pub/sub commands (the pubsub group): SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE,
 * PUBLISH, PUBSUB, and Redis 7.0's sharded SSUBSCRIBE/SUNSUBSCRIBE/SPUBLISH (on a single
 * server a shard channel is simply a channel namespace of its own, without patterns).
 *
 * Thin handlers over server/pubsub.ts, which owns the subscription tables, delivery and
 * keyspace notifications. The RESP2 "subscribed context" rule is applied by the
 * dispatcher (pubsubContext).
 *
 * PUBLISH is not written to the AOF (Redis propagates it to replicas only; Amber has none).
 */

import type { Args, CommandSpec, Ctx } from './types.js';
import { ALL_KEYS, KEY1, NO_KEYS, err } from './types.js';
import { globMatch } from '../util/glob.js';
import { pubsubOf } from '../server/pubsub.js';

/** SUBSCRIBE channel [channel ...] */
function subscribe(c: Ctx, args: Args): void {
  const hub = pubsubOf(c.server);
  const argv = args.argv;
  for (let i = 1; i < argv.length; i++) hub.subscribe(c, argv[i]!, false);
}

/** UNSUBSCRIBE [channel ...] — without channels, from every channel. */
function unsubscribe(c: Ctx, args: Args): void {
  const hub = pubsubOf(c.server);
  const argv = args.argv;
  if (argv.length === 1) hub.unsubscribeAll(c, false, true);
  else for (let i = 1; i < argv.length; i++) hub.unsubscribe(c, argv[i]!, false, true);
  hub.done(c);
}

/** PSUBSCRIBE pattern [pattern ...] */
function psubscribe(c: Ctx, args: Args): void {
  const hub = pubsubOf(c.server);
  const argv = args.argv;
  for (let i = 1; i < argv.length; i++) hub.psubscribe(c, argv[i]!);
}

/** PUNSUBSCRIBE [pattern ...] — without patterns, from every pattern. */
function punsubscribe(c: Ctx, args: Args): void {
  const hub = pubsubOf(c.server);
  const argv = args.argv;
  if (argv.length === 1) hub.punsubscribeAll(c, true);
  else for (let i = 1; i < argv.length; i++) hub.punsubscribe(c, argv[i]!, true);
  hub.done(c);
}

/**
 * SSUBSCRIBE shardchannel [shardchannel ...]. Inside EXEC it is refused, as Redis refuses
 * it to a client that may not block (unlike SUBSCRIBE, kept for compatibility).
 */
function ssubscribe(c: Ctx, args: Args): void {
  if (c.multi !== null) throw err("SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
  const hub = pubsubOf(c.server);
  const argv = args.argv;
  for (let i = 1; i < argv.length; i++) hub.subscribe(c, argv[i]!, true);
}

/** SUNSUBSCRIBE [shardchannel ...] */
function sunsubscribe(c: Ctx, args: Args): void {
  const hub = pubsubOf(c.server);
  const argv = args.argv;
  if (argv.length === 1) hub.unsubscribeAll(c, true, true);
  else for (let i = 1; i < argv.length; i++) hub.unsubscribe(c, argv[i]!, true, true);
  hub.done(c);
}

/** PUBLISH channel message — replies how many subscriptions received it. */
function publish(c: Ctx, args: Args): void {
  c.reply.int(pubsubOf(c.server).publish(args.argv[1]!, args.argv[2]!, false));
}

/** SPUBLISH shardchannel message */
function spublish(c: Ctx, args: Args): void {
  c.reply.int(pubsubOf(c.server).publish(args.argv[1]!, args.argv[2]!, true));
}

/** Redis's addReplySubcommandSyntaxError for PUBSUB subcommands with the wrong arguments. */
function subcommandSyntax(args: Args): never {
  const argv = args.argv;
  throw err(`unknown subcommand or wrong number of arguments for '${argv[1]!.slice(0, 128)}'. Try ${argv[0]!.toUpperCase()} HELP.`);
}

/** The channel names of a table matching an optional pattern. */
function channelList(c: Ctx, args: Args, table: ReadonlyMap<string, unknown>): void {
  const argv = args.argv;
  if (argv.length > 3) subcommandSyntax(args);
  const pattern = argv.length === 3 ? argv[2]! : null;
  const out: string[] = [];
  for (const channel of table.keys()) if (pattern === null || globMatch(pattern, channel)) out.push(channel);
  c.reply.bulks(out);
}

/** Channel, subscriber-count pairs (an array, also in RESP3, as Redis). */
function numsub(c: Ctx, args: Args, table: ReadonlyMap<string, ReadonlySet<unknown>>): void {
  const argv = args.argv;
  const r = c.reply;
  r.array((argv.length - 2) * 2);
  for (let i = 2; i < argv.length; i++) {
    r.bulk(argv[i]!);
    r.int(table.get(argv[i]!)?.size ?? 0);
  }
}

/** PUBSUB CHANNELS [pattern] */
function pubsubChannels(c: Ctx, args: Args): void {
  channelList(c, args, pubsubOf(c.server).channels);
}

/** PUBSUB NUMSUB [channel ...] */
function pubsubNumsub(c: Ctx, args: Args): void {
  numsub(c, args, pubsubOf(c.server).channels);
}

/** PUBSUB NUMPAT — distinct patterns subscribed to. */
function pubsubNumpat(c: Ctx): void {
  c.reply.int(pubsubOf(c.server).patterns.size);
}

/** PUBSUB SHARDCHANNELS [pattern] */
function pubsubShardchannels(c: Ctx, args: Args): void {
  channelList(c, args, pubsubOf(c.server).shardChannels);
}

/** PUBSUB SHARDNUMSUB [shardchannel ...] */
function pubsubShardnumsub(c: Ctx, args: Args): void {
  numsub(c, args, pubsubOf(c.server).shardChannels);
}

const PUBSUB_HELP = [
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
];

/** PUBSUB HELP */
function pubsubHelp(c: Ctx, args: Args): void {
  const r = c.reply;
  r.array(PUBSUB_HELP.length + 3);
  r.simple(`${args.argv[0]!.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of PUBSUB_HELP) r.simple(l);
  r.simple('HELP');
  r.simple('    Prints this help.');
}

export const commands: CommandSpec[] = [
  { name: 'subscribe', arity: -2, flags: ['pubsub', 'noscript', 'loading', 'stale', 'sentinel'], keys: NO_KEYS, acl: ['pubsub'], group: 'pubsub', since: '2.0.0', summary: 'Listens for messages published to channels.', handler: subscribe },
  { name: 'unsubscribe', arity: -1, flags: ['pubsub', 'noscript', 'loading', 'stale', 'sentinel'], keys: NO_KEYS, acl: ['pubsub'], group: 'pubsub', since: '2.0.0', summary: 'Stops listening to channels.', handler: unsubscribe },
  { name: 'psubscribe', arity: -2, flags: ['pubsub', 'noscript', 'loading', 'stale', 'sentinel'], keys: NO_KEYS, acl: ['pubsub'], group: 'pubsub', since: '2.0.0', summary: 'Listens for messages published to channels matching glob patterns.', handler: psubscribe },
  { name: 'punsubscribe', arity: -1, flags: ['pubsub', 'noscript', 'loading', 'stale', 'sentinel'], keys: NO_KEYS, acl: ['pubsub'], group: 'pubsub', since: '2.0.0', summary: 'Stops listening to channel patterns.', handler: punsubscribe },
  { name: 'publish', arity: 3, flags: ['pubsub', 'loading', 'stale', 'fast', 'may_replicate', 'sentinel'], keys: NO_KEYS, acl: ['pubsub'], group: 'pubsub', since: '2.0.0', summary: 'Posts a message to a channel.', handler: publish },
  { name: 'ssubscribe', arity: -2, flags: ['pubsub', 'noscript', 'loading', 'stale'], keys: ALL_KEYS, acl: ['pubsub'], group: 'pubsub', since: '7.0.0', summary: 'Listens for messages published to shard channels.', handler: ssubscribe },
  { name: 'sunsubscribe', arity: -1, flags: ['pubsub', 'noscript', 'loading', 'stale'], keys: ALL_KEYS, acl: ['pubsub'], group: 'pubsub', since: '7.0.0', summary: 'Stops listening to shard channels.', handler: sunsubscribe },
  { name: 'spublish', arity: 3, flags: ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'], keys: KEY1, acl: ['pubsub'], group: 'pubsub', since: '7.0.0', summary: 'Posts a message to a shard channel.', handler: spublish },
  {
    name: 'pubsub', arity: -2, flags: [], keys: NO_KEYS, group: 'pubsub', since: '2.8.0', summary: 'Inspects the state of pub/sub.',
    subcommands: [
      { name: 'pubsub|channels', arity: -2, flags: ['pubsub', 'loading', 'stale'], keys: NO_KEYS, acl: ['pubsub'], group: 'pubsub', since: '2.8.0', summary: 'Lists the active channels, optionally matching a pattern.', handler: pubsubChannels },
      { name: 'pubsub|numsub', arity: -2, flags: ['pubsub', 'loading', 'stale'], keys: NO_KEYS, acl: ['pubsub'], group: 'pubsub', since: '2.8.0', summary: 'Returns the subscriber counts of channels.', handler: pubsubNumsub },
      { name: 'pubsub|numpat', arity: 2, flags: ['pubsub', 'loading', 'stale'], keys: NO_KEYS, acl: ['pubsub'], group: 'pubsub', since: '2.8.0', summary: 'Returns the number of distinct pattern subscriptions.', handler: pubsubNumpat },
      { name: 'pubsub|shardchannels', arity: -2, flags: ['pubsub', 'loading', 'stale'], keys: NO_KEYS, acl: ['pubsub'], group: 'pubsub', since: '7.0.0', summary: 'Lists the active shard channels, optionally matching a pattern.', handler: pubsubShardchannels },
      { name: 'pubsub|shardnumsub', arity: -2, flags: ['pubsub', 'loading', 'stale'], keys: NO_KEYS, acl: ['pubsub'], group: 'pubsub', since: '7.0.0', summary: 'Returns the subscriber counts of shard channels.', handler: pubsubShardnumsub },
      { name: 'pubsub|help', arity: 2, flags: ['loading', 'stale'], keys: NO_KEYS, group: 'pubsub', since: '6.2.0', summary: 'Shows what PUBSUB can do.', handler: pubsubHelp },
    ],
  },
];
