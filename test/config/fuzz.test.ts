import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthctlError } from '../../src/core/errors.js';
import { verifyText } from '../../src/core/verify/verify.js';
import { PROFILES, type Profile } from '../../src/core/verify/types.js';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';
import { rng } from '../helpers/rng.js';

const TOKENS = [
  '[',
  ']',
  '[[',
  ']]',
  '{',
  '}',
  '"',
  "'",
  '"""',
  "'''",
  '=',
  '.',
  ',',
  '\n',
  '#',
  '\\',
  ':',
  'true',
  'null',
  '-1',
  '1e999',
  '\u0000',
  '\ud800',
  '~',
  '/',
  'HS256',
  'http://',
  'export ',
  '`',
  '\r\n',
  ' ',
  'auth',
  'enabled',
  '2024-01-01T00:00:00Z',
];

function mutate(text: string, random: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (out.length + 1));
    const op = random();
    if (op < 0.3) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 8));
    else if (op < 0.7)
      out = out.slice(0, at) + TOKENS[Math.floor(random() * TOKENS.length)] + out.slice(at);
    else if (op < 0.85) {
      const from = Math.floor(random() * out.length);
      out = out.slice(0, at) + out.slice(from, from + Math.floor(random() * 30)) + out.slice(at);
    } else
      out = out.slice(0, at) + String.fromCharCode(Math.floor(random() * 0x3000)) + out.slice(at);
  }
  return out;
}

function corpus(): { profile: Profile; file: string; text: string }[] {
  const out: { profile: Profile; file: string; text: string }[] = [];
  for (const kind of ['valid', 'invalid']) {
    const base = path.join(ROOT, 'test/fixtures/config', kind);
    for (const profile of readdirSync(base)) {
      const walk = (dir: string) => {
        for (const name of readdirSync(dir)) {
          const full = path.join(dir, name);
          if (statSync(full).isDirectory()) walk(full);
          else if (!name.endsWith('.expected.json'))
            out.push({ profile: profile as Profile, file: name, text: readFileSync(full, 'utf8') });
        }
      };
      walk(path.join(base, profile));
    }
  }
  return out;
}

const seeds = corpus();

describe('fuzz: mutated TOML / JSON / .env never crash the checker', () => {
  it('survives 4000 mutated inputs in-process, with and without --profile', async () => {
    const random = rng(20260_4);
    let findings = 0;
    for (let i = 0; i < 4000; i++) {
      const seed = seeds[Math.floor(random() * seeds.length)]!;
      const text = mutate(seed.text, random);
      const profile =
        random() < 0.5
          ? seed.profile
          : random() < 0.5
            ? undefined
            : PROFILES[Math.floor(random() * PROFILES.length)];
      try {
        const result = await verifyText({
          file: seed.file,
          text,
          profile,
          target: (['development', 'staging', 'production'] as const)[i % 3],
          deps: { readFile: async () => undefined },
        });
        for (const f of result.findings) {
          expect(typeof f.rule).toBe('string');
          expect(['error', 'warning', 'info']).toContain(f.severity);
          if (f.line !== undefined) expect(f.line).toBeGreaterThanOrEqual(1);
          if (f.column !== undefined) expect(f.column).toBeGreaterThanOrEqual(1);
        }
        findings += result.findings.length;
      } catch (error) {
        // Only a usage error (profile cannot be detected or does not fit) may escape: exit 2.
        if (!(error instanceof AuthctlError) || error.kind !== 'usage') {
          throw new Error(
            `crash on input #${i} (${seed.profile}/${seed.file}, profile ${profile}): ${(error as Error).stack}\n---\n${text}`,
          );
        }
      }
    }
    expect(findings).toBeGreaterThan(1000);
  });

  it('the binary exits 0, 1 or 2 without a stack trace on 20 mutated files', async () => {
    const random = rng(7);
    const dir = tempDir();
    const runs = Array.from({ length: 20 }, (_, i) => {
      const seed = seeds[Math.floor(random() * seeds.length)]!;
      const ext = path.extname(seed.file) || '.env';
      const file = `case${i}${ext}`;
      writeFileSync(path.join(dir, file), mutate(seed.text, random));
      const args = [
        'verify-config',
        file,
        ...(i % 2 ? ['--profile', seed.profile] : []),
        ...(i % 3 === 0 ? ['--json'] : []),
      ];
      return runCli(args, { cwd: dir }).then((r) => ({ r, args }));
    });
    for (const { r, args } of await Promise.all(runs)) {
      expect([0, 1, 2], `${args.join(' ')}\n${r.stderr}`).toContain(r.code);
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    }
  });
});
