import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CliContext } from '../../src/cli/context.js';
import { tempDir } from '../helpers/cli.js';

const asked: string[] = [];
let cancel = false;
vi.mock('@inquirer/prompts', () => ({
  select: async ({ message }: { message: string }) => (asked.push(message), 'recsys'),
  checkbox: async ({ message }: { message: string }) => (asked.push(message), ['jwt', 'apikey']),
  input: async ({ message, default: def }: { message: string; default: string }) => {
    asked.push(message);
    if (cancel) throw Object.assign(new Error('User force closed the prompt'), { name: 'ExitPromptError' });
    return message.startsWith('Tenants') ? 'globex, initech' : def;
  },
}));

function context(tty: boolean, cwd: string) {
  const stream = () => Object.assign(new PassThrough(), { isTTY: tty });
  const io = { stdout: stream(), stderr: stream(), stdin: stream() };
  let stdout = '';
  io.stdout.on('data', (chunk) => (stdout += chunk));
  const ctx = new CliContext({ json: false, quiet: true, verbose: false, color: false }, io, {}, cwd);
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
    cancel = false;
  });

  it('asks service style, modes, issuer, audience, tenants and roles on a TTY, and uses the answers', async () => {
    const { dir, output } = await init(true, []);
    expect(asked).toEqual(['Which service style?', 'Which auth modes?', 'Issuer URL', 'Audience', 'Tenants (comma-separated)', 'Roles: viewer,operator,admin']);
    expect(output).toContain('wrote .env.example');
    const env = readFileSync(path.join(dir, '.env.example'), 'utf8');
    expect(env).toContain('API_KEY_ENABLED=true');
    expect(readFileSync(path.join(dir, 'probe.toml'), 'utf8')).toContain('tenant = "globex"');
  });

  it('never asks with --yes or without a TTY', async () => {
    await init(true, ['--yes', '--profile', 'k3']);
    const { dir } = await init(false, ['--profile', 'relay']);
    expect(asked).toEqual([]);
    expect(readFileSync(path.join(dir, '.env.example'), 'utf8')).toContain('SESSION_STORE_BACKEND=redis');
  });

  it('Ctrl-C in a prompt is a usage error and writes nothing', async () => {
    cancel = true;
    const dir = tempDir();
    const { ctx } = context(true, dir);
    const program = new Command().exitOverride();
    const { register } = await import('../../src/cli/config.js');
    register(program, ctx);
    await expect(program.parseAsync(['init'], { from: 'user' })).rejects.toMatchObject({ code: 'ERR_INIT_CANCELLED', kind: 'usage' });
    expect(existsSync(path.join(dir, 'authctl.toml'))).toBe(false);
  });
});
