import { checkSameIssuer } from '../common.js';
import { closest } from '../../suggest.js';
import type { CheckContext } from '../context.js';
import type { KeyPath } from '../types.js';
import { holds, type Lookup } from './conditions.js';
import { label } from './keys.js';
import { fill, type TemplateVars } from './override.js';
import type { PathStyle } from './paths.js';
import type { CrossRule } from './schema.js';
import { asList, asString } from './values.js';

/** What a cross-key rule needs from its section instance. */
export interface CrossScope {
  lookup: Lookup;
  where(key: string): KeyPath;
  style: PathStyle;
}

/** Set, and not empty: `KEY=` in a .env is the same as no KEY for the services that read it. */
const filled = (scope: CrossScope, key: string) => {
  const { present, value } = scope.lookup(key);
  return present && value !== '' && value !== null;
};

type Report = (
  fallback: string,
  key: string,
  message: string,
  fix: string,
  vars?: TemplateVars,
) => void;

function reporter(ctx: CheckContext, rule: CrossRule, scope: CrossScope): Report {
  return (fallback, key, message, fix, vars = {}) => {
    const target = rule.at ?? key;
    const value = scope.lookup(target).value;
    // Point at a scalar's value, but at the key of a block table or list (its value starts a line below).
    const at = rule.point ?? (value !== null && typeof value === 'object' ? 'key' : 'value');
    const all = {
      key: label(scope.where(target), scope.style.separator),
      value: asString(value),
      ...didYouMean(rule.suggest, asString(value)),
      ...vars,
    };
    ctx.report(rule.rule ?? fallback, scope.where(target), {
      at,
      message: rule.message ? fill(rule.message, all) : message,
      fix: rule.fix ? fill(rule.fix, all) : fix,
    });
  };
}

/** `suggest`: `{suggestion}` in templates is ': did you mean "jwt"?' for a near miss, else empty. */
function didYouMean(candidates: string[] | undefined, value: string | undefined): TemplateVars {
  if (!candidates) return {};
  const near = value === undefined ? undefined : closest(value, candidates);
  return { suggestion: near ? `: did you mean "${near}"?` : '' };
}

type Check = (ctx: CheckContext, rule: CrossRule, scope: CrossScope, report: Report) => void;

const isSet = (rule: CrossRule, scope: CrossScope) =>
  (rule.keys ?? []).filter((k) => scope.lookup(k).present);

/** Whether any (or every) key is set, without listing them: asked of every instance. */
const anySet = (keys: string[], scope: CrossScope) => keys.some((k) => scope.lookup(k).present);
const allSet = (keys: string[], scope: CrossScope) => keys.every((k) => scope.lookup(k).present);

/** One function per check type: what each reports, and where by default. */
const CHECKS: Record<CrossRule['type'], Check> = {
  'equal-issuers': (ctx, rule, scope) => {
    const keys = rule.keys ?? [];
    if (keys.length >= 2 && allSet(keys, scope))
      equalIssuers(ctx, keys, scope, rule['only-trailing-slash'] === true);
  },
  'at-least-one-of': (_ctx, rule, scope, report) => {
    const keys = rule.keys ?? [];
    if (!anySet(keys, scope))
      report(
        'config/missing-required',
        keys[0]!,
        `set at least one of ${keys.join(', ')}`,
        `set ${keys[0]}`,
      );
  },
  conflicts: (_ctx, rule, scope, report) => {
    const set = isSet(rule, scope);
    if (set.length > 1)
      report(
        'config/conflicting-keys',
        set[1]!,
        `${set.join(' and ')} must not be set together`,
        `remove ${set[1]}`,
      );
  },
  'all-or-none': (_ctx, rule, scope, report) => allOrNone(rule.keys ?? [], scope, report),
  'distinct-values': (_ctx, rule, scope, report) => distinctValues(rule.keys ?? [], scope, report),
  subset: (ctx, rule, scope, report) => {
    if (!rule.if || holds(rule.if, scope.lookup, ctx.target))
      subset(rule.keys ?? [], scope, report);
  },
  implies: (ctx, rule, { lookup }, report) => {
    if (!rule.if || !rule.then || !holds(rule.if, lookup, ctx.target)) return;
    if (holds(rule.then, lookup, ctx.target)) return;
    const key = rule.then.key ?? rule.if.key ?? '';
    report(
      'config/missing-required',
      lookup(key).present ? key : (rule.if.key ?? key),
      `${rule.if.key ?? 'this'} requires ${rule.then.key ?? 'another setting'}`,
      `set ${rule.then.key}`,
    );
  },
  forbid: (ctx, rule, { lookup }, report) => {
    if (rule.when && holds(rule.when, lookup, ctx.target))
      report(
        'config/invalid-value',
        rule.when.key ?? firstKey(rule) ?? rule.keys?.[0] ?? '',
        'a forbidden combination of settings',
        'change the settings',
      );
  },
};

export function checkCross(ctx: CheckContext, rule: CrossRule, scope: CrossScope): void {
  CHECKS[rule.type](ctx, rule, scope, reporter(ctx, rule, scope));
}

/** The first key a compound condition names (`all: [{key: A}, ...]`), for where to point. */
function firstKey(rule: CrossRule): string | undefined {
  const stack = rule.when ? [rule.when] : [];
  while (stack.length) {
    const c = stack.shift()!;
    if (c.key) return c.key;
    stack.push(...(c.all ?? []), ...(c.any ?? []), ...(c.not ? [c.not] : []));
  }
  return undefined;
}

function equalIssuers(
  ctx: CheckContext,
  keys: string[],
  scope: CrossScope,
  slashOnly: boolean,
): void {
  const first = asString(scope.lookup(keys[0]!).value);
  if (first === undefined) return;
  const trim = (s: string) => s.replace(/\/+$/, '');
  for (const key of keys.slice(1)) {
    const value = asString(scope.lookup(key).value);
    if (value !== undefined && (!slashOnly || (value !== first && trim(value) === trim(first))))
      checkSameIssuer(
        ctx,
        scope.where(key),
        value,
        first,
        label(scope.where(keys[0]!), scope.style.separator),
      );
  }
}

/** Settings that only work together (a client id without its secret): some set, not all. */
function allOrNone(keys: string[], scope: CrossScope, report: Report): void {
  const present = keys.filter((k) => filled(scope, k));
  if (present.length === 0 || present.length === keys.length) return;
  const missing = keys.filter((k) => !filled(scope, k));
  const list = missing.join(', ');
  const is = missing.length === 1 ? 'is' : 'are';
  report(
    'config/missing-required',
    present[0]!,
    `${list} ${is} missing: ${present.join(', ')} ${present.length === 1 ? 'does' : 'do'} not work without ${missing.length === 1 ? 'it' : 'them'}`,
    `set ${list}`,
    { missing: list, is },
  );
}

/** Settings that must name different things (viewer / operator / admin roles). */
function distinctValues(keys: string[], scope: CrossScope, report: Report): void {
  const seen = new Map<string, string>();
  for (const key of keys) {
    const value = asString(scope.lookup(key).value);
    if (!scope.lookup(key).present || value === undefined || value.trim() === '') continue;
    const other = seen.get(value);
    if (other === undefined) {
      seen.set(value, key);
      continue;
    }
    report(
      'config/invalid-value',
      key,
      `${key}="${value}" is the same value as ${other}`,
      `give ${key} its own value`,
      { other },
    );
  }
}

/** Every entry of the first list is in the second (scopes a UI requests ⊇ the scopes reads need). */
function subset(keys: string[], scope: CrossScope, report: Report): void {
  const [part, whole] = keys;
  if (part === undefined || whole === undefined || !scope.lookup(whole).present) return;
  const want = asList(scope.lookup(part).value);
  const have = asList(scope.lookup(whole).value);
  if (!want || !have) return;
  const missing = want.filter((entry) => !have.includes(entry)).map((entry) => `"${entry}"`);
  if (missing.length === 0) return;
  const list = missing.join(', ');
  report(
    'config/invalid-value',
    whole,
    `${whole} lacks ${list}, which ${part} needs`,
    `add ${list} to ${whole}`,
    { missing: list },
  );
}
