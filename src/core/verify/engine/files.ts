import path from 'node:path';
import type { CheckContext } from '../context.js';
import type { ConfigDocument } from '../document.js';
import { parseEnv } from '../locate/env.js';
import type { ProfileDeps } from './checker.js';
import type { KeyPath } from '../types.js';
import type { Looked } from './conditions.js';
import { contextFor } from './override.js';
import { first, type Entry, type PathStyle } from './paths.js';
import type { KeySpec, Section } from './schema.js';

/** A file a key names (`"env": ".env"`), read before the checks run (they are synchronous). */
export interface Reference {
  key: string;
  spec: KeySpec;
  /** Where the key is in the referring document: missing values there are reported at it. */
  path: KeyPath;
  /** The path as written, and as shown in findings (relative to the referring file's directory). */
  value: string;
  shown: string;
  text?: string;
}

/** The variables of the run (`--env-file` files, and the process environment with `--from-env`). */
export function environment(deps: ProfileDeps | undefined): (name: string) => Looked {
  return (name) => {
    const value = deps?.env?.[name] ?? deps?.extraEnv?.[name];
    return { present: value !== undefined, value };
  };
}

/** Reads every file the instance's `file` keys name; a value that is not a path is left to its type check. */
export async function readReferences(
  ctx: CheckContext,
  root: Entry,
  keys: Record<string, KeySpec>,
  style: PathStyle,
  deps: ProfileDeps | undefined,
): Promise<Map<string, Reference>> {
  const out = new Map<string, Reference>();
  for (const [key, spec] of Object.entries(keys)) {
    const entry = spec.file ? first(root, key, style) : undefined;
    if (!entry || typeof entry.value !== 'string' || entry.value === '') continue;
    const full = path.resolve(ctx.document.dir ?? '.', entry.value);
    const text = await deps?.readFile(full);
    out.set(key, {
      key,
      spec,
      path: entry.path,
      value: entry.value,
      shown: path.join(path.dirname(ctx.document.file), entry.value),
      text,
    });
  }
  return out;
}

/** A named file that does not exist: reported at the value that names it. */
export function reportMissingFile(ctx: CheckContext, ref: Reference): void {
  contextFor(ctx, ref.spec.file?.missing ? { 'config/invalid-value': ref.spec.file.missing } : {}, {
    key: ref.key,
    value: ref.value,
  }).report('config/invalid-value', ref.path, {
    at: 'value',
    message: `${ref.key} names "${ref.value}", which does not exist`,
    fix: `create ${ref.value}, or fix the path`,
  });
}

/**
 * The named file as a document of its own (its findings at its own lines). With `environment`,
 * the run's variables replace the file's values of the keys the sections declare.
 */
export function referencedDocument(
  ref: Reference,
  sections: Section[],
  env: (name: string) => Looked,
): ConfigDocument {
  const parsed = parseEnv(ref.text ?? '');
  const data: Record<string, unknown> = { ...parsed.vars };
  if (ref.spec.file?.environment)
    for (const section of sections)
      for (const key of Object.keys(section.keys)) {
        const given = env(key);
        if (given.present) data[key] = given.value;
      }
  return {
    file: ref.shown,
    kind: ref.spec.file!.format,
    data,
    map: parsed.map,
    dir: path.dirname(ref.shown),
  };
}
