import type { Command, Option } from 'commander';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../src/cli/command.js';
import { COMMAND_GROUPS } from '../../src/cli/commands.js';
import { CliContext } from '../../src/cli/context.js';
import { buildProgram } from '../../src/cli/main.js';
import { CACHED_COMMANDS } from '../../src/cli/hot-loader.js';
import { memoryIo, runInProcess } from '../helpers/parse.js';

/**
 * The CLI contract of docs/output.md, enforced over the whole commander tree (issue #14): every
 * command has --help with an example, answers --json (a usage error included) with the
 * {"error":{code,message,hint}} document on stdout and the same exit code, and a command with
 * --format offers documented values with -o/--output FILE.
 */

/**
 * Commands whose flags predate the contract, with the lane converting them. Remove an entry when it
 * is converted: the test then holds it to the contract.
 */
const PENDING: Record<string, string> = {};

/** A --format that is a file format, not a report format (documented in docs/output.md). */
const OWN_FORMATS: Record<string, string[]> = { 'authctl apikey export': ['json', 'env'] };

async function fullTree(): Promise<Command> {
  const ctx = new CliContext(
    { json: false, quiet: true, verbose: false, color: false },
    memoryIo().io,
    {},
    process.cwd(),
  );
  const program = buildProgram(ctx);
  for (const group of COMMAND_GROUPS) (await group.load()).register(program, ctx);
  return program;
}

function walk(command: Command, parents: string[] = []): { path: string[]; command: Command }[] {
  const here = [...parents, command.name()];
  return [{ path: here, command }, ...command.commands.flatMap((sub) => walk(sub, here))];
}

const tree = walk(await fullTree()).slice(1); // every command under `authctl`
const name = (p: string[]) => p.join(' ');
const option = (command: Command, long: string): Option | undefined =>
  command.options.find((o) => o.long === long);

describe('CLI contract (docs/output.md), over every command', () => {
  it('the tree is the whole CLI', () => {
    expect(tree.length).toBeGreaterThan(40);
    for (const group of COMMAND_GROUPS)
      for (const top of Object.keys(group.commands))
        expect(tree.map((t) => name(t.path))).toContain(`authctl ${top}`);
  });

  it('the code cache knows every command and subcommand by name (hot-loader.ts CACHED_COMMANDS)', () => {
    const twoLevels = Object.fromEntries(
      tree
        .filter((t) => t.path.length === 2)
        .map((t) => [t.path[1]!, t.command.commands.map((sub) => sub.name()).sort()]),
    );
    const cached = Object.fromEntries(
      Object.entries(CACHED_COMMANDS).map(([top, subs]) => [top, [...subs].sort()]),
    );
    expect(cached).toEqual(twoLevels);
  });

  it.each(tree.map((t) => [name(t.path), t] as const))(
    '%s: --help has an example',
    async (_name, { path: p }) => {
      const help = await runInProcess([...p.slice(1), '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/\nExamples:\n {2}\S/);
    },
  );

  it.each(tree.map((t) => [name(t.path), t] as const))(
    '%s: --json answers a usage error with the error document on stdout, exit 2',
    async (_name, { path: p }) => {
      const result = await runInProcess([...p.slice(1), '--json', '--no-such-flag']);
      expect(result.code).toBe(2);
      const doc = JSON.parse(result.stdout) as { error: Record<string, string> };
      // The unknown flag, or a required option missing (commander checks that first).
      expect(doc.error.code).toMatch(/^ERR_(UNKNOWN_OPTION|MISSING_MANDATORY_OPTION_VALUE)$/);
      expect(doc.error.message).toMatch(/--no-such-flag|required option/);
      expect(doc.error.hint).toEqual(expect.any(String));
    },
  );

  it.each(tree.filter((t) => !PENDING[name(t.path)]).map((t) => [name(t.path), t] as const))(
    '%s: -o is --output; --format offers documented values with -o/--output FILE',
    (id, { command }) => {
      const short = command.options.find((o) => o.short === '-o');
      if (short) expect(short.long, `${id}: -o`).toBe('--output');
      const format = option(command, '--format');
      if (!format) return;
      const values = format.argChoices ?? [];
      if (OWN_FORMATS[id]) return expect(OWN_FORMATS[id]).toEqual(expect.arrayContaining(values));
      expect(values, `${id}: --format values`).toEqual(expect.arrayContaining(['text', 'json']));
      for (const value of values) expect(FORMATS).toContain(value);
      expect(option(command, '--output')?.short, `${id}: -o, --output FILE`).toBe('-o');
    },
  );

  it('PENDING lists only commands that exist and still break the contract', () => {
    for (const id of Object.keys(PENDING)) {
      const entry = tree.find((t) => name(t.path) === id);
      expect(entry, id).toBeDefined();
      const format = option(entry!.command, '--format');
      const short = entry!.command.options.find((o) => o.short === '-o');
      const breaks =
        (short && short.long !== '--output') ||
        (format &&
          !(format.argChoices ?? []).every((v) => (FORMATS as readonly string[]).includes(v))) ||
        (format && !option(entry!.command, '--output'));
      expect(breaks, `${id} now follows the contract: remove it from PENDING`).toBeTruthy();
    }
  });
});

/** Every key of a JSON document, at any depth (object keys only, not values). */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  return [];
}

describe('one key casing: camelCase in every --json document', () => {
  it('keys, apikey and token documents', async () => {
    const home = mkdtempSync(
      path.join(process.env.AUTHCTL_TEST_TMP ?? tmpdir(), 'authctl-contract-'),
    );
    const env = { AUTHCTL_HOME: home };
    const cwd = home;
    const json = async (args: string[], input?: string) => {
      const result = await runInProcess([...args, '--json'], { env, cwd, input });
      expect(result.stdout, `${args.join(' ')}: ${result.stderr}`).not.toBe('');
      return JSON.parse(result.stdout) as unknown;
    };
    const token = ((await json(['token', 'mint', '--sub', 'alice'])) as { token: string }).token;
    const documents = [
      await json(['token', 'decode', token]),
      await json(['token', 'verify', token]),
      await json(['token', 'defects']),
      await json(['keys', 'list']),
      await json(['keys', 'rotate', '--grace', '1h']),
      await json(['apikey', 'create', '--name', 'ci', '--scope', 'read']),
      await json(['apikey', 'list']),
      await json(['apikey', 'show', 'ci']),
      await json(['apikey', 'rotate', 'ci']),
      await json(['apikey', 'revoke', 'ci']),
    ];
    const snake = documents.flatMap(keysOf).filter((k) => /_/.test(k));
    expect([...new Set(snake)]).toEqual([]);
  });
});

describe('--as json is --json wherever --as picks the printed form', () => {
  it('token mint, sign and sigv4 presign', async () => {
    const home = mkdtempSync(
      path.join(process.env.AUTHCTL_TEST_TMP ?? tmpdir(), 'authctl-contract-'),
    );
    const env = { AUTHCTL_HOME: home };
    const creds = [
      '--access-key',
      'AKIDEXAMPLE',
      '--secret-key',
      'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    ];
    const scope = ['--region', 'us-east-1', '--service', 's3', ...creds];
    const url = 'https://bucket.s3.amazonaws.com/key';
    for (const args of [
      ['token', 'mint', '--sub', 'alice'],
      ['sign', 'GET', url, ...scope],
      ['sigv4', 'presign', url, ...scope],
    ]) {
      const as = await runInProcess([...args, '--as', 'json'], { env, cwd: home });
      const json = await runInProcess([...args, '--json'], { env, cwd: home });
      expect(as.code, `${args.join(' ')}: ${as.stderr}`).toBe(0);
      expect(Object.keys(JSON.parse(as.stdout))).toEqual(Object.keys(JSON.parse(json.stdout)));
    }
  });
});

describe('one exit code per kind of failure', () => {
  it('a malformed credential is a verdict (exit 1) in token verify as in apikey verify; no input is usage (2)', async () => {
    const home = mkdtempSync(
      path.join(process.env.AUTHCTL_TEST_TMP ?? tmpdir(), 'authctl-contract-'),
    );
    const env = { AUTHCTL_HOME: home };
    const token = await runInProcess(['token', 'verify', 'not-a-jwt', '--json'], {
      env,
      cwd: home,
    });
    expect(token.code).toBe(1);
    expect(JSON.parse(token.stdout)).toMatchObject({
      valid: false,
      checks: [{ check: 'encoding', status: 'fail', code: 'ERR_TOKEN_MALFORMED' }],
    });
    const key = await runInProcess(['apikey', 'verify', 'not-a-key', '--json'], { env, cwd: home });
    expect(key.code).toBe(1);
    expect(JSON.parse(key.stdout)).toMatchObject({ valid: false, reason: 'malformed' });
    const human = await runInProcess(['token', 'verify', 'a.b'], { env, cwd: home });
    expect(human.stdout).toContain('token rejected: 1 check failed');

    for (const group of ['token', 'apikey']) {
      const empty = await runInProcess([group, 'verify', '--json'], { env, cwd: home, input: '' });
      expect(empty.code, group).toBe(2);
      expect(JSON.parse(empty.stdout).error.code).toMatch(/^ERR_/);
    }
  });
});
