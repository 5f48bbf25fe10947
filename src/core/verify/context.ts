import { locate } from './locate/offsets.js';
import type { ConfigDocument } from './document.js';
import { severityFor, type RuleId } from './rules.js';
import type { Finding, KeyPath, Target } from './types.js';

export interface ReportOptions {
  message: string;
  fix?: string;
  /** Point at the key (default) or at its value. */
  at?: 'key' | 'value';
}

/** What a profile's checks get: the document, the target, and one way to report. */
export class CheckContext {
  readonly findings: Finding[] = [];

  constructor(
    readonly document: ConfigDocument,
    readonly target: Target,
  ) {}

  report(rule: RuleId, path: KeyPath, options: ReportOptions): void {
    const severity = severityFor(rule, this.target);
    if (!severity) return;
    const position = locate(this.document.map, path, options.at ?? 'key');
    this.findings.push({
      rule,
      severity,
      file: this.document.file,
      ...(position ?? {}),
      message: options.message,
      ...(options.fix ? { fix: options.fix } : {}),
    });
  }
}
