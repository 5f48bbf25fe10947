import { promises as fs } from 'node:fs';
import { parseJson } from '../config/toml.js';
import { usageError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import type { ProbeResult } from './runner.js';
import type { ProbeFinding } from './verdict.js';

/** Known findings a pipeline accepts for now, so the probe can be adopted gradually. */
export interface ProbeBaseline {
  format: 'authctl-probe-baseline';
  version: 1;
  findings: Array<Pick<ProbeFinding, 'key' | 'severity' | 'message'>>;
}

export async function readBaseline(file: string): Promise<ProbeBaseline> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw usageError('ERR_PROBE_BASELINE', `cannot read baseline: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { where: file, hint: 'create one with --write-baseline FILE' });
  }
  const doc = parseJson(text, file) as Partial<ProbeBaseline>;
  if (doc?.format !== 'authctl-probe-baseline' || !Array.isArray(doc.findings) || doc.findings.some((f) => typeof f?.key !== 'string')) {
    throw usageError('ERR_PROBE_BASELINE', 'not an authctl probe baseline', { where: file, hint: 'create one with `authctl probe --write-baseline FILE`' });
  }
  return doc as ProbeBaseline;
}

export function buildBaseline(findings: readonly ProbeFinding[]): ProbeBaseline {
  return { format: 'authctl-probe-baseline', version: 1, findings: findings.map((f) => ({ key: f.key, severity: f.severity, message: f.message })) };
}

export async function writeBaseline(file: string, findings: readonly ProbeFinding[]): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(buildBaseline(findings), null, 2)}\n`);
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
