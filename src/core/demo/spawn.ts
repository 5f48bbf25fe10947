import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { environmentError } from '../errors.js';

export interface ServiceProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** Synchronous last resort (process exit handlers). */
  kill(): void;
}

export interface StartServiceOptions {
  /** Short name for messages. */
  name: string;
  script: string;
  args?: string[];
  /** The whole environment of the child (nothing is inherited but what is given). */
  env: NodeJS.ProcessEnv;
  cwd: string;
  timeoutMs?: number;
  /** Aborting before the service listens kills it and rejects. */
  signal?: AbortSignal;
}

/**
 * Starts `node <script>` and waits for its `{"listening":"http://..."}` stdout line (the examples'
 * contract). Rejects with an environment error carrying the child's last stderr line otherwise.
 */
export function startServiceProcess(options: StartServiceOptions): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [options.script, ...(options.args ?? [])], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const kill = () => {
    if (alive()) child.kill('SIGKILL');
  };
  const stop = async (graceMs = 3000) => {
    if (!alive()) return;
    child.kill('SIGTERM');
    const timer = setTimeout(kill, graceMs);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      kill();
      const last = stderr.trim().split('\n').pop();
      reject(
        environmentError('ERR_DEMO_SERVICE', `${options.name} ${why}${last ? `: ${last}` : ''}`, {
          where: options.script,
          hint: 'run it by hand to see its output (see examples/README.md)',
        }),
      );
    };
    const timer = setTimeout(() => fail('did not start within 20s'), options.timeoutMs ?? 20_000);
    const onAbort = () => fail('was interrupted before it listened');
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    void exited.then(() => fail(`exited (code ${child.exitCode}) before listening`));
    child.once('error', (error) => fail(`could not be started (${error.message})`));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { listening?: unknown };
        if (typeof msg.listening === 'string') {
          clearTimeout(timer);
          // From here on the caller owns the process (and stops it gracefully on abort).
          options.signal?.removeEventListener('abort', onAbort);
          resolve({ url: msg.listening, pid: child.pid!, child, stop, kill });
        }
      } catch {
        // a log line, not the listening line
      }
    });
  });
}
