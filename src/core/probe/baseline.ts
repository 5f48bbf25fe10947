import { readBaselineFile, writeBaselineFile } from '../baseline.js';
import type { ProbeResult } from './runner.js';
import type { ProbeFinding } from './verdict.js';

/** Known findings a pipeline accepts for now, so the probe can be adopted gradually. */
export interface ProbeBaseline {
  format: 'authctl-probe-baseline';
  version: 1;
  findings: Array<Pick<ProbeFinding, 'key' | 'severity' | 'message'>>;
}

/**
 * Reads a probe baseline file (`--baseline`); a missing or malformed file is a usage error naming it.
 */
export async function readBaseline(file: string): Promise<ProbeBaseline> {
  return readBaselineFile<'authctl-probe-baseline', ProbeBaseline['findings'][number]>(file, {
    format: 'authctl-probe-baseline',
    code: 'ERR_PROBE_BASELINE',
    command: 'authctl probe',
  });
}

/** A baseline document accepting `findings` as known (key, severity, message of each). */
export function buildBaseline(findings: readonly ProbeFinding[]): ProbeBaseline {
  return {
    format: 'authctl-probe-baseline',
    version: 1,
    findings: findings.map((f) => ({ key: f.key, severity: f.severity, message: f.message })),
  };
}

/** Writes `findings` as a baseline file (atomically), for `probe --update-baseline`. */
export async function writeBaseline(
  file: string,
  findings: readonly ProbeFinding[],
): Promise<void> {
  await writeBaselineFile(file, 'authctl-probe-baseline', buildBaseline(findings).findings);
}

/** Marks findings present in the baseline; returns the keys of baseline entries no longer seen (fixed). */
export function applyBaseline(result: ProbeResult, baseline: ProbeBaseline): string[] {
  const known = new Set(baseline.findings.map((f) => f.key));
  const seen = new Set<string>();
  for (const finding of result.findings) {
    if (known.has(finding.key)) {
      finding.baselined = true;
      seen.add(finding.key);
    }
  }
  result.summary.baselined = seen.size;
  return [...known].filter((key) => !seen.has(key));
}

/** 0 when all hold; 1 on any critical or error finding (warnings too with strict); 3 when controls failed. */
export function probeExitCode(result: ProbeResult, strict = false): 0 | 1 | 3 {
  if (result.status === 'control-failed') return 3;
  const open = result.findings.filter((f) => !f.baselined);
  if (open.some((f) => f.severity === 'critical' || f.severity === 'error')) return 1;
  if (strict && open.length) return 1;
  return 0;
}
