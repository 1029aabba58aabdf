/**
 * Connection commands (the connection group): PING, ECHO, SELECT, QUIT, RESET, HELLO,
 * AUTH and CLIENT with its subcommands, as Redis 7.0's networking.c, acl.c and server.c
 * answer them.
 *
 * Authentication: Amber has one user, `default`, whose password is `requirepass` (none
 * when empty), as Redis without ACL rules. Other user names never authenticate.
 */

import type { Client, ClientType } from '../server/client.js';
import { discardTransaction } from '../server/multi.js';
import { pubsubReset } from '../server/pubsub.js';
import type { Args, CommandSpec, Ctx } from './types.js';
import { E, ReplyError, err } from './types.js';

const REDIS_VERSION = '7.0.15';

/**
 * A HELP reply as Redis's addReplyHelp builds it: a header naming the command, the lines
 * given (our own wording), and the closing HELP entry.
 */
export function replyHelp(c: Ctx, command: string, lines: readonly string[]): void {
  c.reply.array(lines.length + 3);
  c.reply.simple(`${command.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) c.reply.simple(l);
  c.reply.simple('HELP');
  c.reply.simple('    Prints this help.');
}

/** Redis's getTimeoutFromObjectOrReply in milliseconds: an absolute deadline, 0 for none. */
function timeoutMs(raw: string): number {
  if (!/^-?\d+$/.test(raw) || raw.length > 20) throw err('timeout is not an integer or out of range');
  const n = BigInt(raw);
  if (n > 9223372036854775807n || n < -9223372036854775808n) throw err('timeout is not an integer or out of range');
  if (n < 0n) throw err('timeout is negative');
  if (n === 0n) return 0;
  const now = Date.now();
  if (n > 9223372036854775807n - BigInt(now)) throw err('timeout is out of range');
  return Number(n) + now;
}

/** Whether user/password log in (the `default` user only; its password is requirepass). */
function checkCredentials(c: Ctx, user: string, pass: string): boolean {
  if (user !== 'default') return false;
  const required = c.server.config.str('requirepass');
  return required === '' || required === pass;
}

const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';

// ---- PING, ECHO, SELECT, QUIT, RESET ----

/** PING [message] — PONG, or the message as a bulk string. */
function ping(c: Ctx, args: Args): void {
  if (args.remaining > 1) throw new ReplyError(E.wrongArity('ping'));
  if (args.more()) c.reply.bulk(args.next());
  else c.reply.simple('PONG');
}

/** ECHO message */
function echo(c: Ctx, args: Args): void {
  c.reply.bulk(args.next());
}

/** SELECT index */
function select(c: Ctx, args: Args): void {
  const index = args.int();
  if (index < 0 || index >= c.server.store.dbs.length) throw new ReplyError(E.dbIndexOutOfRange);
  c.db = c.server.store.db(index);
  c.reply.ok();
}

/** QUIT — replies OK and closes the connection once the reply is written. */
function quit(c: Ctx): void {
  c.reply.ok();
  c.closeAfterReply = true;
}

/**
 * RESET — returns the connection to its just-connected state (Redis clearClientConnectionState):
 * leaves MONITOR, database 0, RESP2, the default user's login state, no transaction or
 * watches, no subscriptions, no name, replies on.
 */
function reset(c: Ctx): void {
  const server = c.server;
  if (c.monitor) {
    c.monitor = false;
    server.monitors.delete(c);
  }
  c.db = server.store.db(0);
  c.reply.proto = 2;
  c.user = 'default';
  c.authenticated = server.config.str('requirepass') === '';
  discardTransaction(c);
  if (c.pubsub !== null) pubsubReset(c);
  c.name = '';
  c.noEvict = false;
  if (c.replyMode === 'off') c.replyMode = 'on';
  c.replySkipNext = false;
  c.reply.simple('RESET');
}

// ---- HELLO, AUTH ----

/** HELLO [protover [AUTH username password] [SETNAME clientname]] */
function hello(c: Ctx, args: Args): void {
  let ver = 0;
  if (args.more()) {
    const v = args.next();
    if (!/^-?\d+$/.test(v) || v.length > 20) throw err('Protocol version is not an integer or out of range');
    ver = Number(v);
    if (ver < 2 || ver > 3) throw new ReplyError('NOPROTO unsupported protocol version');
  }
  while (args.more()) {
    const at = args.i;
    const opt = args.next();
    const up = opt.toUpperCase();
    if (up === 'AUTH' && args.remaining >= 2) {
      c.redact(at + 1);
      c.redact(at + 2);
      const user = args.next();
      const pass = args.next();
      if (!checkCredentials(c, user, pass)) throw new ReplyError(WRONGPASS);
      c.authenticated = true;
      c.user = user;
    } else if (up === 'SETNAME' && args.more()) {
      setName(c, args.next());
    } else {
      throw err(`Syntax error in HELLO option '${opt}'`);
    }
  }
  if (c.authRequired()) {
    throw new ReplyError(
      'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
    );
  }
  if (ver !== 0) c.reply.proto = ver as 2 | 3;
  const r = c.reply;
  r.map(7);
  r.bulk('server');
  r.bulk('redis');
  r.bulk('version');
  r.bulk(REDIS_VERSION);
  r.bulk('proto');
  r.int(r.proto);
  r.bulk('id');
  r.int(c.id);
  r.bulk('mode');
  r.bulk('standalone');
  r.bulk('role');
  r.bulk('master');
  r.bulk('modules');
  r.array(0);
}

/** AUTH [username] password */
function auth(c: Ctx, args: Args): void {
  if (args.argv.length > 3) throw new ReplyError(E.syntax);
  c.redact(1);
  let user = 'default';
  let pass: string;
  if (args.argv.length === 2) {
    // The one-argument form keeps Redis's old error when no password is configured.
    if (c.server.config.str('requirepass') === '') throw new ReplyError(E.noPasswordSet);
    pass = args.next();
  } else {
    c.redact(2);
    user = args.next();
    pass = args.next();
  }
  if (!checkCredentials(c, user, pass)) throw new ReplyError(WRONGPASS);
  c.authenticated = true;
  c.user = user;
  c.reply.ok();
}

// ---- CLIENT ----

/** Redis's clientSetName check: printable ASCII without spaces; '' clears the name. */
function setName(c: Ctx, name: string): void {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 33 || ch > 126) throw err('Client names cannot contain spaces, newlines or special characters.');
  }
  c.name = name;
}

/** Redis's getClientTypeByName; null for an unknown name. */
function clientType(name: string): ClientType | null {
  const n = name.toLowerCase();
  if (n === 'normal') return 'normal';
  if (n === 'slave' || n === 'replica') return 'replica';
  if (n === 'pubsub') return 'pubsub';
  if (n === 'master') return 'master';
  return null;
}

/** CLIENT ID */
function clientId(c: Ctx): void {
  c.reply.int(c.id);
}

/** CLIENT SETNAME name */
function clientSetname(c: Ctx, args: Args): void {
  setName(c, args.next());
  c.reply.ok();
}

/** CLIENT GETNAME */
function clientGetname(c: Ctx): void {
  c.reply.bulkOrNull(c.name === '' ? null : c.name);
}

/** CLIENT INFO — this connection's CLIENT LIST line. */
function clientInfo(c: Ctx): void {
  c.reply.verbatim(c.info() + '\n');
}

/** CLIENT LIST [TYPE normal|master|replica|pubsub] [ID id [id ...]] */
function clientList(c: Ctx, args: Args): void {
  const argv = args.argv;
  let out = '';
  if (argv.length === 4 && argv[2]!.toLowerCase() === 'type') {
    const type = clientType(argv[3]!);
    if (type === null) throw err(`Unknown client type '${argv[3]}'`);
    for (const cl of c.server.clients.values()) if (cl.type === type) out += cl.info() + '\n';
  } else if (argv.length > 3 && argv[2]!.toLowerCase() === 'id') {
    for (let j = 3; j < argv.length; j++) {
      const id = /^-?\d+$/.test(argv[j]!) && argv[j]!.length <= 20 ? Number(argv[j]) : NaN;
      if (Number.isNaN(id)) throw err('Invalid client ID');
      const cl = c.server.clients.get(id);
      if (cl !== undefined) out += cl.info() + '\n';
    }
  } else if (argv.length !== 2) {
    throw new ReplyError(E.syntax);
  } else {
    for (const cl of c.server.clients.values()) out += cl.info() + '\n';
  }
  c.reply.verbatim(out);
}

/**
 * CLIENT KILL ip:port (old form: OK or an error, may kill the caller)
 * CLIENT KILL [ID id] [TYPE type] [USER user] [ADDR ip:port] [LADDR ip:port] [SKIPME yes|no]
 *   [MAXAGE seconds] (new form: the number killed; skips the caller unless SKIPME no).
 * MAXAGE comes from later Redis versions (7.4) and is accepted as an extension.
 */
function clientKill(c: Ctx, args: Args): void {
  const argv = args.argv;
  let addr: string | null = null;
  let laddr: string | null = null;
  let type: ClientType | null = null;
  let id = 0;
  let user: string | null = null;
  let maxAge = -1;
  let skipMe = true;
  if (argv.length === 3) {
    addr = argv[2]!;
    skipMe = false; // the old form may kill the caller itself
  } else {
    for (let i = 2; i < argv.length; i += 2) {
      const opt = argv[i]!.toLowerCase();
      const val = argv[i + 1];
      if (val === undefined) throw new ReplyError(E.syntax);
      if (opt === 'id') {
        const ok = /^-?\d+$/.test(val) && val.length <= 20 && BigInt(val) >= 1n && BigInt(val) <= 9223372036854775807n;
        if (!ok) throw err('client-id should be greater than 0');
        id = Number(val);
      } else if (opt === 'type') {
        type = clientType(val);
        if (type === null) throw err(`Unknown client type '${val}'`);
      } else if (opt === 'addr') {
        addr = val;
      } else if (opt === 'laddr') {
        laddr = val;
      } else if (opt === 'user') {
        if (val !== 'default') throw err(`No such user '${val}'`);
        user = val;
      } else if (opt === 'skipme') {
        const v = val.toLowerCase();
        if (v !== 'yes' && v !== 'no') throw new ReplyError(E.syntax);
        skipMe = v === 'yes';
      } else if (opt === 'maxage') {
        if (!/^\d+$/.test(val)) throw new ReplyError(E.notInteger);
        maxAge = Number(val);
      } else {
        throw new ReplyError(E.syntax);
      }
    }
  }
  const now = Date.now();
  let killed = 0;
  let self = false;
  for (const cl of [...c.server.clients.values()]) {
    if (addr !== null && cl.addr !== addr) continue;
    if (laddr !== null && cl.laddr !== laddr) continue;
    if (type !== null && cl.type !== type) continue;
    if (id !== 0 && cl.id !== id) continue;
    if (user !== null && cl.user !== user) continue;
    if (maxAge >= 0 && now - cl.createdAt < maxAge * 1000) continue;
    if (cl === c && skipMe) continue;
    if (cl === c) self = true;
    else killClient(cl);
    killed++;
  }
  if (argv.length === 3) {
    if (killed === 0) throw err('No such client');
    c.reply.ok();
  } else {
    c.reply.int(killed);
  }
  if (self) c.closeAfterReply = true;
}

/** Closes another client at once; its pending output is dropped (Redis freeClient). */
function killClient(cl: Client): void {
  cl.close();
  cl.socket?.destroy();
}

/** CLIENT PAUSE timeout [WRITE|ALL] */
function clientPause(c: Ctx, args: Args): void {
  const argv = args.argv;
  if (argv.length > 4) throw new ReplyError(E.syntax);
  let type: 'write' | 'all' = 'all';
  if (argv.length === 4) {
    const mode = argv[3]!.toLowerCase();
    if (mode === 'write') type = 'write';
    else if (mode !== 'all') throw err('CLIENT PAUSE mode must be WRITE or ALL');
  }
  const end = timeoutMs(argv[2]!);
  c.server.pause(type, end);
  c.reply.ok();
}

/** CLIENT UNPAUSE */
function clientUnpause(c: Ctx): void {
  c.server.unpause();
  c.reply.ok();
}

/** CLIENT REPLY ON|OFF|SKIP */
function clientReply(c: Ctx, args: Args): void {
  const mode = args.next().toLowerCase();
  if (mode === 'on') {
    c.replyMode = 'on';
    c.replySkipNext = false;
    c.reply.ok();
  } else if (mode === 'off') {
    c.replyMode = 'off';
  } else if (mode === 'skip') {
    if (c.replyMode !== 'off') c.replySkipNext = true;
  } else {
    throw new ReplyError(E.syntax);
  }
}

/** CLIENT NO-EVICT ON|OFF (accepted: Amber does not evict clients) */
function clientNoEvict(c: Ctx, args: Args): void {
  const mode = args.next().toLowerCase();
  if (mode !== 'on' && mode !== 'off') throw new ReplyError(E.syntax);
  c.noEvict = mode === 'on';
  c.reply.ok();
}

/** CLIENT TRACKINGINFO — Amber has no client-side caching: tracking is always off. */
function clientTrackingInfo(c: Ctx): void {
  const r = c.reply;
  r.map(3);
  r.bulk('flags');
  r.set(1);
  r.bulk('off');
  r.bulk('redirect');
  r.int(-1);
  r.bulk('prefixes');
  r.array(0);
}

/** CLIENT GETREDIR — -1: tracking is off. */
function clientGetRedir(c: Ctx): void {
  c.reply.int(-1);
}

/** CLIENT UNBLOCK client-id [TIMEOUT|ERROR] */
function clientUnblock(c: Ctx, args: Args): void {
  const argv = args.argv;
  if (argv.length > 4) throw new ReplyError(E.syntax);
  let error = false;
  if (argv.length === 4) {
    const reason = argv[3]!.toLowerCase();
    if (reason === 'error') error = true;
    else if (reason !== 'timeout') throw err('CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
  }
  const raw = argv[2]!;
  if (!/^-?\d+$/.test(raw) || raw.length > 20) throw new ReplyError(E.notInteger);
  const target = c.server.clients.get(Number(raw));
  const done = target !== undefined && target.blocked !== null && c.server.blocking.unblock(target, error);
  c.reply.int(done ? 1 : 0);
}

const CLIENT_HELP = [
  'GETNAME',
  '    Reply with the name of this connection (null when it has none).',
  'GETREDIR',
  '    Reply with the id tracking invalidations go to (always -1: tracking is off).',
  'ID',
  '    Reply with the id of this connection.',
  'INFO',
  '    Reply with the CLIENT LIST line of this connection.',
  'KILL <ip:port>',
  '    Close the connection from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Close every connection matching all the options:',
  '    * ID <client-id>',
  '    * ADDR <ip:port>         (the peer address)',
  '    * LADDR <ip:port>        (the local address)',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '    * USER <username>',
  '    * MAXAGE <seconds>       (connections at least this old)',
  '    * SKIPME (YES|NO)        (whether to spare this connection, default YES)',
  'LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID <client-id> ...]',
  '    Reply with one line of facts per connection.',
  'NO-EVICT (ON|OFF)',
  '    Mark this connection as never to be evicted.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Hold the commands of every client (or only writes) for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Turn replies to this connection on or off, or skip the next one.',
  'SETNAME <name>',
  '    Name this connection.',
  'TRACKINGINFO',
  '    Reply with the client-side caching state of this connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Wake a client blocked in a blocking command, as a timeout or with an error.',
  'UNPAUSE',
  '    End a CLIENT PAUSE.',
];

/** CLIENT HELP */
function clientHelp(c: Ctx): void {
  replyHelp(c, 'client', CLIENT_HELP);
}

const CONN_FLAGS = ['noscript', 'loading', 'stale', 'sentinel'] as const;
const ADMIN_FLAGS = ['admin', 'noscript', 'loading', 'stale', 'sentinel'] as const;

const clientSubcommands: CommandSpec[] = [
  { name: 'client|id', arity: 2, flags: [...CONN_FLAGS], acl: ['connection'], group: 'connection', since: '5.0.0', complexity: 'O(1)', summary: 'Returns the id of the connection.', handler: clientId },
  { name: 'client|setname', arity: 3, flags: [...CONN_FLAGS], acl: ['connection'], group: 'connection', since: '2.6.9', complexity: 'O(1)', summary: 'Names the connection.', handler: clientSetname },
  { name: 'client|getname', arity: 2, flags: [...CONN_FLAGS], acl: ['connection'], group: 'connection', since: '2.6.9', complexity: 'O(1)', summary: 'Returns the name of the connection.', handler: clientGetname },
  { name: 'client|list', arity: -2, flags: [...ADMIN_FLAGS], acl: ['connection'], group: 'connection', since: '2.4.0', complexity: 'O(N) where N is the number of client connections', summary: 'Lists the open connections with their state.', tips: ['nondeterministic_output'], handler: clientList },
  { name: 'client|info', arity: 2, flags: [...CONN_FLAGS], acl: ['connection'], group: 'connection', since: '6.2.0', complexity: 'O(1)', summary: 'Describes the connection.', tips: ['nondeterministic_output'], handler: clientInfo },
  { name: 'client|kill', arity: -3, flags: [...ADMIN_FLAGS], acl: ['connection'], group: 'connection', since: '2.4.0', complexity: 'O(N) where N is the number of client connections', summary: 'Closes connections chosen by address, id, type, user or age.', handler: clientKill },
  { name: 'client|pause', arity: -3, flags: [...ADMIN_FLAGS], acl: ['connection'], group: 'connection', since: '2.9.50', complexity: 'O(1)', summary: 'Holds the commands of all clients, or only their writes, for a while.', handler: clientPause },
  { name: 'client|unpause', arity: 2, flags: [...ADMIN_FLAGS], acl: ['connection'], group: 'connection', since: '6.2.0', complexity: 'O(N) Where N is the number of paused clients', summary: 'Ends a pause started by CLIENT PAUSE.', handler: clientUnpause },
  { name: 'client|reply', arity: 3, flags: [...CONN_FLAGS], acl: ['connection'], group: 'connection', since: '3.2.0', complexity: 'O(1)', summary: 'Turns replies to the connection on or off.', handler: clientReply },
  { name: 'client|no-evict', arity: 3, flags: [...ADMIN_FLAGS], acl: ['connection'], group: 'connection', since: '7.0.0', complexity: 'O(1)', summary: 'Protects the connection from client eviction.', handler: clientNoEvict },
  { name: 'client|trackinginfo', arity: 2, flags: [...CONN_FLAGS], acl: ['connection'], group: 'connection', since: '6.2.0', complexity: 'O(1)', summary: 'Describes the client-side caching state of the connection.', handler: clientTrackingInfo },
  { name: 'client|getredir', arity: 2, flags: [...CONN_FLAGS], acl: ['connection'], group: 'connection', since: '6.0.0', complexity: 'O(1)', summary: 'Returns where tracking invalidations of the connection go.', handler: clientGetRedir },
  { name: 'client|unblock', arity: -3, flags: [...ADMIN_FLAGS], acl: ['connection'], group: 'connection', since: '5.0.0', complexity: 'O(log N) where N is the number of client connections', summary: 'Wakes a client blocked in a blocking command.', handler: clientUnblock },
  { name: 'client|help', arity: 2, flags: ['loading', 'stale', 'sentinel'], acl: ['connection'], group: 'connection', since: '5.0.0', complexity: 'O(1)', summary: 'Describes the CLIENT subcommands.', handler: clientHelp },
];

export const commands: CommandSpec[] = [
  { name: 'ping', arity: -1, flags: ['fast', 'sentinel'], acl: ['connection'], group: 'connection', since: '1.0.0', complexity: 'O(1)', summary: 'Checks that the server is alive.', tips: ['request_policy:all_shards', 'response_policy:all_succeeded'], handler: ping },
  { name: 'echo', arity: 2, flags: ['loading', 'stale', 'fast'], acl: ['connection'], group: 'connection', since: '1.0.0', complexity: 'O(1)', summary: 'Returns the given message.', handler: echo },
  { name: 'select', arity: 2, flags: ['loading', 'stale', 'fast'], acl: ['connection'], group: 'connection', since: '1.0.0', complexity: 'O(1)', summary: 'Changes the selected database.', handler: select },
  { name: 'quit', arity: -1, flags: ['allow_busy', 'noscript', 'loading', 'stale', 'fast', 'no_auth'], acl: ['connection'], group: 'connection', since: '1.0.0', complexity: 'O(1)', summary: 'Closes the connection.', handler: quit },
  { name: 'reset', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], acl: ['connection'], group: 'connection', since: '6.2.0', complexity: 'O(1)', summary: 'Returns the connection to its just-connected state.', handler: reset },
  { name: 'hello', arity: -1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'sentinel', 'allow_busy'], acl: ['connection'], group: 'connection', since: '6.0.0', complexity: 'O(1)', summary: 'Chooses the protocol version, optionally logging in and naming the connection.', handler: hello },
  { name: 'auth', arity: -2, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'sentinel', 'allow_busy'], acl: ['connection'], group: 'connection', since: '1.0.0', complexity: 'O(N) where N is the number of passwords defined for the user', summary: 'Logs the connection in.', handler: auth },
  { name: 'client', arity: -2, flags: ['sentinel'], group: 'connection', since: '2.4.0', complexity: 'Depends on subcommand.', summary: 'Inspects and controls client connections.', subcommands: clientSubcommands },
];
