import path from 'node:path';
import { jsonErrorLocation } from '../config/position.js';
import { usageError } from '../errors.js';
import { registerSecretsIn } from '../mask.js';
import type { ConfigDocument, DocumentKind, ExtraKind, ParseResult } from './document-types.js';
import { locateJson } from './locate/json.js';
import { lazyMap } from './locate/offsets.js';
import { stripJsonComments } from './locate/jsonc.js';
import { parseProperties } from './locate/properties.js';
import { parseYaml } from './locate/yaml.js';
import type { Finding } from './types.js';

export const FORMATS: readonly DocumentKind[] = [
  'toml',
  'json',
  'jsonc',
  'yaml',
  'properties',
  'env',
];

type SyntaxFinding = (
  file: string,
  text: string,
  line: number,
  column: number,
  message: string,
) => Finding;

export function parseExtra(
  file: string,
  text: string,
  kind: ExtraKind,
  dir: string | undefined,
  syntax: SyntaxFinding,
): ParseResult {
  if (kind === 'properties') {
    const parsed = parseProperties(text);
    // Like TOML, JSON and dotenv: secret values are masked wherever they would be printed.
    registerSecretsIn(parsed.data);
    return { document: { file, kind, data: parsed.data, map: parsed.map, dir }, findings: [] };
  }
  if (kind === 'jsonc') {
    // Most appsettings.json files are plain JSON: parse first, strip comments only when that fails.
    let plain = text;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      plain = stripJsonComments(text);
      try {
        data = JSON.parse(plain);
      } catch (error) {
        const { reason, line, column } = jsonErrorLocation(error, plain);
        return { findings: [syntax(file, text, line, column, `JSON syntax error: ${reason}`)] };
      }
    }
    if (!isObject(data))
      return { findings: [notAnObject(file, 'a JSON object', 'wrap the settings in { ... }')] };
    registerSecretsIn(data);
    return {
      document: { file, kind, data, map: lazyMap(() => locateJson(plain)), dir },
      findings: [],
    };
  }
  const parsed = parseYaml(text);
  if (parsed.errors.length)
    return {
      findings: parsed.errors.map((e) =>
        syntax(file, text, e.line, e.column, `YAML syntax error: ${e.message}`),
      ),
    };
  const documents: ConfigDocument[] = [];
  for (const doc of parsed.documents) {
    if (!isObject(doc.data))
      return {
        findings: [
          notAnObject(
            file,
            'a YAML mapping (key: value)',
            'write the settings as key: value lines',
          ),
        ],
      };
    registerSecretsIn(doc.data);
    documents.push({ file, kind, data: doc.data, map: doc.map, dir });
  }
  if (documents.length === 0) return { document: { file, kind, data: {}, dir }, findings: [] };
  return { document: { ...documents[0]!, more: documents.slice(1) }, findings: [] };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function notAnObject(file: string, what: string, fix: string): Finding {
  return {
    rule: 'config/invalid-type',
    severity: 'error',
    file,
    line: 1,
    column: 1,
    message: `the file must contain ${what}`,
    fix,
  };
}

/** The format a file name says it is in, or undefined when the name does not tell. */
export function formatByName(file: string): DocumentKind | undefined {
  const base = path.basename(file).toLowerCase();
  if (base.endsWith('.yml') || base.endsWith('.yaml')) return 'yaml';
  if (base.endsWith('.properties')) return 'properties';
  // .NET's configuration reader allows comments and trailing commas in appsettings*.json.
  if (base.endsWith('.jsonc') || (base.startsWith('appsettings') && base.endsWith('.json')))
    return 'jsonc';
  return undefined;
}

/** Names the legacy sniffing in kindOf() handles (TOML, JSON, dotenv, .authctlrc). */
function legacyName(base: string): boolean {
  return (
    base.endsWith('.json') ||
    base.endsWith('.toml') ||
    base === '.authctlrc' ||
    base.startsWith('.env') ||
    base.endsWith('.env') ||
    base.includes('.env.')
  );
}

/**
 * Which parser a file needs, never a guess: its name (extension), then a profile's declared file
 * names (postgrest.conf is TOML), then the only format a forced profile reads. Anything else is a
 * usage error naming the formats authctl knows.
 */
export function formatFor(
  file: string,
  legacy: () => DocumentKind,
  declared: (file: string) => DocumentKind | undefined,
  forced?: readonly DocumentKind[],
): DocumentKind {
  const byName = formatByName(file);
  if (byName) return byName;
  if (legacyName(path.basename(file).toLowerCase())) return legacy();
  const fromProfile = declared(file);
  if (fromProfile) return fromProfile;
  if (forced?.length === 1) return forced[0]!;
  throw usageError('ERR_VERIFY_UNKNOWN_FORMAT', `cannot tell the format of ${file}`, {
    where: file,
    hint: `authctl reads ${FORMATS.join(', ')} (by extension: .toml .json .jsonc .yml/.yaml .properties .env); rename the file or pass {{profile}} for a service that reads one format`,
  });
}
