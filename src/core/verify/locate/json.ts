import type { SourceMap } from '../types.js';
import { OffsetRecorder } from './offsets.js';

/**
 * Finds where every key and value of a JSON document is (JSON.parse keeps no positions).
 * Expects text JSON.parse accepted; on anything else it records what it could and stops.
 */
export function locateJson(text: string): SourceMap {
  const rec = new OffsetRecorder(text);
  try {
    new JsonWalker(text, rec).value([]);
  } catch {
    // Partial positions are fine: JSON.parse reports the syntax error.
  }
  return rec;
}

class JsonWalker {
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly rec: OffsetRecorder,
  ) {}

  value(path: (string | number)[]): void {
    this.skip();
    this.rec.recordValue(path, this.i);
    const c = this.text[this.i];
    if (c === '{') this.object(path);
    else if (c === '[') this.array(path);
    else if (c === '"') this.i = this.endOfString(this.i + 1);
    else while (this.i < this.text.length && !',]} \t\r\n'.includes(this.text[this.i]!)) this.i++;
  }

  private object(path: (string | number)[]): void {
    this.i++;
    for (;;) {
      this.skip();
      if (this.i >= this.text.length || this.text[this.i] !== '"') break;
      const start = this.i;
      this.i = this.endOfString(start + 1);
      const name = JSON.parse(this.text.slice(start, this.i)) as string;
      this.rec.recordKey([...path, name], start, true);
      this.skip();
      if (this.text[this.i] !== ':') break;
      this.i++;
      this.value([...path, name]);
      this.skip();
      if (this.text[this.i] !== ',') break;
      this.i++;
    }
    if (this.text[this.i] === '}') this.i++;
  }

  private array(path: (string | number)[]): void {
    this.i++;
    this.skip();
    if (this.text[this.i] === ']') {
      this.i++;
      return;
    }
    for (let index = 0; this.i < this.text.length; index++) {
      const before = this.i;
      this.value([...path, index]);
      this.skip();
      if (this.text[this.i] !== ',' || this.i === before) break;
      this.i++;
    }
    if (this.text[this.i] === ']') this.i++;
  }

  private endOfString(from: number): number {
    for (let j = from; j < this.text.length; j++) {
      if (this.text[j] === '\\') j++;
      else if (this.text[j] === '"') return j + 1;
    }
    return this.text.length;
  }

  private skip(): void {
    while (this.i < this.text.length && ' \t\r\n'.includes(this.text[this.i]!)) this.i++;
  }
}
