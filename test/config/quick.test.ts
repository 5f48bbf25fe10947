// The config check without zod (src/core/config/quick.ts): its shape is authctlConfigSchema's
// (regenerated here), and whatever it accepts zod accepts with the very same output, for every
// config in the repository and thousands of seeded mutations of them.
// After changing a config schema: UPDATE_GENERATED=1 npx vitest run test/config/quick.test.ts
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { deriveQuickShape } from '../../src/core/config/quick-derive.js';
import { QUICK_SHAPE } from '../../src/core/config/quick-shape.generated.js';
import { quickCheck, UNSURE } from '../../src/core/config/quick.js';
import { authctlConfigSchema } from '../../src/core/config/schema.js';
import { validateConfig } from '../../src/core/config/validate.js';
import { ROOT } from '../helpers/cli.js';
import { pick, rng } from '../helpers/rng.js';
import { expectGenerated, mutate, quickAgrees, same, shapeModule } from '../helpers/zod-agree.js';

const FILE = path.join(ROOT, 'src/core/config/quick-shape.generated.ts');

const CONFIG_FILES = [
  'examples/agentflow/authctl.toml',
  'examples/relay/authctl.toml',
  'test/fixtures/config/valid/authctl/authctl.toml',
  'test/fixtures/config/valid/authctl/.authctlrc.json',
];
const parsed = (file: string): Record<string, unknown> => {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return (file.endsWith('.json') ? JSON.parse(text) : parseToml(text)) as Record<string, unknown>;
};

/** A config of common keys of every section the quick check models, valid as written. */
const TYPICAL = {
  $schema: 'https://example.test/authctl.schema.json',
  home: '.authctl',
  token: {
    issuer: 'http://127.0.0.1:9400',
    audience: ['api://orders', 'api://billing'],
    alg: 'ES256',
    ttl: '15m',
    tenant_claim: '/tid',
    roles_claim: '/realm_access/roles',
    scope_format: 'array',
  },
  tokens: { admin: { sub: 'root', roles: ['admin'], ttl: 3600, claims: { '/org/id': 'acme' } } },
  keys: { rsa_bits: 3072, grace: '2h' },
  sigv4: { dev: { access_key_id: 'AKIDEXAMPLE', region: 'us-east-1', service: 's3' } },
};

/** What the check accepts zod accepts, with the same output. Returns whether it was sure. */
async function agrees(raw: unknown, name: string): Promise<boolean> {
  if (!quickAgrees(QUICK_SHAPE, authctlConfigSchema, raw, name)) return false;
  // And validateConfig answers with it.
  same(await validateConfig(raw, name), authctlConfigSchema.parse(raw, { jitless: true }), name);
  return true;
}

describe('the config check without zod', () => {
  it('is authctlConfigSchema written down (quick-shape.generated.ts)', () => {
    expectGenerated(
      FILE,
      shapeModule({
        schema: authctlConfigSchema,
        schemaName: 'authctlConfigSchema',
        changing: 'a config schema',
        test: 'test/config/quick.test.ts',
        quickImport: './quick.js',
        name: 'QUICK_SHAPE',
      }),
    );
  });

  it('answers a typical config and the repository configs that have no [probe] or [idp] without zod', async () => {
    expect(await agrees(TYPICAL, 'typical')).toBe(true);
    expect(await agrees({}, 'empty')).toBe(true);
    for (const file of CONFIG_FILES) {
      const raw = parsed(file);
      const sure = await agrees(raw, file);
      if (!('probe' in raw) && !('idp' in raw)) expect(sure, file).toBe(true);
    }
  });

  it('accepts nothing zod refuses, and outputs what zod outputs, over 6,000 seeded mutations', async () => {
    const random = rng(2026);
    const bases = [TYPICAL, ...CONFIG_FILES.map(parsed)];
    let sure = 0;
    let refused = 0;
    for (let i = 0; i < 6000; i++) {
      let raw: unknown = pick(random, bases);
      for (let n = 1 + Math.floor(random() * 3); n > 0; n--) raw = mutate(raw, random);
      if (await agrees(raw, `mutation ${i}`)) sure++;
      else if (!authctlConfigSchema.safeParse(raw, { jitless: true }).success) refused++;
    }
    // Both sides are exercised: many accepted without zod, many refused (by zod, with its words).
    expect(sure).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(1000);
  });

  it('leaves the error to zod: same message for a bad value as before', async () => {
    await expect(
      validateConfig({ token: { tenant_claim: 'tid' } }, 'authctl.toml'),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/^token\.tenant_claim: must be an RFC 6901 JSON pointer/),
    });
  });

  // Found by review: values a JavaScript config (authctl.config.mjs) can hold.
  it('leaves to zod a record with a symbol key or an own constructor', async () => {
    const symbol = { tokens: { ci: { claims: { [Symbol.for('n')]: 'x' } } } };
    const ctor = { tokens: { ci: { claims: { constructor: class T {} } } } };
    for (const raw of [symbol, ctor]) {
      expect(quickCheck(QUICK_SHAPE, raw)).toBe(UNSURE);
      await expect(validateConfig(raw, 'authctl.config.mjs')).rejects.toThrow(/tokens\.ci\.claims/);
    }
  });

  // Schemas the config does not have today, but the next change might: each is zod's, or checked
  // as zod checks it.
  it("derives only what it checks exactly, for schemas beyond today's", () => {
    const cases: Array<[z.ZodType, unknown[]]> = [
      [z.string().regex(/^a/).regex(/b$/), ['ab', 'xb', 'ax']],
      [z.string().min(5).min(1), ['ab', 'abcdef']],
      [z.number().gt(5).gte(0), [1, 6]],
      [z.string().min(2), ['😀', '😀😀', 'ab']],
      [z.string().max(1), ['😀', 'ab']],
      [z.xor([z.string(), z.string().min(1)]), ['x', '']],
      [z.enum({ A: 0, B: 1 } as unknown as Record<string, number>), ['A', 0]],
      [
        z.strictObject({ a: z.union([z.string().default('x'), z.number()]).optional() }),
        [{}, { a: 1 }],
      ],
      [
        z.union([
          z.strictObject({ d: z.strictObject({}).optional() }),
          z.strictObject({ d: z.unknown().optional() }),
        ]),
        [{ d: new Date(0) }, { d: {} }],
      ],
      [z.union([z.string(), z.array(z.string())]), ['a', ['a'], [1]]],
      // The probe spec's kinds (test/probe/spec-quick.test.ts): defaults, URLs, prefixes, tags.
      [
        z.strictObject({ a: z.string().default('x') }),
        [{}, { a: 'y' }, { a: undefined }, { a: 1 }],
      ],
      [z.strictObject({ a: z.array(z.string()).default(() => ['x']) }), [{}, { a: [] }]],
      [z.strictObject({ d: z.date().default(new Date(0)) }), [{}]],
      [z.url(), ['http://a', 'mailto:x', ' http://a', 'http://a\tb', 'x', 'HTTP://A/']],
      [z.url({ protocol: /^https?$/ }), ['https://a', 'ftp://a', 'http:a', 'http:/a', 'http://']],
      [z.url({ hostname: /^a$/ }), ['http://a', 'http://b']],
      [z.url({ normalize: true }), ['HTTP://A']],
      [z.string().startsWith('/'), ['/a', 'a', '']],
      [
        z.discriminatedUnion('t', [
          z.strictObject({ t: z.literal('a'), x: z.string() }),
          z.strictObject({ t: z.enum(['b', 'c']), y: z.number().optional() }),
        ]),
        [{ t: 'a', x: '1' }, { t: 'b' }, { t: 'c', y: 1 }, { t: 'd' }, { t: 'a' }, ['t'], {}],
      ],
    ];
    for (const [schema, values] of cases) {
      const shape = deriveQuickShape(schema);
      for (const value of values) {
        const quick = quickCheck(shape, value);
        if (quick === UNSURE) continue;
        const zod = schema.safeParse(value, { jitless: true });
        expect(zod.success, `${JSON.stringify(shape)} accepted ${String(value)}`).toBe(true);
        same(quick, zod.data);
      }
    }
    // And still checks the plain ones itself.
    expect(deriveQuickShape(z.union([z.string(), z.array(z.string())])).t).toBe('union');
    expect(deriveQuickShape(z.string().min(1).max(32)).t).toBe('string');
    expect(deriveQuickShape(z.url({ protocol: /^https?$/ }))).toEqual({
      t: 'string',
      url: { protocol: ['^https?$', ''] },
    });
    for (const schema of [z.url({ hostname: /^a$/ }), z.url({ normalize: true })])
      expect(deriveQuickShape(schema).t).toBe('zod');
    // A default that is not JSON is zod's to make: the object is then zod's.
    expect(deriveQuickShape(z.strictObject({ d: z.date().default(new Date(0)) })).t).toBe('zod');
  });
});
