import path from 'node:path';
import { redactDeep } from '../../core/mask.js';
import { safeFindings, runErrorText, type ReportFinding, type RunError } from './finding.js';

export interface SarifOptions {
  toolName?: string;
  version?: string;
  informationUri?: string;
  /** Descriptions of rule ids (shortDescription in the SARIF rules table). */
  rules?: Record<string, { summary: string }>;
  /** Files are made relative to this directory (SARIF uris, forward slashes). */
  cwd?: string;
  /** The run itself failed: an unsuccessful invocation with an error notification says why. */
  error?: RunError;
}

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/** SARIF 2.1.0 for GitHub code scanning: one run, a rules table, one result per finding. */
export function renderSarif(unsafe: readonly ReportFinding[], options: SarifOptions = {}): string {
  const findings = safeFindings(unsafe);
  const ruleIds = [...new Set(findings.map((f) => f.rule))].sort();
  const index = new Map(ruleIds.map((id, i) => [id, i]));
  const uri = (file: string) => {
    const relative = options.cwd && path.isAbsolute(file) ? path.relative(options.cwd, file) : file;
    return relative.split(path.sep).join('/').split('/').map(encodeURIComponent).join('/');
  };
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: options.toolName ?? 'authctl',
            ...(options.version ? { version: options.version } : {}),
            informationUri: options.informationUri ?? 'https://github.com/authctl/authctl',
            rules: ruleIds.map((id) => ({
              id,
              shortDescription: { text: options.rules?.[id]?.summary ?? id },
              defaultConfiguration: { level: LEVEL[findings.find((f) => f.rule === id)!.severity] },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: index.get(f.rule),
          level: LEVEL[f.severity],
          message: { text: f.fix ? `${f.message}. Fix: ${f.fix}` : f.message },
          ...(f.file && !f.file.startsWith('<')
            ? {
                locations: [
                  {
                    physicalLocation: {
                      artifactLocation: { uri: uri(f.file) },
                      ...(f.line
                        ? {
                            region: {
                              startLine: f.line,
                              ...(f.column ? { startColumn: f.column } : {}),
                            },
                          }
                        : {}),
                    },
                  },
                ],
              }
            : {}),
        })),
        ...(options.error ? { invocations: [failedInvocation(options.error)] } : {}),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}

/** SARIF §3.20: executionSuccessful false, and a toolExecutionNotification (§3.58) with the cause. */
function failedInvocation(unsafe: RunError) {
  const error = redactDeep(unsafe);
  return {
    executionSuccessful: false,
    toolExecutionNotifications: [
      { level: 'error', message: { text: runErrorText(error) }, descriptor: { id: error.code } },
    ],
  };
}
