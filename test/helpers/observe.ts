/**
 * Watching what commands do besides replying: keyspace events and propagated effects.
 */

import type { Server } from '../../src/server/server.js';

/**
 * Calls fn for every keyspace event the server raises, after the events already installed.
 * Class `n` (`new`, raised by Db.set whenever a key is created) is left out: pubsub.test.ts
 * covers it, and the command tests compare the events each command raises itself.
 */
export function onKeyspaceEvent(server: Server, fn: (type: string, event: string, key: string, dbid: number) => void): void {
  const hooks = server.store.hooks;
  const prev = hooks.keyspaceEvent;
  hooks.keyspaceEvent = (type, event, key, dbid) => {
    if (type !== 'n') fn(type, event, key, dbid);
    prev(type, event, key, dbid);
  };
}
