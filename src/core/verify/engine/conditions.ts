import type { Target } from '../types.js';
import { typeOf } from '../common.js';
import type { Condition } from './schema.js';
import type { ValueType } from './schema-checks.js';
import { asBool, asNumber, asSeconds, asString } from './values.js';

export interface Looked {
  present: boolean;
  value: unknown;
}

/**
 * The value of a key relative to the section instance (its default when absent), and whether it is
 * set; `env` reads a variable of the run (--env-file, --from-env), `file` whether a key's file exists.
 */
export type Lookup = ((key: string) => Looked) & {
  env?: (name: string) => Looked;
  file?: (key: string) => boolean;
};

/** Evaluates a profile condition; an empty condition holds. */
export function holds(condition: Condition, lookup: Lookup, target: Target): boolean {
  if (condition.all && !condition.all.every((c) => holds(c, lookup, target))) return false;
  if (condition.any && !condition.any.some((c) => holds(c, lookup, target))) return false;
  if (condition.not && holds(condition.not, lookup, target)) return false;
  if (
    condition.target !== undefined &&
    !(Array.isArray(condition.target) ? condition.target : [condition.target]).includes(target)
  )
    return false;
  if (condition.env !== undefined) return tests(condition, lookup.env?.(condition.env));
  if (condition.key === undefined) return true;
  if (condition.file !== undefined && (lookup.file?.(condition.key) ?? false) !== condition.file)
    return false;
  return tests(condition, lookup(condition.key));
}

/** The tests of a condition on one value (a key's, or a variable's). */
function tests(
  condition: Condition,
  looked: Looked = { present: false, value: undefined },
): boolean {
  const { present, value } = looked;
  if (condition.type !== undefined && !typeIs(condition.type, present, value)) return false;
  if (condition.present !== undefined && present !== condition.present) return false;
  if (condition.empty !== undefined && isEmptyValue(value) !== condition.empty) return false;
  // A flag as services read it: an empty `KEY=` is off, a value that is no boolean is neither.
  if (condition.flag !== undefined && (value === '' ? false : asBool(value)) !== condition.flag)
    return false;
  return compares(condition, value);
}

function typeIs(type: ValueType | ValueType[], present: boolean, value: unknown): boolean {
  if (!present || value === undefined) return false;
  const actual = typeOf(value) === 'bigint' ? 'number' : typeOf(value);
  return (Array.isArray(type) ? type : [type]).includes(actual as ValueType);
}

/** The value tests of a condition (equals, in, matches, greater-than, ...); an absent value fails them. */
function compares(condition: Condition, value: unknown): boolean {
  const compared =
    condition.equals !== undefined ||
    condition['not-equals'] !== undefined ||
    condition.in !== undefined ||
    condition.matches !== undefined;
  const numeric = condition['greater-than'] !== undefined || condition['less-than'] !== undefined;
  if ((compared || numeric) && value === undefined) return false;
  return matchesValue(condition, value) && (!numeric || inRange(condition, value));
}

/** equals, not-equals, in and matches. */
function matchesValue(condition: Condition, value: unknown): boolean {
  if (condition.equals !== undefined && !same(value, condition.equals)) return false;
  if (condition['not-equals'] !== undefined && same(value, condition['not-equals'])) return false;
  if (condition.in !== undefined && !condition.in.some((v) => same(value, v))) return false;
  return (
    condition.matches === undefined ||
    new RegExp(condition.matches).test(asString(value) ?? JSON.stringify(value))
  );
}

/** greater-than and less-than, on a number or a duration in seconds. */
function inRange(condition: Condition, value: unknown): boolean {
  const n = asNumber(value) ?? asSeconds(value, 'duration');
  if (n === undefined) return false;
  if (condition['greater-than'] !== undefined && !(n > condition['greater-than'])) return false;
  return !(condition['less-than'] !== undefined && !(n < condition['less-than']));
}

/** Config values are often strings for booleans and numbers (env, .properties): compare loosely. */
function same(value: unknown, expected: string | number | boolean): boolean {
  if (Array.isArray(value)) return value.some((v) => same(v, expected));
  if (value === expected) return true;
  const text = asString(value);
  return text !== undefined && text.trim().toLowerCase() === String(expected).toLowerCase();
}

/** Absent (without a default), "", [], {} or null: a list or table with nothing in it configures nothing. */
function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && !(value instanceof Date) && Object.keys(value).length === 0;
}
