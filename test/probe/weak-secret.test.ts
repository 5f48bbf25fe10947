import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { WEAK_SECRETS } from '../../src/core/probe/weak-secrets.js';
import { probeHarness } from './fixtures/harness.js';
import { replayCurl } from './fixtures/replay.js';
import { minimalSpec } from './fixtures/spec.js';

const h = probeHarness();

/** The minimal spec for an HS256 service whose secret the spec names (self-contained: no authctl config). */
const hsSpec = (url: string, secretKeys: string) =>
  minimalSpec(url).replace('[jwt]\n', `[jwt]\nalg = "HS256"\n${secretKeys}\n`);
const weakCases = (report: { cases: Array<{ case: string; passed?: boolean }> }) =>
  report.cases.filter((c) => c.case.startsWith('jwt:weak-secret:'));

describe('probe jwt:weak-secret', () => {
  it('flags a service whose HS256 secret is a documented placeholder, naming the secret, and the curl reproduces it from anywhere', async () => {
    const s = await h.orders([], {
      hmacSecret: new TextEncoder().encode('replace-with-long-random-secret'),
    });
    const { code, report } = await h.probe(hsSpec(s.url, 'secret_env = "ORDERS_JWT_SECRET"'), [], {
      ORDERS_JWT_SECRET: 'replace-with-long-random-secret',
    });
    expect(code).toBe(1);
    const bad = report.findings.filter((f) => f.severity === 'critical' || f.severity === 'error');
    expect(bad.map((f) => f.case)).toEqual(['jwt:weak-secret:replace-with-long-random-secret']);
    expect(bad[0]!.severity).toBe('critical');
    expect(bad[0]!.message).toContain('"replace-with-long-random-secret" (agentflow docs');
    // Sent once per spec (on the first protected endpoint), one request per bundled entry.
    expect(weakCases(report).length).toBe(WEAK_SECRETS.length);
    expect(
      new Set(
        report.cases.filter((c) => c.case.startsWith('jwt:weak-secret:')).map((c) => c.endpoint),
      ),
    ).toEqual(new Set(['GET /v1/tenants/acme/orders']));
    const replay = await replayCurl(
      bad[0]!.curl!,
      { AUTHCTL_HOME: '' },
      tempDir('authctl-replay-'),
    );
    expect(/^HTTP\/1\.1 (\d{3})/.exec(replay.stdout)?.[1]).toBe(bad[0]!.got);
  });

  it('passes a service with a strong random secret (base64 secret_file relative to the spec): every weak candidate refused', async () => {
    const key = randomBytes(32);
    const s = await h.orders([], { hmacSecret: key });
    const spec = hsSpec(s.url, 'secret_file = "jwt.key"\nsecret_encoding = "base64"');
    // The harness runs in a fresh dir: the key file sits beside the spec, the relative path resolves there.
    const run = await h.probe(spec, ['--strict'], {}, { 'jwt.key': `${key.toString('base64')}\n` });
    expect(run.report.findings).toEqual([]);
    expect(run.code).toBe(0);
    expect(weakCases(run.report).length).toBe(WEAK_SECRETS.length);
    expect(weakCases(run.report).every((c) => c.passed === true)).toBe(true);
    expect(run.stdout).not.toContain(key.toString('base64'));
  });

  it('--secrets-file adds in-house guesses; an RS256 spec gets no weak-secret case at all', async () => {
    const s = await h.orders([], { hmacSecret: new TextEncoder().encode('acme-internal-2024') });
    const env = { ORDERS_JWT_SECRET: 'acme-internal-2024' };
    const plain = await h.probe(hsSpec(s.url, 'secret_env = "ORDERS_JWT_SECRET"'), [], env);
    expect(plain.code).toBe(0);
    const list = path.join(plain.dir, 'guesses.txt');
    writeFileSync(list, '# our own past mistakes\nacme-2023\nacme-internal-2024\n');
    const guessed = await h.probe(
      hsSpec(s.url, 'secret_env = "ORDERS_JWT_SECRET"'),
      ['--secrets-file', list],
      env,
    );
    expect(guessed.code).toBe(1);
    expect(
      guessed.report.findings.filter((f) => f.severity === 'critical').map((f) => f.case),
    ).toEqual(['jwt:weak-secret:acme-internal-2024']);
    expect(weakCases(guessed.report).length).toBe(WEAK_SECRETS.length + 2);

    const rs = await h.orders();
    const rsRun = await h.probe(minimalSpec(rs.url));
    expect(rsRun.code).toBe(0);
    expect(weakCases(rsRun.report)).toEqual([]);
  });

  it('a missing secret_env or an unreadable --secrets-file exits 2 naming it', async () => {
    const s = await h.orders([], { hmacSecret: new TextEncoder().encode('x'.repeat(32)) });
    const unset = await h.probe(hsSpec(s.url, 'secret_env = "NO_SUCH_VAR"'));
    expect(unset.code).toBe(2);
    expect(unset.stdout + unset.stderr).toMatch(/"code": "ERR_SECRET_ENV_UNSET"/);
    // The variable's name is where the secret is, not the secret: it is shown, so the user can set it.
    expect(unset.stdout + unset.stderr).toMatch(/probe\.toml \[jwt\] secret_env = "NO_SUCH_VAR"/);
    const missing = await h.probe(minimalSpec(s.url), ['--secrets-file', '/nonexistent/list.txt']);
    expect(missing.code).toBe(2);
    expect(missing.stdout + missing.stderr).toMatch(/cannot read --secrets-file file: ENOENT/);
  });
});
