// The CI files `authctl init` writes (templates/ci/), run step by step in a repository that is not a
// Node project (a Python service: no package.json, no `npm ci` anywhere), against the shipped
// DataPress example as the service:
// - GitHub: `uses: authctl/authctl@v1` steps run the action's entry points as the runner does
//   (test/action covers them in depth), `run:` steps run with bash, then the action's post steps.
// - GitLab: before_script + script in one bash shell with a PATH that has no node; the binary is
//   downloaded with curl from a local server (AUTHCTL_BINARY: the real single-file binary, as in
//   `npm run test:binary`; else a stand-in script running this checkout).
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  createReadStream,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, freePort, ROOT, runCli } from '../helpers/cli.js';
import { actionEntry, actionInputs } from '../action/runner.js';
import { EXAMPLES, tempDir } from './helpers.js';

function bash(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('/bin/bash', ['-eo', 'pipefail', '-c', script], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
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
    return false;
  }
};
let server: Server | undefined;
afterAll(async () => {
  server?.close();
  for (const pid of background) signal(pid, 'SIGTERM');
  const end = Date.now() + 10_000;
  while (background.some((pid) => signal(pid, 0)) && Date.now() < end)
    await new Promise((r) => setTimeout(r, 50));
  for (const pid of background) signal(pid, 'SIGKILL');
});

/** A Python service repository with the files `authctl init --ci <ci>` wrote, ports made free. */
async function repository(ci: 'github' | 'gitlab') {
  const [idpPort, servicePort] = await Promise.all([freePort(), freePort()]);
  const repo = tempDir(`authctl-e2e-${ci}-`);
  writeFileSync(path.join(repo, 'app.py'), 'from flask import Flask\napp = Flask(__name__)\n');
  writeFileSync(path.join(repo, 'requirements.txt'), 'flask==3.0.0\n');
  const init = await runCli(['init', '--yes', '--profile', 'datapress', '--ci', ci], { cwd: repo });
  expect(init.code, init.stderr).toBe(0);
  const ports = (text: string) =>
    text
      .replaceAll('127.0.0.1:9400', `127.0.0.1:${idpPort}`)
      .replaceAll('--port 9400', `--port ${idpPort}`)
      .replaceAll('127.0.0.1:8080', `127.0.0.1:${servicePort}`);
  // The service's config and probe spec: the DataPress example's, which the stand-in service serves.
  for (const file of ['datapress.toml', 'probe.toml'])
    writeFileSync(
      path.join(repo, file),
      ports(readFileSync(path.join(EXAMPLES, 'datapress', file), 'utf8')),
    );
  for (const file of ['authctl.toml'])
    writeFileSync(path.join(repo, file), ports(readFileSync(path.join(repo, file), 'utf8')));
  // The user's "start your service here", with the service's own runtime (here: this node, by path).
  const service =
    `PORT=${servicePort} DATAPRESS_ADMIN_TOKEN=ci-admin-token-0123456789 ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(EXAMPLES, 'datapress', 'server.mjs'))} --config datapress.toml > service.log 2>&1 & echo $! >> pids\n` +
    `for i in $(seq 100); do curl -fs http://127.0.0.1:${servicePort}/healthz >/dev/null && break; sleep 0.1; done`;
  return { repo, ports, service, idpPort };
}

const pidsOf = (repo: string) => {
  try {
    for (const pid of readFileSync(path.join(repo, 'pids'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(Number))
      if (!background.includes(pid)) background.push(pid);
  } catch {
    // nothing in the background yet
  }
};

interface WorkflowStep {
  name: string;
  uses?: string;
  with: Record<string, string>;
  run?: string;
}

/** The steps of the GitHub workflow (this template's shape: `- name`/`uses`/`with`/`run: |`). */
function workflowSteps(yaml: string): WorkflowStep[] {
  const steps: WorkflowStep[] = [];
  const lines = yaml.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const item = /^ {6}- (\w[\w-]*): ?(.*)$/.exec(lines[i]!);
    if (item) steps.push({ name: '', with: {} });
    const step = steps.at(-1);
    const field = item ?? /^ {8}(\w[\w-]*): ?(.*)$/.exec(lines[i]!);
    if (!step || !field) continue;
    const [, key, value] = field as unknown as [string, string, string];
    if (key === 'name') step.name = value;
    if (key === 'uses') step.uses = value;
    if (key === 'with')
      while (/^ {10}\S/.test(lines[i + 1] ?? '')) {
        const [k, ...v] = lines[++i]!.trim().split(': ');
        step.with[k!] = v.join(': ').replace(/^'(.*)'$/, '$1');
      }
    if (key === 'run') {
      const body: string[] = [];
      if (value !== '|') body.push(value);
      else
        while (/^ {10}/.test(lines[i + 1] ?? '') || lines[i + 1] === '')
          body.push(lines[++i]!.trim());
      step.run = body.join('\n').trim();
    }
  }
  return steps;
}

describe('authctl init --ci github: the workflow, step by step', () => {
  it('runs in a Python repository: action steps, shell steps, reports, and no issuer left', async () => {
    const { repo, ports, service, idpPort } = await repository('github');
    const workflow = readFileSync(path.join(repo, '.github', 'workflows', 'authctl.yml'), 'utf8');
    expect(workflow).not.toMatch(/npm ci|npx|setup-node/);
    const steps = workflowSteps(workflow);
    expect(steps.map((s) => s.uses ?? s.name)).toEqual([
      'actions/checkout@v4',
      'authctl/authctl@v1',
      'Start the service',
      'authctl/authctl@v1',
      'actions/upload-artifact@v4',
    ]);
    const runner = tempDir('authctl-e2e-runner-');
    const files = Object.fromEntries(
      ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITHUB_STATE', 'GITHUB_PATH'].map((n) => [
        n,
        path.join(runner, n),
      ]),
    );
    for (const file of Object.values(files)) writeFileSync(file, '');
    const env = {
      PATH: process.env.PATH,
      HOME: runner,
      RUNNER_TEMP: runner,
      GITHUB_WORKSPACE: repo,
      GITHUB_ACTIONS: 'true',
      NO_COLOR: '1',
      ...files,
    };
    const states: Record<string, string>[] = [];
    for (const step of steps) {
      if (step.uses === 'authctl/authctl@v1') {
        writeFileSync(files.GITHUB_STATE!, '');
        // The default issuer port (9400) becomes this run's free one, as in the files above.
        const inputs = actionInputs({
          'issuer-port': String(idpPort),
          ...Object.fromEntries(Object.entries(step.with).map(([k, v]) => [k, ports(v)])),
        });
        const r = spawnSync(process.execPath, [actionEntry('main')], {
          cwd: repo,
          env: { ...env, ...inputs },
          encoding: 'utf8',
          timeout: 120_000,
        });
        expect(r.status, `${step.name}:\n${r.stdout}${r.stderr}`).toBe(0);
        states.push(
          Object.fromEntries(
            readFileSync(files.GITHUB_STATE!, 'utf8')
              .split('\n')
              .filter(Boolean)
              .map((l) => [`STATE_${l.split('=')[0]}`, l.slice(l.indexOf('=') + 1)]),
          ),
        );
      } else if (step.run) {
        // Later steps see GITHUB_PATH (authctl on PATH); the user's service replaces the echo.
        const script = step.name === 'Start the service' ? service : step.run;
        const r = await bash(script, repo, {
          ...env,
          PATH: `${readFileSync(files.GITHUB_PATH!, 'utf8').trim().split('\n').join(':')}:${env.PATH}`,
        });
        pidsOf(repo);
        expect(r.code, `${step.name}:\n${r.output}`).toBe(0);
      }
    }
    const summary = readFileSync(files.GITHUB_STEP_SUMMARY!, 'utf8');
    expect(summary).toMatch(/\*\*verify-config\*\* passed/);
    expect(summary).toMatch(/\*\*probe\*\* passed/);
    expect(readFileSync(path.join(repo, 'authctl-probe.xml'), 'utf8')).toMatch(
      /<testsuites name="authctl probe" tests="\d{2,}" failures="0"/,
    );
    // End of job: post steps, last first; the issuer is gone.
    for (const state of states.reverse())
      spawnSync(process.execPath, [actionEntry('post')], {
        cwd: repo,
        env: { ...env, ...state },
        encoding: 'utf8',
        timeout: 30_000,
      });
    const pid = Number(states.find((s) => s.STATE_issuer_pid)?.STATE_issuer_pid);
    expect(signal(pid, 0)).toBe(false);
  }, 240_000);
});

describe('authctl init --ci gitlab: the job, in one shell, with no node on PATH', () => {
  it('downloads the binary, lints, serves the issuer, probes the service', async () => {
    const { repo, ports, service } = await repository('gitlab');
    const yaml = readFileSync(path.join(repo, '.gitlab-ci.yml'), 'utf8');
    expect(yaml).not.toMatch(/npm ci|npx|node /);
    const list = (key: string) => {
      const block = new RegExp(`^  ${key}:\\n((?:    .*\\n)+)`, 'm').exec(yaml)![1]!;
      return block
        .split('\n')
        .filter(Boolean)
        .map((line) => line.replace(/^ {4}/, ''))
        .map((line) => (line.startsWith('- ') ? line.slice(2) : line));
    };
    const script = [...list('before_script'), ...list('script')]
      .map((line) =>
        line.startsWith('# Start your service here')
          ? service
          : ports(line).replace(/ &$/, ' & echo $! >> pids'),
      )
      .join('\n');
    expect(script).toContain('authctl probe --spec probe.toml --junit authctl-probe.xml');

    // What the job downloads: the real binary when given, else a stand-in running this checkout.
    let binary = process.env.AUTHCTL_BINARY ? path.resolve(ROOT, process.env.AUTHCTL_BINARY) : '';
    if (!binary) {
      binary = path.join(tempDir('authctl-e2e-standin-'), 'authctl');
      writeFileSync(
        binary,
        `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`,
      );
      chmodSync(binary, 0o755);
    }
    server = createHttpServer((_req, res) => createReadStream(binary).pipe(res));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/authctl-linux-x64`;
    // A PATH with shell tools only: no node (which sits in /usr/bin here).
    const tools = path.join(tempDir('authctl-e2e-tools-'), 'bin');
    mkdirSync(tools);
    for (const tool of ['bash', 'sh', 'curl', 'mkdir', 'chmod', 'cat', 'seq', 'sleep', 'echo'])
      symlinkSync(
        spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim() ||
          `/bin/${tool}`,
        path.join(tools, tool),
      );
    const env = {
      PATH: tools,
      HOME: repo,
      CI: 'true',
      GITLAB_CI: 'true',
      CI_PROJECT_DIR: repo,
      AUTHCTL_DOWNLOAD_URL: url,
      NO_COLOR: '1',
    };
    expect((await bash('command -v node || echo none', repo, env)).output.trim()).toBe('none');
    const r = await bash(script, repo, env);
    pidsOf(repo);
    expect(r.code, r.output).toBe(0);
    expect(readFileSync(path.join(repo, 'authctl-verify-config.xml'), 'utf8')).toMatch(
      /<testsuite/,
    );
    expect(readFileSync(path.join(repo, 'authctl-probe.xml'), 'utf8')).toMatch(
      /<testsuites name="authctl probe" tests="\d{2,}" failures="0"/,
    );
  }, 240_000);
});
