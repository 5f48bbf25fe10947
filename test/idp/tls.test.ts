import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { connect } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';
import { startIdpProcess, type IdpProcess } from '../helpers/idp-process.js';

/** Issue #18 part 2: `idp serve --tls` with a local CA, trusted by real clients given only that CA. */

type Ready = IdpProcess['info'] & { caCert?: string; discovery: string; port: number };

const running: IdpProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
});

async function serve(dir: string, args: string[] = []): Promise<{ idp: IdpProcess; ready: Ready }> {
  const idp = await startIdpProcess(dir, ['--tls', ...args]);
  running.push(idp);
  return { idp, ready: idp.info as Ready };
}

/** The certificate the issuer presents, over a TLS connection that trusts only `ca`. */
function servedCert(port: number, ca: string, servername?: string): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername }, () => {
      const cert = socket.getPeerX509Certificate()!;
      socket.end();
      resolve(cert);
    });
    socket.once('error', reject);
  });
}

/**
 * openid-client (discovery + client_credentials) and jose (the token against the JWKS), in a child
 * process whose only extra trust is NODE_EXTRA_CA_CERTS, as a Node service would run.
 */
const CLIENT = `
import * as oidc from 'openid-client';
import * as jose from 'jose';
try {
  const config = await oidc.discovery(new URL(process.env.ISSUER), 'my-client', 'my-secret');
  const meta = config.serverMetadata();
  const tokens = await oidc.clientCredentialsGrant(config, { scope: 'read' });
  const jwks = jose.createRemoteJWKSet(new URL(meta.jwks_uri));
  const { payload } = await jose.jwtVerify(tokens.access_token, jwks, { issuer: meta.issuer });
  console.log(JSON.stringify({ ok: true, iss: payload.iss, token: meta.token_endpoint, jwks: meta.jwks_uri }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, code: error.cause?.code ?? error.code, message: error.message }));
}`;

function runClient(issuer: string, ca?: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ISSUER: issuer };
    delete env.NODE_EXTRA_CA_CERTS;
    if (ca) env.NODE_EXTRA_CA_CERTS = ca;
    const child = spawn(process.execPath, ['--input-type=module', '-e', CLIENT], {
      cwd: ROOT,
      env,
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('error', reject);
    child.once('close', () => {
      try {
        resolve(JSON.parse(out) as Record<string, unknown>);
      } catch {
        reject(new Error(`client printed: ${out}`));
      }
    });
  });
}

const curl = (args: string[]) =>
  spawnSync('curl', ['-sS', '--max-time', '20', ...args], { encoding: 'utf8' });

describe('idp serve --tls: a local CA in the keystore home', () => {
  const dir = tempDir('authctl-tls-');
  const home = path.join(dir, '.authctl');
  let first: Ready;
  let firstCert: X509Certificate;

  it('serves HTTPS with https:// URLs, and names the CA in --json (caCert) and files 0600/0644', async () => {
    const { ready } = await serve(dir);
    first = ready;
    expect(ready.issuer).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.discovery).toBe(`${ready.issuer}/.well-known/openid-configuration`);
    expect(ready.caCert).toBe(path.join(home, 'tls', 'ca.pem'));
    const mode = (file: string) => statSync(path.join(home, 'tls', file)).mode & 0o777;
    expect(mode('ca-key.pem')).toBe(0o600);
    expect(mode('server-key.pem')).toBe(0o600);
    expect(mode('ca.pem')).toBe(0o644);
    const ca = new X509Certificate(readFileSync(ready.caCert!));
    expect(ca.ca).toBe(true);
    firstCert = await servedCert(ready.port, readFileSync(ready.caCert!, 'utf8'));
    expect(firstCert.checkIssued(ca)).toBe(true);
    expect(firstCert.verify(ca.publicKey)).toBe(true);
    expect(firstCert.subjectAltName).toContain('DNS:localhost');
    expect(firstCert.subjectAltName).toContain('IP Address:127.0.0.1');
  });

  it('curl --cacert CA reads the discovery document; curl without it refuses the certificate', () => {
    const ok = curl(['--cacert', first.caCert!, first.discovery]);
    expect(ok.status, ok.stderr).toBe(0);
    const doc = JSON.parse(ok.stdout) as {
      issuer: string;
      jwks_uri: string;
      token_endpoint: string;
    };
    expect(doc.issuer).toBe(first.issuer);
    expect(doc.jwks_uri).toMatch(/^https:\/\//);
    expect(doc.token_endpoint).toMatch(/^https:\/\//);
    const refused = curl([first.discovery]);
    expect(refused.status).toBe(60); // CURLE_PEER_FAILED_VERIFICATION
  });

  it('openid-client trusting only the CA gets a token, and jose verifies it against the https JWKS', async () => {
    const result = await runClient(first.issuer, first.caCert);
    expect(result).toMatchObject({ ok: true, iss: first.issuer });
    expect(result.jwks).toMatch(/^https:\/\//);
    const refused = await runClient(first.issuer);
    expect(refused.ok).toBe(false);
    expect(String(refused.code)).toMatch(
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/,
    );
  });

  it('idp wait, the control verbs and idp doctor reach it with the home\u2019s CA, and say --ca when they cannot', async () => {
    const env = { AUTHCTL_HOME: home };
    const wait = await runCli(['idp', 'wait', first.issuer, '--timeout', '20s'], { env });
    expect(wait.code, wait.stderr).toBe(0);
    const state = await runCli(['idp', 'state', '--url', first.issuer, '--json'], { env });
    expect(state.code, state.stderr).toBe(0);
    expect(JSON.parse(state.stdout)).toHaveProperty('clock');
    const elsewhere = { AUTHCTL_HOME: path.join(dir, 'other-home') };
    const untrusted = await runCli(['idp', 'state', '--url', first.issuer], { env: elsewhere });
    expect(untrusted.code).toBe(3);
    expect(untrusted.stderr).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    expect(untrusted.stderr).toMatch(/--ca FILE/);
    const withCa = await runCli(['idp', 'state', '--url', first.issuer, '--ca', first.caCert!], {
      env: elsewhere,
    });
    expect(withCa.code, withCa.stderr).toBe(0);
    const doctor = await runCli(['idp', 'doctor', '--from', first.issuer, '--json'], { env });
    expect(doctor.code, doctor.stdout).toBe(0);
    const [report] = JSON.parse(doctor.stdout) as { checks: { name: string; detail: string }[] }[];
    const tls = report!.checks.find((c) => c.name === 'tls')!;
    expect(tls.detail).toContain('127.0.0.1, ::1, localhost');
    expect(tls.detail).toContain(first.caCert!);
    expect(tls.detail).toMatch(/expires \d{4}-\d\d-\d\d/);
    const blind = await runCli(['idp', 'doctor', '--from', first.issuer], { env: elsewhere });
    expect(blind.code).toBe(1);
    expect(blind.stdout).toMatch(/tls .*not trusted/);
  });

  it('a second start reuses the CA and the server certificate (same fingerprints)', async () => {
    const caBefore = readFileSync(first.caCert!, 'utf8');
    const readyFile = path.join(dir, 'idp.json');
    const { ready } = await serve(dir, ['--ready-file', readyFile]);
    // idp wait --ready-file trusts the CA the ready file names (here from a home without one).
    const wait = await runCli(['idp', 'wait', '--ready-file', readyFile, '--timeout', '20s'], {
      env: { AUTHCTL_HOME: path.join(dir, 'other-home') },
    });
    expect(wait.code, wait.stderr).toBe(0);
    expect(JSON.parse(readFileSync(readyFile, 'utf8')).caCert).toBe(first.caCert);
    expect(ready.caCert).toBe(first.caCert);
    expect(readFileSync(ready.caCert!, 'utf8')).toBe(caBefore);
    const cert = await servedCert(ready.port, caBefore);
    expect(cert.fingerprint256).toBe(firstCert.fingerprint256);
  });

  it('new names (--issuer-url host) get a new server certificate under the same CA', async () => {
    const caBefore = readFileSync(first.caCert!, 'utf8');
    const { ready } = await serve(dir, ['--issuer-url', 'https://idp.example.test:9443']);
    expect(ready.issuer).toBe('https://idp.example.test:9443');
    expect(readFileSync(first.caCert!, 'utf8')).toBe(caBefore);
    // Connecting to 127.0.0.1 while checking the name idp.example.test: the new name is in it.
    const cert = await servedCert(ready.port, caBefore, 'idp.example.test');
    expect(cert.fingerprint256).not.toBe(firstCert.fingerprint256);
    expect(cert.subjectAltName).toContain('DNS:idp.example.test');
    expect(cert.verify(new X509Certificate(caBefore).publicKey)).toBe(true);
  });

  it('[idp] tls = true in the config file serves HTTPS the same way', async () => {
    const configured = tempDir('authctl-tls-config-');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(configured, 'authctl.toml'), '[idp]\ntls = true\n');
    const idp = await startIdpProcess(configured);
    running.push(idp);
    const ready = idp.info as Ready;
    expect(ready.issuer).toMatch(/^https:/);
    expect(existsSync(ready.caCert!)).toBe(true);
    const ok = curl(['--cacert', ready.caCert!, ready.discovery]);
    expect(ok.status, ok.stderr).toBe(0);
  });
});
