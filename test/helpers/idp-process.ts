import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { BIN } from './cli.js';

export interface IdpProcess {
  child: ChildProcess;
  /** The `--json` ready line: issuer, discovery, jwks, token, ... */
  info: { issuer: string; token: string; [key: string]: unknown };
  /** SIGTERM, then SIGKILL after 5 s: a stuck issuer must not keep the test run alive. */
  stop(): Promise<void>;
}

/**
 * Starts `authctl idp serve --port 0 --json` (plus `args`) in `dir` (keystore in `dir/.authctl`) and
 * waits for its ready line.
 */
export async function startIdpProcess(
  dir: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<IdpProcess> {
  const child = spawn(
    process.execPath,
    [BIN, 'idp', 'serve', '--port', '0', '--json', '--no-log', ...args],
    {
      cwd: dir,
      env: { ...process.env, AUTHCTL_HOME: path.join(dir, '.authctl'), ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`idp serve exited with ${code}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, info: JSON.parse(line) as IdpProcess['info'], stop };
}
