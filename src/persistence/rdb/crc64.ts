/**
 * CRC-64 as Redis computes it for RDB files and DUMP payloads (crc64.c): the "Jones"
 * polynomial 0xad93d23594c935a9, reflected input and output, initial value 0, no final
 * xor. crc64("123456789") = 0xe9c6d914c4b8d9ca.
 *
 * Table-driven, slicing-by-8: eight 256-entry tables let one step consume eight bytes.
 * JavaScript has no fast 64-bit integers, so the running CRC is kept as two 32-bit
 * halves (lo, hi) and each table as two Uint32Arrays; BigInt appears only at the edges.
 *
 * Leaf module.
 */

const POLY = 0xad93d23594c935a9n;

/** Bit-reverses a 64-bit value (the reflected polynomial). */
function reflect64(v: bigint): bigint {
  let r = 0n;
  for (let i = 0; i < 64; i++) {
    r = (r << 1n) | (v & 1n);
    v >>= 1n;
  }
  return r;
}

/** Table k at [k * 256 + byte]: low and high 32 bits. */
const TLO = new Uint32Array(8 * 256);
const THI = new Uint32Array(8 * 256);

(function buildTables(): void {
  const rpoly = reflect64(POLY);
  const plo = Number(rpoly & 0xffffffffn) >>> 0;
  const phi = Number(rpoly >> 32n) >>> 0;
  for (let i = 0; i < 256; i++) {
    let lo = i;
    let hi = 0;
    for (let b = 0; b < 8; b++) {
      const carry = lo & 1;
      lo = ((lo >>> 1) | (hi << 31)) >>> 0;
      hi = hi >>> 1;
      if (carry) {
        lo = (lo ^ plo) >>> 0;
        hi = (hi ^ phi) >>> 0;
      }
    }
    TLO[i] = lo;
    THI[i] = hi;
  }
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const plo2 = TLO[(k - 1) * 256 + i]!;
      const phi2 = THI[(k - 1) * 256 + i]!;
      const idx = plo2 & 0xff;
      TLO[k * 256 + i] = (((plo2 >>> 8) | (phi2 << 24)) ^ TLO[idx]!) >>> 0;
      THI[k * 256 + i] = ((phi2 >>> 8) ^ THI[idx]!) >>> 0;
    }
  }
})();

/**
 * Inputs at least this long are read eight bytes per step as two little-endian words
 * through a DataView (any alignment, any byte order; ~1.1-1.2 GB/s over 16 KB chunks);
 * shorter ones byte by byte, where making the view would cost more than the sliced steps
 * save.
 */
const WORDS_FROM = 64;

/** An incremental CRC-64: feed bytes with `update`, read the result with `value`. */
export class Crc64 {
  lo = 0;
  hi = 0;

  constructor(initial = 0n) {
    this.lo = Number(initial & 0xffffffffn) | 0;
    this.hi = Number((initial >> 32n) & 0xffffffffn) | 0;
  }

  update(buf: Uint8Array, start = 0, end = buf.length): this {
    let lo = this.lo;
    let hi = this.hi;
    let i = start;
    const tlo = TLO;
    const thi = THI;
    if (end - start >= WORDS_FROM) {
      // Eight bytes per step, read as two little-endian words.
      const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      const stop8 = end - 8;
      while (i <= stop8) {
        const a = lo ^ view.getInt32(i, true);
        const b = hi ^ view.getInt32(i + 4, true);
        const i7 = 7 * 256 + (a & 0xff);
        const i6 = 6 * 256 + ((a >>> 8) & 0xff);
        const i5 = 5 * 256 + ((a >>> 16) & 0xff);
        const i4 = 4 * 256 + (a >>> 24);
        const i3 = 3 * 256 + (b & 0xff);
        const i2 = 2 * 256 + ((b >>> 8) & 0xff);
        const i1 = 256 + ((b >>> 16) & 0xff);
        const i0 = b >>> 24;
        lo = tlo[i7]! ^ tlo[i6]! ^ tlo[i5]! ^ tlo[i4]! ^ tlo[i3]! ^ tlo[i2]! ^ tlo[i1]! ^ tlo[i0]!;
        hi = thi[i7]! ^ thi[i6]! ^ thi[i5]! ^ thi[i4]! ^ thi[i3]! ^ thi[i2]! ^ thi[i1]! ^ thi[i0]!;
        i += 8;
      }
    }
    while (i < end) {
      const idx = (lo ^ buf[i]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ tlo[idx]!;
      hi = (hi >>> 8) ^ thi[idx]!;
      i++;
    }
    this.lo = lo;
    this.hi = hi;
    return this;
  }

  /** The CRC so far as an unsigned 64-bit BigInt. */
  value(): bigint {
    return (BigInt(this.hi >>> 0) << 32n) | BigInt(this.lo >>> 0);
  }

  /** Writes the CRC as 8 little-endian bytes (how RDB files and DUMP payloads store it). */
  writeLE(target: Uint8Array, offset: number): void {
    const lo = this.lo;
    const hi = this.hi;
    target[offset] = lo & 0xff;
    target[offset + 1] = (lo >>> 8) & 0xff;
    target[offset + 2] = (lo >>> 16) & 0xff;
    target[offset + 3] = lo >>> 24;
    target[offset + 4] = hi & 0xff;
    target[offset + 5] = (hi >>> 8) & 0xff;
    target[offset + 6] = (hi >>> 16) & 0xff;
    target[offset + 7] = hi >>> 24;
  }

  /** Whether 8 little-endian bytes at offset hold this CRC. */
  equalsLE(source: Uint8Array, offset: number): boolean {
    const lo = source[offset]! | (source[offset + 1]! << 8) | (source[offset + 2]! << 16) | (source[offset + 3]! << 24);
    const hi = source[offset + 4]! | (source[offset + 5]! << 8) | (source[offset + 6]! << 16) | (source[offset + 7]! << 24);
    return lo === (this.lo | 0) && hi === (this.hi | 0);
  }
}

/** CRC-64 of buf[start, end), continuing from crc (0 to start fresh). */
export function crc64(buf: Uint8Array, crc = 0n, start = 0, end = buf.length): bigint {
  return new Crc64(crc).update(buf, start, end).value();
}
