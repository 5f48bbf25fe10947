import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  API_KEY_PATTERN,
  hashApiKey,
  parseApiKey,
  readApiKeyStore,
  verifyApiKey,
  verifyApiKeyWithExport,
  type ApiKeyExport,
} from '../../src/core/apikey/index.js';
import { indexedLookup } from '../../src/core/apikey/store-index.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { runInProcess } from '../helpers/in-process.js';

let dir: string;
let store: string;
const cli = (args: string[], options: { env?: Record<string, string>; input?: string } = {}) =>
  runCli(['apikey', ...args], { cwd: dir, ...options });

beforeAll(async () => {
  await fs.access(path.resolve(__dirname, '../../dist/cli/entry.cjs'));
});

function fresh() {
  dir = tempDir('authctl-apikey-');
  store = path.join(dir, 'keys.json');
}

describe('authctl apikey (CLI)', () => {
  it('create prints the bare key on a pipe, status on stderr, and stores only the hash', async () => {
    fresh();
    const created = await cli([
      'create',
      '--name',
      'ci',
      '--scope',
      'read',
      '--scope',
      'write',
      '--tenant',
      'acme',
      '--expires',
      '30d',
      '--store',
      store,
    ]);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(created.stdout).toBe(`${key}\n`);
    expect(key).toMatch(API_KEY_PATTERN);
    expect(created.stderr).toMatch(
      /^created key_\w+ \(ci\) ak_test_\w{4}…\w{4}; the key above will not be shown again\n$/,
    );
    expect(created.stderr).not.toContain(key);
    const bytes = await fs.readFile(store, 'utf8');
    expect(bytes).not.toContain(parseApiKey(key).body);
    expect((await fs.stat(store)).mode & 0o777).toBe(0o600);

    const list = await cli(['list', '--store', store, '--json']);
    expect(list.code).toBe(0);
    const [item] = JSON.parse(list.stdout);
    expect(item).toMatchObject({
      name: 'ci',
      prefix: 'ak_test',
      masked: `ak_test_${parseApiKey(key).body.slice(0, 4)}…${key.slice(-4)}`,
      status: 'active',
      scopes: ['read', 'write'],
      tenant: 'acme',
    });
    expect(Object.keys(item)).toEqual(
      expect.arrayContaining(['id', 'createdAt', 'expiresAt', 'revokedAt', 'rotatedAt']),
    );
    const human = await cli(['list', '--store', store]);
    expect(human.stdout).toMatch(/ID\s+NAME\s+KEY\s+STATUS/);
    expect(human.stdout).toContain(item.masked);
    for (const out of [list.stdout, human.stdout, human.stderr]) expect(out).not.toContain(key);
    const show = await cli(['show', 'ci', '--store', store, '--json']);
    expect(JSON.parse(show.stdout)).toEqual(item);
  });

  it('create --json includes the raw key; the store defaults to <home>/apikeys.json', async () => {
    fresh();
    const home = path.join(dir, 'home');
    const created = await cli(['create', '--name', 'ci', '--prefix', 'rk_live', '--json'], {
      env: { AUTHCTL_HOME: home },
    });
    expect(created.code).toBe(0);
    const doc = JSON.parse(created.stdout);
    expect(doc.key).toMatch(/^rk_live_/);
    expect(doc).toMatchObject({ name: 'ci', prefix: 'rk_live', status: 'active' });
    expect((await readApiKeyStore(path.join(home, 'apikeys.json'))).keys).toHaveLength(1);
    expect((await fs.stat(home)).mode & 0o777).toBe(0o700);
  });

  it('takes defaults from [apikey] in authctl.toml', async () => {
    fresh();
    await fs.writeFile(
      path.join(dir, 'authctl.toml'),
      '[apikey]\nprefix = "rk_live"\nstore = "state/keys.json"\nscopes = ["read"]\nheader = "X-Relay-Key"\n',
    );
    const created = await cli(['create', '--name', 'ci']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^rk_live_/);
    const exported = JSON.parse((await cli(['export'])).stdout);
    expect(exported).toMatchObject({
      header: 'X-Relay-Key',
      keys: [{ prefix: 'rk_live', scopes: ['read'] }],
    });
    await fs.writeFile(path.join(dir, 'authctl.toml'), '[apikey]\nprefix = "RK-LIVE"\n');
    const bad = await cli(['list']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('prefix');
  });

  it('verify: exit 0 for a valid key (argument or stdin), 1 with the reason otherwise', async () => {
    fresh();
    const key = (await cli(['create', '--name', 'ci', '--store', store])).stdout.trim();
    const ok = await cli(['verify', key, '--store', store]);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toMatch(/^valid: key key_\w+ \(ci\)/);
    expect(await cli(['verify', '--store', store], { input: `${key}\n` })).toMatchObject({
      code: 0,
    });
    expect(await cli(['verify', '-', '--store', store], { input: key })).toMatchObject({ code: 0 });
    const cases: [string, string][] = [
      [`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`, 'checksum'],
      [key.slice(0, -5), 'truncated'],
      ['definitely-not-a-key', 'malformed'],
    ];
    for (const [bad, reason] of cases) {
      const result = await cli(['verify', '--store', store, '--json'], { input: bad });
      expect(result.code, reason).toBe(1);
      expect(JSON.parse(result.stdout)).toMatchObject({ valid: false, reason });
      expect(result.stdout + result.stderr).not.toContain(parseApiKey(key).body.slice(0, 12));
    }
    expect(await cli(['verify', '--store', store], { input: '\n' })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no key given (empty input) (KEY)'),
    });
    const human = await cli(['verify', '--store', store], { input: key.slice(0, -5) });
    expect(human.stdout).toBe(
      'rejected (truncated): key is truncated: 33 of 38 chars after the prefix\n',
    );
  });

  it('rotation grace and revocation, seen through verify (in-process, the clock handed in as a dep)', async () => {
    fresh();
    const run = (args: string[], iso: string, input?: string) =>
      runInProcess(['apikey', ...args], {
        cwd: dir,
        input,
        deps: { now: () => new Date(iso) },
      });
    const t0 = '2026-03-01T12:00:00Z';
    const oldKey = (await run(['create', '--name', 'svc', '--store', store], t0)).stdout.trim();
    const rotated = await run(['rotate', 'svc', '--grace', '1h', '--store', store, '--json'], t0);
    expect(rotated.code, rotated.stderr).toBe(0);
    const doc = JSON.parse(rotated.stdout);
    expect(doc.key).toMatch(API_KEY_PATTERN);
    expect(doc.previous).toMatchObject({
      status: 'grace',
      graceUntil: '2026-03-01T13:00:00.000Z',
    });
    const newKey = doc.key as string;
    const verify = async (key: string, iso: string) => {
      const result = await run(['verify', '--store', store, '--json'], iso, key);
      return { code: result.code, ...JSON.parse(result.stdout) };
    };
    expect(await verify(oldKey, '2026-03-01T12:59:59Z')).toMatchObject({
      code: 0,
      valid: true,
      key: { status: 'grace' },
    });
    expect(await verify(oldKey, '2026-03-01T13:00:00Z')).toMatchObject({
      code: 1,
      valid: false,
      reason: 'rotated',
    });
    expect(await verify(newKey, '2026-03-01T13:00:00Z')).toMatchObject({ code: 0, valid: true });
    const revoked = await run(['revoke', 'svc', '--store', store], '2026-03-01T14:00:00Z');
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/^revoked: key_\w+ \(svc\)/);
    expect(await verify(newKey, '2026-03-01T14:00:00Z')).toMatchObject({
      code: 1,
      reason: 'revoked',
    });
  });

  it('AUTHCTL_TEST_NOW is gone: the binary keeps the real clock whatever it says', async () => {
    fresh();
    const key = (
      await cli(['create', '--name', 'svc', '--store', store, '--expires', '1h'])
    ).stdout.trim();
    // Two hours "later" by the old test-only variable: the key must still verify.
    const later = new Date(Date.now() + 2 * 3600_000).toISOString();
    const result = await cli(['verify', '--store', store], {
      input: key,
      env: { AUTHCTL_TEST_NOW: later },
    });
    expect(result.code, result.stderr).toBe(0);
  });

  it('revoke NAME after rotate --grace revokes every live key of the name, the old one too, and lists them (issue #11)', async () => {
    fresh();
    const verify = async (key: string) =>
      (await cli(['verify', '--store', store, '--json'], { input: key })).code;
    const oldKey = (await cli(['create', '--name', 'svc', '--store', store])).stdout.trim();
    const rotated = JSON.parse(
      (await cli(['rotate', 'svc', '--grace', '24h', '--store', store, '--json'])).stdout,
    );
    const newKey = rotated.key as string;
    expect([await verify(oldKey), await verify(newKey)]).toEqual([0, 0]);
    const revoked = await cli(['revoke', 'svc', '--store', store]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const mask = (key: string) => `${key.slice(0, key.lastIndexOf('_') + 5)}…${key.slice(-4)}`;
    expect(revoked.stdout).toBe(
      [
        `revoked: ${rotated.id} (svc) ${mask(newKey)} at ${JSON.parse((await cli(['show', rotated.id, '--store', store, '--json'])).stdout).revokedAt}`,
        `revoked: ${rotated.previous.id} (svc) ${mask(oldKey)} at ${JSON.parse((await cli(['show', rotated.previous.id, '--store', store, '--json'])).stdout).revokedAt}`,
      ].join('\n') + '\n',
    );
    expect(revoked.stdout).not.toContain(oldKey);
    // Both keys are refused now, read back from the store file itself.
    expect([await verify(oldKey), await verify(newKey)]).toEqual([1, 1]);
    const stored = await readApiKeyStore(store);
    expect(stored.keys.map((k) => k.revokedAt !== null)).toEqual([true, true]);
    // Again: nothing live is left, nothing changes.
    const again = await cli(['revoke', rotated.id, '--store', store, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({
      id: rotated.id,
      alreadyRevoked: true,
      revoked: [],
    });
  });

  it('revoke NAME --only-current revokes only the newest key and says which one stays valid', async () => {
    fresh();
    const verify = async (key: string) =>
      (await cli(['verify', '--store', store, '--json'], { input: key })).code;
    const oldKey = (await cli(['create', '--name', 'svc', '--store', store])).stdout.trim();
    const rotated = JSON.parse(
      (await cli(['rotate', 'svc', '--grace', '24h', '--store', store, '--json'])).stdout,
    );
    const result = await cli(['revoke', 'svc', '--only-current', '--store', store, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.revoked.map((k: { id: string }) => k.id)).toEqual([rotated.id]);
    expect(doc.stillValid).toEqual([
      expect.objectContaining({ id: rotated.previous.id, status: 'grace' }),
    ]);
    expect([await verify(oldKey), await verify(rotated.key)]).toEqual([0, 1]);
    const human = await cli(['revoke', 'svc', '--only-current', '--store', store]);
    expect(human.stdout).toMatch(new RegExp(`^revoked: ${rotated.previous.id} \\(svc\\) `));
  });

  it('export (json and env) carries hashes and metadata a service can verify with, and no raw key bytes', async () => {
    fresh();
    const keys: string[] = [];
    for (const name of ['a', 'b', 'c'])
      keys.push(
        (
          await cli([
            'create',
            '--name',
            name,
            '--scope',
            'read:items',
            '--tenant',
            'acme',
            '--store',
            store,
          ])
        ).stdout.trim(),
      );
    await cli(['revoke', 'b', '--store', store]);
    const rotated = await cli(['rotate', 'c', '--grace', '1h', '--store', store]);
    keys.push(rotated.stdout.trim());
    const json = await cli(['export', '--format', 'json', '--store', store]);
    const env = await cli([
      'export',
      '--format',
      'env',
      '--env-prefix',
      'API_KEYS',
      '--store',
      store,
    ]);
    expect(json.code).toBe(0);
    expect(env.code).toBe(0);
    for (const output of [json.stdout, env.stdout, json.stderr, env.stderr]) {
      const bytes = Buffer.from(output);
      for (const key of keys) {
        expect(bytes.includes(key)).toBe(false);
        const { body } = parseApiKey(key);
        for (let i = 0; i + 8 <= body.length; i++)
          expect(bytes.includes(body.slice(i, i + 8)), `body chars ${i}..${i + 8}`).toBe(false);
      }
    }
    const doc = JSON.parse(json.stdout) as ApiKeyExport;
    expect(doc).toMatchObject({
      format: 'authctl-apikeys',
      version: 1,
      hash: 'sha256-hex',
      header: 'X-API-Key',
      key_pattern: API_KEY_PATTERN.source,
    });
    expect(doc.keys.map((k) => k.status)).toEqual(['active', 'revoked', 'grace', 'active']);
    expect(verifyApiKeyWithExport(doc, keys[0]!)).toMatchObject({
      valid: true,
      key: { tenant: 'acme', scopes: ['read:items'] },
    });
    expect(verifyApiKeyWithExport(doc, keys[1]!)).toMatchObject({
      valid: false,
      reason: 'revoked',
    });
    expect(verifyApiKeyWithExport(doc, keys[2]!)).toMatchObject({ valid: true });
    expect(
      verifyApiKeyWithExport(doc, keys[2]!, new Date(Date.now() + 2 * 3600_000)),
    ).toMatchObject({ valid: false, reason: 'rotated' });
    // The env file reads back literally in sh (the pattern is full of $, ( and *).
    const envFile = path.join(dir, 'keys.env');
    await fs.writeFile(envFile, env.stdout);
    const read = (name: string) =>
      execFileSync('sh', ['-c', `set -a; . "${envFile}"; printf %s "$${name}"`], {
        encoding: 'utf8',
      });
    expect(read('API_KEYS_PATTERN')).toBe(API_KEY_PATTERN.source);
    expect(read('API_KEYS_COUNT')).toBe('4');
    expect(read('API_KEYS_0_SHA256')).toBe(doc.keys[0]!.sha256);
    expect(read('API_KEYS_0_SCOPES')).toBe('read:items');
    expect(read('API_KEYS_SHA256S').split(',')).toEqual([
      doc.keys[0]!.sha256,
      doc.keys[2]!.sha256,
      doc.keys[3]!.sha256,
    ]);
    const validOnly = JSON.parse(
      (await cli(['export', '--valid-only', '--store', store])).stdout,
    ) as ApiKeyExport;
    expect(validOnly.keys.map((k) => k.name)).toEqual(['a', 'c', 'c']);
    expect(await cli(['export', '--format', 'yaml', '--store', store])).toMatchObject({ code: 2 });
  });

  it('a broken store gives exit 2 with file:line:col and a hint, and is left untouched', async () => {
    fresh();
    const content = '{"version": 1, "keys": [}\n';
    await fs.writeFile(store, content);
    for (const args of [['create', '--name', 'x'], ['list'], ['revoke', 'x']]) {
      const result = await cli([...args, '--store', store]);
      expect(result.code, args.join(' ')).toBe(2);
      // The snippet masks every value of the store (all values of a secret file are masked).
      expect(result.stderr).toBe(
        `authctl: error: API key store is not valid JSON (${store}:1:25)\n  hint: authctl will not overwrite it; restore it from a backup or move it aside to start a new store\n` +
          `      1 | {"version": *, "keys": [}\n        | ${' '.repeat(24)}^\n`,
      );
    }
    await fs.writeFile(store, JSON.stringify({ version: 9, keys: [] }));
    const newer = await cli(['create', '--name', 'x', '--store', store]);
    expect(newer.code).toBe(2);
    expect(newer.stderr).toContain('API key store has version 9; this authctl reads version 1');
    expect(await fs.readFile(store, 'utf8')).toBe(JSON.stringify({ version: 9, keys: [] }));
  });

  it('usage errors are one line with a hint, never echoing a raw key', async () => {
    fresh();
    const key = (await cli(['create', '--name', 'ci', '--store', store])).stdout.trim();
    const asId = await cli(['show', key, '--store', store]);
    expect(asId.code).toBe(2);
    expect(asId.stderr).not.toContain(parseApiKey(key).body.slice(0, 8));
    expect(asId.stderr).toContain('is an API key, not a key id or name');
    const typo = await cli(['show', 'cj', '--store', store]);
    expect(typo.stderr).toContain('did you mean ci?');
    expect(
      await cli(['create', '--name', 'x', '--expires', 'soon', '--store', store]),
    ).toMatchObject({ code: 2, stderr: expect.stringContaining('invalid --expires "soon"') });
    expect(await cli(['create', '--name', 'ci', '--store', store])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('an active key named "ci" already exists'),
    });
    expect(await cli(['create', '--store', store])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("required option '--name <name>' not specified"),
    });
  });

  it('mask exposes mask() for arguments and stdin', async () => {
    fresh();
    expect((await cli(['mask', 'ak_test_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789wXyZ'])).stdout).toBe(
      'ak_test_AbCd…wXyZ\n',
    );
    expect((await cli(['mask'], { input: 'supersecretvalue123\n' })).stdout).toBe('supe…e123\n');
    expect(JSON.parse((await cli(['mask', 'short', '--json'])).stdout)).toEqual({ masked: '**…' });
  });

  it('every subcommand has --help with examples', async () => {
    fresh();
    for (const sub of ['create', 'list', 'show', 'verify', 'rotate', 'revoke', 'export', 'mask']) {
      const help = await cli([sub, '--help']);
      expect(help.code, sub).toBe(0);
      expect(help.stdout, sub).toContain('Examples:');
      expect(help.stdout, sub).toContain(`authctl apikey ${sub}`);
    }
  });

  it('20 processes creating keys at once lose none', async () => {
    fresh();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        cli(['create', '--name', `worker-${i}`, '--store', store]),
      ),
    );
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const keys = results.map((r) => r.stdout.trim());
    expect(new Set(keys).size).toBe(20);
    const data = await readApiKeyStore(store);
    expect(data.keys.map((k) => k.name).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `worker-${i}`).sort(),
    );
    for (const key of keys) expect((await verifyApiKey({ store, key })).valid).toBe(true);
    // The last writer's index names the store as it ended: every key is found through it.
    for (const key of keys) expect(indexedLookup(store, hashApiKey(key))?.record).toBeDefined();
    expect((await fs.readdir(dir)).filter((f) => f !== 'keys.json')).toEqual(['keys.json.index']);
  });
});
