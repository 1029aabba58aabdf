import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globMatch } from '../../../src/util/glob.js';

/**
 * [pattern, subject, matches] as redis-server 7.0.15's stringmatchlen answers them
 * (captured with KEYS against a one-key database).
 */
const REDIS_CASES: [string, string, boolean][] = [
  ["**", "", false],
  ["", "", true],
  ["", "a", false],
  ["?", "", false],
  ["a*", "a", true],
  ["*a", "a", true],
  ["*", "abc", true],
  ["a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false],
  ["h?llo", "hello", true],
  ["h?llo", "hllo", false],
  ["h*llo", "hllo", true],
  ["h*llo", "heeeello", true],
  ["h[ae]llo", "hallo", true],
  ["h[ae]llo", "hillo", false],
  ["h[^e]llo", "hello", false],
  ["h[^e]llo", "hallo", true],
  ["h[a-b]llo", "hbllo", true],
  ["h[b-a]llo", "hallo", true],
  ["h[a-b]llo", "hcllo", false],
  ["[abc", "b", true],
  ["[abc", "abc", false],
  ["[]", "a", false],
  ["[^]", "a", true],
  ["[]a]", "a", false],
  ["[]a]", "]", false],
  ["\\", "\\", true],
  ["a\\", "a\\", true],
  ["\\*", "*", true],
  ["\\*", "a", false],
  ["\\?", "?", true],
  ["\\?", "x", false],
  ["[\\]]", "]", true],
  ["[\\]", "\\", false],
  ["[a-]", "-", false],
  ["[a-]", "a", true],
  ["[a-]", "_", true],
  ["[-a]", "-", true],
  ["a[", "a[", false],
  ["a[", "ab", false],
  ["[^", "x", true],
  ["*[", "x", false],
  ["*?*", "a", true],
  ["a*b*c", "abcbc", true],
  ["a*b*c", "abcbd", false],
  ["*x", "xx", true],
  ["foo*", "foo", true],
  ["foo*", "fo", false],
  ["*foo", "barfoo", true],
  ["ab*cd*", "abXcdY", true],
  ["a?c", "ac", false],
  ["[0-9][0-9]", "42", true],
  ["[0-9][0-9]", "4a", false],
  ["key:1??", "key:123", true],
  ["key:1??", "key:12", false],
  ["__keyspace@*__:*", "__keyspace@0__:foo", true],
  ["H[AE]LLO", "hello", false],
];

test('matches like Redis 7.0 stringmatchlen on a captured table', () => {
  for (const [pattern, subject, expected] of REDIS_CASES) {
    assert.equal(globMatch(pattern, subject), expected, `pattern ${JSON.stringify(pattern)} subject ${JSON.stringify(subject)}`);
  }
});

test('a lone star does not match the empty string (KEYS special-cases "*" itself)', () => {
  assert.equal(globMatch('*', ''), false);
  assert.equal(globMatch('', ''), true);
});

test('nocase folds ASCII letters only', () => {
  assert.equal(globMatch('H[AE]LLO', 'hello', true), true);
  assert.equal(globMatch('h[A-Z]llo', 'hello', true), true);
  assert.equal(globMatch('HELLO', 'hello', false), false);
  // C tolower in the "C" locale leaves latin1 letters alone.
  assert.equal(globMatch('\xc0', '\xe0', true), false);
});

test('treats subjects as bytes (latin1), any byte matching ?', () => {
  assert.equal(globMatch('a?c', 'a\xffc'), true);
  assert.equal(globMatch('a[\x00-\x7f]c', 'a\x00c'), true);
  assert.equal(globMatch('a[\x00-\x7f]c', 'a\x80c'), false);
});

test('pathological star patterns finish quickly', () => {
  const start = performance.now();
  const subject = 'a'.repeat(5000);
  assert.equal(globMatch('a*'.repeat(1000) + 'b', subject), false);
  assert.equal(globMatch('*a'.repeat(1000), subject), true);
  assert.ok(performance.now() - start < 1000, 'took too long');
});

test('deep star patterns do not overflow the stack', () => {
  const pattern = '*a'.repeat(100000);
  assert.equal(globMatch(pattern, 'a'.repeat(100000)), true);
  assert.equal(globMatch(pattern, 'a'.repeat(99999)), false);
});

/** A small seeded generator so the random cases are the same every run. */
function rng(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % n;
  };
}

/** A straightforward recursive reference of the same semantics, for random cross-checks. */
function reference(p: string, s: string): boolean {
  if (s.length === 0) return p.length === 0;
  const rec = (pi: number, si: number): boolean => {
    while (pi < p.length && si < s.length) {
      const c = p[pi]!;
      if (c === '*') {
        while (p[pi + 1] === '*') pi++;
        if (pi + 1 === p.length) return true;
        for (let k = si; k < s.length; k++) if (rec(pi + 1, k)) return true;
        return false;
      } else if (c === '?') {
        // any
      } else if (c === '[') {
        pi++;
        const not = p[pi] === '^';
        if (not) pi++;
        let hit = false;
        for (;;) {
          if (p[pi] === '\\' && p.length - pi >= 2) {
            pi++;
            if (p[pi] === s[si]) hit = true;
          } else if (p[pi] === ']') break;
          else if (pi >= p.length) {
            pi--;
            break;
          } else if (p.length - pi >= 3 && p[pi + 1] === '-') {
            const a = Math.min(p.charCodeAt(pi), p.charCodeAt(pi + 2));
            const b = Math.max(p.charCodeAt(pi), p.charCodeAt(pi + 2));
            if (s.charCodeAt(si) >= a && s.charCodeAt(si) <= b) hit = true;
            pi += 2;
          } else if (p[pi] === s[si]) hit = true;
          pi++;
        }
        if (not) hit = !hit;
        if (!hit) return false;
      } else {
        if (c === '\\' && p.length - pi >= 2) pi++;
        if (p[pi] !== s[si]) return false;
      }
      pi++;
      si++;
      if (si === s.length) {
        while (p[pi] === '*') pi++;
        break;
      }
    }
    return pi === p.length && si === s.length;
  };
  return rec(0, 0);
}

test('agrees with a plain recursive matcher on random short patterns', () => {
  const r = rng(7);
  const pa = 'ab[]^-\\*?';
  const sa = 'ab]-\\*^';
  for (let i = 0; i < 20000; i++) {
    let p = '';
    let s = '';
    const pl = r(9);
    const sl = r(8);
    for (let j = 0; j < pl; j++) p += pa[r(pa.length)];
    for (let j = 0; j < sl; j++) s += sa[r(sa.length)];
    assert.equal(globMatch(p, s), reference(p, s), `pattern ${JSON.stringify(p)} subject ${JSON.stringify(s)}`);
  }
});
