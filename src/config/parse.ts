/**
 * redis.conf files and `redis-server`-style command lines.
 *
 * Both become a list of directives (name + arguments, with the source line for error
 * messages) applied in order to a Config. As in Redis, arguments after the config file
 * are `--name value ...`; a later directive wins, except `save`, whose lines in one
 * source accumulate.
 */

import { readFileSync } from 'node:fs';
import { splitArgs } from '../protocol/parser.js';
import type { Config } from './config.js';

export interface Directive {
  name: string;
  args: string[];
  /** 1-based line in its source, and the line as written, for error messages. */
  line: number;
  text: string;
}

export class ConfigError extends Error {}

/** Splits redis.conf text into directives (comments and blank lines skipped). */
export function parseConfigText(text: string): Directive[] {
  const out: Directive[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const parts = splitArgs(trimmed);
    if (parts === null) throw configFailure(i + 1, trimmed, 'Unbalanced quotes in configuration line');
    if (parts.length === 0) continue;
    out.push({ name: parts[0]!.toLowerCase(), args: parts.slice(1), line: i + 1, text: trimmed });
  }
  return out;
}

/**
 * Turns command-line words into directives: an optional config file first (or '-' for
 * stdin is not supported), then `--name value...` groups, as redis-server accepts them.
 */
export function parseCommandLine(argv: readonly string[]): { file?: string; directives: Directive[] } {
  let i = 0;
  let file: string | undefined;
  if (argv.length > 0 && !argv[0]!.startsWith('--')) {
    file = argv[0]!;
    i = 1;
  }
  const directives: Directive[] = [];
  let current: Directive | null = null;
  for (; i < argv.length; i++) {
    const word = argv[i]!;
    if (word.startsWith('--') && word.length > 2) {
      current = { name: word.slice(2).toLowerCase(), args: [], line: directives.length + 1, text: word };
      directives.push(current);
    } else if (current !== null) {
      current.args.push(word);
      current.text += ' ' + (word.includes(' ') || word === '' ? `"${word}"` : word);
    } else {
      throw new ConfigError(`Invalid argument '${word}'`);
    }
  }
  return { file, directives };
}

function configFailure(line: number, text: string, reason: string): ConfigError {
  return new ConfigError(
    `\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line ${line}\n>>> '${text}'\n${reason}`,
  );
}

/** Directives Redis accepts that Amber takes and ignores (no effect here). */
const IGNORED = new Set(['rename-command', 'supervised', 'oom-score-adj', 'oom-score-adj-values', 'lua-replicate-commands', 'jemalloc-bg-thread', 'activedefrag']);

/** Applies directives to config; throws ConfigError with Redis's wording on the first bad one. */
export function applyDirectives(config: Config, directives: readonly Directive[]): void {
  let saves: string[] | null = null;
  for (const d of directives) {
    if (d.name === 'include') {
      if (d.args.length !== 1) throw configFailure(d.line, d.text, 'Bad directive or wrong number of arguments');
      let text: string;
      try {
        text = readFileSync(d.args[0]!, 'utf8');
      } catch (e) {
        throw configFailure(d.line, d.text, `Fatal error, can't open config file '${d.args[0]}': ${(e as Error).message}`);
      }
      applyDirectives(config, parseConfigText(text));
      continue;
    }
    if (IGNORED.has(d.name)) continue;
    if (d.name === 'save') {
      // Lines accumulate: `save 900 1` then `save 300 10` keeps both; `save ""` clears.
      const joined = d.args.join(' ').trim();
      saves = saves === null || joined === '' ? [] : saves;
      if (joined !== '') saves.push(joined);
      const err = config.set('save', saves.join(' '));
      if (err !== null) throw configFailure(d.line, d.text, err);
      continue;
    }
    if (d.args.length === 0) throw configFailure(d.line, d.text, 'Bad directive or wrong number of arguments');
    const err = config.set(d.name, d.args.join(' '));
    if (err !== null) throw configFailure(d.line, d.text, err);
  }
}

/** Reads a config file and the command line into config. */
export function loadConfig(config: Config, argv: readonly string[]): void {
  const { file, directives } = parseCommandLine(argv);
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`Fatal error, can't open config file '${file}': ${(e as Error).message}`);
    }
    applyDirectives(config, parseConfigText(text));
  }
  applyDirectives(config, directives);
}
