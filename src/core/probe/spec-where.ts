import { locate } from '../verify/locate/offsets.js';
import type { SourceMap } from '../verify/types.js';

/** `file:line:column` of a key of a probe spec, when its position is known; else the source. */
export function specWhere(
  source: string,
  map: SourceMap | undefined,
  keyPath: (string | number)[],
): string {
  const position = locate(map, keyPath);
  return position ? `${source}:${position.line}:${position.column}` : source;
}
