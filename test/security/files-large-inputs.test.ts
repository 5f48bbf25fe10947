import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/core/report/text.js';
import { decodeText, MAX_INPUT_BYTES } from '../../src/core/fs/text.js';
import { verifyConfig, verifyText } from '../../src/core/verify/verify.js';
import { runCli, tempDir } from '../helpers/cli.js';

/**
 * Issue #19: large and oddly encoded inputs. Correctness is asserted on inputs big enough that the
 * old quadratic code (a re-split of the whole file per syntax error, a copied group per finding)
 * ran past the test timeout; the timings themselves are in bench/verify-large.mjs.
 */
const noDeps = { readFile: async () => undefined };

describe('verify-config on large inputs', () => {
  it('40,000 lines of dotenv syntax errors: every one found, at its own line, with its own snippet', async () => {
    const lines = 40_000;
    const result = await verifyText({
      file: 'bang.env',
      text: 'A=1\n!\n'.repeat(lines / 2),
      kind: 'env',
      profile: 'relay',
      deps: noDeps,
    });
    expect(result.findings).toHaveLength(lines / 2);
    result.findings.forEach((f, i) => {
      expect(f.line).toBe(2 * i + 2);
      expect(f.snippet).toContain(`${2 * i + 2} | !`);
      expect(f.snippet).toContain(`${2 * i + 1} | A=*`);
    });
  });

  it('renders 100,000 findings as text, grouped by file, one line each', () => {
    const findings = Array.from({ length: 100_000 }, (_, i) => ({
      rule: 'config/syntax-error',
      severity: 'error' as const,
      file: `f${i % 3}.env`,
      line: i + 1,
      column: 1,
      message: `finding ${i}`,
      fix: 'fix it',
    }));
    const text = renderText(findings, { color: new Chalk({ level: 0 }) });
    const messages = text.split('\n').filter((l) => /error {4}finding \d+/.test(l));
    expect(messages).toHaveLength(100_000);
    // Grouped by file, each group in input order: f0.env holds findings 0, 3, 6, ...
    expect(messages[0]).toContain('finding 0');
    expect(messages[1]).toContain('finding 3');
    expect(text.split('\n').filter((l) => /^f\d\.env$/.test(l))).toEqual([
      'f0.env',
      'f1.env',
      'f2.env',
    ]);
  });
});

describe('encodings and size', () => {
  const text = 'JWT_AUDIENCE=api://relay\nX=1\n!bad\n';
  const encodings: Array<[string, Buffer]> = [
    ['UTF-8 with BOM', Buffer.from(`\ufeff${text}`, 'utf8')],
    ['UTF-16LE with BOM', Buffer.from(`\ufeff${text}`, 'utf16le')],
    ['UTF-16LE without BOM', Buffer.from(text, 'utf16le')],
    ['UTF-16BE with BOM', Buffer.from(`\ufeff${text}`, 'utf16le').swap16()],
    ['UTF-16BE without BOM', Buffer.from(text, 'utf16le').swap16()],
  ];
  for (const [name, bytes] of encodings) {
    it(`${name}: decoded, the one syntax error found at 3:1`, async () => {
      expect(decodeText(bytes, 'x.env')).toBe(text);
      const dir = tempDir('authctl-sec-enc-');
      writeFileSync(path.join(dir, 'prod.env'), bytes);
      // verify-config's own file reading, in-process.
      const result = await verifyConfig({ files: ['prod.env'], cwd: dir, profile: 'relay' });
      expect(result.syntaxError).toBe(true);
      expect(result.findings.filter((f) => f.rule === 'config/syntax-error')).toEqual([
        expect.objectContaining({ line: 3, column: 1 }),
      ]);
    });
  }

  it('a 2 MB UTF-16 .env is read as text: one finding at its last line', async () => {
    const lines = 40_000;
    const dir = tempDir('authctl-sec-enc-');
    writeFileSync(
      path.join(dir, 'big.env'),
      Buffer.from(`\ufeff${'JWT_AUDIENCE=api://relay\n'.repeat(lines)}!\n`, 'utf16le'),
    );
    const result = await verifyConfig({ files: ['big.env'], cwd: dir, profile: 'relay' });
    expect(result.findings.filter((f) => f.rule === 'config/syntax-error')).toEqual([
      expect.objectContaining({ line: lines + 1, column: 1 }),
    ]);
  });

  it('a file over the limit is refused: exit 2, naming the file and the limit', async () => {
    const dir = tempDir('authctl-sec-enc-');
    writeFileSync(path.join(dir, 'huge.env'), Buffer.alloc(MAX_INPUT_BYTES + 1, 'A=1\n'));
    writeFileSync(path.join(dir, 'probe.toml'), Buffer.alloc(MAX_INPUT_BYTES + 1, '# x\n'));
    writeFileSync(path.join(dir, 'authctl.toml'), Buffer.alloc(MAX_INPUT_BYTES + 1, '# x\n'));
    const runs = [
      ['verify-config', 'huge.env'],
      ['probe', '--spec', 'probe.toml', '--dry-run'],
      ['token', 'mint', '--sub', 'a'],
    ];
    await Promise.all(
      runs.map(async (args) => {
        const r = await runCli(args, { cwd: dir, env: { AUTHCTL_HOME: path.join(dir, 'home') } });
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr).toMatch(
          /authctl: error: .*(huge\.env|probe\.toml|authctl\.toml) is 4\.0 MiB; authctl reads at most 4\.0 MiB/,
        );
        expect(r.stderr.trim().split('\n')).toHaveLength(2);
      }),
    );
  });
});
