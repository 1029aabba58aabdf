/**
 * The values a key can hold. A string value is a JS string in latin1 (one char per byte,
 * exact for binary data): no wrapper object, so a string key costs one Map entry and one
 * string. Every other type is an object from src/types/ carrying its `kind` tag.
 *
 * Imports only src/types/.
 */

import type { RList } from '../types/list.js';
import type { RHash } from '../types/hash.js';
import type { RSet } from '../types/set.js';
import type { RZSet } from '../types/zset.js';

export type Collection = RList | RHash | RSet | RZSet;
export type Value = string | Collection;

/** The type names TYPE reports (and that SCAN TYPE filters on). */
export type TypeName = 'string' | 'list' | 'hash' | 'set' | 'zset' | 'stream';

export function typeOf(v: Value): TypeName {
  return typeof v === 'string' ? 'string' : v.kind;
}

/** Redis 7.0's string encodings: `int` when string2ll accepts it, `embstr` up to 44 bytes. */
export function stringEncoding(s: string): 'int' | 'embstr' | 'raw' {
  if (s.length <= 20 && isInt(s)) return 'int';
  return s.length <= 44 ? 'embstr' : 'raw';
}

function isInt(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  if (s === '0') return true;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  if (i === n) return false;
  const first = s.charCodeAt(i);
  if (first < 49 || first > 57) return false;
  for (i++; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  if (n >= 19) {
    const v = BigInt(s);
    return v <= 9223372036854775807n && v >= -9223372036854775808n;
  }
  return true;
}
