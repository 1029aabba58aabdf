/**
 * RSet: the set type (placeholder until the collections work lands; the persistence
 * layer codes against this surface).
 */
export class RSet {
  readonly kind = 'set' as const;
  private members = new Set<string>();
  get size(): number {
    return this.members.size;
  }
  encoding(): 'intset' | 'listpack' | 'hashtable' {
    return 'hashtable';
  }
  add(member: string): boolean {
    const had = this.members.has(member);
    this.members.add(member);
    return !had;
  }
  values(): IterableIterator<string> {
    return this.members.values();
  }
}
