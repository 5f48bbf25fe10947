// The GitHub Action (action.yml), run the way the runner runs a node20 action: `node <runs.main>` in
// GITHUB_WORKSPACE with INPUT_* variables and the GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_STATE /
// GITHUB_PATH files, then at the end of the job `node <runs.post>` with the saved state as STATE_*.
// The workspace is a Python-shaped service repository (no package.json); the service under test is
// the DataPress example, started by a shell step between two uses of the action.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, ROOT, tempDir } from '../helpers/cli.js';
import { copyWith, EXAMPLES, spawnUntilLine, stopStarted } from '../e2e/helpers.js';
import { actionEntry, actionInputs } from './runner.js';
import { isAlive } from '../helpers/process.js';

afterAll(stopStarted);

/** A job: its runner files, and the action's steps run against them. */
function job() {
  const runnerTemp = tempDir('authctl-runner-temp-');
  const workspace = tempDir('authctl-workspace-');
  writeFileSync(path.join(workspace, 'app.py'), 'from flask import Flask\napp = Flask(__name__)\n');
  writeFileSync(path.join(workspace, 'requirements.txt'), 'flask==3.0.0\nPyJWT==2.8.0\n');
  const files = Object.fromEntries(
    ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITHUB_STATE', 'GITHUB_PATH'].map((name) => [
      name,
      path.join(runnerTemp, `${name.toLowerCase()}.txt`),
    ]),
  );
  for (const file of Object.values(files)) writeFileSync(file, '');
  const base = {
    PATH: process.env.PATH,
    HOME: runnerTemp,
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: workspace,
    GITHUB_ACTIONS: 'true',
    ...files,
  };
  const states: Array<Record<string, string>> = [];
  return {
    workspace,
    files,
    read: (name: keyof typeof files) => readFileSync(files[name]!, 'utf8'),
    /** One `uses:` of the action; each gets fresh GITHUB_OUTPUT/STATE contents like on the runner. */
    step(inputs: Record<string, string>) {
      writeFileSync(files.GITHUB_OUTPUT!, '');
      writeFileSync(files.GITHUB_STATE!, '');
      const env = { ...base, ...actionInputs(inputs) };
      const r = spawnSync(process.execPath, [actionEntry('main')], {
        cwd: workspace,
        env,
        encoding: 'utf8',
        timeout: 120_000,
      });
      const outputs = Object.fromEntries(
        readFileSync(files.GITHUB_OUTPUT!, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      const state = Object.fromEntries(
        readFileSync(files.GITHUB_STATE!, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => [
            `STATE_${line.slice(0, line.indexOf('='))}`,
            line.slice(line.indexOf('=') + 1),
          ]),
      );
      states.push(state);
      return { code: r.status, stdout: r.stdout, stderr: r.stderr, outputs, state };
    },
    /** End of the job: every post step, last `uses:` first. */
    end() {
      for (const state of [...states].reverse())
        spawnSync(process.execPath, [actionEntry('post')], {
          cwd: workspace,
          env: { ...base, ...state },
          encoding: 'utf8',
          timeout: 30_000,
        });
    },
  };
}

const alive = isAlive;

describe('the GitHub Action, run as the runner runs it, in a Python service repository', () => {
  it('starts the issuer, lints the config, probes the service, writes reports and a summary, and stops the issuer at the end', async () => {
    const j = job();
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    copyWith(
      path.join(EXAMPLES, 'datapress', 'datapress.toml'),
      path.join(j.workspace, 'datapress.toml'),
      { 'http://127.0.0.1:9400': issuer },
    );

    const first = j.step({
      'start-issuer': 'true',
      'issuer-port': String(port),
      'verify-config': 'datapress.toml',
      'verify-config-sarif': 'reports/verify.sarif',
      'verify-config-junit': 'verify.xml',
    });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.outputs).toEqual({
      issuer,
      jwks_uri: `${issuer}/jwks`,
      token_endpoint: `${issuer}/token`,
    });
    const discovery = (await (
      await fetch(`${issuer}/.well-known/openid-configuration`)
    ).json()) as { jwks_uri: string };
    expect(discovery.jwks_uri).toBe(first.outputs.jwks_uri);
    expect(
      JSON.parse(readFileSync(path.join(j.workspace, 'reports', 'verify.sarif'), 'utf8')).version,
    ).toBe('2.1.0');
    expect(readFileSync(path.join(j.workspace, 'verify.xml'), 'utf8')).toMatch(/<testsuite/);

    // `authctl` is on PATH for later steps (GITHUB_PATH), without Node tooling in the repository.
    const shimDir = j.read('GITHUB_PATH').trim();
    const version = spawnSync('authctl', ['--version'], {
      env: { PATH: `${shimDir}:${process.env.PATH}` },
      encoding: 'utf8',
    });
    expect(version.stdout.trim()).toBe(
      JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version,
    );

    // A shell step starts the service against the issuer, then the action probes it.
    const service = await spawnUntilLine(
      [
        path.join(EXAMPLES, 'datapress', 'server.mjs'),
        '--config',
        path.join(j.workspace, 'datapress.toml'),
      ],
      {
        env: {
          PATH: process.env.PATH,
          PORT: '0',
          DATAPRESS_ADMIN_TOKEN: 'action-admin-token-0123456789',
        },
        key: 'listening',
      },
    );
    copyWith(path.join(EXAMPLES, 'datapress', 'probe.toml'), path.join(j.workspace, 'probe.toml'), {
      'http://127.0.0.1:9400': issuer,
    });
    const second = j.step({
      'start-issuer': 'false',
      'probe-spec': 'probe.toml',
      'probe-base-url': service.line.listening,
      'probe-sarif': 'probe.sarif',
      'probe-junit': 'probe.xml',
    });
    await service.stop();
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(readFileSync(path.join(j.workspace, 'probe.xml'), 'utf8')).toMatch(/<testsuite/);
    expect(
      JSON.parse(readFileSync(path.join(j.workspace, 'probe.sarif'), 'utf8')).runs,
    ).toHaveLength(1);

    const summary = j.read('GITHUB_STEP_SUMMARY');
    expect(summary).toContain(`| issuer | ${issuer} |`);
    expect(summary).toMatch(/\*\*verify-config\*\* passed: 0 error\(s\)/);
    expect(summary).toMatch(/\*\*probe\*\* passed/);
    // Rendered by authctl (--format markdown): the probe's matrix as a table, once (no second copy
    // appended by the child process to GITHUB_STEP_SUMMARY).
    expect(summary).toContain('### authctl probe: ✅ passed');
    expect(summary.match(/\| endpoint \| control \|/g)).toHaveLength(1);

    const pid = Number(first.state.STATE_issuer_pid);
    expect(alive(pid)).toBe(true);
    j.end();
    expect(alive(pid)).toBe(false);
    await expect(fetch(issuer)).rejects.toThrow();
  }, 240_000);

  it('a config with errors fails the step with an annotation, and the issuer is still stopped', async () => {
    const j = job();
    writeFileSync(
      path.join(j.workspace, 'datapress.toml'),
      readFileSync(
        path.join(
          ROOT,
          'test',
          'fixtures',
          'config',
          'invalid',
          'datapress',
          'algorithm-hs256.toml',
        ),
      ),
    );
    const step = j.step({
      'start-issuer': 'true',
      'issuer-port': String(await freePort()),
      'verify-config': 'datapress.toml',
    });
    expect(step.code).toBe(1);
    expect(step.stdout).toMatch(/^::error title=authctl::verify-config found [1-9]\d* error/m);
    expect(j.read('GITHUB_STEP_SUMMARY')).toMatch(/\*\*verify-config\*\* failed/);
    const pid = Number(step.state.STATE_issuer_pid);
    j.end();
    expect(alive(pid)).toBe(false);
  }, 120_000);
});
