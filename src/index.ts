/**
 * The embedded API: start an Amber server inside a Node process.
 *
 *   const amber = await startServer({ port: 0, dir: tmp, save: '' });
 *   // connect any Redis client to 127.0.0.1:amber.port
 *   await amber.close();
 *
 * Options are config names as redis.conf spells them (`port`, `dir`, `appendonly`,
 * `save`, ...), with values as strings, numbers or booleans (true/false become yes/no).
 * Unlike redis-server, the embedded default port is 0 (any free port) and the log is
 * silent unless `logger` is given.
 */

import { Config } from './config/config.js';
import { ConfigError } from './config/parse.js';
import { wire } from './server/bootstrap.js';
import { markStartupMemory } from './server/info.js';
import { Server, type ServerOptions } from './server/server.js';
import type { Clock } from './store/store.js';

export interface StartOptions {
  [config: string]: string | number | boolean | Clock | ((line: string) => void) | undefined;
  clock?: Clock;
  logger?: (line: string) => void;
}

export interface AmberServer {
  /** The TCP port bound. */
  readonly port: number;
  readonly server: Server;
  /** Shuts down as SHUTDOWN would (saving if save points are set), then closes. */
  close(): Promise<void>;
}

/** Builds a Config from options; throws ConfigError on an unknown or invalid value. */
export function configFrom(options: StartOptions, defaults: Record<string, string> = {}): Config {
  const config = new Config();
  const apply = (name: string, raw: string): void => {
    const error = config.set(name, raw);
    if (error !== null) throw new ConfigError(`Invalid option '${name}' = '${raw}': ${error}`);
  };
  for (const [name, raw] of Object.entries(defaults)) apply(name, raw);
  for (const [name, value] of Object.entries(options)) {
    if (name === 'clock' || name === 'logger' || value === undefined) continue;
    const raw = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
    apply(name, raw);
  }
  return config;
}

/** Starts a server from an already-built config (used by the CLI and startServer). */
export async function startWithConfig(config: Config, options: ServerOptions = {}): Promise<AmberServer> {
  const server = new Server(config, options);
  markStartupMemory(server);
  const startup = wire(server);
  server.log('notice', 'Server initialized');
  for (const step of startup) await step(server);
  await server.listen();
  server.log('notice', `Running mode=standalone, port=${server.port}.`);
  server.log('notice', 'Ready to accept connections');
  return { port: server.port, server, close: () => server.close() };
}

export async function startServer(options: StartOptions = {}): Promise<AmberServer> {
  const config = configFrom(options, { port: '0' });
  return startWithConfig(config, { clock: options.clock, logger: options.logger ?? (() => {}) });
}

export { Server, Config };
