import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CliContext } from '../../src/cli/context.js';
import { tempDir } from '../helpers/cli.js';

const asked: string[] = [];
let cancel = false;
/** What the user types at each question, in order; an answer that `validate` refuses is followed by the next. */
let typed: Record<string, string[]> = {};
/** What `validate` said about each refused answer, as inquirer would show it under the question. */
const refused: { message: string; answer: string; problem: string }[] = [];
vi.mock('@inquirer/prompts', () => ({
  select: async ({ message }: { message: string }) => (asked.push(message), 'recsys'),
  checkbox: async ({ message }: { message: string }) => (asked.push(message), ['jwt', 'apikey']),
  input: async ({
    message,
    default: def,
    validate,
  }: {
    message: string;
    default: string;
    validate?: (v: string) => string | boolean;
  }) => {
    asked.push(message);
    if (cancel)
      throw Object.assign(new Error('User force closed the prompt'), { name: 'ExitPromptError' });
    const key = Object.keys(typed).find((k) => message.startsWith(k));
    const answers = key
      ? [...typed[key]!]
      : [message.startsWith('Tenants') ? 'globex, initech' : def];
    // Like inquirer: ask again until validate accepts (true); a string is the message shown.
    for (;;) {
      const answer = answers.shift();
      if (answer === undefined) throw new Error(`no accepted answer for "${message}"`);
      const verdict = validate ? validate(answer) : true;
      if (verdict === true) return answer;
      refused.push({ message, answer, problem: String(verdict) });
    }
  },
}));

function context(tty: boolean, cwd: string) {
  const stream = () => Object.assign(new PassThrough(), { isTTY: tty });
  const io = { stdout: stream(), stderr: stream(), stdin: stream() };
  let stdout = '';
  io.stdout.on('data', (chunk) => (stdout += chunk));
  const ctx = new CliContext(
    { json: false, quiet: true, verbose: false, color: false },
    io,
    {},
    cwd,
  );
  return { ctx, output: () => stdout };
}

async function init(tty: boolean, args: string[]) {
  const dir = tempDir();
  const { ctx, output } = context(tty, dir);
  const program = new Command().exitOverride();
  const { register } = await import('../../src/cli/config.js');
  register(program, ctx);
  await program.parseAsync(['init', ...args], { from: 'user' });
  return { dir, output: output() };
}

describe('authctl init prompts', () => {
  beforeEach(() => {
    asked.length = 0;
    refused.length = 0;
    typed = {};
    cancel = false;
  });

  it('asks service style, modes, issuer, audience, tenants and roles on a TTY, and uses the answers', async () => {
    const { dir, output } = await init(true, []);
    expect(asked).toEqual([
      'Which service style?',
      'Which auth modes?',
      'Issuer URL',
      'Audience',
      'Tenants (comma-separated)',
      'Roles: three names, for viewer, operator and admin (comma-separated)',
    ]);
    expect(output).toContain('wrote .env.example');
    const env = readFileSync(path.join(dir, '.env.example'), 'utf8');
    expect(env).toContain('API_KEY_ENABLED=true');
    expect(readFileSync(path.join(dir, 'probe.toml'), 'utf8')).toContain('tenant = "globex"');
  });

  it('never asks with --yes or without a TTY', async () => {
    await init(true, ['--yes', '--profile', 'k3']);
    const { dir } = await init(false, ['--profile', 'relay']);
    expect(asked).toEqual([]);
    expect(readFileSync(path.join(dir, '.env.example'), 'utf8')).toContain(
      'SESSION_STORE_BACKEND=redis',
    );
  });

  it('Ctrl-C in a prompt is a usage error and writes nothing', async () => {
    cancel = true;
    const dir = tempDir();
    const { ctx } = context(true, dir);
    const program = new Command().exitOverride();
    const { register } = await import('../../src/cli/config.js');
    register(program, ctx);
    await expect(program.parseAsync(['init'], { from: 'user' })).rejects.toMatchObject({
      code: 'ERR_INIT_CANCELLED',
      kind: 'usage',
    });
    expect(existsSync(path.join(dir, 'authctl.toml'))).toBe(false);
  });

  it('checks each answer as it is typed: a bad issuer, tenant list or role list is asked again, and no answer is lost (issue #11)', async () => {
    typed = {
      'Issuer URL': [
        'htp:/login.example.com',
        'not a url',
        'https://login.example.com/realms/main',
      ],
      Tenants: ['acme corp', 'acme,globex'],
      Roles: ['reader,admin', 'reader,reader,admin', 'reader,editor,owner'],
    };
    const { dir } = await init(true, []);
    expect(refused.map((r) => [r.message.split(' ')[0], r.answer])).toEqual([
      ['Issuer', 'htp:/login.example.com'],
      ['Issuer', 'not a url'],
      ['Tenants', 'acme corp'],
      ['Roles:', 'reader,admin'],
      ['Roles:', 'reader,reader,admin'],
    ]);
    // The messages talk about the answer, never about a flag the user did not type.
    for (const r of refused) expect(r.problem).not.toMatch(/--\w/);
    expect(refused[0]!.problem).toBe(
      '"htp:/login.example.com" is not an http(s) URL, e.g. http://127.0.0.1:9400',
    );
    expect(refused[3]!.problem).toMatch(
      /^give exactly three role names, for viewer, operator and admin \(got 2\)/,
    );
    expect(refused[4]!.problem).toMatch(/distinct/);
    // Every accepted answer made it into the files.
    const authctl = readFileSync(path.join(dir, 'authctl.toml'), 'utf8');
    expect(authctl).toContain('https://login.example.com/realms/main');
    expect(authctl).toContain('roles = ["owner"]');
    expect(readFileSync(path.join(dir, 'probe.toml'), 'utf8')).toContain('tenant = "acme"');
  });
});
