import { homedir } from 'node:os';
import path from 'node:path';
// node:fs through require(): its ESM import loads fs streams (node.ts).
import { nodeFs } from '../core/node.js';
import { parseDuration } from '../core/duration.js';
import { usageError } from '../core/errors.js';
import { mask } from '../core/mask.js';
import { resolveCredentials } from '../core/sigv4/credentials.js';
import type { CurlBody } from '../core/sigv4/curl.js';
import { printable } from '../core/terminal.js';
import type { Deps, Io } from './command.js';
import { readAll } from './stdin.js';

/** What sign, presign and verify read: files, the body, headers, credentials, the lifetime. */

export function readLocal(cwd: string, file: string, where: string): Buffer {
  try {
    return nodeFs.readFileSync(path.resolve(cwd, file));
  } catch (error) {
    throw usageError(
      'ERR_SIGV4_UNREADABLE',
      printable(
        `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      ),
      { where: printable(where), hint: 'check the path' },
    );
  }
}

/** `--data @file | - | text` → the body bytes and how curl should send them. */
export async function readBody(
  io: Pick<Io, 'stdin'>,
  cwd: string,
  data: string | undefined,
): Promise<{ body: Buffer | string; curl: CurlBody }> {
  if (data === undefined) return { body: '', curl: { kind: 'none' } };
  if (data === '-') {
    const body = await readAll(io.stdin);
    // A curl command line can carry text, not arbitrary bytes: a binary body is piped in again (@-).
    const text = body.toString('utf8');
    const binary = !Buffer.from(text, 'utf8').equals(body) || body.includes(0);
    return { body, curl: binary ? { kind: 'file', path: '-' } : { kind: 'text', text } };
  }
  if (data.startsWith('@'))
    return {
      body: readLocal(cwd, data.slice(1), '--data'),
      curl: { kind: 'file', path: data.slice(1) },
    };
  return { body: data, curl: { kind: 'text', text: data } };
}

export function parseHeaderFlag(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon > 0 ? text.slice(0, colon).trim() : '';
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw usageError('ERR_SIGV4_BAD_HEADER', `invalid header ${JSON.stringify(text)}`, {
      where: '-H',
      hint: "write -H 'Name: value', e.g. -H 'Content-Type: text/plain'",
    });
  }
  return [name, text.slice(colon + 1).trim()];
}

export async function credentialsFor(
  deps: Deps,
  io: Io,
  flags: { accessKey?: string; secretKey?: string; sessionToken?: string; profile?: string },
) {
  const needConfig = !(flags.accessKey && flags.secretKey);
  const profiles = needConfig ? (await deps.config()).config.sigv4 : undefined;
  const resolved = resolveCredentials({
    flags: {
      accessKeyId: flags.accessKey,
      secretAccessKey: flags.secretKey,
      sessionToken: flags.sessionToken,
      profile: flags.profile,
    },
    env: deps.env,
    profiles,
    homeDir: deps.env.HOME ?? homedir(),
    readFile: (file) => (nodeFs.existsSync(file) ? nodeFs.readFileSync(file, 'utf8') : undefined),
  });
  const c = resolved.credentials;
  io.debug(
    `credentials from ${resolved.source}: ${c.accessKeyId || '(no key id)'} / secret ${c.secretAccessKey ? mask(c.secretAccessKey) : '(none)'}${c.sessionToken ? ` / token ${mask(c.sessionToken)}` : ''}`,
  );
  return resolved;
}

export function expiresSeconds(text: string | undefined): number {
  if (text === undefined) return 900;
  if (/^\d+$/.test(text)) return Number(text);
  try {
    return parseDuration(text);
  } catch {
    throw usageError('ERR_SIGV4_BAD_EXPIRES', `invalid --expires ${JSON.stringify(text)}`, {
      where: '--expires',
      hint: 'give seconds (900) or a duration (15m, 12h, 7d)',
    });
  }
}
