import { nodeFs } from '../node.js';
import path from 'node:path';
import { isAuthctlError, usageError } from '../errors.js';
import type { AuthctlConfig } from './schema.js';
import { registerSecretsIn } from '../mask.js';
import { decodeText } from '../fs/text.js';

export const CONFIG_SEARCH_PLACES = [
  'package.json',
  'authctl.toml',
  '.authctlrc',
  '.authctlrc.json',
  '.authctlrc.toml',
  'authctl.config.json',
  'authctl.config.js',
  'authctl.config.mjs',
];

export interface LoadedConfig {
  /** Validated config ({} when no file was found). */
  config: AuthctlConfig;
  /** Absolute path of the file it came from, if any. */
  filepath?: string;
  /** Raw text, kept so later checks can map keys to line:column. */
  source?: string;
}

export interface LoadConfigOptions {
  /** `--config FILE`: load exactly this file. */
  configFile?: string;
  /** Where to start searching, and what a relative --config is relative to (the caller's cwd). */
  cwd: string;
  /**
   * The environment: without --config, AUTHCTL_CONFIG_INLINE (a whole config, TOML or JSON) or
   * AUTHCTL_CONFIG_FILE (a path) is the config, for CI service containers that cannot pass flags.
   */
  env?: Readonly<Record<string, string | undefined>>;
}

/** `--config`, else AUTHCTL_CONFIG_INLINE or AUTHCTL_CONFIG_FILE (not both), else search. */
function configFromEnv(env: NodeJS.ProcessEnv | undefined): { inline?: string; file?: string } {
  const inline = env?.AUTHCTL_CONFIG_INLINE || undefined;
  const file = env?.AUTHCTL_CONFIG_FILE || undefined;
  if (inline && file) {
    throw usageError(
      'ERR_CONFIG_ENV_BOTH',
      'AUTHCTL_CONFIG_INLINE and AUTHCTL_CONFIG_FILE are both set',
      {
        where: 'AUTHCTL_CONFIG_INLINE',
        hint: 'set one of them (or pass {{config}} FILE, which wins over both)',
      },
    );
  }
  return { inline, file };
}

/** AUTHCTL_CONFIG_INLINE: JSON when it starts with `{`, else TOML; validated like a file. */
async function loadInline(text: string): Promise<LoadedConfig> {
  const where = 'AUTHCTL_CONFIG_INLINE';
  const { parseJson, parseToml } = await parsers();
  const raw = /^\s*\{/.test(text) ? parseJson(text, where) : parseToml(text, where);
  const { validateConfig } = await import('./validate.js');
  return { config: await validateConfig(raw, where), source: text };
}

/**
 * The TOML and JSON parsers, loaded only once a config exists: smol-toml is not worth loading for
 * the commands that run without one (most runs of `authctl token mint`).
 */
type Parsers = typeof import('./toml.js');
const parsers = (): Promise<Parsers> => import('./toml.js');

/** `.authctlrc` has no extension: JSON when it looks like JSON, else TOML. */
function parseBySuffix({ parseJson, parseToml }: Parsers, filepath: string, text: string): unknown {
  const base = path.basename(filepath);
  if (base.endsWith('.toml')) return parseToml(text, filepath);
  if (base.endsWith('.json')) return parseJson(text, filepath);
  if (base === '.authctlrc')
    return /^\s*\{/.test(text) ? parseJson(text, filepath) : parseToml(text, filepath);
  return parseToml(text, filepath);
}

/**
 * Finds and loads authctl's config with cosmiconfig (TOML through smol-toml), then validates it.
 * Searching stops at the project root (the nearest package.json).
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const { cwd } = options;
  const fromEnv = options.configFile ? {} : configFromEnv(options.env);
  if (fromEnv.inline) return loadInline(fromEnv.inline);
  const configFile = options.configFile ?? fromEnv.file;
  const flag = options.configFile ? '{{config}}' : 'AUTHCTL_CONFIG_FILE';
  if (!configFile && !(await anyConfigCandidate(cwd))) return { config: {} };
  // Bundled CommonJS: the named export may sit under `default`.
  const cosmiconfigModule = (await import('cosmiconfig')) as typeof import('cosmiconfig') & {
    default?: typeof import('cosmiconfig');
  };
  const cosmiconfig = cosmiconfigModule.cosmiconfig ?? cosmiconfigModule.default!.cosmiconfig;
  const sourceByFile = new Map<string, string>();
  const parse = await parsers();
  const loader = (filepath: string, _content: string) => {
    // cosmiconfig decoded the file as UTF-8: read the bytes again to honour a BOM or UTF-16, and the size bound.
    const content = decodeText(nodeFs.readFileSync(filepath), filepath, { what: 'config file' });
    sourceByFile.set(filepath, content);
    return parseBySuffix(parse, filepath, content);
  };
  // Made inside wrapLoad: cosmiconfig reads package.json's own "meta config" as it is made, so a
  // malformed package.json throws here already.
  const explorer = () =>
    cosmiconfig('authctl', {
      searchPlaces: CONFIG_SEARCH_PLACES,
      searchStrategy: 'project',
      loaders: { '.toml': loader, '.json': loader, noExt: loader },
      cache: false,
    });
  let result;
  if (configFile) {
    const file = path.resolve(cwd, configFile);
    try {
      await nodeFs.promises.access(file);
    } catch {
      throw usageError('ERR_CONFIG_NOT_FOUND', `config file not found: ${configFile}`, {
        where: flag,
        hint: `check the path, or omit ${flag} to search for authctl.toml / .authctlrc* / package.json#authctl`,
      });
    }
    result = await wrapLoad(() => explorer().load(file), file);
  } else {
    result = await wrapLoad(() => explorer().search(cwd), cwd);
  }
  if (!result || result.isEmpty) return { config: {} };
  // Before validation: a validation message must not be able to quote a secret either.
  registerSecretsIn(result.config);
  const { validateConfig } = await import('./validate.js');
  const config = await validateConfig(result.config, result.filepath);
  return { config, filepath: result.filepath, source: sourceByFile.get(result.filepath) };
}

async function wrapLoad<T>(fn: () => Promise<T>, where: string): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('ERR_CONFIG') || isAuthctlError(error))
      throw error;
    // The first line only: cosmiconfig's next lines quote the file (which may hold a secret).
    const reason = (error as Error).message.split('\n')[0]!.replace(/:$/, '');
    throw usageError('ERR_CONFIG_UNREADABLE', `cannot load config: ${reason}`, {
      where: (error as { filepath?: string }).filepath ?? where,
      hint: 'fix or remove the file, or pass {{config}} FILE',
      cause: error,
    });
  }
}

/**
 * Cheap pre-check with the same search rules as cosmiconfig's "project" strategy (from `cwd` up to
 * the nearest directory with a package.json): when no candidate exists, skip loading cosmiconfig,
 * which keeps `authctl token mint` start-up close to bare Node.
 */
async function anyConfigCandidate(cwd: string): Promise<boolean> {
  let dir = path.resolve(cwd);
  for (;;) {
    for (const place of CONFIG_SEARCH_PLACES) {
      const file = path.join(dir, place);
      if (place === 'package.json') {
        if (nodeFs.existsSync(file) && packageJsonHasAuthctl(file)) return true;
      } else if (nodeFs.existsSync(file)) return true;
    }
    const hasPackageJson = nodeFs.existsSync(path.join(dir, 'package.json'));
    const parent = path.dirname(dir);
    if (hasPackageJson || parent === dir) return false;
    dir = parent;
  }
}

/**
 * Whether package.json has a top-level `authctl` key (what cosmiconfig reads). A text match is not
 * enough: a project that depends on authctl names it in devDependencies, and would then load
 * cosmiconfig and smol-toml (~10 ms) on every run for nothing. UTF-8 as npm and cosmiconfig read
 * it (a BOM dropped); a file that cannot be read or parsed counts as a candidate, so that the load
 * reports it with its name.
 */
function packageJsonHasAuthctl(file: string): boolean {
  let manifest: unknown;
  try {
    const text = nodeFs.readFileSync(file, 'utf8');
    if (!text.includes('"authctl"')) return false;
    manifest = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return true;
  }
  return typeof manifest === 'object' && manifest !== null && Object.hasOwn(manifest, 'authctl');
}
