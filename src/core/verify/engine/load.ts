import { promises as fs } from 'node:fs';
import path from 'node:path';
import { knownKeysAt } from '../../config/known-keys.js';
import { usageError } from '../../errors.js';
import { toml, yaml } from '../../parsers.js';
import { closest } from '../../suggest.js';
import { parseDocument, type DocumentKind } from '../document.js';
import { locate } from '../locate/offsets.js';
import { RULES } from '../rules.js';
import { formatPath, type KeyPath, type SourceMap } from '../types.js';
import { MEANINGS, profileSchema, type ProfileDefinition } from './schema.js';

/**
 * Parses and validates one profile file. Every problem is a usage error (exit 2) at
 * file:line:col of the offending key or value, with a did-you-mean for misspelt keys and meanings.
 */
export function parseProfile(file: string, text: string): ProfileDefinition {
  const kind = profileKind(file);
  // Fast path (every run loads the built-in profiles): plain parse and validate; positions only for errors.
  const quick = plainParse(kind, text);
  if (quick !== undefined) {
    const result = profileSchema.safeParse(quick);
    if (result.success && ruleIdsKnown(result.data)) return result.data;
  }
  const parsed = parseDocument(file, text, kind);
  if (!parsed.document) {
    const f = parsed.findings[0]!;
    throw usageError('ERR_PROFILE_SYNTAX', f.message, {
      where: `${file}:${f.line}:${f.column}`,
      hint: f.fix,
    });
  }
  const result = profileSchema.safeParse(parsed.document.data);
  if (result.success) {
    checkRuleIds(file, result.data, parsed.document.map);
    return result.data;
  }
  const issue = result.error.issues[0]!;
  const issuePath = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
  let keyPath = issuePath;
  let message = issue.message;
  let hint = 'see `authctl config schema --profile` for every key of a profile file';
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    keyPath = [...issuePath, key];
    message = `unknown key "${key}"`;
    const suggestion = closest(key, knownKeysAt(issuePath.map(String), profileSchema));
    if (suggestion) hint = `did you mean "${suggestion}"?`;
  } else if (issue.code === 'invalid_value' && issuePath[issuePath.length - 1] === 'meaning') {
    const value = valueAt(parsed.document.data, issuePath);
    const suggestion = typeof value === 'string' ? closest(value, MEANINGS) : undefined;
    message = `unknown meaning "${String(value)}"`;
    hint = suggestion ? `did you mean "${suggestion}"?` : `meanings: ${MEANINGS.join(', ')}`;
  }
  const at = locate(
    parsed.document.map,
    keyPath,
    issue.code === 'unrecognized_keys' ? 'key' : 'value',
  );
  const where = at ? `${file}:${at.line}:${at.column}` : file;
  throw usageError(
    'ERR_PROFILE_INVALID',
    `${keyPath.length ? `${formatPath(keyPath)}: ` : ''}${message}`,
    { where, hint },
  );
}

/** A profile file's format by its extension: .json, .yaml/.yml, else TOML. */
function profileKind(file: string): DocumentKind {
  const ext = /\.([a-z]+)$/i.exec(file)?.[1]?.toLowerCase();
  if (ext === 'json') return 'json';
  return ext === 'yaml' || ext === 'yml' ? 'yaml' : 'toml';
}

function plainParse(kind: DocumentKind, text: string): unknown {
  try {
    return kind === 'toml'
      ? toml().parse(text)
      : kind === 'json'
        ? JSON.parse(text)
        : yaml().parse(text, { merge: true, uniqueKeys: true });
  } catch {
    return undefined;
  }
}

function ruleIdsKnown(def: ProfileDefinition): boolean {
  const known = new Set([...Object.keys(RULES), ...Object.keys(def.rules)]);
  return [def.checks, ...def.sections.map((s) => s.checks)].every((checks) =>
    checks.every((c) => !c.rule || known.has(c.rule)),
  );
}

/** A check may only report a rule authctl knows or the profile defines in [rules]. */
function checkRuleIds(file: string, def: ProfileDefinition, map: SourceMap | undefined): void {
  const known = [...Object.keys(RULES), ...Object.keys(def.rules)];
  const lists: [KeyPath, ProfileDefinition['checks']][] = [
    [['checks'], def.checks],
    ...def.sections.map((s, i): [KeyPath, ProfileDefinition['checks']] => [
      ['sections', i, 'checks'],
      s.checks,
    ]),
  ];
  for (const [at, checks] of lists) {
    checks.forEach((check, i) => {
      if (!check.rule || known.includes(check.rule)) return;
      const position = locate(map, [...at, i, 'rule'], 'value');
      const suggestion = closest(check.rule, known);
      throw usageError(
        'ERR_PROFILE_INVALID',
        `${formatPath([...at, i, 'rule'])}: unknown rule "${check.rule}"`,
        {
          where: position ? `${file}:${position.line}:${position.column}` : file,
          hint: suggestion
            ? `did you mean "${suggestion}"?`
            : 'define it under [rules] with a summary and levels, or see `authctl verify-config --list-rules`',
        },
      );
    });
  }
}

function valueAt(data: unknown, keyPath: readonly (string | number)[]): unknown {
  let node = data;
  for (const segment of keyPath)
    node = (node as Record<string | number, unknown> | undefined)?.[segment];
  return node;
}

/** Reads a profile file a user named (`--profile ./ledger.profile.toml`, `[verify] profiles`). */
export async function loadProfileFile(file: string, cwd: string): Promise<ProfileDefinition> {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = await fs.readFile(full, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw usageError(
      'ERR_PROFILE_UNREADABLE',
      code === 'ENOENT'
        ? `profile file not found: ${file}`
        : `cannot read profile ${file}: ${code ?? (error as Error).message}`,
      {
        field: 'profile',
        hint: 'pass a built-in profile name or the path of a *.profile.toml / .json / .yaml file',
      },
    );
  }
  return parseProfile(file, text);
}
