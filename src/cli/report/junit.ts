import { redactDeep } from '../../core/mask.js';
import {
  location,
  safeFindings,
  runErrorText,
  type ReportFinding,
  type RunError,
} from './finding.js';

export interface JUnitOptions {
  suiteName: string;
  /** Names of checks that passed, reported as passing test cases. */
  passed?: readonly string[];
  /** Lowest severity that fails a test case (default error; warnings otherwise go to system-out). */
  failOn?: 'error' | 'warning';
  /** Seconds, for the time attributes. */
  time?: number;
  /** The run itself failed (service unreachable, control failed): one `<error>` test case says why. */
  error?: RunError;
}

const xml = (s: string) =>
  s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/**
 * JUnit XML: one test case per finding (classname = file or rule, name = rule at location),
 * failing when at or above `failOn`, plus one passing case per name in `passed`.
 */
export function renderJUnit(unsafe: readonly ReportFinding[], options: JUnitOptions): string {
  const findings = safeFindings(unsafe);
  const failOn = options.failOn ?? 'error';
  const fails = (f: ReportFinding) =>
    f.severity === 'error' || (failOn === 'warning' && f.severity === 'warning');
  const time = (options.time ?? 0).toFixed(3);
  const cases: string[] = [];
  for (const f of findings) {
    const where = location(f);
    const name = xml(`${f.rule}${where ? ` at ${where}` : ''}`);
    const classname = xml(f.file ?? f.rule.split('/')[0]!);
    const body = xml(
      `${where ? `${where}: ` : ''}${f.severity}: ${f.message}${f.fix ? `\nfix: ${f.fix}` : ''}`,
    );
    if (fails(f))
      cases.push(
        `    <testcase classname="${classname}" name="${name}" time="0">\n      <failure type="${xml(f.rule)}" message="${xml(f.message)}">${body}</failure>\n    </testcase>`,
      );
    else
      cases.push(
        `    <testcase classname="${classname}" name="${name}" time="0">\n      <system-out>${body}</system-out>\n    </testcase>`,
      );
  }
  for (const name of options.passed ?? [])
    cases.push(
      `    <testcase classname="${xml(options.suiteName)}" name="${xml(name)}" time="0"/>`,
    );
  if (options.error) cases.push(errorCase(options.suiteName, options.error));
  const failures = findings.filter(fails).length;
  const errors = options.error ? 1 : 0;
  const total = cases.length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(options.suiteName)}" tests="${total}" failures="${failures}" errors="${errors}" time="${time}">`,
    `  <testsuite name="${xml(options.suiteName)}" tests="${total}" failures="${failures}" errors="${errors}" skipped="0" time="${time}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** `<error>` (not `<failure>`): the run could not judge the service. The attribute is one line; details go in the body. */
function errorCase(suiteName: string, unsafe: RunError): string {
  const error = redactDeep(unsafe);
  const body = runErrorText(error);
  return `    <testcase classname="${xml(suiteName)}" name="${xml(error.name)}" time="0">\n      <error type="${xml(error.code)}" message="${xml(error.message.split('\n')[0]!)}">${xml(body)}</error>\n    </testcase>`;
}
