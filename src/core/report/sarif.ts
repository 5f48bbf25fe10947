import { createHash } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { redactDeep } from '../mask.js';
import type { RenderOptions, ReportDocument, RuleInfo } from './document.js';
import {
  bodyLines,
  headline,
  safeFindings,
  runErrorText,
  type ReportFinding,
  type RunError,
} from './finding.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;
/** GitHub's bands: ≥ 9.0 critical, ≥ 7.0 high, ≥ 4.0 medium, else low. */
const securitySeverity = (f: ReportFinding) =>
  f.critical ? 9.5 : f.severity === 'error' ? 7.5 : f.severity === 'warning' ? 5.0 : 2.0;
const SRCROOT = '%SRCROOT%';

/** A file as a uri relative to the root, forward slashes, each segment percent-encoded. */
function relativeUri(file: string, doc: ReportDocument, root: string | undefined): string {
  const absolute = path.resolve(doc.cwd ?? root ?? '.', file);
  const relative = root ? path.relative(root, absolute) : file;
  return relative.split(path.sep).join('/').split('/').map(encodeURIComponent).join('/');
}

/** Same finding, same value, run after run: no line number in it (SARIF §3.27.17). */
const fingerprint = (f: ReportFinding, uri: string) =>
  createHash('sha256')
    .update([f.rule, uri, f.key ?? f.message].join('\u0000'))
    .digest('hex')
    .slice(0, 32);

/**
 * SARIF 2.1.0 for GitHub code scanning (valid against the OASIS schema): the tool's version, a rules
 * table with help (text and Markdown: the fix) and security-severity, one result per finding with
 * stable partialFingerprints, locations relative to %SRCROOT% (the repository root).
 */
export function renderSarif(doc: ReportDocument, options: RenderOptions): string {
  const findings = safeFindings(doc.findings);
  const ruleIds = [...new Set(findings.map((f) => f.rule))].sort();
  const index = new Map(ruleIds.map((id, i) => [id, i]));
  const worst = new Map<string, ReportFinding>();
  for (const f of findings) {
    const seen = worst.get(f.rule);
    if (!seen || securitySeverity(f) > securitySeverity(seen)) worst.set(f.rule, f);
  }
  const run = {
    tool: {
      driver: {
        name: doc.tool.name,
        ...(doc.tool.version
          ? { version: doc.tool.version, semanticVersion: doc.tool.version }
          : {}),
        informationUri: doc.tool.informationUri,
        rules: ruleIds.map((id) => rule(id, doc.rules[id], worst.get(id)!)),
      },
    },
    ...(options.root
      ? { originalUriBaseIds: { [SRCROOT]: { uri: `${pathToFileURL(options.root).href}/` } } }
      : {}),
    results: findings.map((f) => result(f, index.get(f.rule)!, doc, options.root)),
    invocations: [invocation(doc.error)],
  };
  return JSON.stringify(
    { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [run] },
    null,
    2,
  );
}

function rule(id: string, info: RuleInfo | undefined, worst: ReportFinding) {
  const summary = info?.summary ?? id;
  const fix = info?.fix ?? worst.fix;
  return {
    id,
    shortDescription: { text: summary },
    ...(fix || info?.explain
      ? {
          help: {
            text: [summary, info?.explain, fix && `Fix: ${fix}`].filter(Boolean).join('\n\n'),
            markdown: [`**${summary}**`, info?.explain, fix && `**Fix:** ${fix}`]
              .filter(Boolean)
              .join('\n\n'),
          },
        }
      : {}),
    defaultConfiguration: { level: LEVEL[worst.severity] },
    properties: {
      'security-severity': securitySeverity(worst).toFixed(1),
      tags: ['security'],
    },
  };
}

function result(f: ReportFinding, ruleIndex: number, doc: ReportDocument, root?: string) {
  const located = f.file && !f.file.startsWith('<');
  const uri = located ? relativeUri(f.file!, doc, root) : '';
  return {
    ruleId: f.rule,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: [headline(f), ...bodyLines(f)].join('\n') },
    ...(located
      ? {
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri, ...(root ? { uriBaseId: SRCROOT } : {}) },
                ...(f.line
                  ? {
                      region: { startLine: f.line, ...(f.column ? { startColumn: f.column } : {}) },
                    }
                  : {}),
              },
            },
          ],
        }
      : {}),
    partialFingerprints: { 'authctlFinding/v1': fingerprint(f, uri) },
  };
}

/** SARIF §3.20: whether the run finished; when not, a toolExecutionNotification (§3.58) says why. */
function invocation(unsafe: RunError | undefined) {
  if (!unsafe) return { executionSuccessful: true };
  const error = redactDeep(unsafe);
  return {
    executionSuccessful: false,
    toolExecutionNotifications: [
      { level: 'error', message: { text: runErrorText(error) }, descriptor: { id: error.code } },
    ],
  };
}
