/**
 * LZF compression as Redis uses it for RDB strings and compressed quicklist nodes
 * (lzf_c.c / lzf_d.c with Redis's settings: HLOG 16, VERY_FAST, CHECK_INPUT).
 *
 * The compressor must make the same choices as Redis's so that files and DUMP payloads
 * are byte-identical, and must fail (return 0) in exactly the cases Redis's does, because
 * "did it fit in the output budget" decides whether a string is stored compressed.
 *
 * Format: a sequence of
 *   `000LLLLL` + L+1 literal bytes (1..32)
 *   `LLLooooo oooooooo` back reference of L+2 bytes (L 1..6) at distance o+1 (1..8192)
 *   `111ooooo LLLLLLLL oooooooo` back reference of L+9 bytes
 *
 * Redis leaves the hash table uninitialised (INIT_HTAB 0); we start each call with an
 * empty table, which is what an uninitialised table amounts to in practice (a stale
 * entry only produces a match if it points at equal bytes inside this very input).
 *
 * Leaf module.
 */

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/**
 * Hash table of input positions. Entries are stored as `base + position`; anything below
 * the current `base` belongs to an earlier call and reads as empty, so the table never
 * needs clearing between calls (clearing 64K slots per string would dominate small
 * strings).
 */
const htab = new Int32Array(HSIZE);
let base = 1;

function hashIndex(h: number): number {
  return ((h >>> 8) - h * 5) & (HSIZE - 1);
}

/**
 * Compresses input[start, start+len) into out[0, outLen). Returns the compressed length,
 * or 0 when the result would not fit in outLen bytes (or len is 0). `out` must have at
 * least outLen + 8 bytes of room (writes may run a few bytes past outLen before the
 * compressor notices and gives up, as in C).
 */
export function lzfCompress(input: Uint8Array, start: number, len: number, out: Uint8Array, outLen: number): number {
  if (len === 0 || outLen === 0) return 0;
  if (base + len + 2 > 0x7fffffff) {
    htab.fill(0);
    base = 1;
  }
  const b = base;
  base += len + 1;

  const inp = start === 0 ? input : input.subarray(start, start + len);
  const inEnd = len;
  const outEnd = outLen;
  let ip = 0;
  let op = 0;
  let lit = 0;
  op++; // start run

  let hval = (inp[0]! << 8) | (len > 1 ? inp[1]! : 0);
  while (ip < inEnd - 2) {
    hval = ((hval << 8) | inp[ip + 2]!) & 0xffffff;
    const slot = hashIndex(hval);
    const stored = htab[slot]!;
    const ref = stored >= b ? stored - b : -1;
    htab[slot] = b + ip;
    const off = ip - ref - 1;
    if (
      ref > 0 && // Redis: ref > in_data (a match at the very first byte is never used)
      off >= 0 &&
      off < MAX_OFF &&
      inp[ref + 2] === inp[ip + 2] &&
      inp[ref] === inp[ip] &&
      inp[ref + 1] === inp[ip + 1]
    ) {
      let mlen = 2;
      let maxlen = inEnd - ip - mlen;
      if (maxlen > MAX_REF) maxlen = MAX_REF;

      if (op + 3 + 1 >= outEnd) {
        if (op - (lit === 0 ? 1 : 0) + 3 + 1 >= outEnd) return 0;
      }
      out[op - lit - 1] = (lit - 1) & 0xff; // stop run
      if (lit === 0) op--; // undo run if length is zero

      // Extend the match (the C code's 16-way unrolled compare, then a byte loop).
      let stopped = false;
      if (maxlen > 16) {
        for (let k = 0; k < 16; k++) {
          mlen++;
          if (inp[ref + mlen] !== inp[ip + mlen]) {
            stopped = true;
            break;
          }
        }
      }
      if (!stopped) {
        do mlen++;
        while (mlen < maxlen && inp[ref + mlen] === inp[ip + mlen]);
      }

      mlen -= 2; // now #octets - 1
      ip++;
      if (mlen < 7) {
        out[op++] = (off >> 8) + (mlen << 5);
      } else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = mlen - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start run
      ip += mlen + 1;
      if (ip >= inEnd - 2) break;

      // VERY_FAST: hash the last two positions of the match.
      ip -= 2;
      hval = (inp[ip]! << 8) | inp[ip + 1]!;
      hval = ((hval << 8) | inp[ip + 2]!) & 0xffffff;
      htab[hashIndex(hval)] = b + ip;
      ip++;
      hval = ((hval << 8) | inp[ip + 2]!) & 0xffffff;
      htab[hashIndex(hval)] = b + ip;
      ip++;
    } else {
      if (op >= outEnd) return 0;
      lit++;
      out[op++] = inp[ip++]!;
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }

  if (op + 3 > outEnd) return 0; // at most 3 bytes can be missing here
  while (ip < inEnd) {
    lit++;
    out[op++] = inp[ip++]!;
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = (lit - 1) & 0xff; // end run
  if (lit === 0) op--;
  return op;
}

let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * Compresses data when the result fits in `maxLen` bytes; returns a view of a shared
 * scratch buffer (valid until the next call) or null.
 */
export function lzfTryCompress(data: Uint8Array, maxLen: number): Buffer | null {
  if (scratch.length < maxLen + 16) scratch = Buffer.allocUnsafe(Math.max(maxLen + 16, scratch.length * 2));
  const n = lzfCompress(data, 0, data.length, scratch, maxLen);
  return n === 0 ? null : scratch.subarray(0, n);
}

/**
 * Decompresses input[start, end) into out[0, outLen). Returns the number of bytes
 * produced, or -1 when the input is malformed or would overflow outLen (never reads or
 * writes out of bounds). Redis treats any result other than the expected length as
 * corruption.
 */
export function lzfDecompress(input: Uint8Array, start: number, end: number, out: Uint8Array, outLen: number): number {
  let ip = start;
  let op = 0;
  while (ip < end) {
    let ctrl = input[ip++]!;
    if (ctrl < 1 << 5) {
      ctrl++;
      if (op + ctrl > outLen) return -1;
      if (ip + ctrl > end) return -1;
      for (let k = 0; k < ctrl; k++) out[op++] = input[ip++]!;
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (ip >= end) return -1;
      if (len === 7) {
        len += input[ip++]!;
        if (ip >= end) return -1;
      }
      ref -= input[ip++]!;
      if (op + len + 2 > outLen) return -1;
      if (ref < 0) return -1;
      len += 2;
      // Byte by byte: the reference may overlap the bytes being written (a run).
      for (let k = 0; k < len; k++) out[op++] = out[ref++]!;
    }
  }
  return op;
}
