/**
 * Guards the command table against redis-server 7.0.15:
 *
 * 1. For every command and subcommand in Amber's table, the facts COMMAND INFO reports —
 *    arity, flags (as COMMAND INFO shows them, in Redis's order), the legacy key positions
 *    (first, last, step) and the ACL categories (with the ones Redis derives from flags) —
 *    equal those captured from a real redis-server 7.0.15 into
 *    test/fixtures/command-info.json (scripts/capture-command-info.mjs). Differences must
 *    be listed below with a reason; a listed difference that no longer occurs fails too,
 *    so the list stays true.
 *    Key specifications (COMMAND INFO's ninth element) are left out of this comparison:
 *    Amber takes them verbatim from the same capture (src/commands/keyspecs.ts), minus
 *    Redis's free-text notes, and test/commands/command.test.ts compares COMMAND INFO
 *    with a live redis-server byte for byte.
 * 2. Every command in the table is mentioned by at least one test file (its name quoted
 *    as an argument, e.g. `'SETRANGE'`; a subcommand as `'CLIENT', 'KILL'`).
 *
 * Tests run from the repository root (as scripts/run-tests.mjs does).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ALL_COMMANDS } from '../../src/commands/index.js';
import { aclCategories, shownFlags } from '../../src/commands/command-info.js';
import type { CommandSpec } from '../../src/commands/types.js';

interface FixtureEntry {
  arity: number;
  flags: string[];
  first: number;
  last: number;
  step: number;
  acl: string[];
  group: string;
  since: string;
  subcommands?: Record<string, FixtureEntry>;
}

/**
 * Known differences from Redis 7.0.15, by command name and field, with the reason. Empty
 * when the table matches Redis exactly.
 */
const KNOWN_DIFFERENCES: Record<string, { field: string; reason: string }[]> = {};

/** Commands Amber defines that Redis 7.0.15 does not have, with the reason. */
const AMBER_ONLY: Record<string, string> = {};

/** The repository root: the nearest directory up from the working directory holding test/fixtures. */
function repoRoot(): string {
  let dir = process.cwd();
  for (;;) {
    if (existsSync(join(dir, 'test/fixtures/command-info.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('test/fixtures/command-info.json not found from ' + process.cwd());
    dir = up;
  }
}

const root = repoRoot();
const fixture = JSON.parse(readFileSync(join(root, 'test/fixtures/command-info.json'), 'utf8')) as {
  redis_version: string;
  commands: Record<string, FixtureEntry>;
};

function* walk(specs: readonly CommandSpec[]): Generator<CommandSpec> {
  for (const s of specs) {
    yield s;
    if (s.subcommands) yield* walk(s.subcommands);
  }
}

function fixtureFor(name: string): FixtureEntry | undefined {
  const [base, sub] = name.split('|');
  const top = fixture.commands[base!];
  return sub === undefined ? top : top?.subcommands?.[name];
}

test('the fixture was captured from redis-server 7.0.15', () => {
  assert.equal(fixture.redis_version, '7.0.15');
  assert.ok(Object.keys(fixture.commands).length > 200);
});

test('arity, flags, key positions and ACL categories equal redis-server 7.0.15', () => {
  const found: string[] = [];
  const seenKnown = new Set<string>();
  for (const spec of walk(ALL_COMMANDS)) {
    const f = fixtureFor(spec.name);
    if (f === undefined) {
      if (AMBER_ONLY[spec.name] === undefined) found.push(`${spec.name}: not a Redis 7.0.15 command`);
      continue;
    }
    const keys = spec.keys ?? [0, 0, 0];
    const pairs: [string, unknown, unknown][] = [
      ['arity', spec.arity, f.arity],
      ['flags', shownFlags(spec).join(' '), f.flags.join(' ')],
      ['keys', keys.join(','), [f.first, f.last, f.step].join(',')],
      ['acl', aclCategories(spec).map((c) => '@' + c).join(' '), f.acl.join(' ')],
      ['group', spec.group, f.group],
      ['since', spec.since, f.since],
    ];
    for (const [field, ours, theirs] of pairs) {
      if (ours === theirs) continue;
      const known = KNOWN_DIFFERENCES[spec.name]?.find((d) => d.field === field);
      if (known) {
        seenKnown.add(`${spec.name}.${field}`);
        continue;
      }
      found.push(`${spec.name} ${field}: Amber ${JSON.stringify(ours)}, Redis ${JSON.stringify(theirs)}`);
    }
  }
  assert.deepEqual(found, [], 'table lines that differ from Redis 7.0.15 (fix the line, or list the difference with a reason)');
  const stale = Object.entries(KNOWN_DIFFERENCES).flatMap(([n, ds]) => ds.map((d) => `${n}.${d.field}`)).filter((k) => !seenKnown.has(k));
  assert.deepEqual(stale, [], 'listed differences that no longer occur');
});

test('every subcommand belongs to a container Redis also has', () => {
  for (const spec of ALL_COMMANDS) {
    if (spec.subcommands === undefined) continue;
    const f = fixture.commands[spec.name];
    assert.ok(f?.subcommands !== undefined || AMBER_ONLY[spec.name] !== undefined, `${spec.name} is a container in Amber only`);
  }
});

/** Every .ts file under test/, except this one and the helpers. */
function testSources(): string {
  const out: string[] = [];
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        if (name !== 'helpers' && name !== 'fixtures') visit(p);
      } else if (name.endsWith('.ts') && !p.endsWith(join('meta', 'command-table.test.ts'))) {
        out.push(readFileSync(p, 'utf8'));
      }
    }
  };
  visit(join(root, 'test'));
  return out.join('\n');
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('every command in the table is mentioned by a test', () => {
  const sources = testSources();
  const missing: string[] = [];
  for (const spec of walk(ALL_COMMANDS)) {
    const [base, sub] = spec.name.split('|');
    const q = `['"\`]`;
    const pattern =
      sub === undefined
        ? new RegExp(`${q}${escape(base!)}${q}`, 'i')
        : new RegExp(`${q}${escape(base!)}${q}\\s*,\\s*${q}${escape(sub)}${q}`, 'i');
    if (!pattern.test(sources)) missing.push(spec.name);
  }
  assert.deepEqual(missing, [], 'commands no test mentions');
});
