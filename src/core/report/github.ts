import path from 'node:path';
import type { RenderOptions, ReportDocument } from './document.js';
import { bodyLines, headline, safeFindings, type ReportFinding } from './finding.js';

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
 * A path GitHub can attach an annotation to: relative to the repository root ($GITHUB_WORKSPACE),
 * not to the step's working directory. Files outside the root, and `<env>`, keep their name.
 */
function annotationPath(file: string, doc: ReportDocument, root?: string): string {
  if (!root || file.startsWith('<')) return file;
  const absolute = path.resolve(doc.cwd ?? root, file);
  const relative = path.relative(root, absolute);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return file;
  return relative.split(path.sep).join('/');
}

/**
 * GitHub Actions annotations (`::error file=…,line=…,col=…,title=…::message`), one per line;
 * info findings become `::notice`.
 */
export function renderGitHub(doc: ReportDocument, options: Pick<RenderOptions, 'root'>): string {
  return safeFindings(doc.findings)
    .map((f: ReportFinding) => {
      const command = f.severity === 'info' ? 'notice' : f.severity;
      const props: string[] = [];
      const file = f.file ? annotationPath(f.file, doc, options.root) : undefined;
      if (file) props.push(`file=${escapeProperty(file)}`);
      if (file && f.line) props.push(`line=${f.line}`);
      if (file && f.line && f.column) props.push(`col=${f.column}`);
      props.push(`title=${escapeProperty(f.rule)}`);
      const text = [`${f.critical ? 'CRITICAL: ' : ''}${headline(f)}`, ...bodyLines(f)].join('\n');
      return `::${command} ${props.join(',')}::${escapeData(text)}`;
    })
    .join('\n');
}
