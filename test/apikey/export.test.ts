import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildApiKeyExport,
  createApiKey,
  createApiKeyVerifier,
  createExportVerifier,
  exportApiKeys,
  generateApiKey,
  malformApiKey,
  readApiKeyStore,
  renderApiKeyExportEnv,
  revokeApiKey,
  rotateApiKey,
  verifyApiKeyAgainst,
  verifyApiKeyWithExport,
} from '../../src/core/apikey/index.js';
import { tempDir } from '../helpers/cli.js';

const T0 = Date.parse('2026-05-01T00:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);

async function scenario() {
  const store = path.join(tempDir(), 'keys.json');
  const now = () => at(0);
  const active = await createApiKey({
    store,
    now,
    name: 'active',
    scopes: ["it's", '$HOME', '`id`'],
    tenant: 'acme',
  });
  const expiring = await createApiKey({ store, now, name: 'expiring', expiresIn: 600 });
  const revoked = await createApiKey({ store, now, name: 'revoked' });
  await revokeApiKey({ store, now, ref: 'revoked' });
  const old = await createApiKey({ store, now, name: 'rotating' });
  const successor = await rotateApiKey({ store, now, ref: 'rotating', grace: 300 });
  const presented = [
    active.key,
    expiring.key,
    revoked.key,
    old.key,
    successor.key,
    generateApiKey(),
    malformApiKey(active.key, 'typo'),
    malformApiKey(active.key, 'truncated'),
    'nonsense',
  ];
  return { store, now, presented, active };
}

describe('export and service-side verification', () => {
  it('the store, the export document and both indexed verifiers agree on every key at every time', async () => {
    const { store, now, presented } = await scenario();
    const records = (await readApiKeyStore(store)).keys;
    const doc = await exportApiKeys({ store, now });
    const fromStore = createApiKeyVerifier(records);
    const fromExport = createExportVerifier(JSON.parse(JSON.stringify(doc)));
    const seen = new Set<string>();
    for (const seconds of [0, 299, 300, 599, 600, 10_000]) {
      for (const key of presented) {
        const expected = verifyApiKeyAgainst(records, key, at(seconds));
        seen.add(expected.reason);
        expect(verifyApiKeyWithExport(doc, key, at(seconds))).toEqual(expected);
        expect(fromStore(key, at(seconds))).toEqual(expected);
        expect(fromExport(key, at(seconds))).toEqual(expected);
      }
    }
    expect([...seen].sort()).toEqual([
      'checksum',
      'expired',
      'malformed',
      'ok',
      'revoked',
      'rotated',
      'truncated',
      'unknown',
    ]);
  });

  it('status in the document is as of generation; valid_until tells a service when to stop', async () => {
    const { store, now } = await scenario();
    const doc = await exportApiKeys({ store, now });
    expect(doc.generated_at).toBe('2026-05-01T00:00:00.000Z');
    const byName = (name: string) => doc.keys.filter((k) => k.name === name);
    expect(byName('expiring')[0]).toMatchObject({
      status: 'active',
      valid_until: '2026-05-01T00:10:00.000Z',
    });
    expect(byName('rotating').map((k) => [k.status, k.valid_until])).toEqual([
      ['grace', '2026-05-01T00:05:00.000Z'],
      ['active', null],
    ]);
    expect(byName('revoked')[0]).toMatchObject({
      status: 'revoked',
      revoked_at: '2026-05-01T00:00:00.000Z',
    });
    const validOnly = await exportApiKeys({ store, now, validOnly: true });
    expect(validOnly.keys.map((k) => k.name)).toEqual([
      'active',
      'expiring',
      'rotating',
      'rotating',
    ]);
    expect(() => verifyApiKeyWithExport({ ...doc, version: 2 } as never, 'x')).toThrow(
      expect.objectContaining({ code: 'ERR_APIKEY_EXPORT_FORMAT' }),
    );
  });

  it('the env form reads back literally in sh, even with quotes, $ and backticks in values', async () => {
    const { store, now } = await scenario();
    const doc = buildApiKeyExport((await readApiKeyStore(store)).keys, now(), {
      header: 'X-Relay-Key',
    });
    const file = path.join(tempDir(), 'keys.env');
    writeFileSync(file, renderApiKeyExportEnv(doc, 'RELAY_KEYS'));
    const read = (name: string) =>
      execFileSync('sh', ['-c', `set -a; . "${file}"; printf %s "$${name}"`], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: '/nowhere' },
      });
    expect(read('RELAY_KEYS_0_SCOPES')).toBe("it's $HOME `id`");
    expect(read('RELAY_KEYS_HEADER')).toBe('X-Relay-Key');
    expect(read('RELAY_KEYS_0_TENANT')).toBe('acme');
    expect(read('RELAY_KEYS_1_TENANT')).toBe('');
    expect(read('RELAY_KEYS_FORMAT_VERSION')).toBe('1');
    expect(() => renderApiKeyExportEnv(doc, 'bad-prefix')).toThrow(
      expect.objectContaining({ code: 'ERR_APIKEY_ENV_PREFIX' }),
    );
  });
});
