/**
 * RZSet: the sorted set type (placeholder until the collections work lands; the
 * persistence layer codes against this surface).
 */
export class RZSet {
  readonly kind = 'zset' as const;
  private scores = new Map<string, number>();
  get size(): number {
    return this.scores.size;
  }
  encoding(): 'listpack' | 'skiplist' {
    return 'skiplist';
  }
  /** Adds or updates member; returns true when it is new. */
  add(member: string, score: number): boolean {
    const had = this.scores.has(member);
    this.scores.set(member, score);
    return !had;
  }
  /** [member, score] pairs in ascending (score, member) order. */
  *entries(): IterableIterator<[string, number]> {
    const all = [...this.scores.entries()];
    all.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    yield* all;
  }
}
