import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { startIdpProcess, type IdpProcess } from '../helpers/idp-process.js';

/**
 * `--online` for the profile files that configure an issuer, against a real `authctl idp serve` on
 * loopback: the issuer exactly as served passes; the same issuer with its trailing slash flipped is
 * online/issuer-mismatch at the issuer's line. (PostgREST configures no issuer: a JWK or a secret.)
 */
let idp: IdpProcess;
let dir: string;
let issuer: string;
let jwks: string;

beforeAll(async () => {
  dir = tempDir('authctl-verify-online-profiles-');
  idp = await startIdpProcess(dir);
  issuer = idp.info.issuer;
  jwks = String(idp.info.jwks ?? `${issuer.replace(/\/$/, '')}/jwks`);
});

afterAll(async () => {
  await idp?.stop();
});

const CONFIGS: Record<string, { file: string; text: (iss: string, jwks: string) => string }> = {
  'spring-resource-server': {
    file: 'application.yml',
    text: (iss) =>
      `spring:\n  security:\n    oauth2:\n      resourceserver:\n        jwt:\n          issuer-uri: ${iss}\n          audiences:\n            - api://orders\n`,
  },
  'aspnet-jwt-bearer': {
    file: 'appsettings.json',
    text: (iss) =>
      `{\n  "Authentication": {\n    "Schemes": {\n      "Bearer": {\n        "Authority": "${iss}",\n        "ValidAudiences": ["api://orders"]\n      }\n    }\n  }\n}\n`,
  },
  'oauth2-proxy': {
    file: 'oauth2-proxy.cfg',
    text: (iss) =>
      `provider = "oidc"\noidc_issuer_url = "${iss}"\nclient_id = "oauth2-proxy"\nclient_secret = "b6c3f1d2e8a94e7f9a0b1c2d3e4f5a6b"\nemail_domains = ["example.com"]\ncookie_secret = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="\ncookie_secure = true\n`,
  },
  hasura: {
    file: 'hasura.env',
    text: (iss, keys) =>
      `HASURA_GRAPHQL_ADMIN_SECRET=Zk3q9Vx2Lr7Tn4Wb8Yc1Hd6Jf0Mg5Ps3Qa\nHASURA_GRAPHQL_JWT_SECRET='{"jwk_url":"${keys}","issuer":"${iss}","audience":"api://orders","claims_namespace_path":"$.hasura.claims"}'\n`,
  },
  'envoy-jwt-authn': {
    file: 'envoy.yaml',
    text: (iss, keys) =>
      `providers:\n  orders:\n    issuer: ${iss}\n    audiences: [api://orders]\n    remote_jwks:\n      http_uri:\n        uri: ${keys}\n        cluster: idp\n        timeout: 1s\n      cache_duration: 300s\nrules:\n- match: { prefix: /api }\n  requires: { provider_name: orders }\n`,
  },
};

type Report = { findings: Array<{ rule: string; line?: number; message: string }> };

async function online(profile: string, text: string) {
  const { file } = CONFIGS[profile]!;
  const sub = path.join(dir, profile);
  mkdirSync(sub, { recursive: true });
  writeFileSync(path.join(sub, file), text);
  const r = await runCli(['verify-config', file, '--online', '--json', '--target', 'development'], {
    cwd: sub,
  });
  return { r, report: JSON.parse(r.stdout) as Report };
}

describe.each(Object.keys(CONFIGS))('verify-config --online, %s', (profile) => {
  it('passes with the issuer as served and finds the same issuer with its trailing slash flipped', async () => {
    const make = CONFIGS[profile]!.text;
    const ok = await online(profile, make(issuer, jwks));
    expect(
      ok.report.findings.filter((f) => f.rule.startsWith('online/')),
      ok.r.stderr,
    ).toEqual([]);

    const other = issuer.endsWith('/') ? issuer.replace(/\/+$/, '') : `${issuer}/`;
    const text = make(other, jwks);
    const bad = await online(profile, text);
    const line = text.slice(0, text.indexOf(other)).split('\n').length;
    expect(bad.report.findings).toContainEqual(
      expect.objectContaining({ rule: 'online/issuer-mismatch', line }),
    );
    expect(bad.r.code).toBe(1);
  }, 60_000);
});
