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

/**
 * Drafts a probe spec from an OpenAPI 3.x document: one endpoint per operation, with the auth its security requirements name.
 */
export function draftSpecFromOpenApi(doc: unknown, options: DraftOptions): DraftResult {
  const api = checkVersion(doc, options.source);
  // Swagger 2.0 `basic` is OpenAPI 3's `http` + `basic`; the other types keep their names.
  const schemes = api.swagger
    ? Object.fromEntries(
        Object.entries(api.securityDefinitions ?? {}).map(([k, v]) => [
          k,
          v.type === 'basic' ? { type: 'http', scheme: 'basic' } : v,
        ]),
      )
    : (api.components?.securitySchemes ?? {});
  const credentials = new Map<string, string[]>();
  const endpoints: string[] = [];
  let publicCount = 0;
  let needsNoScope = false;
  const tenants = new Set<string>();

  for (const [rawPath, item] of Object.entries(api.paths ?? {})) {
    if (!rawPath.startsWith('/')) continue; // x-... extensions
    for (const method of METHODS) {
      const op = item?.[method];
      if (!op) continue;
      const security = op.security ?? api.security ?? [];
      const isPublic =
        security.length === 0 || security.some((req) => Object.keys(req).length === 0);
      const lines = ['[[endpoints]]'];
      if (op.operationId) lines.push(`name = ${q(op.operationId)}`);
      lines.push(`method = ${q(method.toUpperCase())}`, `path = ${q(rawPath)}`);
      const params = [...rawPath.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      const tenantParam = params.find((p) => TENANT_PARAM.test(p));
      const others = params.filter((p) => p !== tenantParam);
      if (tenantParam) {
        lines.push(`tenant = "acme"`);
        tenants.add(tenantParam);
        if (tenantParam !== 'tenant') others.unshift(tenantParam);
      }
      if (others.length)
        lines.push(
          `params = { ${others.map((p) => `${/^[A-Za-z0-9_-]+$/.test(p) ? p : q(p)} = ${q(p === tenantParam ? 'acme' : 'example')}`).join(', ')} }`,
        );
      if (isPublic) {
        publicCount++;
        lines.push('public = true');
      } else {
        // Any one requirement object satisfies the operation: use the first scheme of each.
        const allow: string[] = [];
        const scopes = new Set<string>();
        for (const req of security) {
          const [scheme, reqScopes] = Object.entries(req)[0]!;
          const name = slug(scheme);
          if (!credentials.has(name)) credentials.set(name, []);
          for (const s of reqScopes ?? []) {
            scopes.add(s);
            if (!credentials.get(name)!.includes(s)) credentials.get(name)!.push(s);
          }
          if (!allow.includes(name)) allow.push(name);
        }
        lines.push(`allow = [${allow.map(q).join(', ')}]`);
        if (scopes.size) {
          needsNoScope = true;
          lines.push(`scopes = [${[...scopes].map(q).join(', ')}]`, 'deny = ["no_scopes"]');
        }
      }
      endpoints.push(lines.join('\n'));
    }
  }

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
  for (const [name, scopes] of credentials) {
    const scheme = schemes[Object.keys(schemes).find((s) => slug(s) === name) ?? ''];
    out.push(`[credentials.${name}]`);
    if (scheme?.type === 'apiKey') {
      out.push(
        'type = "apikey"',
        `env = ${q(`${name.toUpperCase()}_KEY`)}`,
        `header = ${q(scheme.name ?? 'X-API-Key')}`,
      );
    } else if (scheme?.type === 'http' && /^basic$/i.test(scheme.scheme ?? '')) {
      out.push(
        'type = "env"',
        `env = ${q(`${name.toUpperCase()}_CREDENTIALS`)}`,
        'scheme = "Basic"',
      );
    } else {
      out.push(
        'type = "jwt"',
        'sub = "probe-user"',
        ...(tenants.size ? ['tenant = "acme"'] : []),
        ...(scopes.length ? [`scopes = [${scopes.map(q).join(', ')}]`] : []),
      );
    }
    out.push('');
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
    publicEndpoints: publicCount,
    credentials: [...credentials.keys(), ...(needsNoScope ? ['no_scopes'] : [])],
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
