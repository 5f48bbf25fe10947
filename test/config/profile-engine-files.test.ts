import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyConfig } from '../../src/core/verify/verify.js';
import { tempDir } from '../helpers/cli.js';

/**
 * Engine features agentflow.profile.toml needs (a key naming another file, per-key absent-at,
 * `unknown = "typos"`, conditions on a value's type and on the run's variables), on real files:
 * the golden corpus has no --env-file / --from-env cases, and these work for any profile.
 */
function dir(files: Record<string, string>): string {
  const root = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(root, name), text);
  return root;
}

const at = (r: Awaited<ReturnType<typeof verifyConfig>>) =>
  r.findings.map((f) => `${f.rule}@${f.file}:${f.line ?? null}:${f.column ?? null}`);

const STRONG = 'JWT_SECRET_KEY=Vq3cJ4q8m2yYl0nQ5sX9tB7wZ1aE6dF2hK4pR8uW0zC=\nJWT_ALGORITHM=HS256\n';
const JSON_WITH_ENV = '{\n  "agent": "graph.react:app",\n  "auth": "jwt",\n  "env": ".env"\n}\n';

describe('a key that names a file (`file = { format = "env", environment = true }`)', () => {
  it('--env-file values replace the named .env values; the finding is at the .env line they replace', async () => {
    const cwd = dir({
      'agentflow.json': JSON_WITH_ENV,
      '.env': STRONG,
      'prod.env': 'JWT_SECRET_KEY=short\n',
    });
    const r = await verifyConfig({ files: ['agentflow.json'], envFiles: ['prod.env'], cwd });
    // prod.env is checked itself too (its own weak secret, and no JWT_ALGORITHM at its top).
    expect(at(r)).toEqual([
      'auth/weak-hmac-secret@.env:1:16',
      'agentflow/jwt-algorithm-missing@prod.env:null:null',
      'auth/weak-hmac-secret@prod.env:1:16',
    ]);
  });

  it('--from-env replaces only the keys the .env section declares, and only with that flag', async () => {
    const cwd = dir({ 'agentflow.json': JSON_WITH_ENV, '.env': STRONG });
    const env = { JWT_ALGORITHM: 'HS265', PATH: '/bin' };
    const r = await verifyConfig({ files: ['agentflow.json'], fromEnv: true, env, cwd });
    // The environment is also checked as a document of its own (<env>), as before.
    expect(at(r).filter((f) => !f.includes('@<env>'))).toEqual([
      'auth/algorithm-not-allowed@.env:2:15',
    ]);
    expect(at(await verifyConfig({ files: ['agentflow.json'], env, cwd }))).toEqual([]);
  });

  it('an empty JWT_ALGORITHM= is an algorithm agentflow does not know (a report override of auth/no-algorithms)', async () => {
    const cwd = dir({ 'agentflow.json': JSON_WITH_ENV, '.env': STRONG.replace('HS256', '') });
    expect(at(await verifyConfig({ files: ['agentflow.json'], cwd }))).toEqual([
      'auth/algorithm-not-allowed@.env:2:15',
    ]);
  });

  it('without a named file, an `env` condition reads the run: JWT_SECRET_KEY from --from-env is enough', async () => {
    const cwd = dir({ 'agentflow.json': '{\n  "agent": "graph.react:app",\n  "auth": "jwt"\n}\n' });
    const files = ['agentflow.json'];
    expect(at(await verifyConfig({ files, cwd }))).toEqual([
      'agentflow/jwt-secret-missing@agentflow.json:3:11',
    ]);
    const env = { JWT_SECRET_KEY: 'x'.repeat(40) };
    const r = await verifyConfig({ files, cwd, fromEnv: true, env });
    expect(r.findings.filter((f) => f.file === 'agentflow.json')).toEqual([]);
  });

  it('`when`: the named file is read only when it holds (a custom backend ignores the .env), its existence always', async () => {
    const custom =
      '{\n  "auth": {"method": "custom", "path": "graph.auth:Key"},\n  "env": "%s"\n}\n';
    const cwd = dir({
      'a.json': custom.replace('%s', '.env'),
      'b.json': custom.replace('%s', 'gone.env'),
      '.env': 'JWT_ALGORITHM=HS256\n',
    });
    const r = await verifyConfig({ files: ['a.json', 'b.json'], cwd, profile: 'agentflow' });
    expect(at(r)).toEqual(['agentflow/env-file-missing@b.json:3:10']);
  });
});

describe('conditions on a value type, `unknown = "typos"`', () => {
  it('"auth" is told apart by type: null, a string other than "jwt", an object, anything else', async () => {
    const cwd = dir({
      'null.json': '{"auth": null}',
      'str.json': '{"auth": "JWT"}',
      'list.json': '{"auth": ["jwt"]}',
      'obj.json': '{"auth": {"path": "graph.auth:Key"}}',
    });
    const files = ['null.json', 'str.json', 'list.json', 'obj.json'];
    const r = await verifyConfig({ files, cwd, profile: 'agentflow' });
    expect(at(r)).toEqual([
      'agentflow/invalid-auth@list.json:1:10',
      'auth/disabled@null.json:1:10',
      // No "method": reported at the table (the section's absent-at), not at a key that is not there.
      'agentflow/invalid-auth@obj.json:1:10',
      // Matched exactly: "JWT" is not the method "jwt".
      'agentflow/invalid-auth@str.json:1:10',
    ]);
  });

  it('"authorization": null is no backend, "" and an object are wrong import paths', async () => {
    const cwd = dir({
      'a.json': '{"auth": "jwt", "env": null, "authorization": null}',
      'b.json': '{"authorization": ""}',
      'c.json': '{"authorization": {"path": "a:b"}}',
    });
    const r = await verifyConfig({
      files: ['a.json', 'b.json', 'c.json'],
      cwd,
      profile: 'agentflow',
    });
    expect(at(r).filter((f) => f.includes('import-path'))).toEqual([
      'agentflow/invalid-import-path@b.json:1:19',
      'agentflow/invalid-import-path@c.json:1:19',
    ]);
  });

  it('a check with `suggest` says did-you-mean for a near miss only', async () => {
    const cwd = dir({ 'typo.json': '{"auth": "jtw"}', 'far.json': '{"auth": "oauth2-bearer"}' });
    const r = await verifyConfig({ files: ['typo.json', 'far.json'], cwd, profile: 'agentflow' });
    expect(r.findings.map((f) => f.message)).toEqual([
      '"auth": "oauth2-bearer" is not a method',
      '"auth": "jtw" is not a method: did you mean "jwt"?',
    ]);
  });

  it('a closed section with unknown = "typos" reports a near miss only', async () => {
    const cwd = dir({
      'agentflow.json':
        '{\n  "auth": {"method": "custom", "path": "a:B"},\n  "graphs": {},\n  "agnet": "a:b"\n}\n',
    });
    const r = await verifyConfig({ files: ['agentflow.json'], cwd });
    expect(r.findings.map((f) => [f.rule, f.line, f.message])).toEqual([
      ['config/unknown-key', 4, 'unknown key "agnet": did you mean "agent"?'],
    ]);
  });
});
