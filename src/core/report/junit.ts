import { redactDeep } from '../mask.js';
import type { ReportCheck, ReportDocument } from './document.js';
import { runErrorText, type RunError } from './finding.js';

const xml = (s: string) =>
  s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
/** Attributes hold one short line; the whole text goes in the element's body. */
const oneLine = (s: string) => {
  const line = s.split('\n')[0]!;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
};

/**
 * JUnit XML (valid against Jenkins' junit-4.xsd): one test case per check the command ran, named
 * the same whatever its outcome (`classname` = the endpoint or file, `name` = the case or rule), so
 * CI test history follows each check from run to run. Warnings pass with their text in system-out;
 * checks that could not run are skipped; a run that could not finish adds one `<error>` case.
 */
export function renderJUnit(doc: ReportDocument): string {
  const suite = `authctl ${doc.command}`;
  const checks = doc.checks.map((c) => redactDeep(c));
  const cases = checks.map(testCase);
  if (doc.error) cases.push(errorCase(suite, doc.error));
  const failures = checks.filter((c) => c.outcome === 'failed').length;
  const skipped = checks.filter((c) => c.outcome === 'skipped').length;
  const errors = doc.error ? 1 : 0;
  const time = ((doc.durationMs ?? 0) / 1000).toFixed(3);
  const counts = `tests="${cases.length}" failures="${failures}" errors="${errors}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(suite)}" ${counts} time="${time}">`,
    `  <testsuite name="${xml(suite)}" ${counts} skipped="${skipped}" time="${time}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function testCase(c: ReportCheck): string {
  const open = `    <testcase classname="${xml(c.classname)}" name="${xml(c.name)}" time="0"`;
  const body = xml(c.body ?? c.message ?? '');
  switch (c.outcome) {
    case 'passed':
      return `${open}/>`;
    case 'failed':
      return `${open}>\n      <failure type="${xml(c.name)}" message="${xml(oneLine(c.message ?? c.name))}">${body}</failure>\n    </testcase>`;
    case 'skipped':
      return `${open}>\n      <skipped>${body}</skipped>\n    </testcase>`;
    case 'warning':
      return `${open}>\n      <system-out>${body}</system-out>\n    </testcase>`;
  }
}

/** `<error>` (not `<failure>`): the run could not judge. The attribute is one line; details go in the body. */
function errorCase(suiteName: string, unsafe: RunError): string {
  const error = redactDeep(unsafe);
  return `    <testcase classname="${xml(suiteName)}" name="${xml(error.name)}" time="0">\n      <error type="${xml(error.code)}" message="${xml(oneLine(error.message))}">${xml(runErrorText(error))}</error>\n    </testcase>`;
}
