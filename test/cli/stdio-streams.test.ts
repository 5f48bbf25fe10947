// src/cli/stdio.ts: on a pipe, a socket (a Node parent's stdio: 'pipe'), a file or /dev/null, output
// goes straight to the descriptor, and Node's process.stdout/stderr are never made: making them
// loads net (a socket or pipe) or the stream modules (a file or /dev/null), ~2-3.5 ms of each start
// (issue #17). A preload records whether the command touched them; the output must still arrive.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, tempDir } from '../helpers/cli.js';

const RECORDER = `const { appendFileSync } = require('node:fs');
for (const name of ['stdout', 'stderr']) {
  const own = Object.getOwnPropertyDescriptor(process, name);
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: own.enumerable,
    get() {
      appendFileSync(process.env.STREAMS_FILE, name + '\\n');
      return own.get.call(process);
    },
  });
}
`;

let dir = '';
beforeAll(() => {
  dir = tempDir('authctl-stdio-');
  writeFileSync(path.join(dir, 'recorder.cjs'), RECORDER);
  writeFileSync(path.join(dir, 'relay.env'), 'JWT_AUDIENCE=api://relay\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Sink = 'pipe' | 'file' | 'null';

/** Runs `authctl args` with stdout and stderr on `sink`; what it printed and the streams it made. */
function run(args: string[], sink: Sink) {
  const record = path.join(dir, 'streams.txt');
  writeFileSync(record, '');
  const outFile = path.join(dir, 'out.txt');
  const fd =
    sink === 'file'
      ? openSync(outFile, 'w')
      : sink === 'null'
        ? openSync('/dev/null', 'w')
        : undefined;
  const result = spawnSync(
    process.execPath,
    ['--require', path.join(dir, 'recorder.cjs'), BIN, ...args],
    {
      cwd: dir,
      env: {
        ...process.env,
        AUTHCTL_HOME: path.join(dir, 'home'),
        STREAMS_FILE: record,
        NO_COLOR: '1',
      },
      stdio: ['ignore', fd ?? 'pipe', fd ?? 'pipe'],
    },
  );
  if (fd !== undefined) closeSync(fd);
  const printed =
    sink === 'pipe'
      ? `${result.stdout}${result.stderr}`
      : sink === 'file'
        ? readFileSync(outFile, 'utf8')
        : '';
  return {
    code: result.status,
    printed,
    made: readFileSync(record, 'utf8').split('\n').filter(Boolean),
  };
}

describe.skipIf(process.platform === 'win32')('output without Node’s stdio streams', () => {
  for (const sink of ['pipe', 'file', 'null'] as const) {
    it(`token mint and a failing verify-config on ${sink === 'pipe' ? 'a socket (stdio: "pipe")' : sink === 'file' ? 'a file' : '/dev/null'}`, () => {
      const mint = run(['token', 'mint', '--sub', 'alice'], sink);
      expect(mint.code).toBe(0);
      expect(mint.made).toEqual([]);
      const verify = run(['verify-config', 'relay.env', '--profile', 'relay'], sink);
      expect(verify.code).toBe(1);
      expect(verify.made).toEqual([]);
      if (sink !== 'null') {
        expect(mint.printed).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n/);
        expect(verify.printed).toContain('relay/signing-key-missing');
        expect(verify.printed).toMatch(/\d+ errors?, \d+ warnings?/);
      }
    });
  }
});
