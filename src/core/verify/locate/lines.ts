import type { Position } from '../types.js';

/**
 * Turns string offsets into 1-based line/column, with a binary search over line starts, and gives
 * the text of one line in O(1). Built once per document, so a file with thousands of errors is
 * still read in linear time.
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  at(offset: number): Position {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.starts[low]! + 1 };
  }

  /** Line `n` (1-based) without its line ending; undefined past the end. */
  line(n: number): string | undefined {
    if (n < 1 || n > this.starts.length) return undefined;
    const start = this.starts[n - 1]!;
    const end = n < this.starts.length ? this.starts[n]! - 1 : this.text.length;
    return this.text.slice(start, end).replace(/\r$/, '');
  }
}
