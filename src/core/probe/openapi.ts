import { usageError } from '../errors.js';

/**
 * Drafts a probe spec from an OpenAPI 3.0 / 3.1 or Swagger 2.0 document: operations whose effective
 * `security` is empty become `public = true`; the rest get an allow credential per security scheme,
 * and a scope-less deny credential where scopes are required.
 */

interface OpenApiDoc {
  openapi?: string;
  swagger?: string;
  servers?: Array<{ url?: string }>;
  /** Swagger 2.0: the base URL is schemes[0]://host basePath, and the schemes are securityDefinitions. */
  host?: string;
  basePath?: string;
  schemes?: string[];
  securityDefinitions?: Record<
    string,
    { type?: string; scheme?: string; in?: string; name?: string }
  >;
  security?: Array<Record<string, string[]>>;
  paths?: Record<
    string,
    Record<
      string,
      {
        security?: Array<Record<string, string[]>>;
        parameters?: Array<{ name?: string; in?: string }>;
        operationId?: string;
      }
    >
  >;
  components?: {
    securitySchemes?: Record<
      string,
      { type?: string; scheme?: string; in?: string; name?: string }
    >;
  };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];
const TENANT_PARAM = /^(tenant|tenant_?id|org|org_?id|organization|organization_?id|account_?id)$/i;

export interface DraftOptions {
  baseUrl?: string;
  source: string;
}

export interface DraftResult {
  toml: string;
  endpoints: number;
  publicEndpoints: number;
  credentials: string[];
}

const q = (s: string) => JSON.stringify(s);
const slug = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '_').toLowerCase();

type Operation = NonNullable<OpenApiDoc['paths']>[string][string];
type SecurityScheme = { type?: string; scheme?: string; in?: string; name?: string };

/** What drafting collects across operations: credentials with their scopes, endpoints, tenants. */
interface Draft {
  api: OpenApiDoc;
  /** Credential name → the scopes operations ask of it. */
  credentials: Map<string, string[]>;
  endpoints: string[];
  publicCount: number;
  needsNoScope: boolean;
  tenants: Set<string>;
}

/** The security schemes by name (Swagger 2.0 `basic` is OpenAPI 3's `http` + `basic`). */
function securitySchemes(api: OpenApiDoc): Record<string, SecurityScheme> {
  if (!api.swagger) return api.components?.securitySchemes ?? {};
  return Object.fromEntries(
    Object.entries(api.securityDefinitions ?? {}).map(([k, v]) => [
      k,
      v.type === 'basic' ? { type: 'http', scheme: 'basic' } : v,
    ]),
  );
}

/** `tenant = ...` and `params = {...}` for the path's placeholders (a tenant-like one is the tenant). */
function paramLines(draft: Draft, rawPath: string): string[] {
  const lines: string[] = [];
  const params = [...rawPath.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const tenantParam = params.find((p) => TENANT_PARAM.test(p));
  const others = params.filter((p) => p !== tenantParam);
  if (tenantParam) {
    lines.push(`tenant = "acme"`);
    draft.tenants.add(tenantParam);
    if (tenantParam !== 'tenant') others.unshift(tenantParam);
  }
  const key = (p: string) => (/^[A-Za-z0-9_-]+$/.test(p) ? p : q(p));
  const value = (p: string) => q(p === tenantParam ? 'acme' : 'example');
  if (others.length)
    lines.push(`params = { ${others.map((p) => `${key(p)} = ${value(p)}`).join(', ')} }`);
  return lines;
}

/** allow = one credential per requirement object (any one satisfies the operation), and its scopes. */
function securityLines(draft: Draft, security: Array<Record<string, string[]>>): string[] {
  const allow: string[] = [];
  const scopes = new Set<string>();
  for (const req of security) {
    const [scheme, reqScopes] = Object.entries(req)[0]!;
    const name = slug(scheme);
    const known = draft.credentials.get(name) ?? [];
    draft.credentials.set(name, known);
    for (const s of reqScopes ?? []) {
      scopes.add(s);
      if (!known.includes(s)) known.push(s);
    }
    if (!allow.includes(name)) allow.push(name);
  }
  const lines = [`allow = [${allow.map(q).join(', ')}]`];
  if (scopes.size) {
    draft.needsNoScope = true;
    lines.push(`scopes = [${[...scopes].map(q).join(', ')}]`, 'deny = ["no_scopes"]');
  }
  return lines;
}

/** One `[[endpoints]]` table: public when the effective security is empty. */
function endpointTable(draft: Draft, rawPath: string, method: string, op: Operation): string {
  const security = op.security ?? draft.api.security ?? [];
  const isPublic = security.length === 0 || security.some((req) => Object.keys(req).length === 0);
  const lines = ['[[endpoints]]'];
  if (op.operationId) lines.push(`name = ${q(op.operationId)}`);
  lines.push(`method = ${q(method.toUpperCase())}`, `path = ${q(rawPath)}`);
  lines.push(...paramLines(draft, rawPath));
  if (isPublic) {
    draft.publicCount++;
    lines.push('public = true');
  } else lines.push(...securityLines(draft, security));
  return lines.join('\n');
}

/** `[credentials.NAME]`: an API key, Basic credentials from the environment, else a JWT. */
function credentialTable(draft: Draft, name: string, scopes: string[], scheme?: SecurityScheme) {
  const out = [`[credentials.${name}]`];
  if (scheme?.type === 'apiKey') {
    out.push(
      'type = "apikey"',
      `env = ${q(`${name.toUpperCase()}_KEY`)}`,
      `header = ${q(scheme.name ?? 'X-API-Key')}`,
    );
  } else if (scheme?.type === 'http' && /^basic$/i.test(scheme.scheme ?? '')) {
    out.push('type = "env"', `env = ${q(`${name.toUpperCase()}_CREDENTIALS`)}`, 'scheme = "Basic"');
  } else {
    out.push(
      'type = "jwt"',
      'sub = "probe-user"',
      ...(draft.tenants.size ? ['tenant = "acme"'] : []),
      ...(scopes.length ? [`scopes = [${scopes.map(q).join(', ')}]`] : []),
    );
  }
  out.push('');
  return out;
}

/** Drafts the probe spec (TOML) for every operation of the document. */
export function draftSpecFromOpenApi(doc: unknown, options: DraftOptions): DraftResult {
  const api = checkVersion(doc, options.source);
  const schemes = securitySchemes(api);
  const draft: Draft = {
    api,
    credentials: new Map(),
    endpoints: [],
    publicCount: 0,
    needsNoScope: false,
    tenants: new Set(),
  };
  for (const [rawPath, item] of Object.entries(api.paths ?? {})) {
    if (!rawPath.startsWith('/')) continue; // x-... extensions
    for (const method of METHODS) {
      const op = item?.[method];
      if (op) draft.endpoints.push(endpointTable(draft, rawPath, method, op));
    }
  }
  const { tenants, endpoints, needsNoScope } = draft;
  const out: string[] = [
    `# Drafted by \`authctl probe init --from-openapi ${options.source}\`: review allow/deny, tenants and params.`,
    `base_url = ${q(options.baseUrl ?? absoluteServer(api) ?? 'http://127.0.0.1:8080')}`,
    '',
    '[jwt]',
    '# issuer = "http://127.0.0.1:9400"',
    '# audience = "api://my-service"',
    ...(tenants.size ? ['tenant_claim = "/tid"'] : []),
    '# roles_claim = "/roles"',
    '',
  ];
  for (const [name, scopes] of draft.credentials) {
    const scheme = schemes[Object.keys(schemes).find((s) => slug(s) === name) ?? ''];
    out.push(...credentialTable(draft, name, scopes, scheme));
  }
  if (needsNoScope)
    out.push(
      '[credentials.no_scopes]',
      'type = "jwt"',
      'sub = "probe-no-scopes"',
      ...(tenants.size ? ['tenant = "acme"'] : []),
      '',
    );
  out.push(...endpoints.map((e) => `${e}\n`));
  return {
    toml: `${out.join('\n').trimEnd()}\n`,
    endpoints: endpoints.length,
    publicEndpoints: draft.publicCount,
    credentials: [...draft.credentials.keys(), ...(needsNoScope ? ['no_scopes'] : [])],
  };
}

/** OpenAPI 3.0 / 3.1 or Swagger 2.0 with at least one path (a 3.1 document may hold only webhooks). */
function checkVersion(doc: unknown, source: string): OpenApiDoc {
  const api = doc as OpenApiDoc;
  const hint = 'pass an OpenAPI 3.0 / 3.1 or Swagger 2.0 document (JSON or YAML)';
  if (!api || typeof api !== 'object' || (!api.openapi && !api.swagger)) {
    throw usageError(
      'ERR_OPENAPI_INVALID',
      'not an OpenAPI document (no "openapi" or "swagger" version)',
      { where: source, hint },
    );
  }
  const version = String(api.openapi ?? api.swagger);
  if (api.openapi ? !/^3\.[01]\./.test(version) : version !== '2.0') {
    throw usageError(
      'ERR_OPENAPI_VERSION',
      `unsupported ${api.openapi ? 'OpenAPI' : 'Swagger'} version "${version}"`,
      { where: source, hint },
    );
  }
  if (
    typeof api.paths !== 'object' ||
    api.paths === null ||
    Object.keys(api.paths).filter((p) => p.startsWith('/')).length === 0
  ) {
    throw usageError('ERR_OPENAPI_INVALID', 'the document has no paths to probe', {
      where: source,
      hint: 'a document with only webhooks or components has no endpoints; pass the API that serves them',
    });
  }
  return api;
}

function absoluteServer(api: OpenApiDoc): string | undefined {
  if (api.swagger)
    return api.host
      ? `${api.schemes?.[0] ?? 'https'}://${api.host}${(api.basePath ?? '').replace(/\/+$/, '')}`
      : undefined;
  const url = api.servers?.[0]?.url;
  return url && /^https?:\/\//.test(url) ? url.replace(/\/+$/, '') : undefined;
}
