// The types of a parsed config document, apart from the parsers: document.ts (TOML, JSON, dotenv)
// and formats.ts (the extra formats) both need them, and neither may import the other's types back.
import type { Finding, SourceMap } from './types.js';

/** The formats added next to TOML, JSON and dotenv; each has its own locator in locate/. */
export type ExtraKind = 'yaml' | 'jsonc' | 'properties';

export type DocumentKind = 'toml' | 'json' | 'env' | ExtraKind;

/** A parsed config file (or the process environment) with the positions of its keys. */
export interface ConfigDocument {
  /** As shown in findings: the path as given, or `<env>`. */
  file: string;
  kind: DocumentKind;
  data: Record<string, unknown>;
  map?: SourceMap;
  /** Directory for resolving paths the file refers to (agentflow's "env"). */
  dir?: string;
  /** The second and later documents of a multi-document YAML file, checked like the first. */
  more?: ConfigDocument[];
  /** dotenv: offsets of the `${NAME}` references in each value (resolved by --env-file). */
  refs?: Record<string, number[]>;
  /** The text it was parsed from, for positions inside a value (a `${NAME}` reference). */
  text?: string;
}

export interface ParseResult {
  document?: ConfigDocument;
  /** Syntax errors, as findings with a caret snippet. */
  findings: Finding[];
}
