import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes, createHash } from 'node:crypto';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/core/keys/keystore.js';
import { storedRecord } from '../helpers/apikey-record.js';
import { BIN, ROOT, tempDir } from '../helpers/cli.js';
import {
  startJwksServer,
  startOrdersService,
  type RunningService,
} from '../probe/fixtures/orders-service.js';
import { AUDIENCE, ISSUER, minimalSpec, writeSpec } from '../probe/fixtures/spec.js';

/**
 * Issue #11: main() called process.exit() right after a command, so whatever a pipe reader had not taken
 * yet was lost (`authctl probe --format json | wc -c` gave 131072 of 298,900 bytes). Each command that can
 * print a megabyte runs twice: once into a file, once into a reader that takes 4 KiB at a time with a pause
 * between reads (so the pipe is full when the command finishes); the two must be the same bytes.
 */

const MB = 1024 * 1024;
let dir: string;
let reader: string;

beforeAll(() => {
  dir = tempDir('authctl-pipe-');
  reader = path.join(dir, 'slow-reader.cjs');
  writeFileSync(
    reader,
    `
const fs = require('node:fs');
const out = fs.openSync(process.argv[2], 'w');
const buf = Buffer.alloc(4096);
const pause = new Int32Array(new SharedArrayBuffer(4));
for (;;) {
  let n;
  try { n = fs.readSync(0, buf, 0, buf.length, null); } catch (e) { if (e.code === 'EAGAIN') { Atomics.wait(pause, 0, 0, 2); continue; } throw e; }
  if (n === 0) break;
  fs.writeSync(out, buf, 0, n);
  Atomics.wait(pause, 0, 0, 1);
}
fs.closeSync(out);
`,
  );
});

interface Run {
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
  stdinFile?: string;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs `authctl args` through sh with stdout redirected to `sink` (a file, or `| slow reader`). */
function viaShell(run: Run, sink: string): Promise<void> {
  const stdin = run.stdinFile ? ` < ${quote(run.stdinFile)}` : ' < /dev/null';
  const command = `${quote(process.execPath)} ${quote(BIN)} ${run.args.map(quote).join(' ')}${stdin} ${sink}`;
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], {
      cwd: run.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', AUTHCTL_DEBUG: undefined, ...run.env },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    child.on('error', reject);
    child.on('close', () => resolve());
  });
}

/** `normalize` blanks what legitimately differs between two runs (probe timings); it keeps the length check honest by applying to both. */
async function compare(
  name: string,
  run: Run,
  normalize: (text: string) => string = (text) => text,
): Promise<void> {
  const fileOut = path.join(dir, `${name}.file`);
  const pipeOut = path.join(dir, `${name}.pipe`);
  await viaShell(run, `> ${quote(fileOut)}`);
  await viaShell(run, `| ${quote(process.execPath)} ${quote(reader)} ${quote(pipeOut)}`);
  const expected = Buffer.from(normalize(readFileSync(fileOut, 'utf8')));
  const piped = Buffer.from(normalize(readFileSync(pipeOut, 'utf8')));
  expect(expected.length).toBeGreaterThanOrEqual(MB);
  expect(piped.length).toBe(expected.length);
  expect(piped.equals(expected)).toBe(true);
}

describe('output over a pipe is complete (issue #11)', () => {
  it('token decode of a large token', async () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = { sub: 'alice', items: Array.from({ length: 60_000 }, (_, i) => `item-${i}`) };
    const tokenFile = path.join(dir, 'token.txt');
    writeFileSync(tokenFile, `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`);
    await compare('decode', { args: ['token', 'decode', '-'], stdinFile: tokenFile });
  });

  it('a pipe left non-blocking by the process that made it: the writes that meet a full pipe go through Node’s stream', async () => {
    // Some parents hand over a non-blocking pipe (O_NONBLOCK belongs to the pipe, shared by all its
    // holders); then authctl's direct writes (src/cli/stdio.ts) meet EAGAIN once the slow reader lets
    // it fill. python3 sets the flag and execs authctl, as such a parent would.
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = { sub: 'bob', items: Array.from({ length: 60_000 }, (_, i) => `item-${i}`) };
    const tokenFile = path.join(dir, 'token-nonblocking.txt');
    writeFileSync(tokenFile, `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`);
    const parent = path.join(dir, 'nonblocking-parent.py');
    writeFileSync(
      parent,
      'import os, sys\nos.set_blocking(1, False)\nos.execv(sys.argv[1], sys.argv[1:])\n',
    );
    const run = { args: ['token', 'decode', '-'], stdinFile: tokenFile };
    const fileOut = path.join(dir, 'nonblocking.file');
    const pipeOut = path.join(dir, 'nonblocking.pipe');
    await viaShell(run, `> ${quote(fileOut)}`);
    const stdin = ` < ${quote(tokenFile)}`;
    const command = `python3 ${quote(parent)} ${quote(process.execPath)} ${quote(BIN)} token decode -${stdin} | ${quote(process.execPath)} ${quote(reader)} ${quote(pipeOut)}`;
    await new Promise<void>((resolve, reject) => {
      const child = spawn('sh', ['-c', command], {
        env: { ...process.env, NO_COLOR: '1' },
        stdio: 'ignore',
      });
      child.on('error', reject);
      child.on('close', () => resolve());
    });
    const expected = readFileSync(fileOut);
    expect(expected.length).toBeGreaterThanOrEqual(MB);
    expect(readFileSync(pipeOut).equals(expected)).toBe(true);
  });

  it('a socket, as a Node parent’s stdio: "pipe" gives, read slowly (blocking) and left non-blocking: the same bytes as a file', async () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = { sub: 'carol', items: Array.from({ length: 60_000 }, (_, i) => `item-${i}`) };
    const tokenFile = path.join(dir, 'token-socket.txt');
    writeFileSync(tokenFile, `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`);
    const fileOut = path.join(dir, 'socket.file');
    await viaShell({ args: ['token', 'decode', '-'], stdinFile: tokenFile }, `> ${quote(fileOut)}`);
    const expected = readFileSync(fileOut);
    expect(expected.length).toBeGreaterThanOrEqual(MB);
    // Node's spawn: a blocking socketpair; the reader pauses, so the socket fills before the end.
    const child = spawn(process.execPath, [BIN, 'token', 'decode', '-'], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: [openSync(tokenFile, 'r'), 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    const stdout = child.stdout!;
    stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    stdout.pause();
    setTimeout(() => stdout.resume(), 300);
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(Buffer.concat(chunks).equals(expected)).toBe(true);
    // A socket whose holder made it non-blocking (python sets the flag, execs authctl, reads slowly).
    const parent = path.join(dir, 'nonblocking-socket.py');
    const viaSocket = path.join(dir, 'socket.out');
    writeFileSync(
      parent,
      [
        'import os, socket, sys, time',
        'a, b = socket.socketpair()',
        'b.setblocking(False)',
        'pid = os.fork()',
        'if pid == 0:',
        '    os.dup2(b.fileno(), 1)',
        '    os.execv(sys.argv[1], sys.argv[1:-1])',
        'b.close()',
        'out = open(sys.argv[-1], "wb")',
        'time.sleep(0.3)',
        'while True:',
        '    data = a.recv(4096)',
        '    if not data: break',
        '    out.write(data)',
        '    time.sleep(0.001)',
        'out.close()',
        'sys.exit(os.waitpid(pid, 0)[1] >> 8)',
      ].join('\n'),
    );
    const python = spawn(
      'python3',
      [parent, process.execPath, BIN, 'token', 'decode', '-', viaSocket],
      {
        env: { ...process.env, NO_COLOR: '1' },
        stdio: [openSync(tokenFile, 'r'), 'ignore', 'ignore'],
      },
    );
    expect(await new Promise((resolve) => python.on('close', resolve))).toBe(0);
    expect(readFileSync(viaSocket).equals(expected)).toBe(true);
  });

  it('verify-config with thousands of findings', async () => {
    const lines = [
      '[server]',
      'port = 8080',
      '',
      '[auth]',
      'enabled = true',
      'issuer = "https://login.example.com/realms/main"',
      'audience = "api://datapress"',
    ];
    for (let i = 0; i < 4000; i++) lines.push(`unknown_key_${i} = "value ${i}"`);
    writeFileSync(path.join(dir, 'datapress.toml'), `${lines.join('\n')}\n`);
    await compare('verify-config', {
      args: ['verify-config', 'datapress.toml', '--profile', 'datapress'],
      cwd: dir,
    });
    await compare('verify-config-json', {
      args: ['verify-config', 'datapress.toml', '--profile', 'datapress', '--json'],
      cwd: dir,
    });
  });

  it('apikey list --json of a large store', async () => {
    const keys = Array.from({ length: 5000 }, (_, i) => {
      const id = `key_${String(i).padStart(12, '0')}`;
      return storedRecord(createHash('sha256').update(id).digest('hex'), {
        id,
        name: `service-${i}`,
        prefix: 'ak_test_',
        masked: `ak_test_Ab${i}…wXyZ`,
        last4: 'wXyZ',
        scopes: ['datasets:read', 'datasets:write'],
        tenant: 'acme',
      });
    });
    const store = path.join(dir, 'apikeys.json');
    writeFileSync(store, JSON.stringify({ version: 1, keys }), { mode: 0o600 });
    await compare('apikey-list', {
      args: ['apikey', 'list', '--store', store, '--json'],
      cwd: dir,
    });
  });

  it('keys jwks of a large keystore', async () => {
    const home = tempDir('authctl-pipe-home-');
    // One real EC key published under many kids: what jwks prints is the keystore's records, whatever they hold.
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privateJwk = privateKey.export({ format: 'jwk' });
    const publicJwk = publicKey.export({ format: 'jwk' });
    const keys = Array.from({ length: 6000 }, () => {
      const kid = randomBytes(16).toString('base64url');
      return {
        kid,
        alg: 'ES256',
        status: 'published',
        createdAt: '2026-01-01T00:00:00.000Z',
        origin: 'imported',
        privateJwk: { ...privateJwk, kid, alg: 'ES256' },
        publicJwk: { ...publicJwk, kid, alg: 'ES256', use: 'sig' },
      };
    });
    // An active RS256 key too, so `keys jwks` has nothing to create.
    await new Keystore({ dir: home }).signingKey('RS256');
    const ring = JSON.parse(readFileSync(path.join(home, 'keys.json'), 'utf8'));
    ring.keys.push(...keys);
    writeFileSync(path.join(home, 'keys.json'), JSON.stringify(ring), { mode: 0o600 });
    await compare('jwks', { args: ['keys', 'jwks', '--home', home], cwd: dir });
  });

  it('a reader that stops early (| head) ends the command quietly, without an EPIPE stack trace, exit 141 as for SIGPIPE', async () => {
    const tokenFile = path.join(dir, 'token.txt');
    const command = `${quote(process.execPath)} ${quote(BIN)} token decode - < ${quote(tokenFile)} 2> ${quote(path.join(dir, 'head.err'))} | head -c 100 > /dev/null; echo "\${PIPESTATUS[0]}" > ${quote(path.join(dir, 'head.code'))}`;
    await new Promise((resolve) =>
      spawn('bash', ['-c', command], {
        stdio: 'ignore',
        env: { ...process.env, NO_COLOR: '1' },
      }).on('close', resolve),
    );
    const stderr = readFileSync(path.join(dir, 'head.err'), 'utf8');
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
    // Not 0: the command did not finish, and `set -o pipefail` must see that.
    expect(readFileSync(path.join(dir, 'head.code'), 'utf8').trim()).toBe('141');
  });

  describe('probe', () => {
    let jwks: RunningService;
    let service: RunningService;
    let home: string;

    beforeAll(async () => {
      home = tempDir('authctl-pipe-probe-home-');
      const keystore = new Keystore({ dir: home });
      await keystore.signingKey('RS256');
      jwks = await startJwksServer(() => keystore.jwks());
      service = await startOrdersService({
        jwksUrl: jwks.url,
        issuer: ISSUER,
        audience: AUDIENCE,
        flaws: ['alg-none', '404-instead-of-403'],
      });
      // The same endpoints many times over, under distinct paths: a report of a large API.
      const extra = Array.from(
        { length: 70 },
        (_, i) => `
[[endpoints]]
method = "GET"
path = "/v1/tenants/acme/orders?copy=${i}"
tenant = "acme"
allow = ["reader", "admin"]
`,
      ).join('');
      writeSpec(dir, minimalSpec(service.url, extra));
    });

    afterAll(async () => {
      await Promise.all([service, jwks].map((s) => s?.close()));
    });

    it('probe --format json', async () => {
      const timings = (text: string) => text.replace(/"(ms|durationMs)": [\d.]+/g, '"$1": 0');
      await compare(
        'probe',
        { args: ['probe', '--no-skew', '--format', 'json'], cwd: dir, env: { AUTHCTL_HOME: home } },
        timings,
      );
      // And it is one whole JSON document.
      expect(
        JSON.parse(readFileSync(path.join(dir, 'probe.pipe'), 'utf8')).cases.length,
      ).toBeGreaterThan(70);
    }, 120_000);
  });
});
