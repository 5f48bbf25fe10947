import type { SourceMap } from '../types.js';
import { pathId } from '../types.js';
import { OffsetRecorder } from './offsets.js';

/**
 * Finds where every key and value of a TOML document is. smol-toml parses but drops positions,
 * so this walks the text once more: table headers (`[a.b]`, `[[a]]` with their running index),
 * dotted and quoted keys, and values (strings of all four kinds, arrays, inline tables).
 * It expects text smol-toml already accepted, but never throws on anything else: it
 * records what it could and stops.
 */
export function locateToml(text: string): SourceMap {
  const rec = new OffsetRecorder(text);
  try {
    new TomlWalker(text, rec).run();
  } catch {
    // Partial positions are still useful; the parser has the final word on syntax.
  }
  return rec;
}

type Segment = { name: string; offset: number };

class TomlWalker {
  private i = 0;
  private readonly arrayIndex = new Map<string, number>();

  constructor(
    private readonly text: string,
    private readonly rec: OffsetRecorder,
  ) {}

  run(): void {
    const { text } = this;
    let table: (string | number)[] = [];
    while (this.i < text.length) {
      const before = this.i;
      this.skipBlank(true);
      if (this.i >= text.length) break;
      if (text[this.i] === '[') table = this.header();
      else this.keyValue(table);
      this.skipToLineEnd();
      if (this.i === before) this.i++;
    }
  }

  private header(): (string | number)[] {
    const isArray = this.text[this.i + 1] === '[';
    this.i += isArray ? 2 : 1;
    const segments = this.key();
    this.skipBlank(false);
    for (let n = 0; n < (isArray ? 2 : 1) && this.text[this.i] === ']'; n++) this.i++;
    const resolved: (string | number)[] = [];
    segments.forEach((segment, n) => {
      resolved.push(segment.name);
      const last = n === segments.length - 1;
      if (last && isArray) {
        const id = pathId(resolved);
        const index = (this.arrayIndex.get(id) ?? -1) + 1;
        this.arrayIndex.set(id, index);
        this.rec.recordKey(resolved, segment.offset);
        resolved.push(index);
        this.rec.recordKey(resolved, segment.offset, true);
      } else {
        this.rec.recordKey(resolved, segment.offset);
        const index = this.arrayIndex.get(pathId(resolved));
        if (index !== undefined) resolved.push(index);
      }
    });
    return resolved;
  }

  private keyValue(table: (string | number)[]): void {
    const segments = this.key();
    if (segments.length === 0) return;
    const path = this.recordKeys(table, segments);
    this.skipBlank(false);
    if (this.text[this.i] !== '=') return;
    this.i++;
    this.skipBlank(false);
    this.value(path);
  }

  private recordKeys(base: (string | number)[], segments: Segment[]): (string | number)[] {
    const path = [...base];
    for (const segment of segments) {
      path.push(segment.name);
      this.rec.recordKey(path, segment.offset);
    }
    return path;
  }

  /** A dotted key: bare, "basic" or 'literal' segments separated by dots. */
  private key(): Segment[] {
    const segments: Segment[] = [];
    for (;;) {
      this.skipBlank(false);
      const offset = this.i;
      const c = this.text[this.i];
      let name: string;
      if (c === '"') {
        const end = this.endOfBasic(this.i + 1);
        name = decodeBasic(this.text.slice(this.i + 1, end - 1));
        this.i = end;
      } else if (c === "'") {
        const end = this.text.indexOf("'", this.i + 1);
        name = this.text.slice(this.i + 1, end < 0 ? this.text.length : end);
        this.i = end < 0 ? this.text.length : end + 1;
      } else {
        const match = /^[A-Za-z0-9_-]+/.exec(this.text.slice(this.i, this.i + 256));
        if (!match) return segments;
        name = match[0];
        this.i += name.length;
      }
      segments.push({ name, offset });
      this.skipBlank(false);
      if (this.text[this.i] !== '.') return segments;
      this.i++;
    }
  }

  private value(path: (string | number)[]): void {
    const { text } = this;
    this.rec.recordValue(path, this.i);
    if (text.startsWith('"""', this.i)) this.i = this.endOfMultiline(this.i + 3, '"""');
    else if (text.startsWith("'''", this.i)) this.i = this.endOfMultiline(this.i + 3, "'''");
    else if (text[this.i] === '"') this.i = this.endOfBasic(this.i + 1);
    else if (text[this.i] === "'") {
      const end = text.indexOf("'", this.i + 1);
      this.i = end < 0 ? text.length : end + 1;
    } else if (text[this.i] === '[') this.array(path);
    else if (text[this.i] === '{') this.inlineTable(path);
    else while (this.i < text.length && !',]}#\r\n'.includes(text[this.i]!)) this.i++;
  }

  private array(path: (string | number)[]): void {
    this.i++;
    for (let index = 0; this.i < this.text.length; index++) {
      this.skipBlank(true);
      if (this.text[this.i] === ']') break;
      const before = this.i;
      this.value([...path, index]);
      this.skipBlank(true);
      if (this.text[this.i] === ',') this.i++;
      else if (this.text[this.i] !== ']' && this.i === before) this.i++;
    }
    this.i++;
  }

  private inlineTable(path: (string | number)[]): void {
    this.i++;
    while (this.i < this.text.length) {
      this.skipBlank(true);
      if (this.text[this.i] === '}') break;
      const before = this.i;
      const segments = this.key();
      const full = this.recordKeys(path, segments);
      this.skipBlank(false);
      if (this.text[this.i] === '=') {
        this.i++;
        this.skipBlank(false);
        this.value(full);
      }
      this.skipBlank(true);
      if (this.text[this.i] === ',') this.i++;
      else if (this.text[this.i] !== '}' && this.i === before) this.i++;
    }
    this.i++;
  }

  /** Index just past the closing quote of a basic string whose body starts at `from`. */
  private endOfBasic(from: number): number {
    for (let j = from; j < this.text.length; j++) {
      const c = this.text[j];
      if (c === '\\') j++;
      else if (c === '"') return j + 1;
      else if (c === '\n') return j;
    }
    return this.text.length;
  }

  private endOfMultiline(from: number, quote: string): number {
    for (let j = from; j < this.text.length; j++) {
      if (quote === '"""' && this.text[j] === '\\') {
        j++;
        continue;
      }
      if (this.text.startsWith(quote, j)) {
        // Up to two quotes may sit right before the closing delimiter ("""a"""" is a + ").
        let end = j + 3;
        while (this.text[end] === quote[0] && end < j + 5) end++;
        return end;
      }
    }
    return this.text.length;
  }

  /** Skips spaces and tabs; with `lines`, also newlines and comments. */
  private skipBlank(lines: boolean): void {
    const { text } = this;
    while (this.i < text.length) {
      const c = text[this.i];
      if (c === ' ' || c === '\t') this.i++;
      else if (lines && (c === '\n' || c === '\r')) this.i++;
      else if (lines && c === '#') this.skipComment();
      else break;
    }
  }

  private skipComment(): void {
    const end = this.text.indexOf('\n', this.i);
    this.i = end < 0 ? this.text.length : end;
  }

  /** After a statement: rest of line (trailing comment). */
  private skipToLineEnd(): void {
    this.skipBlank(false);
    if (this.text[this.i] === '#') this.skipComment();
  }
}

function decodeBasic(body: string): string {
  try {
    return JSON.parse(
      `"${body.replace(/\\U([0-9A-Fa-f]{8})/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)).replace(/"/g, '\\"'))}"`,
    ) as string;
  } catch {
    return body;
  }
}
