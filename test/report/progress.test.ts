// Progress on stderr for slow work, only on a terminal: a 4096-bit RSA key takes long enough for the
// spinner to draw, a probe run draws its bar, an --online fetch of an issuer that does not answer its
// spinner; all run in-process with stderr claiming to be a TTY, and not at all when it is not.
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliContext, type GlobalOptions } from '../../src/cli/context.js';
import { run } from '../../src/cli/main.js';
import { Keystore } from '../../src/core/keys/keystore.js';
import { tempDir } from '../helpers/cli.js';
import {
  startJwksServer,
  startOrdersService,
  type RunningService,
} from '../probe/fixtures/orders-service.js';
import { AUDIENCE, ISSUER, minimalSpec, writeSpec } from '../probe/fixtures/spec.js';

(globalThis as Record<string, unknown>).__AUTHCTL_VERSION__ = '0.0.0-test';

async function runWithStderr(
  args: string[],
  tty: boolean,
  quiet = false,
  where: { dir?: string; home?: string } = {},
) {
  const dir = where.dir ?? tempDir('authctl-progress-');
  const home = where.home ?? dir;
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: tty });
  let err = '';
  stdout.resume();
  stderr.on('data', (c) => (err += c));
  // The entry reads the globals from argv (readGlobals) before it builds the context: given here, --home too.
  const globals: GlobalOptions = { json: false, quiet, verbose: false, color: false, home };
  const ctx = new CliContext(
    globals,
    { stdout, stderr, stdin: Readable.from([]) },
    { NO_COLOR: '1' },
    dir,
  );
  const code = await run(ctx, ['--home', home, ...args]);
  return { code, stderr: err };
}

describe('progress for RSA key generation', () => {
  it('draws a spinner with the elapsed time on a terminal, then erases its line', async () => {
    // 8192 bits takes seconds; 4096 is enough for several 100 ms frames on any machine this runs on.
    let result = await runWithStderr(['keys', 'rotate', '--bits', '4096'], true);
    for (let i = 0; i < 5 && !result.stderr.includes('generating'); i++)
      result = await runWithStderr(['keys', 'rotate', '--bits', '4096'], true);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /\r\x1b\[2K {2}[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] generating a 4096-bit RS256 key \d+\.\ds/,
    );
    expect(result.stderr).toMatch(/\r\x1b\[2K(?!.*generating)/s);
  }, 120_000);

  it('prints nothing of it when stderr is not a terminal', async () => {
    const result = await runWithStderr(['keys', 'rotate', '--bits', '4096'], false);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('generating');
    expect(result.stderr).not.toContain('\x1b[2K');
  }, 120_000);
});

describe('progress of a probe run and of --online', () => {
  let home: string;
  let jwks: RunningService;
  let service: RunningService;
  let silent: net.Server;
  const sockets: net.Socket[] = [];
  beforeAll(async () => {
    home = tempDir('authctl-progress-home-');
    const keystore = new Keystore({ dir: home });
    await keystore.signingKey('RS256');
    jwks = await startJwksServer(() => keystore.jwks());
    service = await startOrdersService({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE });
    // An issuer that takes the connection and never answers: --online waits its --timeout.
    silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await Promise.all([service, jwks].map((s) => s.close()));
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('a probe run draws its bar up to every request on a terminal and erases it; --no-progress and a pipe draw none', async () => {
    const dir = tempDir('authctl-progress-probe-');
    writeSpec(dir, minimalSpec(service.url));
    const probe = (tty: boolean, extra: string[] = []) =>
      runWithStderr(['probe', '--no-skew', ...extra], tty, false, { dir, home });
    const drawn = await probe(true);
    expect(drawn.code, drawn.stderr.slice(-2000)).toBe(0);
    // The last frame is the full bar, every request counted; then the line is erased.
    const frames = [
      ...drawn.stderr.matchAll(/\r\x1b\[2K {2}probing \[([#.]{30})\] (\d+)\/(\d+) \d+\.\ds/g),
    ];
    expect(frames.length).toBeGreaterThan(0);
    const last = frames.at(-1)!;
    expect([last[1], last[2]]).toEqual(['#'.repeat(30), last[3]]);
    expect(Number(last[3])).toBeGreaterThan(20);
    expect(drawn.stderr.slice(last.index! + last[0].length)).toMatch(/^\r\x1b\[2K/);
    for (const quiet of [await probe(true, ['--no-progress']), await probe(false)]) {
      expect(quiet.code).toBe(0);
      expect(quiet.stderr).not.toContain('probing');
      expect(quiet.stderr).not.toContain('\x1b[2K');
    }
  }, 60_000);

  it('verify-config --online draws a spinner while an issuer keeps it waiting', async () => {
    const dir = tempDir('authctl-progress-online-');
    const { port } = silent.address() as net.AddressInfo;
    writeFileSync(
      path.join(dir, 'datapress.toml'),
      `[auth]\nenabled = true\nissuer = "http://127.0.0.1:${port}"\naudience = "api://datapress"\nalgorithms = ["RS256"]\nread_scopes = ["datasets:read"]\nadmin_token_fallback = false\n`,
    );
    const args = ['verify-config', 'datapress.toml', '--profile', 'datapress', '--online'];
    const drawn = await runWithStderr([...args, '--timeout', '1s'], true, false, { dir });
    expect(drawn.stderr).toMatch(
      /\r\x1b\[2K {2}[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] fetching issuers \(--online\) \d+\.\ds/,
    );
    const piped = await runWithStderr([...args, '--timeout', '1s'], false, false, { dir });
    expect(piped.code).toBe(drawn.code);
    expect(piped.stderr).not.toContain('fetching issuers');
  }, 60_000);
});
