/**
 * RList: the list type. PLACEHOLDER: the collections work replaces the inside.
 *
 * Persistence (RDB writer/reader, DUMP/RESTORE, digest, COPY) relies on exactly this
 * surface; keep these members and their meaning when the implementation changes:
 *   kind, length, encoding(), pushTail(v), values(), clone()
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
  /** Appends at the tail (RPUSH; the loader builds lists with it). */
  pushTail(v: string): void {
    this.items.push(v);
  }
  /** All elements head to tail. */
  *values(): IterableIterator<string> {
    yield* this.items;
  }
  /** An independent deep copy (COPY). */
  clone(): RList {
    const l = new RList();
    l.items = this.items.slice();
    return l;
  }
}
