import { readBaselineFile, writeBaselineFile } from '../baseline.js';
import type { Finding, Severity } from './types.js';

const KIND = {
  format: 'authctl-verify-baseline',
  code: 'ERR_VERIFY_BASELINE',
  command: 'authctl verify-config',
} as const;

interface Entry {
  key: string;
  rule: string;
  file: string | null;
  message: string;
}

/**
 * A finding's identity in a baseline: rule, file and message, not the line, so adding a line above
 * a known problem does not make it new. Messages never hold secrets (only lengths and key names).
 */
export function baselineKey(f: Finding): string {
  return [f.rule, f.file ?? '', f.message].join('\u0000');
}

export async function writeVerifyBaseline(
  file: string,
  findings: readonly Finding[],
): Promise<void> {
  const entries: Entry[] = findings.map((f) => ({
    key: baselineKey(f),
    rule: f.rule,
    file: f.file ?? null,
    message: f.message,
  }));
  await writeBaselineFile(file, KIND.format, entries);
}

export interface BaselineOutcome {
  findings: Finding[];
  counts: Record<Severity, number>;
  baselined: number;
  /** Baseline entries no longer found (fixed?), as rule and message. */
  stale: string[];
}

/** Drops the findings a baseline accepts and recounts the rest. */
export async function applyVerifyBaseline(
  file: string,
  findings: readonly Finding[],
): Promise<BaselineOutcome> {
  const baseline = await readBaselineFile<typeof KIND.format, Entry>(file, KIND);
  const known = new Map(baseline.findings.map((e) => [e.key, e]));
  const seen = new Set<string>();
  const open = findings.filter((f) => {
    const key = baselineKey(f);
    if (!known.has(key)) return true;
    seen.add(key);
    return false;
  });
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of open) counts[f.severity]++;
  const stale = [...known.values()]
    .filter((e) => !seen.has(e.key))
    .map((e) => `${e.rule}: ${e.message}`);
  return { findings: open, counts, baselined: findings.length - open.length, stale };
}
