/**
 * Wires the subsystems into a new Server, in order. Each subsystem registers its hooks
 * (cron jobs, beforeSleep, feeds, store hooks, shutdown) here and nowhere else, so this
 * file is the map of what runs.
 */

import type { Server } from './server.js';

/** Start-up steps run after wiring and before listening (e.g. loading the dataset). */
export type StartupStep = (server: Server) => void | Promise<void>;

export function wire(server: Server): StartupStep[] {
  const startup: StartupStep[] = [];
  void server;
  return startup;
}
