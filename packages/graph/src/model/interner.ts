/** Assigns each distinct string a dense index, in first-seen order. */
export class Interner {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();

  /** The index of `s`, adding it when new. */
  intern(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(s);
      this.index.set(s, i);
    }
    return i;
  }

  /** The index of `s`, or undefined when it was never interned. */
  lookup(s: string): number | undefined {
    return this.index.get(s);
  }
}
