import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseToml } from '../../src/core/config/toml.js';
import { draftSpecFromOpenApi } from '../../src/core/probe/openapi.js';
import { parseProbeSpec } from '../../src/core/probe/spec-parse.js';
import { runCli, tempDir } from '../helpers/cli.js';

const swagger = {
  swagger: '2.0',
  host: 'api.example.com:8443',
  basePath: '/v2/',
  schemes: ['https'],
  securityDefinitions: {
    Keys: { type: 'apiKey', in: 'header', name: 'X-Api-Token' },
    OAuth: {
      type: 'oauth2',
      flow: 'application',
      tokenUrl: 'https://login.example.com/token',
      scopes: { 'pets:write': 'write pets' },
    },
    Basic: { type: 'basic' },
  },
  security: [{ Keys: [] }],
  paths: {
    '/health': { get: { security: [] } },
    '/orgs/{org_id}/pets': { get: {}, post: { security: [{ OAuth: ['pets:write'] }] } },
    '/admin': { delete: { security: [{ Basic: [] }] } },
  },
};

const openapi31 = {
  openapi: '3.1.0',
  servers: [{ url: 'http://127.0.0.1:9000/api' }],
  webhooks: { newPet: { post: { requestBody: {} } } },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
  },
  security: [{ bearer: ['reports:read'] }],
  paths: { 'x-internal': {}, '/reports/{id}': { get: {} }, '/status': { get: { security: [{}] } } },
};

const draft = (doc: unknown) => {
  const d = draftSpecFromOpenApi(doc, { source: 'openapi.json' });
  return { ...d, spec: parseProbeSpec(parseToml(d.toml, 'draft'), 'draft') };
};

describe('probe init --from-openapi: Swagger 2.0 and OpenAPI 3.1', () => {
  it('Swagger 2.0: securityDefinitions become credentials (apiKey header, oauth2 scopes, basic), base_url from schemes/host/basePath', () => {
    const { spec, credentials } = draft(swagger);
    expect(spec.baseUrl).toBe('https://api.example.com:8443/v2');
    expect(credentials.sort()).toEqual(['basic', 'keys', 'no_scopes', 'oauth']);
    expect(spec.credentials.keys).toMatchObject({ type: 'apikey', header: 'X-Api-Token' });
    expect(spec.credentials.basic).toMatchObject({ type: 'env', scheme: 'Basic' });
    expect(spec.credentials.oauth).toMatchObject({ type: 'jwt', scopes: ['pets:write'] });
    const byId = Object.fromEntries(spec.endpoints.map((e) => [e.id, e]));
    expect(byId['GET /health']!.public).toBe(true);
    expect(byId['GET /orgs/acme/pets']).toMatchObject({ tenant: 'acme', allow: ['keys'] });
    expect(byId['POST /orgs/acme/pets']).toMatchObject({
      allow: ['oauth'],
      deny: ['no_scopes'],
      scopes: ['pets:write'],
    });
    expect(byId['DELETE /admin']!.allow).toEqual(['basic']);
  });

  it('OpenAPI 3.1: skips x- path keys and webhooks; {} in security means public', () => {
    const { spec } = draft(openapi31);
    expect(spec.baseUrl).toBe('http://127.0.0.1:9000/api');
    expect(spec.endpoints.map((e) => [e.id, e.public])).toEqual([
      ['GET /reports/example', false],
      ['GET /status', true],
    ]);
    expect(spec.endpoints[0]!).toMatchObject({ allow: ['bearer'], scopes: ['reports:read'] });
  });

  it('exits 2 for an unsupported version and a webhooks-only 3.1 document', async () => {
    const dir = tempDir();
    const write = (name: string, doc: unknown) =>
      writeFileSync(path.join(dir, name), typeof doc === 'string' ? doc : JSON.stringify(doc));
    write('v4.json', { openapi: '4.0.0', paths: { '/a': { get: {} } } });
    write('hooks.json', { openapi: '3.1.0', webhooks: { a: { post: {} } } });
    write('swagger.json', swagger);
    const v4 = await runCli(['probe', 'init', '--from-openapi', 'v4.json'], { cwd: dir });
    expect(v4.code).toBe(2);
    expect(v4.stderr).toMatch(/unsupported OpenAPI version "4\.0\.0"/);
    const hooks = await runCli(['probe', 'init', '--from-openapi', 'hooks.json'], { cwd: dir });
    expect(hooks.code).toBe(2);
    expect(hooks.stderr).toMatch(/the document has no paths to probe/);
    const ok = await runCli(['probe', 'init', '--from-openapi', 'swagger.json'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('base_url = "https://api.example.com:8443/v2"');
  });

  it('reads OpenAPI YAML like JSON; a YAML syntax error is located and exits 2', async () => {
    const dir = tempDir();
    const yamlDoc = [
      'openapi: 3.1.0',
      'servers:',
      '  - url: http://127.0.0.1:9000/api',
      'components:',
      '  securitySchemes:',
      '    bearer: { type: http, scheme: bearer, bearerFormat: JWT }',
      'security:',
      '  - bearer: [reports:read]',
      'paths:',
      '  /reports/{id}:',
      '    get: {}',
      '  /status:',
      '    get:',
      '      security: [{}]',
      '',
    ].join('\n');
    writeFileSync(path.join(dir, 'api.yaml'), yamlDoc);
    writeFileSync(
      path.join(dir, 'api.json'),
      JSON.stringify({
        ...openapi31,
        webhooks: undefined,
        paths: { '/reports/{id}': { get: {} }, '/status': { get: { security: [{}] } } },
      }),
    );
    const fromYaml = await runCli(['probe', 'init', '--from-openapi', 'api.yaml'], { cwd: dir });
    const fromJson = await runCli(['probe', 'init', '--from-openapi', 'api.json'], { cwd: dir });
    expect(fromYaml.code).toBe(0);
    expect(fromYaml.stdout.replaceAll('api.yaml', 'api.json')).toBe(fromJson.stdout);
    expect(fromYaml.stdout).toContain('/reports/');
    writeFileSync(path.join(dir, 'broken.yaml'), 'openapi: 3.1.0\npaths:\n  /a: [unclosed\n');
    const broken = await runCli(['probe', 'init', '--from-openapi', 'broken.yaml'], { cwd: dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(
      /^authctl: error: YAML syntax error: .*\(broken\.yaml:\d+:\d+\)|broken\.yaml:\d+:\d+/,
    );
    expect(broken.stderr).not.toMatch(/\n\s+at /);
  });
});
