import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isAuthctlError, usageError } from '../errors.js';
import { readTextFile } from '../fs/text.js';
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
  isDeclaredFile,
  profileNamed,
  profileRules,
  type Registry,
} from './engine/registry.js';
import { isProfileFile } from './engine/profile-file.js';
import { applySuppressions } from './suppress.js';
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
}

export interface VerifyTextResult {
  profile?: ProfileName;
  findings: Finding[];
  online: OnlineCheck[];
  document?: ConfigDocument;
}

const defaultRead = async (file: string) => {
  try {
    // BOM and UTF-16 decoded, size bounded: a 2 MB UTF-16 .env is read as text, a huge file refused.
    return await readTextFile(file, { what: 'file' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

/**
 * Checks one document's text: parse (syntax errors become findings), pick the profile, run its
 * rules. Never throws for bad input except a usage error when no profile fits.
 */
export async function verifyText(options: VerifyTextOptions): Promise<VerifyTextResult> {
  const registry = buildRegistry([], options.profile);
  const forced = options.profile ? profileNamed(registry, options.profile) : undefined;
  const kind = options.kind ?? pickKind(registry, options.profile, options.file, options.text);
  const parsed = parseDocument(options.file, options.text, kind);
  if (!parsed.document) return { profile: forced?.name, findings: parsed.findings, online: [] };
  return checkDocument(registry, parsed.document, forced?.name, options.target ?? 'production', {
    readFile: defaultRead,
    ...options.deps,
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

/**
 * Files `verify-config` looks for when none are given: the exact names profiles declare, in
 * registry order (authctl.toml, agentflow.json, datapress.toml, ...), then `.env` (which every env
 * profile reads: recsys, Relay, K3, agentflow's); the globs they declare come after (autoDetect).
 */
function autoFiles(registry: Registry): string[] {
  const names = [...registry.values()].flatMap((p) =>
    (p.definition?.files ?? []).map((f) => f.name).filter((name) => !/[*?]/.test(name)),
  );
  return [...new Set([...names, '.env'])];
}

async function autoDetect(
  cwd: string,
  read: (f: string) => Promise<string | undefined>,
  registry: Registry,
): Promise<string[]> {
  const found: string[] = [];
  for (const name of autoFiles(registry))
    if ((await read(path.join(cwd, name))) !== undefined) found.push(name);
  // Then the files profile files declare (application*.yml, appsettings*.json, envoy*.yaml, ...).
  const names = await fs.readdir(cwd).catch(() => [] as string[]);
  for (const name of names.sort())
    if (
      !found.includes(name) &&
      isDeclaredFile(registry, name) &&
      (await read(path.join(cwd, name))) !== undefined
    )
      found.push(name);
  // A file that names others checks them itself (`covers`: agentflow.json and its .env).
  const covered = [...registry.values()].flatMap((p) =>
    (p.definition?.files ?? [])
      .filter((f) => found.includes(f.name))
      .flatMap((f) => f.covers ?? []),
  );
  return found.filter((f) => !covered.includes(f));
}

type Input = { file: string; text: string; kind?: DocumentKind };

/** The texts to check: --env-file files first, then FILES (or the files auto-detection finds). */
async function gatherInputs(
  options: VerifyConfigOptions,
  cwd: string,
  read: (f: string) => Promise<string | undefined>,
  registry: Registry,
): Promise<{ inputs: Input[]; extraEnv: Record<string, string> }> {
  let files = options.files ?? [];
  if (files.length === 0 && !options.fromEnv && !options.envFiles?.length) {
    files = await autoDetect(cwd, read, registry);
    if (files.length === 0) {
      throw usageError('ERR_VERIFY_NO_INPUT', 'no config files found to verify', {
        where: cwd,
        hint: `pass FILES, {{envFile}} FILE or {{fromEnv}} (looked for ${autoFiles(registry).join(', ')} and the files of {{listProfiles}})`,
      });
    }
  }
  const extraEnv: Record<string, string> = {};
  const inputs: Input[] = [];
  for (const file of options.envFiles ?? []) {
    const text = await readInput(read, cwd, file, '{{envFile}}');
    inputs.push({ file, text, kind: 'env' });
    const parsed = parseDocument(file, text, 'env');
    if (parsed.document) Object.assign(extraEnv, parsed.document.data);
  }
  for (const file of files) inputs.push({ file, text: await readInput(read, cwd, file, 'FILES') });
  return { inputs, extraEnv };
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
  };
  const findings: Finding[] = [];
  const checked: CheckedFile[] = [];
  const online: { check: OnlineCheck; document: ConfigDocument }[] = [];
  let syntaxError = false;
  for (const input of inputs) {
    const parsed = parseDocument(
      input.file,
      input.text,
      input.kind ?? pickKind(registry, forced, input.file, input.text),
    );
    findings.push(...parsed.findings);
    if (!parsed.document) {
      syntaxError = true;
      checked.push({ file: input.file, profile: forced });
      continue;
    }
    parsed.document.dir = path.dirname(path.resolve(cwd, input.file));
    // ${NAME} in a .env is resolved only when the run says where from (--env-file, --from-env).
    const expanded = sources ? expandReferences(parsed.document, sources, target) : [];
    const result = await checkDocument(registry, parsed.document, forced, target, deps);
    const own = [...expanded, ...result.findings];
    findings.push(...applySuppressions(own, input.text, result.document?.kind));
    checked.push({ file: input.file, profile: result.profile });
    for (const check of result.online) online.push({ check, document: parsed.document });
  }
  if (options.fromEnv) {
    const vars = definedOnly(options.env);
    const document: ConfigDocument = { file: '<env>', kind: 'env', data: vars };
    // Next to files, the environment may only be there to resolve their variables: check it
    // on its own only when a profile fits.
    const fits = forced
      ? profileNamed(registry, forced).kinds.includes('env')
      : inputs.length === 0 || tryDetect(document, registry) !== undefined;
    if (fits) {
      const result = await checkDocument(registry, document, forced, target, {
        ...deps,
        env: undefined,
      });
      findings.push(...result.findings);
      checked.push({ file: '<env>', profile: result.profile });
    }
  }
  let requiredUnreachable = false;
  if (options.online && online.length) {
    const outcome = await runOnlineChecks(online, target, options.online);
    findings.push(...outcome.findings);
    requiredUnreachable = outcome.requiredUnreachable;
  }
  const unique = dedupe(findings).sort(byPosition);
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of unique) counts[f.severity]++;
  const used = checked.flatMap((f) => (f.profile ? [f.profile] : []));
  return {
    target,
    files: checked,
    findings: unique,
    counts,
    syntaxError,
    requiredUnreachable,
    rules: profileRules(registry, used),
  };
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

async function readInput(
  read: (f: string) => Promise<string | undefined>,
  cwd: string,
  file: string,
  flag: string,
): Promise<string> {
  let text: string | undefined;
  try {
    text = await read(path.resolve(cwd, file));
  } catch (error) {
    if (isAuthctlError(error)) throw error;
    throw usageError(
      'ERR_VERIFY_UNREADABLE',
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { where: flag, hint: 'check the path and permissions' },
    );
  }
  if (text === undefined)
    throw usageError('ERR_VERIFY_FILE_NOT_FOUND', `file not found: ${file}`, {
      where: flag,
      hint: 'check the path (relative to the current directory)',
    });
  return text;
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
    (a.file ?? '').localeCompare(b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    a.rule.localeCompare(b.rule)
  );
}
