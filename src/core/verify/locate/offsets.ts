import type { KeyPath, Position, SourceMap } from '../types.js';
import { pathId } from '../types.js';
import { LineIndex } from './lines.js';

/** Collects key and value offsets while a locator walks a document, then answers as a SourceMap. */
export class OffsetRecorder implements SourceMap {
  private readonly keys = new Map<string, number>();
  private readonly values = new Map<string, number>();
  private readonly lines: LineIndex;

  /** `lines` lets several maps of one text (YAML documents) share one index. */
  constructor(text: string, lines?: LineIndex) {
    this.lines = lines ?? new LineIndex(text);
  }

  /** First definition wins: `[a.b]` after `[a]` must not move where `a` is. */
  recordKey(path: KeyPath, offset: number, overwrite = false): void {
    const id = pathId(path);
    if (overwrite || !this.keys.has(id)) this.keys.set(id, offset);
  }

  recordValue(path: KeyPath, offset: number): void {
    this.values.set(pathId(path), offset);
  }

  key(path: KeyPath): Position | undefined {
    const offset = this.keys.get(pathId(path)) ?? this.values.get(pathId(path));
    return offset === undefined ? undefined : this.lines.at(offset);
  }

  value(path: KeyPath): Position | undefined {
    const offset = this.values.get(pathId(path)) ?? this.keys.get(pathId(path));
    return offset === undefined ? undefined : this.lines.at(offset);
  }
}

/**
 * The position of `path`, or of its nearest ancestor that has one (a missing key is reported
 * at its table). Undefined only when nothing on the path was located.
 */
export function locate(
  map: SourceMap | undefined,
  path: KeyPath,
  kind: 'key' | 'value' = 'key',
): Position | undefined {
  if (!map) return undefined;
  for (let n = path.length; n > 0; n--) {
    const prefix = path.slice(0, n);
    const found = n === path.length && kind === 'value' ? map.value(prefix) : map.key(prefix);
    if (found) return found;
  }
  return undefined;
}

/**
 * A SourceMap built on first use. Most runs of a large file report nothing, and walking 1 MB of
 * text for positions cost more than the parse itself (issue #17): positions are for findings only.
 */
export function lazyMap(build: () => SourceMap): SourceMap {
  let map: SourceMap | undefined;
  return {
    key: (path) => (map ??= build()).key(path),
    value: (path) => (map ??= build()).value(path),
  };
}
