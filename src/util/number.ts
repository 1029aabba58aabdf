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

/** Integers below this have one shared decimal string (Redis's OBJ_SHARED_INTEGERS). */
export const SHARED_INTEGERS = 10000;
const sharedIntegers: string[] = [];
for (let i = 0; i < SHARED_INTEGERS; i++) sharedIntegers.push(String(i));

/**
 * The decimal text of an integer. 0 to 9999 come from one table made at start-up, as Redis
 * shares objects for them: counters (INCR, HINCRBY) that stay small then store a string
 * that already lives in the old generation instead of a new one for every change.
 */
export function intString(n: number | bigint): string {
  if (typeof n === 'number' && n >= 0 && n < SHARED_INTEGERS && Number.isInteger(n)) return sharedIntegers[n]!;
  return String(n);
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

/** Result of `strtod`: the value, where parsing stopped, and whether C would set ERANGE. */
export interface Strtod {
  value: number;
  /** Index after the number; equal to `start` when nothing was converted. */
  end: number;
  /** Overflow to ±inf, or underflow to zero or a subnormal, from a finite literal. */
  erange: boolean;
}

const HEX = /^[0-9a-fA-F]$/;

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isHex(ch: string | undefined): boolean {
  return ch !== undefined && HEX.test(ch);
}

/**
 * C strtod on s from `start`: leading white space, a sign, then a decimal number, a hex float
 * ("0x1.8p3"), "inf"/"infinity" or "nan"/"nan(...)", all case-insensitive. The longest prefix
 * that forms a number is converted (correctly rounded, as glibc does); `end` tells where it
 * stopped. Redis validates the stop position itself, differently per command.
 */
export function strtod(s: string, start = 0): Strtod {
  const n = s.length;
  let i = start;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  let neg = false;
  if (i < n && (s[i] === '+' || s[i] === '-')) {
    neg = s[i] === '-';
    i++;
  }
  const body = i;
  // inf / infinity / nan
  const first = s.charCodeAt(body) | 0x20;
  const word = first === 0x69 || first === 0x6e ? s.slice(body, body + 8).toLowerCase() : '';
  if (word.startsWith('inf')) {
    const end = word === 'infinity' ? body + 8 : body + 3;
    return { value: neg ? -Infinity : Infinity, end, erange: false };
  }
  if (word.startsWith('nan')) {
    let end = body + 3;
    if (s[end] === '(') {
      let j = end + 1;
      while (j < n && /[0-9A-Za-z_]/.test(s[j]!)) j++;
      if (s[j] === ')') end = j + 1;
    }
    return { value: NaN, end, erange: false };
  }
  // hex float
  if (s[body] === '0' && (s[body + 1] === 'x' || s[body + 1] === 'X') && (isHex(s[body + 2]) || (s[body + 2] === '.' && isHex(s[body + 3])))) {
    return hexFloat(s, body + 2, neg);
  }
  // decimal
  let j = body;
  let digits = 0;
  let nonzero = false;
  while (j < n && isDigit(s.charCodeAt(j))) {
    if (s[j] !== '0') nonzero = true;
    j++;
    digits++;
  }
  if (j < n && s[j] === '.') {
    j++;
    while (j < n && isDigit(s.charCodeAt(j))) {
      if (s[j] !== '0') nonzero = true;
      j++;
      digits++;
    }
  }
  if (digits === 0) return { value: 0, end: start, erange: false };
  if (j < n && (s[j] === 'e' || s[j] === 'E')) {
    let k = j + 1;
    if (k < n && (s[k] === '+' || s[k] === '-')) k++;
    if (k < n && isDigit(s.charCodeAt(k))) {
      while (k < n && isDigit(s.charCodeAt(k))) k++;
      j = k;
    }
  }
  const text = s.slice(body, j);
  let value = Number(text);
  if (Number.isNaN(value)) value = Number('0' + text); // ".5e1" style forms Number() may refuse
  const erange = !Number.isFinite(value) || (nonzero && Math.abs(value) < 2.2250738585072014e-308);
  return { value: neg ? -value : value, end: j, erange };
}

function hexFloat(s: string, at: number, neg: boolean): Strtod {
  const n = s.length;
  let j = at;
  let mant = 0n;
  let fracDigits = 0;
  let nonzero = false;
  while (j < n && isHex(s[j])) {
    mant = mant * 16n + BigInt(parseInt(s[j]!, 16));
    if (s[j] !== '0') nonzero = true;
    j++;
  }
  if (j < n && s[j] === '.') {
    j++;
    while (j < n && isHex(s[j])) {
      mant = mant * 16n + BigInt(parseInt(s[j]!, 16));
      if (s[j] !== '0') nonzero = true;
      fracDigits++;
      j++;
    }
  }
  let exp = 0;
  if (j < n && (s[j] === 'p' || s[j] === 'P')) {
    let k = j + 1;
    let eneg = false;
    if (k < n && (s[k] === '+' || s[k] === '-')) {
      eneg = s[k] === '-';
      k++;
    }
    if (k < n && isDigit(s.charCodeAt(k))) {
      let e = 0;
      while (k < n && isDigit(s.charCodeAt(k))) {
        if (e < 100000) e = e * 10 + (s.charCodeAt(k) - 48);
        k++;
      }
      exp = eneg ? -e : e;
      j = k;
    }
  }
  exp -= 4 * fracDigits;
  let value: number;
  if (mant === 0n) value = 0;
  else {
    // Scale in two steps so neither the mantissa nor the power overflows on its own.
    const bits = mant.toString(2).length;
    let m = mant;
    if (bits > 64) {
      const drop = bits - 64;
      // Keep a sticky bit so rounding of the final conversion stays correct.
      const sticky = (m & ((1n << BigInt(drop)) - 1n)) !== 0n ? 1n : 0n;
      m = (m >> BigInt(drop)) | sticky;
      exp += drop;
    }
    value = Number(m) * 2 ** Math.max(-1074, Math.min(1024, exp));
    if (exp < -1074) value = Number(m) * 2 ** (exp + 1074) * 2 ** -1074;
  }
  const erange = !Number.isFinite(value) || (nonzero && Math.abs(value) < 2.2250738585072014e-308);
  return { value: neg ? -value : value, end: j, erange };
}

/**
 * A double as Redis's getDoubleFromObject reads it (string2d): strtod over the whole
 * argument, no leading space, no NaN, no overflow and no underflow to zero. Null if invalid.
 */
export function parseScore(s: string): number | null {
  const n = s.length;
  if (n > 0 && n <= 15) {
    // Fast path: an optional '-' and up to 15 digits, exact in a double as strtod reads it.
    const neg = s.charCodeAt(0) === 45;
    let i = neg ? 1 : 0;
    if (i < n) {
      let v = 0;
      for (; i < n; i++) {
        const d = s.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
      }
      if (i === n) return neg ? -v : v;
    }
  }
  if (n === 0 || isSpace(s.charCodeAt(0))) return null;
  const r = strtod(s);
  if (r.end !== s.length || r.value !== r.value) return null;
  if (r.erange && (!Number.isFinite(r.value) || r.value === 0)) return null;
  return r.value;
}

/**
 * Parses a double as Redis's getDoubleFromObject does (strtod over the whole argument, then
 * checks): no leading space, no trailing bytes, no NaN, no overflow to infinity and no
 * underflow to zero from a finite literal; hex floats and "inf"/"infinity" as C accepts them.
 * Null when rejected.
 */
export function parseDouble(s: string): number | null {
  return parseScore(s);
}

/** Formats a double as C's printf("%.17g"), with Redis's "inf"/"-inf"/"nan". */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const short = exactShortDecimal(d);
  if (short !== null) return short;
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

/** 5^p for p = 0..22 (all exact doubles). */
const POW5: number[] = Array.from({ length: 23 }, (_, p) => 5 ** p);

/**
 * String(d) when that is exactly d's value (a dyadic fraction with a short decimal form,
 * such as 2.5 or 0.375, or an integer) and 1e-4 <= |d| < 1e15: then %.17g prints the same
 * digits (the exact value has fewer than 17 of them) in the same fixed notation. Null
 * otherwise (0.1 is not exactly 0.1: %.17g shows 0.10000000000000001).
 */
function exactShortDecimal(d: number): string | null {
  const a = d < 0 ? -d : d;
  if (!(a >= 1e-4 && a < 1e15)) return null;
  const s = String(d);
  const dot = s.indexOf('.');
  if (dot < 0) return s;
  const p = s.length - dot - 1;
  if (p > 22) return null;
  // s = m / 10^p exactly iff 5^p divides m and (m / 5^p) / 2^p is d.
  const m = Number(s.slice(0, dot) + s.slice(dot + 1));
  if (!Number.isSafeInteger(m) || m % POW5[p]! !== 0) return null;
  return m / POW5[p]! / 2 ** p === d ? s : null;
}

/**
 * Formats a double as Redis's d2string: integers that a long long holds exactly print as
 * integers, others as %.17g (used where Redis stores scores as text, e.g. listpacks).
 */
export function d2string(d: number): string {
  if (Number.isInteger(d) && Math.abs(d) < 2 ** 53) return Object.is(d, -0) ? '-0' : String(d);
  return formatDouble(d);
}
