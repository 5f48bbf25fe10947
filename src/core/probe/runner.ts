import type { AuthctlConfig } from '../config/schema.js';
import { environmentError, usageError } from '../errors.js';
import type { Keystore } from '../keys/keystore.js';
import { attackerKeyFor } from './attacker.js';
import { mintToken, type MintTokenOptions } from '../token/mint.js';
import { generateCases, type ProbeCase } from './cases.js';
import { resolveCredential, type ResolvedCredential } from './credentials.js';
import { curlCommand } from './curl.js';
import { controlEvidence, exchangeOf } from './exchange.js';
import { HttpClient, ProbeConnectionError, type ProbeRequest, type ProbeResponse } from './http.js';
import { startJkuServer } from './jku.js';
import { measureSkew, pickSkewTargets, type SkewResult } from './skew.js';
import type { ProbeSpec } from './spec.js';
import { casePassed, describeExpected, hygiene, judge, type ProbeFinding } from './verdict.js';
import { fixFor } from './fixes.js';
import { registerSecret } from '../mask.js';
import { applySeverityPolicy } from './severity.js';
import { prepareLateRotation, runRevocations, runRotation } from './late-checks.js';
import type { RotationReport } from './rotation.js';

export interface RunProbeOptions {
  spec: ProbeSpec;
  config: AuthctlConfig;
  keystore: Keystore;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  concurrency?: number;
  timeoutMs?: number;
  retries?: number;
  /** Build the matrix without sending anything. */
  dryRun?: boolean;
  /** Override the spec's measure_skew. */
  measureSkew?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** Candidates for `jwt:weak-secret` (default: the bundled list; `--secrets-file` adds to it). */
  weakSecrets?: readonly string[];
  /** Global flags for reproduction commands, e.g. ['--home', '/abs/keys', '--config', '/abs/authctl.toml']. */
  cliGlobals?: string[];
  fetch?: typeof fetch;
}

export interface ProbeCaseResult {
  endpoint: string;
  case: string;
  check: string;
  title: string;
  control: boolean;
  credential?: string;
  expected: string;
  status?: number;
  passed?: boolean;
  ms?: number;
}

export interface ControlFailure {
  phase: 'before' | 'after';
  endpoint: string;
  credential?: string;
  expected: string;
  got: number;
  curl: string;
  /** The service's WWW-Authenticate (it often names the cause: `error_description="aud claim invalid"`). */
  wwwAuthenticate?: string;
  /** The first bytes of the body, masked, on one line. */
  body?: string;
}

export interface ProbeResult {
  baseUrl: string;
  source: string;
  dryRun: boolean;
  /** Spec problems that did not stop the run (an exclude entry matching no case). */
  warnings: string[];
  /** `ok`, `findings` (exit 1), or `control-failed` (exit 3). */
  status: 'ok' | 'findings' | 'control-failed';
  endpoints: string[];
  cases: ProbeCaseResult[];
  findings: ProbeFinding[];
  controlFailures: ControlFailure[];
  /** The first endpoint's skew (kept for --json readers); `skews` has one per endpoint. */
  skew?: SkewResult;
  skews?: SkewResult[];
  /** `[rotation]`: how long the service took to accept the new key and refuse the retired one. */
  rotation?: RotationReport;
  /** Requests the dry run would send (credentials masked). */
  requests?: Array<{ endpoint: string; case: string; expected: string; curl: string }>;
  summary: {
    endpoints: number;
    checks: number;
    passed: number;
    failed: number;
    critical: number;
    error: number;
    warning: number;
    baselined: number;
    requests: number;
    durationMs: number;
  };
}

/**
 * A run is bounded in count (this many cases) and so in time: every request has one deadline for the
 * whole exchange and timeouts are not retried, so a run takes at most about
 * cases / concurrency × timeout, plus the skew bisection's few requests.
 */
export const MAX_CASES = 20_000;

/** Builds the matrix, runs controls, cases and controls again, and judges every answer. */
export async function runProbe(options: RunProbeOptions): Promise<ProbeResult> {
  const started = performance.now();
  const { spec } = options;
  const mintCache = new Map<string, Promise<string>>();
  const mint = (o: Omit<MintTokenOptions, 'keystore'>) => {
    const { attackerKey, ...rest } = o;
    const key = JSON.stringify(rest);
    let hit = mintCache.get(key);
    if (!hit) {
      hit = mintToken({ ...o, keystore: options.keystore, attackerKey }).then((r) => r.token);
      mintCache.set(key, hit);
    }
    return hit;
  };
  const timeoutMs = options.timeoutMs ?? spec.timeoutMs ?? 10_000;
  const client = new HttpClient({
    baseUrl: spec.baseUrl,
    timeoutMs,
    retries: options.retries ?? 2,
    maxSockets: Math.max(8, options.concurrency ?? spec.concurrency ?? 16),
  });
  const firstJwt = Object.values(spec.credentials).find((c) => c.type === 'jwt');
  const attackerKey = await attackerKeyFor(
    firstJwt?.type === 'jwt' && firstJwt.alg && !firstJwt.alg.startsWith('HS')
      ? firstJwt.alg
      : spec.jwt.alg && !spec.jwt.alg.startsWith('HS')
        ? spec.jwt.alg
        : 'RS256',
    options.keystore.dir,
  );
  const needsJku =
    !options.dryRun &&
    Object.values(spec.credentials).some(
      (c) => c.type === 'jwt' || c.type === 'idp' || c.type === 'env',
    );
  const jku = needsJku ? await startJkuServer({ keys: [attackerKey.publicJwk] }) : undefined;
  try {
    const credentials = new Map<string, ResolvedCredential>();
    const used = new Set(spec.endpoints.flatMap((e) => [...e.allow, ...e.deny]));
    for (const name of used) {
      const resolved = await resolveCredential(name, {
        spec,
        config: options.config,
        keystore: options.keystore,
        env: options.env ?? process.env,
        mint,
        cwd: options.cwd ?? process.cwd(),
        fetch: options.fetch,
        dryRun: options.dryRun,
        cliGlobals: options.cliGlobals,
      });
      // Known to every renderer from now on, whatever message or response happens to quote one.
      resolved.secrets.forEach(registerSecret);
      credentials.set(name, resolved);
    }
    const rotationControl = options.dryRun
      ? undefined
      : await prepareLateRotation(spec, credentials, options.env ?? process.env);
    const warnings: string[] = [];
    const cases = await generateCases({
      spec,
      credentials,
      mint,
      warnings,
      weakSecrets: options.weakSecrets,
      jkuUrl: jku?.url ?? 'http://127.0.0.1:9/.well-known/jwks.json',
      attackerKey,
      url: (p) => client.url(p),
    });
    if (cases.length > MAX_CASES) {
      throw usageError(
        'ERR_PROBE_TOO_MANY_CASES',
        `the spec makes ${cases.length} cases, more than the ${MAX_CASES} one run may send`,
        {
          where: spec.source,
          hint: 'split the spec into several files, or turn off variants / exclude case families on large endpoint lists',
        },
      );
    }
    const endpoints = spec.endpoints.map((e) => e.id);
    const base = { baseUrl: spec.baseUrl, source: spec.source, endpoints, warnings };

    if (options.dryRun) {
      const requests = cases.map((c) => ({
        endpoint: c.endpoint.id,
        case: c.id,
        expected: describeExpected(c),
        curl: curlCommand(spec.baseUrl, c.request, c.secrets, c.mintCommand),
      }));
      return {
        ...base,
        dryRun: true,
        status: 'ok',
        cases: cases.map((c) => caseResult(c)),
        findings: [],
        controlFailures: [],
        requests,
        summary: {
          endpoints: endpoints.length,
          checks: cases.length,
          passed: 0,
          failed: 0,
          critical: 0,
          error: 0,
          warning: 0,
          baselined: 0,
          requests: cases.length,
          durationMs: performance.now() - started,
        },
      };
    }

    let requests = 0;
    const send = async (c: Pick<ProbeCase, 'request'>): Promise<ProbeResponse> => {
      requests++;
      try {
        return await client.send(c.request);
      } catch (error) {
        if (error instanceof ProbeConnectionError && error.code === 'ETIMEDOUT')
          return { status: 0, headers: {}, body: '', ms: timeoutMs };
        if (error instanceof ProbeConnectionError) {
          throw environmentError('ERR_PROBE_UNREACHABLE', `service unreachable: ${error.message}`, {
            where: spec.baseUrl,
            hint: 'start the service, check base_url, or add --wait-for URL to wait until it is up',
          });
        }
        throw error;
      }
    };
    const controls = cases.filter((c) => c.control);
    const rest = cases.filter((c) => !c.control);
    const total = controls.length * 2 + rest.length;
    let done = 0;
    const progress = () => options.onProgress?.(++done, total);
    const concurrency = options.concurrency ?? spec.concurrency ?? 16;

    const runControls = async (phase: 'before' | 'after'): Promise<ControlFailure[]> => {
      const answers = await pool(controls, concurrency, async (c) => {
        const res = await send(c);
        progress();
        return res;
      });
      return controls.flatMap((c, i) =>
        casePassed(c, answers[i]!)
          ? []
          : [
              {
                phase,
                endpoint: c.endpoint.id,
                credential: c.credential,
                expected: describeExpected(c),
                got: answers[i]!.status,
                curl: curlCommand(spec.baseUrl, c.request, c.secrets, c.mintCommand),
                ...controlEvidence(c, answers[i]!),
              },
            ],
      );
    };
    const failed = (
      controlFailures: ControlFailure[],
      answers: Map<ProbeCase, ProbeResponse>,
    ): ProbeResult => ({
      ...base,
      dryRun: false,
      status: 'control-failed',
      cases: cases.map((c) => caseResult(c, answers.get(c))),
      findings: [],
      controlFailures,
      summary: {
        endpoints: endpoints.length,
        checks: cases.length,
        passed: 0,
        failed: 0,
        critical: 0,
        error: 0,
        warning: 0,
        baselined: 0,
        requests,
        durationMs: performance.now() - started,
      },
    });

    const before = await runControls('before');
    if (before.length) return failed(before, new Map());
    const answers = await pool(rest, concurrency, async (c) => {
      const res = await send(c);
      progress();
      return res;
    });
    const byCase = new Map(rest.map((c, i) => [c, answers[i]!] as const));
    // Per endpoint: services behind one gateway may still verify with different leeways.
    const skewTargets =
      (options.measureSkew ?? spec.measureSkew) ? pickSkewTargets(cases, credentials) : [];
    const skews = await pool(skewTargets, concurrency, (target) =>
      measureSkew({
        target,
        template: credentials.get(target.credential!)!.jwt!,
        mint,
        send: (req) => send({ ...target, request: req }),
        baseUrl: spec.baseUrl,
      }),
    );
    const skew = skews[0];
    const late = { spec, credentials, mint, send: (request: ProbeRequest) => send({ request }) };
    // Revocation revokes fresh tokens (own jti) only, so the controls' tokens still get in afterwards.
    const revocations = await runRevocations(late);
    const after = await runControls('after');
    if (after.length) return failed(after, byCase);
    // Last: the rotation retires the key the controls' tokens are signed with.
    const rotation = await runRotation(late, rotationControl);

    const raw = buildFindings(rest, byCase, spec.baseUrl);
    if (jku && jku.hits() > 0) {
      const jkuCase = rest.find((c) => c.id === 'jwt:jku');
      raw.push({
        key: `${jkuCase?.endpoint.id ?? '*'} jwt:jku probe/jku-fetched`,
        endpoint: jkuCase?.endpoint.id ?? '*',
        case: 'jwt:jku',
        check: 'probe/jku-fetched',
        rule: 'probe/jku-fetched',
        severity: 'warning',
        expected: 'no fetch of the jku URL',
        got: `${jku.hits()} fetch(es)`,
        message: `the service fetched the attacker JWKS named in a token's jku header ${jku.hits()} time(s) (server-side request forgery)`,
        fix: fixFor('jwt:jku'),
        curl: jkuCase
          ? curlCommand(spec.baseUrl, jkuCase.request, jkuCase.secrets, jkuCase.mintCommand)
          : undefined,
      });
    }
    for (const s of skews) if (s.finding) raw.push(s.finding);
    raw.push(...revocations.findings, ...rotation.findings);
    const findings = applySeverityPolicy(
      raw,
      spec.severity,
      new Map(spec.endpoints.map((e) => [e.id, e.severity])),
    );
    const count = (s: string) => findings.filter((f) => f.severity === s).length;
    const results = [
      ...cases.map((c) => caseResult(c, c.control ? undefined : byCase.get(c))),
      ...revocations.results,
      ...rotation.results,
    ];
    const nonControl = results.filter((r) => !r.control);
    return {
      ...base,
      dryRun: false,
      status: findings.length ? 'findings' : 'ok',
      cases: results,
      findings,
      controlFailures: [],
      skew: skew ? { ...skew, finding: undefined } : undefined,
      skews: skews.map((s) => ({ ...s, finding: undefined })),
      ...(rotation.report ? { rotation: rotation.report } : {}),
      summary: {
        endpoints: endpoints.length,
        checks: cases.length,
        passed: nonControl.filter((r) => r.passed).length + controls.length,
        failed: nonControl.filter((r) => !r.passed).length,
        critical: count('critical'),
        error: count('error'),
        warning: count('warning'),
        baselined: 0,
        requests,
        durationMs: performance.now() - started,
      },
    };
  } finally {
    client.close();
    await jku?.close();
  }
}

function caseResult(c: ProbeCase, res?: ProbeResponse): ProbeCaseResult {
  return {
    endpoint: c.endpoint.id,
    case: c.id,
    check: c.check,
    title: c.title,
    control: c.control,
    credential: c.credential,
    expected: describeExpected(c),
    ...(res
      ? { status: res.status, passed: casePassed(c, res), ms: Math.round(res.ms * 10) / 10 }
      : c.control
        ? { passed: true }
        : {}),
  };
}

function buildFindings(
  cases: ProbeCase[],
  answers: Map<ProbeCase, ProbeResponse>,
  baseUrl: string,
): ProbeFinding[] {
  const findings: ProbeFinding[] = [];
  const hygieneSeen = new Map<string, ProbeFinding>();
  for (const c of cases) {
    const res = answers.get(c)!;
    const curl = curlCommand(baseUrl, c.request, c.secrets, c.mintCommand);
    const hygieneIssues = hygiene(c, res);
    const verdict = judge(c, res);
    const exchange = verdict || hygieneIssues.length ? exchangeOf(baseUrl, c, res) : undefined;
    if (verdict)
      findings.push({
        ...verdict,
        key: `${c.endpoint.id} ${c.id} ${verdict.rule}`,
        curl,
        exchange,
      });
    // Hygiene: one warning per endpoint and rule, naming the first case (a 401 without a header repeats on every case).
    for (const issue of hygieneIssues) {
      const id = `${c.endpoint.id} ${issue.rule}`;
      const seen = hygieneSeen.get(id);
      if (seen) {
        seen.got = `${Number(seen.got.split(' ')[0]) + 1} cases`;
        continue;
      }
      const finding: ProbeFinding = {
        key: id,
        endpoint: c.endpoint.id,
        case: c.id,
        check: issue.rule,
        rule: issue.rule,
        severity: 'warning',
        expected: 'RFC-conformant response',
        got: '1 cases',
        message: issue.message,
        fix: fixFor(issue.rule, c),
        curl,
        exchange,
      };
      hygieneSeen.set(id, finding);
      findings.push(finding);
    }
  }
  const order = { critical: 0, error: 1, warning: 2 };
  return findings.sort((a, b) => order[a.severity] - order[b.severity]);
}

/**
 * Runs `fn` over `items` with at most `limit` in flight; results in input order. After the first
 * failure no new item starts (an unreachable service must not be sent the rest of the matrix).
 */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
