import type { RuleSpec } from '../verify/rules.js';
import { TARGETS, type Finding, type Target } from '../verify/types.js';
import type { CheckedFile } from '../verify/verify.js';
import type { ReportCheck, ReportDocument, RuleInfo } from './document.js';
import { groupBy, location, type ReportFinding, type RunError } from './finding.js';

/** Rules every file is checked against; the others belong to one profile (`datapress/…`). */
const GENERIC = new Set(['config', 'auth', 'env']);

export interface VerifyDocumentInput {
  target: Target;
  files: readonly CheckedFile[];
  findings: readonly Finding[];
  counts: Record<'error' | 'warning' | 'info', number>;
  /** The rule catalogue (RULES and the checked profiles' own): summaries, and which rules are on at this target. */
  rules: Readonly<Record<string, RuleSpec>>;
  version?: string;
  strict?: boolean;
  baselined?: number;
  stale?: readonly string[];
  error?: RunError;
  cwd?: string;
}

/** verify-config --online could not reach an issuer the config needs: exit 3, and the reports say so. */
export const VERIFY_UNREACHABLE: RunError = {
  name: 'verify-config run',
  code: 'ERR_ISSUER_UNREACHABLE',
  message: 'an issuer the config cannot start without is unreachable',
  details: [],
  hint: 'start the IdP (or set start_degraded = true) and run again',
};

const levelAt = (spec: RuleSpec, target: Target) =>
  typeof spec.levels === 'string' ? spec.levels : spec.levels[TARGETS.indexOf(target)];

/** The rules a file of this profile can raise at this target: its JUnit test cases, pass or fail. */
function applicableRules(input: VerifyDocumentInput, profile: string | undefined): string[] {
  return Object.entries(input.rules)
    .filter(([id, spec]) => {
      const prefix = id.split('/')[0]!;
      return (GENERIC.has(prefix) || prefix === profile) && levelAt(spec, input.target) !== 'off';
    })
    .map(([id]) => id);
}

/**
 * One check per file × rule, named the same in every run (`classname` = the file, `name` = the rule),
 * whatever the outcome; the findings of a rule in a file are one failure listing each position.
 */
export function verifyChecks(input: VerifyDocumentInput): ReportCheck[] {
  const byCheck = groupBy(input.findings, (f) => `${f.file ?? '<env>'}\u0000${f.rule}`);
  const checks: ReportCheck[] = [];
  const check = (file: string, rule: string) => {
    const key = `${file}\u0000${rule}`;
    checks.push(checkOf(file, rule, byCheck.get(key) ?? [], input.strict ?? false));
    byCheck.delete(key);
  };
  for (const f of input.files)
    for (const rule of applicableRules(input, f.profile)) check(f.file, rule);
  for (const key of [...byCheck.keys()]) check(...(key.split('\u0000') as [string, string]));
  return checks;
}

function checkOf(file: string, rule: string, findings: Finding[], strict: boolean): ReportCheck {
  const base = { classname: file, name: rule };
  const shown = findings.filter((f) => f.severity !== 'info');
  if (!shown.length) return { ...base, outcome: 'passed' };
  const fails = shown.some((f) => f.severity === 'error' || strict);
  const body = shown
    .map(
      (f) => `${location(f) || file}: ${f.severity}: ${f.message}${f.fix ? `\nfix: ${f.fix}` : ''}`,
    )
    .join('\n');
  const message =
    shown.length === 1 ? shown[0]!.message : `${shown.length} findings: ${shown[0]!.message}`;
  return { ...base, outcome: fails ? 'failed' : 'warning', message, body };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** verify-config's result as a ReportDocument, for every renderer of the registry. */
export function verifyDocument(input: VerifyDocumentInput): ReportDocument {
  const rules: Record<string, RuleInfo> = {};
  for (const f of input.findings)
    rules[f.rule] ??= {
      summary: input.rules[f.rule]?.summary ?? f.rule,
      fix: f.fix,
      ...(input.rules[f.rule]?.explain ? { explain: input.rules[f.rule]!.explain } : {}),
    };
  const { counts } = input;
  const failed = counts.error > 0 || (input.strict === true && counts.warning > 0);
  const findings: ReportFinding[] = input.findings.map((f) => ({
    rule: f.rule,
    severity: f.severity,
    file: f.file,
    line: f.line,
    column: f.column,
    message: f.message,
    fix: f.fix,
    ...(f.snippet ? { snippet: f.snippet } : {}),
  }));
  return {
    command: 'verify-config',
    tool: {
      name: 'authctl',
      version: input.version,
      informationUri: 'https://github.com/authctl/authctl',
    },
    verdict: input.error ? 'error' : failed ? 'fail' : 'pass',
    summary: `${plural(input.files.length, 'file')} checked for ${input.target}: ${input.files.map((f) => f.file).join(', ')}`,
    counts: { critical: 0, ...counts },
    baselined: input.baselined,
    findings,
    checks: verifyChecks(input),
    rules,
    error: input.error,
    notes: (input.stale ?? []).map((k) => `baseline entry no longer found (fixed?): ${k}`),
    cwd: input.cwd,
  };
}
