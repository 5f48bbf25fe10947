import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isAuthctlError, usageError } from '../errors.js';
import { readTextFile } from '../fs/text.js';
import { parseDocument, type DocumentKind } from './document.js';
import { isDeclaredFile, type Registry } from './engine/registry.js';

/** The inputs of a verify-config run: which files, read how, and the variables of --env-file. */

export type ReadFile = (file: string) => Promise<string | undefined>;

/** Reads a config file as text; undefined when it does not exist. */
export const defaultRead: ReadFile = async (file: string) => {
  try {
    // BOM and UTF-16 decoded, size bounded: a 2 MB UTF-16 .env is read as text, a huge file refused.
    return await readTextFile(file, { what: 'file' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

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

export type Input = { file: string; text: string; kind?: DocumentKind };

/** The texts to check: --env-file files first, then FILES (or the files auto-detection finds). */
export async function gatherInputs(
  options: { files?: string[]; fromEnv?: boolean; envFiles?: string[] },
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
