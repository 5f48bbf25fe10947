// `authctl demo` through the binary: it runs each example end to end, prints numbered steps, and
// leaves no child process or temp directory behind (also when --keep is ended with Ctrl-C).
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPackageRoot } from '../../src/core/demo/root.js';
import { runDemo } from '../../src/core/demo/run.js';
import { BIN } from '../helpers/cli.js';
import { authctl, EXAMPLES, parseJson, ROOT, show, tempDir } from './helpers.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A process may take a moment to be reaped after its parent exits. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  return !alive(pid);
}

interface Transcript {
  example: string;
  ok: boolean;
  urls: { issuer?: string; service: string };
  steps: Array<{ n: number; title: string; command?: string; result: string[]; ok?: boolean; data?: Record<string, any> }>;
}

describe.concurrent('authctl demo', () => {
  it('default (datapress): numbered steps with commands, status codes, claims and the probe summary; nothing left running', async () => {
    const home = tempDir('authctl-e2e-demo-');
    const r = await authctl(['demo'], { home, env: { AUTHCTL_HOME: undefined } });
    expect(r.code, show(r)).toBe(0);
    const out = r.stdout;
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) expect(out).toMatch(new RegExp(`^${n}\\. `, 'm'));
    expect(out).toContain('$ authctl idp serve --port 0');
    expect(out).toMatch(/\$ authctl token mint --iss http:\/\/127\.0\.0\.1:\d+ --sub alice --aud api:\/\/datapress/);
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
  });

  for (const example of ['recsys', 'relay', 'agentflow', 'k3']) {
    it(`--example ${example} --json: a machine-readable transcript, every step ok`, async () => {
      const home = tempDir('authctl-e2e-demo-');
      const r = await authctl(['demo', '--example', example, '--json'], { home });
      expect(r.code, show(r)).toBe(0);
      const t = parseJson(r) as Transcript;
      expect(t).toMatchObject({ example, ok: true });
      const statuses = t.steps.filter((s) => s.data?.status !== undefined).map((s) => s.data!.status as number);
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
    });
  }

  it('--keep leaves the services up until SIGINT, then stops them and exits 0', async () => {
    const home = tempDir('authctl-e2e-demo-keep-');
    const child = spawn(process.execPath, [BIN, 'demo', '--keep', '--json', '--home', home], { cwd: home, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const transcript = await new Promise<Transcript>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no transcript; stderr: ${stderr}`)), 25_000);
      child.stdout.on('data', (d) => {
        stdout += d;
        try {
          const t = JSON.parse(stdout) as Transcript;
          clearTimeout(timer);
          resolve(t);
        } catch {
          // not complete yet
        }
      });
    });
    try {
      expect(transcript.ok).toBe(true);
      // Still serving after the transcript was printed.
      expect((await fetch(`${transcript.urls.service.replace(/\/$/, '')}/healthz`)).status).toBe(200);
      expect((await fetch(`${transcript.urls.issuer}/.well-known/openid-configuration`)).status).toBe(200);
      const pid = transcript.steps.find((s) => s.data?.pid)!.data!.pid as number;
      expect(alive(pid)).toBe(true);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(await gone(pid)).toBe(true);
      await expect(fetch(`${transcript.urls.issuer}/.well-known/openid-configuration`)).rejects.toThrow();
      // --home keeps the keystore.
      expect(existsSync(path.join(home, 'keys.json'))).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('Ctrl-C in the middle of a run stops the service it started (exit 130, or 0 if the run had just finished)', async () => {
    const home = tempDir('authctl-e2e-demo-int-');
    const child = spawn(process.execPath, [BIN, 'demo', '--example', 'k3', '--home', home], { cwd: home, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const pid = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`service never started: ${stdout}`)), 25_000);
      child.stdout.on('data', (d) => {
        stdout += d;
        const m = /\(pid (\d+)\)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    child.kill('SIGINT');
    expect([0, 130]).toContain(await exited);
    expect(await gone(pid)).toBe(true);
  });

  it('judges what the service does: a service that lets everyone in fails the demo', async () => {
    // A stand-in "datapress" that answers 200 to every request, whatever the credentials.
    const fake = tempDir('authctl-e2e-demo-fake-');
    mkdirSync(path.join(fake, 'datapress'));
    for (const f of ['datapress.toml', 'probe.toml']) copyFileSync(path.join(EXAMPLES, 'datapress', f), path.join(fake, 'datapress', f));
    writeFileSync(
      path.join(fake, 'datapress', 'server.mjs'),
      `import { createServer } from 'node:http';
const server = createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"datasets":[]}'));
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ listening: 'http://127.0.0.1:' + server.address().port })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`,
    );
    const result = await runDemo({ example: 'datapress', examples: fake, home: tempDir('authctl-e2e-demo-fake-home-') });
    try {
      expect(result.ok).toBe(false);
      const byTitle = (t: string) => result.steps.find((s) => s.title.startsWith(t))!;
      expect(byTitle('Call it without credentials')).toMatchObject({ ok: false, data: { status: 200 } });
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
  });

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
