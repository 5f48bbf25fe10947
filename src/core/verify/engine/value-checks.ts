import { closest } from '../../suggest.js';
import type { CheckContext } from '../context.js';
import type { Located } from './meanings.js';
import { asBool, asList, asNumber, asSeconds, asString, describe } from './values.js';

// A key's value against its spec: its type, and the allowed values.

/** Is the value of the key's type? Reports it when not. */
export function checkType(ctx: CheckContext, key: Located): boolean {
  const { value, spec } = key;
  const type = spec.type ?? 'string';
  const ok =
    type === 'any'
      ? true
      : type === 'boolean'
        ? asBool(value) !== undefined
        : type === 'integer'
          ? Number.isInteger(asNumber(value))
          : type === 'number'
            ? asNumber(value) !== undefined
            : type === 'duration'
              ? asSeconds(value, spec.unit ?? 'duration') !== undefined
              : type === 'string-list'
                ? asList(value, spec.separator) !== undefined
                : type === 'object'
                  ? value !== null && typeof value === 'object' && !Array.isArray(value)
                  : type === 'list'
                    ? Array.isArray(value)
                    : type === 'json'
                      ? parseJsonValue(value) !== undefined
                      : asString(value) !== undefined;
  if (ok) return true;
  const rule =
    type === 'duration'
      ? 'config/invalid-duration'
      : type === 'json'
        ? 'config/invalid-format'
        : 'config/invalid-type';
  const want = {
    boolean: 'true or false',
    integer: 'an integer',
    number: 'a number',
    duration: 'a duration (60s, 5m, 00:05:00)',
    'string-list': 'a list of strings',
    object: 'a table',
    list: 'a list',
    json: 'a JSON object',
    string: 'a string',
    url: 'a URL',
    any: '',
  }[type];
  ctx.report(rule, key.path, {
    at: 'value',
    message: `${key.label} must be ${want}, got ${describe(value)}`,
    fix: `give ${key.label} ${want}`,
  });
  return false;
}

/** Is every value one of the allowed ones? Reports each that is not, with a suggestion. */
export function checkAllowed(ctx: CheckContext, key: Located): boolean {
  const allowed = key.spec.allowed!.map(String);
  const values = Array.isArray(key.value) ? key.value : [key.value];
  let ok = true;
  values.forEach((v, i) => {
    const text = asString(v) ?? '';
    if (allowed.some((a) => a === text || a.toLowerCase() === text.toLowerCase())) return;
    ok = false;
    const suggestion = closest(text, allowed);
    ctx.report('config/invalid-value', Array.isArray(key.value) ? [...key.path, i] : key.path, {
      at: 'value',
      message: `${key.label} "${text}" is not one of ${allowed.join(', ')}${suggestion ? `: did you mean "${suggestion}"?` : ''}`,
      fix: suggestion ? `use "${suggestion}"` : `use one of ${allowed.join(', ')}`,
    });
  });
  return ok;
}

/** An object, or a string holding a JSON object: the object (else undefined). */
export function parseJsonValue(value: unknown): Record<string, unknown> | undefined {
  if (value !== null && typeof value === 'object' && !Array.isArray(value))
    return value as Record<string, unknown>;
  if (typeof value !== 'string') return undefined;
  try {
    const parsed = JSON.parse(value) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
