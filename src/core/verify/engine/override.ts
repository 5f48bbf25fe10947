import { CheckContext, type ReportOptions } from '../context.js';
import type { KeyPath } from '../types.js';
import type { Override } from './schema.js';

/** Values a profile's message and fix templates may use: `{key}`, `{value}`, `{length}`, ... */
export type TemplateVars = Record<string, string | number | undefined>;

/** Fills `{name}` from `vars`; an unknown name is left as written, so a typo shows in the output. */
export function fill(template: string, vars: TemplateVars): string {
  return template.replace(/\{([a-z-]+)\}/g, (whole, name: string) =>
    vars[name] === undefined ? whole : String(vars[name]),
  );
}

/**
 * A check context that reports a key's findings the way its profile says: another rule id (a
 * service's own name for a built-in check), and its own message and fix. The built-in checks
 * stay one implementation; what a service calls them is data.
 */
export class OverridingContext extends CheckContext {
  constructor(
    private readonly parent: CheckContext,
    private readonly overrides: Readonly<Record<string, Override>>,
    private readonly vars: TemplateVars,
  ) {
    super(parent.document, parent.target, parent.findings, parent.levels);
  }

  override report(rule: string, path: KeyPath, options: ReportOptions): void {
    const own = this.overrides[rule];
    if (!own) {
      this.parent.report(rule, path, options);
      return;
    }
    const vars = { ...this.vars, ...options.vars };
    this.parent.report(own.rule ?? rule, path, {
      at: own.point ?? options.at,
      message: own.message ? fill(own.message, vars) : options.message,
      fix: own.fix ? fill(own.fix, vars) : options.fix,
    });
  }
}

/** The context for one key: its overrides, or the plain context when it has none. */
export function contextFor(
  ctx: CheckContext,
  overrides: Readonly<Record<string, Override>> | undefined,
  vars: TemplateVars,
): CheckContext {
  return overrides && Object.keys(overrides).length
    ? new OverridingContext(ctx, overrides, vars)
    : ctx;
}
