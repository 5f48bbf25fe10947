import type { DocumentKind } from './document.js';
import type { Finding } from './types.js';

/** `# authctl-ignore auth/leeway-too-large, auth/cors-wildcard: reason` (also after `//` or `!`). */
const DIRECTIVE =
  /(?:#|\/\/|!|\/\*)\s*authctl-ignore\s+([a-z0-9-]+\/[a-z0-9-]+(?:\s*,\s*[a-z0-9-]+\/[a-z0-9-]+)*)\s*(?::\s*(.*?))?\s*(?:\*\/)?\s*$/;

/** Formats whose syntax has comments; plain JSON has none, so `#` inside its strings means nothing. */
const WITH_COMMENTS = new Set<DocumentKind>(['toml', 'yaml', 'properties', 'env', 'jsonc']);

/**
 * Drops findings an inline comment accepts. A directive at the end of a line covers that line; a
 * directive alone on its line covers the next line that is not blank or a comment. Only the rules
 * it names are suppressed, so a new problem on the same line still shows.
 */
export function applySuppressions(
  findings: Finding[],
  text: string,
  kind: DocumentKind | undefined,
): Finding[] {
  if (!kind || !WITH_COMMENTS.has(kind) || !text.includes('authctl-ignore')) return findings;
  const byLine = suppressedLines(text);
  return findings.filter((f) => f.line === undefined || !byLine.get(f.line)?.has(f.rule));
}

function suppressedLines(text: string): Map<number, Set<string>> {
  const lines = text.split(/\r?\n/);
  const out = new Map<number, Set<string>>();
  const add = (line: number, rules: string[]) => {
    const set = out.get(line) ?? new Set<string>();
    for (const r of rules) set.add(r);
    out.set(line, set);
  };
  lines.forEach((line, i) => {
    const match = DIRECTIVE.exec(line);
    if (!match) return;
    const rules = match[1]!.split(',').map((r) => r.trim());
    const own = line.slice(0, match.index).trim() === '';
    if (!own) return add(i + 1, rules);
    for (let j = i + 1; j < lines.length; j++) {
      const next = lines[j]!.trim();
      if (next === '' || /^(#|\/\/|!|\/\*)/.test(next)) continue;
      add(j + 1, rules);
      break;
    }
  });
  return out;
}
