import path from 'node:path';
import { usageError } from '../../errors.js';
import { closest } from '../../suggest.js';
import { compareText } from '../../text-order.js';
import type { DocumentKind } from '../document.js';
import { formatByName } from '../formats.js';
import type { ProfileChecker } from './checker.js';
import { RULES, type Levels, type RuleSpec } from '../rules.js';
import { engineChecker, globMatch } from './engine.js';
import { builtinDefinitions } from './builtins.js';
import type { ProfileDefinition } from './schema.js';

/** A profile verify-config can run: a built-in profile file, or one the user names. */
export interface RegisteredProfile {
  name: string;
  title: string;
  /** The line init's wizard shows; a profile with one has templates/<name>/ for `authctl init`. */
  init?: string;
  kinds: readonly DocumentKind[];
  checker: ProfileChecker;
  source: 'builtin' | 'user';
  definition?: ProfileDefinition;
  /** Levels of the rules the profile defines or re-levels. */
  levels: Record<string, Levels>;
}

export type Registry = Map<string, RegisteredProfile>;

let builtins: RegisteredProfile[] | undefined;
const single = new Map<string, RegisteredProfile | undefined>();

/**
 * The built-in profiles (templates/profiles/*.profile.*, embedded parsed in dist/ and the binary),
 * higher `priority` first (detection ties go to them), then by file name.
 */
export function builtinProfiles(): RegisteredProfile[] {
  builtins ??= builtinDefinitions()
    .map((def) => fromDefinition(def, 'builtin'))
    .sort((a, b) => b.definition!.priority - a.definition!.priority);
  return builtins;
}

/** One built-in profile by name, reading only its definition (`--profile relay` needs one, not all). */
export function builtinProfile(name: string): RegisteredProfile | undefined {
  if (builtins) return builtins.find((p) => p.name === name);
  if (!single.has(name)) {
    const [def] = builtinDefinitions((file) => path.basename(file).startsWith(`${name}.profile.`));
    single.set(name, def && fromDefinition(def, 'builtin'));
  }
  return single.get(name);
}

export function fromDefinition(
  def: ProfileDefinition,
  source: 'builtin' | 'user',
): RegisteredProfile {
  const levels: Record<string, Levels> = {};
  for (const [id, rule] of Object.entries(def.rules)) levels[id] = normalizeLevels(rule.levels);
  for (const [id, value] of Object.entries(def.severity)) levels[id] = normalizeLevels(value);
  return {
    name: def.profile,
    title: def.title,
    ...(def.init ? { init: def.init } : {}),
    kinds: def.formats,
    checker: engineChecker(def),
    source,
    definition: def,
    levels,
  };
}

function normalizeLevels(levels: ProfileDefinition['severity'][string]): Levels {
  return typeof levels === 'object' && !Array.isArray(levels)
    ? [levels.development, levels.staging, levels.production]
    : (levels as Levels);
}

/** Every profile: the built-in files in priority order, then the user's. */
export function buildRegistry(user: ProfileDefinition[] = [], forced?: string): Registry {
  // Loading every profile file costs start-up time: a forced built-in needs only its own.
  if (forced !== undefined && user.length === 0) {
    const own = builtinProfile(forced);
    if (own) return new Map([[own.name, own]]);
  }
  const registry: Registry = new Map(builtinProfiles().map((p) => [p.name, p]));
  for (const def of user) registry.set(def.profile, fromDefinition(def, 'user'));
  return registry;
}

/** The format a profile's declared file names give a file (`postgrest.conf` is TOML). */
export function declaredFormat(registry: Registry, file: string): DocumentKind | undefined {
  const base = path.basename(file);
  for (const profile of registry.values()) {
    for (const f of profile.definition?.files ?? [])
      if (globMatch(f.name, base))
        return (
          f.format ??
          formatByName(base) ??
          (profile.kinds.length === 1 ? profile.kinds[0] : undefined)
        );
  }
  return undefined;
}

/** Does a profile file declare this file name (auto-detection when no FILES are given)? */
export function isDeclaredFile(registry: Registry, file: string): boolean {
  const base = path.basename(file);
  return [...registry.values()].some((p) =>
    (p.definition?.files ?? []).some((f) => globMatch(f.name, base)),
  );
}

export function profileNamed(registry: Registry, name: string): RegisteredProfile {
  const found = registry.get(name);
  if (found) return found;
  const suggestion = closest(name, [...registry.keys()]);
  throw usageError(
    'ERR_VERIFY_UNKNOWN_PROFILE',
    `unknown profile "${name}"${suggestion ? `: did you mean "${suggestion}"?` : ''}`,
    {
      field: 'profile',
      hint: `use one of ${[...registry.keys()].join(', ')}, or the path of a *.profile.toml / .json / .yaml file`,
    },
  );
}

/** Every rule id a registry can report with its levels: RULES plus the ones profile files define. */
export function allRules(
  registry: Registry,
): { id: string; summary: string; levels: Levels; profiles: string[]; explain?: string }[] {
  const out = new Map<
    string,
    { id: string; summary: string; levels: Levels; profiles: string[]; explain?: string }
  >();
  for (const [id, spec] of Object.entries(RULES))
    out.set(id, { id, summary: spec.summary, levels: spec.levels, profiles: [] });
  for (const profile of registry.values()) {
    for (const [id, rule] of Object.entries(profile.definition?.rules ?? {})) {
      const entry = out.get(id) ?? {
        id,
        summary: rule.summary,
        levels: normalizeLevels(rule.levels),
        profiles: [],
        explain: rule.explain,
      };
      entry.profiles.push(profile.name);
      out.set(id, entry);
    }
  }
  return [...out.values()].sort((a, b) => compareText(a.id, b.id));
}

/** The rules the named profiles define themselves (recsys/…): reports carry their summaries and help. */
export function profileRules(
  registry: Registry,
  names: Iterable<string>,
): Record<string, RuleSpec> {
  const out: Record<string, RuleSpec> = {};
  for (const name of names)
    for (const [id, rule] of Object.entries(registry.get(name)?.definition?.rules ?? {}))
      out[id] = {
        summary: rule.summary,
        levels: normalizeLevels(rule.levels),
        ...(rule.explain ? { explain: rule.explain } : {}),
      };
  return out;
}
