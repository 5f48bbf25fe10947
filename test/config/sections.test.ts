// A config is validated with the sections it has only (config/sections.ts, issue #17): these tests
// hold that to the same answers as the whole schema, for every config in the repository and for
// broken variants of each section.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { authctlConfigSchema } from '../../src/core/config/schema.js';
import { CONFIG_SECTIONS } from '../../src/core/config/sections.js';
import { validateConfig } from '../../src/core/config/validate.js';
import { configSchemaFor } from '../../src/core/config/validate-zod.js';
import { ROOT } from '../helpers/cli.js';

const shape = authctlConfigSchema.shape as Record<string, unknown>;

/** Every authctl config in the repository that parses: the examples, the template, the fixtures. */
function repositoryConfigs(): Array<[string, unknown]> {
  const files = [
    'examples/agentflow/authctl.toml',
    'examples/relay/authctl.toml',
    'templates/authctl.toml',
    ...['valid', 'invalid'].flatMap((kind) => {
      const dir = `test/fixtures/config/${kind}/authctl`;
      return readdirSync(path.join(ROOT, dir), { withFileTypes: true })
        .filter((e) => e.isFile() && !e.name.endsWith('.expected.json'))
        .map((e) => `${dir}/${e.name}`);
    }),
  ];
  return files.flatMap((file): Array<[string, unknown]> => {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    try {
      return [[file, file.endsWith('.json') ? JSON.parse(text) : parseToml(text)]];
    } catch {
      return []; // a syntax error: never reaches the schema
    }
  });
}

/** Broken and odd variants: each section of the wrong type, with an unknown key, beside another. */
function variants(): Array<[string, unknown]> {
  const cases: Array<[string, unknown]> = [
    ['empty', {}],
    ['an array', []],
    ['a string', 'token'],
    ['null', null],
    ['an unknown section', { tokenz: { audience: 'x' } }],
    ['an unknown section beside a known one', { token: { audience: 'x' }, probes: {} }],
    ['an inherited name', JSON.parse('{"constructor": {}, "__proto__": {"token": 1}}')],
  ];
  for (const key of Object.keys(shape)) {
    cases.push([`${key} = 42`, { [key]: 42 }]);
    cases.push([`${key} with an unknown key`, { [key]: { no_such_key: true } }]);
    cases.push([`${key} and a bad token`, { token: { ttl: [] }, [key]: {} }]);
  }
  return cases;
}

describe('config sections', () => {
  it('lists the keys of authctlConfigSchema in its order, each loading the very schema it holds', async () => {
    expect([...CONFIG_SECTIONS.keys()]).toEqual(Object.keys(shape));
    for (const [key, load] of CONFIG_SECTIONS) expect(await load(), key).toBe(shape[key]);
  });

  it('a config validated with its sections only gets the answer of the whole schema', async () => {
    const cases = [...repositoryConfigs(), ...variants()];
    expect(cases.length).toBeGreaterThan(50);
    let failures = 0;
    for (const [name, raw] of cases) {
      const whole = authctlConfigSchema.safeParse(raw, { jitless: true });
      const cut = (await configSchemaFor(raw)).safeParse(raw, { jitless: true });
      expect(cut.success, name).toBe(whole.success);
      if (whole.success) expect(cut.data, name).toEqual(whole.data);
      else {
        failures++;
        const first = (r: typeof whole) => {
          const issue = r.error!.issues[0]!;
          return { code: issue.code, path: issue.path, message: issue.message };
        };
        expect(first(cut as typeof whole), name).toEqual(first(whole));
      }
    }
    expect(failures).toBeGreaterThan(20);
  });

  it('suggests a section the file does not have (the whole schema answers did-you-mean)', async () => {
    await expect(validateConfig({ tokenz: {} }, 'authctl.toml')).rejects.toMatchObject({
      message: 'unknown key "tokenz"',
      hint: 'did you mean "token"?',
    });
    await expect(
      validateConfig({ token: { audience: 'x' }, probe: { base_ur: 'x' } }, 'authctl.toml'),
    ).rejects.toMatchObject({
      message: 'probe: unknown key "probe.base_ur"',
      hint: 'did you mean "base_url"?',
    });
  });
});
