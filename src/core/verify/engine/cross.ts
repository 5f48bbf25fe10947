import { checkSameIssuer } from '../common.js';
import type { CheckContext } from '../context.js';
import type { KeyPath } from '../types.js';
import { holds, type Lookup } from './conditions.js';
import { label, type PathStyle } from './paths.js';
import type { CrossRule } from './schema.js';
import { asString } from './values.js';

// Cross-key rules of a section (`checks = [...]`): one checker per rule type.

/** One cross-key rule being checked: the keys it names, those set, and how to report. */
interface CrossCall {
  ctx: CheckContext;
  rule: CrossRule;
  lookup: Lookup;
  where: (key: string) => KeyPath;
  style: PathStyle;
  keys: string[];
  /** The rule's keys that are set. */
  set: string[];
  report(fallback: string, key: string, message: string, fix: string): void;
}

/** One checker per rule type: the compiler insists on every type the profile schema allows. */
const CROSS_CHECKS: Record<CrossRule['type'], (c: CrossCall) => void> = {
  'equal-issuers': ({ ctx, lookup, where, style, keys, set }) => {
    if (set.length !== keys.length || keys.length < 2) return;
    const first = asString(lookup(keys[0]!).value)!;
    for (const key of keys.slice(1)) {
      const value = asString(lookup(key).value);
      if (value !== undefined)
        checkSameIssuer(ctx, where(key), value, first, label(where(keys[0]!), style.separator));
    }
  },
  'at-least-one-of': ({ keys, set, report }) => {
    if (set.length > 0) return;
    report(
      'config/missing-required',
      keys[0]!,
      `set at least one of ${keys.join(', ')}`,
      `set ${keys[0]}`,
    );
  },
  conflicts: ({ set, report }) => {
    if (set.length <= 1) return;
    report(
      'config/conflicting-keys',
      set[1]!,
      `${set.join(' and ')} must not be set together`,
      `remove ${set[1]}`,
    );
  },
  implies: ({ ctx, rule, lookup, report }) => {
    const { if: cause, then: effect } = rule;
    if (!cause || !effect) return;
    if (!holds(cause, lookup, ctx.target) || holds(effect, lookup, ctx.target)) return;
    const key = effect.key ?? cause.key ?? '';
    report(
      'config/missing-required',
      lookup(key).present ? key : (cause.key ?? key),
      `${cause.key ?? 'this'} requires ${effect.key ?? 'another setting'}`,
      `set ${effect.key}`,
    );
  },
  forbid: ({ ctx, rule, lookup, keys, report }) => {
    if (!rule.when || !holds(rule.when, lookup, ctx.target)) return;
    report(
      'config/invalid-value',
      rule.when.key ?? keys[0] ?? '',
      'a forbidden combination of settings',
      'change the settings',
    );
  },
};

/** Checks one cross-key rule of a section instance. */
export function checkCross(
  ctx: CheckContext,
  rule: CrossRule,
  lookup: Lookup,
  where: (key: string) => KeyPath,
  style: PathStyle,
): void {
  const keys = rule.keys ?? [];
  const set = keys.filter((k) => lookup(k).present);
  // Point at a scalar's value, but at the key of a block table or list (its value starts a line below).
  const report = (fallback: string, key: string, message: string, fix: string) => {
    const value = lookup(rule.at ?? key).value;
    const at = value !== null && typeof value === 'object' ? 'key' : 'value';
    ctx.report(rule.rule ?? fallback, where(rule.at ?? key), {
      at,
      message: rule.message ?? message,
      fix: rule.fix ?? fix,
    });
  };
  CROSS_CHECKS[rule.type]({ ctx, rule, lookup, where, style, keys, set, report });
}
