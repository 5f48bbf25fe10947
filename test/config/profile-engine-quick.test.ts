import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { verifyText } from '../../src/core/verify/verify.js';
import { CheckContext } from '../../src/core/verify/context.js';
import { parseDocument } from '../../src/core/verify/document.js';
import { engineChecker } from '../../src/core/verify/engine/engine.js';
import { parseProfile } from '../../src/core/verify/engine/load.js';
import { ROOT } from '../helpers/cli.js';

/**
 * Issue #17: the quick pass (engine/quick.ts) answers for the instances it finds clean, the full
 * checks for the rest. It must never change an answer: every input here is checked with the pass
 * and without it (the full checks for every instance), and findings and --online checks must be
 * the same, in the same order.
 */
const quick = vi.hoisted(() => ({ on: true, answered: 0 }));
vi.mock('../../src/core/verify/engine/quick.js', async (original) => {
  const real = await original<typeof import('../../src/core/verify/engine/quick.js')>();
  const quickCheck: typeof real.quickCheck = (...args) => {
    const answer = quick.on && real.quickCheck(...args);
    if (answer) quick.answered++;
    return answer;
  };
  // Without --online a section's clean instances are judged by quickClean alone (engine.ts).
  const quickClean: typeof real.quickClean = (...args) => {
    const answer = quick.on && real.quickClean(...args);
    if (answer) quick.answered++;
    return answer;
  };
  return { ...real, quickCheck, quickClean };
});

type Options = Parameters<typeof verifyText>[0];

async function both(options: Options) {
  const run = async (on: boolean) => {
    quick.on = on;
    try {
      const { findings, online, profile } = await verifyText(options);
      // And as `verify-config` runs without --online (the clean instances build no Entry then):
      // the same findings; its --online checks may lack the clean instances', by design.
      const offline = await verifyText({ ...options, online: false });
      return { findings, online, profile, offline: offline.findings };
    } catch (error) {
      return { error: String(error) };
    } finally {
      quick.on = true;
    }
  };
  return { quick: await run(true), full: await run(false) };
}

/** One ASP.NET scheme with `overrides` (undefined removes a key), as appsettings.json. */
const scheme = (overrides: Record<string, unknown>): Options => {
  const base: Record<string, unknown> = {
    Authority: 'https://login.example.com/tenant/v2.0',
    ValidAudiences: ['api://orders', 'api://orders-b'],
    RequireHttpsMetadata: true,
    ClockSkew: '00:01:00',
    MapInboundClaims: false,
  };
  for (const [key, value] of Object.entries(overrides))
    if (value === undefined) delete base[key];
    else base[key] = value;
  const schemes = { Bearer: base, Other: { ...base } };
  return {
    file: 'appsettings.json',
    text: JSON.stringify({ Authentication: { Schemes: schemes } }, null, 2),
    profile: 'aspnet-jwt-bearer',
  };
};

const KEYS = [
  'Authority',
  'MetadataAddress',
  'ValidIssuer',
  'ValidIssuers',
  'ValidAudience',
  'ValidAudiences',
  'Audience',
  'RequireHttpsMetadata',
  'ClockSkew',
  'IncludeErrorDetails',
  'SaveToken',
  'MapInboundClaims',
  'authority',
  'VALIDAUDIENCES',
  'SigningKeys',
  'Unknown',
];
const VALUES: unknown[] = [
  undefined,
  'https://login.example.com/tenant/v2.0',
  'https://login.example.com/tenant/v2.0/',
  'http://login.example.com',
  'http://localhost:5000',
  'https://<tenant>.example.com',
  'https://%3Ctenant%3E.example.com',
  'dotnet-user-jwts',
  'api://orders',
  'a,,b',
  '',
  ' ',
  null,
  0,
  5,
  true,
  false,
  'true',
  'false',
  [],
  [''],
  ['api://orders'],
  ['<your-api>'],
  ['https://login.example.com/tenant/v2.0'],
  [1, 'x'],
  {},
  { 0: { Value: 'c2VjcmV0', Issuer: 'x' } },
  '00:01:00',
  '00:10:00',
  '-00:01:00',
  '60',
  '5m',
  'later',
];

describe('quick pass: the same answers as the full checks', () => {
  it('every key of an ASP.NET scheme, set to each kind of value', async () => {
    for (const key of KEYS)
      for (const value of VALUES) {
        const { quick: q, full } = await both(scheme({ [key]: value }));
        expect(q, `${key} = ${JSON.stringify(value)}`).toStrictEqual(full);
      }
    // Not vacuous: the clean schemes were answered by the quick pass.
    expect(quick.answered).toBeGreaterThan(KEYS.length);
  });

  it('a scheme without its issuer or audience keys, with both spellings, with a dotted key', async () => {
    for (const overrides of [
      { Authority: undefined },
      { ValidAudiences: undefined },
      { Authority: undefined, ValidIssuer: 'https://login.example.com/tenant/v2.0' },
      { ValidIssuer: 'https://login.example.com/tenant/v2.0' },
      { ValidIssuer: 'https://other.example.com' },
      { authority: 'http://first.example.com' },
      { 'Authority.Extra': 'x' },
      { 'SigningKeys:0:Value': 'x' },
    ]) {
      const { quick: q, full } = await both(scheme(overrides));
      expect(q, JSON.stringify(overrides)).toStrictEqual(full);
    }
  });

  it('every fixture and example config, with the profile it is detected as', async () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        if (statSync(file).isDirectory()) walk(file);
        else if (!name.endsWith('.expected.json') && !name.endsWith('.md')) files.push(file);
      }
    };
    walk(path.join(ROOT, 'test/fixtures/config'));
    walk(path.join(ROOT, 'examples'));
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) {
      const { quick: q, full } = await both({ file, text: readFileSync(file, 'utf8') });
      expect(q, file).toStrictEqual(full);
    }
  });

  it("a profile's own section: an issuer without its rules, flags, a leeway, conflicts", async () => {
    const profile = parseProfile(
      'svc.profile.yaml',
      [
        'profile: svc',
        'title: Svc',
        'formats: [yaml]',
        'sections:',
        '  - at: "auth.*"',
        '    keys:',
        '      iss: { type: string, meaning: issuer, meaning-rules: false }',
        '      aud: { type: string, meaning: audience }',
        '      insecure: { type: boolean, meaning: insecure-flag }',
        '      skew: { type: duration, meaning: leeway, max: 120 }',
        '      other: { type: string, required: true }',
        '    checks:',
        '      - { type: conflicts, keys: [iss, aud] }',
      ].join('\n'),
    );
    const checker = engineChecker(profile);
    const run = async (text: string, on: boolean) => {
      quick.on = on;
      const parsed = parseDocument('svc.yaml', text, 'yaml');
      const ctx = new CheckContext(parsed.document!, 'production');
      const online = await checker.check(ctx, { readFile: async () => undefined });
      quick.on = true;
      return { findings: ctx.findings, online };
    };
    for (const iss of ['https://idp.example.com', 'dotnet-user-jwts', 'http://idp', '""'])
      for (const aud of ['api://a', 'a,b', '"https://idp.example.com"', '""'])
        for (const rest of ['', 'insecure: true', 'skew: 5m', 'skew: 60s', 'other: x']) {
          const text = `auth:\n  a:\n    iss: ${iss}\n    aud: ${aud}\n    ${rest}\n  b:\n    iss: ${iss}\n    other: y\n`;
          expect(await run(text, true), text).toStrictEqual(await run(text, false));
        }
  });
});

describe('quick pass without --online', () => {
  it('builds no --online check for a clean instance, and finds exactly what it finds with them', async () => {
    const clean = scheme({});
    // One scheme the quick pass cannot answer for (a finding), one clean.
    const doc = JSON.parse(clean.text);
    doc.Authentication.Schemes.Bearer.RequireHttpsMetadata = false;
    const dirty = { ...clean, text: JSON.stringify(doc) };
    for (const options of [clean, dirty]) {
      const withOnline = await verifyText(options);
      const answered = quick.answered;
      const without = await verifyText({ ...options, online: false });
      expect(without.findings).toStrictEqual(withOnline.findings);
      expect(quick.answered).toBeGreaterThan(answered);
      // The clean schemes' checks were left out; one the full checks saw keeps its own.
      expect(withOnline.online.length).toBe(2);
      expect(without.online.length).toBe(options === clean ? 0 : withOnline.online.length - 1);
    }
  });
});
