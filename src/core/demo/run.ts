import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuthctlConfig } from '../config/schema.js';
import { mask } from '../mask.js';
import { examplesDir } from './root.js';
import {
  SCENARIOS,
  type DemoExample,
  type DemoRequest,
  type ScenarioContext,
} from './scenarios.js';
import { startServiceProcess, type ServiceProcess } from './spawn.js';

/** One numbered step of the transcript. */
export interface DemoStep {
  n: number;
  title: string;
  /** The equivalent command a user could copy. */
  command?: string;
  /** What came back, one fact per line. */
  result: string[];
  /** Did it behave as a correctly secured service must? (undefined: nothing to judge) */
  ok?: boolean;
  /** Machine-readable details (status codes, claims, probe summary). */
  data?: Record<string, unknown>;
}

export interface DemoOptions {
  example: DemoExample;
  /** Keystore directory; default a temp directory removed afterwards. */
  home?: string;
  /** examples/ directory (default: the installed package's). */
  examples?: string;
  onStep?: (step: DemoStep) => void;
  /** Extra environment for the example service (PATH is always passed). */
  env?: NodeJS.ProcessEnv;
  /**
   * Ctrl-C: stops the service and the issuer at once (also after the run, e.g. with --keep);
   * a run still in progress then rejects instead of finishing its remaining steps.
   */
  signal?: AbortSignal;
}

export interface DemoResult {
  example: DemoExample;
  ok: boolean;
  steps: DemoStep[];
  urls: { issuer?: string; service?: string };
  /** Child processes still running (until close()). */
  pids: number[];
  /** Stops the service and the issuer and removes temp files; idempotent. */
  close(): Promise<void>;
  /** Synchronous last resort for exit handlers: kills the service and removes the temp dir. */
  killNow(): void;
}

/**
 * Runs one example end to end with authctl's own pieces: mock issuer, API key, the service,
 * a token, three calls, the probe. Leaves everything running until `close()` (the CLI closes at
 * once, or on Ctrl-C with --keep). On a failure it cleans up before rethrowing.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const scenario = SCENARIOS[options.example];
  const examples = options.examples ?? examplesDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'authctl-demo-'));
  const home = options.home ?? path.join(dir, 'keystore');
  const steps: DemoStep[] = [];
  const step = (s: Omit<DemoStep, 'n'>) => {
    options.signal?.throwIfAborted();
    const full = { n: steps.length + 1, ...s };
    steps.push(full);
    options.onStep?.(full);
    return full;
  };
  let service: ServiceProcess | undefined;
  let issuer: { close(): Promise<void>; issuer: string } | undefined;
  // One shared promise: an abort and the run's own error path may both close, and both must wait for it.
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await service?.stop();
      await issuer?.close();
      rmSync(dir, { recursive: true, force: true });
    })());
  const killNow = () => {
    service?.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  options.signal?.addEventListener('abort', () => void close(), { once: true });

  try {
    const { Keystore } = await import('../keys/keystore.js');
    const keystore = new Keystore({ dir: home });
    step({
      title: 'Keystore',
      result: [
        options.home
          ? `using ${home}`
          : `temporary keystore ${home} (removed afterwards; pass --home DIR to keep it)`,
      ],
    });

    const ctx: ScenarioContext = { examples, dir };
    if (scenario.needsIssuer) {
      const { startIdpServer } = await import('../idp/server.js');
      issuer = await startIdpServer({ config: {}, home, port: 0, host: '127.0.0.1' });
      ctx.issuer = issuer.issuer;
      step({
        title: 'Start the mock OIDC issuer',
        command: `authctl idp serve --port 0 --home ${home}`,
        result: [
          `issuer ${issuer.issuer}`,
          `discovery ${issuer.issuer}/.well-known/openid-configuration`,
          `jwks ${issuer.issuer}/jwks`,
        ],
        data: { issuer: issuer.issuer },
      });
    } else {
      step({
        title: 'Mock OIDC issuer',
        result: [`not needed: ${scenario.name} verifies HS256 tokens with its own shared secret`],
      });
    }

    if (scenario.apiKey) {
      const { createApiKey, exportApiKeys } = await import('../apikey/index.js');
      const store = path.join(home, 'apikeys.json');
      const created = await createApiKey({
        store,
        name: scenario.apiKey.name,
        scopes: scenario.apiKey.scopes,
        tenant: scenario.apiKey.tenant,
        prefix: scenario.apiKey.prefix,
      });
      const exportFile = path.join(dir, `${scenario.name}-api-keys.json`);
      writeFileSync(exportFile, `${JSON.stringify(await exportApiKeys({ store }), null, 2)}\n`, {
        mode: 0o600,
      });
      const flags = [
        `--name ${scenario.apiKey.name}`,
        ...scenario.apiKey.scopes.map((s) => `--scope ${s}`),
        ...(scenario.apiKey.tenant ? [`--tenant ${scenario.apiKey.tenant}`] : []),
        ...(scenario.apiKey.prefix ? [`--prefix ${scenario.apiKey.prefix}`] : []),
      ];
      ctx.apiKey = {
        key: created.key,
        exportFile,
        masked: mask(created.key),
        command: `KEY=$(authctl apikey create ${flags.join(' ')}) && authctl apikey export > ${exportFile}`,
      };
      step({
        title: 'Create an API key and export its hash for the service',
        command: ctx.apiKey.command,
        result: [
          `key ${ctx.apiKey.masked} (shown once; only its SHA-256 is stored and exported)`,
          `seed file ${exportFile}`,
        ],
      });
    }

    const start = scenario.service(ctx);
    service = await startServiceProcess({
      name: scenario.name,
      script: path.join(examples, scenario.name, 'server.mjs'),
      args: start.args,
      env: { PATH: process.env.PATH, ...options.env, ...start.env, PORT: '0' },
      cwd: dir,
      signal: options.signal,
    });
    // Aborted while it started: close() ran before `service` was set, so stop it here.
    if (options.signal?.aborted) await service.stop();
    step({
      title: `Start the ${scenario.name} example`,
      command: start.command,
      result: [`listening on ${service.url} (pid ${service.pid})`, `auth: ${scenario.auth}`],
      data: { url: service.url, pid: service.pid },
    });

    const anonymous = await send(service.url, scenario.request, undefined, options.signal);
    step({
      title: 'Call it without credentials',
      command: curl(service.url, scenario.request),
      result: [
        `HTTP ${anonymous.status}${anonymous.challenge ? `  WWW-Authenticate: ${anonymous.challenge}` : ''}`,
      ],
      ok: anonymous.status === 401,
      data: { status: anonymous.status },
    });

    const { mintToken } = await import('../token/mint.js');
    const { options: tokenOptions, flags } = scenario.token(ctx);
    const mintCommand = `authctl ${scenario.config ? `--config ${scenario.config} ` : ''}token mint ${flags.map(shellQuote).join(' ')}`;
    const minted = await mintToken({ ...tokenOptions, keystore });
    step({
      title: 'Mint a token',
      command: mintCommand,
      result: [
        `${mask(minted.token)}`,
        `header ${JSON.stringify(minted.header)}`,
        `claims ${JSON.stringify(keyClaims(minted.claims))}`,
        `expires ${minted.expiresAt ?? 'never'}`,
      ],
      data: { header: minted.header, claims: minted.claims },
    });

    const authorized = await send(service.url, scenario.request, minted.token, options.signal);
    step({
      title: 'Call it with the token',
      command: curl(service.url, scenario.request, '$TOKEN'),
      result: [`HTTP ${authorized.status}  ${authorized.excerpt}`],
      ok: authorized.status >= 200 && authorized.status < 300,
      data: { status: authorized.status },
    });

    const forged = await mintToken({ ...tokenOptions, keystore, defect: { kind: 'alg-none' } });
    const forgedReply = await send(service.url, scenario.request, forged.token, options.signal);
    step({
      title: 'Call it with a forged token (alg "none", no signature)',
      command: `${mintCommand} --defect alg-none`,
      result: [
        `HTTP ${forgedReply.status}${forgedReply.challenge ? `  WWW-Authenticate: ${forgedReply.challenge}` : ''}`,
      ],
      ok: forgedReply.status === 401,
      data: { status: forgedReply.status },
    });

    const probe = scenario.probe(ctx, service.url);
    const summary = await runProbeOnce(probe.spec, service.url, home, probe.configFile, {
      ...process.env,
      ...probe.env,
    });
    step({
      title: 'Probe every endpoint (missing, forged, expired, cross-tenant, wrong-role requests)',
      // The spec is examples/<name>/probe.toml with this run's issuer URL (a copy in the run's temp dir).
      command: `${probe.envNote ? `${probe.envNote} ` : ''}authctl ${scenario.config ? `--config ${scenario.config} ` : ''}probe --spec ${scenario.needsIssuer ? probe.spec : `examples/${scenario.name}/probe.toml`} --base-url ${service.url}`,
      result: [
        `${summary.status === 'ok' ? 'PASS' : 'FAIL'}: ${summary.endpoints} endpoints, ${summary.checks} checks, ${summary.requests} requests in ${(summary.durationMs / 1000).toFixed(2)}s — ${summary.critical} critical, ${summary.error} errors, ${summary.warning} warnings`,
        ...summary.findings.slice(0, 5),
      ],
      ok: summary.status === 'ok',
      data: { probe: summary },
    });

    const ok = steps.every((s) => s.ok !== false);
    return {
      example: scenario.name,
      ok,
      steps,
      urls: { issuer: issuer?.issuer, service: service.url },
      pids: [service.pid],
      close,
      killNow,
    };
  } catch (error) {
    await close();
    // After an abort, the step that was running may have written into the temp dir after close() removed it.
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

interface Reply {
  status: number;
  challenge?: string;
  excerpt: string;
}

async function send(
  base: string,
  request: DemoRequest,
  token?: string,
  signal?: AbortSignal,
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${request.path}`, {
    method: request.method,
    headers,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    signal: signal
      ? AbortSignal.any([signal, AbortSignal.timeout(10_000)])
      : AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return {
    status: res.status,
    challenge: res.headers.get('www-authenticate') ?? undefined,
    excerpt: oneLine.length > 100 ? `${oneLine.slice(0, 100)}…` : oneLine,
  };
}

function curl(base: string, request: DemoRequest, token?: string): string {
  const parts = ['curl -i'];
  if (request.method !== 'GET') parts.push(`-X ${request.method}`);
  if (token) parts.push(`-H "Authorization: Bearer ${token}"`);
  if (request.body !== undefined)
    parts.push(`-H 'content-type: application/json' -d '${JSON.stringify(request.body)}'`);
  parts.push(`${base}${request.path}`);
  return parts.join(' ');
}

const shellQuote = (s: string) =>
  /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;

/** The claims a reader cares about (iat/jti/nbf dropped). */
function keyClaims(claims: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(claims)) if (!['iat', 'nbf', 'jti'].includes(k)) out[k] = v;
  return out;
}

interface ProbeSummary {
  status: string;
  endpoints: number;
  checks: number;
  passed: number;
  failed: number;
  critical: number;
  error: number;
  warning: number;
  requests: number;
  durationMs: number;
  findings: string[];
}

async function runProbeOnce(
  specFile: string,
  baseUrl: string,
  home: string,
  configFile: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<ProbeSummary> {
  const [{ loadProbeSpecFile }, { runProbe }, { Keystore }, { loadConfig }] = await Promise.all([
    import('../probe/spec.js'),
    import('../probe/runner.js'),
    import('../keys/keystore.js'),
    import('../config/load.js'),
  ]);
  const spec = await loadProbeSpecFile(specFile);
  spec.baseUrl = baseUrl;
  const config: AuthctlConfig = configFile ? (await loadConfig({ configFile })).config : {};
  const result = await runProbe({
    spec,
    config,
    keystore: new Keystore({ dir: home }),
    env,
    cwd: path.dirname(specFile),
  });
  const findings =
    result.status === 'control-failed'
      ? result.controlFailures.map(
          (f) =>
            `control failed: ${f.endpoint} ${f.credential ?? ''} expected ${f.expected}, got ${f.got}`,
        )
      : result.findings.map((f) => `${f.severity} ${f.endpoint} ${f.case}: ${f.message}`);
  return { status: result.status, ...result.summary, findings };
}
