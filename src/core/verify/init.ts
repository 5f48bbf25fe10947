import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CodeOfKind, usageError } from '../errors.js';
import { tempPath, writeFileAtomic } from '../fs/atomic.js';
import type { Profile } from './types.js';
import { INIT_STYLES } from './init-styles.js';

/** What `authctl init` asks (or takes from flags). */
export interface InitOptions {
  profile: Profile;
  /** Auth modes: jwt, and what the style's init-plan.modes offers (apikey, custom). */
  modes: string[];
  issuer: string;
  audience: string;
  tenants: string[];
  /** viewer, operator, admin role names. */
  roles: string[];
  tenantClaim: string;
  rolesClaim: string;
  baseUrl: string;
  /** Which CI file to write: a GitHub workflow (using the authctl action), a GitLab job (the binary), or none. */
  ci: CiKind;
}

export const CI_KINDS = ['github', 'gitlab', 'none'] as const;
export type CiKind = (typeof CI_KINDS)[number];

/** `--ci` unset: GitLab when the repository already has a .gitlab-ci.yml, else GitHub. */
export function detectCi(dir: string): CiKind {
  return existsSync(path.join(dir, '.gitlab-ci.yml')) && !existsSync(path.join(dir, '.github'))
    ? 'gitlab'
    : 'github';
}

const CI_FILES: Record<Exclude<CiKind, 'none'>, { template: string; path: string }> = {
  github: { template: 'ci/github.yml', path: '.github/workflows/authctl.yml' },
  // GitLab reads one file; when it exists, init keeps it (see `kept`) and the job is printed to merge.
  gitlab: { template: 'ci/gitlab-ci.yml', path: '.gitlab-ci.yml' },
};

export const INIT_DEFAULTS: InitOptions = {
  profile: 'datapress',
  modes: ['jwt'],
  issuer: 'http://127.0.0.1:9400',
  audience: 'api://orders',
  tenants: ['acme'],
  roles: ['viewer', 'operator', 'admin'],
  tenantClaim: '/tid',
  rolesClaim: '/roles',
  baseUrl: 'http://127.0.0.1:8080',
  ci: 'github',
};

/** The auth modes init offers per style (the profile file's `init-plan.modes`; jwt only when absent). */
export const INIT_MODES: Partial<Record<Profile, readonly string[]>> = Object.fromEntries(
  INIT_STYLES.flatMap((style) => (style.modes ? [[style.name, style.modes]] : [])),
);

export interface PlannedFile {
  /** Relative to the target directory. */
  path: string;
  content: string;
  /** Which verify-config profile checks it (undefined: not a config, e.g. the CI workflow). */
  profile?: Profile;
}

/** The templates/ directory of the installed package (works from src/ and from dist/). */
export function templatesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (
      existsSync(path.join(dir, 'templates', 'authctl.toml')) &&
      existsSync(path.join(dir, 'package.json'))
    )
      return path.join(dir, 'templates');
    dir = path.dirname(dir);
  }
  throw usageError(
    'ERR_INIT_TEMPLATES_MISSING',
    'cannot find the templates/ directory of authctl',
    { hint: 'reinstall authctl (templates/ ships with the package)' },
  );
}

function fill(template: string, values: Record<string, string>, name: string): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`template ${name} uses unknown variable ${key}`);
    return values[key]!;
  });
}

const tomlString = (s: string) => JSON.stringify(s);
/** recsys reads claim keys, not pointers: "/tid" → "tid", "/org/id" → "org.id". */
const claimKey = (pointer: string) => pointer.replace(/^\//, '').split('/').join('.');

/**
 * One check per answer, shared by the flags (the error names the flag) and the interactive prompts (the
 * message shows under the question, which is asked again): an answer is never lost after the last question.
 */
export const INIT_CHECKS = {
  issuer: (value: string) => {
    if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol))
      return `"${value}" is not an http(s) URL, e.g. http://127.0.0.1:9400`;
    return undefined;
  },
  audience: (value: string) =>
    value.trim() ? undefined : 'give the API audience, e.g. api://orders',
  tenants: (list: string[]) =>
    list.length === 0 || list.some((t) => !/^[\w.-]+$/.test(t))
      ? 'give at least one tenant id (letters, digits, _ . -), comma-separated, e.g. acme,globex'
      : undefined,
  roles: (list: string[]) => {
    if (list.length !== 3)
      return `give exactly three role names, for viewer, operator and admin (got ${list.length}), e.g. viewer,operator,admin`;
    if (new Set(list).size !== 3 || list.some((r) => !/^[\w:.-]+$/.test(r)))
      return 'give three distinct role names (letters, digits, _ : . -), e.g. viewer,operator,admin';
    return undefined;
  },
  pointer: (value: string) =>
    /^(\/([^~/]|~[01])*)+$/.test(value)
      ? undefined
      : `"${value}" is not a JSON pointer, e.g. /tid or /realm_access/roles`,
};

/** Splits a comma-separated answer or flag. */
export const splitList = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Throws the usage error for `flag` when its check found a problem. */
function checkFlag(
  problem: string | undefined,
  code: CodeOfKind<'usage'>,
  flag: string,
  hint: string,
): void {
  if (problem) throw usageError(code, `${flag}: ${problem}`, { where: flag, hint });
}

/** Throws the usage error for a `field` whose value is not one of `allowed`. */
function checkOneOf(
  value: string,
  allowed: readonly string[],
  code: CodeOfKind<'usage'>,
  field: string,
  what: string,
): void {
  if (!allowed.includes(value))
    throw usageError(code, `unknown ${what} "${value}"`, {
      field,
      hint: `one of ${allowed.join(', ')}`,
    });
}

const POINTER_HINT = 'e.g. /tid or /realm_access/roles';

/** Throws a usage error for the first answer that fails its check; the order is fixed, so a bad run always names the same answer. */
export function validateInitOptions(options: InitOptions): void {
  const profiles = INIT_STYLES.map((s) => s.name);
  checkOneOf(options.profile, profiles, 'ERR_INIT_PROFILE', 'profile', 'profile');
  const { issuer, audience, pointer } = INIT_CHECKS;
  checkFlag(
    issuer(options.issuer),
    'ERR_INIT_ISSUER',
    '{{issuer}}',
    'e.g. {{issuer}} http://127.0.0.1:9400',
  );
  checkFlag(
    audience(options.audience),
    'ERR_INIT_AUDIENCE',
    '{{audience}}',
    'e.g. {{audience}} api://orders',
  );
  checkFlag(pointer(options.tenantClaim), 'ERR_INIT_POINTER', '{{tenantClaim}}', POINTER_HINT);
  checkFlag(pointer(options.rolesClaim), 'ERR_INIT_POINTER', '{{rolesClaim}}', POINTER_HINT);
  checkOneOf(options.ci, CI_KINDS, 'ERR_INIT_CI', 'ci', 'CI');
  checkFlag(
    INIT_CHECKS.tenants(options.tenants),
    'ERR_INIT_TENANTS',
    '{{tenants}}',
    '{{tenants}} acme,globex',
  );
  checkFlag(
    INIT_CHECKS.roles(options.roles),
    'ERR_INIT_ROLES',
    '{{roles}}',
    '{{roles}} viewer,operator,admin',
  );
  checkModes(options);
}

function checkModes(options: InitOptions): void {
  const allowed = INIT_MODES[options.profile] ?? ['jwt'];
  const bad = options.modes.filter((m) => !allowed.includes(m));
  if (bad.length || options.modes.length === 0)
    throw usageError(
      'ERR_INIT_MODES',
      `auth modes ${options.modes.join(',') || '(none)'} do not fit ${options.profile}`,
      { field: 'modes', hint: `choose from ${allowed.join(', ')}` },
    );
}

/** One [tokens.*] preset per role, all in the first tenant. */
function tokenPresets(options: InitOptions): string {
  const tenant = options.tenants[0]!;
  return options.roles
    .map((role, i) =>
      [
        `[tokens.${['reader', 'operator', 'admin'][i]}]`,
        `sub = ${tomlString(['alice', 'olivia', 'adam'][i]!)}`,
        `tenant = ${tomlString(tenant)}`,
        `roles = [${tomlString(role)}]`,
        'ttl = "15m"',
      ].join('\n'),
    )
    .join('\n\n');
}

/** The template variables for `options`. */
function templateValues(options: InitOptions): Record<string, string> {
  const [viewer, operator, admin] = options.roles as [string, string, string];
  return {
    issuer: options.issuer,
    audience: options.audience,
    tenant_claim: options.tenantClaim,
    roles_claim: options.rolesClaim,
    tenant_claim_key: claimKey(options.tenantClaim),
    roles_claim_key: claimKey(options.rolesClaim),
    tenants_list: options.tenants.map(tomlString).join(', '),
    tenant: options.tenants[0]!,
    viewer_role: viewer,
    operator_role: operator,
    admin_role: admin,
    presets: tokenPresets(options),
    base_url: options.baseUrl,
    read_scope: 'datasets:read',
    reload_scope: 'datasets:reload',
    jwt_enabled: String(options.modes.includes('jwt')),
    apikey_enabled: String(options.modes.includes('apikey')),
    auth: options.modes.includes('custom')
      ? '{ "method": "custom", "path": "graph.auth:ApiKeyAuth" }'
      : '"jwt"',
  };
}

type Render = (template: string, name: string) => Promise<string>;

/** The style's own files (its profile file's `init-plan`), and what the CI job verifies. */
async function profileFiles(
  profile: Profile,
  render: Render,
): Promise<{ files: PlannedFile[]; verifyArgs: string[]; probe: string }> {
  const style = INIT_STYLES.find((s) => s.name === profile)!;
  const files: PlannedFile[] = [];
  for (const file of style.files)
    files.push({
      path: file.path,
      content: await render(file.template, path.basename(file.template)),
      ...(file.checked && { profile }),
    });
  return { files, verifyArgs: ['authctl.toml', ...style.verifyArgs], probe: style.probe };
}

/** Renders every file init writes for `options` from templates/. */
export async function planInit(options: InitOptions): Promise<PlannedFile[]> {
  validateInitOptions(options);
  const dir = templatesDir();
  const read = (name: string) => fs.readFile(path.join(dir, name), 'utf8');
  const values = templateValues(options);
  const render: Render = async (template, name) => fill(await read(template), values, name);
  const files: PlannedFile[] = [
    {
      path: 'authctl.toml',
      content: await render('authctl.toml', 'authctl.toml'),
      profile: 'authctl',
    },
  ];
  const own = await profileFiles(options.profile, render);
  files.push(...own.files);
  files.push({ path: 'probe.toml', content: await render(own.probe, 'probe.toml') });
  if (options.ci !== 'none') {
    const ci = CI_FILES[options.ci];
    const verifyArgs = own.verifyArgs.join(' ');
    files.push({
      path: ci.path,
      content: fill(await read(ci.template), { verify_args: verifyArgs }, ci.template),
    });
  }
  return files;
}

export interface InitResult {
  written: string[];
  /** Existing files left alone (no --force). */
  kept: string[];
  /** The kept files whose content is not what these answers would write: the answers were not applied to them. */
  differs: string[];
}

/** Writes the planned files into `dir` (atomically); existing files are kept unless `force`. */
export async function writeInit(
  dir: string,
  files: PlannedFile[],
  force: boolean,
): Promise<InitResult> {
  const result: InitResult = { written: [], kept: [], differs: [] };
  for (const file of files) {
    const target = path.join(dir, file.path);
    await fs.mkdir(path.dirname(target), { recursive: true });
    if (force) await writeFileAtomic(target, file.content, { mode: 0o644 });
    else if (!(await createExclusive(target, file.content))) {
      result.kept.push(file.path);
      // Unreadable (a dangling symlink, a directory) counts as different: nothing says the answers are in it.
      const existing = await fs.readFile(target, 'utf8').catch(() => undefined);
      if (existing !== file.content) result.differs.push(file.path);
      continue;
    }
    result.written.push(file.path);
  }
  return result;
}

/**
 * Creates `target` with `content` only if nothing is there, atomically: the complete file is written
 * and fsynced under a temp name, then hard-linked to the target. link() fails on any existing entry
 * (a file created a moment ago by someone else, a dangling symlink), where a check-then-rename would
 * overwrite it. False when the target exists.
 */
export async function createExclusive(
  target: string,
  content: string,
  mode = 0o644,
): Promise<boolean> {
  const temp = tempPath(target);
  const handle = await fs.open(temp, 'wx', mode);
  try {
    await handle.writeFile(content);
    await handle.sync();
    await handle.close();
    await fs.link(temp, target);
    return true;
  } catch (error) {
    await handle.close().catch(() => {});
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A filesystem without hard links: an exclusive create still never overwrites.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
      try {
        await fs.writeFile(target, content, { flag: 'wx', mode });
        return true;
      } catch (inner) {
        if ((inner as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw inner;
      }
    }
    throw error;
  } finally {
    await fs.rm(temp, { force: true });
  }
}
