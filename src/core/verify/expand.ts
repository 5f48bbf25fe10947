import { registerSecretsIn } from '../mask.js';
import type { ConfigDocument } from './document.js';
import { LineIndex } from './locate/lines.js';
import { severityFor } from './rules.js';
import type { Finding, Target } from './types.js';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}/g;
/** A chain A=${B}, B=${C}, ... deeper than this is a cycle. */
const MAX_DEPTH = 10;

/**
 * Resolves the `${NAME}` and `${NAME:-default}` references of a dotenv document in place, as
 * dotenv-expand and Docker Compose do: from the file's own variables, then from `sources` (the
 * --env-file files, later ones winning; the environment with --from-env). A reference that
 * resolves nowhere is a finding at the exact line and column of its `${`, and stays as written.
 * Checks then see the value the service will read, at the position of the value.
 */
export function expandReferences(
  document: ConfigDocument,
  sources: Record<string, string>,
  target: Target,
): Finding[] {
  if (document.kind !== 'env' || !document.refs) return [];
  const own = document.data as Record<string, string>;
  const raw = { ...own };
  const findings: Finding[] = [];
  let lines: LineIndex | undefined;
  const severity = severityFor('env/undefined-variable', target);
  const resolve = (name: string, depth: number): string | undefined => {
    if (name in raw) return depth < MAX_DEPTH ? expand(raw[name]!, depth + 1) : raw[name];
    return sources[name];
  };
  const expand = (value: string, depth: number, onMissing?: (i: number, name: string) => void) => {
    let index = 0;
    return value.replace(REFERENCE, (whole, name: string, op?: string, fallback?: string) => {
      const i = index++;
      const found = resolve(name, depth);
      // ${NAME:-x}: x when NAME is unset or empty; ${NAME-x}: only when unset (POSIX sh).
      if (op && (found === undefined || (op === ':-' && found === ''))) return fallback ?? '';
      if (found !== undefined) return found;
      onMissing?.(i, name);
      return whole;
    });
  };
  for (const [key, offsets] of Object.entries(document.refs)) {
    if (offsets.length === 0 || !(key in own)) continue;
    own[key] = expand(raw[key]!, 0, (i, name) => {
      if (!severity || offsets[i] === undefined) return;
      lines ??= new LineIndex(document.text ?? '');
      findings.push({
        rule: 'env/undefined-variable',
        severity,
        file: document.file,
        ...lines.at(offsets[i]),
        message: `${key} refers to \${${name}}, which no --env-file (nor this file) defines`,
        fix: `define ${name} in an --env-file, or write \${${name}:-default}`,
      });
    });
  }
  registerSecretsIn(own);
  return findings;
}
