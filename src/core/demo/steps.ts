import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { mask } from '../mask.js';
import { severityCounts } from '../report/finding.js';
import type { MintTokenOptions } from '../token/mint.js';
import { curl, keyClaims, send, shellQuote } from './http.js';
import { runProbeOnce } from './probe-once.js';
import type { DemoSession } from './session.js';
import { startServiceProcess } from './spawn.js';

// The demo's steps, in the order runDemo runs them: each does one thing and records one or more
// numbered steps of the transcript on the session.

export async function keystoreStep(run: DemoSession): Promise<void> {
  const { Keystore } = await import('../keys/keystore.js');
  run.keystore = new Keystore({ dir: run.home });
  run.step({
    title: 'Keystore',
    result: [
      run.options.home
        ? `using ${run.home}`
        : `temporary keystore ${run.home} (removed afterwards; pass --home DIR to keep it)`,
    ],
  });
}

export async function issuerStep(run: DemoSession): Promise<void> {
  if (!run.scenario.needsIssuer) {
    run.step({
      title: 'Mock OIDC issuer',
      result: [`not needed: ${run.scenario.name} verifies HS256 tokens with its own shared secret`],
    });
    return;
  }
  const { startIdpServer } = await import('../idp/server.js');
  const server = await startIdpServer({ config: {}, home: run.home, port: 0, host: '127.0.0.1' });
  run.issuer = server;
  // The issuer generates its first key in the background. The demo's own Keystore (same folder)
  // waits for that key before minting, instead of generating a second one to drop (keystore.ts
  // createActive): on a starved machine an RSA key takes seconds.
  run.issuerKey = server.deps.keys.warm(server.deps.settings.issuers[0]!.alg);
  const { issuer } = server;
  run.ctx.issuer = issuer;
  run.step({
    title: 'Start the mock OIDC issuer',
    command: `authctl idp serve --port 0 --home ${run.home}`,
    result: [
      `issuer ${issuer}`,
      `discovery ${issuer}/.well-known/openid-configuration`,
      `jwks ${issuer}/jwks`,
    ],
    data: { issuer },
  });
}

export async function apiKeyStep(run: DemoSession): Promise<void> {
  const { scenario, ctx } = run;
  const spec = scenario.apiKey;
  if (!spec) return;
  const { createApiKey, exportApiKeys } = await import('../apikey/index.js');
  const store = path.join(run.home, 'apikeys.json');
  const created = await createApiKey({ store, ...spec });
  const exportFile = path.join(run.dir, `${scenario.name}-api-keys.json`);
  const exported = `${JSON.stringify(await exportApiKeys({ store }), null, 2)}\n`;
  writeFileSync(exportFile, exported, { mode: 0o600 });
  const flags = [
    `--name ${spec.name}`,
    ...spec.scopes.map((s) => `--scope ${s}`),
    ...(spec.tenant ? [`--tenant ${spec.tenant}`] : []),
    ...(spec.prefix ? [`--prefix ${spec.prefix}`] : []),
  ];
  ctx.apiKey = {
    key: created.key,
    exportFile,
    masked: mask(created.key),
    command: `KEY=$(authctl apikey create ${flags.join(' ')}) && authctl apikey export > ${exportFile}`,
  };
  run.step({
    title: 'Create an API key and export its hash for the service',
    command: ctx.apiKey.command,
    result: [
      `key ${ctx.apiKey.masked} (shown once; only its SHA-256 is stored and exported)`,
      `seed file ${exportFile}`,
    ],
  });
}

export async function serviceStep(run: DemoSession): Promise<string> {
  const { scenario, options } = run;
  const start = scenario.service(run.ctx);
  const service = await startServiceProcess({
    name: scenario.name,
    script: path.join(run.examples, scenario.name, 'server.mjs'),
    args: start.args,
    env: { PATH: options.env.PATH, ...start.env, PORT: '0' },
    cwd: run.dir,
    signal: options.signal,
  });
  run.service = service;
  // Aborted while it started: close() ran before `service` was set, so stop it here.
  if (options.signal?.aborted) await service.stop();
  run.step({
    title: `Start the ${scenario.name} example`,
    command: start.command,
    result: [`listening on ${service.url} (pid ${service.pid})`, `auth: ${scenario.auth}`],
    data: { url: service.url, pid: service.pid },
  });
  return service.url;
}

const challenge = (c?: string) => (c ? `  WWW-Authenticate: ${c}` : '');

/** Without credentials (401), with a minted token (2xx), with a forged alg "none" token (401). */
export async function callSteps(run: DemoSession, url: string): Promise<void> {
  const { scenario, options } = run;
  const keystore = run.keystore!;
  const anonymous = await send(url, scenario.request, undefined, options.signal);
  run.step({
    title: 'Call it without credentials',
    command: curl(url, scenario.request),
    result: [`HTTP ${anonymous.status}${challenge(anonymous.challenge)}`],
    ok: anonymous.status === 401,
    data: { status: anonymous.status },
  });

  const { mintToken } = await import('../token/mint.js');
  const { options: tokenOptions, flags } = scenario.token(run.ctx);
  const mintCommand = `authctl ${configFlag(run)}token mint ${flags.map(shellQuote).join(' ')}`;
  const minted = await mintStep(run, tokenOptions, mintCommand);

  const authorized = await send(url, scenario.request, minted, options.signal);
  run.step({
    title: 'Call it with the token',
    command: curl(url, scenario.request, '$TOKEN'),
    result: [`HTTP ${authorized.status}  ${authorized.excerpt}`],
    ok: authorized.status >= 200 && authorized.status < 300,
    data: { status: authorized.status },
  });

  const forged = await mintToken({ ...tokenOptions, keystore, defect: { kind: 'alg-none' } });
  const forgedReply = await send(url, scenario.request, forged.token, options.signal);
  run.step({
    title: 'Call it with a forged token (alg "none", no signature)',
    command: `${mintCommand} --defect alg-none`,
    result: [`HTTP ${forgedReply.status}${challenge(forgedReply.challenge)}`],
    ok: forgedReply.status === 401,
    data: { status: forgedReply.status },
  });
}

const configFlag = (run: DemoSession) =>
  run.scenario.config ? `--config ${run.scenario.config} ` : '';

async function mintStep(
  run: DemoSession,
  tokenOptions: Omit<MintTokenOptions, 'keystore'>,
  command: string,
): Promise<string> {
  const { mintToken } = await import('../token/mint.js');
  // Its failure is the issuer's to log; the demo's keystore then makes the key itself.
  await run.issuerKey?.catch(() => {});
  const minted = await mintToken({ ...tokenOptions, keystore: run.keystore! });
  run.step({
    title: 'Mint a token',
    command,
    result: [
      `${mask(minted.token)}`,
      `header ${JSON.stringify(minted.header)}`,
      `claims ${JSON.stringify(keyClaims(minted.claims))}`,
      `expires ${minted.expiresAt ?? 'never'}`,
    ],
    data: { header: minted.header, claims: minted.claims },
  });
  return minted.token;
}

export async function probeStep(run: DemoSession, url: string): Promise<void> {
  const { scenario } = run;
  const probe = scenario.probe(run.ctx, url);
  const env = { ...run.options.env, ...probe.env };
  const summary = await runProbeOnce(probe.spec, url, run.home, probe.configFile, env);
  // The spec is examples/<name>/probe.toml with this run's issuer URL (a copy in the run's temp dir).
  const spec = scenario.needsIssuer ? probe.spec : `examples/${scenario.name}/probe.toml`;
  const envNote = probe.envNote ? `${probe.envNote} ` : '';
  const seconds = (summary.durationMs / 1000).toFixed(2);
  run.step({
    title: 'Probe every endpoint (missing, forged, expired, cross-tenant, wrong-role requests)',
    command: `${envNote}authctl ${configFlag(run)}probe --spec ${spec} --base-url ${url}`,
    result: [
      `${summary.status === 'ok' ? 'PASS' : 'FAIL'}: ${summary.endpoints} endpoints, ${summary.checks} checks, ${summary.requests} requests in ${seconds}s — ${severityCounts(summary)}`,
      ...summary.findings.slice(0, 5),
    ],
    ok: summary.status === 'ok',
    data: { probe: summary },
  });
}
