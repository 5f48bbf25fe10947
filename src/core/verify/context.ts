import { locate } from './locate/offsets.js';
import type { ConfigDocument } from './document.js';
import { levelFor, severityFor, type Levels, type RuleId } from './rules.js';
import type { Finding, KeyPath, Target } from './types.js';

export interface ReportOptions {
  message: string;
  fix?: string;
  /** Point at the key (default) or at its value. */
  at?: 'key' | 'value';
  /** Values a profile's message template may use for this finding (`{length}`); ignored otherwise. */
  vars?: Record<string, string | number | undefined>;
}

/** What a profile's checks get: the document, the target, and one way to report. */
export class CheckContext {
  constructor(
    readonly document: ConfigDocument,
    readonly target: Target,
    readonly findings: Finding[] = [],
    /** Levels a profile file defines or overrides, by rule id; RULES for the rest. */
    readonly levels: Readonly<Record<string, Levels>> = {},
  ) {}

  /** Checks another document (a file this one refers to) into the same findings. */
  sub(document: ConfigDocument): CheckContext {
    return new CheckContext(document, this.target, this.findings, this.levels);
  }

  report(rule: RuleId | (string & {}), path: KeyPath, options: ReportOptions): void {
    const own = this.levels[rule];
    const severity =
      own !== undefined ? levelFor(own, this.target) : severityFor(rule as RuleId, this.target);
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
