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
  // The names so far, lower-cased and as spelt, side by side: a request has a handful of headers,
  // and this runs for most cases of a run (a Map and entry arrays per call cost more than a scan).
  const lowers: string[] = [];
  const spelt: string[] = [];
  for (const layer of layers) {
    if (!layer) continue;
    for (const name in layer) {
      const lower = name.toLowerCase();
      const at = lowers.indexOf(lower);
      if (at < 0) {
        lowers.push(lower);
        spelt.push(name);
      } else if (spelt[at] !== name) {
        delete out[spelt[at]!];
        spelt[at] = name;
      }
      out[name] = layer[name]!;
    }
  }
  return out;
}
