/**
 * RZSet: the sorted set type. PLACEHOLDER: the collections work replaces the inside.
 *
 * Persistence relies on exactly this surface; keep these members and their meaning:
 *   kind, size, encoding(), add(member, score), score(member), entries(), clone()
 */
export class RZSet {
  readonly kind = 'zset' as const;
  private scores = new Map<string, number>();
  get size(): number {
    return this.scores.size;
  }
  /** 'listpack' within zset-max-listpack-entries/value, else 'skiplist'. */
  encoding(): 'listpack' | 'skiplist' {
    return 'skiplist';
  }
  /** Adds a member or updates its score; returns true when it is new. */
  add(member: string, score: number): boolean {
    const had = this.scores.has(member);
    this.scores.set(member, score);
    return !had;
  }
  score(member: string): number | undefined {
    return this.scores.get(member);
  }
  /** [member, score] pairs in ascending (score, member) order. */
  *entries(): IterableIterator<[string, number]> {
    const all = [...this.scores.entries()];
    all.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    yield* all;
  }
  clone(): RZSet {
    const z = new RZSet();
    z.scores = new Map(this.scores);
    return z;
  }
}
