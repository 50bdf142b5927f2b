/**
 * One copy of each distinct string, by index, up to a total of `maxChars` characters.
 * Strings are never removed, so the pool never holds more than that.
 */
export class StringPool {
  private readonly indexes = new Map<string, number>();
  private readonly strings: string[] = [];
  private chars = 0;

  constructor(private readonly maxChars: number) {}

  /** The index of `value`, added if there is room; `undefined` when the pool is full. */
  indexOf(value: string): number | undefined {
    const known = this.indexes.get(value);
    if (known !== undefined) return known;
    if (this.chars + value.length > this.maxChars) return undefined;
    this.indexes.set(value, this.strings.push(value) - 1);
    this.chars += value.length;
    return this.strings.length - 1;
  }

  at(index: number): string | undefined {
    return this.strings[index];
  }
}
