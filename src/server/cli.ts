#!/usr/bin/env node
/**
 * amber-server: the standalone entry point, used like redis-server:
 *   amber-server [config-file] [--name value ...]
 * Logs "Ready to accept connections" once listening; SIGTERM/SIGINT shut down cleanly
 * (saving first when save points are configured, as Redis does).
 */

import { Config } from '../config/config.js';
import { ConfigError, loadConfig } from '../config/parse.js';
import { startWithConfig } from '../index.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '-v' || argv[0] === '--version') {
    process.stdout.write('Amber server v=0.1.0 (Redis 7.0.15 compatible)\n');
    return;
  }
  const config = new Config();
  try {
    loadConfig(config, argv);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(e.message + '\n');
      process.exit(1);
    }
    throw e;
  }
  let amber;
  try {
    amber = await startWithConfig(config);
  } catch (e) {
    process.stderr.write(`# ${(e as Error).message}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    amber.server.log('warning', `Received ${signal} scheduling shutdown...`);
    amber.close().then(
      () => {
        amber.server.log('warning', 'Amber is now ready to exit, bye bye...');
        process.exit(0);
      },
      (e) => {
        amber.server.log('warning', `Error during shutdown: ${(e as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
