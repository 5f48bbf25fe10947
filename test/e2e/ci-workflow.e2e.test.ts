// The README's "Use it in CI" workflow is the `authctl init` template filled in, and its steps work:
// each `run:` step is executed with bash in order, like a GitHub Actions runner would (npx authctl →
// the built binary, ports 9400/8080 → free ones), against the shipped datapress example.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { EXAMPLES, ROOT, tempDir } from './helpers.js';

// The first yaml block after the "Use it in CI" heading.
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('## Use it in CI')[1]!;
const TEMPLATE = readFileSync(path.join(ROOT, 'templates', 'ci', 'authctl.yml'), 'utf8');
const workflow = /```yaml\n([\s\S]*?)```/.exec(README)![1]!;
const SERVICE_STEP = `      - name: Start the service
        run: |
          PORT=8080 node node_modules/authctl/examples/datapress/server.mjs --config datapress.toml > service.log 2>&1 &
`;

/** The `run:` scripts of the workflow's steps, in order (block scalars and one-liners). */
function runSteps(yaml: string): Array<{ name: string; script: string }> {
  const lines = yaml.split('\n');
  const steps: Array<{ name: string; script: string }> = [];
  let name = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const named = /^\s+- name: (.*)$/.exec(line);
    if (named) name = named[1]!;
    const run = /^(\s+)(?:- )?run: (.*)$/.exec(line);
    if (!run) continue;
    if (run[2] !== '|') {
      steps.push({ name: name || run[2]!, script: run[2]! });
    } else {
      const body: string[] = [];
      const indent = run[1]!.length;
      while (i + 1 < lines.length && (lines[i + 1]!.trim() === '' || lines[i + 1]!.search(/\S/) > indent)) body.push(lines[++i]!.trim());
      steps.push({ name, script: body.filter(Boolean).join('\n') });
    }
    name = '';
  }
  return steps;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const background: number[] = [];
const signal = (pid: number, sig: NodeJS.Signals | 0) => {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false; // already gone
  }
};
// Stop the workflow's background processes even when a step failed: SIGTERM, then SIGKILL
// whatever is still running after a generous deadline (a loaded CI machine is slow to exit).
afterAll(async () => {
  for (const pid of background) signal(pid, 'SIGTERM');
  const end = Date.now() + 10_000;
  while (background.some((pid) => signal(pid, 0)) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  for (const pid of background) signal(pid, 'SIGKILL');
});

describe('Use it in CI', () => {
  it('the README workflow is the init template, filled in', () => {
    const filled = TEMPLATE.replace('{{verify_args}}', 'datapress.toml').replace('      # Start your service here, configured against http://127.0.0.1:9400.\n', SERVICE_STEP);
    expect(filled).not.toBe(TEMPLATE);
    expect(workflow).toBe(filled.replace(/--junit probe-report\.xml/, '--wait-for http://127.0.0.1:8080/healthz --junit probe-report.xml'));
    // What the issue asks of it: background issuer, wait, verify-config, probe --junit, upload.
    expect(workflow).toMatch(/idp serve .*&\n/);
    expect(workflow).toContain('authctl idp wait');
    expect(workflow).toContain('authctl verify-config');
    expect(workflow).toMatch(/authctl probe .*--junit probe-report\.xml/);
    expect(workflow).toMatch(/if: always\(\)\n\s+uses: actions\/upload-artifact@v4/);
  });

  it('its run steps pass, in order, and write the JUnit report', async () => {
    const [idpPort, servicePort] = await Promise.all([freePort(), freePort()]);
    const ws = tempDir('authctl-e2e-ci-');
    const ports = (text: string) => text.replaceAll('127.0.0.1:9400', `127.0.0.1:${idpPort}`).replaceAll('--port 9400', `--port ${idpPort}`).replaceAll('127.0.0.1:8080', `127.0.0.1:${servicePort}`).replaceAll('PORT=8080', `PORT=${servicePort}`);
    // The repository's files: the two shipped datapress files copied in, as the README says.
    for (const file of ['datapress.toml', 'probe.toml']) writeFileSync(path.join(ws, file), ports(readFileSync(path.join(EXAMPLES, 'datapress', file), 'utf8')));
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: ws, NO_COLOR: '1', GITHUB_ACTIONS: 'true' };
    const steps = runSteps(workflow).filter((s) => s.script !== 'npm ci');
    expect(steps.map((s) => s.name)).toEqual(['Verify auth config', 'Start the mock issuer', 'Start the service', 'Probe 401/403 behaviour']);
    for (const step of steps) {
      const script = ports(step.script)
        .replaceAll('npx authctl', `node ${JSON.stringify(BIN)}`)
        .replaceAll('node_modules/authctl', ROOT)
        // Remember background processes so the test can stop them (the runner would at job end).
        .replace(/ &$/gm, ' & echo $! >> pids');
      const r = await bash(script, ws, env);
      try {
        for (const pid of readFileSync(path.join(ws, 'pids'), 'utf8').split('\n').filter(Boolean)) if (!background.includes(Number(pid))) background.push(Number(pid));
      } catch {
        // no background process yet
      }
      expect(r.code, `${step.name}:\n${r.output}`).toBe(0);
    }
    const junit = readFileSync(path.join(ws, 'probe-report.xml'), 'utf8');
    expect(junit).toMatch(/<testsuites name="authctl probe" tests="\d{2,}" failures="0"/);
  });
});
