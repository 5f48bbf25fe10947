import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyConfig } from '../../src/core/verify/verify.js';
import { runCli } from '../helpers/cli.js';
import { at } from '../helpers/position.js';

/** `${NAME}` references in a .env, resolved from --env-file (issue #15 §2), checked with the Relay profile. */
const KEY = 'q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJ0=';

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(process.env.AUTHCTL_TEST_TMP ?? tmpdir(), 'authctl-env-refs-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const ENV = [
  'JWT_SIGNING_KEY=${SIGNING_KEY}',
  'JWT_AUDIENCE=api://relay-${TENANT}',
  'JWT_ISSUER="${ISSUER_BASE}/realms/${REALM:-main}"',
  'SESSION_STORE_BACKEND=redis',
  'ADMIN_PASSWORD=${ADMIN_PASSWORD_FROM_VAULT}',
  '',
].join('\n');

async function check(dir: string, envFiles: string[]) {
  const result = await verifyConfig({ files: ['.env'], envFiles, cwd: dir, profile: 'relay' });
  return result.findings.filter((f) => f.file === '.env');
}

describe('verify-config: ${VAR} references in a .env', () => {
  it('checks the values the references resolve to, at the positions of the values', async () => {
    const dir = workspace({
      '.env': ENV,
      'secrets.env': `SIGNING_KEY=short\nTENANT=acme\nISSUER_BASE=http://login.example.com\nADMIN_PASSWORD_FROM_VAULT=Zr7-qLp2-Xw9v-Nb4k\n`,
    });
    const findings = await check(dir, ['secrets.env']);
    expect(findings.map((f) => [f.rule, f.line, f.column])).toEqual([
      // "short" decodes to 3 bytes: weak, reported where JWT_SIGNING_KEY's value starts.
      ['auth/weak-hmac-secret', 1, 17],
      ['auth/insecure-issuer', 3, 12],
    ]);
    // The message names the key, never the resolved secret.
    expect(findings[0]!.message).toMatch(/^JWT_SIGNING_KEY is 3 bytes/);
  });

  it('reports a reference no --env-file defines at the exact column of its ${, and keeps the value as written', async () => {
    const dir = workspace({ '.env': ENV, 'secrets.env': `SIGNING_KEY=${KEY}\nTENANT=acme\n` });
    const findings = await check(dir, ['secrets.env']);
    const undefinedRefs = findings.filter((f) => f.rule === 'env/undefined-variable');
    expect(undefinedRefs.map((f) => [f.line, f.column])).toEqual([
      [at(ENV, '${ISSUER_BASE}').line, at(ENV, '${ISSUER_BASE}').column],
      [
        at(ENV, '${ADMIN_PASSWORD_FROM_VAULT}').line,
        at(ENV, '${ADMIN_PASSWORD_FROM_VAULT}').column,
      ],
    ]);
    expect(undefinedRefs[0]!.message).toContain('${ISSUER_BASE}');
    expect(undefinedRefs[0]!.severity).toBe('error');
    // ${REALM:-main} has a default; ${TENANT} and ${SIGNING_KEY} resolved: nothing else about them.
    expect(findings.some((f) => f.message.includes('REALM'))).toBe(false);
    // The unresolved admin password stays "${...}": still a placeholder, not a password.
    expect(findings.map((f) => f.rule)).toContain('auth/placeholder-secret');
  });

  it('later --env-file files win; the .env own variables come first; single quotes are literal', async () => {
    const env = `BASE=https://login.example.com\nJWT_ISSUER=\${BASE}/x\nJWT_AUDIENCE='\${NOT_EXPANDED}'\nJWT_SIGNING_KEY=\${SIGNING_KEY}\nSESSION_STORE_BACKEND=redis\nADMIN_PASSWORD=Zr7-qLp2-Xw9v-Nb4k\n`;
    const dir = workspace({
      '.env': env,
      'a.env': `SIGNING_KEY=short\nBASE=http://ignored.example.com\n`,
      'b.env': `SIGNING_KEY=${KEY}\n`,
    });
    const findings = await check(dir, ['a.env', 'b.env']);
    expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('without --env-file a .env is read as written (behaviour of the six profiles unchanged)', async () => {
    const dir = workspace({ '.env': ENV });
    const result = await verifyConfig({ files: ['.env'], cwd: dir, profile: 'relay' });
    expect(result.findings.map((f) => f.rule)).not.toContain('env/undefined-variable');
    expect(result.findings.map((f) => f.rule)).toContain('auth/placeholder-secret');
  });

  it('works from the CLI with a repeated --env-file', async () => {
    const dir = workspace({
      '.env': ENV,
      'a.env': `SIGNING_KEY=${KEY}\nTENANT=acme\n`,
      'b.env': `ISSUER_BASE=https://login.example.com\nADMIN_PASSWORD_FROM_VAULT=Zr7-qLp2-Xw9v-Nb4k\n`,
    });
    const r = await runCli(
      [
        'verify-config',
        '.env',
        '--profile',
        'relay',
        '--env-file',
        'a.env',
        '--env-file',
        'b.env',
        '--json',
      ],
      { cwd: dir },
    );
    const report = JSON.parse(r.stdout) as { findings: { file: string; severity: string }[] };
    expect(report.findings.filter((f) => f.file === '.env' && f.severity !== 'info')).toEqual([]);
  });
});
