/**
 * Dict past V8's Map limit: inserts more than 2^24 (16,777,216) keys into one Dict, checks
 * every key is found, that a full SCAN visits each exactly once, and that a snapshot-style
 * slot walk covers them all. Slow and memory hungry (about 2.5 GB), so it is a script, not a
 * CI test:
 *
 *   node --max-old-space-size=8000 dist/bench/dict-capacity.js [count]
 *
 * Prints timings, bytes per entry and the table shape. Exits non-zero on a failed check.
 */

import { Dict } from '../src/types/dict.js';

const MAP_LIMIT = 16_777_216;
const count = Number(process.argv[2] ?? MAP_LIMIT + 1_000_000);

function fail(msg: string): never {
  process.stderr.write(`FAIL: ${msg}\n`);
  process.exit(1);
}

const key = (i: number): string => 'k' + i;

const heap0 = process.memoryUsage().heapUsed;
let t = performance.now();
const d = new Dict<number>();
for (let i = 0; i < count; i++) {
  if (!d.set(key(i), i)) fail(`set of new key ${i} reported an update`);
  if (i % 4_000_000 === 0 && i > 0) process.stdout.write(`  ${i} inserted, ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
}
const insertS = (performance.now() - t) / 1000;
while (d.rehashFor(100)) {
  /* finish the last resize */
}
const heap1 = process.memoryUsage().heapUsed;
if (d.size !== count) fail(`size ${d.size} != ${count}`);
process.stdout.write(`inserted ${count} keys in ${insertS.toFixed(1)} s; heap ${((heap1 - heap0) / count).toFixed(1)} bytes/entry (keys included); table ${JSON.stringify(d.stats())}\n`);

t = performance.now();
for (let i = 0; i < count; i++) if (d.get(key(i)) !== i) fail(`get ${i}`);
process.stdout.write(`looked up every key in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);

t = performance.now();
let visited = 0;
let cursor = 0;
const seen = new Uint8Array(count);
do {
  cursor = d.scan(cursor, 1000, (_k, v) => {
    if (seen[v] === 1) fail(`scan visited ${v} twice on a table that did not change`);
    seen[v] = 1;
    visited++;
  });
} while (cursor !== 0);
if (visited !== count) fail(`scan visited ${visited} of ${count}`);
process.stdout.write(`full SCAN in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);

t = performance.now();
d.pauseResize();
let walked = 0;
d.walkSlots(0, () => {
  walked++;
  return true;
});
d.resumeResize();
if (walked !== count) fail(`slot walk saw ${walked} of ${count}`);
process.stdout.write(`slot walk in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);

t = performance.now();
for (let i = 0; i < 1000; i++) if (d.random() === undefined) fail('random on a full dict');
process.stdout.write(`1000 random() in ${(performance.now() - t).toFixed(1)} ms\n`);

for (let i = 0; i < count; i += 2) d.delete(key(i));
if (d.size !== count - Math.ceil(count / 2)) fail(`size after deletes ${d.size}`);
process.stdout.write(`OK: ${count} keys (> ${MAP_LIMIT}) held, found, scanned and deleted\n`);
