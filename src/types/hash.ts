/**
 * RHash: the hash type. PLACEHOLDER: the collections work replaces the inside.
 *
 * Persistence relies on exactly this surface; keep these members and their meaning:
 *   kind, size, encoding(), set(field, value), get(field), entries(), clone()
 * A listpack-encoded hash iterates in insertion order (as Redis's listpack does).
 */
export class RHash {
  readonly kind = 'hash' as const;
  private map = new Map<string, string>();
  get size(): number {
    return this.map.size;
  }
  /** 'listpack' within hash-max-listpack-entries/value, else 'hashtable'. */
  encoding(): 'listpack' | 'hashtable' {
    return 'hashtable';
  }
  /** Sets a field; returns true when the field is new. */
  set(field: string, value: string): boolean {
    const had = this.map.has(field);
    this.map.set(field, value);
    return !had;
  }
  get(field: string): string | undefined {
    return this.map.get(field);
  }
  /** Field/value pairs in the hash's iteration order. */
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  clone(): RHash {
    const h = new RHash();
    h.map = new Map(this.map);
    return h;
  }
}
