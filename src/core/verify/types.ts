/** Shared shapes of `verify-config`: findings, positions, targets and profiles. */

export type Severity = 'error' | 'warning' | 'info';
export type Target = 'development' | 'staging' | 'production';
export const TARGETS: readonly Target[] = ['development', 'staging', 'production'];

// Every built-in profile: generated from the registry (test/config/init-styles.test.ts).
export { PROFILES, type Profile } from './init-styles.js';

/** 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** One problem found in a config, with where it is and how to fix it. */
export interface Finding {
  /** Stable rule id, e.g. `auth/algorithm-not-allowed`. */
  rule: string;
  severity: Severity;
  /** File as given (or `<env>` for the process environment). */
  file?: string;
  line?: number;
  column?: number;
  message: string;
  fix?: string;
  /** Caret snippet, for syntax errors. */
  snippet?: string;
}

/** A path into a parsed document: table/object keys and array indexes. */
export type KeyPath = readonly (string | number)[];

/**
 * Where keys and values of a parsed document sit in its text. `key` is the position of the
 * key (or table header segment), `value` of the value.
 */
export interface SourceMap {
  key(path: KeyPath): Position | undefined;
  value(path: KeyPath): Position | undefined;
}

/** Joins a path the way people write it: `auth.algorithms[1]`. */
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${segment}` : segment;
  }
  return out;
}

export function pathId(path: KeyPath): string {
  return JSON.stringify(path);
}
