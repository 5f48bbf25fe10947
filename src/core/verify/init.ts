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
  /** Auth modes: jwt, apikey, dev (recsys); jwt or custom (agentflow). */
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

export const INIT_MODES: Partial<Record<Profile, string[]>> = {
  recsys: ['jwt', 'apikey'],
  agentflow: ['jwt', 'custom'],
};

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

export function validateInitOptions(options: InitOptions): void {
  if (!INIT_STYLES.some((s) => s.name === options.profile))
    throw usageError('ERR_INIT_PROFILE', `unknown profile "${options.profile}"`, {
      field: 'profile',
      hint: `one of ${INIT_STYLES.map((s) => s.name).join(', ')}`,
    });
  const check = (
    problem: string | undefined,
    code: CodeOfKind<'usage'>,
    flag: string,
    hint: string,
  ) => {
    if (problem) throw usageError(code, `${flag}: ${problem}`, { where: flag, hint });
  };
  check(
    INIT_CHECKS.issuer(options.issuer),
    'ERR_INIT_ISSUER',
    '{{issuer}}',
    'e.g. {{issuer}} http://127.0.0.1:9400',
  );
  check(
    INIT_CHECKS.audience(options.audience),
    'ERR_INIT_AUDIENCE',
    '{{audience}}',
    'e.g. {{audience}} api://orders',
  );
  check(
    INIT_CHECKS.pointer(options.tenantClaim),
    'ERR_INIT_POINTER',
    '{{tenantClaim}}',
    'e.g. /tid or /realm_access/roles',
  );
  check(
    INIT_CHECKS.pointer(options.rolesClaim),
    'ERR_INIT_POINTER',
    '{{rolesClaim}}',
    'e.g. /tid or /realm_access/roles',
  );
  if (!CI_KINDS.includes(options.ci))
    throw usageError('ERR_INIT_CI', `unknown CI "${options.ci}"`, {
      field: 'ci',
      hint: `one of ${CI_KINDS.join(', ')}`,
    });
  check(
    INIT_CHECKS.tenants(options.tenants),
    'ERR_INIT_TENANTS',
    '{{tenants}}',
    '{{tenants}} acme,globex',
  );
  check(
    INIT_CHECKS.roles(options.roles),
    'ERR_INIT_ROLES',
    '{{roles}}',
    '{{roles}} viewer,operator,admin',
  );
  const allowed = INIT_MODES[options.profile];
  const bad = options.modes.filter((m) => !(allowed ?? ['jwt']).includes(m));
  if (bad.length || options.modes.length === 0)
    throw usageError(
      'ERR_INIT_MODES',
      `auth modes ${options.modes.join(',') || '(none)'} do not fit ${options.profile}`,
      { field: 'modes', hint: `choose from ${(allowed ?? ['jwt']).join(', ')}` },
    );
}

/** Renders every file init writes for `options` from templates/. */
export async function planInit(options: InitOptions): Promise<PlannedFile[]> {
  validateInitOptions(options);
  const dir = templatesDir();
  const read = (name: string) => fs.readFile(path.join(dir, name), 'utf8');
  const [viewer, operator, admin] = options.roles as [string, string, string];
  const tenant = options.tenants[0]!;
  const presets = options.roles
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
  const values: Record<string, string> = {
    issuer: options.issuer,
    audience: options.audience,
    tenant_claim: options.tenantClaim,
    roles_claim: options.rolesClaim,
    tenant_claim_key: claimKey(options.tenantClaim),
    roles_claim_key: claimKey(options.rolesClaim),
    tenants_list: options.tenants.map(tomlString).join(', '),
    tenant,
    viewer_role: viewer,
    operator_role: operator,
    admin_role: admin,
    presets,
    base_url: options.baseUrl,
    read_scope: 'datasets:read',
    reload_scope: 'datasets:reload',
    jwt_enabled: String(options.modes.includes('jwt')),
    apikey_enabled: String(options.modes.includes('apikey')),
    auth: options.modes.includes('custom')
      ? '{ "method": "custom", "path": "graph.auth:ApiKeyAuth" }'
      : '"jwt"',
  };
  const files: PlannedFile[] = [
    {
      path: 'authctl.toml',
      content: fill(await read('authctl.toml'), values, 'authctl.toml'),
      profile: 'authctl',
    },
  ];
  const verifyArgs = ['authctl.toml'];
  if (options.profile === 'datapress') {
    files.push({
      path: 'datapress.toml',
      content: fill(await read('datapress/datapress.toml'), values, 'datapress.toml'),
      profile: 'datapress',
    });
    files.push({
      path: '.env.example',
      content: fill(await read('datapress/env.example'), values, 'env.example'),
    });
    verifyArgs.push('datapress.toml');
  } else if (options.profile === 'agentflow') {
    files.push({
      path: 'agentflow.json',
      content: fill(await read('agentflow/agentflow.json'), values, 'agentflow.json'),
      profile: 'agentflow',
    });
    files.push({
      path: '.env.example',
      content: fill(await read('agentflow/env.example'), values, 'env.example'),
      profile: 'agentflow',
    });
    verifyArgs.push('agentflow.json');
  } else if (options.profile !== 'authctl') {
    files.push({
      path: '.env.example',
      content: fill(await read(`${options.profile}/env.example`), values, 'env.example'),
      profile: options.profile,
    });
    if (options.profile === 'recsys') verifyArgs.push('--env-file .env.example');
  }
  // DataPress has its own routes (/api/datasets, scopes); the generic spec's /v1/tenants/... would probe paths it does not serve.
  const probeTemplate = options.profile === 'datapress' ? 'datapress/probe.toml' : 'probe.toml';
  files.push({
    path: 'probe.toml',
    content: fill(await read(probeTemplate), values, 'probe.toml'),
  });
  if (options.ci !== 'none') {
    const ci = CI_FILES[options.ci];
    files.push({
      path: ci.path,
      content: fill(await read(ci.template), { verify_args: verifyArgs.join(' ') }, ci.template),
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
