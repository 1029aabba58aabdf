/**
 * Glob-style matching as Redis's stringmatchlen does it (KEYS, SCAN MATCH, CONFIG GET,
 * PSUBSCRIBE, ...): `*` any run, `?` one char, `[abc]`, `[^a-z]` classes with ranges and
 * `\` escapes, `\x` a literal x. Works on latin1 strings (bytes).
 *
 * Leaf module.
 */

export function globMatch(pattern: string, str: string, nocase = false): boolean {
  if (nocase) {
    pattern = pattern.toLowerCase();
    str = str.toLowerCase();
  }
  return match(pattern, 0, str, 0, 0);
}

/** Redis caps recursion on '*' to stop pathological patterns (stringmatchlen_impl). */
const MAX_NESTING = 1000;

function match(p: string, pi: number, s: string, si: number, nesting: number): boolean {
  if (nesting > MAX_NESTING) return false;
  const plen = p.length;
  const slen = s.length;
  while (pi < plen && si <= slen) {
    const c = p[pi]!;
    if (c === '*') {
      while (pi + 1 < plen && p[pi + 1] === '*') pi++;
      if (pi + 1 === plen) return true;
      for (let k = si; k <= slen; k++) {
        if (match(p, pi + 1, s, k, nesting + 1)) return true;
      }
      return false;
    }
    if (si >= slen) return false;
    if (c === '?') {
      si++;
      pi++;
      continue;
    }
    if (c === '[') {
      pi++;
      const not = p[pi] === '^';
      if (not) pi++;
      let matched = false;
      for (;;) {
        if (pi >= plen) {
          pi--; // malformed: treat the end as closing the class
          break;
        }
        const d = p[pi]!;
        if (d === '\\' && pi + 2 < plen) {
          pi++;
          if (p[pi] === s[si]) matched = true;
        } else if (d === ']') {
          break;
        } else if (pi + 2 < plen && p[pi + 1] === '-') {
          let start = p.charCodeAt(pi);
          let end = p.charCodeAt(pi + 2);
          const ch = s.charCodeAt(si);
          if (start > end) [start, end] = [end, start];
          pi += 2;
          if (ch >= start && ch <= end) matched = true;
        } else if (d === s[si]) {
          matched = true;
        }
        pi++;
      }
      if (not) matched = !matched;
      if (!matched) return false;
      si++;
      pi++;
      continue;
    }
    if (c === '\\' && pi + 1 < plen) {
      pi++;
    }
    if (p[pi] !== s[si]) return false;
    si++;
    pi++;
  }
  while (pi < plen && p[pi] === '*') pi++;
  return pi === plen && si === slen;
}
