import { generateApiKey, malformApiKey, parseApiKey } from '../apikey/index.js';
import { presignUrl, signRequest } from '../sigv4/index.js';
import { defectName, probedDefects, type DefectSpec } from '../token/defects.js';
import type { AttackerKey } from '../token/forge.js';
import type { MintTokenOptions } from '../token/mint.js';
import { mintCommand, mintOptions, type ResolvedCredential } from './credentials.js';
import type { ProbeRequest } from './http.js';
import { pathWith, type ProbeEndpoint, type ProbeSpec } from './spec.js';
import { mergeHeaders } from './headers.js';
import { variantRequests } from './variants.js';
import { weakSecretCases, weakSecretTarget } from './weak-secret-cases.js';
import { presignMutations } from './presigned.js';
import { WEAK_SECRETS } from './weak-secrets.js';

/** What a correct service answers. */
export type Outcome = 'success' | 'unauthenticated' | 'forbidden' | 'either' | 'non2xx';

export interface ProbeCase {
  endpoint: ProbeEndpoint;
  /** `jwt:expired`, `deny:reader`, `deny:reader/head`, `allow:admin`. */
  id: string;
  /** The check (rule) this case belongs to, shared across endpoints: `jwt:expired`, `deny`, `variant:head`. */
  check: string;
  title: string;
  /** Controls run before and after everything else and must succeed. */
  control: boolean;
  credential?: string;
  outcome: Outcome;
  /** Accepted statuses (empty for success = any 2xx/3xx, and non2xx). */
  statuses: number[];
  /** A credential was presented, so a 401 should say error="invalid_token". */
  tokenPresented: boolean;
  /** How the endpoint's callers authenticate: a 401 should carry `WWW-Authenticate: Bearer` only for bearer. */
  scheme: ProbeScheme;
  /** A scope is missing, so a 403 should say error="insufficient_scope". */
  missingScope?: boolean;
  request: ProbeRequest;
  /** Secrets in the request (masked in output; looked for in echoed bodies). */
  secrets: string[];
  /** The `authctl token mint ...` command that makes this case's token, for reproducible curl commands. */
  mintCommand?: string;
}

export type ProbeScheme = 'bearer' | 'apikey' | 'sigv4' | 'presigned' | 'headers' | 'none';

export interface CaseContext {
  spec: ProbeSpec;
  credentials: Map<string, ResolvedCredential>;
  /** mintToken bound to the keystore, cached by options. */
  mint: (options: Omit<MintTokenOptions, 'keystore'>) => Promise<string>;
  /** Where the probe serves the attacker JWKS for the jku forgery. */
  jkuUrl: string;
  attackerKey: AttackerKey;
  /** Full URL of a path on the service (SigV4 signs the host). */
  url: (path: string) => string;
  /** Spec problems worth a warning (an exclude entry that matches nothing). */
  warnings?: string[];
  /** Candidates for `jwt:weak-secret` (default: the bundled list). */
  weakSecrets?: readonly string[];
  /** Set by generateCases: the endpoint index that gets the weak-secret family. */
  weakSecretEndpoint?: number;
}

/** Forgeries that need no key the service trusts: tried for every bearer credential. */
export const FORGERIES: DefectSpec[] = probedDefects({ trustedKey: false });

/** Defects signed by the right key: they test claim checks, so only when authctl holds that key. */
export const CLAIM_DEFECTS: DefectSpec[] = probedDefects({ trustedKey: true });

const DEFAULT_DEV_HEADERS = (tenant?: string) => ({
  'X-Dev-User-Id': 'authctl-probe',
  'X-Org-Id': tenant ?? 'authctl-probe',
  'X-User-Roles': 'admin',
});

/** Is case `id` excluded by an endpoint's `exclude` list (exact id, a family prefix, or a variant name)? */
export function isExcluded(id: string, exclude: string[]): boolean {
  return exclude.some(
    (x) =>
      id === x ||
      id.startsWith(`${x}:`) ||
      id.startsWith(`${x}/`) ||
      id.endsWith(`/${x}`) ||
      (x.startsWith('variant:') && id.endsWith(`/${x.slice(8)}`)),
  );
}

/** Builds every request of the run: controls, public checks, negative cases and their variants. */
export async function generateCases(ctx: CaseContext): Promise<ProbeCase[]> {
  const shared = { ...ctx, weakSecretEndpoint: weakSecretTarget(ctx.spec, ctx.credentials) };
  const all = await Promise.all(ctx.spec.endpoints.map((endpoint) => casesFor(endpoint, shared)));
  return all.flat();
}

async function casesFor(endpoint: ProbeEndpoint, ctx: CaseContext): Promise<ProbeCase[]> {
  const base: ProbeRequest = {
    method: endpoint.method,
    path: endpoint.path,
    headers: { ...endpoint.headers },
    body: endpoint.body,
  };
  const cases: ProbeCase[] = [];
  // Track which exclude entries matched something, so a typo can be reported instead of ignored.
  const used = new Set<string>(endpoint.exclude.filter((x) => x === 'skew'));
  const excluded = (id: string) => {
    const hits = endpoint.exclude.filter((x) => isExcluded(id, [x]));
    hits.forEach((x) => used.add(x));
    return hits.length > 0;
  };
  const first = ctx.credentials.get(endpoint.allow[0] ?? endpoint.deny[0] ?? '');
  const scheme: ProbeScheme = !first
    ? 'none'
    : first.sigv4
      ? 'sigv4'
      : first.presigned
        ? 'presigned'
        : first.apikey
          ? 'apikey'
          : first.token
            ? 'bearer'
            : first.type === 'headers'
              ? 'headers'
              : 'none';
  const add = (
    c: Omit<ProbeCase, 'endpoint' | 'check' | 'secrets' | 'scheme'> & {
      check?: string;
      secrets?: string[];
    },
  ) => {
    if (!c.control && excluded(c.id)) return;
    cases.push({
      endpoint,
      secrets: [],
      scheme,
      ...c,
      check: c.check ?? c.id.split(':').slice(0, 2).join(':'),
    });
  };
  const success = endpoint.status ?? [];
  if (endpoint.public) {
    add({
      id: 'public',
      check: 'public',
      title: 'public endpoint answers without credentials',
      control: false,
      outcome: 'success',
      statuses: success,
      tokenPresented: false,
      request: base,
    });
    return cases;
  }
  for (const name of endpoint.allow) {
    const cred = ctx.credentials.get(name)!;
    const { request, secrets } = await withCredential(base, cred, ctx);
    add({
      id: `allow:${name}`,
      check: 'control',
      title: `valid credential "${name}" gets in`,
      control: true,
      credential: name,
      outcome: 'success',
      statuses: success,
      tokenPresented: true,
      request,
      secrets,
      mintCommand: cred.jwt && cred.type === 'jwt' ? mintCommand(cred.jwt) : undefined,
    });
  }

  const primary = ctx.credentials.get(endpoint.allow[0] ?? endpoint.deny[0]!)!;
  const sigv4Only = primary.type === 'sigv4' || primary.type === 'presigned';
  const unauth =
    sigv4Only &&
    endpoint.unauthenticatedStatus.length === 1 &&
    endpoint.unauthenticatedStatus[0] === 401
      ? [401, 403]
      : endpoint.unauthenticatedStatus;
  const negatives: ProbeCase[] = [];
  const negative = (
    c: Omit<ProbeCase, 'endpoint' | 'check' | 'secrets' | 'control' | 'scheme'> & {
      check?: string;
      secrets?: string[];
    },
  ) => {
    const before = cases.length;
    add({ ...c, control: false });
    if (cases.length > before) negatives.push(cases[cases.length - 1]!);
  };
  const authn = (
    id: string,
    title: string,
    request: ProbeRequest,
    secrets: string[] = [],
    tokenPresented = true,
  ) =>
    negative({
      id,
      title,
      outcome: 'unauthenticated',
      statuses: unauth,
      tokenPresented,
      request,
      secrets,
    });

  authn('no-credentials', 'no credentials', base, [], false);
  // RFC 6750 §3.1 answers a malformed request with 400 invalid_request: accept it besides 401.
  negative({
    id: 'malformed-authorization',
    title: 'malformed Authorization header ("Bearer" without a token)',
    outcome: 'unauthenticated',
    statuses: [...new Set([...unauth, 400])],
    tokenPresented: true,
    request: header(base, 'Authorization', 'Bearer'),
  });
  authn(
    'bearer-garbage',
    'Bearer with garbage',
    header(base, 'Authorization', 'Bearer not-a-token.garbage'),
  );
  const devAllowed = endpoint.allow.some((n) => ctx.credentials.get(n)!.type === 'headers');
  if (!devAllowed) {
    authn(
      'dev-headers',
      'dev headers alone (X-Dev-User-Id, X-Org-Id) must not authenticate',
      {
        ...base,
        headers: mergeHeaders(
          base.headers,
          ctx.spec.devHeaders ?? DEFAULT_DEV_HEADERS(endpoint.tenant),
        ),
      },
      [],
      false,
    );
  }

  const template = primary.jwt;
  if (template) {
    const tokenCase = async (
      id: string,
      title: string,
      outcome: Outcome,
      statuses: number[],
      overrides: Omit<MintTokenOptions, 'keystore'>,
      extraHeaders: Record<string, string> = {},
      missingScope = false,
    ) => {
      if (excluded(id)) return;
      const token = await ctx.mint({ ...mintOptions(template), ...overrides });
      negative({
        id,
        title,
        outcome,
        statuses,
        tokenPresented: true,
        missingScope,
        request: {
          ...base,
          headers: mergeHeaders(base.headers, { Authorization: `Bearer ${token}` }, extraHeaders),
        },
        secrets: [token],
        mintCommand: mintCommand(template, overrides),
      });
    };
    const defects = template.signable ? [...CLAIM_DEFECTS, ...FORGERIES] : FORGERIES;
    for (const defect of defects) {
      await tokenCase(
        `jwt:${defectName(defect)}`,
        `token: ${defectName(defect)}`,
        'unauthenticated',
        unauth,
        { defect, jkuUrl: ctx.jkuUrl, attackerKey: ctx.attackerKey },
      );
    }
    if (endpoint.index === ctx.weakSecretEndpoint) {
      for (const c of await weakSecretCases(
        template,
        ctx.weakSecrets ?? WEAK_SECRETS,
        ctx.mint,
        base,
        excluded,
      ))
        negative({ ...c, outcome: 'unauthenticated', statuses: unauth, tokenPresented: true });
    }
    if (template.signable && endpoint.tenant) {
      const other = ctx.spec.tenants.other ?? `${endpoint.tenant}-other`;
      const mismatch = endpoint.tenantMismatchStatus;
      const either = [...new Set([...unauth, ...endpoint.forbiddenStatus, ...mismatch])];
      await tokenCase('tenant:missing-claim', 'token without the tenant claim', 'either', either, {
        defect: { kind: 'missing-tenant' },
      });
      await tokenCase(
        'tenant:other',
        `token of tenant "${other}" on ${endpoint.tenant}'s resource`,
        'forbidden',
        mismatch,
        { defect: { kind: 'wrong-tenant', variant: other } },
      );
      const spoofed = Object.fromEntries(
        ctx.spec.tenants.headers.map((h) => [h, endpoint.tenant!]),
      );
      if (/\{tenant\}/.test(endpoint.template)) {
        // The other direction: a valid token of this tenant on another tenant's path (404 is fine there: it may not exist).
        const foreign = { ...base, path: pathWith(endpoint, { tenant: other }) };
        const token = await ctx.mint(mintOptions(template));
        if (!excluded('tenant:other-path')) {
          negative({
            id: 'tenant:other-path',
            title: `token of tenant "${endpoint.tenant}" on ${other}'s path`,
            outcome: 'forbidden',
            statuses: [...new Set([...mismatch, 404])],
            tokenPresented: true,
            request: header(foreign, 'Authorization', `Bearer ${token}`),
            secrets: [token],
            mintCommand: mintCommand(template),
          });
        }
      }
      await tokenCase(
        'tenant:spoofed-header',
        `token of tenant "${other}" plus ${ctx.spec.tenants.headers.join('/')}: ${endpoint.tenant}`,
        'forbidden',
        mismatch,
        { defect: { kind: 'wrong-tenant', variant: other } },
        spoofed,
      );
    }
    if (template.signable && ctx.spec.tenants.statusClaim) {
      const { statusClaim, suspendedValue } = ctx.spec.tenants;
      await tokenCase(
        'tenant:suspended',
        `token whose tenant status (${statusClaim}) is "${suspendedValue}"`,
        'forbidden',
        endpoint.forbiddenStatus,
        { claims: { ...template.claims, [statusClaim]: suspendedValue } },
      );
    }
    if (template.signable && endpoint.scopes?.length) {
      await tokenCase(
        'scope:missing',
        `token without the scopes ${endpoint.scopes.join(', ')}`,
        'forbidden',
        endpoint.forbiddenStatus,
        { defect: { kind: 'missing-scope' } },
        {},
        true,
      );
    }
    if (template.signable && endpoint.roles?.length) {
      const roles = template.mapping.rolesClaim ?? '/roles';
      await tokenCase(
        'role:missing',
        `token without the roles ${endpoint.roles.join(', ')}`,
        'forbidden',
        endpoint.forbiddenStatus,
        { roles: undefined, claims: { ...template.claims, [roles]: undefined } },
      );
    }
  }
  if (primary.type === 'headers' && ctx.spec.tenants.statusHeader) {
    // Gateway / pass-through mode: the tenant status arrives as a header next to the tenant id.
    const { statusHeader, suspendedValue } = ctx.spec.tenants;
    negative({
      id: 'tenant:suspended',
      title: `headers of a tenant whose ${statusHeader} is "${suspendedValue}"`,
      outcome: 'forbidden',
      statuses: endpoint.forbiddenStatus,
      tokenPresented: true,
      request: header(
        { ...base, headers: mergeHeaders(base.headers, primary.headers) },
        statusHeader,
        suspendedValue,
      ),
    });
  }
  if (primary.revokedHeaders)
    authn(
      'jwt:revoked',
      'revoked token (revoked_env)',
      { ...base, headers: mergeHeaders(base.headers, primary.revokedHeaders) },
      primary.secrets,
    );
  if (primary.apikey) apikeyCases(base, primary, authn);
  if (primary.sigv4) sigv4Cases(base, primary, endpoint, ctx, negative);
  if (primary.presigned) {
    const valid = (await withCredential(base, primary, ctx)).request;
    const other = (v: string) => ctx.spec.tenants.other ?? `${v}-other`;
    const statuses = [...new Set([...unauth, ...endpoint.forbiddenStatus])];
    for (const m of presignMutations(valid, primary.presigned, other))
      negative({
        ...m,
        outcome: 'either',
        statuses,
        tokenPresented: true,
        secrets: primary.secrets,
      });
  }

  const denials: ProbeCase[] = [];
  for (const name of endpoint.deny) {
    const cred = ctx.credentials.get(name)!;
    const { request, secrets } = await withCredential(base, cred, ctx);
    const before = negatives.length;
    negative({
      id: `deny:${name}`,
      check: 'deny',
      title: `credential "${name}" is refused`,
      credential: name,
      outcome: 'forbidden',
      statuses: endpoint.forbiddenStatus,
      tokenPresented: true,
      request,
      secrets,
      mintCommand: cred.jwt && cred.type === 'jwt' ? mintCommand(cred.jwt) : undefined,
    });
    if (negatives.length > before) denials.push(negatives[negatives.length - 1]!);
  }

  // Variants of the denials (and of "no credentials"): a router quirk must not open a side door.
  const noCreds = negatives.find((c) => c.id === 'no-credentials');
  for (const target of [...denials, ...(noCreds ? [noCreds] : [])]) {
    for (const variant of variantRequests(target.request, endpoint.variants)) {
      const id = `${target.id}/${variant.name}`;
      if (excluded(id)) continue;
      const cred = target.credential ? ctx.credentials.get(target.credential) : undefined;
      // SigV4 signs the exact method and path: re-sign the variant so only the variant differs.
      const request = cred?.sigv4
        ? (await withCredential(variant.request, cred, ctx)).request
        : variant.request;
      negative({
        id,
        check: `variant:${variant.name}`,
        title: `${target.title}, ${variant.title}`,
        credential: target.credential,
        outcome: 'non2xx',
        statuses: [],
        tokenPresented: target.tokenPresented,
        request,
        secrets: target.secrets,
        mintCommand: target.mintCommand,
      });
    }
  }
  for (const x of endpoint.exclude)
    if (!used.has(x))
      ctx.warnings?.push(
        `endpoints[${endpoint.index}] (${endpoint.id}): exclude "${x}" matches no case`,
      );
  return cases;
}

function header(request: ProbeRequest, name: string, value: string): ProbeRequest {
  return { ...request, headers: mergeHeaders(request.headers, { [name]: value }) };
}

/** A request carrying a valid credential (SigV4 signs it). */
export async function withCredential(
  request: ProbeRequest,
  cred: ResolvedCredential,
  ctx: Pick<CaseContext, 'url'>,
): Promise<{ request: ProbeRequest; secrets: string[] }> {
  if (cred.sigv4) return { request: signSigV4(request, cred, ctx.url), secrets: cred.secrets };
  if (cred.presigned)
    return { request: { ...request, path: cred.presigned.path }, secrets: cred.secrets };
  return {
    request: { ...request, headers: mergeHeaders(request.headers, cred.headers) },
    secrets: cred.secrets,
  };
}

type SigV4Key = NonNullable<ResolvedCredential['sigv4']>;

function signSigV4(
  request: ProbeRequest,
  cred: ResolvedCredential,
  url: (path: string) => string,
  override: Partial<SigV4Key> & { date?: Date; expires?: number } = {},
): ProbeRequest {
  const key = { ...cred.sigv4!, ...override };
  const credentials = {
    accessKeyId: key.accessKeyId,
    secretAccessKey: key.secretAccessKey,
    sessionToken: key.sessionToken,
  };
  const options = { region: key.region, service: key.service, date: override.date };
  const target = url(request.path);
  if (key.presign) {
    const signed = presignUrl(
      { method: request.method, url: target, headers: request.headers },
      credentials,
      { ...options, expires: override.expires ?? 900 },
    );
    const u = new URL(signed.url);
    // The presigned request's headers are the caller's minus what the query now carries (Authorization, X-Amz-Date).
    const kept = new Set(Object.keys(signed.headers).map((h) => h.toLowerCase()));
    const headers = mergeHeaders(request.headers, signed.headers);
    for (const name of Object.keys(headers))
      if (!kept.has(name.toLowerCase())) delete headers[name];
    return { ...request, path: `${request.path.split('?')[0]}?${u.search.slice(1)}`, headers };
  }
  const signed = signRequest(
    { method: request.method, url: target, headers: request.headers, body: request.body },
    credentials,
    options,
  );
  const { host: _host, ...headers } = signed.headers;
  return { ...request, headers: mergeHeaders(request.headers, headers) };
}

function apikeyCases(
  base: ProbeRequest,
  cred: ResolvedCredential,
  authn: (id: string, title: string, request: ProbeRequest, secrets?: string[]) => void,
): void {
  const { key, header: name, scheme, revoked } = cred.apikey!;
  const send = (value: string) => header(base, name, scheme ? `${scheme} ${value}` : value);
  let prefix: string | undefined;
  try {
    prefix = parseApiKey(key).prefix;
  } catch {
    prefix = undefined; // not an authctl-format key: only unknown/revoked cases apply
  }
  const unknown = generateApiKey(prefix);
  authn('apikey:unknown', 'well-formed API key nobody issued', send(unknown), [unknown]);
  if (prefix) {
    for (const kind of ['bad-checksum', 'truncated'] as const) {
      const bad = malformApiKey(key, kind);
      authn(`apikey:${kind}`, `malformed API key (${kind})`, send(bad), [bad]);
    }
  }
  if (revoked) authn('apikey:revoked', 'revoked API key', send(revoked), [revoked]);
}

function sigv4Cases(
  base: ProbeRequest,
  cred: ResolvedCredential,
  endpoint: ProbeEndpoint,
  ctx: CaseContext,
  negative: (
    c: Omit<ProbeCase, 'endpoint' | 'check' | 'secrets' | 'control' | 'scheme'> & {
      secrets?: string[];
    },
  ) => void,
): void {
  const statuses = endpoint.forbiddenStatus;
  const sigCase = (id: string, title: string, request: ProbeRequest) =>
    negative({
      id,
      title,
      outcome: 'forbidden',
      statuses,
      tokenPresented: true,
      request,
      secrets: cred.secrets,
    });
  const key = cred.sigv4!;
  sigCase(
    'sigv4:wrong-secret',
    'SigV4 signed with a wrong secret key',
    signSigV4(base, cred, ctx.url, {
      secretAccessKey: `${key.secretAccessKey.slice(0, -1)}${key.secretAccessKey.endsWith('A') ? 'B' : 'A'}`,
    }),
  );
  const signed = signSigV4(base, cred, ctx.url);
  const sep = signed.path.includes('?') ? '&' : '?';
  sigCase('sigv4:tampered-query', 'SigV4 request with a query parameter added after signing', {
    ...signed,
    path: `${signed.path}${sep}authctl-tampered=1`,
  });
  const past = new Date(Date.now() - 2 * 3600 * 1000);
  sigCase(
    'sigv4:expired-presign',
    'presigned URL that expired an hour ago',
    signSigV4(base, cred, ctx.url, { presign: true, date: past, expires: 3600 }),
  );
}
