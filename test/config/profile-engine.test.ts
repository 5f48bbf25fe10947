import { describe, expect, it } from 'vitest';
import { verifyText } from '../../src/core/verify/verify.js';

/** Engine features datapress.profile.toml needs, on inputs the golden corpus does not have. */
const check = async (text: string) =>
  (await verifyText({ file: 'datapress.toml', text, profile: 'datapress' })).findings
    .map((f) => `${f.rule}@${f.line}:${f.column}`)
    .sort();

describe('profile engine (datapress.profile.toml)', () => {
  it('a key `when` with a root key (.auth.issuer): the swagger issuer is checked as a URL only without auth.issuer', async () => {
    const swagger = '[swagger.oauth2]\nissuer = "http://idp.example.com"\nclient_id = "spa"\n';
    expect(await check(`[server]\nport = 1\n${swagger}`)).toContain('auth/insecure-issuer@4:10');
    const both = `[auth]\nenabled = false\nissuer = "http://idp.example.com"\n${swagger}`;
    // auth.issuer is reported itself; the swagger copy is compared with it, and equal.
    expect(await check(both)).toEqual(['auth/disabled@2:11', 'auth/insecure-issuer@3:10'].sort());
  });

  it('types = "strict": a value of the wrong type is reported once and not read by the checks between keys', async () => {
    // "false" is no boolean: DataPress reads the default, and no auth/disabled is guessed from it.
    expect(await check('[auth]\nenabled = "false"\nissuer = "https://idp.example.com"\n')).toEqual([
      'config/invalid-type@2:11',
    ]);
  });

  it('a section `online`: issuers are fetched only when it holds, required when required-when holds', async () => {
    const on = await verifyText({
      file: 'datapress.toml',
      text: '[auth]\nenabled = true\nissuer = "https://idp.example.com"\naudience = "api://x"\nadmin_token_fallback = false\nread_scopes = ["a"]\nstart_degraded = false\n',
      profile: 'datapress',
    });
    expect(on.online).toEqual([
      expect.objectContaining({
        issuer: 'https://idp.example.com',
        algorithms: ['RS256'],
        scopes: ['a'],
        refreshSecs: 3600,
        required: true,
        requiredBy: 'auth.start_degraded = false',
      }),
    ]);
    const off = await verifyText({
      file: 'datapress.toml',
      text: '[auth]\nenabled = false\nissuer = "https://idp.example.com"\n',
      profile: 'datapress',
    });
    expect(off.online).toEqual([]);
  });
});

describe('profile engine (authctl.profile.toml, schema = "authctl-config")', () => {
  it('detects by every top-level key of the config schema, which the profile lists', async () => {
    const { authctlConfigSchema } = await import('../../src/core/config/schema.js');
    const { builtinProfile } = await import('../../src/core/verify/engine/registry.js');
    const def = builtinProfile('authctl')!.definition!;
    expect(def.detect.keys).toEqual(Object.keys(authctlConfigSchema.shape));
    expect(def.schema).toBe('authctl-config');
  });

  it('an HMAC preset without a [token] secret, at the preset; a wrong type once, from the schema', async () => {
    const run = async (text: string) =>
      (await verifyText({ file: 'authctl.toml', text, profile: 'authctl' })).findings
        .map((f) => `${f.rule}@${f.line}:${f.column}`)
        .sort();
    expect(await run('[tokens.svc]\nsub = "svc"\nalg = "HS256"\n')).toEqual([
      'authctl/hmac-secret-missing@3:7',
    ]);
    expect(
      await run('[tokens.svc]\nsub = "svc"\nalg = "HS256"\n[token]\nsecret_env = "K"\n'),
    ).toEqual([]);
    expect(await run('[token]\nissuer = 5\n')).toEqual(['config/invalid-type@2:10']);
  });
});
