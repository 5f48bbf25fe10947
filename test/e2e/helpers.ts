// Process helpers for the end-to-end tests: the mock issuer and the example services run as real
// child processes on port 0, and every authctl step goes through the built binary, the way a CI
// pipeline would drive them. Nothing here imports authctl's source.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { BIN, ROOT, runCli, tempDir, type CliResult } from '../helpers/cli.js';

export { ROOT, tempDir };
export const EXAMPLES = path.join(ROOT, 'examples');

export interface Proc {
  child: ChildProcess;
  /** The first JSON line the process printed (`{"listening":...}` or `idp serve --json`). */
  line: Record<string, any>;
  stdout: () => string;
  stderr: () => string;
  /** SIGTERM, then SIGKILL after 3 s; resolves with the exit code. */
  stop: () => Promise<number | null>;
}

/** Every child this file started and not yet seen exit, with its `stop` (for stopStarted). */
const running = new Map<ChildProcess, () => Promise<number | null>>();
// A test run that dies (or a worker that is torn down) must not leave services behind.
process.once('exit', () => {
  for (const child of running.keys()) child.kill('SIGKILL');
});

/** Spawns `node <args>` and resolves once it prints a JSON line that has `key`. */
export function spawnUntilLine(
  args: string[],
  options: {
    env: NodeJS.ProcessEnv;
    cwd?: string;
    key: string;
    timeoutMs?: number;
    command?: string;
  },
): Promise<Proc> {
  // `command`: another executable than this Node (an installed authctl, the single-file binary).
  const child = spawn(options.command ?? process.execPath, args, {
    cwd: options.cwd ?? ROOT,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    });
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    }
    return exited;
  };
  running.set(child, stop);
  return new Promise<Proc>((resolve, reject) => {
    const name = options.command
      ? `${path.basename(options.command)} ${args[0]}`
      : path.basename(args[0] === BIN ? `authctl ${args[1]}` : args[0]!);
    const fail = (why: string) => {
      clearTimeout(timer);
      void stop();
      reject(new Error(`${name} ${why}; stderr: ${stderr.slice(-2000)}`));
    };
    const timer = setTimeout(() => fail('did not start in time'), options.timeoutMs ?? 20_000);
    void exited.then((code) => fail(`exited with ${code} before it was ready`));
    createInterface({ input: child.stdout! }).on('line', (text) => {
      let line: Record<string, any>;
      try {
        line = JSON.parse(text);
      } catch {
        return;
      }
      if (line && typeof line === 'object' && options.key in line) {
        clearTimeout(timer);
        resolve({ child, line, stdout: () => stdout, stderr: () => stderr, stop });
      }
    });
  });
}

export interface Idp extends Proc {
  issuer: string;
  token: string;
  jwks: string;
  home: string;
}

/** `authctl idp serve --port 0 --json` on a keystore directory. */
export async function startIdp(home: string, args: string[] = []): Promise<Idp> {
  const env = { ...process.env, NO_COLOR: '1', AUTHCTL_DEBUG: undefined, AUTHCTL_HOME: undefined };
  const proc = await spawnUntilLine(
    [BIN, 'idp', 'serve', '--port', '0', '--json', '--no-log', '--home', home, ...args],
    { env, cwd: home, key: 'issuer' },
  );
  return { ...proc, issuer: proc.line.issuer, token: proc.line.token, jwks: proc.line.jwks, home };
}

/** `node examples/<name>/server.mjs` with a clean environment (PATH, PORT=0 and `env`). */
export async function startService(
  name: string,
  options: { args?: string[]; env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<Proc & { url: string }> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, PORT: '0' };
  for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v;
  const proc = await spawnUntilLine(
    [path.join(EXAMPLES, name, 'server.mjs'), ...(options.args ?? [])],
    { env, cwd: options.cwd, key: 'listening' },
  );
  return { ...proc, url: proc.line.listening };
}

/** Stops these children (e.g. the ones a single test started). */
export async function stopAll(procs: Array<Proc | undefined>): Promise<void> {
  await Promise.all(procs.map((p) => p?.stop()));
}

/**
 * Stops every child this file started that is still running (afterAll; also fine after a
 * failure): when one of several services started with Promise.all fails, the others were never
 * assigned to the test's variables but are stopped here all the same.
 */
export async function stopStarted(): Promise<void> {
  await Promise.all([...running.values()].map((stop) => stop()));
}

/** Runs the built authctl binary with a keystore home and working directory. */
export function authctl(
  args: string[],
  options: { home: string; cwd?: string; env?: Record<string, string | undefined>; input?: string },
): Promise<CliResult> {
  return runCli(args, {
    cwd: options.cwd ?? options.home,
    env: { AUTHCTL_HOME: options.home, ...options.env },
    input: options.input,
    timeoutMs: 30_000,
  });
}

/** A CLI result as text for assertion messages. */
export function show(r: CliResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-4000)}`;
}

/**
 * Copies a file (a shipped probe spec or service config) with its default URLs replaced by the
 * ports this run got, the way a CI job would template them.
 */
export function copyWith(source: string, dest: string, replace: Record<string, string>): string {
  let text = readFileSync(source, 'utf8');
  for (const [from, to] of Object.entries(replace)) text = text.split(from).join(to);
  writeFileSync(dest, text);
  return dest;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: () => any;
}

/** One HTTP request; `json` sets the body and content type. */
export async function call(
  url: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<Reply> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const res = await fetch(url, { ...init, headers, body, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Mints a token with `authctl token mint` (stdout is the bare token when piped). */
export async function mint(
  home: string,
  args: string[],
  env?: Record<string, string | undefined>,
): Promise<string> {
  const r = await authctl(['token', 'mint', ...args], { home, env });
  if (r.code !== 0) throw new Error(`token mint failed: ${show(r)}`);
  return r.stdout.trim();
}

/** Parses `--json` output, with the CLI result in the error when it is not JSON. */
export function parseJson(r: CliResult): any {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON: ${show(r)}`);
  }
}

/** The variables of a dotenv file (what `set -a; . file` would export). */
export function dotenv(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}
