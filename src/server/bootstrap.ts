/**
 * Wires the subsystems into a new Server, in order. Each subsystem registers its hooks
 * (cron jobs, beforeSleep, feeds, store hooks, shutdown, INFO sections) here and nowhere
 * else, so this file is the map of what runs.
 */

import { Aof } from '../persistence/aof/aof.js';
import { wireRdbPersistence } from '../persistence/rdb-persistence.js';
import { LIMIT_CONFIGS, limits } from '../types/limits.js';
import { wireExpire } from './expire.js';
import { wireMulti } from './multi.js';
import { wirePubSub } from './pubsub.js';
import type { Server } from './server.js';

/** Start-up steps run after wiring and before listening (e.g. loading the dataset). */
export type StartupStep = (server: Server) => void | Promise<void>;

export function wire(server: Server): StartupStep[] {
  const startup: StartupStep[] = [];
  wireEncodingLimits(server);
  wireMulti(server); // WATCH: modified-key hook, unwatch on disconnect
  startup.push(wireAof(server));
  wireRdbPersistence(server, startup); // SAVE/BGSAVE, save points, MISCONF, shutdown/FLUSHALL saves, INFO persistence, AOF bridge; loads dump.rdb at start unless appendonly
  wirePubSub(server); // channels, patterns, keyspace notifications (owns store.hooks.keyspaceEvent)
  wireExpire(server); // active expiry cron, INFO keyspace
  server.blocking.wire(); // blocked clients: key readiness, serving after commands, timeouts
  return startup;
}

/** Keeps the data types' conversion thresholds in step with the config. */
function wireEncodingLimits(server: Server): void {
  for (const [name, field] of Object.entries(LIMIT_CONFIGS)) {
    limits[field] = server.config.num(name);
    server.config.on(name, (v) => {
      limits[field] = v as number;
    });
  }
}

/** The append-only file: feed, per-turn write/fsync, reply gate, rewrite; loads at start when on. */
function wireAof(server: Server): StartupStep {
  server.aof = new Aof(server);
  return server.aof.wire();
}
