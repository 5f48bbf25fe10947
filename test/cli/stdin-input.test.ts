// Input on stdin (src/cli/stdin.ts): a pipe, socket or file is read from the descriptor, without
// Node's stream; a pipe its maker left non-blocking, whose writer is slow, answers EAGAIN and is
// read on by Node's stream from where the descriptor stopped. Real processes: a shell pipe, a
// socket pair (Node's spawn), and python3 handing over a non-blocking pipe it writes to late.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, tempDir } from '../helpers/cli.js';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
// A large unsigned token: more than one read of the descriptor.
const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'slow', items: Array.from({ length: 20_000 }, (_, i) => i) })}.`;

describe('token decode - reads stdin whole', () => {
  let dir = '';
  beforeAll(() => {
    dir = tempDir('authctl-stdin-');
    writeFileSync(path.join(dir, 'token.txt'), token);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const decoded = (stdout: string) => JSON.parse(stdout).claims as { sub: string; items: number[] };

  it('from a socket pair (Node’s spawn with input) and from a shell pipe', () => {
    const spawned = spawnSync(process.execPath, [BIN, 'token', 'decode', '-', '--json'], {
      input: token,
      encoding: 'utf8',
    });
    expect(spawned.status).toBe(0);
    expect(decoded(spawned.stdout).items).toHaveLength(20_000);
    const piped = spawnSync(
      'sh',
      ['-c', `cat token.txt | "${process.execPath}" "${BIN}" token decode - --json`],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(piped.status).toBe(0);
    expect(decoded(piped.stdout).sub).toBe('slow');
  });

  it('from a non-blocking pipe whose writer is slow: EAGAIN hands the rest to Node’s stream', () => {
    const script = [
      'import os, subprocess, sys, time',
      'r, w = os.pipe()',
      'os.set_blocking(r, False)',
      'p = subprocess.Popen(sys.argv[1:], stdin=r, stdout=subprocess.PIPE)',
      'os.close(r)',
      'data = open(os.environ["TOKEN_FILE"], "rb").read()',
      'half = len(data) // 2',
      'time.sleep(0.3); os.write(w, data[:half])',
      'time.sleep(0.3); os.write(w, data[half:]); os.close(w)',
      'out = p.communicate()[0]',
      'sys.stdout.buffer.write(out); sys.exit(p.returncode)',
    ].join('\n');
    const run = spawnSync(
      'python3',
      ['-c', script, process.execPath, BIN, 'token', 'decode', '-', '--json'],
      { encoding: 'utf8', env: { ...process.env, TOKEN_FILE: path.join(dir, 'token.txt') } },
    );
    expect(run.stderr).not.toMatch(/error|EAGAIN/i);
    expect(run.status).toBe(0);
    expect(decoded(run.stdout).items).toHaveLength(20_000);
  });
});
