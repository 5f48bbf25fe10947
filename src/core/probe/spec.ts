import path from 'node:path';
import type { ProbeCredentialConfig, ProbeSpecConfig } from './config.js';
import { parseJson, parseToml } from '../config/toml.js';
import { usageError } from '../errors.js';
// Not fs.promises: touching it loads eight more of Node's modules (readline among them) per run.
import { nodeFs, readFileBytes } from '../node.js';
import { closest } from '../suggest.js';
import { locate } from '../verify/locate/offsets.js';
import { locateJson } from '../verify/locate/json.js';
import { locateToml } from '../verify/locate/toml.js';
import type { SourceMap } from '../verify/types.js';
import { parseDuration } from '../duration.js';
import { registerSecretsIn } from '../mask.js';
import { checkSeverityPolicy, type SeverityPolicy } from './severity.js';
import { decodeText } from '../fs/text.js';
import { resolveRotation, type ProbeRotation } from './rotation-spec.js';
import { quickCheck, UNSURE } from '../config/quick.js';
import { PROBE_SPEC_SHAPE } from './spec-shape.generated.js';
import { specWhere as where } from './spec-where.js';

/** A validated probe spec with every endpoint's path resolved. */
export interface ProbeSpec {
  /** Where it came from (file, or `config [probe]`), for messages. */
  source: string;
  /** The spec file's directory (relative secret_file paths), when it came from a file. */
  dir?: string;
  baseUrl: string;
  jwt: NonNullable<ProbeSpecConfig['jwt']>;
  credentials: Record<string, ProbeCredentialConfig>;
  endpoints: ProbeEndpoint[];
  tenants: {
    mismatchStatus: number[];
    headers: string[];
    other?: string;
    statusClaim?: string;
    statusHeader?: string;
    suspendedValue: string;
  };
  variants: boolean | string[];
  measureSkew: boolean;
  devHeaders?: Record<string, string>;
  concurrency?: number;
  timeoutMs?: number;
  /** Top-level `[severity]` policy (endpoints may override). */
  severity?: SeverityPolicy;
  /** `[rotation]`: rotate the mock issuer's keys at the end and time the service's JWKS refresh. */
  rotation?: ProbeRotation;
}

export interface ProbeEndpoint {
  /** `GET /v1/tenants/acme/orders`: the id in reports. */
  id: string;
  /** The spec's `name` for it, shown beside the id in reports. */
  name?: string;
  index: number;
  /** Line of the endpoint in the spec file, when known (for annotations). */
  line?: number;
  method: string;
  /** Path with placeholders filled in. */
  path: string;
  /** As written in the spec. */
  template: string;
  /** Values of the template's placeholders (`tenant` included). */
  params: Record<string, string>;
  body?: string;
  headers: Record<string, string>;
  public: boolean;
  allow: string[];
  deny: string[];
  tenant?: string;
  scopes?: string[];
  roles?: string[];
  status?: number[];
  unauthenticatedStatus: number[];
  forbiddenStatus: number[];
  tenantMismatchStatus: number[];
  variants: boolean | string[];
  exclude: string[];
  severity?: SeverityPolicy;
}

/** Reads and validates a probe spec file (TOML or JSON, by extension; JSON when it starts with `{`). */
export async function loadProbeSpecFile(file: string): Promise<ProbeSpec> {
  let bytes: Uint8Array;
  try {
    bytes = await readFileBytes(file);
  } catch (error) {
    throw usageError(
      'ERR_PROBE_SPEC_UNREADABLE',
      `cannot read probe spec: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        where: file,
        hint: 'pass an existing file with {{spec}} FILE, or write one with `authctl probe init --from-openapi openapi.json`',
      },
    );
  }
  const text = decodeText(bytes, file, { what: 'probe spec' });
  const isJson = file.endsWith('.json') || /^\s*\{/.test(text);
  const raw = isJson ? parseJson(text, file) : parseToml(text, file);
  const map = isJson ? locateJson(text) : locateToml(text);
  return { ...(await checkProbeSpec(raw, file, map)), dir: path.dirname(path.resolve(file)) };
}

/**
 * Validates a parsed spec (from a file or config `[probe]`); throws a usage error (exit 2) naming
 * the key. Checked without zod when the quick check is sure (issue #17: building the spec's zod
 * schemas was ~8 ms of every run); zod decides, and words the error, whenever it is not.
 */
export async function checkProbeSpec(
  raw: unknown,
  source: string,
  map?: SourceMap,
): Promise<ProbeSpec> {
  const quick = quickSpec(raw);
  if (quick) return normalizeSpec(quick, source, map);
  const { validateSpec } = await import('./spec-zod.js');
  return normalizeSpec(validateSpec(raw, source, map), source, map);
}

/** The spec as zod would output it, when the check without zod is sure of it (secrets registered). */
export function quickSpec(raw: unknown): ProbeSpecConfig | undefined {
  registerSecretsIn(raw);
  const quick = quickCheck(PROBE_SPEC_SHAPE, raw);
  // test/probe/spec-quick.test.ts: what it accepts, zod accepts with the same output.
  return quick === UNSURE ? undefined : (quick as ProbeSpecConfig);
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_-]*)\}/g;

/** What normalising one spec reads besides the endpoint at hand: for lookups and located errors. */
interface SpecReader {
  spec: ProbeSpecConfig;
  source: string;
  map?: SourceMap;
  /** The defined credential names. */
  names: string[];
  tenants: ProbeSpec['tenants'];
}

type EndpointConfig = ProbeSpecConfig['endpoints'][number];

/** A credential an endpoint names must be defined (a typo gets a suggestion). */
function checkRef(r: SpecReader, name: string, keyPath: (string | number)[]): void {
  // Own keys only: `constructor` or `__proto__` in an allow list names no credential of the spec.
  if (Object.hasOwn(r.spec.credentials, name)) return;
  const suggestion = closest(name, r.names);
  const dotted = keyPath
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
    .join('')
    .slice(1);
  throw usageError('ERR_PROBE_UNKNOWN_CREDENTIAL', `${dotted}: no credential "${name}"`, {
    where: where(r.source, r.map, keyPath),
    hint: suggestion
      ? `did you mean "${suggestion}"?`
      : name === '__proto__'
        ? 'a credential cannot be named __proto__ (a parsed table drops that key): rename it'
        : r.names.length
          ? `defined credentials: ${r.names.join(', ')}`
          : `define it as [credentials.${name}] with type = "jwt"`,
  });
}

/** Credentials defined, none both allowed and denied, and something to prove the refusals with. */
function checkEndpointCredentials(r: SpecReader, e: EndpointConfig, index: number): void {
  const { source, map } = r;
  checkSeverityPolicy(e.severity, ['endpoints', index, 'severity'], r.names, source, map);
  e.allow.forEach((name, i) => checkRef(r, name, ['endpoints', index, 'allow', i]));
  e.deny.forEach((name, i) => checkRef(r, name, ['endpoints', index, 'deny', i]));
  const both = e.allow.find((name) => e.deny.includes(name));
  if (both)
    throw usageError(
      'ERR_PROBE_SPEC_INVALID',
      `endpoints[${index}]: "${both}" is in both allow and deny`,
      {
        where: where(source, map, ['endpoints', index, 'deny']),
        hint: 'a credential either must get in or must be refused',
      },
    );
  if (!e.public && e.allow.length === 0 && e.deny.length === 0) {
    throw usageError(
      'ERR_PROBE_SPEC_INVALID',
      `endpoints[${index}] (${e.method.toUpperCase()} ${e.path}): needs public = true, or allow = [...] credentials`,
      {
        where: where(source, map, ['endpoints', index]),
        hint: 'the probe needs at least one credential that must get in, to prove the negative cases are refused for the right reason',
      },
    );
  }
}

/** The path with its `{name}` placeholders filled from the endpoint's, the spec's and the tenant params. */
function resolvePath(
  r: SpecReader,
  e: EndpointConfig,
  index: number,
  params: Record<string, string>,
) {
  return e.path.replace(PLACEHOLDER, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) {
      throw usageError(
        'ERR_PROBE_SPEC_INVALID',
        `endpoints[${index}].path: no value for {${name}}`,
        {
          where: where(r.source, r.map, ['endpoints', index, 'path']),
          hint: `add params = { ${name} = "..." } to the endpoint or a [params] table${name === 'tenant' ? ', or tenant = "..."' : ''}`,
        },
      );
    }
    return encodeURIComponent(value);
  });
}

function normalizeEndpoint(r: SpecReader, e: EndpointConfig, index: number): ProbeEndpoint {
  checkEndpointCredentials(r, e, index);
  const params: Record<string, string> = {
    ...r.spec.params,
    ...(e.tenant ? { tenant: e.tenant } : {}),
    ...e.params,
  };
  const resolved = resolvePath(r, e, index, params);
  const method = e.method.toUpperCase();
  return {
    id: `${method} ${resolved}`,
    ...(e.name ? { name: e.name } : {}),
    index,
    line: locate(r.map, ['endpoints', index])?.line,
    method,
    path: resolved,
    template: e.path,
    params,
    body: e.body === undefined || typeof e.body === 'string' ? e.body : JSON.stringify(e.body),
    headers: e.headers ?? {},
    public: e.public,
    allow: e.allow,
    deny: e.deny,
    tenant: e.tenant,
    scopes: e.scopes,
    roles: e.roles,
    status: e.status,
    unauthenticatedStatus: e.unauthenticated_status ?? [401],
    forbiddenStatus: e.forbidden_status ?? [403],
    tenantMismatchStatus: e.tenant_mismatch_status ?? r.tenants.mismatchStatus,
    variants: e.variants ?? r.spec.variants,
    exclude: e.exclude,
    severity: e.severity,
  };
}

/** Two entries for the same method and path would be probed twice and reported ambiguously. */
function checkUnique(r: SpecReader, endpoints: ProbeEndpoint[]): void {
  const seen = new Map<string, number>();
  for (const e of endpoints) {
    const previous = seen.get(e.id);
    if (previous !== undefined) {
      throw usageError(
        'ERR_PROBE_SPEC_INVALID',
        `endpoints[${e.index}] repeats endpoints[${previous}] (${e.id})`,
        { where: where(r.source, r.map, ['endpoints', e.index]), hint: 'merge the two entries' },
      );
    }
    seen.set(e.id, e.index);
  }
}

/** The validated spec with its defaults resolved, references checked and paths filled in. */
export function normalizeSpec(spec: ProbeSpecConfig, source: string, map?: SourceMap): ProbeSpec {
  const names = Object.keys(spec.credentials);
  const tenants = {
    mismatchStatus: spec.tenants?.mismatch_status ?? [403],
    headers: spec.tenants?.headers ?? ['X-Org-Id', 'x-organization-id'],
    other: spec.tenants?.other,
    statusClaim: spec.tenants?.status_claim,
    statusHeader: spec.tenants?.status_header,
    suspendedValue: spec.tenants?.suspended_value ?? 'suspended',
  };
  const reader: SpecReader = { spec, source, map, names, tenants };
  checkSeverityPolicy(spec.severity, ['severity'], names, source, map);
  const endpoints = spec.endpoints.map((e, index) => normalizeEndpoint(reader, e, index));
  checkUnique(reader, endpoints);
  return {
    source,
    baseUrl: spec.base_url.replace(/\/+$/, ''),
    jwt: spec.jwt ?? {},
    credentials: spec.credentials,
    endpoints,
    tenants,
    variants: spec.variants,
    measureSkew: spec.measure_skew,
    devHeaders: spec.dev_headers,
    concurrency: spec.concurrency,
    timeoutMs:
      spec.timeout === undefined ? undefined : parseDuration(spec.timeout, 'timeout') * 1000,
    severity: spec.severity,
    rotation: resolveRotation(spec, (keyPath) => where(source, map, keyPath)),
  };
}

/** The spec file to use: --spec, else probe.toml / probe.json in cwd, else undefined (use config `[probe]`). */
export async function findProbeSpecFile(
  cwd: string,
  explicit?: string,
): Promise<string | undefined> {
  if (explicit) return path.resolve(cwd, explicit);
  for (const name of ['probe.toml', 'probe.json']) {
    const file = path.join(cwd, name);
    if (nodeFs.existsSync(file)) return file;
  }
  return undefined;
}

/** The endpoint's path with some placeholders given other values (e.g. another tenant). */
export function pathWith(endpoint: ProbeEndpoint, overrides: Record<string, string>): string {
  const values = { ...endpoint.params, ...overrides };
  return endpoint.template.replace(PLACEHOLDER, (_, name: string) =>
    encodeURIComponent(values[name]!),
  );
}
