// Credential names an endpoint lists that are Object.prototype's (`constructor`) or that a parsed
// table cannot hold (`__proto__`): a located usage error naming the list entry, never a crash deeper
// in the run (they used to end in "u is not a function").
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProbeSpecFile } from '../../src/core/probe/spec.js';
import { tempDir } from '../helpers/cli.js';

const spec = (credentials: string, allow: string) =>
  `{"base_url":"http://127.0.0.1:9","credentials":${credentials},"endpoints":[{"path":"/a","allow":["${allow}"]}]}`;

async function errorOf(
  text: string,
  name = 'probe.json',
): Promise<{ code: string; message: string; hint?: string }> {
  const file = path.join(tempDir('authctl-proto-names-'), name);
  writeFileSync(file, text);
  return loadProbeSpecFile(file).then(
    () => ({ code: 'none', message: 'accepted' }),
    (error: { code: string; message: string; hint?: string }) => error,
  );
}

describe('credential names from Object.prototype', () => {
  it('refuses an allow entry naming an inherited property as an unknown credential', async () => {
    const error = await errorOf(spec('{"reader":{"type":"jwt","sub":"a"}}', 'constructor'));
    expect(error.code).toBe('ERR_PROBE_UNKNOWN_CREDENTIAL');
    expect(error.message).toBe('endpoints[0].allow[0]: no credential "constructor"');
    expect(error.hint).toBe('defined credentials: reader');
  });

  it('refuses a credential named __proto__ (JSON and TOML), saying to rename it', async () => {
    const json = await errorOf(spec('{"__proto__":{"type":"jwt","sub":"a"}}', '__proto__'));
    const toml = await errorOf(
      'base_url = "http://127.0.0.1:9"\n[credentials.__proto__]\ntype = "jwt"\nsub = "a"\n[[endpoints]]\npath = "/a"\nallow = ["__proto__"]\n',
      'probe.toml',
    );
    for (const error of [json, toml]) {
      expect(error.code).toBe('ERR_PROBE_UNKNOWN_CREDENTIAL');
      expect(error.hint).toMatch(/cannot be named __proto__.*rename it/);
    }
  });

  it('still accepts a credential really named constructor', async () => {
    const file = path.join(tempDir('authctl-proto-names-'), 'probe.json');
    writeFileSync(file, spec('{"constructor":{"type":"jwt","sub":"a"}}', 'constructor'));
    const loaded = await loadProbeSpecFile(file);
    expect(loaded.credentials.constructor).toMatchObject({ type: 'jwt', sub: 'a' });
  });
});
