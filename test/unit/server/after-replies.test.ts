/**
 * Server.afterReplies: background work that yields between slices (a BGSAVE's walk) runs
 * after the replies of the turn have been handed to the sockets, not before them.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAmber } from '../../helpers/servers.js';

test('afterReplies runs after the pending flush, or declines when nothing is pending', async () => {
  const amber = await startAmber();
  try {
    const server = amber.server;
    const events: string[] = [];
    assert.equal(server.afterReplies(() => events.push('early')), false, 'no flush pending: the caller runs it');
    const c = server.fakeClient();
    const flush = c.flush.bind(c);
    c.flush = () => {
      events.push('flush');
      flush();
    };
    server.schedule(c);
    assert.equal(server.afterReplies(() => events.push('after')), true);
    assert.deepEqual(events, []);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(events, ['flush', 'after']);
    // Taken once: the next flush does not run it again.
    server.schedule(c);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(events, ['flush', 'after', 'flush']);
  } finally {
    await amber.stop();
  }
});
