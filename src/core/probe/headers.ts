/**
 * Merges header layers, later layers winning, with names compared case-insensitively: HTTP header
 * names are, and a plain `{ ...a, ...b }` keeps both `Content-Type` and `content-type` (SigV4 returns
 * lower-case names), so the service would see two values and a signature over one of them.
 * The winning layer's spelling of the name is kept.
 */
export function mergeHeaders(
  ...layers: Array<Record<string, string> | undefined>
): Record<string, string> {
  const out: Record<string, string> = {};
  const names = new Map<string, string>();
  for (const layer of layers) {
    if (!layer) continue;
    for (const [name, value] of Object.entries(layer)) {
      const lower = name.toLowerCase();
      const previous = names.get(lower);
      if (previous !== undefined) delete out[previous];
      names.set(lower, name);
      out[name] = value;
    }
  }
  return out;
}
