/** A least-recently-used map bounded by the total byte weight of its values. */
export class ByteLru<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private total = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly onChange?: (bytes: number, entries: number) => void,
  ) {}

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** The value of `key` without making it more recent. */
  peek(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  /** Stores `value`; one heavier than the whole budget is not kept at all. */
  set(key: string, value: V, bytes: number): void {
    this.delete(key);
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    this.evict();
    this.onChange?.(this.total, this.entries.size);
  }

  /**
   * Changes the weight of `key`'s entry in place (a value that grew or shrank since it was stored),
   * without making it more recent; then evicts least recently used entries while over budget —
   * the entry itself too, when it is the least recently used. An entry now heavier than the whole
   * budget is dropped. Nothing happens for a missing key. Whether the entry is still kept.
   */
  reweigh(key: string, bytes: number): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    if (entry.bytes === bytes) return true;
    if (bytes > this.maxBytes) return !this.delete(key);
    this.total += bytes - entry.bytes;
    entry.bytes = bytes;
    this.evict();
    this.onChange?.(this.total, this.entries.size);
    return this.entries.has(key);
  }

  delete(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.total -= entry.bytes;
    this.onChange?.(this.total, this.entries.size);
    return true;
  }

  /** Drops least recently used entries until the total is within budget. */
  private evict(): void {
    for (const [oldest, entry] of this.entries) {
      if (this.total <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.total -= entry.bytes;
    }
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
    this.onChange?.(0, 0);
  }
}
