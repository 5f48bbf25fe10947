import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CLAIM_DEFECT_KINDS,
  DEFECT_KINDS,
  DEFECT_REGISTRY,
  combineDefects,
  defectChecks,
} from '../../src/core/token/defects.js';
import { CLAIM_DEFECTS, FORGERIES } from '../../src/core/probe/cases.js';
import { fixFor } from '../../src/core/probe/fixes.js';
import { FINDING_IDS } from '../../src/core/probe/severity.js';
import { ROOT } from '../helpers/cli.js';

/** The defect table of the docs (README or docs/*.md): `| defect | token | a correct verifier must |`. */
function documentedDefects(): string {
  const files = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).map((f) => `docs/${f}`)];
  for (const file of files.filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    const start = text.indexOf('| defect | token | a correct verifier must |');
    if (start >= 0) return text.slice(start, text.indexOf('\n\n', start));
  }
  throw new Error('no defect table in README.md or docs/');
}

describe('the defect registry is what every consumer lists', () => {
  it('documents every defect in the docs table', () => {
    const table = documentedDefects();
    for (const kind of DEFECT_KINDS) expect(table, kind).toContain(`\`${kind}`);
  });

  it('gives the probe a case, a finding id and the fix of every defect', () => {
    const probed = [...CLAIM_DEFECTS, ...FORGERIES].map((d) => d.kind);
    for (const { check, fix } of defectChecks()) {
      expect(fixFor(check)).toBe(fix);
      if (check.startsWith('jwt:')) {
        expect(FINDING_IDS).toContain(check);
        expect(probed).toContain(check.slice(4));
      }
    }
    // Each forgery needs no trusted key; each case the probe runs only with that key needs one.
    for (const d of FORGERIES) expect(DEFECT_REGISTRY[d.kind].needsTrustedKey).toBe(false);
    for (const d of CLAIM_DEFECTS) expect(DEFECT_REGISTRY[d.kind].needsTrustedKey).toBe(true);
  });

  it('lets claim defects on different claims combine, and refuses two that set the same one', () => {
    expect(
      combineDefects([{ kind: 'alg-none' }, { kind: 'wrong-issuer' }, { kind: 'expired' }]),
    ).toEqual([{ kind: 'wrong-issuer' }, { kind: 'expired' }, { kind: 'alg-none' }]);
    // Core names the flag as a field ({{defect}}): plain outside the CLI, `--defect` in it.
    expect(() => combineDefects([{ kind: 'expired' }, { kind: 'no-exp' }])).toThrow(
      'defect expired and defect no-exp cannot be combined: both set the time claims (exp/nbf)',
    );
    expect(() => combineDefects([{ kind: 'jku' }, { kind: 'alg-none' }])).toThrow(
      'each makes its own header and signature',
    );
    expect(CLAIM_DEFECT_KINDS).toContain('missing-scope');
    expect(CLAIM_DEFECT_KINDS).not.toContain('bad-signature');
  });
});
