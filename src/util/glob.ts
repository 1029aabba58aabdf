/**
 * Glob-style matching exactly as Redis 7.0's stringmatchlen (util.c) does it, for KEYS,
 * SCAN MATCH, PSUBSCRIBE, PUBSUB CHANNELS, CONFIG GET, ... Works on latin1 strings (one
 * char per byte).
 *
 * Syntax: `*` any run, `?` one char, `[abc]` / `[^abc]` / `[a-z]` classes (a reversed range
 * `[z-a]` works too), `\x` a literal x (also inside classes).
 *
 * Redis quirks matched on purpose:
 * - An empty subject matches nothing but the empty pattern: `*` does not match "" (the main
 *   loop of stringmatchlen never runs for an empty string).
 * - An unterminated class `[abc` ends at the end of the pattern.
 * - `[]` is an empty class (matches nothing; `[^]` matches any one char).
 * - A trailing lone `\` is a literal backslash.
 * - nocase folds ASCII letters only (C tolower in the "C" locale), and an escaped char
 *   inside a class is compared case-sensitively even with nocase.
 *
 * Redis's recursion on `*` stops early once an inner `*` has tried every position
 * (skipLongerMatches), which keeps patterns like `a*a*a*...b` linear-ish. This version is
 * iterative with a single backtrack point (the last `*` seen), which gives the same answers
 * and the same bound without using the JS stack.
 *
 * Leaf module.
 */

/** ASCII-only lower-casing of one char code (C tolower in the "C" locale). */
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

export function globMatch(pattern: string, str: string, nocase = false): boolean {
  const plen = pattern.length;
  const slen = str.length;
  // stringmatchlen's main loop needs at least one char of subject.
  if (slen === 0) return plen === 0;

  let pi = 0;
  let si = 0;
  /** Pattern index just after the last '*', and the subject index it will try next. */
  let starP = -1;
  let starS = -1;

  for (;;) {
    let matched = true;
    while (pi < plen && si < slen) {
      const c = pattern.charCodeAt(pi);
      if (c === 42 /* * */) {
        while (pi + 1 < plen && pattern.charCodeAt(pi + 1) === 42) pi++;
        if (pi + 1 === plen) return true;
        starP = pi + 1;
        starS = si;
        pi++;
        continue;
      }
      if (c === 63 /* ? */) {
        // one char, any
      } else if (c === 91 /* [ */) {
        pi++;
        const not = pattern.charCodeAt(pi) === 94; /* ^ */
        if (not) pi++;
        const sc = str.charCodeAt(si);
        let hit = false;
        for (;;) {
          const pc = pattern.charCodeAt(pi); // NaN past the end
          if (pc === 92 /* \ */ && plen - pi >= 2) {
            pi++;
            if (pattern.charCodeAt(pi) === sc) hit = true;
          } else if (pc === 93 /* ] */) {
            break;
          } else if (pi >= plen) {
            pi--; // unterminated class: the pattern's end closes it
            break;
          } else if (plen - pi >= 3 && pattern.charCodeAt(pi + 1) === 45 /* - */) {
            let start = pc;
            let end = pattern.charCodeAt(pi + 2);
            let ch = sc;
            if (start > end) {
              const t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = lower(start);
              end = lower(end);
              ch = lower(ch);
            }
            pi += 2;
            if (ch >= start && ch <= end) hit = true;
          } else if (nocase ? lower(pc) === lower(sc) : pc === sc) {
            hit = true;
          }
          pi++;
        }
        if (not) hit = !hit;
        if (!hit) {
          matched = false;
          break;
        }
      } else {
        let pc = c;
        if (c === 92 /* \ */ && plen - pi >= 2) {
          pi++;
          pc = pattern.charCodeAt(pi);
        }
        const sc = str.charCodeAt(si);
        if (nocase ? lower(pc) !== lower(sc) : pc !== sc) {
          matched = false;
          break;
        }
      }
      pi++;
      si++;
      if (si === slen) {
        // Subject used up: only trailing stars may remain.
        while (pi < plen && pattern.charCodeAt(pi) === 42) pi++;
        break;
      }
    }
    if (matched && pi >= plen && si === slen) return true;
    // Backtrack: let the last '*' swallow one more char (it never takes the whole rest).
    if (starP < 0) return false;
    starS++;
    if (starS >= slen) return false;
    pi = starP;
    si = starS;
  }
}
