/**
 * RList: the list type (placeholder until the collections work lands; the persistence
 * layer codes against this surface).
 */
export class RList {
  readonly kind = 'list' as const;
  private items: string[] = [];
  get length(): number {
    return this.items.length;
  }
  /** Redis's encoding name: 'listpack' while small, 'quicklist' beyond the thresholds. */
  encoding(): 'listpack' | 'quicklist' {
    return 'quicklist';
  }
  pushTail(v: string): void {
    this.items.push(v);
  }
  /** All elements head to tail. */
  *values(): IterableIterator<string> {
    yield* this.items;
  }
}
