// The probe spec checked without zod (src/core/probe/spec.ts, quickSpec): its shape is
// probeSpecSchema's (regenerated here), and whatever it accepts zod accepts with the very same
// output, for every probe spec in the repository and thousands of seeded mutations of them.
// After changing the probe spec schema: UPDATE_GENERATED=1 npx vitest run test/probe/spec-quick.test.ts
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { quickCheck, UNSURE } from '../../src/core/config/quick.js';
import { probeSpecSchema } from '../../src/core/probe/config.js';
import { PROBE_SPEC_SHAPE } from '../../src/core/probe/spec-shape.generated.js';
import { checkProbeSpec, normalizeSpec } from '../../src/core/probe/spec.js';
import { ROOT } from '../helpers/cli.js';
import { pick, rng } from '../helpers/rng.js';
import { expectGenerated, mutate, quickAgrees, same, shapeModule } from '../helpers/zod-agree.js';

const FILE = path.join(ROOT, 'src/core/probe/spec-shape.generated.ts');

const SPEC_FILES = [
  'examples/agentflow/probe-apikey.toml',
  'examples/agentflow/probe.toml',
  'examples/datapress/probe.toml',
  'examples/k3/probe-presigned.toml',
  'examples/k3/probe.toml',
  'examples/recsys/probe.toml',
  'examples/relay/probe.toml',
];
const parsed = (file: string) =>
  parseToml(readFileSync(path.join(ROOT, file), 'utf8')) as Record<string, unknown>;

/** One of each credential type and most keys of an endpoint, valid as written. */
const TYPICAL = {
  base_url: 'http://127.0.0.1:8080/api',
  jwt: { issuer: 'https://id.example', audience: ['api://orders'], tenant_claim: '/tid' },
  credentials: {
    reader: { type: 'jwt', sub: 'alice', tenant: 'acme', roles: ['viewer'] },
    ci: { type: 'idp', token_url: 'http://127.0.0.1:9400/token', client_id: 'ci', revoke: true },
    real: { type: 'env', env: 'REAL_TOKEN' },
    key: { type: 'apikey', env: 'API_KEY', header: 'X-Key' },
    s3: { type: 'sigv4', access_key_id_env: 'AK', secret_access_key_env: 'SK', presign: true },
    file: { type: 'presigned', url_env: 'URL', scheme: 'k3' },
    dev: { type: 'headers', headers: { 'X-User': 'alice' } },
  },
  endpoints: [
    { path: '/healthz', public: true },
    { method: 'DELETE', path: '/v1/{tenant}/r/{id}', tenant: 'acme', allow: ['reader'] },
    { path: '/v1/things', allow: ['ci', 'real'], deny: ['key'], status: [200, 204], exclude: [] },
  ],
  params: { id: '42' },
  tenants: { mismatch_status: [403, 404] },
  variants: ['head', 'trailing-slash'],
  concurrency: 8,
  timeout: '5s',
  severity: { 'jwt:no-exp': 'error' },
};

/** Values and keys of probe specs, for the mutations to draw from besides the generic odd ones. */
const SPEC_VALUES = ['/', '/x', 'GET', 'http://127.0.0.1:1', ' http://a', 'jwt', 'idp', 401, 403];
const SPEC_KEYS = ['type', 'path', 'allow', 'base_url', 'credentials', 'endpoints', 'method'];

/** What the check accepts zod accepts, with the same output. Returns whether it was sure. */
const agrees = (raw: unknown, name: string) =>
  quickAgrees(PROBE_SPEC_SHAPE, probeSpecSchema, raw, name);

describe('the probe spec check without zod', () => {
  it('is probeSpecSchema written down (spec-shape.generated.ts), with no part left to zod', () => {
    expectGenerated(
      FILE,
      shapeModule({
        schema: probeSpecSchema,
        schemaName: 'probeSpecSchema',
        changing: 'the probe spec schema',
        test: 'test/probe/spec-quick.test.ts',
        quickImport: '../config/quick.js',
        name: 'PROBE_SPEC_SHAPE',
      }),
    );
    expect(JSON.stringify(PROBE_SPEC_SHAPE)).not.toContain('"t":"zod"');
  });

  it('answers every probe spec of the repository and a typical one without zod', async () => {
    for (const [name, raw] of [
      ['typical', TYPICAL] as const,
      ...SPEC_FILES.map((file) => [file, parsed(file)] as const),
    ]) {
      expect(agrees(raw, name), name).toBe(true);
      // And the run reads it as it did with zod (defaults filled in, endpoints normalised).
      const data = probeSpecSchema.parse(raw, { jitless: true });
      same(await checkProbeSpec(structuredClone(raw), name), normalizeSpec(data, name));
    }
  });

  it('accepts nothing zod refuses, and outputs what zod outputs, over 5,000 seeded mutations', () => {
    const random = rng(2027);
    const bases = [TYPICAL, ...SPEC_FILES.map(parsed)];
    let sure = 0;
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      let raw: unknown = pick(random, bases);
      for (let n = 1 + Math.floor(random() * 3); n > 0; n--)
        raw = mutate(raw, random, SPEC_VALUES, SPEC_KEYS);
      if (agrees(raw, `mutation ${i}`)) sure++;
      if (probeSpecSchema.safeParse(raw, { jitless: true }).success) accepted++;
    }
    // Both sides are exercised: most mutations break the spec (zod refuses them, in its words),
    // and of those zod takes, the check is sure of nearly all (it leaves few to zod).
    expect(5000 - accepted).toBeGreaterThan(3000);
    expect(sure).toBeGreaterThan(300);
    expect(sure / accepted).toBeGreaterThan(0.9);
  });

  it('leaves the error to zod: a mistake is worded and located as before', async () => {
    const text = '{\n  "base_url": "http://127.0.0.1:1",\n  "endpoints": [{ "path": "x" }]\n}';
    await expect(checkProbeSpec(JSON.parse(text), 'probe.json')).rejects.toMatchObject({
      code: 'ERR_PROBE_SPEC_INVALID',
      message: 'endpoints[0].path: must start with /',
    });
    // A URL zod trims is zod's to read (the quick check is not sure of it).
    const padded = { base_url: ' http://a', endpoints: [{ path: '/', public: true }] };
    expect(quickCheck(PROBE_SPEC_SHAPE, padded)).toBe(UNSURE);
    await expect(checkProbeSpec(padded, 'p')).resolves.toMatchObject({ baseUrl: 'http://a' });
  });
});
