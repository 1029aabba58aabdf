/**
 * RHash: the hash type (placeholder until the collections work lands; the persistence
 * layer codes against this surface).
 */
export class RHash {
  readonly kind = 'hash' as const;
  private map = new Map<string, string>();
  get size(): number {
    return this.map.size;
  }
  encoding(): 'listpack' | 'hashtable' {
    return 'hashtable';
  }
  set(field: string, value: string): boolean {
    const had = this.map.has(field);
    this.map.set(field, value);
    return !had;
  }
  /** Field/value pairs in the hash's iteration order. */
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}
