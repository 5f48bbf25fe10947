import { builtin } from '../node.js';
import type { ProbeCredentialConfig } from './config.js';
import { PRESIGN_SCHEMES } from './spec-names.js';
import { environmentError, usageError } from '../errors.js';
import type { ProbeRequest } from './http.js';

type PresignedConfig = Extract<ProbeCredentialConfig, { type: 'presigned' }>;

/** One valid presigned URL and the names of its scheme's parts. */
export interface PresignedUrl {
  scheme: PresignedConfig['scheme'];
  /** Path and query exactly as the service issued them (sent byte for byte). */
  path: string;
  signature: string;
  expires?: string;
  tenant?: string;
  /** Parameters to mutate one by one (the scheme's, or all of the URL's). */
  params: string[];
}

/** The presigned URL from `url_env` or `command` (argv, no shell, 10 s, run in `cwd`: the spec's directory), as path?query. */
export async function resolvePresigned(
  name: string,
  cred: PresignedConfig,
  env: NodeJS.ProcessEnv,
  where: string,
  cwd: string,
  dryRun = false,
): Promise<PresignedUrl> {
  const preset: { signature?: string; expires?: string; tenant?: string } =
    cred.scheme === 'custom' ? {} : PRESIGN_SCHEMES[cred.scheme];
  const signature = cred.signature_param ?? preset.signature;
  if (!signature)
    throw usageError(
      'ERR_PROBE_SPEC_INVALID',
      `credential "${name}" needs signature_param (or scheme = "sigv4" / "sigv2" / "k3")`,
      {
        where,
        hint: 'name the query parameter that carries the signature, e.g. signature_param = "sig"',
      },
    );
  if (!cred.url_env === !cred.command)
    throw usageError(
      'ERR_PROBE_SPEC_INVALID',
      `credential "${name}" needs exactly one of url_env and command`,
      { where, hint: 'url_env = "PRESIGNED_URL", or command = ["node", "presign.mjs"]' },
    );
  let text: string;
  if (dryRun)
    text = `/<presigned URL from ${cred.url_env ? `$${cred.url_env}` : 'command'}>?${signature}=<signature>`;
  else if (cred.url_env) {
    const value = env[cred.url_env];
    if (!value)
      throw usageError(
        'ERR_PROBE_CREDENTIAL_ENV',
        `environment variable ${cred.url_env} is not set`,
        { where, hint: `export ${cred.url_env}=<a presigned URL the service issued>` },
      );
    text = value;
  } else text = await runCommand(cred.command!, env, where, cwd);
  const path = toPath(text.trim(), where);
  const names = new Set(queryPairs(path).map(([k]) => k));
  if (!dryRun && !names.has(signature))
    throw usageError(
      'ERR_PROBE_PRESIGNED',
      `the presigned URL of "${name}" has no ${signature} parameter`,
      { where, hint: 'check scheme / signature_param against the URL the service issues' },
    );
  const expires = cred.expires_param ?? preset.expires;
  const tenant = cred.tenant_param ?? preset.tenant;
  return {
    scheme: cred.scheme,
    path,
    signature,
    expires: expires && names.has(expires) ? expires : undefined,
    tenant: tenant && names.has(tenant) ? tenant : undefined,
    params: cred.params ?? [...names],
  };
}

function runCommand(
  argv: string[],
  env: NodeJS.ProcessEnv,
  where: string,
  cwd: string,
): Promise<string> {
  const { execFile } = builtin<typeof import('node:child_process')>('node:child_process');
  return new Promise((resolve, reject) => {
    execFile(
      argv[0]!,
      argv.slice(1),
      { env, cwd, timeout: 10_000, maxBuffer: 64 * 1024 },
      (error, stdout) => {
        if (error)
          reject(
            environmentError(
              'ERR_PROBE_PRESIGN_COMMAND',
              `the presign command failed: ${error.code ?? error.message}`,
              { where, hint: `run ${argv[0]} by hand; it must print one presigned URL` },
            ),
          );
        else resolve(stdout.split('\n').find((l) => l.trim()) ?? '');
      },
    );
  });
}

function toPath(text: string, where: string): string {
  const absolute = /^https?:\/\/[^/?#]+(.*)$/i.exec(text);
  const path = absolute ? absolute[1] || '/' : text;
  if (!path.startsWith('/') || !path.includes('?'))
    throw usageError('ERR_PROBE_PRESIGNED', 'not a presigned URL (an http(s) URL or /path?query)', {
      where,
      hint: 'the command or variable must give the whole URL with its query',
    });
  return path;
}

/** The raw `k=v` pairs of a path's query, encoding kept. */
function queryPairs(path: string): Array<[string, string]> {
  const query = path.slice(path.indexOf('?') + 1);
  return query
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf('=');
      return i < 0
        ? [decodeURIComponent(pair), '']
        : [decodeURIComponent(pair.slice(0, i)), pair.slice(i + 1)];
    });
}

/**
 * S3 answers a presigned URL whose X-Amz-* (or SigV2) auth parameters are malformed or missing with
 * 400 AuthorizationQueryParametersError before any signature check: a refusal, as 401/403 are.
 */
export const S3_PRESIGN_REFUSALS: ReadonlySet<PresignedConfig['scheme']> = new Set([
  'sigv4',
  'sigv2',
]);

/**
 * The added parameter of `presign:param-added`. SigV2 signs only sub-resources and the response-*
 * overrides, so an unknown parameter is ignored by design; response-content-type is signed, and an
 * unsigned one would let a share link serve HTML.
 */
const ADDED_PARAM: Partial<Record<PresignedConfig['scheme'], string>> = {
  sigv2: 'response-content-type=text%2Fhtml',
};

const decoded = (v: string) => {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
};

const withQuery = (path: string, pairs: Array<[string, string]>) =>
  `${path.split('?')[0]}?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&')}`;
const flip = (v: string) => (v.length ? `${v.slice(0, -1)}${v.endsWith('A') ? 'B' : 'A'}` : 'A');
const recase = (v: string) =>
  v.replace(/[a-zA-Z]/g, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));

export interface PresignMutation {
  id: string;
  title: string;
  request: ProbeRequest;
}

/** The valid request's query, and the ways of writing a changed copy of it into the mutation list. */
interface PresignEditor {
  pairs: Array<[string, string]>;
  pathname: string;
  out: PresignMutation[];
  add: (id: string, title: string, path: string, method?: string) => void;
  /** The path and query with parameter `name` set to `value` (still encoded). */
  set: (name: string, value: string) => string;
  value: (name: string) => string;
}

function presignEditor(valid: ProbeRequest, url: PresignedUrl): PresignEditor {
  const pairs = queryPairs(url.path);
  const [pathname] = url.path.split('?') as [string];
  const out: PresignMutation[] = [];
  return {
    pairs,
    pathname,
    out,
    add: (id, title, path, method = valid.method) =>
      out.push({
        id: `presign:${id}`,
        title: `presigned URL with ${title}`,
        request: { ...valid, method, path },
      }),
    set: (name, value) =>
      withQuery(
        pathname,
        pairs.map(([k, v]) => [k, k === name ? value : v] as [string, string]),
      ),
    value: (name) => pairs.find(([k]) => k === name)![1],
  };
}

/** The signature truncated or re-cased, the expiry later, the tenant another's. */
function signedValueMutations(
  e: PresignEditor,
  url: PresignedUrl,
  otherTenant: (value: string) => string,
): void {
  // On the decoded value: cutting a base64 signature's %2F or %3D in half would send a broken URL
  // (a 400 from the URL parser), not a shorter signature.
  const sig = decoded(e.value(url.signature));
  e.add(
    'signature-truncated',
    `${url.signature} truncated`,
    e.set(url.signature, encodeURIComponent(sig.slice(0, Math.max(0, sig.length - 2)))),
  );
  if (recase(sig) !== sig)
    e.add(
      'signature-recased',
      `${url.signature} in swapped case`,
      e.set(url.signature, encodeURIComponent(recase(sig))),
    );
  if (url.expires && /^\d+$/.test(e.value(url.expires)))
    e.add(
      'expires-later',
      `${url.expires} an hour later`,
      e.set(url.expires, String(Number(e.value(url.expires)) + 3600)),
    );
  if (url.tenant)
    e.add(
      'tenant-swapped',
      `${url.tenant} of another tenant`,
      e.set(url.tenant, encodeURIComponent(otherTenant(decodeURIComponent(e.value(url.tenant))))),
    );
}

/**
 * Every way of changing one signed part of a valid presigned request: path, method, each parameter's
 * value, each scheme parameter removed, a parameter added, expiry later, tenant swapped, signature
 * truncated or re-cased. A correct service refuses each (its signature covers them all).
 */
export function presignMutations(
  valid: ProbeRequest,
  url: PresignedUrl,
  otherTenant: (value: string) => string,
): PresignMutation[] {
  const e = presignEditor(valid, url);
  const query = url.path.slice(url.path.indexOf('?') + 1);
  e.add('path', 'another path', `${e.pathname.replace(/\/?$/, (end) => `x${end}`)}?${query}`);
  const otherMethod = valid.method === 'GET' ? 'HEAD' : 'GET';
  e.add('method', `method ${otherMethod} instead of ${valid.method}`, url.path, otherMethod);
  signedValueMutations(e, url, otherTenant);
  for (const name of url.params) {
    if (name === url.signature || !e.pairs.some(([k]) => k === name)) continue;
    e.add(`param:${name}`, `${name} changed`, e.set(name, flip(e.value(name))));
    const without = e.pairs.filter(([k]) => k !== name);
    e.add(`param-removed:${name}`, `${name} removed`, withQuery(e.pathname, without));
  }
  const added = ADDED_PARAM[url.scheme] ?? 'authctl-tampered=1';
  e.add('param-added', 'a parameter added after signing', `${url.path}&${added}`);
  return e.out;
}
