/**
 * RSet: the set type. PLACEHOLDER: the collections work replaces the inside.
 *
 * Persistence relies on exactly this surface; keep these members and their meaning:
 *   kind, size, encoding(), add(member), has(member), values(), clone()
 * An intset-encoded set iterates in ascending integer order (as Redis's intset does).
 */
export class RSet {
  readonly kind = 'set' as const;
  private members = new Set<string>();
  get size(): number {
    return this.members.size;
  }
  /** 'intset' while every member is an integer and within set-max-intset-entries, else 'hashtable'. */
  encoding(): 'intset' | 'hashtable' {
    return 'hashtable';
  }
  /** Adds a member; returns true when it is new. */
  add(member: string): boolean {
    const had = this.members.has(member);
    this.members.add(member);
    return !had;
  }
  has(member: string): boolean {
    return this.members.has(member);
  }
  values(): IterableIterator<string> {
    return this.members.values();
  }
  clone(): RSet {
    const s = new RSet();
    s.members = new Set(this.members);
    return s;
  }
}
