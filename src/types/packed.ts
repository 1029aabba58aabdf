/**
 * Packed values: a small hash, sorted set or one-node list loaded from an RDB file keeps the
 * listpack bytes it was read from, an intset the intset's bytes, and a small hashtable set a
 * listpack made of its members, as one latin1 string, until a command first touches it.
 *
 * Most keys of a large dataset are not touched soon after a restart, and a small collection
 * decoded into arrays and strings costs several heap objects, each of which the young
 * generation copies twice on its way to the old one during a load. Kept packed, the value
 * is one object and one string: the load does less work and the heap holds less. The first
 * command that reads or changes the value decodes it (once); SAVE, BGSAVE, DUMP and an AOF
 * rewrite write an untouched value's bytes back as they were read.
 *
 * Only the RDB reader packs values, after validating the listpack as it would for a
 * decoded one (a damaged file still stops the start), and it installs the decoder the types
 * use to unpack. Imports nothing.
 */

/** Decodes what the RDB reader validated and packed. */
export interface PackedDecoder {
  /** A listpack's elements in order, integers in their decimal form. */
  strings(packed: string): string[];
  /** A sorted set's listpack (member, score, ...): the members and their scores. */
  pairs(packed: string): [members: string[], scores: number[]];
  /** An intset's members, ascending: numbers, bigints beyond ±(2^53-1). */
  ints(packed: string): (number | bigint)[];
}

let decoder: PackedDecoder | null = null;

/** Installed by the RDB reader when it is loaded (before any value can be packed). */
export function installPackedDecoder(d: PackedDecoder): void {
  decoder = d;
}

export function packedDecoder(): PackedDecoder {
  if (decoder === null) throw new Error('packed listpack without a decoder');
  return decoder;
}

/** The element count in a packed listpack's header (the reader packs only known counts). */
export function packedCount(packed: string): number {
  return packed.charCodeAt(4) | (packed.charCodeAt(5) << 8);
}

/** The member count in a packed intset's header (a 32-bit length after the 32-bit width). */
export function packedIntsetCount(packed: string): number {
  return (packed.charCodeAt(4) | (packed.charCodeAt(5) << 8) | (packed.charCodeAt(6) << 16) | (packed.charCodeAt(7) << 24)) >>> 0;
}
