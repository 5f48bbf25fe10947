import type * as z from 'zod';
import { authctlConfigSchema } from '../../config/schema.js';
import { parseDuration } from '../../duration.js';
import { closest } from '../../suggest.js';
import { typeOf } from '../common.js';
import type { CheckContext } from '../context.js';
import type { RuleId } from '../rules.js';
import { formatPath, type KeyPath } from '../types.js';
import type { SCHEMA_HOOKS } from './schema.js';

/**
 * Validators a profile file names with `schema = "..."`: a config that has a schema of its own is
 * checked against it, not against a copy of it in the profile. The profile file (authctl.profile.toml)
 * adds what the schema cannot say: meanings, rules between keys, --online.
 */
export type Validator = (ctx: CheckContext) => void;

export const VALIDATORS: Record<(typeof SCHEMA_HOOKS)[number], Validator> = {
  // authctl's own config: the zod schema `authctl config schema` prints, and its duration syntax.
  'authctl-config': (ctx) => {
    const data = ctx.document.data;
    const result = authctlConfigSchema.safeParse(data);
    if (!result.success) for (const issue of result.error.issues) reportIssue(ctx, issue, data);
    const presets =
      typeOf(data.tokens) === 'object'
        ? (data.tokens as Record<string, Record<string, unknown>>)
        : {};
    checkDurations(ctx, data, presets);
  },
};

function checkDurations(
  ctx: CheckContext,
  data: Record<string, unknown>,
  presets: Record<string, Record<string, unknown>>,
): void {
  const candidates: KeyPath[] = [
    ['token', 'ttl'],
    ['keys', 'grace'],
    ...Object.keys(presets).map((name) => ['tokens', name, 'ttl']),
  ];
  for (const at of candidates) {
    const value = valueAt(data, at);
    if (typeof value !== 'string') continue;
    try {
      parseDuration(value, formatPath(at));
    } catch {
      ctx.report('config/invalid-duration', at, {
        at: 'value',
        message: `${formatPath(at)} = "${value}" is not a duration`,
        fix: 'use 90s, 15m, 2h, 7d or a number of seconds',
      });
    }
  }
}

function valueAt(data: unknown, at: KeyPath): unknown {
  let node = data;
  for (const segment of at) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

type Issue = z.core.$ZodIssue;

/** One zod issue → one finding with the key's position and a fix. */
function reportIssue(ctx: CheckContext, issue: Issue, data: unknown): void {
  const at = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') return reportUnknownKeys(ctx, at, issue.keys);
  const { rule, message, fix } = describeIssue(issue, at, data);
  ctx.report(rule, at, { at: 'value', message, fix });
}

function reportUnknownKeys(ctx: CheckContext, at: KeyPath, keys: string[]): void {
  const known = knownKeysAt(at);
  for (const key of keys) {
    const suggestion = closest(key, known);
    ctx.report('config/unknown-key', [...at, key], {
      message: `unknown key "${formatPath([...at, key])}"${suggestion ? `: did you mean "${suggestion}"?` : ''}`,
      fix: suggestion
        ? `rename it to "${suggestion}"`
        : `remove it; see \`authctl config schema\` (known here: ${known.join(', ')})`,
    });
  }
}

interface IssueFinding {
  rule: RuleId;
  message: string;
  fix: string;
}

/** The rule, message and fix of a zod issue about the value at `at`. */
function describeIssue(issue: Issue, at: KeyPath, data: unknown): IssueFinding {
  const where = formatPath(at) || '(root)';
  const seeSchema = `see \`authctl config schema\` for ${where}`;
  switch (issue.code) {
    case 'invalid_type':
      return valueAt(data, at) === undefined
        ? { rule: 'config/missing-required', message: `${where} is required`, fix: seeSchema }
        : {
            rule: 'config/invalid-type',
            message: `${where} must be ${issue.expected}, got ${typeOf(valueAt(data, at))}`,
            fix: seeSchema,
          };
    case 'invalid_value':
      return describeInvalidValue(where, valueAt(data, at), issue.values.map(String));
    case 'too_small':
    case 'too_big':
      return {
        rule: 'config/out-of-range',
        message: `${where}: ${issue.message}`,
        fix: `pick a value ${issue.code === 'too_small' ? `of at least ${String(issue.minimum)}` : `of at most ${String(issue.maximum)}`}`,
      };
    case 'invalid_format':
      return {
        rule: 'config/invalid-format',
        message: `${where}: ${issue.message}`,
        fix: seeSchema,
      };
    case 'invalid_union':
      return {
        rule: 'config/invalid-type',
        message: `${where} has the wrong type (got ${typeOf(valueAt(data, at))})`,
        fix: seeSchema,
      };
    default:
      return {
        rule: 'config/invalid-value',
        message: `${where}: ${issue.message}`,
        fix: 'see `authctl config schema`',
      };
  }
}

function describeInvalidValue(where: string, value: unknown, options: string[]): IssueFinding {
  const suggestion = typeof value === 'string' ? closest(value, options) : undefined;
  return {
    rule: 'config/invalid-value',
    message: `${where} = ${JSON.stringify(value)} is not one of ${options.join(', ')}${suggestion ? `: did you mean "${suggestion}"?` : ''}`,
    fix: suggestion ? `use "${suggestion}"` : `use one of ${options.join(', ')}`,
  };
}

/** Keys the schema allows at `at` (walks objects, records, optionals), for "did you mean". */
function knownKeysAt(at: KeyPath): string[] {
  let node: unknown = authctlConfigSchema;
  for (const segment of at) {
    node = unwrap(node);
    const shape = (node as { shape?: Record<string, unknown> }).shape;
    const def = (node as { def?: { valueType?: unknown; element?: unknown } }).def;
    if (shape && typeof segment === 'string' && segment in shape) node = shape[segment];
    else if (def?.valueType) node = def.valueType;
    else if (def?.element) node = def.element;
    else return [];
  }
  return Object.keys((unwrap(node) as { shape?: Record<string, unknown> }).shape ?? {});
}

function unwrap(node: unknown): unknown {
  let current = node as { def?: { innerType?: unknown } };
  while (current?.def?.innerType) current = current.def.innerType as typeof current;
  return current;
}
