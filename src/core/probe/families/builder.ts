import type { MintTokenOptions } from '../../token/mint.js';
import type {
  CaseContext,
  CaseDraft,
  NegativeDraft,
  Outcome,
  ProbeCase,
  ProbeScheme,
} from '../case-types.js';
import { isExcluded } from '../exclude.js';
import {
  mintCommand,
  mintOptions,
  type JwtTemplate,
  type ResolvedCredential,
} from '../credentials.js';
import { mergeHeaders } from '../headers.js';
import type { ProbeRequest } from '../http.js';
import type { ProbeEndpoint } from '../spec.js';

/** A case's check: the first two parts of its id (`jwt:expired:30s` -> `jwt:expired`). */
function familyCheck(id: string): string {
  const second = id.indexOf(':', id.indexOf(':') + 1);
  return second < 0 ? id : id.slice(0, second);
}

/** How the endpoint's callers authenticate, read from its first credential. */
function schemeOf(cred: ResolvedCredential | undefined): ProbeScheme {
  if (!cred) return 'none';
  if (cred.sigv4) return 'sigv4';
  if (cred.presigned) return 'presigned';
  if (cred.apikey) return 'apikey';
  if (cred.token) return 'bearer';
  return cred.type === 'headers' ? 'headers' : 'none';
}

/**
 * The cases of one endpoint as the families add them: drops excluded ones (and remembers which
 * exclude entries matched, so a typo is reported instead of ignored) and fills in the shared fields.
 */
export class EndpointCases {
  readonly cases: ProbeCase[] = [];
  /** The negative cases added so far, in order (variants are built from some of them). */
  readonly negatives: ProbeCase[] = [];
  /** The endpoint's request without credentials. */
  readonly base: ProbeRequest;
  readonly scheme: ProbeScheme;
  private readonly used: Set<string>;

  constructor(
    readonly endpoint: ProbeEndpoint,
    readonly ctx: CaseContext,
  ) {
    this.base = {
      method: endpoint.method,
      path: endpoint.path,
      headers: { ...endpoint.headers },
      body: endpoint.body,
    };
    this.used = new Set(endpoint.exclude.filter((x) => x === 'skew'));
    this.scheme = schemeOf(ctx.credentials.get(endpoint.allow[0] ?? endpoint.deny[0] ?? ''));
  }

  /** Statuses a 2xx check accepts (empty: any 2xx/3xx). */
  get success(): number[] {
    return this.endpoint.status ?? [];
  }

  /** Is case `id` excluded? Marks the matching exclude entries as used. */
  excluded(id: string): boolean {
    if (this.endpoint.exclude.length === 0) return false; // most endpoints: no filtering per case
    const hits = this.endpoint.exclude.filter((x) => isExcluded(id, [x]));
    hits.forEach((x) => this.used.add(x));
    return hits.length > 0;
  }

  /** Adds a case unless excluded (controls never are); returns it when added. */
  add(c: CaseDraft): ProbeCase | undefined {
    return this.added(c, c.control);
  }

  negative(c: NegativeDraft): ProbeCase | undefined {
    const added = this.added(c, false);
    if (added) this.negatives.push(added);
    return added;
  }

  /**
   * The case, every field written in one order: one shape for every case of every family, where
   * spreading each draft (twice for a negative) cost a run more than any other line of its own.
   */
  private added(c: NegativeDraft, control: boolean): ProbeCase | undefined {
    if (!control && this.excluded(c.id)) return undefined;
    const added: ProbeCase = {
      endpoint: this.endpoint,
      id: c.id,
      check: c.check ?? familyCheck(c.id),
      title: c.title,
      control,
      credential: c.credential,
      outcome: c.outcome,
      statuses: c.statuses,
      tokenPresented: c.tokenPresented,
      scheme: this.scheme,
      missingScope: c.missingScope,
      request: c.request,
      secrets: c.secrets ?? [],
      mintCommand: c.mintCommand,
    };
    this.cases.push(added);
    return added;
  }

  /** Exclude entries that matched no case. */
  unusedExcludes(): string[] {
    return this.endpoint.exclude.filter((x) => !this.used.has(x));
  }
}

/** A token case: a token minted like the template's with `overrides`, and what the service must answer. */
export interface TokenCase {
  id: string;
  title: string;
  outcome: Outcome;
  statuses: number[];
  overrides: Omit<MintTokenOptions, 'keystore'>;
  extraHeaders?: Record<string, string>;
  missingScope?: boolean;
}

/** The cases of an endpoint that needs credentials: `primary` is its first allowed (else denied) one. */
export class ProtectedCases extends EndpointCases {
  readonly primary: ResolvedCredential;
  /** Statuses that count as "not authenticated" (SigV4 services answer 403 where bearer ones say 401). */
  readonly unauth: number[];

  constructor(endpoint: ProbeEndpoint, ctx: CaseContext) {
    super(endpoint, ctx);
    this.primary = ctx.credentials.get(endpoint.allow[0] ?? endpoint.deny[0]!)!;
    const sigv4Only = this.primary.type === 'sigv4' || this.primary.type === 'presigned';
    const only401 =
      endpoint.unauthenticatedStatus.length === 1 && endpoint.unauthenticatedStatus[0] === 401;
    this.unauth = sigv4Only && only401 ? [401, 403] : endpoint.unauthenticatedStatus;
  }

  /** A negative case the service must answer as unauthenticated. */
  authn(
    id: string,
    title: string,
    request: ProbeRequest,
    secrets: string[] = [],
    presented = true,
  ) {
    this.negative({
      id,
      title,
      outcome: 'unauthenticated',
      statuses: this.unauth,
      tokenPresented: presented,
      request,
      secrets,
    });
  }

  /** Mints the case's token (unless the case is excluded: minting is the costly part) and adds it. */
  token(template: JwtTemplate, c: TokenCase): Promise<void> {
    return this.tokens(template, [c]);
  }

  /**
   * Token cases minted side by side and added in the order given: each RSA or EC signature runs on
   * libuv's threadpool, and one after another they kept an endpoint's batch (and the run's
   * workers, which wait for it) back by ~20 ms at the first endpoint of each credential.
   */
  async tokens(template: JwtTemplate, cases: readonly TokenCase[]): Promise<void> {
    const kept = cases.filter((c) => !this.excluded(c.id));
    const options = mintOptions(template);
    const tokens = await Promise.all(kept.map((c) => this.ctx.mint(options, c.overrides)));
    kept.forEach((c, i) => this.addToken(template, c, tokens[i]!));
  }

  private addToken(template: JwtTemplate, c: TokenCase, token: string): void {
    const headers = { Authorization: `Bearer ${token}` };
    this.negative({
      id: c.id,
      title: c.title,
      outcome: c.outcome,
      statuses: c.statuses,
      tokenPresented: true,
      missingScope: c.missingScope ?? false,
      request: {
        ...this.base,
        headers: mergeHeaders(this.base.headers, headers, c.extraHeaders ?? {}),
      },
      secrets: [token],
      mintCommand: () => mintCommand(template, c.overrides),
    });
  }
}

/**
 * One family of cases (controls, forgeries, tenant checks, ...). `build` adds the family's cases
 * for one protected endpoint, or nothing when the family does not apply to it. Families run in
 * the order of CASE_FAMILIES, which is the order cases appear in reports.
 */
export interface CaseFamily {
  readonly name: string;
  build(b: ProtectedCases): void | Promise<void>;
}
