import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAuthctlError } from '../../src/core/errors.js';
import { createLocalCa, issueServerCert, SERVER_DAYS } from '../../src/core/idp/tls/generate.js';
import { ensureLocalTls, RENEW_DAYS, tlsPaths } from '../../src/core/idp/tls/local-ca.js';
import { serverNames } from '../../src/core/idp/tls/names.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { startIdpProcess, type IdpProcess } from '../helpers/idp-process.js';

/** `--tls-cert/--tls-key` (a user's own certificate), their errors, and the local CA's life cycle. */

const DAY = 86_400_000;
const running: IdpProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
});

const peerFingerprint = (port: number, ca: string) =>
  new Promise<string>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca }, () => {
      resolve(socket.getPeerX509Certificate()!.fingerprint256);
      socket.end();
    });
    socket.once('error', reject);
  });

describe('idp serve --tls-cert FILE --tls-key FILE', () => {
  const dir = tempDir('authctl-tls-user-');
  const files = {
    ca: path.join(dir, 'their-ca.pem'),
    cert: path.join(dir, 'cert.pem'),
    key: path.join(dir, 'key.pem'),
    otherKey: path.join(dir, 'other-key.pem'),
    otherCert: path.join(dir, 'other.pem'),
    text: path.join(dir, 'notes.txt'),
  };
  beforeAll(async () => {
    // The user's own PKI: another CA than any authctl home holds.
    const ca = await createLocalCa(Date.now());
    const server = await issueServerCert(ca, ['127.0.0.1', 'localhost'], Date.now());
    const other = await issueServerCert(ca, ['localhost'], Date.now());
    writeFileSync(files.ca, ca.certPem);
    writeFileSync(files.cert, server.certPem);
    writeFileSync(files.key, server.keyPem, { mode: 0o600 });
    writeFileSync(files.otherKey, other.keyPem, { mode: 0o600 });
    writeFileSync(files.otherCert, other.certPem);
    writeFileSync(files.text, 'not a certificate\n');
  });

  it('serves that certificate (no local CA is made, no caCert in --json)', async () => {
    const idp = await startIdpProcess(dir, ['--tls-cert', 'cert.pem', '--tls-key', 'key.pem']);
    running.push(idp);
    const ready = idp.info as IdpProcess['info'] & { port: number; caCert?: string };
    expect(ready.issuer).toMatch(/^https:\/\/127\.0\.0\.1:/);
    expect(ready.caCert).toBeUndefined();
    expect(existsSync(path.join(dir, '.authctl', 'tls'))).toBe(false);
    const fingerprint = await peerFingerprint(ready.port, readFileSync(files.ca, 'utf8'));
    expect(fingerprint).toBe(new X509Certificate(readFileSync(files.cert)).fingerprint256);
    const ok = spawnSync('curl', ['-sS', '--cacert', files.ca, `${ready.issuer}/jwks`], {
      encoding: 'utf8',
    });
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toHaveProperty('keys');
  });

  it('idp doctor --ca: a certificate that does not name the host fails its tls check, with the fix', async () => {
    const idp = await startIdpProcess(dir, [
      '--tls-cert',
      'other.pem',
      '--tls-key',
      'other-key.pem',
    ]);
    running.push(idp);
    const args = ['idp', 'doctor', '--from', idp.info.issuer, '--ca', files.ca, '--json'];
    const doctor = await runCli(args, { cwd: dir });
    expect(doctor.code, doctor.stderr).toBe(1);
    const [report] = JSON.parse(doctor.stdout) as {
      checks: { name: string; ok: boolean; detail: string; hint?: string }[];
    }[];
    const tls = report!.checks.find((c) => c.name === 'tls')!;
    expect(tls.ok).toBe(false);
    expect(tls.detail).toMatch(
      /^certificate for localhost, expires .*: it does not name 127\.0\.0\.1$/,
    );
    expect(tls.detail).toContain(files.ca);
    expect(tls.hint).toMatch(/--issuer-url https:\/\/127\.0\.0\.1:/);
  });

  it('[idp] tls_cert / tls_key are read relative to the config file', async () => {
    const project = path.join(dir, 'project');
    mkdirSync(path.join(project, 'sub'), { recursive: true });
    writeFileSync(
      path.join(project, 'authctl.toml'),
      '[idp]\ntls_cert = "../cert.pem"\ntls_key = "../key.pem"\n',
    );
    const idp = await startIdpProcess(path.join(project, 'sub'));
    running.push(idp);
    expect(idp.info.issuer).toMatch(/^https:/);
  });

  it('AUTHCTL_TLS_CERT / AUTHCTL_TLS_KEY (a service container has no flags) serve the same files', async () => {
    const idp = await startIdpProcess(dir, [], {
      AUTHCTL_TLS_CERT: 'cert.pem',
      AUTHCTL_TLS_KEY: 'key.pem',
    });
    running.push(idp);
    const port = Number(idp.info.port);
    const fingerprint = await peerFingerprint(port, readFileSync(files.ca, 'utf8'));
    expect(fingerprint).toBe(new X509Certificate(readFileSync(files.cert)).fingerprint256);
    const half = await serveError([], dir, { AUTHCTL_TLS_CERT: 'cert.pem' });
    expect(half).toMatchObject({ code: 'ERR_TLS_FLAGS' });
    expect(half.message).toBe('AUTHCTL_TLS_CERT needs AUTHCTL_TLS_KEY too');
  });

  const serveError = async (args: string[], cwd = dir, env: Record<string, string> = {}) => {
    const result = await runCli(['idp', 'serve', '--port', '0', '--json', ...args], { cwd, env });
    expect(result.code, result.stderr).toBe(2);
    return (JSON.parse(result.stdout) as { error: { code: string; message: string } }).error;
  };

  it.each([
    [
      'a missing certificate',
      ['--tls-cert', 'nope.pem', '--tls-key', 'key.pem'],
      'ERR_TLS_FILE',
      /^cannot read --tls-cert \S+nope\.pem: no such file$/,
    ],
    [
      'an unreadable key (a directory)',
      ['--tls-cert', 'cert.pem', '--tls-key', '.'],
      'ERR_TLS_FILE',
      /^cannot read --tls-key \S+: EISDIR$/,
    ],
    [
      'a certificate that is not PEM',
      ['--tls-cert', 'notes.txt', '--tls-key', 'key.pem'],
      'ERR_TLS_NOT_PEM',
      /^--tls-cert \S+notes\.txt is not a PEM certificate$/,
    ],
    [
      'a key that is not PEM (the certificate given twice)',
      ['--tls-cert', 'cert.pem', '--tls-key', 'cert.pem'],
      'ERR_TLS_NOT_PEM',
      /^--tls-key \S+cert\.pem is not a PEM private key$/,
    ],
    [
      'a key of another certificate',
      ['--tls-cert', 'cert.pem', '--tls-key', 'other-key.pem'],
      'ERR_TLS_KEY_MISMATCH',
      /^--tls-key \S+other-key\.pem is not the private key of --tls-cert \S+cert\.pem$/,
    ],
    ['a certificate without its key', ['--tls-cert', 'cert.pem'], 'ERR_TLS_FLAGS', /--tls-key/],
    [
      'an http:// issuer URL',
      ['--tls', '--issuer-url', 'http://idp.test:9400'],
      'ERR_TLS_ISSUER_URL',
      /--issuer-url is http:\/\/idp\.test:9400/,
    ],
  ])('refuses %s, naming the flag and the file', async (_what, args, code, message) => {
    const error = await serveError(args);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/\n|at \w+ \(/); // one line, no stack
  });

  it('refuses a config tls_cert without tls_key, naming the key', async () => {
    const project = path.join(dir, 'half');
    mkdirSync(project, { recursive: true });
    writeFileSync(path.join(project, 'authctl.toml'), '[idp]\ntls_cert = "../cert.pem"\n');
    const error = await serveError([], project);
    expect(error).toMatchObject({ code: 'ERR_TLS_FLAGS' });
    expect(error.message).toContain('[idp] tls_cert and tls_key');
  });
});

describe('the local CA of a home', () => {
  it('names the loopback names, the bind address and the published host; not a wildcard', () => {
    expect(serverNames('0.0.0.0', ['https://host.docker.internal:9443/'])).toEqual([
      '127.0.0.1',
      '::1',
      'host.docker.internal',
      'localhost',
    ]);
    expect(serverNames('[0:0:0:0:0:0:0:1]', [])).toEqual(['127.0.0.1', '::1', 'localhost']);
    expect(serverNames('192.168.1.20', [])).toContain('192.168.1.20');
  });

  it('re-issues the server certificate when it nears expiry, keeping the CA', async () => {
    const home = tempDir('authctl-tls-renew-');
    const names = serverNames('127.0.0.1', []);
    const now = Date.now();
    const first = await ensureLocalTls({ home, names, now });
    expect(first.created).toBe('ca');
    const ca = readFileSync(first.caCertFile, 'utf8');
    const same = await ensureLocalTls({ home, names, now: now + DAY });
    expect(same.created).toBeUndefined();
    expect(same.cert).toBe(first.cert);
    const late = now + (SERVER_DAYS - RENEW_DAYS + 1) * DAY;
    const renewed = await ensureLocalTls({ home, names, now: late });
    expect(renewed.created).toBe('cert');
    expect(renewed.cert).not.toBe(first.cert);
    expect(readFileSync(renewed.caCertFile, 'utf8')).toBe(ca);
    const cert = new X509Certificate(renewed.cert);
    expect(Date.parse(cert.validTo)).toBeGreaterThan(late + (SERVER_DAYS - 1) * DAY);
    expect(cert.verify(new X509Certificate(ca).publicKey)).toBe(true);
    rmSync(home, { recursive: true, force: true });
  });

  it('two issuers starting at once on one home share one CA and one server certificate', async () => {
    const home = tempDir('authctl-tls-race-');
    const names = serverNames(undefined, []);
    const both = await Promise.all(
      [1, 2].map(() => ensureLocalTls({ home, names, now: Date.now() })),
    );
    expect(both.map((t) => t.created).sort()).toEqual(['ca', undefined]);
    expect(both[0]!.cert).toBe(both[1]!.cert);
    rmSync(home, { recursive: true, force: true });
  });

  it('a broken CA is an error naming the file and the fix, never silently replaced', async () => {
    const home = tempDir('authctl-tls-broken-');
    const names = serverNames(undefined, []);
    await ensureLocalTls({ home, names, now: Date.now() });
    const paths = tlsPaths(home);
    const other = await createLocalCa(Date.now());
    writeFileSync(paths.caKey, other.keyPem); // the key of another CA
    const error = await ensureLocalTls({ home, names, now: Date.now() }).catch((e: unknown) => e);
    expect(isAuthctlError(error) && error.code).toBe('ERR_TLS_CA_BROKEN');
    expect((error as Error & { where?: string }).where).toBe(paths.caCert);
    rmSync(home, { recursive: true, force: true });
  });
});
