import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiKey } from '../../src/core/apikey/index.js';
import { writeFileAtomic } from '../../src/core/fs/atomic.js';
import { Keystore } from '../../src/core/keys/keystore.js';
import { nodeFs } from '../../src/core/node.js';
import { ROOT, tempDir } from '../helpers/cli.js';

/**
 * Issue #19: a killed or failed writer leaves temp files (a keystore's is a full copy of the private
 * keys) and lock `.pending` / `.stale` files. The next write removes those whose owner process is
 * gone and never one of a live process. Leftovers are planted with the pid of a process that has
 * exited (dead) and of one that is still running (live).
 */
let live: ChildProcess;
let deadPid: number;

beforeAll(() => {
  live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  deadPid = Number(
    spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], {
      encoding: 'utf8',
    }).stdout.trim(),
  );
});
afterAll(() => {
  live.kill('SIGKILL');
});
afterEach(() => vi.restoreAllMocks());

function plant(dir: string, target: string, pid: number, tag: string): string[] {
  const names = [
    `.${target}.${pid}.${tag}0001.tmp`,
    `${target}.lock.${tag}00000000000002.pending`,
    `${target}.lock.${pid}.${tag}0003.stale`,
  ];
  writeFileSync(
    path.join(dir, names[0]!),
    '{"keys":[{"privateJwk":{"d":"LEFTOVER-PRIVATE-KEY"}}]}',
    { mode: 0o600 },
  );
  writeFileSync(
    path.join(dir, names[1]!),
    JSON.stringify({ pid, host: hostname(), at: Date.now(), nonce: tag }),
    { mode: 0o600 },
  );
  writeFileSync(
    path.join(dir, names[2]!),
    JSON.stringify({ pid, host: hostname(), at: Date.now(), nonce: tag }),
    { mode: 0o600 },
  );
  return names;
}

describe('leftovers of killed writers', () => {
  it("the next keystore write removes the dead writer's temp, .pending and .stale files, and keeps a live one's", async () => {
    const dir = tempDir('authctl-sec-leftovers-');
    const dead = plant(dir, 'keys.json', deadPid, 'dead');
    const alive = plant(dir, 'keys.json', live.pid!, 'beef');
    await new Keystore({ dir }).signingKey('ES256');
    const left = readdirSync(dir);
    for (const name of dead) expect(left, name).not.toContain(name);
    for (const name of alive) expect(left, name).toContain(name);
    expect(left).toContain('keys.json');
  });

  it('the same for the API key store', async () => {
    const dir = tempDir('authctl-sec-leftovers-');
    const dead = plant(dir, 'apikeys.json', deadPid, 'dead');
    const alive = plant(dir, 'apikeys.json', live.pid!, 'beef');
    await createApiKey({ store: path.join(dir, 'apikeys.json'), name: 'ci' });
    const left = readdirSync(dir);
    for (const name of dead) expect(left, name).not.toContain(name);
    for (const name of alive) expect(left, name).toContain(name);
  });

  it('a writer killed with SIGKILL while holding the lock leaves nothing the next write keeps', async () => {
    const dir = tempDir('authctl-sec-leftovers-');
    // The child takes the lock, writes its pending file, and is killed before it can clean up.
    const child = spawn(
      process.execPath,
      [
        // withFileLock is internal (not in the public API): the child loads the source through tsx.
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `
      import { withFileLock } from ${JSON.stringify(path.join(ROOT, 'src/core/fs/lock.ts'))};
      await withFileLock(${JSON.stringify(path.join(dir, 'keys.json'))}, async () => { process.stdout.write('locked\\n'); await new Promise(() => {}); });
    `,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', () => resolve());
      // A child that cannot start (an import gone) fails the test at once instead of timing out.
      child.on('exit', (code) =>
        reject(new Error(`the lock holder exited (${code}) before locking`)),
      );
    });
    // What it would leave mid-write: a temp copy of the keys under its pid.
    writeFileSync(path.join(dir, `.keys.json.${child.pid}.cafe0001.tmp`), 'PRIVATE KEY COPY');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    await new Keystore({ dir }).signingKey('ES256');
    expect(readdirSync(dir).sort()).toEqual(['keys.json']);
  });

  it('a lock whose pending file cannot be written (disk full) leaves no .pending behind', async () => {
    const dir = tempDir('authctl-sec-leftovers-');
    const real = nodeFs.promises.writeFile;
    vi.spyOn(nodeFs.promises, 'writeFile').mockImplementationOnce(async (file, _data, options) => {
      // Like ENOSPC half-way: the file exists, short, and the call fails.
      await real(file as string, '{"pi', options as never);
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    });
    const error = await new Keystore({ dir }).signingKey('ES256').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'environment' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('temp files are 0600 from creation, whatever the final mode', async () => {
    const dir = tempDir('authctl-sec-leftovers-');
    const open = vi.spyOn(nodeFs.promises, 'open');
    await writeFileAtomic(path.join(dir, 'probe.toml'), 'x = 1\n', { mode: 0o644 });
    const tempOpen = open.mock.calls.find(([file]) => String(file).endsWith('.tmp'))!;
    expect(tempOpen[2]).toBe(0o600);
    expect(statSync(path.join(dir, 'probe.toml')).mode & 0o777).toBe(0o644 & ~process.umask());
    expect(existsSync(path.join(dir, 'probe.toml'))).toBe(true);
  });
});
