/**
 * Pub/sub: channel, pattern and shard-channel subscriptions, message delivery, and
 * keyspace notifications (notify-keyspace-events), as Redis 7.0's pubsub.c and notify.c.
 *
 * Owns, per server, the channel → subscribers tables, and per client (`Client.pubsub`) the
 * client's own subscriptions. Messages to other clients are appended to their reply and
 * the client is scheduled for this turn's flush. RESP2 subscribers get arrays, RESP3
 * subscribers get push frames (`>`).
 *
 * Also exported for other subsystems:
 * - `pubsubContext(c, spec)`: the RESP2 "subscribed context" rule the dispatcher applies.
 * - `pubsubReset(c)`: RESET and client close drop every subscription silently.
 * - `subscriptionCounts(c)`, `pubsubStats(server)`: CLIENT LIST / INFO fields.
 *
 * Imports server types, the reply writer and glob; never a command family file.
 */

import type { Args, CommandSpec, Ctx } from '../commands/types.js';
import { E, ReplyError } from '../protocol/errors.js';
import { globMatch } from '../util/glob.js';
import type { Client } from './client.js';
import type { Server } from './server.js';

/** One client's subscriptions (null on the client when it has none). */
export interface Subscriptions {
  readonly channels: Set<string>;
  readonly patterns: Set<string>;
  readonly shard: Set<string>;
}

/** notify-keyspace-events class bits, as Redis's NOTIFY_* (server.h). */
export const NOTIFY = {
  keyspace: 1 << 0, // K
  keyevent: 1 << 1, // E
  generic: 1 << 2, // g
  string: 1 << 3, // $
  list: 1 << 4, // l
  set: 1 << 5, // s
  hash: 1 << 6, // h
  zset: 1 << 7, // z
  expired: 1 << 8, // x
  evicted: 1 << 9, // e
  stream: 1 << 10, // t
  keyMiss: 1 << 11, // m (not part of A)
  module: 1 << 13, // d
  new: 1 << 14, // n (not part of A)
} as const;

/** 'A': every class but key-miss and new. */
const NOTIFY_ALL =
  NOTIFY.generic | NOTIFY.string | NOTIFY.list | NOTIFY.set | NOTIFY.hash | NOTIFY.zset | NOTIFY.expired | NOTIFY.evicted | NOTIFY.stream | NOTIFY.module;

/** Class letter (char code) → bit. */
const LETTER_BITS = new Int32Array(128);
for (const [ch, bit] of [
  ['K', NOTIFY.keyspace],
  ['E', NOTIFY.keyevent],
  ['g', NOTIFY.generic],
  ['$', NOTIFY.string],
  ['l', NOTIFY.list],
  ['s', NOTIFY.set],
  ['h', NOTIFY.hash],
  ['z', NOTIFY.zset],
  ['x', NOTIFY.expired],
  ['e', NOTIFY.evicted],
  ['t', NOTIFY.stream],
  ['m', NOTIFY.keyMiss],
  ['d', NOTIFY.module],
  ['n', NOTIFY.new],
] as const) {
  LETTER_BITS[ch.charCodeAt(0)] = bit;
}

/**
 * Parses notify-keyspace-events letters into bits (Redis keyspaceEventsStringToFlags);
 * returns -1 for a letter that names no class.
 */
export function parseNotifyFlags(classes: string): number {
  let flags = 0;
  for (let i = 0; i < classes.length; i++) {
    const code = classes.charCodeAt(i);
    if (code === 65 /* A */) {
      flags |= NOTIFY_ALL;
      continue;
    }
    const bit = code < 128 ? LETTER_BITS[code]! : 0;
    if (bit === 0) return -1;
    flags |= bit;
  }
  return flags;
}

const CRLF = '\r\n';
const bulk = (s: string): string => '$' + s.length + CRLF + s + CRLF;
const MESSAGE = bulk('message');
const SUBSCRIBE = bulk('subscribe');
const SSUBSCRIBE = bulk('ssubscribe');
const PSUBSCRIBE = bulk('psubscribe');

/** A push frame's header: an array in RESP2, a push (`>`) in RESP3. */
function head(c: Client, n: number): string {
  return (c.reply.proto === 2 ? '*' : '>') + n + CRLF;
}

/** Output held back for clients whose own command's replies are being suppressed. */
const held = new WeakMap<Client, string>();

/**
 * Writes pub/sub output to a client. Like Redis's CLIENT_PUSHING, it is not silenced by
 * CLIENT REPLY OFF/SKIP: while the client's own command runs with replies off (the
 * dispatcher cuts that command's output afterwards), the text is held and appended once
 * the current turn's commands are done.
 */
function emit(c: Client, text: string): void {
  if (c.replyMode === 'on' || c.currentSpec === null) {
    c.reply.raw(text);
    return;
  }
  const before = held.get(c);
  held.set(c, (before ?? '') + text);
  if (before === undefined) {
    queueMicrotask(() => {
      const out = held.get(c);
      held.delete(c);
      if (out !== undefined && !c.closed) {
        c.reply.raw(out);
        c.server.schedule(c);
      }
    });
  }
}
const PMESSAGE = bulk('pmessage');
const SMESSAGE = bulk('smessage');

/** The pub/sub state of one server. */
export class PubSub {
  /** Channel → subscribed clients, in subscription order. */
  readonly channels = new Map<string, Set<Client>>();
  readonly shardChannels = new Map<string, Set<Client>>();
  /** Pattern → subscribed clients. */
  readonly patterns = new Map<string, Set<Client>>();
  /** notify-keyspace-events as NOTIFY bits. */
  notifyFlags = 0;

  constructor(readonly server: Server) {}

  // ---- subscribing ----

  private subsOf(c: Client): Subscriptions {
    let s = c.pubsub;
    if (s === null) {
      s = { channels: new Set(), patterns: new Set(), shard: new Set() };
      c.pubsub = s;
    }
    return s;
  }

  /** Drops the client's subscription record once it holds nothing (leaves pub/sub mode). */
  private settle(c: Client): void {
    const s = c.pubsub;
    if (s !== null && s.channels.size === 0 && s.patterns.size === 0 && s.shard.size === 0) c.pubsub = null;
  }

  /** SUBSCRIBE / SSUBSCRIBE one channel; answers the confirmation. */
  subscribe(c: Client, channel: string, shard: boolean): void {
    const subs = this.subsOf(c);
    const mine = shard ? subs.shard : subs.channels;
    if (!mine.has(channel)) {
      mine.add(channel);
      const table = shard ? this.shardChannels : this.channels;
      let clients = table.get(channel);
      if (clients === undefined) {
        clients = new Set();
        table.set(channel, clients);
      }
      clients.add(c);
    }
    const count = shard ? subs.shard.size : subs.channels.size + subs.patterns.size;
    emit(c, head(c, 3) + (shard ? SSUBSCRIBE : SUBSCRIBE) + bulk(channel) + ':' + count + CRLF);
  }

  /** UNSUBSCRIBE / SUNSUBSCRIBE one channel; returns whether it was subscribed. */
  unsubscribe(c: Client, channel: string, shard: boolean, notify: boolean): boolean {
    const subs = c.pubsub;
    const mine = subs === null ? undefined : shard ? subs.shard : subs.channels;
    let removed = false;
    if (mine !== undefined && mine.delete(channel)) {
      removed = true;
      const table = shard ? this.shardChannels : this.channels;
      const clients = table.get(channel);
      if (clients !== undefined) {
        clients.delete(c);
        if (clients.size === 0) table.delete(channel);
      }
    }
    if (notify) this.replyUnsubscribed(c, shard ? 'sunsubscribe' : 'unsubscribe', channel, shard);
    return removed;
  }

  /** UNSUBSCRIBE / SUNSUBSCRIBE without arguments; returns how many were dropped. */
  unsubscribeAll(c: Client, shard: boolean, notify: boolean): number {
    const subs = c.pubsub;
    let count = 0;
    if (subs !== null) {
      for (const channel of [...(shard ? subs.shard : subs.channels)]) {
        if (this.unsubscribe(c, channel, shard, notify)) count++;
      }
    }
    // Subscribed to nothing: Redis still answers, with a null channel.
    if (notify && count === 0) this.replyUnsubscribed(c, shard ? 'sunsubscribe' : 'unsubscribe', null, shard);
    return count;
  }

  /** PSUBSCRIBE one pattern; answers the confirmation. */
  psubscribe(c: Client, pattern: string): void {
    const subs = this.subsOf(c);
    if (!subs.patterns.has(pattern)) {
      subs.patterns.add(pattern);
      let clients = this.patterns.get(pattern);
      if (clients === undefined) {
        clients = new Set();
        this.patterns.set(pattern, clients);
      }
      clients.add(c);
    }
    emit(c, head(c, 3) + PSUBSCRIBE + bulk(pattern) + ':' + (subs.channels.size + subs.patterns.size) + CRLF);
  }

  /** PUNSUBSCRIBE one pattern; returns whether it was subscribed. */
  punsubscribe(c: Client, pattern: string, notify: boolean): boolean {
    const subs = c.pubsub;
    let removed = false;
    if (subs !== null && subs.patterns.delete(pattern)) {
      removed = true;
      const clients = this.patterns.get(pattern);
      if (clients !== undefined) {
        clients.delete(c);
        if (clients.size === 0) this.patterns.delete(pattern);
      }
    }
    if (notify) this.replyUnsubscribed(c, 'punsubscribe', pattern, false);
    return removed;
  }

  /** PUNSUBSCRIBE without arguments. */
  punsubscribeAll(c: Client, notify: boolean): number {
    const subs = c.pubsub;
    let count = 0;
    if (subs !== null) {
      for (const pattern of [...subs.patterns]) if (this.punsubscribe(c, pattern, notify)) count++;
    }
    if (notify && count === 0) this.replyUnsubscribed(c, 'punsubscribe', null, false);
    return count;
  }

  private replyUnsubscribed(c: Client, kind: string, name: string | null, shard: boolean): void {
    const subs = c.pubsub;
    const count = subs === null ? 0 : shard ? subs.shard.size : subs.channels.size + subs.patterns.size;
    const what = name === null ? (c.reply.proto === 2 ? '$-1\r\n' : '_\r\n') : bulk(name);
    emit(c, head(c, 3) + bulk(kind) + what + ':' + count + CRLF);
  }

  /** After a (un)subscribe command: leaves pub/sub mode when nothing is left. */
  done(c: Client): void {
    this.settle(c);
  }

  /** Drops every subscription of c without replying (RESET, disconnect). */
  dropAll(c: Client): void {
    if (c.pubsub === null) return;
    this.unsubscribeAll(c, false, false);
    this.unsubscribeAll(c, true, false);
    this.punsubscribeAll(c, false);
    c.pubsub = null;
  }

  // ---- publishing ----

  /**
   * Delivers message to the subscribers of channel (and, unless sharded, of every matching
   * pattern). Returns the number of deliveries, as PUBLISH replies.
   */
  publish(channel: string, message: string, shard: boolean): number {
    let receivers = 0;
    const server = this.server;
    const clients = (shard ? this.shardChannels : this.channels).get(channel);
    if (clients !== undefined) {
      const body = (shard ? SMESSAGE : MESSAGE) + bulk(channel) + bulk(message);
      for (const t of clients) {
        emit(t, head(t, 3) + body);
        server.schedule(t);
        receivers++;
      }
    }
    if (shard || this.patterns.size === 0) return receivers;
    let tail: string | null = null;
    for (const [pattern, subscribers] of this.patterns) {
      if (!globMatch(pattern, channel)) continue;
      if (tail === null) tail = bulk(channel) + bulk(message);
      const body = PMESSAGE + bulk(pattern) + tail;
      for (const t of subscribers) {
        emit(t, head(t, 4) + body);
        server.schedule(t);
        receivers++;
      }
    }
    return receivers;
  }

  /**
   * A keyspace event (Redis notifyKeyspaceEvent): `__keyspace@<db>__:<key> <event>` and
   * `__keyevent@<db>__:<event> <key>`, when the class letter is enabled.
   */
  notify(type: string, event: string, key: string, dbid: number): void {
    const flags = this.notifyFlags;
    const code = type.charCodeAt(0);
    if (code >= 128 || (flags & LETTER_BITS[code]!) === 0) return;
    if (flags & NOTIFY.keyspace) this.publish('__keyspace@' + dbid + '__:' + key, event, false);
    if (flags & NOTIFY.keyevent) this.publish('__keyevent@' + dbid + '__:' + event, key, false);
  }
}

const hubs = new WeakMap<Server, PubSub>();

/** The server's pub/sub state (made on first use). */
export function pubsubOf(server: Server): PubSub {
  let h = hubs.get(server);
  if (h === undefined) {
    h = new PubSub(server);
    hubs.set(server, h);
  }
  return h;
}

/**
 * Wires pub/sub into a server: keyspace notifications follow notify-keyspace-events, and
 * a closing client loses its subscriptions.
 */
export function wirePubSub(server: Server): void {
  const hub = pubsubOf(server);
  const store = server.store;
  const apply = (): void => {
    const flags = parseNotifyFlags(server.config.str('notify-keyspace-events'));
    hub.notifyFlags = flags < 0 ? 0 : flags;
  };
  apply();
  // Installed once (others may wrap it later); with no class enabled a write pays one test.
  store.hooks.keyspaceEvent = (type, event, key, dbid) => {
    if (hub.notifyFlags !== 0) hub.notify(type, event, key, dbid);
  };
  server.config.on('notify-keyspace-events', apply);
  server.clientCloseHooks.push((c) => hub.dropAll(c));
}

/** RESET: leaves pub/sub mode silently. */
export function pubsubReset(c: Client): void {
  pubsubOf(c.server).dropAll(c);
}

/** CLIENT LIST's sub / psub / ssub. */
export function subscriptionCounts(c: Client): { sub: number; psub: number; ssub: number } {
  const s = c.pubsub;
  return s === null ? { sub: 0, psub: 0, ssub: 0 } : { sub: s.channels.size, psub: s.patterns.size, ssub: s.shard.size };
}

/** INFO stats' pubsub_channels / pubsub_patterns / pubsubshard_channels. */
export function pubsubStats(server: Server): { channels: number; patterns: number; shardChannels: number } {
  const h = pubsubOf(server);
  return { channels: h.channels.size, patterns: h.patterns.size, shardChannels: h.shardChannels.size };
}

/** Commands a RESP2 client in subscribed context may run (Redis processCommand). */
const PUBSUB_CONTEXT = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);

/** PING in a RESP2 subscribed context: `*2 pong <message or "">` (Redis pingCommand). */
function subscribedPing(c: Ctx, args: Args): void {
  const argv = args.argv;
  if (argv.length > 2) throw new ReplyError(E.wrongArity('ping'));
  c.reply.array(2);
  c.reply.bulk('pong');
  c.reply.bulk(argv.length === 2 ? argv[1]! : '');
}

const pingSpecs = new WeakMap<CommandSpec, CommandSpec>();

/**
 * The RESP2 subscribed-context rule: a client with subscriptions may only run the
 * subscribe family, PING, QUIT and RESET. Returns the error line to reject with, or the
 * spec to run (PING answers in its pub/sub form). RESP3 clients have no limits.
 */
export function pubsubContext(c: Client, spec: CommandSpec): CommandSpec | string {
  if (c.pubsub === null || c.reply.proto !== 2) return spec;
  if (!PUBSUB_CONTEXT.has(spec.name)) {
    return `ERR Can't execute '${spec.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`;
  }
  if (spec.name !== 'ping') return spec;
  let ping = pingSpecs.get(spec);
  if (ping === undefined) {
    ping = { ...spec, handler: subscribedPing };
    pingSpecs.set(spec, ping);
  }
  return ping;
}
