// Start/stop helpers for the example services (test/examples only). Each service is spawned as a
// real child process on port 0 and found through its {"listening": URL} stdout line.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { ROOT } from '../helpers/cli.js';

export const EXAMPLES = path.join(ROOT, 'examples');

export interface RunningExample {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  /** SIGTERM, then resolves with the exit code (the services shut down gracefully with 0). */
  stop: () => Promise<number | null>;
}

export interface StartOptions {
  args?: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
}

const running = new Set<ChildProcess>();

/** A clean environment: only PATH plus what the test passes, so the developer's env cannot leak in. */
function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, PORT: '0' };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

function spawnExample(name: string, options: StartOptions) {
  const script = path.join(EXAMPLES, name, 'server.mjs');
  const child = spawn(process.execPath, [script, ...(options.args ?? [])], {
    cwd: options.cwd ?? ROOT,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return { child, exited, stderr: () => stderr, stdout: () => stdout };
}

/** Starts examples/<name>/server.mjs and waits for its listening line. */
export async function startExample(
  name: string,
  options: StartOptions = {},
): Promise<RunningExample> {
  const { child, exited, stderr, stdout } = spawnExample(name, options);
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start in time; stderr: ${stderr()}`)),
      options.timeoutMs ?? 20_000,
    );
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { listening?: string };
        if (msg.listening) {
          clearTimeout(timer);
          resolve(msg.listening);
        }
      } catch {
        // not the listening line
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening; stderr: ${stderr()}`));
    });
  });
  return {
    url,
    child,
    stderr,
    stdout,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs a service expected to refuse to start; resolves with its exit code and stderr. */
export async function startFailure(
  name: string,
  options: StartOptions = {},
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const { child, exited, stderr, stdout } = spawnExample(name, options);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  const code = await exited;
  clearTimeout(timer);
  return { code, stderr: stderr(), stdout: stdout() };
}

/** Kills anything a failed test left running. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: () => any;
}

export async function request(
  url: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<Reply> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const res = await fetch(url, { ...init, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}
