import path from 'node:path';
import { Option } from 'commander';
import { parseDuration } from '../core/duration.js';
import { usageError } from '../core/errors.js';
import type { ApiKeyInfo, CreateApiKeyResult } from '../core/apikey/index.js';
import type { ApikeyConfig } from '../core/apikey/config.js';
import type { Deps, Io, RenderContext } from './command.js';
import { table } from './output.js';
import { readAll } from './stdin.js';

/** The API key core (and zod with it) loads only for commands that use the store, not for `mask`. */
export const core = () => import('../core/apikey/index.js');

/** Reads all of a stream (stdin) as UTF-8. */
export async function readStdin(stream: NodeJS.ReadableStream): Promise<string> {
  return (await readAll(stream)).toString('utf8');
}

export const APIKEY_EXIT_CODES = `
Exit codes:
  0  ok (verify: the key is valid)
  1  verify rejected the key, malformed ones included (the reason is printed)
  2  usage or input error: bad flag, unknown id, a store that does not parse or is newer
  3  environment error: lock timeout, unwritable directory
`;

/** A duration flag or config value in seconds (undefined when not given). */
export function secondsOf(value: string | number | undefined, where: string): number | undefined {
  return value === undefined ? undefined : parseDuration(value, where);
}

export const storeOption = () =>
  new Option('--store <file>', 'store file (default <home>/apikeys.json)');

export interface Store {
  store: string;
  config: ApikeyConfig;
  now: () => Date;
}

/** Where the store is and what the config says: --store, else [apikey].store, else <home>/apikeys.json. */
export async function openStore(
  deps: Deps,
  io: Io,
  storeFlag: string | undefined,
  forWrite: boolean,
): Promise<Store> {
  const { config, filepath } = await deps.config();
  const section = config.apikey ?? {};
  let store: string;
  if (storeFlag) store = path.resolve(deps.cwd, storeFlag);
  else if (section.store)
    store = path.resolve(filepath ? path.dirname(filepath) : deps.cwd, section.store);
  else {
    const home = await deps.home();
    // Only writers make the directory (and load the atomic-write module): not `apikey verify`.
    if (forWrite) await (await import('../core/fs/atomic.js')).ensurePrivateDir(home);
    store = path.join(home, (await core()).DEFAULT_API_KEY_STORE_FILE);
  }
  io.debug(`apikey store: ${store}`);
  return { store, config: section, now: deps.now };
}

/** `KEY` argument, or stdin when it is `-` or absent (keeps the key out of shell history and `ps`). */
export async function secretArgument(
  io: Pick<Io, 'stdin'>,
  value: string | undefined,
  label: string,
): Promise<string> {
  if (value !== undefined && value !== '-') return value;
  if (value === undefined && io.stdin.isTTY) {
    throw usageError('ERR_APIKEY_NO_INPUT', `no ${label} given`, {
      where: label,
      hint: `pass ${label} as an argument, or pipe it: printf %s "$KEY" | authctl apikey ...`,
    });
  }
  return (await readStdin(io.stdin)).replace(/\r?\n$/, '');
}

/** A box around lines, for the one time a raw key is shown on a terminal. */
export function renderBox(lines: string[]): string {
  const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;
  const width = Math.max(...lines.map(visible));
  const bar = '─'.repeat(width + 2);
  return [
    `┌${bar}┐`,
    ...lines.map((l) => `│ ${l}${' '.repeat(width - visible(l))} │`),
    `└${bar}┘`,
  ].join('\n');
}

export function describeLine(info: ApiKeyInfo): string {
  return `${info.id} (${info.name}) ${info.masked}`;
}

/** A newly issued key (create, rotate): the one place a raw key is printed. */
export interface Issued {
  result: CreateApiKeyResult;
  verb: 'created' | 'rotated';
  extra?: Record<string, unknown>;
}

/** Bare on a pipe (the notice on stderr), boxed on a terminal, inside the document with --json. */
export const issuedRenderers = {
  text: ({ result: { key, info }, verb }: Issued, rc: RenderContext) =>
    rc.terminal
      ? renderBox([
          `${verb} API key ${info.name} (${info.id})`,
          '',
          key,
          '',
          rc.color.yellow('Copy it now: it will not be shown again.'),
        ])
      : key,
  json: ({ result: { key, info }, extra }: Issued) => ({ key, ...info, ...extra }),
};

/** The stderr notice under a bare key on a pipe. */
export function issuedNotice({ result, verb }: Issued, rc: RenderContext): string | undefined {
  if (rc.format !== 'text' || rc.terminal) return undefined;
  return `${verb} ${describeLine(result.info)}; the key above will not be shown again`;
}

export function shortTime(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')}Z` : '-';
}

export function colorStatus(rc: RenderContext, status: ApiKeyInfo['status']): string {
  const c = rc.color;
  return status === 'active'
    ? c.green(status)
    : status === 'grace'
      ? c.yellow(status)
      : c.red(status);
}

export function infoText(info: ApiKeyInfo): string {
  const rows: [string, string][] = [
    ['id', info.id],
    ['name', info.name],
    ['key', info.masked],
    ['status', info.status],
    ['scopes', info.scopes.join(' ') || '-'],
    ['tenant', info.tenant ?? '-'],
    ['created', info.createdAt],
    ['expires', info.expiresAt ?? 'never'],
  ];
  if (info.rotatedAt)
    rows.push([
      'rotated',
      `${info.rotatedAt} (replaced by ${info.replacedBy}, grace until ${info.graceUntil})`,
    ]);
  if (info.rotatedFrom) rows.push(['replaces', info.rotatedFrom]);
  if (info.revokedAt) rows.push(['revoked', info.revokedAt]);
  rows.push(['sha256', info.sha256]);
  return table(rows.map(([k, v]) => [`${k}:`, v]));
}
