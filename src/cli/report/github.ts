import { safeFindings, type ReportFinding } from './finding.js';

/**
 * Workflow-command escaping: data escapes %, CR, LF; properties also : and ,. Other control characters
 * (from a checked file or a service's response) are shown as \uXXXX so they cannot drive the log viewer.
 */
const escapeData = (s: string) =>
  s
    .replace(/%/g, '%25')
    .replace(/\r/g, '%0D')
    .replace(/\n/g, '%0A')
    .replace(
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * GitHub Actions annotations (`::error file=…,line=…,col=…,title=…::message`), one per line;
 * info findings become `::notice`.
 */
export function renderGitHub(findings: readonly ReportFinding[]): string {
  return safeFindings(findings)
    .map((f) => {
      const command = f.severity === 'info' ? 'notice' : f.severity;
      const props: string[] = [];
      if (f.file) props.push(`file=${escapeProperty(f.file)}`);
      if (f.file && f.line) props.push(`line=${f.line}`);
      if (f.file && f.line && f.column) props.push(`col=${f.column}`);
      props.push(`title=${escapeProperty(f.rule)}`);
      const text = f.fix ? `${f.message}\nfix: ${f.fix}` : f.message;
      return `::${command} ${props.join(',')}::${escapeData(text)}`;
    })
    .join('\n');
}
