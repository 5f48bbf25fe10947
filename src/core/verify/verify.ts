import path from 'node:path';
import { usageError } from '../errors.js';
import { compareText } from '../text-order.js';
import { withListedKeys } from '../table-keys.js';
import { CheckContext } from './context.js';
import { kindOf, parseDocument, type ConfigDocument, type DocumentKind } from './document.js';
import { runOnlineChecks, type OnlineOptions } from './online.js';
import type { OnlineCheck, ProfileDeps } from './engine/checker.js';
import type { RuleSpec } from './rules.js';
import { type Finding, type Profile, type Severity, type Target } from './types.js';
import { formatFor } from './formats.js';
import {
  buildRegistry,
  declaredFormat,
  profileNamed,
  profileRules,
  type Registry,
} from './engine/registry.js';
import { isProfileFile } from './engine/profile-file.js';
import { applySuppressions } from './suppress.js';
import { defaultRead, gatherInputs, type Input } from './inputs.js';
import { expandReferences } from './expand.js';

/** A built-in profile name, or any profile a file defines. */
export type ProfileName = Profile | (string & {});

export interface VerifyConfigOptions {
  /** Files to check; empty means auto-detect in `cwd` (unless `fromEnv`). */
  files?: string[];
  /** The caller's working directory: files resolve against it (core does not read process.cwd()). */
  cwd: string;
  /** Force one profile instead of detecting it per file: a name, or a *.profile.{toml,json,yaml} path. */
  profile?: ProfileName;
  /** Profile files to add to the built-in ones (`[verify] profiles` in authctl's config). */
  profiles?: string[];
  target?: Target;
  /** `--env-file`: dotenv files, checked and also used to resolve variables (agentflow). */
  envFiles?: string[];
  /** `--from-env`: check this environment (the process environment) as a document. */
  fromEnv?: boolean;
  env?: Record<string, string | undefined>;
  online?: OnlineOptions | false;
  /** File reader; injected in tests. Returns undefined for a missing file. */
  readFile?: (file: string) => Promise<string | undefined>;
}

export interface CheckedFile {
  file: string;
  profile?: ProfileName;
}

export interface VerifyConfigResult {
  target: Target;
  files: CheckedFile[];
  findings: Finding[];
  counts: Record<Severity, number>;
  /** A file could not be parsed (exit 2). */
  syntaxError: boolean;
  /** An issuer the config cannot start without was unreachable (exit 3). */
  requiredUnreachable: boolean;
  /** The rules the checked profiles define themselves (recsys/…), for reports' rule help. */
  rules: Record<string, RuleSpec>;
}

export interface VerifyTextOptions {
  file: string;
  text: string;
  profile?: ProfileName;
  kind?: DocumentKind;
  target?: Target;
  deps?: Partial<ProfileDeps>;
  /**
   * false: `online` may come back without the checks of clean instances, which are then not built
   * (`verify-config` without --online does this; a dense file checks faster).
   */
  online?: boolean;
}

export interface VerifyTextResult {
  profile?: ProfileName;
  findings: Finding[];
  online: OnlineCheck[];
  document?: ConfigDocument;
}

/**
 * Checks one document's text: parse (syntax errors become findings), pick the profile, run its
 * rules. Never throws for bad input except a usage error when no profile fits.
 */
export function verifyText(options: VerifyTextOptions): Promise<VerifyTextResult> {
  return withListedKeys(() => verifyOne(options));
}

async function verifyOne(options: VerifyTextOptions): Promise<VerifyTextResult> {
  const registry = buildRegistry([], options.profile);
  const forced = options.profile ? profileNamed(registry, options.profile) : undefined;
  const kind = options.kind ?? pickKind(registry, options.profile, options.file, options.text);
  const parsed = parseDocument(options.file, options.text, kind);
  if (!parsed.document) return { profile: forced?.name, findings: parsed.findings, online: [] };
  return checkDocument(registry, parsed.document, forced?.name, options.target ?? 'production', {
    readFile: defaultRead,
    ...options.deps,
    ...(options.online === false ? { online: false } : {}),
  });
}

async function checkDocument(
  registry: Registry,
  document: ConfigDocument,
  forced: ProfileName | undefined,
  target: Target,
  deps: ProfileDeps,
): Promise<VerifyTextResult> {
  const profile = profileNamed(registry, forced ?? detectProfile(document, registry));
  if (!profile.kinds.includes(document.kind)) {
    throw usageError(
      'ERR_VERIFY_PROFILE_MISMATCH',
      `profile ${profile.name} does not read ${document.kind} files`,
      {
        where: document.file,
        hint: `${profile.name} reads ${profile.kinds.join(' or ')}; pick another {{profile}} or leave it out to auto-detect`,
      },
    );
  }
  const ctx = new CheckContext(document, target, [], profile.levels);
  const online = await profile.checker.check(ctx, deps);
  return { profile: profile.name, findings: ctx.findings, online, document };
}

/**
 * Which built-in or registered profile a config document most likely belongs to (highest detection score).
 */
export function detectProfile(
  document: ConfigDocument,
  registry: Registry = buildRegistry(),
): ProfileName {
  let best: ProfileName | undefined;
  let bestScore = 0;
  for (const profile of registry.values()) {
    const score = profile.checker.detect(document);
    if (score > bestScore) {
      best = profile.name;
      bestScore = score;
    }
  }
  if (!best) {
    throw usageError(
      'ERR_VERIFY_UNKNOWN_PROFILE',
      `cannot tell which service ${document.file} configures`,
      {
        where: document.file,
        hint: `pass {{profile}} ${[...registry.keys()].join('|')}`,
      },
    );
  }
  return best;
}

function tryDetect(document: ConfigDocument, registry: Registry): ProfileName | undefined {
  try {
    return detectProfile(document, registry);
  } catch {
    return undefined;
  }
}

/** What one run gathers while it checks its inputs one by one. */
interface Run {
  registry: Registry;
  forced: ProfileName | undefined;
  target: Target;
  deps: ProfileDeps;
  findings: Finding[];
  checked: CheckedFile[];
  online: { check: OnlineCheck; document: ConfigDocument }[];
}

/** The whole `verify-config` run: files, env, online checks; findings sorted by file and line. */
export async function verifyConfig(options: VerifyConfigOptions): Promise<VerifyConfigResult> {
  const { cwd } = options;
  const target = options.target ?? 'production';
  const read = options.readFile ?? defaultRead;
  const { registry, forced } = await profilesFor(options, cwd);
  const { inputs, extraEnv } = await gatherInputs(options, cwd, read, registry);
  const sources =
    options.envFiles?.length || options.fromEnv
      ? { ...(options.fromEnv ? definedOnly(options.env) : {}), ...extraEnv }
      : undefined;
  const deps: ProfileDeps = {
    readFile: (f) => read(path.resolve(cwd, f)),
    env: options.fromEnv ? options.env : undefined,
    extraEnv,
    // Without --online the issuers' checks are never run: a checker need not build them.
    online: Boolean(options.online),
  };
  const run: Run = { registry, forced, target, deps, findings: [], checked: [], online: [] };
  let syntaxError = false;
  for (const input of inputs) if (!(await checkInput(run, input, cwd, sources))) syntaxError = true;
  if (options.fromEnv) await checkEnvironment(run, definedOnly(options.env), inputs.length);
  let requiredUnreachable = false;
  if (options.online && run.online.length) {
    const outcome = await runOnlineChecks(run.online, target, options.online);
    run.findings.push(...outcome.findings);
    requiredUnreachable = outcome.requiredUnreachable;
  }
  const unique = dedupe(run.findings).sort(byPosition);
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of unique) counts[f.severity]++;
  const used = run.checked.flatMap((f) => (f.profile ? [f.profile] : []));
  return {
    target,
    files: run.checked,
    findings: unique,
    counts,
    syntaxError,
    requiredUnreachable,
    rules: profileRules(registry, used),
  };
}

/** Parses and checks one input; false when it has a syntax error (nothing else is checked then). */
function checkInput(
  run: Run,
  input: Input,
  cwd: string,
  sources: Record<string, string> | undefined,
): Promise<boolean> {
  return withListedKeys(() => checkOne(run, input, cwd, sources));
}

async function checkOne(
  run: Run,
  input: Input,
  cwd: string,
  sources: Record<string, string> | undefined,
): Promise<boolean> {
  const { registry, forced, target } = run;
  const kind = input.kind ?? pickKind(registry, forced, input.file, input.text);
  const parsed = parseDocument(input.file, input.text, kind);
  run.findings.push(...parsed.findings);
  if (!parsed.document) {
    run.checked.push({ file: input.file, profile: forced });
    return false;
  }
  parsed.document.dir = path.dirname(path.resolve(cwd, input.file));
  // ${NAME} in a .env is resolved only when the run says where from (--env-file, --from-env).
  const expanded = sources ? expandReferences(parsed.document, sources, target) : [];
  const result = await checkDocument(registry, parsed.document, forced, target, run.deps);
  const own = [...expanded, ...result.findings];
  run.findings.push(...applySuppressions(own, input.text, result.document?.kind));
  run.checked.push({ file: input.file, profile: result.profile });
  for (const check of result.online) run.online.push({ check, document: parsed.document });
  return true;
}

/**
 * --from-env: next to files, the environment may only be there to resolve their variables, so it
 * is checked on its own only when a profile fits.
 */
async function checkEnvironment(
  run: Run,
  vars: Record<string, string>,
  files: number,
): Promise<void> {
  const { registry, forced, target } = run;
  const document: ConfigDocument = { file: '<env>', kind: 'env', data: vars };
  const fits = forced
    ? profileNamed(registry, forced).kinds.includes('env')
    : files === 0 || tryDetect(document, registry) !== undefined;
  if (!fits) return;
  const result = await checkDocument(registry, document, forced, target, {
    ...run.deps,
    env: undefined,
  });
  run.findings.push(...result.findings);
  run.checked.push({ file: '<env>', profile: result.profile });
}

function definedOnly(env: Record<string, string | undefined> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

function pickKind(
  registry: Registry,
  profile: ProfileName | undefined,
  file: string,
  text: string,
): DocumentKind {
  const kinds = profile ? profileNamed(registry, profile).kinds : undefined;
  const legacy = () => {
    const guess = kindOf(file, text);
    return kinds && !kinds.includes(guess) && kinds.length === 1 ? kinds[0]! : guess;
  };
  return formatFor(file, legacy, (f) => declaredFormat(registry, f), kinds);
}

/** The registry with the user's profile files, and the forced profile's name (`--profile ./x.profile.toml`). */
async function profilesFor(
  options: VerifyConfigOptions,
  cwd: string,
): Promise<{ registry: Registry; forced?: ProfileName }> {
  const files = [...(options.profiles ?? [])];
  const byPath =
    options.profile !== undefined &&
    (isProfileFile(options.profile) || /[\\/]/.test(options.profile));
  if (byPath) files.push(options.profile!);
  // The profile file parser (zod, the parsers) only when there is a profile file to read.
  const load = files.length ? await import('./engine/load.js') : undefined;
  const defs = await Promise.all(files.map((f) => load!.loadProfileFile(f, cwd)));
  const forced = byPath ? defs[defs.length - 1]!.profile : options.profile;
  const registry = buildRegistry(defs, forced);
  if (forced !== undefined) profileNamed(registry, forced);
  return { registry, forced };
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = [f.rule, f.file, f.line, f.column, f.message].join('\u0000');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function byPosition(a: Finding, b: Finding): number {
  return (
    compareText(a.file ?? '', b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    compareText(a.rule, b.rule)
  );
}
