import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyConfig } from '../../src/core/verify/verify.js';
import { runCli, tempDir } from '../helpers/cli.js';

/** A tiny OIDC issuer: discovery + JWKS, with knobs to break it. Independent of `authctl idp serve`. */
const state = {
  issuerSuffix: '',
  jwksStatus: 200,
  hang: false,
  trickle: false,
  scopes: ['openid', 'datasets:read', 'datasets:reload'],
};
let server: Server;
let base: string;
let jwks: { keys: Record<string, unknown>[] };

beforeAll(async () => {
  const { publicKey } = await generateKeyPair('RS256');
  jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', use: 'sig', alg: 'RS256' }] };
  server = createServer((req, res) => {
    if (state.hang) return; // never answers: exercises the timeout
    if (state.trickle) {
      // Headers at once, then a byte now and then, never the end: only a deadline on the body ends it.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"issuer": "');
      const timer = setInterval(() => res.write('x'), 50);
      res.on('close', () => clearInterval(timer));
      return;
    }
    if (req.url === '/.well-known/openid-configuration') {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          issuer: base + state.issuerSuffix,
          jwks_uri: `${base}/jwks`,
          id_token_signing_alg_values_supported: ['RS256'],
          scopes_supported: state.scopes,
        }),
      );
    } else if (req.url === '/jwks') {
      res.statusCode = state.jwksStatus;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(jwks));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});
beforeEach(() =>
  Object.assign(state, {
    issuerSuffix: '',
    jwksStatus: 200,
    hang: false,
    trickle: false,
    scopes: ['openid', 'datasets:read', 'datasets:reload'],
  }),
);

function datapress(issuer: string, extra = ''): string {
  return `[auth]\nenabled = true\nissuer = "${issuer}"\naudience = "api://datapress"\nalgorithms = ["RS256"]\nread_scopes = ["datasets:read"]\nadmin_token_fallback = false\n${extra}`;
}

async function check(text: string, timeoutMs = 10_000) {
  return verifyConfig({
    files: ['datapress.toml'],
    cwd: '/virtual',
    profile: 'datapress',
    online: { timeoutMs },
    readFile: async (file) =>
      file === path.resolve('/virtual', 'datapress.toml') ? text : undefined,
  });
}
const rules = (r: { findings: { rule: string }[] }) => r.findings.map((f) => f.rule);

describe('verify-config --online', () => {
  it('passes against a matching issuer with an RS256 key', async () => {
    const r = await check(datapress(base));
    expect(r.findings).toEqual([]);
    expect(r.requiredUnreachable).toBe(false);
  });

  it('reports an issuer that differs only by a trailing slash, at the issuer line', async () => {
    const r = await check(datapress(`${base}/`));
    expect(r.findings).toEqual([
      expect.objectContaining({
        rule: 'online/issuer-mismatch',
        severity: 'error',
        line: 3,
        column: 10,
        message: expect.stringContaining('trailing slash'),
      }),
    ]);
    state.issuerSuffix = '/';
    expect(rules(await check(datapress(base)))).toEqual(['online/issuer-mismatch']);
  });

  it('reports allowed algorithms the JWKS has no key for', async () => {
    const r = await check(datapress(base).replace('["RS256"]', '["RS256", "ES256"]'));
    expect(rules(r)).toEqual(['online/algorithm-not-advertised', 'online/no-key-for-algorithm']);
    expect(r.findings[1]!.message).toContain('ES256');
  });

  it('algorithm messages agree with each other: a key in the JWKS is not an advertised algorithm (issue #11)', async () => {
    // The JWKS also holds an ES256 key; discovery advertises RS256 only (as authctl idp serve does after an ES256 mint).
    const { publicKey } = await generateKeyPair('ES256');
    const saved = jwks.keys;
    jwks.keys = [
      ...saved,
      { ...(await exportJWK(publicKey)), kid: 'e1', use: 'sig', alg: 'ES256' },
    ];
    try {
      const r = await check(datapress(base).replace('["RS256"]', '["ES512"]'));
      expect(rules(r)).toEqual(['online/algorithm-not-advertised', 'online/no-key-for-algorithm']);
      const [notAdvertised, noKey] = r.findings as { message: string; fix: string }[];
      expect(notAdvertised!.message).toBe(
        'the issuer does not advertise ES512: its id_token_signing_alg_values_supported lists only RS256',
      );
      expect(notAdvertised!.fix).toBe('allow RS256');
      expect(noKey!.message).toBe(
        'the JWKS (2 keys: RS256, ES256) has no key that can verify ES512',
      );
      // The fix names only what the issuer advertises, never "signs with ES256, RS256".
      expect(noKey!.fix).toBe(
        'allow RS256: the issuer advertises it and its JWKS has a key for it',
      );
    } finally {
      jwks.keys = saved;
    }
  });

  it('reports scopes the issuer does not advertise', async () => {
    state.scopes = ['openid'];
    const r = await check(datapress(base));
    expect(r.findings).toEqual([
      expect.objectContaining({
        rule: 'online/scope-not-advertised',
        severity: 'info',
        message: expect.stringContaining('datasets:read'),
      }),
    ]);
  });

  it('reports an unreachable JWKS', async () => {
    state.jwksStatus = 500;
    expect(rules(await check(datapress(base)))).toEqual(['online/jwks-unreachable']);
  });

  it('times out on an issuer that never answers', async () => {
    state.hang = true;
    const r = await check(datapress(base), 300);
    expect(r.findings).toEqual([
      expect.objectContaining({
        rule: 'online/issuer-unreachable',
        message: expect.stringContaining('no answer within 300 ms'),
      }),
    ]);
  });

  it('times out on an issuer whose body never ends, saying so', async () => {
    state.trickle = true;
    const r = await check(datapress(base), 300);
    expect(r.findings).toEqual([
      expect.objectContaining({
        rule: 'online/issuer-unreachable',
        message: expect.stringContaining('no answer within 300 ms'),
      }),
    ]);
  }, 15_000);

  it('an unreachable issuer is a finding, unless start_degraded = false requires it', async () => {
    const closed = 'http://127.0.0.1:1';
    const lenient = await check(datapress(closed));
    expect(rules(lenient)).toEqual(['online/issuer-unreachable']);
    expect(lenient.requiredUnreachable).toBe(false);
    const strict = await check(datapress(closed, 'start_degraded = false\n'));
    expect(strict.requiredUnreachable).toBe(true);
    expect(strict.findings[0]!.message).toContain('refuse to start');
  });

  it('the binary exits 0 against a live issuer and 3 when a required issuer is down', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'ok.toml'), datapress(base));
    writeFileSync(
      path.join(dir, 'down.toml'),
      datapress('http://127.0.0.1:1', 'start_degraded = false\n'),
    );
    const ok = await runCli(['verify-config', 'ok.toml', '--online'], { cwd: dir });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const down = await runCli(['verify-config', 'down.toml', '--online', '--timeout', '1s'], {
      cwd: dir,
    });
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(
      /authctl: error: an issuer the config cannot start without is unreachable/,
    );
    expect(down.stdout).toMatch(/online\/issuer-unreachable/);
  });

  it('checks authctl.toml [token] issuer too', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'authctl.toml'), `[token]\nissuer = "${base}/"\nalg = "ES256"\n`);
    const r = await runCli(['verify-config', '--online', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { rule: string }) => f.rule)).toEqual([
      'online/algorithm-not-advertised',
      'online/issuer-mismatch',
      'online/no-key-for-algorithm',
    ]);
  });
});
