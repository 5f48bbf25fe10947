import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';

/** Lists subcommand names from a commander help text's "Commands:" section. */
function commandsIn(help: string): string[] {
  const section = help.split(/\nCommands:\n/)[1]?.split(/\n\n/)[0] ?? '';
  return section
    .split('\n')
    .map((line) => /^ {2}([a-z][\w-]*)/.exec(line)?.[1])
    .filter((name): name is string => Boolean(name) && name !== 'help');
}

async function inBatches<T, R>(items: T[], fn: (item: T) => Promise<R>, size = 4): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size)
    results.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return results;
}

describe('--help', () => {
  it('every command and subcommand has an Examples section, and the top level documents exit codes', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Exit codes:');
    const groups = commandsIn(top.stdout);
    expect(groups).toEqual(
      expect.arrayContaining([
        'token',
        'keys',
        'idp',
        'apikey',
        'sigv4',
        'sign',
        'probe',
        'verify-config',
        'init',
        'config',
        'demo',
      ]),
    );
    // A few processes at a time, not ~60 at once: on a loaded 2-core CI machine that many spawns
    // could hit runCli's kill timeout and report a missing section that is not missing.
    const missing: string[] = [];
    const check = async (args: string[]) => {
      const help = await runCli([...args, '--help']);
      if (help.code !== 0 || !help.stdout.includes('Examples:')) missing.push(args.join(' '));
      return help.stdout;
    };
    const subcommands = (
      await inBatches(groups, async (group) =>
        commandsIn(await check([group])).map((sub) => [group, sub]),
      )
    ).flat();
    expect(subcommands.length).toBeGreaterThan(20); // the parser found the subcommands, so the loop checked something
    await inBatches(subcommands, check);
    expect(missing).toEqual([]);
  });
});

describe('config discovery', () => {
  it('reads package.json#authctl, .authctlrc (TOML) and --config', async () => {
    const fromPackage = tempDir();
    writeFileSync(
      path.join(fromPackage, 'package.json'),
      JSON.stringify({
        name: 'svc',
        authctl: { token: { issuer: 'https://from-package.example' } },
      }),
    );
    const a = await runCli(['token', 'mint', '--json'], { cwd: fromPackage });
    expect(JSON.parse(a.stdout).claims.iss).toBe('https://from-package.example');

    const fromRc = tempDir();
    writeFileSync(path.join(fromRc, '.authctlrc'), '[token]\nissuer = "https://from-rc.example"\n');
    const b = await runCli(['token', 'mint', '--json'], { cwd: fromRc });
    expect(JSON.parse(b.stdout).claims.iss).toBe('https://from-rc.example');

    const explicit = path.join(fromRc, 'other.toml');
    writeFileSync(explicit, '[token]\nissuer = "https://explicit.example"\n');
    const c = await runCli(['--config', explicit, 'token', 'mint', '--json'], { cwd: fromPackage });
    expect(JSON.parse(c.stdout).claims.iss).toBe('https://explicit.example');
    const missing = await runCli(['--config', 'nope.toml', 'token', 'mint'], { cwd: fromPackage });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('config file not found: nope.toml (--config)');
  });

  it('finds the config in a parent directory and keeps the keystore beside it', async () => {
    const root = tempDir();
    writeFileSync(path.join(root, 'authctl.toml'), '[token]\naudience = "api://parent"\n');
    const { mkdirSync, existsSync } = await import('node:fs');
    const sub = path.join(root, 'services', 'orders');
    mkdirSync(sub, { recursive: true });
    const result = await runCli(['token', 'mint', '--json'], { cwd: sub });
    expect(JSON.parse(result.stdout).claims.aud).toBe('api://parent');
    expect(existsSync(path.join(root, '.authctl', 'keys.json'))).toBe(true);
    expect(existsSync(path.join(sub, '.authctl'))).toBe(false);
  });
});
