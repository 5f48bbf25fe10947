// The GitHub Action's main step (action.yml). Plain Node, no dependencies: the runner starts it with
// the inputs as INPUT_<NAME> and the GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_STATE / GITHUB_PATH
// files, in GITHUB_WORKSPACE. It puts `authctl` (this checkout's bin/authctl.cjs) on PATH for later
// steps, optionally starts the mock issuer in the background, runs verify-config and the probe with
// SARIF and JUnit reports, and writes a job summary. action/post.mjs stops the issuer.
import { spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const actionRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(actionRoot, 'bin', 'authctl.cjs');
const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
const temp = process.env.RUNNER_TEMP || workspace;

/** The runner's names: `start-issuer` → INPUT_START-ISSUER. */
const input = (name) =>
  (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
const appendTo = (variable, text) =>
  process.env[variable] && appendFileSync(process.env[variable], text);
const setOutput = (name, value) => appendTo('GITHUB_OUTPUT', `${name}=${value}\n`);
const saveState = (name, value) => appendTo('GITHUB_STATE', `${name}=${value}\n`);
const fail = (message) => {
  process.stdout.write(`::error title=authctl::${message}\n`);
  process.exitCode = 1;
};

/**
 * Runs authctl from this checkout; output captured, never thrown. Without GITHUB_STEP_SUMMARY: this
 * step writes one summary (issuer, then each report) from the Markdown authctl renders.
 */
function authctl(args) {
  const globals = input('config') ? ['--config', input('config')] : [];
  const { GITHUB_STEP_SUMMARY: _summary, ...env } = process.env;
  const r = spawnSync(process.execPath, [bin, ...globals, ...args], {
    cwd: workspace,
    encoding: 'utf8',
    env: { ...env, NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? 3, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** `authctl` on PATH for the job's later steps: a shim running this checkout with this Node. */
function install() {
  if (!existsSync(path.join(actionRoot, 'dist', 'cli', 'entry.cjs'))) {
    throw new Error(
      `authctl is not built in ${actionRoot}: use a release ref of the action (uses: authctl/authctl@v1), whose tree carries dist/`,
    );
  }
  const dir = path.join(temp, 'authctl-bin');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'authctl'),
    `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`,
    { mode: 0o755 },
  );
  appendTo('GITHUB_PATH', `${dir}\n`);
  return authctl(['--version']).stdout.trim();
}

/** `idp serve --json` detached (it outlives this step); its pid goes to GITHUB_STATE for post.mjs. */
async function startIssuer() {
  const ready = path.join(temp, 'authctl-idp.json');
  const log = path.join(temp, 'authctl-idp.log');
  writeFileSync(ready, '');
  const args = [
    'idp',
    'serve',
    '--json',
    '--port',
    input('issuer-port') || '9400',
    ...(input('issuer-url') ? ['--issuer-url', input('issuer-url')] : []),
    ...(input('config') ? ['--config', input('config')] : []),
  ];
  // Not an npm child (no npm_lifecycle_event): it must outlive this step, not watch its launcher.
  const { npm_lifecycle_event: _npm, ...env } = process.env;
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: workspace,
    detached: true,
    stdio: ['ignore', openSync(ready, 'a'), openSync(log, 'a')],
    env: { ...env, NO_COLOR: '1' },
  });
  child.unref();
  saveState('issuer_pid', String(child.pid));
  for (let waited = 0; waited < 30_000; waited += 100) {
    const line = readFileSync(ready, 'utf8').split('\n')[0];
    if (line) return JSON.parse(line);
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `the issuer did not start: ${readFileSync(log, 'utf8').trim().split('\n').slice(-3).join(' | ')}`,
  );
}

/** Writes a report where the user asked, creating its directory. */
function writeReport(target, text) {
  const file = path.resolve(workspace, target);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** The first line of a run's stderr, for a one-line error. */
const firstError = (r) => r.stderr.trim().split('\n')[0];

/** verify-config: SARIF and JUnit to their paths; the summary is its Markdown report. */
function verifyConfig() {
  const files = input('verify-config') === 'auto' ? [] : input('verify-config').split(/\s+/);
  for (const [format, target] of [
    ['sarif', input('verify-config-sarif')],
    ['junit', input('verify-config-junit')],
  ]) {
    if (target)
      writeReport(target, authctl(['verify-config', ...files, '--format', format]).stdout);
  }
  const r = authctl(['verify-config', ...files, '--json']);
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    fail(`verify-config could not run: ${firstError(r)}`);
    return `**verify-config** could not run: \`${firstError(r)}\``;
  }
  if (r.code !== 0)
    fail(
      `verify-config found ${report.counts.error} error(s) and ${report.counts.warning} warning(s)`,
    );
  // The findings, grouped by rule with their fix: the Markdown authctl renders, one level down.
  const markdown = authctl(['verify-config', ...files, '--format', 'markdown']).stdout;
  return [
    `**verify-config** ${r.code === 0 ? 'passed' : 'failed'}: ${report.counts.error} error(s), ${report.counts.warning} warning(s) in ${report.files.length} file(s)`,
    ...(markdown.startsWith('## authctl') ? ['', markdown.replace(/^## /, '### ').trimEnd()] : []),
  ].join('\n');
}

/** The probe, with --junit and --sarif (written on every exit); the summary is its Markdown report. */
function probe() {
  const args = ['probe', '--spec', input('probe-spec'), '--no-progress', '--format', 'markdown'];
  if (input('probe-base-url')) args.push('--base-url', input('probe-base-url'));
  if (input('probe-junit')) args.push('--junit', writeReport(input('probe-junit'), ''));
  if (input('probe-sarif')) args.push('--sarif', writeReport(input('probe-sarif'), ''));
  if (input('probe-html')) args.push('--html', writeReport(input('probe-html'), ''));
  const r = authctl(args);
  if (r.code !== 0)
    fail(
      `the probe ${r.code === 1 ? 'found endpoints that do not answer 401/403 as they must' : `could not run: ${firstError(r)}`}`,
    );
  const report = r.stdout.startsWith('## authctl probe') ? r.stdout.replace(/^## /, '### ') : '';
  return `**probe** ${r.code === 0 ? 'passed' : 'failed'}${report ? `\n\n${report}` : `: \`${firstError(r)}\``}`;
}

async function run() {
  const lines = ['## authctl', ''];
  lines.push(`authctl ${install()}, from the action's checkout`, '');
  if (input('start-issuer') !== 'false') {
    const idp = await startIssuer();
    setOutput('issuer', idp.issuer);
    setOutput('jwks_uri', idp.jwks);
    setOutput('token_endpoint', idp.token);
    lines.push(
      '| mock issuer | |',
      '|---|---|',
      `| issuer | ${idp.issuer} |`,
      `| jwks_uri | ${idp.jwks} |`,
      `| token_endpoint | ${idp.token} |`,
      '',
    );
  }
  if (input('verify-config')) lines.push(verifyConfig(), '');
  if (input('probe-spec')) lines.push(probe(), '');
  appendTo('GITHUB_STEP_SUMMARY', `${lines.join('\n')}\n`);
}

run().catch((error) => fail(error.message));
