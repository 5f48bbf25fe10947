import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { batchedLog } from '../../src/cli/access-log.js';
import { BIN, tempDir } from '../helpers/cli.js';

/** A stand-in for `io.atExit`: the hooks registered and not yet removed. */
function exitHooks() {
  const hooks = new Set<() => void>();
  const atExit = (last: () => void) => {
    hooks.add(last);
    return () => hooks.delete(last);
  };
  return { hooks, atExit };
}

/** Issue #17: the access log goes out in batches (one write per 50 ms, or per 1,024 lines), never lost at a stop. */

describe('batchedLog', () => {
  afterEach(() => vi.useRealTimers());

  it('writes the lines of 50 ms in one write, styled, in order', () => {
    vi.useFakeTimers();
    const writes: string[] = [];
    const log = batchedLog(
      (text) => writes.push(text),
      (line) => `<${line}>`,
      exitHooks().atExit,
    );
    log.line('GET /jwks 200 0.1ms client_id=-');
    log.line('GET /jwks 200 0.2ms client_id=-');
    log.line('POST /token 200 3.0ms client_id=ci');
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(49);
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(writes).toEqual([
      '<GET /jwks 200 0.1ms client_id=->\n<GET /jwks 200 0.2ms client_id=->\n<POST /token 200 3.0ms client_id=ci>\n',
    ]);
    vi.advanceTimersByTime(500);
    expect(writes).toHaveLength(1);
    log.close();
  });

  it('writes at once when 1,024 lines are pending, so a burst holds bounded memory', () => {
    vi.useFakeTimers();
    const writes: string[] = [];
    const log = batchedLog(
      (text) => writes.push(text),
      (line) => line,
      exitHooks().atExit,
    );
    for (let i = 0; i < 1023; i++) log.line(`line ${i}`);
    expect(writes).toEqual([]);
    log.line('line 1023');
    expect(writes).toHaveLength(1);
    expect(writes[0]!.split('\n')).toHaveLength(1025);
    log.close();
  });

  it('flush() writes what is pending now; close() also removes its exit hook and leaves no timer', () => {
    vi.useFakeTimers();
    const writes: string[] = [];
    const { hooks, atExit } = exitHooks();
    const log = batchedLog(
      (text) => writes.push(text),
      (line) => line,
      atExit,
    );
    expect(hooks.size).toBe(1);
    log.line('a');
    log.flush();
    expect(writes).toEqual(['a\n']);
    log.flush();
    expect(writes).toEqual(['a\n']);
    log.line('b');
    log.close();
    expect(writes).toEqual(['a\n', 'b\n']);
    expect(hooks.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    // A request answered while the server closed: written at once, no timer left to do it later.
    log.line('c');
    expect(writes).toEqual(['a\n', 'b\n', 'c\n']);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('idp serve access log', () => {
  it('every answered request is logged, before the stop message, though the stop comes within 50 ms', async () => {
    const home = tempDir('authctl-access-log-');
    const child = spawn(
      process.execPath,
      [BIN, 'idp', 'serve', '--port', '0', '--json', '--home', home],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const issuer = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('\n')) resolve(JSON.parse(stdout.split('\n')[0]!).issuer);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    try {
      await (await fetch(`${issuer}/jwks`)).text();
      await (await fetch(`${issuer}/.well-known/openid-configuration`)).text();
      const token = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=ci&client_secret=hunter2-secret',
      });
      await token.text();
    } finally {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    const lines = stderr.split('\n');
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    const stop = at(/SIGTERM: stopping the issuer/);
    expect(stop).toBeGreaterThan(0);
    const logged = [
      at(/^GET \/jwks 200 [\d.]+ms client_id=-$/),
      at(/^GET \/\.well-known\/openid-configuration 200 [\d.]+ms client_id=-$/),
      at(/^POST \/token 200 [\d.]+ms client_id=ci$/),
    ];
    expect(logged.every((i) => i >= 0)).toBe(true);
    expect(logged).toEqual([...logged].sort((a, b) => a - b));
    expect(Math.max(...logged)).toBeLessThan(stop);
    expect(stderr).not.toContain('hunter2-secret');
  }, 30_000);
});
