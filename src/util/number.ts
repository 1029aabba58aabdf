/**
 * Number parsing and printing exactly as Redis 7.0 does it (util.c): string2ll for
 * integers, strtod-with-checks for doubles, "%.17g" for doubles in replies.
 *
 * Leaf module.
 */

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/**
 * Redis's string2ll: optional '-', then digits with no leading zero (a lone "0" is fine),
 * no '+', no spaces, within int64. Returns null when the text is not such an integer.
 */
export function string2ll(s: string): bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  if (n === 1 && s === '0') return 0n;
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    i = 1;
    if (n === 1) return null;
  }
  const first = s.charCodeAt(i);
  if (first < 49 || first > 57) return null;
  for (let j = i + 1; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  const v = BigInt(s);
  if (v > INT64_MAX || v < INT64_MIN) return null;
  return v;
}

/**
 * string2ll returning a JS number: exact within ±2^53, and for larger int64 values the
 * nearest double (counts, indexes and times never need more). Null when not an integer.
 */
export function string2int(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  if (n < 16) {
    // Fast path: at most 15 digits always fits a double exactly.
    let i = 0;
    let neg = false;
    if (s.charCodeAt(0) === 45) {
      if (n === 1) return null;
      neg = true;
      i = 1;
    }
    const first = s.charCodeAt(i) - 48;
    if (first < 0 || first > 9) return null;
    if (first === 0) return n === 1 ? 0 : null;
    let v = first;
    for (let j = i + 1; j < n; j++) {
      const c = s.charCodeAt(j) - 48;
      if (c < 0 || c > 9) return null;
      v = v * 10 + c;
    }
    return neg ? -v : v;
  }
  const big = string2ll(s);
  return big === null ? null : Number(big);
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITE = /^([+-]?)inf(?:inity)?$/i;
const NONZERO_DIGIT = /[1-9]/;

/**
 * Parses a double as Redis's getDoubleFromObject does (strtod plus checks): no leading
 * space, no trailing bytes, no NaN, no overflow to infinity or underflow to zero from a
 * finite literal; "inf", "+inf", "-inf", "infinity" are accepted. Null when rejected.
 */
export function parseDouble(s: string): number | null {
  if (s.length === 0 || s.length > 5000) return null;
  if (DECIMAL.test(s)) {
    const v = Number(s);
    if (!Number.isFinite(v)) return null; // ERANGE overflow
    if (v === 0) {
      // ERANGE underflow: a non-zero mantissa that rounds to zero.
      const mantissa = s.replace(/[eE].*$/, '');
      if (NONZERO_DIGIT.test(mantissa)) return null;
    }
    return v;
  }
  const inf = INFINITE.exec(s);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  return null;
}

/** Formats a double as C's printf("%.17g"), with Redis's "inf"/"-inf"/"nan". */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const expForm = d.toExponential(16); // d.dddddddddddddddde±x: 17 significant digits
  const ePos = expForm.indexOf('e');
  const exp = Number(expForm.slice(ePos + 1));
  if (exp < -4 || exp >= 17) {
    let mant = expForm.slice(0, ePos);
    if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
    const e = Math.abs(exp);
    return mant + 'e' + (exp < 0 ? '-' : '+') + (e < 10 ? '0' + e : String(e));
  }
  let fixed = d.toFixed(16 - exp);
  if (fixed.includes('.')) fixed = fixed.replace(/0+$/, '').replace(/\.$/, '');
  return fixed;
}

/**
 * Formats a double as Redis's d2string: integers that a long long holds exactly print as
 * integers, others as %.17g (used where Redis stores scores as text, e.g. listpacks).
 */
export function d2string(d: number): string {
  if (Number.isInteger(d) && Math.abs(d) < 2 ** 53) return Object.is(d, -0) ? '-0' : String(d);
  return formatDouble(d);
}
