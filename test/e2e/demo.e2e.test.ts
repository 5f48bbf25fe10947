// `authctl demo` through the binary: it runs each example end to end, prints numbered steps, and
// leaves no child process or temp directory behind (also when --keep is ended with Ctrl-C).
import { spawn, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPackageRoot } from '../../src/core/demo/root.js';
import { runDemo } from '../../src/core/demo/run.js';
import { BIN, type CliResult } from '../helpers/cli.js';
import { authctl, EXAMPLES, parseJson, ROOT, show, tempDir } from './helpers.js';
import { isAlive } from '../helpers/process.js';

const alive = isAlive;

/** A process may take a moment to be reaped after its parent exits: poll, with a deadline generous for a loaded CI machine. */
async function gone(pid: number, deadlineMs = 15_000): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (alive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

// Each demo CLI runs in its own process group: whatever happens to a test (failure, timeout), the
// afterAll below kills the demo and every service it started, so nothing outlives the test run.
const groups = new Set<number>();
afterAll(() => {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // the group is already gone: the demo cleaned up after itself
    }
  }
});

/** Test timeout for one demo: a few seconds alone, far more with five at once on a loaded 2-core machine. */
const DEMO_TIMEOUT = 120_000;

interface DemoProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function spawnDemo(
  args: string[],
  home: string,
  env: Record<string, string | undefined> = {},
): DemoProcess {
  const child = spawn(process.execPath, [BIN, 'demo', ...args], {
    cwd: home,
    env: { ...process.env, NO_COLOR: '1', AUTHCTL_DEBUG: undefined, AUTHCTL_HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  groups.add(child.pid!);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code)),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** `authctl demo ARGS` to completion (killed, group and all, if it has not finished well within the test timeout). */
async function runDemoCli(
  args: string[],
  home: string,
  env?: Record<string, string | undefined>,
): Promise<CliResult> {
  const demo = spawnDemo(args, home, env);
  const timer = setTimeout(() => process.kill(-demo.child.pid!, 'SIGKILL'), DEMO_TIMEOUT - 10_000);
  const code = await demo.exited;
  clearTimeout(timer);
  return { code: code ?? -1, stdout: demo.stdout(), stderr: demo.stderr() };
}

/** Resolves with `pick(stdout)` once it is defined; rejects after a generous deadline. */
function waitForOutput<T>(
  demo: DemoProcess,
  pick: (stdout: string) => T | undefined,
  what: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`${what} not seen; stdout: ${demo.stdout()}; stderr: ${demo.stderr()}`)),
      DEMO_TIMEOUT - 20_000,
    );
    const check = () => {
      const value = pick(demo.stdout());
      if (value === undefined) return;
      clearTimeout(timer);
      demo.child.stdout!.off('data', check);
      resolve(value);
    };
    demo.child.stdout!.on('data', check);
    check();
  });
}

interface Transcript {
  example: string;
  ok: boolean;
  urls: { issuer?: string; service: string };
  steps: Array<{
    n: number;
    title: string;
    command?: string;
    result: string[];
    ok?: boolean;
    data?: Record<string, any>;
  }>;
}

describe.concurrent('authctl demo', () => {
  it(
    'default (datapress): numbered steps with commands, status codes, claims and the probe summary; nothing left running',
    { timeout: DEMO_TIMEOUT },
    async () => {
      const home = tempDir('authctl-e2e-demo-');
      const r = await runDemoCli([], home, { AUTHCTL_HOME: undefined });
      expect(r.code, show(r)).toBe(0);
      const out = r.stdout;
      for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) expect(out).toMatch(new RegExp(`^${n}\\. `, 'm'));
      expect(out).toContain('$ authctl idp serve --port 0');
      expect(out).toMatch(
        /\$ authctl token mint --iss http:\/\/127\.0\.0\.1:\d+ --sub alice --aud api:\/\/datapress/,
      );
      expect(out).toMatch(/Call it without credentials ✓\n.*\n\s+HTTP 401/);
      expect(out).toMatch(/Call it with the token ✓\n.*\n\s+HTTP 200/);
      expect(out).toMatch(/"tid":"tenant-a"/);
      expect(out).toMatch(/PASS: 6 endpoints, \d+ checks/);
      // Tokens are masked in the transcript.
      expect(out).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
      const keystore = /temporary keystore (\S+)/.exec(out)![1]!;
      const pid = Number(/\(pid (\d+)\)/.exec(out)![1]);
      expect(await gone(pid)).toBe(true);
      expect(existsSync(keystore)).toBe(false);
    },
  );

  for (const example of ['recsys', 'relay', 'agentflow', 'k3']) {
    it(
      `--example ${example} --json: a machine-readable transcript, every step ok`,
      { timeout: DEMO_TIMEOUT },
      async () => {
        const home = tempDir('authctl-e2e-demo-');
        const r = await runDemoCli(['--example', example, '--json'], home);
        expect(r.code, show(r)).toBe(0);
        const t = parseJson(r) as Transcript;
        expect(t).toMatchObject({ example, ok: true });
        const statuses = t.steps
          .filter((s) => s.data?.status !== undefined)
          .map((s) => s.data!.status as number);
        expect(statuses[0]).toBe(401);
        expect(statuses[1]).toBeGreaterThanOrEqual(200);
        expect(statuses[1]).toBeLessThan(300);
        expect(statuses[2]).toBe(401);
        const probe = t.steps.at(-1)!.data!.probe;
        expect(probe).toMatchObject({ status: 'ok', failed: 0 });
        expect(probe.checks).toBeGreaterThan(20);
        expect(t.steps.every((s) => s.ok !== false)).toBe(true);
        const pid = t.steps.find((s) => s.data?.pid)!.data!.pid as number;
        expect(await gone(pid)).toBe(true);
        expect(r.stdout).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
      },
    );
  }

  it(
    '--keep leaves the services up until SIGINT, then stops them and exits 0',
    { timeout: DEMO_TIMEOUT },
    async () => {
      const home = tempDir('authctl-e2e-demo-keep-');
      const demo = spawnDemo(['--keep', '--json', '--home', home], home);
      try {
        const transcript = await waitForOutput(
          demo,
          (out) => {
            try {
              return JSON.parse(out) as Transcript;
            } catch {
              return undefined; // not complete yet
            }
          },
          'the --json transcript',
        );
        expect(transcript.ok).toBe(true);
        // Still serving after the transcript was printed.
        expect((await fetch(`${transcript.urls.service.replace(/\/$/, '')}/healthz`)).status).toBe(
          200,
        );
        expect(
          (await fetch(`${transcript.urls.issuer}/.well-known/openid-configuration`)).status,
        ).toBe(200);
        const pid = transcript.steps.find((s) => s.data?.pid)!.data!.pid as number;
        expect(alive(pid)).toBe(true);
        demo.child.kill('SIGINT');
        expect(await demo.exited).toBe(0);
        expect(await gone(pid)).toBe(true);
        await expect(
          fetch(`${transcript.urls.issuer}/.well-known/openid-configuration`),
        ).rejects.toThrow();
        // --home keeps the keystore.
        expect(existsSync(path.join(home, 'keys.json'))).toBe(true);
      } finally {
        demo.child.kill('SIGKILL');
      }
    },
  );

  it(
    'Ctrl-C in the middle of a run stops the service it started (exit 130, or 0 if the run had just finished)',
    { timeout: DEMO_TIMEOUT },
    async () => {
      const home = tempDir('authctl-e2e-demo-int-');
      const demo = spawnDemo(['--example', 'k3', '--home', home], home);
      const pid = await waitForOutput(
        demo,
        (out) => {
          const m = /\(pid (\d+)\)/.exec(out);
          return m ? Number(m[1]) : undefined;
        },
        'the service pid',
      );
      demo.child.kill('SIGINT');
      expect([0, 130]).toContain(await demo.exited);
      expect(await gone(pid)).toBe(true);
    },
  );

  it(
    'an abort mid-run (Ctrl-C) stops the service at once, rejects, and removes the temp dir',
    { timeout: DEMO_TIMEOUT },
    async () => {
      const abort = new AbortController();
      let keystore = '';
      let pid = 0;
      const run = runDemo({
        example: 'datapress',
        env: process.env,
        signal: abort.signal,
        onStep: (s) => {
          keystore ||= /temporary keystore (\S+)/.exec(s.result[0] ?? '')?.[1] ?? '';
          if (s.data?.pid) {
            pid = s.data.pid as number;
            abort.abort();
          }
        },
      });
      await expect(run).rejects.toThrow();
      expect(pid).toBeGreaterThan(0);
      expect(await gone(pid)).toBe(true);
      expect(keystore).not.toBe('');
      expect(existsSync(path.dirname(keystore))).toBe(false);
    },
  );

  it(
    'judges what the service does: a service that lets everyone in fails the demo',
    { timeout: DEMO_TIMEOUT },
    async () => {
      // A stand-in "datapress" that answers 200 to every request, whatever the credentials.
      const fake = tempDir('authctl-e2e-demo-fake-');
      mkdirSync(path.join(fake, 'datapress'));
      for (const f of ['datapress.toml', 'probe.toml'])
        copyFileSync(path.join(EXAMPLES, 'datapress', f), path.join(fake, 'datapress', f));
      writeFileSync(
        path.join(fake, 'datapress', 'server.mjs'),
        `import { createServer } from 'node:http';
const server = createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"datasets":[]}'));
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ listening: 'http://127.0.0.1:' + server.address().port })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`,
      );
      const result = await runDemo({
        example: 'datapress',
        env: process.env,
        examples: fake,
        home: tempDir('authctl-e2e-demo-fake-home-'),
      });
      try {
        expect(result.ok).toBe(false);
        const byTitle = (t: string) => result.steps.find((s) => s.title.startsWith(t))!;
        expect(byTitle('Call it without credentials')).toMatchObject({
          ok: false,
          data: { status: 200 },
        });
        expect(byTitle('Call it with the token').ok).toBe(true);
        expect(byTitle('Call it with a forged token').ok).toBe(false);
        const probe = byTitle('Probe every endpoint');
        expect(probe.ok).toBe(false);
        expect(probe.result[0]).toMatch(/^FAIL: /);
        expect((probe.data!.probe as { critical: number }).critical).toBeGreaterThan(0);
      } finally {
        await result.close();
      }
      expect(await gone(result.pids[0]!)).toBe(true);
    },
  );

  it(
    'works from an installed package: only the files package.json ships, inside another project',
    { timeout: DEMO_TIMEOUT },
    async () => {
      const project = tempDir('authctl-e2e-installed-');
      writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'my-service' }));
      const installed = path.join(project, 'node_modules', 'authctl');
      mkdirSync(installed, { recursive: true });
      const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
        files: string[];
      };
      for (const entry of ['package.json', ...manifest.files])
        cpSync(path.join(ROOT, entry), path.join(installed, entry), { recursive: true });
      // The package's dependencies, as npm would install them next to it. The project is outside the
      // repository, so the only examples/ the demo can find are the shipped copy.
      symlinkSync(path.join(ROOT, 'node_modules'), path.join(installed, 'node_modules'));
      const demo = spawn(
        process.execPath,
        [path.join(installed, 'bin', 'authctl.cjs'), 'demo', '--example', 'k3', '--json'],
        {
          cwd: project,
          env: { ...process.env, NO_COLOR: '1', AUTHCTL_HOME: undefined },
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        },
      );
      groups.add(demo.pid!);
      let stdout = '';
      let stderr = '';
      demo.stdout.on('data', (d) => (stdout += d));
      demo.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => demo.on('close', resolve));
      expect(code, stderr).toBe(0);
      const t = JSON.parse(stdout) as Transcript;
      expect(t).toMatchObject({ example: 'k3', ok: true });
    },
  );

  it('an unknown example is a usage error with a suggestion (exit 2)', async () => {
    const r = await authctl(['demo', '--example', 'dataprss'], { home: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown example "dataprss" (--example)');
    expect(r.stderr).toContain('did you mean "datapress"?');
  });

  it('finds the package root from any compiled layout (dist/cli, dist/cold, a nested copy)', () => {
    expect(findPackageRoot(path.join(ROOT, 'dist', 'cli'))).toBe(ROOT);
    expect(findPackageRoot(path.join(ROOT, 'dist', 'cold'))).toBe(ROOT);
    // An installed package inside a project whose own package.json has another name.
    const project = tempDir('authctl-e2e-root-');
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'my-service' }));
    const installed = path.join(project, 'node_modules', 'authctl');
    mkdirSync(path.join(installed, 'dist', 'cold'), { recursive: true });
    writeFileSync(path.join(installed, 'package.json'), JSON.stringify({ name: 'authctl' }));
    expect(findPackageRoot(path.join(installed, 'dist', 'cold'))).toBe(installed);
    expect(() => findPackageRoot(project)).toThrow(/cannot find the authctl package root/);
  });
});
