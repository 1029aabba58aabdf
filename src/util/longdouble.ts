/**
 * x87 80-bit `long double` emulation, exact, with BigInt: the three operations INCRBYFLOAT
 * needs (parse as glibc strtold does, add, print as printf "%.17Lf" does), so that its
 * replies match Redis built for x86-64 Linux byte for byte.
 *
 * Redis computes INCRBYFLOAT in `long double` (64-bit significand, 15-bit exponent) and
 * prints the result with "%.17Lf" then trims trailing zeros. A JS double has 53 bits and
 * would print e.g. 0.1+0.2 as 0.30000000000000004; the extended type rounds it to 0.3.
 *
 * A finite value is sign · m · 2^e with m < 2^64 (the explicit-integer-bit significand)
 * and e ≥ -16445 (the smallest subnormal is 2^-16445); it overflows at 2^16384.
 * Every operation is exact and then rounded once, to nearest with ties to even, which is
 * what the x87 unit (precision control "extended", Linux's default) and glibc do.
 *
 * Leaf module.
 */

/** A long double: finite (m, e), or infinite, or NaN. */
export interface LongDouble {
  readonly neg: boolean;
  /** Significand, below 2^64; 0n for zero. Meaningless when inf or nan. */
  readonly m: bigint;
  /** Binary exponent of the significand's lowest bit. */
  readonly e: number;
  readonly inf: boolean;
  readonly nan: boolean;
}

const P = 64; // significand bits
const MIN_E = -16445; // exponent of the smallest subnormal's bit
const MAX_BITS = 16384; // values reach 2^16384 → overflow

/** Longest text string2ld accepts (Redis MAX_LONG_DOUBLE_CHARS - 1). */
export const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

const ZERO: LongDouble = { neg: false, m: 0n, e: 0, inf: false, nan: false };
const NEG_ZERO: LongDouble = { neg: true, m: 0n, e: 0, inf: false, nan: false };

function finite(neg: boolean, m: bigint, e: number): LongDouble {
  return { neg, m, e, inf: false, nan: false };
}

function infinity(neg: boolean): LongDouble {
  return { neg, m: 0n, e: 0, inf: true, nan: false };
}

const NAN: LongDouble = { neg: false, m: 0n, e: 0, inf: false, nan: true };

/** Number of bits of a positive BigInt. */
function bitLength(n: bigint): number {
  if (n === 0n) return 0;
  // toString(16) is fast in V8; the top hex digit gives the last few bits.
  const hex = n.toString(16);
  const top = parseInt(hex[0]!, 16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(top));
}

/**
 * Rounds the exact value (m + sticky·ε)·2^e (m ≥ 0; sticky: nonzero bits were dropped
 * below m) to the long double format: 64 significant bits, gradual underflow, overflow to
 * infinity.
 */
function round(neg: boolean, m: bigint, e: number, sticky: boolean): LongDouble {
  if (m === 0n) return neg ? NEG_ZERO : ZERO;
  let shift = bitLength(m) - P;
  if (e + shift < MIN_E) shift = MIN_E - e;
  if (shift > 0) {
    const s = BigInt(shift);
    const kept = m >> s;
    const rest = m & ((1n << s) - 1n);
    const half = 1n << (s - 1n);
    const up = rest > half || (rest === half && (sticky || (kept & 1n) === 1n));
    m = up ? kept + 1n : kept;
    e += shift;
    if (m === 1n << 64n) {
      m >>= 1n;
      e += 1;
    }
  }
  if (m !== 0n && bitLength(m) + e > MAX_BITS) return infinity(neg);
  return finite(neg, m, e);
}

/** Rounds num/den · 2^e2 (num, den > 0) correctly. */
function roundQuotient(neg: boolean, num: bigint, den: bigint, e2: number): LongDouble {
  // Scale so the integer quotient carries at least P + 2 bits; the remainder is sticky.
  const k = P + 3 - (bitLength(num) - bitLength(den));
  let q: bigint;
  let r: bigint;
  if (k >= 0) {
    const n = num << BigInt(k);
    q = n / den;
    r = n % den;
  } else {
    const d = den << BigInt(-k);
    q = num / d;
    r = num % d;
  }
  return round(neg, q, e2 - k, r !== 0n);
}

const DECIMAL = /^([+-]?)(?:(\d+)\.?(\d*)|\.(\d+))(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;
const INF = /^([+-]?)inf(?:inity)?$/i;
const SPACE = /^[ \t\n\v\f\r]/;

/** Parses an exponent literal, clamped far beyond any meaningful range. */
function exponent(s: string | undefined): number {
  if (s === undefined) return 0;
  const v = Number(s);
  return Math.max(-1e9, Math.min(1e9, v));
}

/**
 * Reads a long double as Redis's string2ld does (glibc strtold plus checks): no leading
 * space, the whole text consumed (an embedded NUL stops strtold, so it is rejected),
 * overflow to ±HUGE_VAL and underflow to zero rejected, NaN rejected. "inf", "infinity"
 * and hexadecimal floats ("0x1.8p3") are accepted as strtold accepts them.
 * Returns null when Redis would answer "value is not a valid float".
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= MAX_LONG_DOUBLE_CHARS) return null;
  if (SPACE.test(s)) return null;
  let m = DECIMAL.exec(s);
  if (m !== null) {
    const neg = m[1] === '-';
    const intDigits = m[2] ?? '';
    const fracDigits = m[3] ?? m[4] ?? '';
    let digits = (intDigits + fracDigits).replace(/^0+/, '');
    if (digits.length === 0) return neg ? NEG_ZERO : ZERO;
    let e10 = exponent(m[5]) - fracDigits.length;
    // Trailing zeros only scale the exponent; dropping them keeps the BigInts small.
    const trimmed = digits.replace(/0+$/, '');
    e10 += digits.length - trimmed.length;
    digits = trimmed;
    // The value lies in [10^(mag-1), 10^mag).
    const mag = digits.length + e10;
    if (mag > 4934) return null; // ≥ 10^4933 > max (about 1.19e4932): ERANGE, HUGE_VAL
    if (mag < -4952) return null; // < 10^-4952, below half the smallest subnormal: ERANGE, 0
    const d = BigInt(digits);
    const v = e10 >= 0 ? round(neg, d * 10n ** BigInt(e10), 0, false) : roundQuotient(neg, d, 10n ** BigInt(-e10), 0);
    return rangeChecked(v);
  }
  m = HEX.exec(s);
  if (m !== null) {
    const neg = m[1] === '-';
    const intDigits = m[2] ?? '';
    const fracDigits = m[3] ?? m[4] ?? '';
    const digits = (intDigits + fracDigits).replace(/^0+/, '');
    if (digits.length === 0) return neg ? NEG_ZERO : ZERO;
    const h = BigInt('0x' + digits);
    const e2 = exponent(m[5]) - 4 * fracDigits.length;
    const mag = bitLength(h) + e2;
    if (mag > MAX_BITS + 1) return null;
    if (mag < MIN_E - 2) return null;
    return rangeChecked(round(neg, h, e2, false));
  }
  m = INF.exec(s);
  if (m !== null) return infinity(m[1] === '-');
  // Anything else leaves unparsed bytes, or is a NaN ("nan", "nan(...)"), which
  // string2ld rejects too.
  return null;
}

/** strtold's ERANGE cases that string2ld rejects: overflow to infinity, underflow to zero. */
function rangeChecked(v: LongDouble): LongDouble | null {
  if (v.inf) return null;
  if (v.m === 0n) return null; // a nonzero literal that rounded to zero
  return v;
}

/** a + b, rounded once (x87 FADD in extended precision, round to nearest even). */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.nan || b.nan) return NAN;
  if (a.inf || b.inf) {
    if (a.inf && b.inf && a.neg !== b.neg) return NAN;
    return a.inf ? a : b;
  }
  if (a.m === 0n && b.m === 0n) return a.neg && b.neg ? NEG_ZERO : ZERO;
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const ma = a.m << BigInt(a.e - e);
  const mb = b.m << BigInt(b.e - e);
  const sum = (a.neg ? -ma : ma) + (b.neg ? -mb : mb);
  if (sum === 0n) return ZERO; // x + (-x) is +0 when rounding to nearest
  return sum < 0n ? round(true, -sum, e, false) : round(false, sum, e, false);
}

export function isFiniteLongDouble(v: LongDouble): boolean {
  return !v.inf && !v.nan;
}

const TEN17 = 10n ** 17n;

/**
 * Formats a finite value as Redis's ld2string in human mode: printf "%.17Lf" (exact
 * decimal expansion, rounded half to even as glibc does), trailing zeros and a trailing
 * '.' removed, and "-0" printed as "0".
 */
export function formatLongDoubleHuman(v: LongDouble): string {
  if (v.inf) return v.neg ? '-inf' : 'inf';
  if (v.nan) return v.neg ? '-nan' : 'nan';
  let q: bigint;
  if (v.e >= 0) {
    q = (v.m << BigInt(v.e)) * TEN17;
  } else {
    const s = BigInt(-v.e);
    const n = v.m * TEN17;
    q = n >> s;
    const rest = n & ((1n << s) - 1n);
    const half = 1n << (s - 1n);
    if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
  }
  const digits = q.toString();
  let text: string;
  if (digits.length <= 17) {
    text = '0.' + digits.padStart(17, '0');
  } else {
    text = digits.slice(0, digits.length - 17) + '.' + digits.slice(digits.length - 17);
  }
  text = text.replace(/0+$/, '');
  if (text.endsWith('.')) text = text.slice(0, -1);
  if (v.neg && text !== '0') return '-' + text;
  return text;
}
